// Lesson 4: drawing tokens, and the filters (top-k, top-p, min-p) that cut the tail first.
import { createDrawCache, drawSeed, samplingOptions } from '../model/draws.js';
import { formatCount, formatNumber, formatProbability } from '../model/format.js';
import { LIMITS } from '../model/state.js';
import { barChart } from '../ui/chart.js';
import { button, numberField, radioGroup, rangeField, readouts, temperatureControl, vocabularyFields } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { listTokens } from './shared.js';

const COLUMNS = [
  { key: 'token', header: 'Token' },
  { key: 'p', header: 'Probability at T', numeric: true, format: formatProbability },
  { key: 'kept', header: 'Kept by the filters' },
  { key: 'q', header: 'Renormalised', numeric: true, format: formatProbability },
  { key: 'count', header: 'Draws', numeric: true, format: formatCount },
  { key: 'share', header: 'Share of draws', numeric: true, format: formatProbability },
];

function keptSet(lab, state, temperatureLast) {
  return lab.trace(state.logits, { ...samplingOptions(state), temperatureLast });
}

export default {
  id: 'sampling',
  title: 'Sampling',
  summary: 'To write text, a model draws one token at random from its distribution. Top-k, top-p and min-p cut the unlikely tail first.',
  intro: [
    'A model’s output is a distribution, not a word. Generating text means drawing a token at random with those probabilities: a token at 30% turns up about three times in ten draws, and rarely exactly three.',
    'Draws here are reproducible. Draw number i uses the seed s + i, and the logitlab module turns the same seed into the same token on every machine and build. The seed and the number of draws are part of the link, so a shared link shows the same histogram.',
    'Samplers usually trim the tail before drawing. **Top-k** keeps the k most likely tokens. **Top-p** (nucleus) keeps the smallest set of most likely tokens whose probabilities add up to at least p. **Min-p** drops every token below min-p times the top probability. The survivors are renormalised to sum to 1.',
    'Order matters. Most libraries divide by T and then filter; llama.cpp filters first and applies T last. Top-p and min-p look at probabilities, which depend on T, so the two orders can keep different tokens.',
  ],
  notes: [
    'With enough draws the histogram settles on the renormalised probabilities — but a few draws can look very different.',
    'Top-k cuts by count, top-p by cumulative probability, min-p relative to the leader; all three renormalise what they keep.',
    'A fixed seed makes sampling reproducible; in the logitlab module the same seed gives the same token everywhere.',
  ],
  questions: [
    {
      id: 'topk',
      ask: 'With top-k = 2, how many different tokens can show up in 10,000 draws?',
      choices: ['At most 2', 'All of them, the rare ones rarely', 'It depends on the seed'],
      answer({ lab, store }) {
        const s = store.get();
        const seen = new Set();
        for (let i = 0; i < 10000; ++i) seen.add(lab.sample(s.logits, { temperature: s.temperature, topK: Math.min(2, s.logits.length), seed: drawSeed(s.seed, i) }));
        return seen.size <= 2 ? 0 : 1;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const t = lab.trace(s.logits, { temperature: s.temperature, topK: Math.min(2, s.logits.length) });
        return `Top-k = 2 keeps ${listTokens(Array.from(t.kept, (i) => s.labels[i]))}; every other token has probability exactly 0 after the filter, whatever the seed.`;
      },
      tryIt: { text: 'Set top-k = 2 and draw 10,000', apply: (s) => ({ topK: Math.min(2, s.logits.length), topP: 1, minP: 0, draws: 10000 }) },
    },
    {
      id: 'topp-temperature',
      ask: 'Top-p = 0.9, temperature first. You lower T from 1 to 0.5. Does the kept set grow or shrink?',
      choices: ['It grows', 'It shrinks or stays the same', 'T does not affect top-p'],
      answer({ lab, store }) {
        const z = store.get().logits;
        const a = lab.trace(z, { temperature: 1, topP: 0.9 }).kept.length;
        const b = lab.trace(z, { temperature: 0.5, topP: 0.9 }).kept.length;
        return b > a ? 0 : 1;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const a = lab.trace(s.logits, { temperature: 1, topP: 0.9 }).kept;
        const b = lab.trace(s.logits, { temperature: 0.5, topP: 0.9 }).kept;
        return `At T = 1 the nucleus holds ${a.length} token${a.length === 1 ? '' : 's'} (${listTokens(Array.from(a, (i) => s.labels[i]))}); at T = 0.5 it holds ${b.length}. A lower T piles probability onto the leaders, so fewer tokens reach 90%.`;
      },
      tryIt: { text: 'Top-p = 0.9 at T = 0.5', apply: () => ({ topP: 0.9, topK: 0, minP: 0, temperature: 0.5, temperatureLast: false }) },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const histogram = createDrawCache();
    const control = temperatureControl(store, { presets: false });
    const fields = vocabularyFields(store);
    const topK = numberField({ label: 'Top-k (0 = off)', min: 0, max: LIMITS.tokens, step: 1, get: (s) => s.topK,
      set: (k) => store.set({ topK: Math.min(Math.round(k), store.get().logits.length) }), describe: 'Top-k' });
    const topP = rangeField({ label: 'Top-p (1 = off)', min: 0.01, max: 1, step: 0.01, get: (s) => s.topP,
      set: (p) => store.set({ topP: p }), valueText: (p) => `p = ${formatNumber(p, 2)}` });
    const minP = rangeField({ label: 'Min-p (0 = off)', min: 0, max: 1, step: 0.01, get: (s) => s.minP,
      set: (p) => store.set({ minP: p }), valueText: (p) => `min-p = ${formatNumber(p, 2)}` });
    const order = radioGroup({ legend: 'When is T applied?', name: 'order',
      choices: [[false, 'Temperature first, then filters (most libraries)'], [true, 'Filters first, temperature last (llama.cpp)']],
      get: (s) => s.temperatureLast, set: (v) => store.set({ temperatureLast: v }) });
    const seed = numberField({ label: 'Seed', min: 0, max: 2 ** 32 - 1, step: 1, get: (s) => s.seed,
      set: (v) => store.set({ seed: Math.round(v) }), describe: 'The seed' });
    const add = (n) => () => store.set({ draws: Math.min(LIMITS.draws, store.get().draws + n) });
    const drawButtons = h('div', { class: 'presets', role: 'group', 'aria-label': 'Draw tokens' },
      button('Draw 1', add(1), { dataset: { draw: '1' } }),
      button('Draw 100', add(100), { dataset: { draw: '100' } }),
      button('Draw 10,000', add(10000), { dataset: { draw: '10000' } }),
      button('Clear the draws', () => store.set({ draws: 0 }), { class: 'button secondary' }));
    const status = readouts([
      { key: 'draws', label: 'Draws so far' },
      { key: 'last', label: 'Last token drawn' },
      { key: 'first', label: 'Temperature first keeps', wide: true },
      { key: 'lastOrder', label: 'Temperature last keeps', wide: true },
    ]);
    const chart = barChart({
      caption: 'Draws against probabilities',
      columns: COLUMNS,
      legend: [['key-bar', 'share of the draws'], ['key-marker', 'renormalised probability']],
    });
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('The distribution and its filters'),
        control.node, h('div', { class: 'control-row' }, topK.node, topP.node, minP.node), order.node),
      h('section', { class: 'panel' }, ctx.heading('Draw'), h('div', { class: 'control-row' }, seed.node), drawButtons,
        status.node, chart.nodes),
      h('section', { class: 'panel' }, fields.node));

    return {
      node,
      update(state) {
        control.update(state);
        fields.update(state);
        topK.update(state);
        topP.update(state);
        minP.update(state);
        order.update(state);
        seed.update(state);
        topK.input.max = String(state.logits.length);
        const p = lab.softmax(state.logits, { temperature: state.temperature });
        const first = keptSet(lab, state, false);
        const last = keptSet(lab, state, true);
        const current = state.temperatureLast ? last : first;
        const kept = new Set(current.kept);
        const { counts, draws, last: lastToken } = histogram(lab, state);
        const names = (t) => `${listTokens(Array.from(t.kept, (i) => state.labels[i]))} (${t.kept.length})`;
        status.update({
          draws: { text: formatCount(draws), value: draws },
          last: { text: lastToken >= 0 ? `${state.labels[lastToken]} (seed ${drawSeed(state.seed, draws - 1)})` : '—' },
          first: { text: names(first) },
          lastOrder: { text: names(last) },
        });
        const rows = state.labels.map((label, i) => {
          const share = draws ? counts[i] / draws : 0;
          const q = current.keptProbabilities[i];
          return {
            label,
            value: share,
            marker: q,
            valueText: kept.has(i) ? (draws ? `${formatProbability(share)} (${formatCount(counts[i])})` : formatProbability(q)) : 'dropped',
            tone: kept.has(i) ? undefined : 'dropped',
            cells: { token: label, p: p[i], kept: kept.has(i) ? 'yes' : 'no', q, count: counts[i], share },
          };
        });
        chart.update(rows, { max: 1, caption: draws
          ? `${formatCount(draws)} draws from seed ${state.seed} against the renormalised probabilities`
          : 'No draws yet: the markers show the renormalised probabilities' });
        if (draws) ctx.announce(`${formatCount(draws)} draws. ${state.labels.map((l, i) => `${l} ${formatCount(counts[i])}`).join(', ')}.`);
        else ctx.announce(`Kept: ${names(current)}.`);
      },
    };
  },
};
