// Lesson 3: temperature reshapes the distribution; entropy and perplexity measure how spread out it is.
import { formatComputed, formatDigits, formatNumber, formatProbability, formatScientific } from '../ui/format.js';
import { barChart } from '../ui/chart.js';
import { readouts, temperatureControl, vocabularyFields } from '../ui/controls.js';
import { lineChart } from '../ui/curve.js';
import { formulaBox, h } from '../ui/dom.js';
import { exp, formula, frac, log, m, mi, mn, mo, mtext, num, row, sub, sup, underover, varSub } from '../ui/math.js';
import { argmax, formatTemperature, probabilityText } from './shared.js';

// The temperatures the curves are drawn over: 81 points, 20 per decade, from 0.01 to 100 (k = 0, 20, … 80 are the
// powers of ten exactly).
const GRID = Array.from({ length: 81 }, (_, k) => 10 ** ((k - 40) / 20));
const DECADES = [0, 20, 40, 60, 80];
// Below this, the other tokens' share is too small for the page to show a change in the leader's probability.
const VISIBLE = 1e-30;
const TOKEN_COLOURS = 8;

const formatT = formatTemperature;
// Fixed decimals, so a value printed as "0.000" reads as a rounding of a tiny one, never as an exact 0.
const fixed = (x, digits) => {
  const text = x.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text.replace(/^-/, '\u2212');
};

// ln C as mathematics (an upright, serif “ln” that cannot read as “In”).
const lnC = () => m('math', null, mi('ln', { mathvariant: 'normal' }), mo('\u2061'), m('mspace', { width: '0.17em' }), mi('C'));

function formulas() {
  const zT = (i) => frac(varSub('z', mi(i)), mi('T'));
  const sum = (i) => underover(mo('\u2211'), row(mi(i), mo('='), mn('1')), mi('C'));
  return [
    formula('p sub i equals exp of z sub i over T, divided by the sum over j of exp of z sub j over T',
      sub(mi('p'), mi('i')), mo('='), frac(exp(zT('i')), row(sum('j'), exp(zT('j'))))),
    formula('H equals minus the sum over i of p sub i times log p sub i; perplexity equals e to the H',
      mi('H'), mo('='), mo('\u2212'), row(sum('i'), sub(mi('p'), mi('i')), log(sub(mi('p'), mi('i')))),
      mo(','), m('mspace', { width: '1em' }), mtext('perplexity'), mo('='), sup(mi('e'), mi('H'))),
  ];
}

// The formula with the learner's numbers, for the most likely token i (its shifted logit is 0, so its exp is exactly 1):
//   p_i = exp(z_i/T − m) / (exp(z_1/T − m) + … ) = 1 / (1 + 0.1353 + … ) = 1 / 1.223 = 0.8176
// from one trace. No digit is printed finer than the float32 computation supports: each rounding costs 2⁻²⁴ relative,
// a difference of two large scaled logits keeps its absolute error, and exp turns that into a relative one.
const SHOWN_TERMS = 3;
function substituted(state, t, i) {
  const u = 2 ** -24;
  const C = t.exp.length;
  const masked = (k) => state.logits[k] === -Infinity;
  const exact = (k) => masked(k) || t.shifted[k] === 0;
  const rel = t.shifted.map((d, k) => (exact(k) ? 0 : 2 * u * (Math.abs(t.scaled[k]) + Math.abs(t.max) + 3 * Math.abs(d)) + 2e-7));
  const sumError = t.exp.reduce((a, e, k) => a + e * rel[k], 0) + C * u * t.sum;
  const allExact = t.exp.every((_, k) => exact(k));
  const expText = (k) => formatComputed(t.exp[k], 4, { masked: masked(k), exact: exact(k), error: t.exp[k] * rel[k] });
  const sumText = formatDigits(t.sum, 4, { exact: allExact, error: sumError });
  const pText = formatComputed(t.probabilities[i], 4, { exact: allExact, error: t.probabilities[i] * (sumError / t.sum + u) });
  const T = formatT(t.temperature);
  const mText = formatDigits(Math.abs(t.max), 6, { error: 2 * u * Math.abs(t.max) });
  const z = (k) => (masked(k) ? '\u2212\u221e' : formatDigits(state.logits[k], 6));
  // A fresh node per use: a MathML node appended twice would move.
  const term = (k) => exp(row(frac(num(z(k)), num(T)), mo(t.max < 0 ? '+' : '\u2212'), num(mText)));
  const shown = Math.min(SHOWN_TERMS, C);
  const terms = [];
  const values = [];
  for (let k = 0; k < shown; ++k) {
    if (k) terms.push(mo('+'));
    if (k) values.push(mo('+'));
    terms.push(term(k));
    values.push(num(expText(k)));
  }
  if (C > shown) {
    terms.push(mo('+'), mo('\u22ef'));
    values.push(mo('+'), mo('\u22ef'));
  }
  const label = state.labels[i];
  return [
    formula(`p of ${label} equals exp of its scaled, shifted logit over the sum of all of them, at T = ${T}`,
      varSub('p', label), mo('='), frac(term(i), row(...terms))),
    formula(`which is ${expText(i)} divided by ${sumText}, equals ${pText}`,
      mo('='), frac(num(expText(i)), row(...values)), mo('='), frac(num(expText(i)), num(sumText)), mo('='), num(pText)),
  ];
}

