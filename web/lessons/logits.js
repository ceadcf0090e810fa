// Lesson 1: logits are raw preferences, not probabilities.
import { formatCount, formatNumber, formatProbability } from '../model/format.js';
import { barChart } from '../ui/chart.js';
import { button, readouts, vocabularyFields } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { logitsEditor } from '../ui/editor.js';
import { ARTICLE_EXAMPLE, CLOSE_CALL, PROBABILITY_COLUMNS, maxAbsDifference, probabilityRows } from './shared.js';

export default {
  id: 'logits',
  title: 'Logits: raw scores',
  summary: 'A model ends by giving every token a score. The scores rank the tokens, but they are not probabilities yet.',
  intro: [
    'The last layer of a language model is one more matrix multiplication. What comes out is a list with one number per token in the vocabulary — 50,257 numbers for GPT-2. These raw scores are called **logits**.',
    'Nothing constrains a logit. It may be positive, negative or zero, and the logits of a vocabulary add up to whatever they happen to add up to. A larger logit means the model likes that token more, but a logit of 2 is not “twice as likely” as a logit of 1, and a negative logit is not a negative chance.',
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
      ask: 'You add 5 to every logit. What happens to the probabilities softmax gives?',
      choices: ['They all go up', 'They stay exactly the same', 'The largest goes up, the others go down'],
      answer({ lab, store }) {
        const z = store.get().logits;
        const before = lab.softmax(z);
        const after = lab.softmax(z.map((v) => v + 5));
        return maxAbsDifference(before, after) < 1e-6 ? 1 : 0;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const before = lab.softmax(s.logits);
        const after = lab.softmax(s.logits.map((v) => v + 5));
        return `Softmax only sees differences between logits. “${s.labels[0]}” has ${formatProbability(before[0])} before and ${formatProbability(after[0])} after adding 5 (largest change over all tokens: ${formatNumber(maxAbsDifference(before, after), 8)}).`;
      },
      tryIt: { text: 'Add 5 to every logit', apply: (s) => ({ logits: s.logits.map((v) => v + 5) }) },
    },
    {
      id: 'ratio',
      ask: 'Two tokens have logits 1 and 2. Is the second one twice as likely as the first?',
      choices: ['Yes, exactly twice', 'No: more than twice', 'No: less than twice'],
      answer({ lab }) {
        const [a, b] = lab.softmax([1, 2]);
        const ratio = b / a;
        return Math.abs(ratio - 2) < 1e-3 ? 0 : ratio > 2 ? 1 : 2;
      },
      reveal({ lab }) {
        const [a, b] = lab.softmax([1, 2]);
        return `softmax([1, 2]) = [${formatNumber(a, 4)}, ${formatNumber(b, 4)}]: the second is ${formatNumber(b / a, 3)} times as likely — that is e¹, because a difference of 1 between logits becomes a factor of e between probabilities.`;
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const editor = logitsEditor(store);
    const fields = vocabularyFields(store);
    const presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Example vocabularies', dataset: { part: 'controls' } },
      button('The article’s example: 12.4, −3.2, 0.1', () => store.set(ARTICLE_EXAMPLE), { class: 'chip' }),
      button('A close call: 2, 1, 0.1', () => store.set(CLOSE_CALL), { class: 'chip' }),
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
      columns: [...PROBABILITY_COLUMNS, { key: 'rank', header: 'Rank', numeric: true }],
    });
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel' }, ctx.heading('Your vocabulary'), editor.node, presets, fields.node),
      h('section', { class: 'panel' }, ctx.heading('Are these probabilities?'), checks.node),
      h('section', { class: 'panel' }, ctx.heading('Where this is going'), preview.nodes));
    return {
      node,
      update(state) {
        editor.update(state);
        fields.update(state);
        const z = state.logits;
        const finite = z.filter(Number.isFinite);
        const sum = z.reduce((a, b) => a + b, 0);
        const negatives = z.filter((v) => v < 0).length;
        const outside = z.filter((v) => !(v >= 0 && v <= 1)).length;
        const reasons = [];
        if (negatives) reasons.push(`${negatives} ${negatives === 1 ? 'is' : 'are'} negative`);
        if (outside > negatives) reasons.push(`${outside - negatives} ${outside - negatives === 1 ? 'is' : 'are'} above 1`);
        if (Math.abs(sum - 1) > 1e-9) reasons.push(`they sum to ${formatNumber(sum, 3)}, not 1`);
        checks.update({
          sum: { text: formatNumber(sum, 3), value: sum },
          min: { text: formatNumber(Math.min(...z), 3) },
          max: { text: formatNumber(Math.max(...finite), 3) },
          negative: { text: `${formatCount(negatives)} of ${formatCount(z.length)}` },
          verdict: reasons.length
            ? { text: `No: ${reasons.join('; ')}.`, bad: true }
            : { text: 'By coincidence, yes: every entry lies in [0, 1] and they sum to 1.' },
        });
        const p = lab.softmax(z);
        const order = [...p.keys()].sort((a, b) => p[b] - p[a]);
        const rank = new Map(order.map((i, r) => [i, r + 1]));
        preview.update(probabilityRows(state, p, { extra: (i) => ({ rank: rank.get(i) }) }), { max: 1 });
        const top = order[0];
        ctx.announce(`Logits ${state.labels.map((l, i) => `${l} ${formatNumber(z[i], 2)}`).join(', ')}. Softmax gives ${state.labels[top]} ${formatProbability(p[top])}.`);
      },
    };
  },
};
