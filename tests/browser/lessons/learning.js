// The learning lesson: what it shows, checked against the module and float64.
import { heldOutBatch } from '../../../web/model/heldout.js';
import { crossEntropyGradRef, crossEntropyRef, fitTemperatureRef, softmaxRef } from '../../js/reference.js';
import { expectPrinted } from '../audit/printed.js';
import { answerShown } from '../audit.js';
import { check, assert, open, noProblems, ready, labEval } from '../harness.js';

// ---------------------------------------------------------------------------------------------------------------
// Float64 references

// The store keeps logits to 6 significant digits, and the page steps with the module's float32 gradient: the
// trajectory of states follows both (a float64 step can land on the other side of a 6-digit rounding tie); every value
// printed at those states is then compared with float64.
const round6 = (x) => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(6)) : x);
const LR = 0.5;  // the lesson's initial learning rate

// `steps` steps of gradient descent from the state, in float64: each entry { z, loss, g, p } before/after each step.
export function simulate(state, steps) {
  const target = state.target ?? 0;
  const lr = state.lr ?? LR;
  const o = { labelSmoothing: state.smoothing ?? 0 };
  let z = state.logits.slice();
  const out = [];
  for (let k = 0; k <= steps; ++k) {
    const g = Array.from(crossEntropyGradRef(z, target, o));
    out.push({ z: z.slice(), loss: crossEntropyRef(z, target, o), g, p: Array.from(softmaxRef(z)) });
    z = z.map((v, i) => (Number.isFinite(v) ? round6(v - lr * Math.fround(g[i])) : v));
  }
  return out;
}

// The tokens one step pushes up: finite logits with a negative float64 gradient.
function raised64(state) {
  const g = crossEntropyGradRef(state.logits, state.target, { labelSmoothing: state.smoothing });
  return state.logits.map((z, k) => k).filter((k) => Number.isFinite(state.logits[k]) && g[k] < 0);
}

// The set of tokens an option of the "direction" question names: its quoted token names, or a rule in words.
function optionSet(text, state) {
  const names = [...text.matchAll(/“([^”]*)”/g)].map((m) => m[1]);
  const all = state.logits.map((z, k) => k);
  if (names.length) return names.map((n) => state.labels.indexOf(n));
  if (/^None/i.test(text)) return [];
  if (/^All/i.test(text)) return all;
  if (/correct token/i.test(text)) return [state.target];
  if (/largest/i.test(text)) return [all.reduce((a, k) => (state.logits[k] > state.logits[a] ? k : a), 0)];
  return null;
}
const sameSet = (a, b) => a !== null && a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

// Held-out batch: accuracy, mean confidence and loss at T, in float64.
function heldOut64(T) {
  const b = heldOutBatch();
  const C = b.classes.length;
  let confidence = 0;
  let correct = 0;
  let loss = 0;
  for (let r = 0; r < b.rows; ++r) {
    const z = Array.from(b.logits.subarray(r * C, (r + 1) * C));
    const p = softmaxRef(z, { temperature: T });
    const top = p.indexOf(Math.max(...p));
    confidence += p[top];
    if (top === b.targets[r]) correct += 1;
    loss += crossEntropyRef(z, b.targets[r], { temperature: T });
  }
  return { confidence: confidence / b.rows, accuracy: correct / b.rows, loss: loss / b.rows };
}
const heldOutBefore = heldOut64(1);
const fittedT = (() => {
  const b = heldOutBatch();
  return fitTemperatureRef(Array.from(b.logits), b.targets, { rows: b.rows });
})();

// ---------------------------------------------------------------------------------------------------------------
// Behaviour

const readout = async (page, key) => Number(await page.getAttribute(`[data-readout="${key}"]`, 'data-value'));
async function answer(page, id, pick = 0) {
  const q = page.locator(`[data-question="${id}"]`);
  await q.locator('input[type=radio]').nth(pick).check();
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  return q;
}

