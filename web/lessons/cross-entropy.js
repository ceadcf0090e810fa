// Lesson 6: cross-entropy, −log of the probability of the correct token; why a log; label smoothing.
import { formatDecimal, formatNumber, formatProbability } from '../model/format.js';
import { barChart } from '../ui/chart.js';
import { rangeField, readouts, tokenSelect, vocabularyFields } from '../ui/controls.js';
import { lineChart } from '../ui/curve.js';
import { formulaBox, h, scrollBox } from '../ui/dom.js';
import { formula, log, mi, mn, mo, num, row, sub, underover, varSub } from '../ui/math.js';
import { PROBABILITY_COLUMNS, probabilityRows } from './shared.js';

const WORKED = [0.99, 0.8, 0.5, 0.1, 0.01, 0.001];

// Two-class logits [log p, log(1 − p)] have softmax exactly [p, 1 − p]: the loss for any probability p is then the
// module's cross-entropy with target 0. Math.log only builds the input; the loss is the module's.
function lossesAt(lab, probabilities) {
  const logits = new Float32Array(probabilities.length * 2);
  probabilities.forEach((p, r) => logits.set([Math.log(p), Math.log1p(-p)], 2 * r));
  return lab.crossEntropy(logits, new Int32Array(probabilities.length), { rows: probabilities.length, reduction: 'none' });
}

// The −log p curve from the module: rows of two logits [d, 0] for d on a grid, their softmax p and their loss.
function curve(lab) {
  const grid = [];
  for (let d = -7.5; d <= 8; d += 0.125) grid.push(d);
  const logits = new Float32Array(grid.length * 2);
  grid.forEach((d, r) => logits.set([d, 0], 2 * r));
  const p = lab.softmax(logits, { rows: grid.length });
  const loss = lab.crossEntropy(logits, new Int32Array(grid.length), { rows: grid.length, reduction: 'none' });
  return grid.map((_, r) => [p[2 * r], loss[r]]);
}

