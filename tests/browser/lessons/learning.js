// The learning lesson: what it shows, checked against the module and float64.
import { check, assert, open, noProblems, ready, labEval } from '../harness.js';

check('learning: a step and the play/pause loop lower the loss; fitTemperature calibrates', async () => {
  const { page, problems, context } = await open('?lesson=learning&target=2');
  await ready(page);
  const loss = async () => Number(await page.getAttribute('[data-readout="loss"]', 'data-value'));
  const before = await loss();
  await page.getByRole('button', { name: 'Take one step' }).click();
  const afterStep = await loss();
  assert(afterStep < before, `one step should lower the loss: ${before} → ${afterStep}`);
  const play = page.getByRole('button', { name: 'Play' });
  await play.click();
  assert(await page.getAttribute('button.play', 'aria-pressed') === 'true', 'Play should be pressed while training');
  await page.waitForFunction(() => Number(document.querySelector('[data-readout="steps"]').dataset.value) >= 12, null, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const steps = Number(await page.getAttribute('[data-readout="steps"]', 'data-value'));
  const afterPlay = await loss();
  assert(afterPlay < afterStep * 0.8, `after ${steps} steps the loss should have fallen well below ${afterStep}, it is ${afterPlay}`);
  await page.waitForTimeout(400);
  const stepsLater = Number(await page.getAttribute('[data-readout="steps"]', 'data-value'));
  assert(stepsLater === steps, `paused training kept stepping: ${steps} → ${stepsLater}`);
  const p = Number(await page.getAttribute('[data-readout="p"]', 'data-value'));
  assert(Math.abs(afterPlay - -Math.log(p)) < 1e-4, `loss ${afterPlay} should equal −log p(correct) = ${-Math.log(p)}`);
  await page.getByRole('button', { name: 'Fit T on the held-out batch' }).click();
  const fitted = Number(await page.getAttribute('[data-readout="fitted"]', 'data-value'));
  const expected = await labEval(page, async (lab) => {
    const { heldOutBatch } = await import(location.origin + '/model/heldout.js');
    const b = heldOutBatch();
    return lab.fitTemperature(b.logits, b.targets, { rows: b.rows });
  });
  assert(fitted === expected && fitted > 1, `fitted T ${fitted}, lab.fitTemperature gives ${expected} (an overconfident model needs T > 1)`);
  const lossBefore = Number(await page.getAttribute('[data-readout="before"]', 'data-value'));
  const lossAfter = Number(await page.getAttribute('[data-readout="after"]', 'data-value'));
  assert(lossAfter < lossBefore, `held-out loss should fall at the fitted T: ${lossBefore} → ${lossAfter}`);
  noProblems(problems, 'learning');
  await context.close();
});