check('learning: a step and the play/pause loop lower the loss; fitTemperature calibrates', async () => {
  const { page, problems, context } = await open('?lesson=learning&target=2');
  await ready(page);
  const before = await readout(page, 'loss');
  await page.getByRole('button', { name: 'Take one step' }).click();
  const afterStep = await readout(page, 'loss');
  assert(afterStep < before, `one step should lower the loss: ${before} → ${afterStep}`);
  const play = page.getByRole('button', { name: 'Play' });
  await play.click();
  assert(await page.getAttribute('button.play', 'aria-pressed') === 'true', 'Play should be pressed while training');
  await page.waitForFunction(() => Number(document.querySelector('[data-readout="steps"]').dataset.value) >= 12, null, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const steps = await readout(page, 'steps');
  const afterPlay = await readout(page, 'loss');
  assert(afterPlay < afterStep * 0.8, `after ${steps} steps the loss should have fallen well below ${afterStep}, it is ${afterPlay}`);
  await page.waitForTimeout(400);
  const stepsLater = await readout(page, 'steps');
  assert(stepsLater === steps, `paused training kept stepping: ${steps} → ${stepsLater}`);
  const p = await readout(page, 'p');
  assert(Math.abs(afterPlay - -Math.log(p)) < 1e-4, `loss ${afterPlay} should equal −log p(correct) = ${-Math.log(p)}`);
  // The fit stays hidden until the calibration question is answered.
  const fit = page.locator('button', { hasText: 'Fit T on the held-out batch' });
  assert(await fit.evaluate((b) => Boolean(b.closest('[inert]'))), 'the fit should be gated before the calibration question is answered');
  await answer(page, 'calibration', 1);
  await fit.click();
  const fitted = await readout(page, 'fitted');
  const expected = await labEval(page, async (lab) => {
    const { heldOutBatch: batch } = await import(location.origin + '/model/heldout.js');
    const b = batch();
    return lab.fitTemperature(b.logits, b.targets, { rows: b.rows });
  });
  assert(fitted === expected && fitted > 1, `fitted T ${fitted}, lab.fitTemperature gives ${expected} (an overconfident model needs T > 1)`);
  assert(Math.abs(fitted - fittedT) < 1e-3, `fitted T ${fitted}, float64 optimum ${fittedT}`);
  const lossBefore = await readout(page, 'before');
  const lossAfter = await readout(page, 'after');
  assert(lossAfter < lossBefore, `held-out loss should fall at the fitted T: ${lossBefore} → ${lossAfter}`);
  noProblems(problems, 'learning');
  await context.close();
});

check('learning: runs stay on the chart when η changes; Reset returns to the starting logits and step 0; runs can be cleared', async () => {
  const { page, problems, context } = await open('?lesson=learning');
  await ready(page);
  const start = await readout(page, 'loss');
  const stepButton = page.getByRole('button', { name: 'Take one step' });
  for (let k = 0; k < 5; ++k) await stepButton.click();
  assert(await readout(page, 'steps') === 5, 'five steps counted');
  const trained = await readout(page, 'loss');
  assert(trained < start, `training lowers the loss: ${start} → ${trained}`);
  // A new η: the run at η = 0.5 stays, the logits go back to the start.
  await page.getByLabel('Learning rate η (log scale)').focus();
  for (let k = 0; k < 30; ++k) await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(50);
  assert(await readout(page, 'steps') === 0, `a new η should start a new run at step 0, steps is ${await readout(page, 'steps')}`);
  const back = await readout(page, 'loss');
  assert(back === start, `a new η should return to the starting logits: loss ${back}, start ${start}`);
  for (let k = 0; k < 3; ++k) await stepButton.click();
  let legend = await page.$$eval('.run-legend li', (li) => li.map((x) => x.textContent));
  assert(legend.length === 2 && /η = 0\.5,/.test(legend[0]) && /η = 0\.2\d*,/.test(legend[1]) && /in 5 steps/.test(legend[0]) && /in 3 steps/.test(legend[1]),
    `two runs expected, labelled with their η and steps: ${JSON.stringify(legend)}`);
  const lines = await page.$$eval('.line-chart polyline.line-run', (p) => p.map((x) => x.getAttribute('class')));
  assert(lines.length === 2 && lines[0] !== lines[1], `two curves in two styles expected: ${JSON.stringify(lines)}`);
  // Reset: the starting logits, step 0, both runs kept.
  await page.getByRole('button', { name: 'Reset the logits' }).click();
  assert(await readout(page, 'steps') === 0 && await readout(page, 'loss') === start, 'Reset returns to the starting logits and step 0');
  const url = new URL(page.url());
  await page.waitForTimeout(250);
  assert(!new URL(page.url()).searchParams.has('logits'), `after Reset the link should carry the starting logits (none): ${url.search}`);
  legend = await page.$$eval('.run-legend li', (li) => li.length);
  assert(legend === 2, `Reset keeps the finished runs: ${legend}`);
  await page.getByRole('button', { name: 'Clear the runs' }).click();
  legend = await page.$$eval('.run-legend li', (li) => li.length);
  assert(legend === 0, `Clear the runs empties the chart: ${legend} runs left`);
  noProblems(problems, 'learning runs');
  await context.close();
});

check('learning: the "too large a step" preset overshoots (float64 and page), the gentle one converges', async () => {
  // Float64 first: the preset really overshoots, and η = 1 from the same start does not.
  const preset = { logits: [0, 2], target: 0, smoothing: 0.4 };
  const big = simulate({ ...preset, lr: 10 }, 40).map((s) => s.loss);
  const small = simulate({ ...preset, lr: 1 }, 40).map((s) => s.loss);
  const rises = big.slice(1).filter((l, k) => l > big[k] + 1e-3).length;
  const floor = -(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2));  // the lowest loss: p = y = (0.8, 0.2)
  assert(big[1] > big[0] && rises >= 10, `η = 10 should raise the loss at the first step and often after: ${big.slice(0, 8).map((l) => l.toFixed(3))} (${rises} rises)`);
  assert(Math.min(...big.slice(20)) > floor + 1e-3 && Math.max(...big.slice(20)) > floor + 0.2, `η = 10 should keep oscillating above the minimum ${floor}: ${big.slice(20, 28).map((l) => l.toFixed(3))}`);
  assert(small.slice(1).every((l, k) => l <= small[k] + 1e-12) && small[40] - floor < 1e-3, `η = 1 should fall steadily to ${floor}: ${small.slice(0, 8).map((l) => l.toFixed(3))} … ${small[40]}`);
  const { page, problems, context } = await open('?lesson=learning');
  await ready(page);
  await page.getByRole('button', { name: /Too large a step/ }).click();
  const stepButton = page.getByRole('button', { name: 'Take one step' });
  for (let k = 0; k < 8; ++k) await stepButton.click();
  const history = await page.$$eval('details.table-alt table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent))
    .filter((cells) => cells.length === 2).map(([s, l]) => [Number(s), Number(l)]));
  assert(history.length === 9 && history[1][1] > history[0][1], `the page's history should show the first step raising the loss: ${JSON.stringify(history)}`);
  history.forEach(([s, l]) => assert(Math.abs(l - big[s]) < 1e-3 * Math.max(1, big[s]), `step ${s}: page ${l}, float64 ${big[s]}`));
  await page.getByRole('button', { name: /same two tokens/ }).click();
  for (let k = 0; k < 8; ++k) await stepButton.click();
  const legend = await page.$$eval('.run-legend li', (li) => li.map((x) => x.textContent));
  assert(legend.length === 2 && /η = 10,/.test(legend[0]) && /η = 1,/.test(legend[1]), `both runs from the same start stay on the chart: ${JSON.stringify(legend)}`);
  noProblems(problems, 'learning overshoot');
  await context.close();
});

