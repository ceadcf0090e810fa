// Lesson 7: the gradient of cross-entropy is p − y; stepping against it lowers the loss. Runs at different learning
// rates stay on the chart side by side, and a preset shows a step too large for the minimum label smoothing creates.
// Then temperature scaling as calibration, with lab.fitTemperature on a held-out batch.
import { formatDecimal, formatNumber, formatProbability, formatScientific, formatSigned } from '../ui/format.js';
import { heldOutBatch } from '../model/heldout.js';
import { defaults, normalise } from '../model/state.js';
import { descend } from '../model/training.js';
import { barChart } from '../ui/chart.js';
import { button, rangeField, readouts, tokenSelect } from '../ui/controls.js';
import { lineChart } from '../ui/curve.js';
import { h, prefersReducedMotion, prose, setText, scrollBox, formulaBox } from '../ui/dom.js';
import { formula, mi, mo, row, sub, m } from '../ui/math.js';
import { barAxis } from '../ui/scale-axis.js';
import { PROBABILITY_COLUMNS, argmax, listTokens, probabilityRows } from './shared.js';

const STEP_MS = 120;
const MAX_POINTS = 400;   // per run
const MAX_RUNS = 6;       // one colour (and dash pattern) each
const STEP_TOLERANCE = 1e-4;

const START = defaults();
const PRESETS = [
  { text: 'Six tokens, η = 0.5', state: { logits: START.logits, labels: START.labels, target: 0, lr: 0.5, smoothing: 0 } },
  { text: 'Too large a step: two tokens, ε = 0.4, η = 10',
    state: { logits: [0, 2], labels: ['cat', 'dog'], target: 0, lr: 10, smoothing: 0.4 } },
  { text: 'The same two tokens, η = 1', state: { logits: [0, 2], labels: ['cat', 'dog'], target: 0, lr: 1, smoothing: 0.4 } },
];

const same = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
const settingsOf = (s) => ({ lr: s.lr, smoothing: s.smoothing, target: s.target });
const sameSettings = (a, b) => a.lr === b.lr && a.smoothing === b.smoothing && a.target === b.target;
// What the page prints keeps no more digits than the module's float32 result supports. Two sources of error: the
// module's own arithmetic (a few units in the last place: about 2.4e-7 relative, and anything below float's smallest
// normal number flushed to 0), and the float32 copy of each logit (half a unit in the last place of the largest,
// 6e-4 at |z| = 10^4), which moves p_k by up to 2·p_k·(1 − p_k) times that and the loss by Σ|∂L/∂z_k| times that.
// So a loss of 4.7e-6 (1 − p for p near 1) prints with one digit, and a loss of 0.2285 at z ≈ 10^4 with two.
const ULPS = 2.4e-7;
const MIN_NORMAL = 2 ** -126;
const TINY = '< 10⁻³⁷';
const SUPERSCRIPT = { '-': '\u207b', 0: '\u2070', 1: '\u00b9', 2: '\u00b2', 3: '\u00b3', 4: '\u2074', 5: '\u2075',
  6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };
const power = (e) => `10${[...String(e)].map((c) => SUPERSCRIPT[c]).join('')}`;
// The first of `formats` (most precise first) that prints v − u and v + u alike: whatever the exact value within u of
// v, it rounds to the text printed. null when none does.
function steady(v, u, formats) {
  for (const f of formats) {
    const text = f(v - u);
    if (text === f(v + u)) return text;
  }
  return null;
}
const range = (from, to) => Array.from({ length: from - to + 1 }, (_, k) => from - k);

