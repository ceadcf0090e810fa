// Lesson 2: softmax, one step at a time, on the learner's own numbers (every intermediate from lab.trace).
import { formatCount, formatDecimal, formatNumber, formatProbability, formatScientific } from '../model/format.js';
import { barChart } from '../ui/chart.js';
import { button, numberField, readouts, tokenSelect, vocabularyFields } from '../ui/controls.js';
import { h, setText, scrollBox, formulaBox } from '../ui/dom.js';
import { exp, formula, frac, m, mi, mn, mo, num, row, sub, underover, varSub } from '../ui/math.js';
import { ARTICLE_EXAMPLE, CLOSE_CALL, PROBABILITY_COLUMNS, argmax, maxAbsDifference, probabilityRows } from './shared.js';

const SHOWN_TERMS = 3;  // terms of the sum written out in the substituted formula

function generalFormula() {
  const zT = (i) => row(frac(varSub('z', mi(i)), mi('T')), mo('\u2212'), mi('m'));
  return formula('p sub i equals exp of z sub i over T minus m, divided by the sum over j of exp of z sub j over T minus m, where m is the largest z over T',
    sub(mi('p'), mi('i')), mo('='),
    frac(exp(zT('i')), row(underover(mo('\u2211'), row(mi('j'), mo('='), mn('1')), mi('C')), exp(zT('j')))),
    mo(',', { separator: 'true' }), m('mspace', { width: '1em' }),
    mi('m'), mo('='), row(m('munder', null, mi('max'), mi('j')), mo('\u2061'), frac(varSub('z', mi('j')), mi('T'))));
}

// Two lines for the followed token: the formula with its values, then the arithmetic.
function substituted(state, t, i) {
  const label = state.labels[i];
  const T = num(formatNumber(t.temperature, 3));
  const term = (k) => exp(row(frac(num(formatNumber(t.logits[k], 3)), T), mo('\u2212'), num(formatNumber(t.max, 3))));
  const shown = Math.min(SHOWN_TERMS, t.logits.length);
  const terms = [];
  const values = [];
  for (let k = 0; k < shown; ++k) {
    if (k) {
      terms.push(mo('+'));
      values.push(mo('+'));
    }
    terms.push(term(k));
    values.push(num(formatDecimal(t.exp[k], 3)));
  }
  if (t.logits.length > shown) {
    terms.push(mo('+'), mo('\u22ef'));
    values.push(mo('+'), mo('\u22ef'));
  }
  return [
    formula(`p of ${label} equals exp of its scaled, shifted logit over the sum of all of them`,
      varSub('p', label), mo('='), frac(term(i), row(...terms))),
    formula(`which is ${formatDecimal(t.exp[i])} divided by ${formatDecimal(t.sum)}, equals ${formatDecimal(t.probabilities[i])}`,
      mo('='), frac(num(formatDecimal(t.exp[i], 3)), row(...values)),
      mo('='), frac(num(formatDecimal(t.exp[i], 4)), num(formatDecimal(t.sum, 4))),
      mo('='), num(formatDecimal(t.probabilities[i], 4))),
  ];
}

