// Lesson 7: the gradient of cross-entropy is p − y; stepping against it lowers the loss. Then temperature scaling as
// calibration, with lab.fitTemperature on a held-out batch.
import { formatDecimal, formatNumber, formatProbability, formatSigned } from '../model/format.js';
import { heldOutBatch } from '../model/heldout.js';
import { descend } from '../model/training.js';
import { barChart } from '../ui/chart.js';
import { button, rangeField, readouts, tokenSelect } from '../ui/controls.js';
import { lineChart } from '../ui/curve.js';
import { h, prefersReducedMotion, prose, setText, scrollBox, formulaBox } from '../ui/dom.js';
import { formula, mi, mo, row, sub, m } from '../ui/math.js';
import { PROBABILITY_COLUMNS, argmax, probabilityRows } from './shared.js';

const STEP_MS = 120;

function ticksTo(top) {
  const step = top <= 4 ? 1 : top <= 10 ? 2 : 5;
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return ticks;
}
const MAX_HISTORY = 400;

function gradientFormula() {
  const partial = m('mfrac', null, row(mo('\u2202'), mi('L')), row(mo('\u2202'), sub(mi('z'), mi('i'))));
  return formula('the partial derivative of L with respect to z sub i equals p sub i minus y sub i; z becomes z minus eta times the gradient',
    partial, mo('='), sub(mi('p'), mi('i')), mo('\u2212'), sub(mi('y'), mi('i')), mo(','), m('mspace', { width: '1em' }),
    mi('z'), mo('\u2190'), mi('z'), mo('\u2212'), mi('\u03b7'), row(mo('('), mi('p'), mo('\u2212'), mi('y'), mo(')')));
}

// Mean confidence (top probability) and accuracy of a batch at temperature T, from lab.softmax over all rows.
function batchStats(lab, batch, T) {
  const C = batch.classes.length;
  const p = lab.softmax(batch.logits, { rows: batch.rows, temperature: T });
  let confidence = 0;
  let correct = 0;
  const rows = [];
  for (let r = 0; r < batch.rows; ++r) {
    const q = p.subarray(r * C, (r + 1) * C);
    const top = argmax(q);
    confidence += q[top];
    if (top === batch.targets[r]) correct += 1;
    rows.push({ top, confidence: q[top] });
  }
  const loss = lab.crossEntropy(batch.logits, batch.targets, { rows: batch.rows, temperature: T });
  return { confidence: confidence / batch.rows, accuracy: correct / batch.rows, loss, rows };
}

