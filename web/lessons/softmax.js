// Lesson 2: softmax, one step at a time, on the learner's own numbers (every intermediate from lab.trace). The
// substituted formula is built from data (one term per token, fresh MathML nodes for every use), so each term shows the
// T it divides by and the values row below it is the same terms evaluated.
import { FLOAT32_MIN_NORMAL, UNDERFLOW_TEXT, formatComputed, formatDigits, formatNumber, formatRatio,
  formatShare } from '../ui/format.js';
import { toQuery } from '../model/state.js';
import { barChart } from '../ui/chart.js';
import { button, numberField, readouts, tokenSelect, vocabularyFields } from '../ui/controls.js';
import { h, setText, scrollBox, formulaBox } from '../ui/dom.js';
import { exp, formula, frac, m as el, mi, mn, mo, num, paren, row, sub, sup, underover, varSub } from '../ui/math.js';
import { overflowCue } from '../ui/overflow-cue.js';
import { ARTICLE_EXAMPLE, CLOSE_CALL, argmax } from './shared.js';

const SHOWN_TERMS = 3;  // terms of the sum written out in the substituted formula (1 on a phone)
const DIGITS = 4;       // significant digits of every step, in the list, the table and the formula alike
const MINUS = '\u2212';

// ---------------------------------------------------------------------------------------------------------------
// The trace of the current state, once per state (the view and the three questions all read it).

// Per state: a state object never changes, so what is derived from it is computed once (the view and the three
// questions' ask, choices and applies all read the same trace, printed numbers and facts).
const derived = new WeakMap();
function memo(state, key, compute) {
  if (!derived.has(state)) derived.set(state, new Map());
  const m = derived.get(state);
  if (!m.has(key)) m.set(key, compute());
  return m.get(key);
}

function traceOf(lab, state) {
  return memo(state, 'trace', () => lab.trace(state.logits, { temperature: state.temperature }));
}

// Error bounds (absolute) of the module's float32 intermediates, so no digit is printed that the computation does not
// support: half a unit in the last place per float32 rounding (2⁻²⁴ relative), 2 × 10⁻⁷ relative for the exp
// polynomial. A difference of two large scaled logits keeps its absolute error (cancellation), and the exp and the
// probability computed from it inherit that error as a relative one. At T = 1 the scaled logits are the logits.
function errorsOf(t) {
  const u = 2 ** -24;
  const unscaled = t.temperature === 1;
  const exactShift = (k) => t.shifted[k] === 0 || t.shifted[k] === -Infinity;
  const difference = (x, y, d) => (unscaled ? u * Math.abs(d) : u * (Math.abs(x) + Math.abs(y) + 3 * Math.abs(d)));
  const shifted = t.shifted.map((s, k) => (exactShift(k) ? 0 : difference(t.scaled[k], t.max, s)));
  const expRel = shifted.map((d, k) => (exactShift(k) ? 0 : 2 * d + 2e-7));
  const exp = t.exp.map((e, k) => e * expRel[k]);
  const sum = exp.reduce((a, b) => a + b, 0) + t.exp.length * u * t.sum;
  return {
    scaled: t.scaled.map((v) => (unscaled || !Number.isFinite(v) ? 0 : 2 * u * Math.abs(v))),
    m: unscaled ? 0 : 2 * u * Math.abs(t.max),
    shifted,
    expRel,
    exp,
    sum,
    p: t.probabilities.map((q, k) => q * (expRel[k] + sum / t.sum + u)),
    gap: (a, b) => difference(t.scaled[a], t.scaled[b], t.scaled[a] - t.scaled[b]),
  };
}

// How each value of the trace is printed. `masked`: a −∞ logit, whose exp and p are an exact 0. `flushed`: an exp or
// p that fell below float32's normal range (printed as a bound, never as 0). `exact`: the sum and the probabilities
// are exact only when every exp is exactly 0 or 1 (ties, masks); otherwise a rounded 1 prints as "1.000".
function printed(state, t) {
  return memo(state, 'printed', () => printedOf(state, t));
}

