// The stability lesson: what it shows, checked against the module and float64.
import { check, assert, open, noProblems, ready, labEval } from '../harness.js';

check('stability: past 88.72 the naive float32 column overflows while the module stays exact; masking all is refused', async () => {
  const { page, problems, context } = await open('?lesson=stability&logits=2,1,0.1&labels=cat,dog,apple');
  await ready(page);
  await page.getByRole('button', { name: 'Push the largest logit to 90' }).click();
  const rows = await page.$$eval('table.compare tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert(rows[0][1] === 'Infinity' && rows[0][2] === 'NaN', `naive exp and p of cat at z = 90 should be Infinity and NaN: ${rows[0]}`);
  const stable = await page.$$eval('table.compare tbody tr td:nth-child(5)', (tds) => tds.map((td) => Number(td.dataset.value)));
  const expected = await labEval(page, (lab) => Array.from(lab.softmax([90, 89, 88.1])));
  stable.forEach((v, i) => assert(v === expected[i], `token ${i}: shown ${v}, lab.softmax gives ${expected[i]}`));
  assert(Math.abs(stable[0] - 0.6590011) < 1e-6, `shift invariance: p(cat) should stay 0.659 at z = 90, got ${stable[0]}`);
  for (const name of ['cat', 'dog', 'apple']) await page.getByRole('checkbox', { name }).check();
  const refused = await page.textContent('[data-readout="stable"]');
  assert(/entirely -Infinity/.test(refused), `masking every token should show the module's error, got ${JSON.stringify(refused)}`);
  noProblems(problems, 'stability');
  await context.close();
});
