// Lesson 3: temperature reshapes the distribution; entropy and perplexity measure how spread out it is.
import { formatNumber, formatProbability } from '../model/format.js';
import { barChart } from '../ui/chart.js';
import { readouts, temperatureControl, vocabularyFields } from '../ui/controls.js';
import { h, formulaBox } from '../ui/dom.js';
import { exp, formula, frac, log, m, mi, mn, mo, mtext, row, sub, sup, underover, varSub } from '../ui/math.js';
import { argmax, probabilityRows } from './shared.js';

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

const COLUMNS = [
  { key: 'token', header: 'Token' },
  { key: 'logit', header: 'Logit z', numeric: true, format: (v) => formatNumber(v, 3) },
  { key: 'scaled', header: 'z / T', numeric: true, format: (v) => formatNumber(v, 3) },
  { key: 'p', header: 'Probability', numeric: true, format: formatProbability },
];

export default {
  id: 'temperature',
  title: 'Temperature',
  summary: 'Dividing the logits by T before softmax makes the distribution sharper (T < 1) or flatter (T > 1).',
  intro: [
    'The temperature setting of a language-model API is one division: every logit is divided by T before softmax. A small T stretches the gaps between logits, and the exponential then exaggerates them even more. A large T squeezes every gap towards zero.',
    'The slider is logarithmic, from 0.01 to 100, and it never breaks. At the cold end softmax turns into argmax: the top token takes everything, and tokens tied for the top share it equally. At the hot end every token approaches 1/C, the dashed line.',
    '**Entropy** measures how spread out a distribution is: 0 nats when one token is certain, ln C when all C tokens are equally likely. **Perplexity**, e raised to the entropy, reads as “the model hesitates between this many tokens”.',
  ],
  notes: [
    'T < 1 sharpens, T > 1 flattens; T → 0 gives argmax (ties shared), T → ∞ gives the uniform distribution.',
    'Temperature never changes the order of the tokens, only how far apart their probabilities are.',
    'Entropy runs from 0 to ln C nats (divide by ln 2 for bits); perplexity from 1 to C.',
  ],
  questions: [
    {
      id: 'double',
      ask: 'What happens to the most likely token’s probability if you double T?',
      choices: ['It rises', 'It falls', 'It stays the same'],
      answer({ lab, store }) {
        const s = store.get();
        const top = argmax(s.logits);
        const a = lab.softmax(s.logits, { temperature: s.temperature })[top];
        const b = lab.softmax(s.logits, { temperature: Math.min(100, 2 * s.temperature) })[top];
        return Math.abs(a - b) < 1e-7 ? 2 : b > a ? 0 : 1;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const top = argmax(s.logits);
        const T2 = Math.min(100, 2 * s.temperature);
        const a = lab.softmax(s.logits, { temperature: s.temperature })[top];
        const b = lab.softmax(s.logits, { temperature: T2 })[top];
        return `At T = ${formatNumber(s.temperature, 3)}, “${s.labels[top]}” has ${formatProbability(a)}; at T = ${formatNumber(T2, 3)} it has ${formatProbability(b)}. Doubling T halves every gap between the scaled logits, so the leader’s advantage shrinks (unless it already had everything or there is nothing to share).`;
      },
      tryIt: { text: 'Double T', apply: (s) => ({ temperature: Math.min(100, 2 * s.temperature) }) },
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
        return `softmax([2, 2, 1] / 0.01) = [${Array.from(p, (v) => formatNumber(v, 6)).join(', ')}]. Dividing by 0.01 makes the gap to the third token 100, so it vanishes; the tied pair stays tied.`;
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
    const control = temperatureControl(store);
    const fields = vocabularyFields(store);
    const chart = barChart({
      caption: 'Probabilities',
      columns: COLUMNS,
      legend: [['key-bar', 'probability'], ['key-reference', 'uniform 1/C']],
    });
    const values = readouts([
      { key: 'entropy', label: 'Entropy' },
      { key: 'bits', label: 'Entropy in bits' },
      { key: 'perplexity', label: 'Perplexity' },
      { key: 'maximum', label: 'Largest possible entropy (ln C)' },
      { key: 'top', label: 'Most likely token' },
    ]);
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel' }, ctx.heading('Turn the dial'), control.node, fields.node),
      h('section', { class: 'panel' }, chart.nodes, values.node),
      h('section', { class: 'panel', dataset: { part: 'formula' } }, ctx.heading('The formulas'),
        formulas().map((f) => formulaBox(null, f))));
    return {
      node,
      update(state) {
        control.update(state);
        fields.update(state);
        const T = state.temperature;
        // One call gives the probabilities, the scaled logits and the entropy.
        const { probabilities: p, scaled, entropy: H } = lab.trace(state.logits, { temperature: T });
        const C = state.logits.length;
        chart.update(probabilityRows(state, p, { extra: (i) => ({ scaled: scaled[i] }) }),
          { max: 1, reference: 1 / C, caption: `Probabilities at T = ${formatNumber(T, 3)} (dashed line: uniform, 1/${C})` });
        // The entropy of C equal logits, from the module: ln C.
        const Hmax = lab.entropy(new Float32Array(C));
        const top = argmax(p);
        values.update({
          entropy: { text: `${formatNumber(H, 3)} nats`, value: H },
          bits: { text: `${formatNumber(H / Math.LN2, 3)} bits` },
          perplexity: { text: formatNumber(Math.exp(H), 2), value: Math.exp(H) },
          maximum: { text: `${formatNumber(Hmax, 3)} nats` },
          top: { text: `${state.labels[top]}, ${formatProbability(p[top])}` },
        });
        const order = [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 3);
        ctx.announce(`T ${formatNumber(T, 3)}: ${order.map((i) => `${state.labels[i]} ${formatProbability(p[i])}`).join(', ')}. Entropy ${formatNumber(H, 2)} nats.`);
      },
    };
  },
};
