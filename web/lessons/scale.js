// Lesson 8: a GPT-2-sized vocabulary. Full softmax over 50,257 tokens, the top tokens, the mass a top-50 view hides,
// and a live timing of the SIMD build, the scalar build and a deliberately plain JavaScript loop.
import { formatCount, formatDecimal, formatDuration, formatNumber, formatProbability } from '../model/format.js';
import { plainSoftmax } from '../model/naive.js';
import { makeVocabulary } from '../model/vocabulary.js';
import { barChart } from '../ui/chart.js';
import { button, readouts, temperatureControl } from '../ui/controls.js';
import { lineChart } from '../ui/curve.js';
import { h, perFrame, scrollBox } from '../ui/dom.js';
import { maxAbsDifference } from './shared.js';

const TOP = 10;
const VIEW = 50;
const RANKS = [1, 2, 5, 10, 20, 50, 100, 500, 1000, 5000, 10000, 50257];

// The vocabulary (50,257 seeded draws) is built once and shared by the view and the questions: it never changes.
let vocabularyOnce = null;
const sharedVocabulary = () => (vocabularyOnce ??= makeVocabulary());

// The probability the VIEW most likely tokens hold at T = 1.
function topMass(lab) {
  const { logits } = sharedVocabulary();
  const p = lab.softmax(logits);
  return Array.from(lab.topK(logits, VIEW).indices).reduce((a, i) => a + p[i], 0);
}

// How many tokens the top-p = 0.9 nucleus keeps at temperature T.
const nucleusSize = (lab, T) => lab.trace(sharedVocabulary().logits, { temperature: T, topP: 0.9 }).kept.length;

// Runs fn repeatedly for about `budget` ms in a few batches; returns the fastest time per call (ms).
async function timeIt(fn, budget = 60) {
  for (let i = 0; i < 3; ++i) fn();
  let best = Infinity;
  for (let batch = 0; batch < 3; ++batch) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budget / 3 || calls < 3) {
      fn();
      calls += 1;
      now = performance.now();
    }
    best = Math.min(best, (now - start) / calls);
  }
  return best;
}