export default {
  id: 'cross-entropy',
  title: 'Cross-entropy',
  summary: 'Training grades a prediction with one number: minus the log of the probability the model gave the correct token.',
  intro: [
    'To learn, a model must be told how wrong it was. The right answer is written as a distribution too: 100% on the correct token and 0% on every other one, a **one-hot** vector y.',
    'Cross-entropy compares the two distributions: L = −Σ yᵢ log pᵢ. Every term with yᵢ = 0 drops out, so only one survives: L = −log p(correct). If the model gave the correct token 0.80, the loss is −log 0.80 = 0.223; if it gave it 0.01, the loss is −log 0.01 = 4.605 (natural logarithms, as in PyTorch).',
    'Why a logarithm rather than plain subtraction, 1 − p? Subtraction never costs more than 1, however confidently wrong the model is. The log grows without limit as p approaches 0: a model that bets almost everything on a wrong token pays heavily, so training pushes it to be right *and* to hedge when unsure.',
    '**Label smoothing** softens the target: it moves a share ε of the 100% onto all C tokens equally, so the target becomes (1 − ε)·y + ε/C. The loss can then no longer reach 0, and pushing the correct token all the way to 100% stops paying.',
  ],
  notes: [
    'With a one-hot target, cross-entropy is −log p(correct): 0.80 → 0.223, 0.01 → 4.605.',
    'Halving p(correct) always adds log 2 ≈ 0.693 to the loss, wherever you start; there is no ceiling.',
    'Label smoothing targets (1 − ε)·y + ε/C, which discourages overconfidence.',
  ],
  questions: [
    {
      id: 'one-percent',
      ask: 'The model gives the correct token 1%. Roughly how large is the loss?',
      choices: ['About 0.01', 'About 1', 'About 4.6'],
      answer({ lab }) {
        const L = lossesAt(lab, [0.01])[0];
        const options = [0.01, 1, 4.6];
        return options.reduce((best, v, k) => (Math.abs(L - v) < Math.abs(L - options[best]) ? k : best), 0);
      },
      reveal({ lab }) {
        return `−log 0.01 = ${formatNumber(lossesAt(lab, [0.01])[0], 3)}. Plain subtraction would say 1 − 0.01 = 0.99, barely worse than a 50/50 guess.`;
      },
    },
    {
      id: 'halve',
      ask: 'The probability of the correct token halves, from 0.8 to 0.4. How much does the loss grow?',
      choices: ['It doubles', 'By log 2 ≈ 0.693, wherever p started', 'By 0.4'],
      answer({ lab }) {
        const [a, b] = lossesAt(lab, [0.8, 0.4]);
        return Math.abs(b - a - Math.LN2) < 1e-4 ? 1 : Math.abs(b / a - 2) < 1e-3 ? 0 : 2;
      },
      reveal({ lab }) {
        const [a, b, c, d] = lossesAt(lab, [0.8, 0.4, 0.02, 0.01]);
        return `0.8 → ${formatNumber(a, 3)}, 0.4 → ${formatNumber(b, 3)}: +${formatNumber(b - a, 3)}. And 0.02 → ${formatNumber(c, 3)}, 0.01 → ${formatNumber(d, 3)}: +${formatNumber(d - c, 3)} again. The log turns every halving into the same fixed penalty.`;
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const fields = vocabularyFields(store);
    const target = tokenSelect(store, { key: 'target', label: 'Correct token' });
    const smoothing = rangeField({ label: 'Label smoothing ε', min: 0, max: 0.5, step: 0.01, get: (s) => s.smoothing,
      set: (v) => store.set({ smoothing: v }), valueText: (v) => `ε = ${formatNumber(v, 2)}` });
    const chart = barChart({ caption: 'The model’s probabilities', columns: PROBABILITY_COLUMNS,
      legend: [['key-bar', 'probability'], ['key-target', 'the correct token']] });
    const live = formulaBox({ class: 'formula formula-live', dataset: { part: 'formula' } });
    const values = readouts([
      { key: 'p', label: 'p(correct)' },
      { key: 'loss', label: 'Cross-entropy −log p' },
      { key: 'plain', label: 'Plain error 1 − p' },
    ]);
    const plot = lineChart({
      label: 'The curve minus log p against p',
      x: { min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], label: 'p(correct)', format: (v) => formatNumber(v, 1) },
      y: { min: 0, max: 7, ticks: [0, 1, 2, 3, 4, 5, 6, 7], label: 'loss', format: (v) => String(v) },
    });
    const points = curve(lab);
    const worked = lossesAt(lab, WORKED);
    const workedTable = scrollBox('Loss for a few probabilities', h('table', { class: 'numbers' },
      h('caption', null, 'Loss for a few probabilities of the correct token'),
      h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'num' }, 'p(correct)'),
        h('th', { scope: 'col', class: 'num' }, 'Cross-entropy −log p'), h('th', { scope: 'col', class: 'num' }, 'Plain error 1 − p'))),
      h('tbody', null, WORKED.map((p, k) => h('tr', { dataset: { p: String(p) } }, h('th', { scope: 'row', class: 'num' }, String(p)),
        h('td', { class: 'num', dataset: { value: String(worked[k]) } }, formatNumber(worked[k], 3)),
        h('td', { class: 'num' }, formatNumber(1 - p, 3)))))));
    const smoothChart = barChart({
      caption: 'The target the loss compares against',
      columns: [{ key: 'token', header: 'Token' }, { key: 'y', header: 'Target probability', numeric: true, format: (v) => formatDecimal(v, 3) }],
    });
    const smoothValues = readouts([
      { key: 'with', label: 'Loss with smoothing' },
      { key: 'without', label: 'Loss without' },
    ]);
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('Grade a prediction'), target.node, fields.node),
      h('section', { class: 'panel' }, chart.nodes, live, values.node),
      h('section', { class: 'panel' }, ctx.heading('Why a logarithm'), h('figure', { class: 'chart', dataset: { part: 'chart' } }, plot.svg,
        h('figcaption', { class: 'chart-caption' }, 'Solid: −log p (from the module). Dashed: 1 − p. The dot is your prediction.')), workedTable),
      h('section', { class: 'panel' }, ctx.heading('Label smoothing'), smoothing.node, smoothChart.nodes, smoothValues.node));

    return {
      node,
      update(state) {
        fields.update(state);
        target.update(state);
        smoothing.update(state);
        const T = state.temperature;
        const t = lab.trace(state.logits, { temperature: T, target: state.target });
        const i = state.target;
        const p = t.probabilities[i];
        chart.update(probabilityRows(state, t.probabilities, { tone: (k) => (k === i ? 'target' : undefined) }), { max: 1,
          caption: `The model’s probabilities${T === 1 ? '' : ` at T = ${formatNumber(T, 3)}`}; correct token: ${state.labels[i]}` });
        const label = state.labels[i];
        live.replaceChildren(
          formula(`L equals minus the sum of y sub i log p sub i, which is minus log p of ${label}`,
            mi('L'), mo('='), mo('\u2212'), row(underover(mo('\u2211'), row(mi('i'), mo('='), mn('1')), mi('C')), sub(mi('y'), mi('i')), log(sub(mi('p'), mi('i')))),
            mo('='), mo('\u2212'), log(varSub('p', label))),
          formula(`equals minus log ${formatDecimal(p, 4)}, which is ${formatNumber(t.loss, 3)}`,
            mo('='), mo('\u2212'), log(num(formatDecimal(p, 4))), mo('='), num(formatNumber(t.loss, 3))));
        values.update({
          p: { text: formatProbability(p), value: p },
          loss: { text: formatNumber(t.loss, 3), value: t.loss },
          plain: { text: formatNumber(1 - p, 3) },
        });
        plot.update({
          series: [{ points, cls: 'line-main' }, { points: [[0, 1], [1, 0]], cls: 'line-dashed' }],
          dots: [{ x: p, y: t.loss, cls: 'dot-main', text: `p = ${formatDecimal(p, 3)}, loss ${formatNumber(t.loss, 2)}` }],
          label: `Minus log p against p. Your prediction: p = ${formatDecimal(p, 3)}, loss ${formatNumber(t.loss, 3)}.`,
        });
        // The smoothed target, read back from the module's gradient: ∂L/∂z = (p − y) / T, so y = p − T·gradient.
        const smooth = lab.trace(state.logits, { temperature: T, target: i, labelSmoothing: state.smoothing });
        const y = Array.from(smooth.probabilities, (q, k) => q - T * smooth.gradient[k]);
        smoothChart.update(state.labels.map((l, k) => ({ label: l, value: y[k], valueText: formatDecimal(Math.max(0, y[k]), 3),
          tone: k === i ? 'target' : undefined, cells: { token: l, y: y[k] } })), { max: 1,
          caption: `Target with ε = ${formatNumber(state.smoothing, 2)}: ${formatDecimal(y[i], 3)} on ${label}${y.length > 1 ? `, ${formatDecimal(Math.max(0, y[i === 0 ? 1 : 0]), 3)} on each other token` : ''}` });
        smoothValues.update({
          with: { text: formatNumber(smooth.loss, 3), value: smooth.loss },
          without: { text: formatNumber(t.loss, 3), value: t.loss },
        });
        ctx.announce(`Correct token ${label}: probability ${formatProbability(p)}, loss ${formatNumber(t.loss, 3)}.`);
      },
    };
  },
};
