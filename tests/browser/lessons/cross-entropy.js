// The cross-entropy lesson: what it shows, checked against the module and float64.
import { join } from 'node:path';
import { check, assert, open, noProblems, ready } from '../harness.js';

check('cross-entropy: loss = −log p(correct) for the chosen token; the article\'s 0.223 and 4.605', async () => {
  const { page, problems, context } = await open('?lesson=cross-entropy');
  await ready(page);
  await page.getByLabel('Correct token').selectOption({ label: 'dog' });
  const p = Number(await page.getAttribute('[data-readout="p"]', 'data-value'));
  const loss = Number(await page.getAttribute('[data-readout="loss"]', 'data-value'));
  assert(Math.abs(loss - -Math.log(p)) < 1e-5, `loss ${loss} should be −log p(dog) = ${-Math.log(p)}`);
  const worked = await page.$$eval('tr[data-p]', (trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.p, Number(tr.querySelector('td').dataset.value)])));
  assert(Math.abs(worked['0.8'] - 0.2231436) < 1e-5, `−log 0.80 should be 0.223, shown ${worked['0.8']}`);
  assert(Math.abs(worked['0.01'] - 4.6051702) < 1e-4, `−log 0.01 should be 4.605, shown ${worked['0.01']}`);
  const text = await page.textContent('tr[data-p="0.01"] td');
  assert(text === '4.605', `the table should read 4.605, reads ${JSON.stringify(text)}`);
  // Label smoothing raises the loss floor: the target is (1 − ε)·y + ε/C.
  const smoothing = page.getByLabel('Label smoothing ε');
  await smoothing.focus();
  for (let i = 0; i < 10; ++i) await page.keyboard.press('ArrowRight');
  const target = await page.$$eval('article details.table-alt', (ds) => [...ds[1].querySelectorAll('tbody td')].map((td) => Number(td.dataset.value)));
  const C = target.length;
  assert(Math.abs(target[1] - (0.9 + 0.1 / C)) < 1e-5 && Math.abs(target[0] - 0.1 / C) < 1e-5,
    `with ε = 0.1 and C = ${C} the target should be ${0.9 + 0.1 / C} on dog and ${0.1 / C} elsewhere: ${target.join(', ')}`);
  noProblems(problems, 'cross-entropy');
  await context.close();
});