// The absolute uncertainty of the module's p_k, p_k − y_k and loss in state s (trace t).
function uncertainty(s, t) {
  const C = s.logits.length;
  const shift = 2 ** -24 * Math.max(0, ...s.logits.filter(Number.isFinite).map(Math.abs));
  const moved = (k) => 2 * t.probabilities[k] * (1 - t.probabilities[k]) * shift;
  const y = (k) => (1 - s.smoothing) * (k === s.target ? 1 : 0) + s.smoothing / C;
  let slope = 0;
  for (const g of t.gradient) slope += Math.abs(g);
  return {
    p: (k) => (Number.isFinite(s.logits[k]) ? ULPS * t.probabilities[k] + moved(k) + MIN_NORMAL : 0),
    // A masked token's gradient is −y_k exactly (its p is exactly 0).
    g: (k) => (Number.isFinite(s.logits[k]) ? ULPS * Math.max(t.probabilities[k], y(k)) + moved(k) + MIN_NORMAL : 0),
    loss: Number.isFinite(t.loss) ? ULPS * Math.max(1, t.loss) + slope * shift + MIN_NORMAL : 0,
  };
}

function formatLoss(loss, u) {
  if (loss === Infinity) return '∞';
  if (loss >= 1) {
    // 1 to 3 decimals: never an integer that would read as exact ("2000.3", not "2000").
    const most = Math.min(3, Math.max(1, 3 - Math.floor(Math.log10(loss))));
    return steady(loss, u, range(most, 1).map((d) => (x) => x.toFixed(d))) ?? `≈ ${loss.toFixed(0)}`;
  }
  return steady(loss, u, range(4, 1).map((sig) => (x) => (x > 0 ? formatDecimal(x, sig) : '')))
    ?? `< ${power(Math.ceil(Math.log10(loss + u)))}`;
}

const signedScientific = (x, sig) => `${x > 0 ? '+' : ''}${formatScientific(x, sig)}`;
// A gradient p − y with `decimals` decimals (2 significant digits below 10^−decimals), as far as u allows.
function formatGradient(g, u, decimals) {
  if (u === 0) return formatSigned(g, decimals);
  const formats = Math.abs(g) >= 10 ** -decimals
    ? range(decimals, 1).map((d) => (x) => formatSigned(x, d))
    : [2, 1].map((sig) => (x) => signedScientific(x, sig));
  // The sign is sure once |g| > 2u; then "≈" and one digit rather than a misleading 0.
  return steady(g, u, formats) ?? (Math.abs(g) > 2 * u ? `≈ ${signedScientific(g, 1)}` : '≈ 0');
}

// A probability as a percentage (1 decimal from 9.95%, 2 below, 2 significant digits under 0.095%), as far as u
// allows; a flushed 0 on a finite logit is below MIN_NORMAL, a masked token's 0 is exact.
function formatP(p, z, u) {
  if (p === 0) return Number.isFinite(z) ? TINY : '0%';
  if (p < 0.00095) {
    return steady(p, u, [2, 1].map((sig) => (x) => (x > 0 ? formatScientific(x, sig) : '')))
      ?? `< ${power(Math.ceil(Math.log10(p + u)))}`;
  }
  if (p > 0.9995) {
    // Enough decimals to tell it from 100%, if u allows; else a bound.
    for (let d = 1; d <= 7; ++d) {
      const text = (p * 100).toFixed(d);
      if (text !== (100).toFixed(d)) return steady(p, u, [(x) => (x * 100).toFixed(d)]) === text ? `${text}%` : bound(p, u);
    }
    return bound(p, u);
  }
  // A whole percentage would read as exact: "≈ 77%" then.
  return steady(p, u, range(p >= 0.0995 ? 1 : 2, 0).map((d) => (x) => `${d ? '' : '≈ '}${(x * 100).toFixed(d)}%`))
    ?? `≈ ${(p * 100).toFixed(0)}%`;
}
function bound(p, u) {
  for (let d = 6; d >= 1; --d) if ((p - u) * 100 > 100 - 10 ** -d) return `> ${(100 - 10 ** -d).toFixed(d)}%`;
  return '≈ 100%';
}

// η and ε as set (the slider keeps 2 significant digits, a link may carry 3): never rounded to fewer decimals.
const formatSetting = (v) => formatDecimal(v, 3);

