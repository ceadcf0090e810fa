// Lesson 1: logits are raw preferences, not probabilities.
import { formatCount, formatDigits, formatNumber, formatProbability, formatRatio, formatShare } from '../ui/format.js';
import { LIMITS } from '../model/state.js';
import { barChart } from '../ui/chart.js';
import { button, readouts, vocabularyFields } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { logitsEditor } from '../ui/editor.js';
import { logitsScale } from '../ui/logits-scale.js';
import { ARTICLE_EXAMPLE, CLOSE_CALL, maxAbsDifference } from './shared.js';

const MINUS = '\u2212';
const quote = (label) => `“${label}”`;
const logitText = (z) => (z === -Infinity ? `${MINUS}\u221e` : formatDigits(z, 6));

// “dog” (−3.2), “fish” (−0.8) and 2 more
function named(state, indices, most = 3) {
  const items = indices.slice(0, most).map((k) => `${quote(state.labels[k])} (${logitText(state.logits[k])})`);
  const rest = indices.length - items.length;
  if (rest > 0) return `${items.join(', ')} and ${rest} more`;
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items[0];
}

// The shift the first question asks about: +5, or −5 when +5 would carry a logit past the page's ±10⁴.
function shiftBy(state) {
  const finite = state.logits.filter(Number.isFinite);
  return Math.max(...finite) + 5 > LIMITS.logit ? -5 : 5;
}

// The pair the second question compares: the largest logit, if positive, and the largest positive logit below it.
function ratioPair(state) {
  const z = state.logits;
  let a = -1;
  for (let k = 0; k < z.length; ++k) if (z[k] > 0 && (a < 0 || z[k] > z[a])) a = k;
  if (a < 0) return null;
  let b = -1;
  for (let k = 0; k < z.length; ++k) if (z[k] > 0 && z[k] < z[a] && (b < 0 || z[k] > z[b])) b = k;
  if (b < 0) return null;
  const times = z[a] / z[b];
  return { a, b, times, timesText: formatDigits(times, 4) };
}

const masked = (state, k) => state.logits[k] === -Infinity;

