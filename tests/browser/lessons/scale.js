// The scale lesson: what it shows, checked against the module and float64.
import { check, assert, open, noProblems, ready, labEval } from '../harness.js';

check('scale: 50,257 tokens, top-50 mass plus tail is 1, SIMD, scalar and JavaScript timings all reported', async () => {
  const { page, problems, context } = await open('?lesson=scale');
  await ready(page);
  await page.waitForSelector('.timing tbody tr:nth-child(3)', { timeout: 20_000 });
  const timings = await page.$$eval('.timing tbody tr', (trs) => trs.map((tr) => [tr.querySelector('th').textContent, Number(tr.querySelector('td').dataset.value)]));
  assert(timings.length === 3, `expected 3 timing rows, got ${timings.length}`);
  timings.forEach(([name, ms]) => assert(ms > 0 && ms < 50, `${name}: ${ms} ms per softmax of 50,257 is not plausible`));
  assert(/SIMD/.test(timings[0][0]) && /scalar/.test(timings[1][0]) && /JavaScript/.test(timings[2][0]), `rows: ${timings.map((t) => t[0])}`);
  const top = Number(await page.getAttribute('[data-readout="top50"]', 'data-value'));
  const tail = Number(await page.getAttribute('[data-readout="tail"]', 'data-value'));
  assert(Math.abs(top + tail - 1) < 1e-12 && tail > 0.01, `top-50 ${top} + tail ${tail} should be 1 with a visible tail`);
  const expected = await labEval(page, async (lab) => {
    const { makeVocabulary } = await import(location.origin + '/model/vocabulary.js');
    const v = makeVocabulary();
    const p = lab.softmax(v.logits);
    return Array.from(lab.topK(v.logits, 50).indices).reduce((a, i) => a + p[i], 0);
  });
  assert(top === expected, `top-50 mass shown ${top}, from lab.softmax + lab.topK ${expected}`);
  noProblems(problems, 'scale');
  await context.close();
});