function printedOf(state, t) {
  const C = t.exp.length;
  const err = errorsOf(t);
  const masked = (k) => t.shifted[k] === -Infinity;
  const exactExp = (k) => masked(k) || t.shifted[k] === 0;
  const exactSum = [...t.exp.keys()].every(exactExp);
  // Each token's texts once per state (the steps, the table, the formula and the questions print the same ones).
  const each = (fn) => {
    const texts = Array.from({ length: C }, (_, k) => fn(k));
    return (k) => texts[k];
  };
  const expText = each((k) => formatComputed(t.exp[k], DIGITS, { masked: masked(k), exact: exactExp(k), error: err.exp[k] }));
  const pText = each((k) => formatComputed(t.probabilities[k], DIGITS, { masked: masked(k), exact: exactSum, error: err.p[k] }));
  const flushed = [...Array(C).keys()].some((k) => !masked(k) && t.probabilities[k] < FLOAT32_MIN_NORMAL);
  return {
    C,
    err,
    masked,
    flushed,
    T: formatDigits(t.temperature, 3),
    z: each((k) => (state.logits[k] === -Infinity ? `${MINUS}\u221e` : formatDigits(state.logits[k], 6))),
    scaled: each((k) => formatDigits(t.scaled[k], DIGITS, { error: err.scaled[k] })),
    m: formatDigits(t.max, DIGITS, { error: err.m }),
    shifted: each((k) => formatDigits(t.shifted[k], DIGITS, { error: err.shifted[k] })),
    exp: expText,
    sum: formatDigits(t.sum, DIGITS, { exact: exactSum, error: err.sum }),
    p: pText,
    share: each((k) => formatShare(t.probabilities[k], { masked: masked(k) })),
    gap: (a, b) => formatDigits(t.scaled[a] - t.scaled[b], DIGITS, { error: err.gap(a, b) }),
    // How many times as likely a is as b.
    ratio: (a, b, pa = t.probabilities[a], pb = t.probabilities[b]) => (pa === pb && err.expRel[a] === 0 && err.expRel[b] === 0
      ? '1' : formatRatio(pa, pb, err.expRel[a] + err.expRel[b] + 2 * 2 ** -24)),
  };
}