export default {
  id: 'logits',
  title: 'Logits: raw scores',
  summary: 'A model ends by giving every token a score. The scores rank the tokens, but they are not probabilities yet.',
  intro: [
    'The last layer of a language model is one more matrix multiplication. What comes out is a list with one number per token in the vocabulary — 50,257 numbers for GPT-2. These raw scores are called **logits**.',
    'Nothing constrains a logit. It may be positive, negative or zero, and the logits of a vocabulary add up to whatever they happen to add up to. A larger logit means the model likes that token more, but a negative logit is not a negative chance.',
    'Set the scores yourself: drag a bar, use the arrow keys on it, type a value, or paste a whole list. The checks below say why the numbers are not yet a probability distribution.',
  ],
  notes: [
    'Logits are unbounded scores, one per token. Only their differences will matter.',
    'To become probabilities they need a function that makes every value positive and the total exactly 1: softmax, next lesson.',
    'That function keeps the order: the largest logit always ends up with the largest probability.',
  ],
  questions: [
    {
      id: 'shift',
      ask: ({ store }) => `You ${shiftBy(store.get()) > 0 ? 'add 5 to' : 'subtract 5 from'} every logit. What happens to the probabilities softmax gives?`,
      choices: ({ store }) => (shiftBy(store.get()) > 0
        ? ['They all go up', 'They stay exactly the same', 'The largest goes up, the others go down']
        : ['They all go down', 'They stay exactly the same', 'The largest goes down, the others go up']),
      answer({ lab, store }) {
        const z = store.get().logits;
        const d = shiftBy(store.get());
        const before = lab.softmax(z);
        const after = lab.softmax(z.map((v) => v + d));
        // float32 rounds z + d: allow a few units in the last place of the largest |z|.
        const scale = Math.max(1, ...z.filter(Number.isFinite).map(Math.abs));
        if (maxAbsDifference(before, after) <= 1e-6 + 1e-6 * scale) return 1;
        return [...before.keys()].every((k) => before[k] === 0 || Math.sign(after[k] - before[k]) === Math.sign(d)) ? 0 : 2;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const d = shiftBy(s);
        const before = lab.softmax(s.logits);
        const after = lab.softmax(s.logits.map((v) => v + d));
        const k = s.logits.findIndex(Number.isFinite);
        return `Softmax only sees the differences between logits, and ${d > 0 ? 'adding' : 'subtracting'} 5 everywhere changes none of them. ${quote(s.labels[k])} has ${formatShare(before[k], { masked: masked(s, k) })} before and ${formatShare(after[k], { masked: masked(s, k) })} after (the largest change over all tokens is ${formatNumber(maxAbsDifference(before, after), 8)}${maxAbsDifference(before, after) === 0 ? '' : ', float32 rounding'}).`;
      },
      tryIt: { text: 'Try it: move every logit by 5', apply: (s) => ({ logits: s.logits.map((v) => v + shiftBy(s)) }) },
    },
    {
      id: 'ratio',
      applies: ({ store }) => ratioPair(store.get()) !== null,
      ask({ store }) {
        const s = store.get();
        const r = ratioPair(s);
        if (!r) return 'Is a token with twice the logit twice as likely?';
        return `${quote(s.labels[r.a])} has logit ${logitText(s.logits[r.a])} and ${quote(s.labels[r.b])} has ${logitText(s.logits[r.b])}: ${r.timesText} times as much. Will softmax make ${quote(s.labels[r.a])} ${r.timesText} times as likely as ${quote(s.labels[r.b])}?`;
      },
      choices({ store }) {
        const r = ratioPair(store.get());
        const k = r ? r.timesText : 'k';
        return [`Yes, exactly ${k} times`, `No: more than ${k} times`, `No: less than ${k} times`];
      },
      answer({ lab, store }) {
        const s = store.get();
        const r = ratioPair(s);
        const p = lab.softmax(s.logits);
        const ratio = p[r.b] > 0 ? p[r.a] / p[r.b] : Infinity;
        if (Math.abs(ratio / r.times - 1) < 1e-6) return 0;
        return ratio > r.times ? 1 : 2;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const r = ratioPair(s);
        const p = lab.softmax(s.logits);
        const gap = formatDigits(s.logits[r.a] - s.logits[r.b], 6);
        // float32: the difference rounds once (and the logits once each when typed), exp adds 2 × 10⁻⁷.
        const rel = 2 ** -23 * (Math.abs(s.logits[r.a]) + Math.abs(s.logits[r.b]) + s.logits[r.a] - s.logits[r.b]) + 4e-7;
        return `Softmax gives ${quote(s.labels[r.a])} ${formatShare(p[r.a])} and ${quote(s.labels[r.b])} ${formatShare(p[r.b])}: ${formatRatio(p[r.a], p[r.b], rel)} times as likely, not ${r.timesText}. What counts is the difference between the logits, ${gap}, and a difference d becomes a factor of e to the power d: e^${gap} here. The ratio of the logits plays no part.`;
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const editor = logitsEditor(store);
    const scale = logitsScale();
    const fields = vocabularyFields(store);
    // The scale sits right under the bars, above the editor's "Add a token".
    editor.node.insertBefore(scale.node, editor.node.lastChild);
    const presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Example vocabularies', dataset: { part: 'controls' } },
      button('The article’s example: 12.4, −3.2, 0.1', () => store.set(ARTICLE_EXAMPLE), { class: 'chip' }),
      button('A close call: 2, 1, 0.1', () => store.set(CLOSE_CALL), { class: 'chip' }));
    const shifts = h('div', { class: 'presets', role: 'group', 'aria-label': 'Move every logit',
      dataset: { part: 'controls', gate: 'shift', gateNote: 'Answer the first prediction to try this' } },
    button('Add 1 to every logit', () => store.set({ logits: store.get().logits.map((v) => v + 1) }), { class: 'chip' }),
    button('Subtract 1 from every logit', () => store.set({ logits: store.get().logits.map((v) => v - 1) }), { class: 'chip' }));
    const checks = readouts([
      { key: 'sum', label: 'Sum of the logits' },
      { key: 'min', label: 'Smallest' },
      { key: 'max', label: 'Largest' },
      { key: 'negative', label: 'Negative entries' },
      { key: 'verdict', label: 'A probability distribution?', wide: true },
    ]);
    const preview = barChart({
      caption: 'Preview of lesson 2: the same logits after softmax',
      focusable: true,
      columns: [
        { key: 'token', header: 'Token' },
        { key: 'logit', header: 'Logit z', numeric: true, format: logitText },
        { key: 'p', header: 'Probability', numeric: true },
        { key: 'rank', header: 'Rank', numeric: true },
      ],
    });
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel' }, ctx.heading('Your vocabulary'), editor.node, presets, fields.node),
      h('section', { class: 'panel' }, ctx.heading('Are these probabilities?'), checks.node),
      h('section', { class: 'panel' }, ctx.heading('Where this is going'),
        ctx.question('shift'), ctx.question('ratio'),
        h('div', { dataset: { gate: 'ratio' } }, preview.nodes), shifts));
    return {
      node,
      update(state) {
        editor.update(state);
        // Each editor row lights its preview bar and table row (and back), as every token view does.
        const rows = editor.node.querySelector('.editor-rows').children;
        if (rows[rows.length - 1]?.dataset.token !== String(rows.length - 1))
          [...rows].forEach((row, k) => { row.dataset.token = String(k); });
        scale.update(state);
        fields.update(state);
        const z = state.logits;
        const finite = z.filter(Number.isFinite);
        const sum = z.reduce((a, b) => a + b, 0);
        const negative = [...z.keys()].filter((k) => z[k] < 0);
        const above = [...z.keys()].filter((k) => z[k] > 1);
        const reasons = [];
        if (negative.length) reasons.push(`${named(state, negative)} ${negative.length === 1 ? 'is' : 'are'} negative`);
        if (above.length) reasons.push(`${named(state, above)} ${above.length === 1 ? 'is' : 'are'} above 1`);
        if (Math.abs(sum - 1) > 1e-9) reasons.push(`they sum to ${formatNumber(sum, 3)}, not 1`);
        checks.update({
          sum: { text: formatNumber(sum, 3), value: sum },
          min: { text: logitText(Math.min(...z)) },
          max: { text: logitText(Math.max(...finite)) },
          negative: { text: `${formatCount(negative.length)} of ${formatCount(z.length)}` },
          verdict: reasons.length
            ? { text: `No: ${reasons.join('; ')}.`, bad: true }
            : { text: 'By coincidence, yes: every entry lies in [0, 1] and they sum to 1.' },
        });
        const p = lab.softmax(z);
        // Ranked by logit: softmax keeps the order, and two probabilities that both underflow to 0 still have one.
        const order = [...p.keys()].sort((a, b) => z[b] - z[a] || a - b);
        const rank = new Map(order.map((i, r) => [i, r + 1]));
        preview.update(state.labels.map((label, k) => {
          const text = formatShare(p[k], { masked: masked(state, k) });
          return { label, value: p[k], valueText: text,
            cells: { token: label, logit: z[k], p: { value: p[k], text }, rank: rank.get(k) } };
        }), { max: 1 });
        const top = order[0];
        const said = `Logits ${state.labels.map((l, k) => `${l} ${logitText(z[k])}`).join(', ')}.`;
        ctx.announce(ctx.isOpen('ratio') ? `${said} Softmax gives ${state.labels[top]} ${formatProbability(p[top])}.` : said);
      },
    };
  },
};