check('learning: with ε = 0.2 the direction question marks the option naming “cat”, “fish” and “tree” (the signs of p − y) right', async () => {
  const { page, problems, context } = await open('?lesson=learning&smoothing=0.2');
  await ready(page);
  const q = page.locator('[data-question="direction"]');
  const options = await q.locator('label').allTextContents();
  const pick = options.findIndex((t) => /“cat”, “fish” and “tree”/.test(t));
  assert(pick >= 0, `an option should name “cat”, “fish” and “tree”: ${JSON.stringify(options)}`);
  await answer(page, 'direction', pick);
  const feedback = await q.locator('.feedback').textContent();
  assert(/Right/.test(feedback) && /raises “cat”, “fish” and “tree”/.test(feedback) && !/Only “cat”/.test(feedback), `feedback: ${feedback}`);
  noProblems(problems, 'learning direction');
  await context.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Equation audit: after three steps from each grid state, every printed loss, gradient, probability, logit, run label
// and announcement against a float64 simulation of the same steps.

const STEPS = 3;

export const audit = {
  dims: ['logits', 'smoothing'],
  extraStates: [{ name: 'overshoot preset', logits: [0, 2], labels: ['cat', 'dog'], temperature: 1, smoothing: 0.4, lr: 10, target: 0 }],
  // Answer the direction question first (its first option: the verdict names the right one either way), then step.
  async prepare(page) {
    await answerShown(page, ['direction']);
    for (let k = 0; k < STEPS; ++k) await page.getByRole('button', { name: 'Take one step' }).click();
  },
  read: `(() => {
    const text = (n) => n?.textContent ?? '';
    const charts = [...document.querySelectorAll('article.lesson figure.chart')].filter((f) => f.querySelector('.bars')).map((f) => ({
      caption: text(f.querySelector('.chart-caption')),
      bars: [...f.querySelectorAll('.bar-row')].map((r) => [text(r.querySelector('.bar-label')), text(r.querySelector('.bar-value'))]),
      table: [...f.nextElementSibling.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
    }));
    const history = [...document.querySelectorAll('article.lesson details.table-alt')].find((d) => /loss as a table/.test(text(d.querySelector('summary'))));
    return {
      readouts: Object.fromEntries([...document.querySelectorAll('dd[data-readout]')].map((d) => [d.dataset.readout, d.textContent])),
      charts,
      history: [...history.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
      legend: [...document.querySelectorAll('.run-legend li')].map(text),
      plot: document.querySelector('article.lesson svg.line-chart').getAttribute('aria-label'),
      asks: Object.fromEntries([...document.querySelectorAll('[data-question]')].map((q) => [q.dataset.question, q.hidden ? null : text(q.querySelector('legend'))])),
      notes: [...document.querySelectorAll('article.lesson .chart-note')].filter((n) => !n.hidden).map(text),
      direction: (() => {
        const q = document.querySelector('[data-question="direction"]');
        if (q.hidden) return null;
        const paragraphs = [...q.querySelectorAll('.feedback p')].map(text);
        return { choices: [...q.querySelectorAll('label')].map(text).map((t) => t.trim()), verdict: paragraphs[0] ?? '', reveal: paragraphs[1] ?? '' };
      })(),
      url: location.search,
    };
  })()`,
  check({ own, live }, state) {
    const f = [];
    const target = state.target ?? 0;
    const lr = state.lr ?? LR;
    const eps = state.smoothing ?? 0;
    const sim = simulate(state, STEPS);
    const now = sim[STEPS];
    const labels = state.labels;
    const r = own.readouts;
    f.push(r.steps === String(STEPS) ? '' : `steps readout "${r.steps}", expected ${STEPS}`);
    f.push(expectPrinted('loss readout', r.loss, now.loss));
    f.push(expectPrinted('p(correct) readout', r.p, now.p[target]));
    if (!Number.isFinite(now.loss) && !own.notes.some((n) => /infinite/.test(n))) f.push('an infinite loss without the note that explains it');
    const [gradient, probabilities] = own.charts;
    if (!gradient || !probabilities) return [`expected the gradient and probability charts, found ${own.charts.length}`];
    labels.forEach((label, i) => {
      f.push(gradient.bars[i]?.[0] === label ? '' : `gradient bar ${i} is labelled "${gradient.bars[i]?.[0]}", expected "${label}"`);
      f.push(expectPrinted(`gradient bar ${label}`, gradient.bars[i][1], now.g[i]));
      f.push(expectPrinted(`gradient table ${label}`, gradient.table[i][1], now.g[i]));
      f.push(expectPrinted(`gradient table ${label} logit`, gradient.table[i][2], now.z[i]));
      f.push(expectPrinted(`probability bar ${label}`, probabilities.bars[i][1], now.p[i]));
      f.push(expectPrinted(`probability table ${label} logit`, probabilities.table[i][1], now.z[i]));
      f.push(expectPrinted(`probability table ${label}`, probabilities.table[i][2], now.p[i]));
    });
    // This run's history: steps 0 … STEPS.
    if (own.history.length !== STEPS + 1) f.push(`history has ${own.history.length} rows, expected ${STEPS + 1}`);
    own.history.forEach(([s, l], k) => {
      f.push(s === String(k) ? '' : `history row ${k} is step "${s}"`);
      f.push(expectPrinted(`history step ${k}`, l, sim[k]?.loss));
    });
    // The run's label, in the legend and in the chart's spoken summary.
    const run = /^Run 1: η = (\S+), ε = (\S+), target “(.*)”: (.+?) → (.+?) in (\d+) steps$/.exec(own.legend[0] ?? '');
    if (own.legend.length !== 1 || !run) f.push(`legend ${JSON.stringify(own.legend)}`);
    else {
      f.push(expectPrinted('legend η', run[1], lr), expectPrinted('legend ε', run[2], eps));
      f.push(run[3] === labels[target] ? '' : `legend target "${run[3]}"`);
      f.push(expectPrinted('legend start loss', run[4], sim[0].loss), expectPrinted('legend end loss', run[5], now.loss));
      f.push(run[6] === String(STEPS) ? '' : `legend steps ${run[6]}`);
    }
    const spoken = /Run 1: η = (\S+), ε = (\S+), target “.*”; loss (.+?) at step 0, (.+?) at step (\d+)\.$/.exec(own.plot);
    if (!spoken) f.push(`chart summary "${own.plot}"`);
    else {
      f.push(expectPrinted('chart summary η', spoken[1], lr), expectPrinted('chart summary ε', spoken[2], eps));
      f.push(expectPrinted('chart summary start loss', spoken[3], sim[0].loss), expectPrinted('chart summary end loss', spoken[4], now.loss));
    }
    // The questions' own numbers.
    if (own.asks.step === null && Number.isFinite(now.loss)) f.push('the step question is hidden though the loss is finite');
    const cal = /right (\S+) of the time but reports (\S+) mean confidence/.exec(own.asks.calibration ?? '');
    if (!cal) f.push(`the calibration question reads "${own.asks.calibration}"`);
    else f.push(expectPrinted('calibration accuracy', cal[1], heldOutBefore.accuracy), expectPrinted('calibration confidence', cal[2], heldOutBefore.confidence));
    f.push(expectPrinted('held-out accuracy', r.accuracy, heldOutBefore.accuracy));
    const [conf, loss] = r.before.split(', ');
    f.push(expectPrinted('held-out confidence at T = 1', conf, heldOutBefore.confidence), expectPrinted('held-out loss at T = 1', loss, heldOutBefore.loss));
    // The direction question, answered before the steps: the option it marks right and what its reveal claims.
    if (own.direction) {
      const start = { ...state, target, smoothing: eps };
      const truth = raised64(start);
      const names = (set) => (set.length ? set.map((k) => `“${labels[k]}”`).join(', ') : 'none');
      const { choices, verdict, reveal } = own.direction;
      const right = /Right/.test(verdict) ? choices[0] : /the answer is “(.*)”\./.exec(verdict)?.[1];
      if (!sameSet(optionSet(right ?? '', start), truth)) f.push(`the direction question marks “${right}” right; a step raises ${names(truth)}`);
      const claim = reveal.split(/(?<=\.) /).find((t) => /raise|goes up|negative gradient/.test(t) && !/^With ε|^The gradient/.test(t));
      const claimed = claim && /raises none/.test(claim) ? [] : claim ? [...claim.matchAll(/“([^”]*)”/g)].map((m) => labels.indexOf(m[1])) : null;
      if (!claimed || !sameSet(claimed, truth)) f.push(`the direction reveal says "${claim}"; a step raises ${names(truth)}`);
      const listed = /The gradient (?:p − y )?is (.*?)\. /.exec(reveal);
      if (!listed) f.push(`the direction reveal lists no gradient: "${reveal}"`);
      else listed[1].split(', ').forEach((item, k) => f.push(expectPrinted(`direction reveal ${labels[k]}`, item.slice(labels[k].length + 1), sim[0].g[k])));
    }
    // The live region: "Loss 0.2616; cat at 77.0%."
    const said = live.map((t) => /^Loss (.+?); (.*) at (.+)\.$/.exec(t)).find(Boolean);
    if (!said) f.push(`live region ${JSON.stringify(live)}`);
    else {
      f.push(expectPrinted('live loss', said[1], now.loss), expectPrinted('live p', said[3], now.p[target]));
      f.push(said[2] === labels[target] ? '' : `live region names "${said[2]}"`);
    }
    return f;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (float64): which options are true in a state.

export const quiz = {
  direction(state, { choices }) {
    const truth = raised64(state);
    return choices.map((c) => sameSet(optionSet(c, state), truth));
  },
  step(state, { choices }) {
    const o = { labelSmoothing: state.smoothing };
    const before = crossEntropyRef(state.logits, state.target, o);
    const g = crossEntropyGradRef(state.logits, state.target, o);
    const next = state.logits.map((z, i) => (Number.isFinite(z) ? round6(z - state.lr * g[i]) : z));
    const change = crossEntropyRef(next, state.target, o) - before;
    return choices.map((c) => (/falls/.test(c) ? change < -1e-4 : /rises/.test(c) ? change > 1e-4
      : /less than 0\.0001/.test(c) ? Math.abs(change) < 1e-4 : false));
  },
  calibration(state, { ask, choices }) {
    const stated = /right (\S+) of the time but reports (\S+) mean confidence/.exec(ask);
    const honest = stated && !expectPrinted('', stated[1], heldOutBefore.accuracy) && !expectPrinted('', stated[2], heldOutBefore.confidence);
    return choices.map((c) => honest && (/Above 1/.test(c) ? fittedT > 1 + 1e-3 : /Below 1/.test(c) ? fittedT < 1 - 1e-3
      : /Exactly 1/.test(c) ? Math.abs(fittedT - 1) <= 1e-3 : false));
  },
};