// The top two tokens by scaled logit (ties to the lower index), the second one finite, or null.
function topTwo(t) {
  const order = [...t.scaled.keys()].filter((k) => t.scaled[k] !== -Infinity).sort((a, b) => t.scaled[b] - t.scaled[a] || a - b);
  return order.length > 1 ? { a: order[0], b: order[1], gap: t.scaled[order[0]] - t.scaled[order[1]] } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// The substituted formula, as data first: which token each term belongs to, and every number as printed.

function formulaData(state, t, i, terms = SHOWN_TERMS) {
  const f = printed(state, t);
  const shown = Math.min(terms, f.C);
  const underflows = (k) => !f.masked(k) && t.exp[k] < FLOAT32_MIN_NORMAL;
  const value = (k) => (underflows(k) ? { power: f.shifted(k) } : { text: f.exp(k) });
  return {
    label: state.labels[i],
    focus: i,
    T: t.temperature === 1 ? null : f.T,
    m: f.m,
    negativeM: t.max < 0,
    term: (k) => ({ k, z: f.z(k) }),
    terms: [...Array(shown).keys()],
    more: f.C > shown,
    value,
    sum: f.sum,
    p: underflows(i) || (!f.masked(i) && t.probabilities[i] < FLOAT32_MIN_NORMAL) ? null : f.p(i),
  };
}

// MathML from the data: every node is created for its one use. Returns the two <math> elements, their numbers in
// order (`slots`: the <mn> and the text it shows) and a `shape` key. With { dry: true } no node is made, only the
// texts, the alt texts and the shape: while the shape stays the same, a new state only rewrites the numbers and alt
// texts of the formula on the page (see the view's renderLive), in the same order.
const REAL = { num, el, exp, row, frac, paren, sup, mi, mo, mn, varSub, formula, phantom: (x) => el('mphantom', null, x) };
const DRY = Object.fromEntries(Object.keys(REAL).map((k) => [k, () => null]));
DRY.formula = (alttext) => ({ alttext });

function renderFormula(d, { dry = false } = {}) {
  const B = dry ? DRY : REAL;
  const slots = [];
  const signs = [];
  const number = (text) => {
    const node = B.num(text);
    slots.push({ node: node && (node.localName === 'mn' ? node : node.lastChild), text: text.replace(/^[\u2212-]/, '') });
    signs.push(/^[\u2212-]/.test(text) ? '-' : '+');
    return node;
  };
  const term = (k) => {
    const z = number(d.term(k).z);
    const scaled = d.T === null ? z : B.frac(z, number(d.T));
    const m = d.negativeM ? B.paren(number(d.m)) : number(d.m);
    return B.el('mrow', { 'data-token': String(k) }, B.exp(B.row(scaled, B.mo(MINUS), m)));
  };
  const valueNode = (k) => {
    const v = d.value(k);
    return B.el('mrow', { 'data-token': String(k) }, v.power !== undefined ? B.sup(B.mi('e'), number(v.power)) : number(v.text));
  };
  const sumOf = (node) => {
    const parts = [];
    d.terms.forEach((k, n) => {
      if (n) parts.push(B.mo('+'));
      parts.push(node(k));
    });
    if (d.more) parts.push(B.mo('+'), B.mo('\u22ef'));
    return B.row(...parts);
  };
  const top = d.value(d.focus);
  const topSpoken = top.power !== undefined ? `e to the power ${top.power}` : top.text;
  const tail = () => (d.p === null ? [B.mo('\u2248'), B.mn('0')] : [B.mo('='), number(d.p)]);
  const spoken = d.p === null
    ? `which is ${topSpoken}, divided by ${d.sum}: almost 0`
    : `which is ${topSpoken} divided by ${d.sum}, equals ${d.p}`;
  // The followed token's label and its three numerator terms, so that following another token can rewrite them.
  const labels = [];
  const pLabel = () => {
    const node = B.varSub('p', d.label);
    if (node) labels.push(node.lastChild);
    return node;
  };
  const focusRows = [];
  const focused = (node) => {
    if (node) focusRows.push(node);
    return node;
  };
  const first = B.formula(`p of ${d.label} equals exp of ${d.T === null ? 'its logit' : 'its logit over T'} minus m, over the sum of the same for every token`,
    pLabel(), B.mo('='), B.frac(focused(term(d.focus)), sumOf(term)));
  // Lines 2 and 3 start with an invisible p_label, so that every "=" stands under the first one.
  const second = B.formula(`which is ${topSpoken} over the sum of the same terms evaluated`,
    B.phantom(pLabel()), B.mo('='), B.frac(focused(valueNode(d.focus)), sumOf(valueNode)));
  const third = B.formula(spoken, B.phantom(pLabel()), B.mo('='), B.frac(focused(valueNode(d.focus)), number(d.sum)), ...tail());
  const kinds = [d.focus, ...d.terms].map((k) => (d.value(k).power !== undefined ? 'e' : 'n'));
  const shape = [d.T === null, d.negativeM, d.terms.length, d.more, d.p === null, kinds.join(''), signs.join('')].join('|');
  const maths = [first, second, third];
  const alttexts = maths.map((m) => (dry ? m.alttext : m.getAttribute('alttext')));
  return { maths: dry ? null : maths, slots, shape, alttexts, labels, focusRows, label: d.label, focus: String(d.focus) };
}

function generalFormula() {
  const zT = (i) => row(frac(varSub('z', mi(i)), mi('T')), mo(MINUS), mi('m'));
  return formula('p sub i equals exp of z sub i over T minus m, divided by the sum over j of exp of z sub j over T minus m, where m is the largest z over T',
    sub(mi('p'), mi('i')), mo('='),
    frac(exp(zT('i')), row(underover(mo('\u2211'), row(mi('j'), mo('='), mn('1')), mi('C')), exp(zT('j')))),
    mo(',', { separator: 'true' }), el('mspace', { width: '1em' }),
    mi('m'), mo('='), row(el('munder', null, mi('max'), mi('j')), mo('\u2061'), frac(varSub('z', mi('j')), mi('T'))));
}

// ---------------------------------------------------------------------------------------------------------------
// Questions: each is asked about the learner's own numbers, and answered from the module's trace of them.

const quote = (label) => `“${label}”`;

function leader(state) {
  return argmax(state.logits);
}

function topShare(ctx) {
  const s = ctx.store.get();
  const t = traceOf(ctx.lab, s);
  const a = leader(s);
  return { s, t, a, p: t.probabilities[a], f: printed(s, t) };
}

// The learner's top two tokens, their gap after ÷ T, and the module's log-ratio of their probabilities (finite even
// where a probability underflows), with the same log-ratio when the other tokens are left out.
function amplifyFacts(ctx) {
  return memo(ctx.store.get(), 'amplify', () => amplifyFactsOf(ctx));
}

function amplifyFactsOf(ctx) {
  const s = ctx.store.get();
  const t = traceOf(ctx.lab, s);
  const two = topTwo(t);
  if (!two) return { s, t, two };
  const logRatio = t.logProbabilities[two.a] - t.logProbabilities[two.b];
  const scale = Math.max(1, ...[...t.scaled].filter(Number.isFinite).map(Math.abs));
  return { s, t, two, logRatio, tolerance: 1e-4 * (1 + two.gap) + 4e-7 * scale, gapText: printed(s, t).gap(two.a, two.b),
    // The same log-ratio with the other tokens left out (a module call: only when the answer is checked).
    alone() {
      const pair = ctx.lab.logSoftmax([s.logits[two.a], s.logits[two.b]], { temperature: s.temperature });
      return pair[0] - pair[1];
    } };
}

// Which options of the amplify question are true: [gap times, e^gap times, depends on the others].
function amplifyTruths(x) {
  const { two, logRatio, tolerance } = x;
  return [
    two.gap > 0 && Math.abs(logRatio - Math.log(two.gap)) <= tolerance,
    Math.abs(logRatio - two.gap) <= tolerance,
    Math.abs(logRatio - x.alone()) > tolerance,
  ];
}

const QUESTIONS = [
  {
    id: 'top-share',
    ask(ctx) {
      const { s, a, f } = topShare(ctx);
      const tied = s.logits.filter((z) => z === s.logits[a]).length > 1;
      return `${quote(s.labels[a])} has your largest logit, ${f.z(a)}${tied ? ' (tied with another token)' : ''}. At your temperature, what probability will softmax give ${quote(s.labels[a])}?`;
    },
    choices: ['50% or less', 'More than 50% but less than 99%', '99% or more'],
    answer(ctx) {
      const { p } = topShare(ctx);
      return p <= 0.5 ? 0 : p < 0.99 ? 1 : 2;
    },
    reveal(ctx) {
      const { s, t, a, f } = topShare(ctx);
      const two = topTwo(t);
      const by = two && (two.gap === 0 ? ` It is tied with ${quote(s.labels[two.b])}.`
        : ` It leads ${quote(s.labels[two.b])} by ${f.gap(two.a, two.b)}${s.temperature === 1 ? '' : ' after dividing by T'}.`);
      const next = by || '';
      return `Softmax gives ${quote(s.labels[a])} ${f.share(a)}.${next} Not the size of a logit decides its share but how far it stands above the others: the steps below show where the share comes from.`;
    },
  },
  {
    id: 'amplify',
    applies: (ctx) => amplifyFacts(ctx).two !== null,
    ask(ctx) {
      const x = amplifyFacts(ctx);
      if (!x.two) return 'How many times as likely as the second token is the first?';
      const { s, two } = x;
      const f = printed(s, x.t);
      const gap = s.temperature === 1 ? `a gap of ${x.gapText}` : `divided by T = ${f.T}, a gap of ${x.gapText}`;
      return `${quote(s.labels[two.a])} has the largest logit (${f.z(two.a)}) and ${quote(s.labels[two.b])} the next (${f.z(two.b)}): ${gap}. How many times as likely as ${quote(s.labels[two.b])} will softmax make ${quote(s.labels[two.a])}?`;
    },
    // The gap is in the question; the options name rules, so they stay put while T moves.
    choices: ['As many times as the gap', 'e to the power of the gap times', 'It depends on the other tokens’ logits too'],
    answer(ctx) {
      const truths = amplifyTruths(amplifyFacts(ctx));
      return truths.indexOf(true) >= 0 ? truths.indexOf(true) : 1;
    },
    reveal(ctx) {
      const x = amplifyFacts(ctx);
      const { s, t, two } = x;
      const f = printed(s, t);
      const pa = t.probabilities[two.a];
      const pb = t.probabilities[two.b];
      return `Softmax gives ${quote(s.labels[two.a])} ${f.share(two.a)} and ${quote(s.labels[two.b])} ${f.share(two.b)}: ${f.ratio(two.a, two.b, pa, pb)} times as likely, which is e^${x.gapText}. Each 1 added to the gap multiplies the ratio by e (about 2.718). The other tokens change both probabilities by the same factor, so they never change the ratio.`;
    },
  },
  {
    id: 'shift-max',
    ask: 'Step 2 subtracts the largest scaled logit, m, from every one. Does that change the probabilities?',
    choices: ['Yes, a little', 'No (up to rounding)', 'Only the largest token’s'],
    answer({ lab, store }) {
      const s = store.get();
      const top = Math.max(...s.logits);
      const before = lab.softmax(s.logits, { temperature: s.temperature });
      const after = lab.softmax(s.logits.map((z) => z - top), { temperature: s.temperature });
      const scale = Math.max(1, ...s.logits.filter(Number.isFinite).map((z) => Math.abs(z) / s.temperature));
      const changed = [...before.keys()].filter((k) => Math.abs(before[k] - after[k]) > 1e-6 + 1e-6 * scale);
      if (changed.length === 0) return 1;
      return changed.length === 1 && changed[0] === argmax(s.logits) ? 2 : 0;
    },
    reveal({ lab, store }) {
      const s = store.get();
      const top = Math.max(...s.logits);
      const before = lab.softmax(s.logits, { temperature: s.temperature });
      const after = lab.softmax(s.logits.map((z) => z - top), { temperature: s.temperature });
      const d = Math.max(...[...before.keys()].map((k) => Math.abs(before[k] - after[k])));
      return `No. exp(z/T − m) is exp(z/T) times e^(−m): the same factor multiplies every term above and below the fraction line, and cancels. On your logits the largest difference between softmax with and without the subtraction is ${formatNumber(d, 9)}${d === 0 ? '' : ' (float32 rounding)'}. What it buys is numbers a computer can hold: lesson 5 shows what breaks without it.`;
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------

export default {
  id: 'softmax',
  title: 'Softmax, step by step',
  summary: 'Five small steps turn any list of logits into probabilities: divide by T, subtract the largest, exponentiate, add up, divide.',
  intro: [
    'A probability distribution asks for two things: no negative entries, and a total of exactly 1. Softmax gets the first from the exponential function — e raised to any power is positive — and the second by dividing every exponential by their sum.',
    'Libraries add two steps around that core. Dividing by a **temperature** T first lets you sharpen or flatten the result (lesson 3; T = 1 leaves the logits alone). Subtracting the largest value m before exponentiating keeps the numbers small enough for a computer (lesson 5). Does that second step change the answer? Predict it below.',
    'Predict first, then look: the formula with your numbers, the table of every step and the bars open once you have answered. Every number comes from the logitlab module’s `trace`, which returns the intermediates of the very computation behind `softmax`.',
  ],
  notes: [
    'Softmax makes every value positive and the total 1, and it keeps the order of the logits.',
    'Exponentials turn a *difference* between logits into a *ratio* between probabilities: a gap of d becomes a factor of eᵈ. A gap of 12.3 is a factor of about 220,000.',
    'That is why it is a “soft” max: the top token dominates, yet every token keeps a little probability, and the function stays smooth enough to train through.',
  ],
  questions: QUESTIONS,
  view(ctx) {
    const { lab, store } = ctx;
    const fields = vocabularyFields(store);
    const temperature = numberField({ label: 'Temperature T', min: 0.01, max: 100, get: (s) => s.temperature,
      set: (t) => store.set({ temperature: t }), describe: 'The temperature' });
    const focus = tokenSelect(store, { key: 'focus', label: 'Follow token' });
    const examples = h('div', { class: 'presets', role: 'group', 'aria-label': 'Example logits' },
      button('The article’s example: 12.4, −3.2, 0.1', () => store.set(ARTICLE_EXAMPLE), { class: 'chip' }),
      button('A close call: 2, 1, 0.1', () => store.set(CLOSE_CALL), { class: 'chip' }));
    const general = formulaBox({ dataset: { part: 'formula' } }, generalFormula());
    const liveInner = h('div', { class: 'formula-inner' });
    const live = formulaBox({ class: 'formula formula-live scroll-shadow' }, liveInner);
    const liveCue = overflowCue(live, liveInner);
    const both = 'Answer both predictions above to see this';
    const liveBlock = h('div', { dataset: { part: 'formula', gate: 'top-share amplify', gateNote: both } }, live, liveCue);
    const narrow = typeof matchMedia === 'function' ? matchMedia('(max-width: 40rem)') : null;
    // Rebuilt when its shape changes (tokens written out, T = 1 or not, signs, underflows); otherwise only its numbers,
    // alt texts, the followed token's label and its terms' token are rewritten in place.
    let shown = null;
    const renderLive = (state) => {
      const d = formulaData(state, traceOf(lab, state), state.focus, narrow?.matches ? 1 : SHOWN_TERMS);
      const plan = renderFormula(d, { dry: true });
      if (shown && shown.shape === plan.shape) {
        // Written only where a number changed (the texts shown are kept beside the nodes).
        plan.slots.forEach((slot, n) => {
          const was = shown.slots[n];
          if (was.text !== slot.text) {
            was.node.textContent = slot.text;
            was.text = slot.text;
          }
        });
        plan.alttexts.forEach((text, n) => shown.maths[n].getAttribute('alttext') !== text && shown.maths[n].setAttribute('alttext', text));
        if (shown.label !== plan.label) shown.labels.forEach((node) => { node.textContent = plan.label; });
        if (shown.focus !== plan.focus) shown.focusRows.forEach((node) => node.setAttribute('data-token', plan.focus));
        shown.label = plan.label;
        shown.focus = plan.focus;
        return;
      }
      shown = renderFormula(d);
      liveInner.replaceChildren(...shown.maths.map((math) => h('div', { class: 'formula-line' }, math)));
    };
    const onNarrow = () => renderLive(store.get());
    narrow?.addEventListener('change', onNarrow);
    const steps = h('ol', { class: 'steps' });
    const head = ['Token', 'z', 'z / T', 'z / T − m', 'exp(·)', 'p = exp / Σ'];
    const headCells = head.map((t, k) => h('th', { scope: 'col', class: [k ? 'num' : '', k === 2 && 'col-scaled'] }, t));
    const body = h('tbody');
    const caption = h('caption', null, 'Softmax step by step');
    const tableNode = h('table', { class: 'numbers steps-table' }, caption, h('thead', null, h('tr', null, headCells)), body);
    const table = scrollBox('Softmax step by step', tableNode);
    table.classList.add('scroll-shadow');
    const note = h('p', { class: 'chart-note', hidden: true });
    const worked = h('div', { class: 'steps-worked', dataset: { gate: 'top-share amplify', gateNote: both } }, steps, table,
      overflowCue(table, tableNode), note);
    const amplify = readouts([
      { key: 'gap', label: 'Gap between the top two logits (after ÷ T)' },
      { key: 'ratio', label: 'Ratio of their probabilities' },
      { key: 'total', label: 'Sum of the probabilities' },
    ]);
    amplify.node.dataset.gate = 'amplify';
    amplify.node.dataset.gateNote = 'Answer the “how many times as likely” prediction to see this';
    const skipLink = h('a', { href: './?lesson=stability', dataset: { nav: 'stability' } }, 'lesson 5, numerical stability →');
    const skip = ctx.embedded ? null : h('p', { class: 'chart-note', dataset: { gate: 'shift-max', gateNote: 'Answer the step 2 prediction first' } },
      h('span', null, 'Skip step 2 and see what breaks: ', skipLink));
    const chart = barChart({
      caption: 'Probabilities',
      focusable: true,
      columns: [
        { key: 'token', header: 'Token' },
        { key: 'logit', header: 'Logit z', numeric: true, format: (v) => formatDigits(v, 6) },
        { key: 'p', header: 'Probability', numeric: true },
      ],
    });
    const result = h('div', { dataset: { gate: 'top-share', gateNote: 'Answer the first prediction to see this' } }, chart.nodes);
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('Your numbers'),
        h('div', { class: 'control-row' }, temperature.node, focus.node), examples, fields.node),
      h('section', { class: 'panel' }, ctx.heading('The formula'), general),
      ctx.question('top-share'),
      ctx.question('amplify'),
      h('section', { class: 'panel' }, ctx.heading('The formula with your numbers'), liveBlock),
      ctx.question('shift-max'),
      h('section', { class: 'panel' }, ctx.heading('The five steps'), worked, amplify.node, skip),
      h('section', { class: 'panel' }, ctx.heading('The result'), result));

    // The five steps: built once per number of tokens, then only their texts change.
    let stepParts = null;
    const buildSteps = (C) => {
      const list = () => Array.from({ length: C }, (_, k) => h('span', { dataset: { token: String(k) } }));
      const lead = () => h('span');
      const withList = (head, spans, tail) => h('li', null, head, '[', spans.flatMap((x, k) => (k ? [', ', x] : [x])), ']', tail);
      stepParts = { heads: [lead(), lead(), null, lead(), null], lists: [list(), list(), list(), list()] };
      steps.replaceChildren(
        withList(stepParts.heads[0], stepParts.lists[0]),
        withList(stepParts.heads[1], stepParts.lists[1]),
        withList('Exponentiate: ', stepParts.lists[2], ' (the largest is exactly 1)'),
        h('li', null, stepParts.heads[3]),
        withList('Divide each by Σ: ', stepParts.lists[3]));
    };
    let focusKey = '';

    return {
      node,
      update(state) {
        fields.update(state);
        temperature.update(state);
        const href = `./${toQuery({ ...state, lesson: 'stability' })}`;
        if (skipLink.getAttribute('href') !== href) skipLink.setAttribute('href', href);
        const key = `${state.focus}\u0000${state.labels.join('\u0000')}`;
        if (key !== focusKey) {
          focusKey = key;
          focus.update(state);
        }
        const t = traceOf(lab, state);
        const f = printed(state, t);
        const i = state.focus;
        const unscaled = t.temperature === 1;
        renderLive(state);
        if (stepParts?.lists[0].length !== f.C) buildSteps(f.C);
        setText(stepParts.heads[0], unscaled ? 'Divide by T = 1: nothing changes, ' : `Divide by T = ${f.T}: `);
        setText(stepParts.heads[1], `Find the largest, m = ${f.m}, and subtract it: `);
        setText(stepParts.heads[3], `Add them up: Σ = ${f.sum}`);
        [f.scaled, f.shifted, f.exp, f.p].forEach((text, n) => stepParts.lists[n].forEach((span, k) => {
          if (span.shown !== text(k)) {
            span.textContent = text(k);
            span.shown = text(k);
          }
        }));
        if (body.children.length !== state.logits.length)
          body.replaceChildren(...state.logits.map(() => h('tr', null, h('th', { scope: 'row' }),
            ...[1, 2, 3, 4, 5].map((c) => h('td', { class: ['num', c === 2 && 'col-scaled'] })))));
        tableNode.classList.toggle('unscaled', unscaled);
        setText(headCells[3], unscaled ? 'z − m' : 'z / T − m');
        [...body.children].forEach((tr, k) => {
          tr.classList.toggle('tone-focus', k === i);
          if (tr.dataset.token !== String(k)) tr.dataset.token = String(k);
          const cells = tr.children;
          setText(cells[0], state.labels[k]);
          const values = [state.logits[k], t.scaled[k], t.shifted[k], t.exp[k], t.probabilities[k]];
          // In the table "× 10⁻⁴" may go to a second line of its cell on a phone, rather than be cut off.
          const texts = [f.z(k), f.scaled(k), f.shifted(k), f.exp(k), f.p(k)];
          // What each cell shows, kept beside the row: a cell is written only when its text or value changes.
          const was = tr.shown ?? { texts: [], values: [] };
          values.forEach((v, c) => {
            if (was.texts[c] !== texts[c]) setText(cells[c + 1], texts[c].replace('\u00d7\u00a0', '\u00d7 '));
            if (!Object.is(was.values[c], v)) cells[c + 1].dataset.value = String(v);
          });
          tr.shown = { texts, values };
        });
        const flushedExp = [...t.exp.keys()].some((k) => !f.masked(k) && t.exp[k] < FLOAT32_MIN_NORMAL);
        note.hidden = !(flushedExp || f.flushed);
        setText(note, `${UNDERFLOW_TEXT}: too small for float32, whose smallest normal number is 1.18 × 10⁻³⁸; the module’s exp gives 0 there, and the real value is e to the power z/T − m.`);
        const two = topTwo(t);
        if (two) {
          amplify.update({
            gap: { text: `${f.gap(two.a, two.b)} (${state.labels[two.a]} over ${state.labels[two.b]})` },
            ratio: { text: `${f.ratio(two.a, two.b, t.exp[two.a], t.exp[two.b])} ×` },
          });
        } else {
          amplify.update({ gap: { text: 'only one token can be drawn' }, ratio: { text: '—' } });
        }
        const total = t.probabilities.reduce((a, b) => a + b, 0);
        amplify.update({ total: { text: formatDigits(total, 6, { exact: total === 1 && f.sum === '1' }), value: total } });
        chart.update(state.labels.map((label, k) => ({
          label,
          value: t.probabilities[k],
          valueText: f.share(k),
          tone: k === i ? 'focus' : undefined,
          cells: { token: label, logit: state.logits[k], p: f.share(k) },
        })), { max: 1 });
        const top = argmax(t.probabilities);
        const open = ctx.isOpen('top-share') && ctx.isOpen('amplify');
        ctx.announce(open
          ? `Sum of exponentials ${f.sum}. ${state.labels[i]}: ${f.share(i)}. Top: ${state.labels[top]} ${f.share(top)}.`
          : `Softmax recomputed for ${f.C} tokens at T = ${f.T}. Answer the predictions to see the results.`);
      },
      destroy() {
        narrow?.removeEventListener('change', onNarrow);
      },
    };
  },
};