const COLUMNS = [
  { key: 'token', header: 'Token' },
  { key: 'logit', header: 'Logit z', numeric: true, format: (v) => formatNumber(v, 3) },
  { key: 'scaled', header: 'z / T', numeric: true, format: (v) => formatNumber(v, 3) },
  { key: 'p', header: 'Probability at T', numeric: true, format: formatProbability },
  { key: 'ghost', header: 'At T = 1', numeric: true, format: formatProbability },
];

// The leader, and the share of every other token at T and at the T the question moves to (doubled, or halved near
// the top of the slider where doubling would pass 100), from the module.
let moved = { state: null };
function move({ lab, store }) {
  const s = store.get();
  if (moved.state === s) return moved;
  const T = s.temperature;
  const halve = T > 50;
  const next = halve ? T / 2 : 2 * T;
  const a = lab.softmax(s.logits, { temperature: T });
  const b = lab.softmax(s.logits, { temperature: next });
  const top = argmax(s.logits);
  const others = (p) => p.reduce((sum, v, i) => (i === top ? sum : sum + v), 0);
  const finite = s.logits.filter(Number.isFinite);
  moved = { state: s, s, T, next, halve, top, a: a[top], b: b[top], qa: others(a), qb: others(b),
    flat: finite.every((z) => z === finite[0]) };
  return moved;
}

const share = (q) => (q < VISIBLE ? '< 10\u207b\u00b3\u2070' : q >= 0.001 ? formatProbability(q) : formatScientific(q, 2));