export default {
  id: 'scale',
  title: 'At the scale of a real vocabulary',
  summary: 'GPT-2 scores 50,257 tokens for every token it writes. The full softmax still takes well under a millisecond.',
  intro: [
    'So far the vocabulary had a handful of tokens. A real model scores all of its vocabulary at every step: 50,257 tokens for GPT-2, 128,256 for Llama 3. Below is a made-up vocabulary of GPT-2’s size whose logits look like a model’s after “The cat sat on the”: a few dozen plausible words stand out above a wide crowd of everything else.',
    'Interfaces usually show only the top few tokens. Each token in the long tail below them is negligible, but together they are not: the readouts show how much probability a top-50 view leaves out, and how many tokens a top-p nucleus needs. Raise T and watch the tail swell.',
    'The timing runs the same softmax three ways in this browser: the logitlab module’s WebAssembly SIMD build, its scalar build, and a plain JavaScript loop written only for comparison.',
  ],
  notes: [
    'A full softmax over 50,257 tokens is cheap; the cost of a language model lies in computing the logits, not in normalising them.',
    'What a top-50 view hides can be a real share of the probability, and it grows quickly with T.',
    'Top-p adapts to the shape of the distribution: a handful of tokens when the model is sure, thousands when it is not.',
  ],
  questions: [
    {
      id: 'top50',
      ask: 'At T = 1, what share of the probability do the 50 most likely of the 50,257 tokens hold?',
      choices: ['Essentially all of it (over 99.9%)', 'Most of it, but a visible slice is missing', 'Less than half'],
      answer({ lab }) {
        const mass = topMass(lab);
        return mass > 0.999 ? 0 : mass >= 0.5 ? 1 : 2;
      },
      reveal({ lab }) {
        const mass = topMass(lab);
        return `The top 50 hold ${formatProbability(mass)}; the other 50,207 tokens share ${formatProbability(1 - mass)}, none of them more than a sliver.`;
      },
    },
    {
      id: 'nucleus',
      ask: 'Raise T from 1 to 1.5. How many tokens does the top-p = 0.9 nucleus need then?',
      choices: ['About as many as at T = 1', 'About ten times as many', 'Thousands'],
      answer({ lab }) {
        const a = nucleusSize(lab, 1), b = nucleusSize(lab, 1.5);
        return b >= 1000 ? 2 : b >= 5 * a ? 1 : 0;
      },
      reveal({ lab }) {
        const a = nucleusSize(lab, 1), b = nucleusSize(lab, 1.5);
        return `${formatCount(a)} tokens at T = 1, ${formatCount(b)} at T = 1.5. Flattening lifts the whole crowd at once, and there are 50,000 of them.`;
      },
      tryIt: { text: 'Set T = 1.5', apply: () => ({ temperature: 1.5 }) },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const vocabulary = sharedVocabulary();
    const best = lab.topK(vocabulary.logits, VIEW).indices;  // the order of the logits, whatever T
    const control = temperatureControl(store, { presets: false });
    const top = barChart({
      caption: 'The most likely next tokens',
      columns: [{ key: 'token', header: 'Token' }, { key: 'id', header: 'Id', numeric: true },
        { key: 'logit', header: 'Logit', numeric: true, format: (v) => formatNumber(v, 2) },
        { key: 'p', header: 'Probability', numeric: true, format: formatProbability }],
    });
    const values = readouts([
      { key: 'top50', label: 'Probability in the top 50' },
      { key: 'tail', label: 'Hidden in the other 50,207' },
      { key: 'p90', label: 'Tokens for top-p = 0.9' },
      { key: 'p95', label: 'Tokens for top-p = 0.95' },
      { key: 'entropy', label: 'Entropy, perplexity' },
      { key: 'time', label: 'This softmax took' },
    ]);
    const plot = lineChart({
      label: 'Probability by rank, log scales',
      x: { min: 1, max: 50257, log: true, ticks: [1, 10, 100, 1000, 10000], label: 'rank', format: (v) => formatCount(v) },
      y: { min: 1e-9, max: 1, log: true, ticks: [1e-9, 1e-6, 1e-3, 1], label: 'probability', format: (v) => (v === 1 ? '1' : `1e${Math.round(Math.log10(v))}`) },
    });
    const rankBody = h('tbody');
    const rankTable = h('details', { class: 'table-alt', dataset: { part: 'table' } }, h('summary', null, 'Show probability by rank as a table'),
      scrollBox('Probability by rank', h('table', { class: 'numbers' }, h('caption', { class: 'visually-hidden' }, 'Probability by rank'),
        h('thead', null, h('tr', null, ['Rank', 'Probability', 'Total down to this rank'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
        rankBody)));
    const timingBody = h('tbody');
    const timingStatus = h('p', { class: 'timing-status', role: 'status' }, 'Timing starts in a moment…');
    const again = button('Time again', () => runTiming(), { disabled: true });
    const timing = h('section', { class: 'panel timing', dataset: { part: 'readouts' } }, ctx.heading('How fast, in this browser'),
      scrollBox('Timing', h('table', { class: 'numbers' }, h('caption', null, `One softmax over ${formatCount(vocabulary.size)} tokens`),
        h('thead', null, h('tr', null, ['Implementation', 'Per softmax', 'Tokens per µs', 'Max. difference from SIMD']
          .map((t, k) => h('th', { scope: 'col', class: k ? 'num' : '' }, t)))), timingBody)),
      timingStatus, again);
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel' }, h('p', { class: 'context' }, h('span', { class: 'context-label' }, 'Context: '), `“${vocabulary.context} ▁”`),
        control.node),
      h('section', { class: 'panel' }, top.nodes, values.node),
      h('section', { class: 'panel' }, ctx.heading('The long tail'), h('figure', { class: 'chart', dataset: { part: 'chart' } }, plot.svg,
        h('figcaption', { class: 'chart-caption' }, 'Every token’s probability by rank, on log scales. Left of the dashed line: what a top-50 view shows.')), rankTable),
      timing);

    let timingRun = null;
    let destroyed = false;
    async function runTiming() {
      if (timingRun) return timingRun;
      again.disabled = true;
      timingStatus.textContent = 'Timing…';
      timingRun = (async () => {
        const C = vocabulary.size;
        const rows = [];
        const reference = lab.softmax(vocabulary.logits);
        const variants = [];
        for (const simd of [true, false]) {
          try {
            const build = await ctx.loadLab({ simd });
            variants.push({ name: simd ? 'logitlab, SIMD build' : 'logitlab, scalar build', build });
          } catch (error) {
            rows.push([simd ? 'logitlab, SIMD build' : 'logitlab, scalar build', 'not available here', '—', error.message]);
          }
        }
        for (const { name, build } of variants) {
          if (destroyed) return;
          const input = build.alloc(C);
          const output = build.alloc(C);
          try {
            input.array.set(vocabulary.logits);
            const ms = await timeIt(() => build.softmax(input, { out: output }));
            rows.push([name, ms, C / (ms * 1000), maxAbsDifference(output.array, reference)]);
          } finally {
            input.free();
            output.free();
          }
        }
        const out = new Float32Array(C);
        const ms = await timeIt(() => plainSoftmax(vocabulary.logits, out));
        rows.push(['Plain JavaScript (comparison only)', ms, C / (ms * 1000), maxAbsDifference(out, reference)]);
        if (destroyed) return;
        timingBody.replaceChildren(...rows.map(([name, t, rate, d]) => h('tr', null, h('th', { scope: 'row' }, name),
          h('td', { class: 'num', dataset: typeof t === 'number' ? { value: String(t) } : {} }, typeof t === 'number' ? formatDuration(t) : t),
          h('td', { class: 'num' }, typeof rate === 'number' ? formatNumber(rate, 1) : rate),
          h('td', { class: 'num' }, typeof d === 'number' ? formatDecimal(d, 2) : d))));
        const simdRow = rows.find((r) => r[0].includes('SIMD') && typeof r[1] === 'number');
        const jsRow = rows[rows.length - 1];
        timingStatus.textContent = simdRow
          ? `Done. The SIMD build is ${formatNumber(jsRow[1] / simdRow[1], 1)} times as fast as the plain JavaScript loop here.`
          : 'Done.';
        ctx.announce(timingStatus.textContent);
      })();
      try {
        await timingRun;
      } catch (error) {
        timingStatus.textContent = `Timing failed: ${error.message}`;
      } finally {
        timingRun = null;
        again.disabled = false;
      }
      return undefined;
    }
    const timer = setTimeout(runTiming, 300);

    const render = perFrame((state) => {
      control.update(state);
      const T = state.temperature;
      const start = performance.now();
      const p = lab.softmax(vocabulary.logits, { temperature: T });
      const elapsed = performance.now() - start;
      const mass = Array.from(best).reduce((a, i) => a + p[i], 0);
      const n90 = lab.trace(vocabulary.logits, { temperature: T, topP: 0.9 }).kept.length;
      const n95 = lab.trace(vocabulary.logits, { temperature: T, topP: 0.95 }).kept.length;
      const H = lab.entropy(vocabulary.logits, { temperature: T });
      const shown = Array.from(best.subarray(0, TOP));
      top.update(shown.map((i) => ({ label: vocabulary.label(i), value: p[i], valueText: formatProbability(p[i]),
        cells: { token: vocabulary.label(i), id: i, logit: vocabulary.logits[i], p: p[i] } })), {
        max: Math.max(0.05, p[shown[0]]),
        caption: `Top ${TOP} of ${formatCount(vocabulary.size)} tokens at T = ${formatNumber(T, 3)}; the other ${formatCount(vocabulary.size - TOP)} hold ${formatProbability(1 - shown.reduce((a, i) => a + p[i], 0))}`,
      });
      values.update({
        top50: { text: formatProbability(mass), value: mass },
        tail: { text: formatProbability(1 - mass), value: 1 - mass },
        p90: { text: formatCount(n90), value: n90 },
        p95: { text: formatCount(n95), value: n95 },
        entropy: { text: `${formatNumber(H, 2)} nats, ${formatNumber(Math.exp(H), 1)}` },
        time: { text: formatDuration(elapsed) },
      });
      const sorted = Float32Array.from(p).sort().reverse();
      const points = [];
      for (let r = 1; r <= sorted.length; r = Math.max(r + 1, Math.round(r * 1.06))) points.push([r, sorted[r - 1]]);
      points.push([sorted.length, sorted[sorted.length - 1]]);
      plot.update({
        series: [{ points, cls: 'line-main' }],
        rules: [{ x: VIEW, cls: 'rule-dashed', text: 'top 50' }],
        label: `Probability by rank on log scales at T = ${formatNumber(T, 3)}: rank 1 has ${formatProbability(sorted[0])}, rank 50 ${formatProbability(sorted[49])}, rank 50,257 ${formatDecimal(sorted[sorted.length - 1], 2)}.`,
      });
      let cumulative = 0;
      let r = 0;
      const rows = [];
      for (const rank of RANKS) {
        for (; r < rank; ++r) cumulative += sorted[r];
        rows.push(h('tr', null, h('td', { class: 'num' }, formatCount(rank)), h('td', { class: 'num' }, formatDecimal(sorted[rank - 1], 3)),
          h('td', { class: 'num' }, formatProbability(Math.min(1, cumulative)))));
      }
      rankBody.replaceChildren(...rows);
      ctx.announce(`T ${formatNumber(T, 3)}: top token ${vocabulary.label(shown[0])} ${formatProbability(p[shown[0]])}; top 50 hold ${formatProbability(mass)}.`);
    });

    return {
      node,
      update: render,
      destroy() {
        destroyed = true;
        clearTimeout(timer);
      },
    };
  },
};
