// The temperature lesson: what it shows, checked against the module and float64.
import { join } from 'node:path';
import { check, assert, open, noProblems, ready, labEval, tableValues, probabilityCells, roundSignificant } from '../harness.js';

check('temperature: the slider, moved key by key, shows exactly what lab.softmax gives', async () => {
  const { page, problems, context } = await open('?lesson=temperature&logits=2,1,0.1,-1.5&labels=cat,dog,apple,car');
  await ready(page);
  const slider = page.getByLabel('Temperature T (log scale)');
  await slider.focus();
  let position = 0;  // log10(T), in steps of 0.01
  const keys = [['ArrowRight', 1], ['ArrowRight', 1], ['ArrowUp', 1], ['ArrowLeft', -1], ['ArrowDown', -1],
    ...Array(25).fill(['ArrowLeft', -1]), ['Home', null], ['ArrowRight', 1], ['End', null], ['ArrowLeft', -1]];
  for (const [key, delta] of keys) {
    await page.keyboard.press(key);
    if (key === 'Home') position = -200;
    else if (key === 'End') position = 200;
    else position += delta;
    const expectedT = roundSignificant(10 ** (position / 100), 3);
    const shownT = Number(await page.getAttribute('.temperature-readout', 'data-value'));
    assert(shownT === expectedT, `after ${key} (log10 T = ${position / 100}): the page shows T = ${shownT}, expected ${expectedT}`);
    const valueText = await slider.getAttribute('aria-valuetext');
    assert(valueText.includes(String(expectedT)) || valueText.includes(expectedT.toFixed(3).replace(/0+$/, '')),
      `after ${key}: aria-valuetext is ${JSON.stringify(valueText)} for T = ${expectedT}`);
    const shown = await tableValues(page, probabilityCells());
    const expected = await labEval(page, (lab, [z, T]) => Array.from(lab.softmax(z, { temperature: T })), [[2, 1, 0.1, -1.5], expectedT]);
    const formatted = await page.evaluate(async (values) => {
      const { formatProbability } = await import(location.origin + '/model/format.js');
      return values.map(formatProbability);
    }, expected);
    assert(shown.length === 4, `expected 4 probability cells, found ${shown.length}`);
    shown.forEach((cell, i) => {
      assert(cell.value === expected[i], `T = ${expectedT}, token ${i}: shown ${cell.value}, lab.softmax gives ${expected[i]}`);
      assert(cell.text === formatted[i], `T = ${expectedT}, token ${i}: text ${JSON.stringify(cell.text)}, expected ${JSON.stringify(formatted[i])}`);
    });
    if (key === 'Home') {
      assert(shown[0].value > 0.999999 && shown.slice(1).every((c) => c.value < 1e-6),
        `at T = 0.01 the top token should take everything: ${shown.map((c) => c.value).join(', ')}`);
    }
    if (key === 'End') {
      assert(shown.every((c) => Math.abs(c.value - 0.25) < 0.01), `at T = 100 all four should be near 1/4: ${shown.map((c) => c.value).join(', ')}`);
    }
  }
  await page.waitForTimeout(250);
  const url = new URL(page.url());
  assert(url.searchParams.get('temperature') === '97.7', `the URL should carry temperature=97.7, it is ${url.search}`);
  noProblems(problems, 'temperature');
  await context.close();
});

check('temperature: T → 0 shares ties; the readouts are the module\'s entropy', async () => {
  const { page, problems, context } = await open('?lesson=temperature&logits=3,3,1&labels=a,b,c&temperature=0.01');
  await ready(page);
  const shown = await tableValues(page, probabilityCells());
  assert(shown[0].value === 0.5 && shown[1].value === 0.5 && shown[2].value === 0,
    `tied logits at T = 0.01 should give 0.5, 0.5, 0: got ${shown.map((c) => c.value).join(', ')}`);
  await page.click('button[data-temperature="2"]');
  const entropy = Number(await page.getAttribute('[data-readout="entropy"]', 'data-value'));
  const expected = await labEval(page, (lab) => lab.entropy([3, 3, 1], { temperature: 2 }));
  assert(entropy === expected, `entropy at T = 2: shown ${entropy}, lab.entropy gives ${expected}`);
  const reference = -(2 * (1 / 3) * Math.log(1 / 3)) > 0;  // sanity: entropy is positive, below ln 3
  assert(reference && entropy > 0 && entropy < Math.log(3), `entropy ${entropy} should lie in (0, ln 3)`);
  noProblems(problems, 'temperature ties');
  await context.close();
});

check('questions: predict, check, and the feedback is computed from the learner\'s numbers', async () => {
  const { page, problems, context } = await open('?lesson=temperature');
  await ready(page);
  const q = page.locator('[data-question="double"]');
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  assert(/Pick an answer/.test(await q.locator('.feedback').textContent()), 'checking without an answer should ask for one');
  await q.getByLabel('It falls').check();
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  const feedback = await q.locator('.feedback').textContent();
  const expected = await labEval(page, (lab) => lab.softmax([2, 1, 0.1, 0.6, -0.8, -2], { temperature: 2 })[0]);
  const shown = `${(expected * 100).toFixed(1)}%`;
  assert(/Right/.test(feedback) && feedback.includes(`at T = 2 it has ${shown}`), `feedback should say "at T = 2 it has ${shown}": ${JSON.stringify(feedback)}`);
  await q.getByRole('button', { name: 'Double T' }).click();
  const T = Number(await page.getAttribute('.temperature-readout', 'data-value'));
  assert(T === 2, `"Double T" should set T = 2, it is ${T}`);
  noProblems(problems, 'questions');
  await context.close();
});