export default {
  id: 'temperature',
  title: 'Temperature',
  summary: 'Dividing the logits by T before softmax makes the distribution sharper (T < 1) or flatter (T > 1).',
  intro: [
    'The temperature setting of a language-model API is one division: every logit is divided by T before softmax. A small T stretches the gaps between logits, and the exponential then exaggerates them even more. A large T squeezes every gap towards zero.',
    'The slider is logarithmic, from 0.01 to 100: each mark is ten times the one before, and the middle is T = 1, where the logits are left alone. Outlined bars keep the T = 1 distribution in view while you move it; the dashed line is 1/C, every token equally likely.',
    '**Entropy** measures how spread out a distribution is: 0 nats when one token is certain, `ln C` nats (the natural logarithm of the number of tokens C) when all C are equally likely. **Perplexity**, e raised to the entropy, reads as “the model hesitates between this many tokens”.',
  ],
  notes: [
    'T < 1 sharpens, T > 1 flattens; T → 0 gives argmax (tokens tied for the top share it), T → ∞ gives the uniform distribution.',
    'Temperature never changes the order of the tokens, only how far apart their probabilities are.',
    'Entropy runs from 0 to `ln C` nats (divide by `ln 2` for bits); perplexity from 1 to C.',
  ],
  questions: [
    {
      id: 'double',
      // Hidden when the leader already holds everything at both temperatures: the others' share stays below 10⁻³⁰, too
      // small to show a change (unless nothing can change: all logits equal).
      applies: (ctx) => {
        const m = move(ctx);
        return m.flat || Math.max(m.qa, m.qb) >= VISIBLE;
      },
      ask: (ctx) => {
        const { s, T, next, halve, top, a, flat } = move(ctx);
        return `At T = ${formatT(T)}, “${s.labels[top]}” ${flat ? 'has' : 'leads with'} ${formatProbability(a)}. If you ${halve ? 'halve' : 'double'} T to ${formatT(next)}, its probability…`;
      },
      choices: ['rises', 'falls', 'stays the same'],
      answer(ctx) {
        const { flat, qa, qb } = move(ctx);
        if (flat) return 2;
        // The leader's probability is 1 minus the others' share; the share keeps its digits when the leader rounds to 1.
        return qb < qa ? 0 : 1;
      },
      reveal(ctx) {
        const { s, T, next, halve, top, a, b, qa, qb, flat } = move(ctx);
        const name = `“${s.labels[top]}”`;
        if (flat) return `Every token has the same logit, so dividing by any T keeps them equal: ${name} has ${formatProbability(a)} at T = ${formatT(T)} and ${formatProbability(b)} at T = ${formatT(next)}.`;
        const why = halve
          ? 'Halving T doubles every gap between the scaled logits, so the leader pulls further ahead.'
          : 'Doubling T halves every gap between the scaled logits, so the leader’s advantage shrinks.';
        return `At T = ${formatT(T)}, ${name} has ${formatProbability(a)} and the other tokens share ${share(qa)}; at T = ${formatT(next)}, ${name} has ${formatProbability(b)} and the others share ${share(qb)}. ${why}`;
      },
      tryIt: { text: 'Move T there', apply: (s) => ({ temperature: s.temperature > 50 ? s.temperature / 2 : 2 * s.temperature }) },
    },
    {
      id: 'ties',
      ask: 'Logits 2, 2 and 1, at T = 0.01. What do the two tied tokens get?',
      choices: ['The first one gets 100%', 'They share it: 50% each', 'Nothing sensible: NaN'],
      answer({ lab }) {
        const [a, b] = lab.softmax([2, 2, 1], { temperature: 0.01 });
        if (Number.isNaN(a)) return 2;
        return Math.abs(a - 0.5) < 1e-6 && Math.abs(b - 0.5) < 1e-6 ? 1 : 0;
      },
      reveal({ lab }) {
        const p = lab.softmax([2, 2, 1], { temperature: 0.01 });
        return `softmax([2, 2, 1] / 0.01) gives ${formatProbability(p[0])} and ${formatProbability(p[1])} to the tied pair and ≈ 0 to the third. Dividing by 0.01 turns the logits into 200, 200 and 100: the third token is 100 behind, so it vanishes, and the tied pair stays tied.`;
      },
      tryIt: {
        text: 'Tie the top two, T = 0.01',
        apply: (s) => {
          const order = [...s.logits.keys()].sort((a, b) => s.logits[b] - s.logits[a]);
          const logits = s.logits.slice();
          if (order.length > 1) logits[order[1]] = logits[order[0]];
          return { logits, temperature: 0.01 };
        },
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const control = temperatureControl(store, { ticks: true });
    const fields = vocabularyFields(store);
    const chart = barChart({
      caption: 'Probabilities',
      columns: COLUMNS,
      legend: [['key-bar', 'probability at T'], ['key-ghost', 'at T = 1 (outline)'], ['key-reference', 'uniform 1/C']],
      focusable: true,
    });
    const values = readouts([
      { key: 'entropy', label: 'Entropy' },
      { key: 'bits', label: 'Entropy in bits' },
      { key: 'perplexity', label: 'Perplexity' },
      { key: 'maximum', label: ['Largest possible entropy, ', lnC()] },
      { key: 'top', label: 'Most likely token' },
    ]);

    const probabilityPlot = lineChart({
      width: 360, height: 230,
      x: { min: 0.01, max: 100, log: true, ticks: DECADES.map((k) => GRID[k]), label: 'temperature T (log scale)', format: formatT },
      y: { min: 0, max: 1, ticks: [0, 0.25, 0.5, 0.75, 1], label: 'probability', format: (v) => `${v * 100}%` },
      label: 'Each token’s probability against T',
    });
    const entropyPlot = lineChart({
      width: 360, height: 230,
      x: { min: 0.01, max: 100, log: true, ticks: DECADES.map((k) => GRID[k]), label: 'temperature T (log scale)', format: formatT },
      y: { min: 0, max: 1, ticks: [0, 1], label: 'entropy (nats)', format: (v) => formatNumber(v, 1) },
      label: 'Entropy against T',
    });
    const curveLegend = h('p', { class: 'chart-legend curve-legend' });
    const curveTable = h('tbody');
    const curveHead = h('tr');
    const curves = h('section', { class: 'panel', dataset: { gate: 'double ties', gateNote: 'Answer the predictions above to see how each probability moves with T' } },
      ctx.heading('Every temperature at once'),
      h('p', { class: 'chart-note' }, 'Each curve is one token’s probability as T runs from 0.01 to 100 (computed at 81 temperatures); the vertical line is your T.'),
      h('div', { class: 'curve-pair' },
        h('figure', { class: 'chart curve-figure' }, h('figcaption', { class: 'chart-caption' }, 'Probability against T'), curveLegend, probabilityPlot.svg),
        h('figure', { class: 'chart curve-figure' }, h('figcaption', { class: 'chart-caption' }, 'Entropy against T'), entropyPlot.svg)),
      h('details', { class: 'curve-details', dataset: { part: 'table' } }, h('summary', null, 'Show the curves as a table'),
        h('p', { class: 'scroll-cue' }, 'The table scrolls sideways.'),
        h('div', { class: 'table-scroll scroll-shadow', tabindex: '0', role: 'region', 'aria-label': 'Table: the curves at every power of ten' },
          h('table', { class: 'numbers curve-table' }, h('caption', { class: 'visually-hidden' }, 'Probabilities and entropy at T = 0.01, 0.1, 1, 10 and 100'),
            h('thead', null, curveHead), curveTable))));

    const substitutedCaption = h('span');
    const substitutedBox = formulaBox({ 'aria-label': 'The formula with your numbers', class: 'formula formula-live scroll-shadow' });
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel' }, ctx.heading('Turn the dial'), control.node, fields.node),
      h('section', { class: 'panel' }, chart.nodes, values.node),
      ctx.question('double'),
      ctx.question('ties'),
      curves,
      h('section', { class: 'panel', dataset: { part: 'formula' } }, ctx.heading('The formulas'),
        formulas().map((f) => formulaBox(null, f)),
        h('p', { class: 'formula-caption' }, substitutedCaption),
        h('p', { class: 'scroll-cue' }, 'The formula scrolls sideways.'),
        substitutedBox));

    let formulaState = null;
    let formulaPending = false;
    const idle = typeof requestIdleCallback === 'function'
      ? (fn) => requestIdleCallback(fn, { timeout: 150 })
      : (fn) => setTimeout(fn, 50);

    // The curves depend on the logits only: computed (81 traces) and drawn when the logits or labels change; a change
    // of T only moves the marks.
    let curveKey = '';
    let grid = null;
    let ghost = null;
    function drawCurves(state) {
      const key = JSON.stringify([state.logits, state.labels]);
      if (key === curveKey) return;
      curveKey = key;
      const C = state.logits.length;
      const traces = GRID.map((T) => lab.trace(state.logits, { temperature: T }));
      grid = { p: traces.map((t) => t.probabilities), H: traces.map((t) => t.entropy) };
      ghost = lab.softmax(state.logits);
      const unmasked = state.logits.filter(Number.isFinite).length;
      const Hmax = lab.entropy(new Float32Array(unmasked));
      grid.Hmax = Hmax;
      grid.unmasked = unmasked;
      const tone = (i) => `tok-${i % TOKEN_COLOURS}${i >= TOKEN_COLOURS ? ' tok-dashed' : ''}`;
      probabilityPlot.update({ series: state.labels.map((_, i) => ({ points: GRID.map((T, k) => [T, grid.p[k][i]]), cls: `line-token ${tone(i)}`, token: String(i) })) });
      const top = Math.max(0.5, Math.ceil(Hmax * 2) / 2);
      const ticks = [];
      for (let v = 0; v <= top + 1e-9; v += top > 2 ? 1 : 0.5) ticks.push(v);
      entropyPlot.setDomain({ y: { max: top, ticks } });
      entropyPlot.update({ series: [{ points: GRID.map((T, k) => [T, grid.H[k]]), cls: 'line-main' }] });
      curveLegend.replaceChildren(...state.labels.map((l, i) => h('span', { class: 'legend-item', dataset: { token: String(i) } },
        h('span', { class: `legend-key curve-key ${tone(i)}`, 'aria-hidden': 'true' }), l)));
      curveHead.replaceChildren(h('th', { scope: 'col' }, 'T'), ...state.labels.map((l) => h('th', { scope: 'col', class: 'num' }, l)),
        h('th', { scope: 'col', class: 'num' }, 'Entropy (nats)'));
      curveTable.replaceChildren(...DECADES.map((k) => h('tr', null, h('th', { scope: 'row' }, formatT(GRID[k])),
        ...Array.from({ length: C }, (_, i) => h('td', { class: 'num', dataset: { token: String(i), value: String(grid.p[k][i]) } }, probabilityText(grid.p[k][i], state.logits[i]))),
        h('td', { class: 'num', dataset: { value: String(grid.H[k]) } }, `${fixed(grid.H[k], 3)}`))));
    }

    return {
      node,
      update(state) {
        control.update(state);
        fields.update(state);
        drawCurves(state);
        const T = state.temperature;
        // One call gives the probabilities, the scaled logits and the entropy.
        const traced = lab.trace(state.logits, { temperature: T });
        const { probabilities: p, scaled, entropy: H } = traced;
        const { Hmax, unmasked } = grid;
        const cell = (v, i) => ({ value: v, text: probabilityText(v, state.logits[i]) });
        chart.update(state.labels.map((label, i) => ({
          label, value: p[i], valueText: probabilityText(p[i], state.logits[i]), ghost: ghost[i],
          cells: { token: label, logit: state.logits[i], scaled: scaled[i], p: cell(p[i], i), ghost: cell(ghost[i], i) },
        })), { max: 1, reference: 1 / unmasked, caption: `Probabilities at T = ${formatT(T)} (outlined: at T = 1; dashed line: uniform, 1/${unmasked})` });
        const top = argmax(p);
        // The formula with the learner's numbers is typeset when the page is idle (MathML layout is the costliest part
        // of an update), at most 150 ms after the last change: a slider step stays cheap, the formula follows.
        formulaState = { state, traced, top };
        if (!formulaPending) {
          formulaPending = true;
          idle(() => {
            formulaPending = false;
            const f = formulaState;
            substitutedCaption.textContent = `With your numbers, for the most likely token “${f.state.labels[f.top]}” at T = ${formatT(f.state.temperature)} (m is the largest z/T, subtracted so that exp cannot overflow):`;
            substitutedBox.replaceChildren(...substituted(f.state, f.traced, f.top));
          });
        }
        const masked = unmasked < state.logits.length ? ` (${unmasked} unmasked tokens)` : '';
        values.update({
          entropy: { text: `${fixed(H, 3)} nats`, value: H },
          // Bits and perplexity are the module's entropy in other units: H / ln 2 and e^H.
          bits: { text: `${fixed(H / Math.LN2, 3)} bits` },
          perplexity: { text: fixed(Math.exp(H), 2), value: Math.exp(H) },
          maximum: { text: `${fixed(Hmax, 3)} nats${masked}` },
          top: { text: `${state.labels[top]}, ${probabilityText(p[top], state.logits[top])}` },
        });
        // The curves wait behind the predictions: their marks are not moved (nor repainted under the blur) until then.
        if (!(ctx.isOpen('double') && ctx.isOpen('ties'))) {
          const order = [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 3);
          ctx.announce(`T ${formatT(T)}: ${order.map((i) => `${state.labels[i]} ${probabilityText(p[i], state.logits[i])}`).join(', ')}. Entropy ${fixed(H, 3)} nats.`);
          return;
        }
        probabilityPlot.mark({
          rules: [{ x: T, cls: 'rule-current', text: `T = ${formatT(T)}` }],
          dots: state.labels.map((_, i) => ({ x: T, y: p[i], cls: `dot-token tok-${i % TOKEN_COLOURS}`, token: String(i) })),
        });
        entropyPlot.mark({
          levels: [{ y: Hmax, cls: 'rule-dashed', text: `uniform: ${fixed(Hmax, 3)} nats` }],
          rules: [{ x: T, cls: 'rule-current', text: `${fixed(H, 3)} nats` }],
          dots: [{ x: T, y: H, cls: 'dot-main' }],
        });
        probabilityPlot.svg.setAttribute('aria-label', `Each token’s probability against T, from 0.01 to 100 on a log scale, with your T = ${formatT(T)} marked; towards T = 100 every unmasked token approaches 1/${unmasked}.`);
        entropyPlot.svg.setAttribute('aria-label', `Entropy against T, from 0.01 to 100 on a log scale: ${fixed(H, 3)} nats at your T = ${formatT(T)}; at most ${fixed(Hmax, 3)} nats.`);
        const order = [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 3);
        ctx.announce(`T ${formatT(T)}: ${order.map((i) => `${state.labels[i]} ${probabilityText(p[i], state.logits[i])}`).join(', ')}. Entropy ${fixed(H, 3)} nats.`);
      },
    };
  },
};