function ticksTo(top) {
  const step = top <= 2 ? 0.5 : top <= 4 ? 1 : top <= 10 ? 2 : top <= 25 ? 5 : 10;
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return ticks;
}
function niceSpan(last) {
  for (const s of [10, 20, 50, 100, 200, 500, 1000]) if (last <= s) return s;
  return Math.ceil(last / 1000) * 1000;
}

function gradientFormula() {
  const partial = m('mfrac', null, row(mo('\u2202'), mi('L')), row(mo('\u2202'), sub(mi('z'), mi('i'))));
  return formula('the partial derivative of L with respect to z sub i equals p sub i minus y sub i; z becomes z minus eta times the gradient',
    partial, mo('='), sub(mi('p'), mi('i')), mo('\u2212'), sub(mi('y'), mi('i')), mo(','), m('mspace', { width: '1em' }),
    mi('z'), mo('\u2190'), mi('z'), mo('\u2212'), mi('\u03b7'), row(mo('('), mi('p'), mo('\u2212'), mi('y'), mo(')')));
}

// The state's loss, probabilities and gradient (training runs at T = 1).
// The store hands out a new state object on every change, so a trace is kept per state object: the questions and the
// view ask for the same one several times per change.
const traces = new WeakMap();
function traceOf(lab, s) {
  let t = traces.get(s);
  if (!t) {
    t = lab.trace(s.logits, { target: s.target, labelSmoothing: s.smoothing });
    traces.set(s, t);
  }
  return t;
}

// Which logits one step moves up: a negative gradient on a finite logit (a masked −∞ logit never moves). `unsure` is
// true when a sign is within the module's float32 error of 0, where float32 and exact arithmetic may disagree.
function pushedUp(lab, s) {
  const t = traceOf(lab, s);
  const C = s.logits.length;
  const raised = [];
  const err = uncertainty(s, t);
  let unsure = false;
  for (let k = 0; k < C; ++k) {
    if (!Number.isFinite(s.logits[k])) continue;
    const y = (1 - s.smoothing) * (k === s.target ? 1 : 0) + s.smoothing / C;
    if (y > 0 && Math.abs(t.gradient[k]) <= 2 * err.g(k)) unsure = true;
    if (t.gradient[k] < 0) raised.push(k);
  }
  return { t, raised, unsure };
}