export default {
  id: 'softmax',
  title: 'Softmax, step by step',
  summary: 'Five small steps turn any list of logits into probabilities: divide by T, subtract the largest, exponentiate, add up, divide.',
  intro: [
    'A probability distribution asks for two things: no negative entries, and a total of exactly 1. Softmax gets the first from the exponential function — e raised to any power is positive — and the second by dividing every exponential by their sum.',
    'Libraries add two steps around that core. Dividing by a **temperature** T first lets you sharpen or flatten the result (lesson 3; T = 1 leaves the logits alone). Subtracting the largest value m before exponentiating does not change the answer, because the factor e⁻ᵐ appears above and below the fraction line and cancels, but it keeps the numbers small enough for a computer (lesson 5).',
    'The table runs your logits through each step. Every number comes from the logitlab module’s `trace`, which returns the intermediates of the very computation behind `softmax`.',
  ],
  notes: [
    'Softmax makes every value positive and the total 1, and it keeps the order of the logits.',
    'Exponentials turn a *difference* between logits into a *ratio* between probabilities: a gap of d becomes a factor of eᵈ. A gap of 12.3 is a factor of about 220,000.',
    'That is why it is a “soft” max: the top token dominates, yet every token keeps a little probability, and the function stays smooth enough to train through.',
  ],
  questions: [
    {
      id: 'amplify',
      ask: 'Logits: cat 12.4, dog −3.2, apple 0.1. Cat’s logit is 124 times apple’s. What probability does softmax give cat?',
      choices: ['About 55%', 'About 99%', 'More than 99.99%'],
      answer({ lab }) {
        const p = lab.softmax(ARTICLE_EXAMPLE.logits)[0];
        return p > 0.9999 ? 2 : p > 0.95 ? 1 : 0;
      },
      reveal({ lab }) {
        const t = lab.trace(ARTICLE_EXAMPLE.logits);
        const [cat, dog, apple] = t.probabilities;
        return `softmax gives cat ${formatDecimal(cat, 6)}, dog ${formatDecimal(dog, 2)} and apple ${formatDecimal(apple, 2)}. The gap of 12.3 between cat and apple becomes a factor of ${formatNumber(t.exp[0] / t.exp[2], 0)} (that is e to the 12.3).`;
      },
      tryIt: { text: 'Load cat 12.4, dog −3.2, apple 0.1', apply: () => ({ ...ARTICLE_EXAMPLE, temperature: 1 }) },
    },
    {
      id: 'shift-max',
      ask: 'Step 2 subtracts the largest value from every logit. Does that change the probabilities?',
      choices: ['Yes, a little', 'No (up to rounding)', 'Only the largest token’s'],
      answer({ lab, store }) {
        const z = store.get().logits;
        const top = Math.max(...z);
        return maxAbsDifference(lab.softmax(z), lab.softmax(z.map((v) => v - top))) < 1e-6 ? 1 : 0;
      },
      reveal({ lab, store }) {
        const z = store.get().logits;
        const top = Math.max(...z);
        const d = maxAbsDifference(lab.softmax(z), lab.softmax(z.map((v) => v - top)));
        return `No. exp(z − m) = exp(z) · e⁻ᵐ: the same factor multiplies the top and the bottom of the fraction. On your logits the largest difference between softmax(z) and softmax(z − ${formatNumber(top, 3)}) is ${formatNumber(d, 9)}.`;
      },
    },
  ],
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
    const live = formulaBox({ class: 'formula formula-live', dataset: { part: 'formula' } });
    const steps = h('ol', { class: 'steps' });
    const head = ['Token', 'z', 'z / T', 'z / T − m', 'exp(·)', 'p = exp / Σ'];
    const body = h('tbody');
    const caption = h('caption', null, 'Softmax step by step');
    const table = scrollBox('Softmax step by step', h('table', { class: 'numbers steps-table' }, caption,
      h('thead', null, h('tr', null, head.map((t, k) => h('th', { scope: 'col', class: k ? 'num' : '' }, t)))), body));
    const amplify = readouts([
      { key: 'gap', label: 'Gap between the top two logits (after ÷ T)' },
      { key: 'ratio', label: 'Ratio of their probabilities' },
      { key: 'total', label: 'Sum of the probabilities' },
    ]);
    const chart = barChart({ caption: 'Probabilities', columns: PROBABILITY_COLUMNS });
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('Your numbers'),
        h('div', { class: 'control-row' }, temperature.node, focus.node), examples, fields.node),
      h('section', { class: 'panel' }, ctx.heading('The formula'), general, live),
      h('section', { class: 'panel' }, ctx.heading('The five steps'), steps, table, amplify.node),
      h('section', { class: 'panel' }, ctx.heading('The result'), chart.nodes));

    return {
      node,
      update(state) {
        fields.update(state);
        temperature.update(state);
        focus.update(state);
        const t = lab.trace(state.logits, { temperature: state.temperature });
        const i = state.focus;
        live.replaceChildren(...substituted(state, t, i));
        const list = (a) => `[${Array.from(a, (v) => formatDecimal(v, 3)).join(', ')}]`;
        const items = [
          `Divide by T = ${formatNumber(t.temperature, 3)}: ${list(t.scaled)}`,
          `Find the largest, m = ${formatNumber(t.max, 3)}, and subtract it: ${list(t.shifted)}`,
          `Exponentiate: ${list(t.exp)} (the largest is exactly 1)`,
          `Add them up: Σ = ${formatDecimal(t.sum, 5)}`,
          `Divide each by Σ: ${list(t.probabilities)}`,
        ];
        steps.replaceChildren(...items.map((text) => h('li', null, text)));
        if (body.children.length !== state.logits.length)
          body.replaceChildren(...state.logits.map(() => h('tr', null, h('th', { scope: 'row' }), ...[1, 2, 3, 4, 5].map(() => h('td', { class: 'num' })))));
        [...body.children].forEach((tr, k) => {
          tr.classList.toggle('tone-focus', k === i);
          const cells = tr.children;
          setText(cells[0], state.labels[k]);
          const values = [t.logits[k], t.scaled[k], t.shifted[k], t.exp[k], t.probabilities[k]];
          values.forEach((v, c) => {
            setText(cells[c + 1], formatDecimal(v, 4));
            cells[c + 1].dataset.value = String(v);
          });
        });
        const order = [...t.scaled.keys()].sort((a, b) => t.scaled[b] - t.scaled[a]);
        if (order.length > 1) {
          const [a, b] = order;
          const ratio = t.exp[a] / t.exp[b];
          amplify.update({
            gap: { text: `${state.labels[a]} − ${state.labels[b]} = ${formatNumber(t.scaled[a] - t.scaled[b], 3)}` },
            ratio: { text: `${!Number.isFinite(ratio) ? 'Infinity' : ratio < 100 ? formatNumber(ratio, 2) : ratio < 1e9 ? formatCount(Math.round(ratio)) : formatScientific(ratio, 3)} ×` },
          });
        } else {
          amplify.update({ gap: { text: 'only one token' }, ratio: { text: '—' } });
        }
        const total = t.probabilities.reduce((a, b) => a + b, 0);
        amplify.update({ total: { text: formatDecimal(total, 7), value: total } });
        chart.update(probabilityRows(state, t.probabilities, { tone: (k) => (k === i ? 'focus' : undefined) }), { max: 1 });
        const top = argmax(t.probabilities);
        ctx.announce(`Sum of exponentials ${formatDecimal(t.sum, 4)}. ${state.labels[i]}: ${formatProbability(t.probabilities[i])}. Top: ${state.labels[top]} ${formatProbability(t.probabilities[top])}.`);
      },
    };
  },
};