export default {
  id: 'learning',
  title: 'Learning from the loss',
  summary: 'The gradient of cross-entropy with respect to the logits is p − y. Step against it and the loss falls.',
  intro: [
    'Training changes a model so that its loss falls, and the gradient says which way is downhill. For softmax followed by cross-entropy the gradient with respect to the logits is strikingly simple: ∂L/∂zᵢ = pᵢ − yᵢ. The correct token gets p − 1, which is negative; every other token gets its own probability, which is positive.',
    'Gradient descent moves each logit a small step against its gradient: z ← z − η·(p − y), with η the **learning rate**. The correct token’s logit rises; the others sink, each in proportion to the probability it was taking away.',
    'In a real network the gradient travels further back, into millions of weights. Here we move the logits directly — the last link of that chain. Training runs at T = 1.',
  ],
  notes: [
    'The gradient of softmax + cross-entropy is p − y: negative for the correct token, positive for the rest, and small once the model is right.',
    'Gradient descent lowers the loss step by step; too large a learning rate overshoots, too small a one crawls.',
    'Temperature scaling fits a single T on held-out data. It fixes overconfidence without changing a single prediction: accuracy stays, confidence comes down to match it.',
  ],
  questions: [
    {
      id: 'direction',
      ask: 'Before you take a step: which logits will the step raise?',
      choices: ['Only the correct token’s', 'All of them, the correct one most', 'Only the largest one'],
      answer({ lab, store }) {
        const s = store.get();
        const g = lab.trace(s.logits, { target: s.target, labelSmoothing: s.smoothing }).gradient;
        const raised = [...g.keys()].filter((k) => g[k] < 0);
        return raised.length === 1 && raised[0] === s.target ? 0 : raised.length === g.length ? 1 : 2;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const g = lab.trace(s.logits, { target: s.target, labelSmoothing: s.smoothing }).gradient;
        return `The gradient is ${s.labels.map((l, k) => `${l} ${formatSigned(g[k], 3)}`).join(', ')}. Only “${s.labels[s.target]}” has a negative gradient (p − 1), so only its logit goes up.`;
      },
    },
    {
      id: 'calibration',
      ask: 'The held-out model is right 70% of the time but reports about 94% confidence. Will the fitted temperature be above or below 1?',
      choices: ['Below 1: sharpen', 'Above 1: soften', 'Exactly 1'],
      answer({ lab }) {
        const b = heldOutBatch();
        const T = lab.fitTemperature(b.logits, b.targets, { rows: b.rows });
        return Math.abs(T - 1) < 1e-3 ? 2 : T > 1 ? 1 : 0;
      },
      reveal({ lab }) {
        const b = heldOutBatch();
        const T = lab.fitTemperature(b.logits, b.targets, { rows: b.rows });
        return `lab.fitTemperature finds T = ${formatNumber(T, 3)}. An overconfident model needs its logits divided by more than 1 to soften them.`;
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const target = tokenSelect(store, { key: 'target', label: 'Correct token' });
    const rate = rangeField({ label: 'Learning rate η (log scale)', min: -3, max: 1, step: 0.01, get: (s) => s.lr,
      set: (v) => store.set({ lr: v }), toPosition: (v) => Math.round(Math.log10(v) * 100) / 100,
      fromPosition: (p) => Number((10 ** p).toPrecision(2)), valueText: (v) => `η = ${formatNumber(v, 3)}` });
    const smoothing = rangeField({ label: 'Label smoothing ε', min: 0, max: 0.5, step: 0.01, get: (s) => s.smoothing,
      set: (v) => store.set({ smoothing: v }), valueText: (v) => `ε = ${formatNumber(v, 2)}` });
    let timer = 0;
    let steps = 0;
    let history = [];
    let stepping = false;
    let start = store.get().logits.slice();
    const play = button('Play', () => (timer ? pause() : resume()), { 'aria-pressed': 'false', class: 'button play' });
    const stepButton = button('Take one step', () => step());
    const reset = button('Reset the logits', () => {
      pause();
      store.set({ logits: start.slice() });
    }, { class: 'button secondary' });
    const status = readouts([
      { key: 'steps', label: 'Steps' },
      { key: 'loss', label: 'Loss' },
      { key: 'p', label: 'p(correct)' },
      { key: 'running', label: 'Training' },
    ]);
    const gradient = barChart({ caption: 'Gradient p − y', signed: true,
      columns: [{ key: 'token', header: 'Token' }, { key: 'g', header: 'Gradient ∂L/∂z', numeric: true, format: (v) => formatSigned(v, 4) },
        { key: 'logit', header: 'Logit z', numeric: true, format: (v) => formatNumber(v, 3) }] });
    const probabilities = barChart({ caption: 'Probabilities', columns: PROBABILITY_COLUMNS });
    const plot = lineChart({
      label: 'Loss over the steps',
      x: { min: 0, max: 50, ticks: [0, 10, 20, 30, 40, 50], label: 'step', format: (v) => String(Math.round(v)) },
      y: { min: 0, max: 3, ticks: [0, 1, 2, 3], label: 'loss', format: (v) => String(v) },
    });
    const historyBody = h('tbody');
    const historyTable = h('details', { class: 'table-alt', dataset: { part: 'table' } }, h('summary', null, 'Show the loss history as a table'),
      scrollBox('Loss by step', h('table', { class: 'numbers' }, h('caption', { class: 'visually-hidden' }, 'Loss by step'),
        h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'num' }, 'Step'), h('th', { scope: 'col', class: 'num' }, 'Loss'))), historyBody)));

    // Calibration on the held-out batch.
    const batch = heldOutBatch();
    const fitButton = button('Fit T on the held-out batch', () => fit());
    const calibration = readouts([
      { key: 'fitted', label: 'Fitted temperature' },
      { key: 'accuracy', label: 'Accuracy (at any T)' },
      { key: 'before', label: 'At T = 1: mean confidence, loss' },
      { key: 'after', label: 'At the fitted T: mean confidence, loss' },
    ], { part: 'readouts' });
    const batchBody = h('tbody');
    const batchTable = scrollBox('Held-out examples', h('table', { class: 'numbers' },
      h('caption', null, 'Held-out examples: the true class, the model’s top guess, and its confidence at T = 1 and at the fitted T'),
      h('thead', null, h('tr', null, ['#', 'True', 'Guess', 'T = 1', 'Fitted T']
        .map((t, k) => h('th', { scope: 'col', class: k >= 3 ? 'num' : '' }, t)))), batchBody));
    let fitted = null;

    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('Train'), h('div', { class: 'control-row' }, target.node),
        rate.node, smoothing.node, h('div', { class: 'presets' }, stepButton, play, reset), status.node),
      h('section', { class: 'panel', dataset: { part: 'formula' } }, formulaBox(null, gradientFormula())),
      h('section', { class: 'panel' }, gradient.nodes, probabilities.nodes),
      h('section', { class: 'panel' }, ctx.heading('The loss, step by step'), h('figure', { class: 'chart', dataset: { part: 'chart' } }, plot.svg), historyTable),
      h('section', { class: 'panel calibration' }, ctx.heading('Temperature scaling: calibrating confidence'),
        h('p', { class: 'prose' }, prose('A trained classifier is often **overconfident**: it says 94% when it is right 70% of the time. Temperature scaling divides all its logits by one number T, chosen to minimise the cross-entropy on examples held out from training. `lab.fitTemperature` does the fitting.')),
        fitButton, calibration.node, batchTable));

    function lossOf(state) {
      return lab.trace(state.logits, { target: state.target, labelSmoothing: state.smoothing });
    }
    function step() {
      const s = store.get();
      const t = lossOf(s);
      stepping = true;
      store.set({ logits: descend(s.logits, t.gradient, s.lr) });
      stepping = false;
      steps += 1;
      const after = lossOf(store.get());
      history.push([steps, after.loss]);
      if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
      render(store.get(), after);
      if (timer && Math.abs(t.loss - after.loss) < 1e-7) pause('stopped: the loss stopped changing');
    }
    function resume() {
      if (timer) return;
      timer = setInterval(step, prefersReducedMotion() ? STEP_MS * 2 : STEP_MS);
      play.textContent = 'Pause';
      play.setAttribute('aria-pressed', 'true');
      status.update({ running: { text: 'running' } });
    }
    function pause(reason = 'paused') {
      clearInterval(timer);
      timer = 0;
      play.textContent = 'Play';
      play.setAttribute('aria-pressed', 'false');
      status.update({ running: { text: reason } });
      ctx.announce(`Training ${reason}. Loss ${formatNumber(lossOf(store.get()).loss, 3)} after ${steps} steps.`);
    }
    function fit() {
      fitted = lab.fitTemperature(batch.logits, batch.targets, { rows: batch.rows });
      renderCalibration();
      ctx.announce(`Fitted temperature ${formatNumber(fitted, 3)}.`);
    }
    function renderCalibration() {
      const before = batchStats(lab, batch, 1);
      const after = fitted ? batchStats(lab, batch, fitted) : null;
      calibration.update({
        fitted: { text: fitted ? formatNumber(fitted, 3) : 'not fitted yet', value: fitted ?? undefined },
        accuracy: { text: formatProbability(before.accuracy) },
        before: { text: `${formatProbability(before.confidence)}, ${formatNumber(before.loss, 3)}`, value: before.loss },
        after: after ? { text: `${formatProbability(after.confidence)}, ${formatNumber(after.loss, 3)}`, value: after.loss } : { text: '—' },
      });
      if (batchBody.children.length === 0) {
        batchBody.replaceChildren(...before.rows.map((r, k) => h('tr', null, h('th', { scope: 'row' }, `#${k + 1}`),
          h('td', null, batch.classes[batch.targets[k]]),
          h('td', { class: r.top === batch.targets[k] ? 'good' : 'bad' }, `${batch.classes[r.top]} ${r.top === batch.targets[k] ? '✓' : '✗'}`),
          h('td', { class: 'num' }, formatProbability(r.confidence)), h('td', { class: 'num' }, '—'))));
      }
      if (after) after.rows.forEach((r, k) => setText(batchBody.children[k].children[4], formatProbability(r.confidence)));
    }

    // t: the state's trace, when the caller has it already.
    function render(state, t = lossOf(state)) {
      target.update(state);
      rate.update(state);
      smoothing.update(state);
      const i = state.target;
      status.update({
        steps: { text: String(steps), value: steps },
        loss: { text: formatDecimal(t.loss, 4), value: t.loss },
        p: { text: formatProbability(t.probabilities[i]), value: t.probabilities[i] },
      });
      gradient.update(state.labels.map((label, k) => ({ label, value: t.gradient[k], valueText: formatSigned(t.gradient[k], 3),
        tone: k === i ? 'target' : undefined, cells: { token: label, g: t.gradient[k], logit: state.logits[k] } })), { max: 1 });
      probabilities.update(probabilityRows(state, t.probabilities, { tone: (k) => (k === i ? 'target' : undefined) }), { max: 1 });
      const last = history.length ? history[history.length - 1][0] : 0;
      const first = history.length ? history[0][0] : 0;
      const span = Math.max(50, Math.ceil((last - first) / 50) * 50);
      const top = Math.max(3, Math.ceil(Math.max(...history.map(([, l]) => l))));
      plot.setDomain({ x: { max: span, ticks: [0, 1, 2, 3, 4, 5].map((k) => (k * span) / 5) }, y: { max: top, ticks: ticksTo(top) } });
      plot.update({
        series: [{ points: history.map(([s, l]) => [s - first, l]), cls: 'line-main' }],
        dots: history.length ? [{ x: last - first, y: history[history.length - 1][1], cls: 'dot-main' }] : [],
        label: `Loss over ${history.length - 1} steps: from ${formatNumber(history[0]?.[1] ?? t.loss, 3)} to ${formatNumber(t.loss, 3)}.`,
      });
      const recent = history.slice(-12);
      historyBody.replaceChildren(...recent.map(([s, l]) => h('tr', null, h('td', { class: 'num' }, String(s)),
        h('td', { class: 'num', dataset: { value: String(l) } }, formatDecimal(l, 4)))));
      if (!timer) ctx.announce(`Loss ${formatNumber(t.loss, 3)}; ${state.labels[i]} at ${formatProbability(t.probabilities[i])}.`);
    }

    renderCalibration();
    status.update({ running: { text: 'stopped' } });
    return {
      node,
      update(state) {
        if (stepping) return;
        // A change from outside the training loop starts a new history.
        const t = lossOf(state);
        if (!timer) start = state.logits.slice();
        history = [[steps, t.loss]];
        render(state, t);
      },
      destroy() {
        clearInterval(timer);
      },
    };
  },
};