// The options of the "direction" question: the true set of raised logits and two other sets, each named by its
// tokens, in a fixed order (smallest set first), so that exactly one is true in every state.
const optionsOnce = new WeakMap();
function directionOptions(lab, s) {
  if (!optionsOnce.has(s)) optionsOnce.set(s, directionOptionsOf(lab, s));
  return optionsOnce.get(s);
}
function directionOptionsOf(lab, s) {
  const { t, raised } = pushedUp(lab, s);
  const C = s.logits.length;
  const finite = [...s.logits.keys()].filter((k) => Number.isFinite(s.logits[k]));
  const below = finite.filter((k) => k !== s.target && t.probabilities[k] < s.smoothing / C);
  const candidates = [
    finite.includes(s.target) ? [s.target] : [],
    [...s.logits.keys()],
    finite.includes(s.target) ? [s.target, ...below].sort((a, b) => a - b) : below,
    finite.filter((k) => k !== s.target),
    [argmax(s.logits)],
    [],
  ];
  const sets = [raised];
  const key = (set) => set.join(',');
  for (const c of candidates) {
    if (sets.length === 3) break;
    if (!sets.some((x) => key(x) === key(c))) sets.push(c);
  }
  sets.sort((a, b) => a.length - b.length || key(a).localeCompare(key(b)));
  const describe = (set) => {
    if (set.length === 0) return 'None of them';
    if (set.length === C && C > 1) return 'All of them';
    if (set.length === 1 && set[0] === s.target) return `Only the correct token’s, “${s.labels[s.target]}”`;
    return listTokens(set.map((k) => s.labels[k]));
  };
  return { choices: sets.map(describe), answer: sets.findIndex((x) => key(x) === key(raised)), t, raised };
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

// The loss now and after one step at the state's η, taken as the page takes it (the store keeps 6 significant digits).
function oneStep(lab, s) {
  const t = traceOf(lab, s);
  const next = normalise({ ...s, logits: descend(s.logits, t.gradient, s.lr) });
  const n = traceOf(lab, next);
  return { before: t.loss, after: n.loss, text: (which) => (which === 'before' ? formatLoss(t.loss, uncertainty(s, t).loss) : formatLoss(n.loss, uncertainty(next, n).loss)) };
}

let calibrationAsk = null;

export default {
  id: 'learning',
  title: 'Learning from the loss',
  summary: 'The gradient of cross-entropy with respect to the logits is p − y. Step against it and the loss falls.',
  intro: [
    'Training changes a model so that its loss falls, and the gradient says which way is downhill. For softmax followed by cross-entropy the gradient with respect to the logits is strikingly simple: ∂L/∂zᵢ = pᵢ − yᵢ. The correct token gets p − 1, which is negative; every other token gets its own probability, which is positive.',
    'Gradient descent moves each logit a small step against its gradient: z ← z − η·(p − y), with η the **learning rate**. The correct token’s logit rises; the others sink, each in proportion to the probability it was taking away.',
    'With label smoothing ε the target y is no longer one-hot: the correct token gets 1 − ε + ε/C and every other token ε/C. Then a token whose probability is below ε/C also has a negative gradient, and the loss has a lowest point at p = y, which a step can jump past.',
    'In a real network the gradient travels further back, into millions of weights. Here we move the logits directly — the last link of that chain. Training runs at T = 1.',
  ],
  notes: [
    'The gradient of softmax + cross-entropy is p − y: negative for the correct token, positive for the rest, and small once the model is right.',
    'Gradient descent lowers the loss step by step; too large a learning rate overshoots, too small a one crawls. With ε = 0 there is no lowest point to overshoot; label smoothing makes one.',
    'Temperature scaling fits a single T on held-out data. It fixes overconfidence without changing a single prediction: accuracy stays, confidence comes down to match it.',
  ],
  questions: [
    {
      id: 'direction',
      ask: 'Before you take a step: which logits will it push up (those with a negative gradient)?',
      // A sign within float32's error of 0 cannot be called either way.
      applies: ({ lab, store }) => !pushedUp(lab, store.get()).unsure,
      choices: ({ lab, store }) => directionOptions(lab, store.get()).choices,
      answer: ({ lab, store }) => directionOptions(lab, store.get()).answer,
      reveal({ lab, store }) {
        const s = store.get();
        const { t, raised } = pushedUp(lab, s);
        const err = uncertainty(s, t);
        const C = s.logits.length;
        const name = (k) => `“${s.labels[k]}”`;
        const parts = [`The gradient p − y is ${s.labels.map((l, k) => `${l} ${formatGradient(t.gradient[k], err.g(k), 3)}`).join(', ')}.`];
        if (s.smoothing > 0) {
          parts.push(`With ε = ${formatSetting(s.smoothing)} the target is y = ε/C = ${formatSetting(s.smoothing)}/${C} = ${formatDecimal(s.smoothing / C, 3)} for every token but ${name(s.target)}, which gets ${formatDecimal(1 - s.smoothing + s.smoothing / C, 3)}: a token whose probability is below its target has a negative gradient.`);
        } else {
          parts.push(`With ε = 0 the target is one-hot: only ${name(s.target)} has y = 1, so only it can have a negative gradient (p − 1).`);
        }
        const masked = s.logits.map((z, k) => k).filter((k) => !Number.isFinite(s.logits[k]));
        parts.push(raised.length ? `The step raises ${listTokens(raised.map((k) => s.labels[k]))}.` : 'No finite logit has a negative gradient, so the step raises none.');
        if (raised.length && !raised.includes(s.target) && Number.isFinite(s.logits[s.target]))
          parts.push(`${name(s.target)} is already above its target ${formatDecimal(1 - s.smoothing + s.smoothing / C, 3)}, so label smoothing pulls it down.`);
        if (masked.length) parts.push(`${listTokens(masked.map((k) => s.labels[k]))} ${masked.length > 1 ? 'are' : 'is'} masked (−∞): no step moves ${masked.length > 1 ? 'them' : 'it'}.`);
        return parts.join(' ');
      },
    },
    {
      id: 'step',
      ask: 'Take one step from these logits, at the η and ε set above: what will the loss do?',
      choices: ['It falls', 'It rises', 'It changes by less than 0.0001'],
      // An infinite loss (a masked token with a positive target) has no change to predict.
      applies: ({ lab, store }) => Number.isFinite(traceOf(lab, store.get()).loss),
      answer({ lab, store }) {
        const { before, after } = oneStep(lab, store.get());
        return Math.abs(after - before) < STEP_TOLERANCE ? 2 : after < before ? 0 : 1;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const { before, after, text } = oneStep(lab, s);
        const told = `At η = ${formatSetting(s.lr)} and ε = ${formatSetting(s.smoothing)} the loss goes from ${text('before')} to ${text('after')}.`;
        if (after > before + STEP_TOLERANCE)
          return `${told} The step overshot: label smoothing puts the lowest loss at p = 1 − ε + ε/C for the correct token, and η = ${formatSetting(s.lr)} jumps past it. Try the same start with a smaller η: both runs stay on the chart.`;
        if (s.smoothing === 0)
          return `${told} With ε = 0 no step size can raise this loss: the loss only approaches 0 as the correct logit grows, so there is no lowest point to jump past.`;
        return `${told} A step against the gradient goes downhill, as long as it does not jump past the lowest point.`;
      },
    },
    {
      id: 'calibration',
      ask({ lab }) {
        // The held-out batch never changes: its numbers are computed once.
        calibrationAsk ??= (() => {
          const before = batchStats(lab, heldOutBatch(), 1);
          return `The held-out model is right ${formatProbability(before.accuracy)} of the time but reports ${formatProbability(before.confidence)} mean confidence. Will the fitted temperature be above or below 1?`;
        })();
        return calibrationAsk;
      },
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
      fromPosition: (p) => Number((10 ** p).toPrecision(2)), valueText: (v) => `η = ${formatSetting(v)}` });
    const smoothing = rangeField({ label: 'Label smoothing ε', min: 0, max: 0.5, step: 0.01, get: (s) => s.smoothing,
      set: (v) => store.set({ smoothing: v }), valueText: (v) => `ε = ${formatSetting(v)}` });

    // Runs: each is one setting of η, ε and the target, trained from the starting logits; the chart keeps them all.
    let timer = 0;
    let steps = 0;
    let runs = [];
    let current = null;          // the run the next step extends (null: the next step opens one)
    let runCount = 0;
    let stepping = false;
    let start = store.get().logits.slice();   // where every run starts
    let own = start.slice();                  // the logits the lesson itself last put in the store
    let settings = settingsOf(store.get());

    const play = button('Play', () => (timer ? pause() : resume()), { 'aria-pressed': 'false', class: 'button play' });
    const stepButton = button('Take one step', () => step());
    const reset = button('Reset the logits', () => backToStart('reset: back to the starting logits'), { class: 'button secondary' });
    const clearRuns = button('Clear the runs', () => {
      runs = [];
      backToStart('runs cleared');
    }, { class: 'button secondary' });
    const presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Training presets' },
      PRESETS.map((p) => h('button', { type: 'button', class: 'chip', on: { click: () => {
        pause('stopped');
        store.set(p.state);
      } } }, p.text)));
    const status = readouts([
      { key: 'steps', label: 'Steps in this run' },
      { key: 'loss', label: 'Loss' },
      { key: 'p', label: 'p(correct)' },
      { key: 'running', label: 'Training' },
    ]);
    const infinite = h('p', { class: 'chart-note', hidden: true });
    const gradient = barChart({ caption: 'Gradient p − y', signed: true,
      columns: [{ key: 'token', header: 'Token' }, { key: 'g', header: 'Gradient ∂L/∂z', numeric: true, format: (v) => formatSigned(v, 4) },
        { key: 'logit', header: 'Logit z', numeric: true, format: (v) => formatNumber(v, 3) }] });
    barAxis(gradient.figure, { ticks: [-1, -0.5, 0, 0.5, 1], signed: true, title: 'gradient',
      format: (v) => (v === 0 ? '0' : formatSigned(v, 1)), valueWidth: '7rem' });
    const gradientPart = h('div', { dataset: { gate: 'direction', gateNote: 'Answer the prediction above to see the gradient' } }, gradient.nodes);
    const probabilities = barChart({ caption: 'Probabilities', columns: PROBABILITY_COLUMNS });
    barAxis(probabilities.figure, { ticks: [0, 0.25, 0.5, 0.75, 1], format: (v) => `${Math.round(v * 100)}%`, title: 'probability',
      valueWidth: '7rem' });
    const plot = lineChart({
      label: 'Loss over the steps',
      x: { min: 0, max: 10, ticks: [0, 2, 4, 6, 8, 10], label: 'step', format: (v) => String(Math.round(v)) },
      y: { min: 0, max: 3, ticks: [0, 1, 2, 3], label: '', format: (v) => String(v) },
    });
    const legend = h('ol', { class: 'run-legend' });
    const historyBody = h('tbody');
    const historyCaption = h('caption', { class: 'visually-hidden' }, 'Loss by step');
    const historyTable = h('details', { class: 'table-alt', dataset: { part: 'table' } }, h('summary', null, 'Show this run’s loss as a table'),
      scrollBox('Loss by step', h('table', { class: 'numbers' }, historyCaption,
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
        rate.node, smoothing.node, presets,
        h('div', { class: 'presets' }, stepButton, play, reset, clearRuns), status.node, infinite,
        h('p', { class: 'hint' }, 'Changing η, ε or the correct token starts a new run from the starting logits; earlier runs stay on the chart.')),
      h('section', { class: 'panel', dataset: { part: 'formula' } }, formulaBox(null, gradientFormula())),
      h('section', { class: 'panel' }, ctx.question('direction'), gradientPart, probabilities.nodes),
      h('section', { class: 'panel' }, ctx.heading('The loss, run by run'), ctx.question('step'),
        h('figure', { class: 'chart', dataset: { part: 'chart' } }, h('p', { class: 'chart-axis-title', 'aria-hidden': 'true' }, 'loss (nats)'),
          plot.svg, legend), historyTable),
      h('section', { class: 'panel calibration' }, ctx.heading('Temperature scaling: calibrating confidence'),
        h('p', { class: 'prose' }, prose('A trained classifier is often **overconfident**: it reports a higher confidence than its accuracy. Temperature scaling divides all its logits by one number T, chosen to minimise the cross-entropy on examples held out from training. `lab.fitTemperature` does the fitting.')),
        ctx.question('calibration'),
        h('div', { dataset: { gate: 'calibration' } }, fitButton, calibration.node, batchTable)));

    // points: [step, loss, the loss's uncertainty]
    function openRun(s, loss, u) {
      runCount += 1;
      current = { n: runCount, ...settingsOf(s), label: s.labels[s.target], points: [[steps, loss, u]] };
      runs.push(current);
      if (runs.length > MAX_RUNS) runs = runs.slice(-MAX_RUNS);
    }
    function step() {
      const s = store.get();
      const t = traceOf(lab, s);
      if (!current) openRun(s, t.loss, uncertainty(s, t).loss);
      stepping = true;
      store.set({ logits: descend(s.logits, t.gradient, s.lr) });
      stepping = false;
      own = store.get().logits.slice();
      steps += 1;
      const after = traceOf(lab, store.get());
      current.points.push([steps, after.loss, uncertainty(store.get(), after).loss]);
      if (current.points.length > MAX_POINTS) current.points = current.points.slice(-MAX_POINTS);
      render(store.get(), after);
      if (timer && !Number.isFinite(after.loss)) pause('stopped: the loss is infinite');
      else if (timer && after.loss === t.loss) pause('stopped: the loss stopped changing');
    }
    function resume() {
      if (timer) return;
      timer = setInterval(step, prefersReducedMotion() ? STEP_MS * 2 : STEP_MS);
      play.textContent = 'Pause';
      play.setAttribute('aria-pressed', 'true');
      status.update({ running: { text: 'running' } });
    }
    function pause(reason = 'paused') {
      const was = timer;
      clearInterval(timer);
      timer = 0;
      play.textContent = 'Play';
      play.setAttribute('aria-pressed', 'false');
      status.update({ running: { text: reason } });
      if (was) ctx.announce(`Training ${reason}. Loss ${lossText(store.get())} after ${steps} steps.`);
    }
    // Back to the starting logits, step 0; the finished run stays on the chart and the next step opens a new one.
    function backToStart(reason) {
      pause(reason);
      current = null;
      steps = 0;
      own = start.slice();
      if (same(store.get().logits, start)) render(store.get());
      else store.set({ logits: start.slice() });
      ctx.announce(`Logits back at the start; loss ${lossText(store.get())}.`);
    }
    function lossText(state) {
      const t = traceOf(lab, state);
      return formatLoss(t.loss, uncertainty(state, t).loss);
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

    const runText = (r) => `Run ${r.n}: η = ${formatSetting(r.lr)}, ε = ${formatSetting(r.smoothing)}, target “${r.label}”`;
    const runSummary = (r) => {
      const first = r.points[0];
      const last = r.points[r.points.length - 1];
      return `${runText(r)}; loss ${formatLoss(first[1], first[2])} at step ${first[0]}, ${formatLoss(last[1], last[2])} at step ${last[0]}`;
    };

    // t: the state's trace, when the caller has it already.
    // What the charts, readouts and history show depends on the trace and the runs, not on η: a change that leaves
    // them as they were (dragging η) updates the controls only.
    let shownKey = '';
    function render(state, t = traceOf(lab, state)) {
      target.update(state);
      rate.update(state);
      smoothing.update(state);
      const key = JSON.stringify([state.logits, state.labels, state.target, state.smoothing, steps, runCount, runs.length,
        current?.points.length ?? -1, timer !== 0]);
      if (key === shownKey) return;
      shownKey = key;
      const i = state.target;
      const err = uncertainty(state, t);
      status.update({
        steps: { text: String(steps), value: steps },
        loss: { text: formatLoss(t.loss, err.loss), value: t.loss },
        p: { text: formatP(t.probabilities[i], state.logits[i], err.p(i)), value: t.probabilities[i] },
      });
      infinite.hidden = Number.isFinite(t.loss);
      if (!Number.isFinite(t.loss)) {
        const masked = state.logits.map((z, k) => k).filter((k) => !Number.isFinite(state.logits[k]));
        setText(infinite, masked.includes(i)
          ? `The loss is infinite: the correct token “${state.labels[i]}” is masked (−∞), so its probability is exactly 0, and −log 0 = ∞.`
          : `The loss is infinite: label smoothing gives ${listTokens(masked.map((k) => state.labels[k]))} a share ε/C of the target, but ${masked.length > 1 ? 'they are' : 'it is'} masked (−∞) with probability exactly 0, and −log 0 = ∞.`);
      }
      gradient.update(state.labels.map((label, k) => {
        const u = err.g(k);
        return { label, value: t.gradient[k], valueText: formatGradient(t.gradient[k], u, 3), tone: k === i ? 'target' : undefined,
          cells: { token: label, g: formatGradient(t.gradient[k], u, 4), logit: state.logits[k] } };
      }), { max: 1 });
      probabilities.update(probabilityRows(state, t.probabilities, {
        tone: (k) => (k === i ? 'target' : undefined),
        extra: (k) => ({ p: formatP(t.probabilities[k], state.logits[k], err.p(k)) }),
      }).map((r, k) => ({ ...r, valueText: formatP(t.probabilities[k], state.logits[k], err.p(k)) })), { max: 1 });

      // The loss chart: every run, one colour each, on one scale.
      const shown = runs.flatMap((r) => r.points);
      const lastStep = Math.max(steps, ...shown.map(([x]) => x));
      const span = niceSpan(lastStep);
      const finite = [t.loss, ...shown.map(([, l]) => l)].filter(Number.isFinite);
      const top = Math.max(1, Math.ceil(Math.max(...finite, 0) * 1.05));
      plot.setDomain({ x: { max: span, ticks: [0, 1, 2, 3, 4, 5].map((k) => (k * span) / 5) }, y: { max: top, ticks: ticksTo(top) } });
      plot.update({
        series: runs.map((r) => ({ points: r.points, cls: `line-run run-${(r.n - 1) % MAX_RUNS}` })),
        dots: Number.isFinite(t.loss) ? [{ x: steps, y: t.loss, cls: 'dot-main' }] : [],
        label: runs.length
          ? `Loss by step. ${runs.map(runSummary).join('. ')}.`
          : `Loss by step: no run yet; the loss is ${formatLoss(t.loss, err.loss)} at the start.`,
      });
      legend.replaceChildren(...runs.map((r) => h('li', { class: 'run-item' },
        h('span', { class: `run-key run-${(r.n - 1) % MAX_RUNS}`, 'aria-hidden': 'true' }),
        h('span', null, `${runText(r)}: ${formatLoss(r.points[0][1], r.points[0][2])} → ${formatLoss(r.points[r.points.length - 1][1], r.points[r.points.length - 1][2])} in ${r.points[r.points.length - 1][0] - r.points[0][0]} steps`))));
      const points = (current ?? runs[runs.length - 1])?.points ?? [[steps, t.loss, err.loss]];
      setText(historyCaption, current || runs.length ? `Loss by step: ${runText(current ?? runs[runs.length - 1])}` : 'Loss by step');
      const recent = points.slice(-12);
      while (historyBody.children.length > recent.length) historyBody.lastChild.remove();
      while (historyBody.children.length < recent.length) historyBody.append(h('tr', null, h('td', { class: 'num' }), h('td', { class: 'num' })));
      recent.forEach(([s, l, u], k) => {
        const [stepCell, lossCell] = historyBody.children[k].children;
        setText(stepCell, String(s));
        setText(lossCell, formatLoss(l, u));
        lossCell.dataset.value = String(l);
      });
      if (!timer) ctx.announce(`Loss ${formatLoss(t.loss, err.loss)}; ${state.labels[i]} at ${formatP(t.probabilities[i], state.logits[i], err.p(i))}.`);
    }

    renderCalibration();
    status.update({ running: { text: 'stopped' } });
    return {
      node,
      update(state) {
        if (stepping) return;
        if (!same(state.logits, own)) {
          // New logits from outside the training loop (a preset, a link, another lesson): they are the new start; runs
          // from another start are not comparable, so they go.
          pause('stopped');
          if (!same(state.logits, start)) runs = [];
          start = state.logits.slice();
          own = start.slice();
          current = null;
          steps = 0;
        }
        const next = settingsOf(state);
        if (!sameSettings(next, settings)) {
          settings = next;
          if (current || steps > 0) {
            // The run at the old settings is finished; the next one starts from the starting logits.
            pause('paused: a new setting starts a new run');
            current = null;
            steps = 0;
            if (!same(state.logits, start)) {
              own = start.slice();
              queueMicrotask(() => store.set({ logits: start.slice() }));
            }
          }
        }
        render(state);
      },
      destroy() {
        clearInterval(timer);
      },
    };
  },
};
