// Lesson 8: a GPT-2-sized vocabulary. Full softmax over 50,257 tokens, the top tokens, the mass a top-50 view hides,
// how many tokens a top-p nucleus needs, and a timing of the SIMD build, the scalar build and a plain JavaScript loop.
//
// Token order never changes with T (softmax(z/T) falls in the order of z), so the vocabulary is sorted by logit once;
// each update is one lab.softmax over the sorted logits, one pass of float64 suffix sums over its result, and
// lab.entropy. The top-50 mass, the tail, the nucleus sizes and the rank curve all read off those sums.
import { formatDecimal, formatDuration, formatNumber, formatProbability } from '../ui/format.js';
import { plainSoftmax } from '../model/naive.js';
import { makeVocabulary } from '../model/vocabulary.js';
import { barChart } from '../ui/chart.js';
import { button, readouts, temperatureControl } from '../ui/controls.js';
import { lineChart } from '../ui/curve.js';
import { h, perFrame, scrollBox, setText } from '../ui/dom.js';
import { barAxis } from '../ui/scale-axis.js';
import { maxAbsDifference } from './shared.js';

// format.js's formatCount (toLocaleString) builds a formatter per call; an update prints a dozen counts.
const counts = new Intl.NumberFormat('en-US');
const formatCount = (n) => counts.format(n);

const TOP = 10;
const VIEW = 50;
const RANKS = [1, 2, 5, 10, 20, 50, 100, 500, 1000, 5000, 10000, 50257];
// The module flushes exp(z/T − m) below float's smallest normal number to exactly 0.
const MIN_NORMAL = 2 ** -126;
const FLOOR = 1e-15;  // the rank chart's lowest probability
const SUPERSCRIPT = { '-': '\u207b', 0: '\u2070', 1: '\u00b9', 2: '\u00b2', 3: '\u00b3', 4: '\u2074', 5: '\u2075',
  6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };
const power = (e) => (e === 0 ? '1' : `10${[...String(e)].map((c) => SUPERSCRIPT[c]).join('')}`);

// The vocabulary (50,257 seeded draws), built and sorted by logit once, shared by the view and the questions.
let vocabularyOnce = null;
export function sortedVocabulary() {
  if (!vocabularyOnce) {
    const v = makeVocabulary();
    const order = Int32Array.from(v.logits.keys()).sort((a, b) => v.logits[b] - v.logits[a] || a - b);
    vocabularyOnce = { ...v, order, sorted: Float32Array.from(order, (i) => v.logits[i]) };
  }
  return vocabularyOnce;
}

// The distribution at T, largest first (p from lab.softmax over the sorted logits), with float64 suffix sums so that a
// small tail keeps its digits. `into` reuses the buffers of an earlier call.
// `into` may hold `input` (the sorted logits) and `p` in the module's memory (lab.alloc), so that nothing is copied.
export function distribution(lab, T, into) {
  const { sorted, size } = sortedVocabulary();
  const result = lab.softmax(into?.input ?? sorted, { temperature: T, out: into?.p });
  const p = result.array ?? result;
  const tail = into?.tail ?? new Float64Array(size + 1);
  let sum = 0;
  tail[size] = 0;
  for (let r = size - 1; r >= 0; --r) {
    sum += p[r];
    tail[r] = sum;
  }
  const total = sum;
  // Zeros (flushed underflows) sit at the end: the first rank with p = 0, by bisection.
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p[mid] > 0) lo = mid + 1;
    else hi = mid;
  }
  const positive = lo;
  const d = {
    p,
    tail,
    size,
    positive,
    // The mass of the r most likely tokens, and of all the others.
    top: (r) => 1 - tail[r] / total,
    below: (r) => tail[r] / total,
    // How many tokens below rank r are exactly 0 in float32.
    zerosBelow: (r) => size - Math.max(r, positive),
    // The smallest top set whose mass reaches q (top-p's nucleus).
    nucleus(q) {
      let a = 1;
      let b = size;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (d.top(mid) >= q) b = mid;
        else a = mid + 1;
      }
      return a;
    },
  };
  return d;
}

// A share close to 1 printed with the digits it has: "99.9991%", or "> 99.9999%" when the rest is below that.
function formatShare(x) {
  return 1 - x < 5e-7 ? '> 99.9999%' : formatProbability(x);
}

// A small mass whose float32 sum may miss flushed tokens: each of them is below MIN_NORMAL, so when they could matter
// the honest statement is a bound.
function formatTail(mass, zeros) {
  const missing = zeros * MIN_NORMAL;
  if (missing <= 1e-4 * mass) return formatProbability(mass);
  return `< ${power(Math.ceil(Math.log10(mass + missing)))}`;
}

// One token's probability: a flushed 0 is "< 10⁻³⁷" (it is below MIN_NORMAL), not an exact 0.
const formatP = (p, format = formatProbability) => (p === 0 ? `< ${power(-37)}` : format(p));

// T one and a half times higher (or lower, near the top of the slider), rounded as the slider rounds it.
export function nextTemperature(T) {
  const up = Number((T * 1.5).toPrecision(3));
  return up <= 100 ? { T2: up, raise: true } : { T2: Number((T / 1.5).toPrecision(3)), raise: false };
}

const NUCLEUS_CHOICES = {
  raise: ['Fewer than twice as many', 'At least twice, but under 20 times as many', '20 times as many or more'],
  lower: ['More than half as many', 'Half as many or fewer, but more than a twentieth', 'A twentieth as many or fewer'],
};

// Runs fn in batches of about `batchMs` each and returns the median time per call (ms) over the batches: the page's
// clock is coarse (down to 100 µs), so one call is never timed alone.
async function timeIt(fn, { batches = 9, batchMs = 7 } = {}) {
  for (let i = 0; i < 3; ++i) fn();
  const perCall = [];
  let calls = 0;
  for (let batch = 0; batch < batches; ++batch) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < batchMs || n < 3) {
      fn();
      n += 1;
      now = performance.now();
    }
    calls += n;
    perCall.push((now - start) / n);
  }
  perCall.sort((a, b) => a - b);
  return { ms: perCall[batches >> 1], calls, batches };
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
      ask: ({ store }) => `At T = ${formatDecimal(store.get().temperature, 3)}, what share of the probability do the 50 most likely of the 50,257 tokens hold?`,
      choices: ['Essentially all of it (over 99.9%)', 'Most of it, but a visible slice is missing (50% to 99.9%)', 'Less than half'],
      answer({ lab, store }) {
        const mass = distribution(lab, store.get().temperature).top(VIEW);
        return mass > 0.999 ? 0 : mass >= 0.5 ? 1 : 2;
      },
      reveal({ lab, store }) {
        const T = store.get().temperature;
        const d = distribution(lab, T);
        return `At T = ${formatDecimal(T, 3)} the top 50 hold ${formatShare(d.top(VIEW))}; the other 50,207 tokens share ${formatTail(d.below(VIEW), d.zerosBelow(VIEW))}, each of them no more than ${formatP(d.p[VIEW], formatDecimal)}.`;
      },
    },
    {
      id: 'nucleus',
      ask({ store }) {
        const T = store.get().temperature;
        const { T2, raise } = nextTemperature(T);
        return `${raise ? 'Raise' : 'Lower'} T from ${formatDecimal(T, 3)} to ${formatDecimal(T2, 3)}. How many tokens will the top-p = 0.9 nucleus need then, compared with now?`;
      },
      choices: ({ store }) => NUCLEUS_CHOICES[nextTemperature(store.get().temperature).raise ? 'raise' : 'lower'],
      answer({ lab, store }) {
        const T = store.get().temperature;
        const { T2, raise } = nextTemperature(T);
        const a = distribution(lab, T).nucleus(0.9);
        const b = distribution(lab, T2).nucleus(0.9);
        const ratio = raise ? b / a : a / b;
        return ratio < 2 ? 0 : ratio < 20 ? 1 : 2;
      },
      reveal({ lab, store }) {
        const T = store.get().temperature;
        const { T2 } = nextTemperature(T);
        const a = distribution(lab, T).nucleus(0.9);
        const b = distribution(lab, T2).nucleus(0.9);
        return `${formatCount(a)} ${a === 1 ? 'token' : 'tokens'} at T = ${formatDecimal(T, 3)}, ${formatCount(b)} at T = ${formatDecimal(T2, 3)}. Flattening lifts the whole crowd at once, and there are 50,000 of them; sharpening leaves the few plausible words.`;
      },
      tryIt: { text: 'Move T by that step', apply: (s) => ({ temperature: nextTemperature(s.temperature).T2 }) },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const vocabulary = sortedVocabulary();
    const C = vocabulary.size;
    const control = temperatureControl(store, { presets: false, ticks: true });
    const top = barChart({
      caption: 'The most likely next tokens',
      columns: [{ key: 'token', header: 'Token' }, { key: 'id', header: 'Id', numeric: true },
        { key: 'logit', header: 'Logit', numeric: true, format: (v) => formatNumber(v, 2) },
        { key: 'p', header: 'Probability', numeric: true, format: (v) => formatP(v) }],
    });
    barAxis(top.figure, { ticks: [0, 0.25, 0.5, 0.75, 1], format: (v) => `${Math.round(v * 100)}%`, title: 'probability', valueWidth: '6.2rem' });
    const mass = readouts([
      { key: 'top50', label: 'Probability in the top 50' },
      { key: 'tail', label: 'Hidden in the other 50,207' },
    ]);
    mass.node.dataset.gate = 'top50';
    const nucleus = readouts([
      { key: 'p90', label: 'Tokens for top-p = 0.9' },
      { key: 'p95', label: 'Tokens for top-p = 0.95' },
    ]);
    nucleus.node.dataset.gate = 'nucleus';
    const spread = readouts([
      { key: 'entropy', label: 'Entropy, perplexity' },
      { key: 'time', label: 'One softmax of 50,257 (median)' },
    ]);
    spread.update({ time: { text: 'timing…' } });
    const plot = lineChart({
      label: 'Probability by rank, log scales',
      x: { min: 1, max: C, log: true, ticks: [1, 10, 100, 1000, 10000], label: 'rank (1 = most likely)', format: (v) => formatCount(v) },
      y: { min: FLOOR, max: 1, log: true, ticks: [1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 1], label: '', format: (v) => power(Math.round(Math.log10(v))) },
    });
    const zeroNote = h('p', { class: 'chart-note', hidden: true });
    const floorNote = h('p', { class: 'chart-note', hidden: true });
    const rankCells = RANKS.map(() => [h('td', { class: 'num' }), h('td', { class: 'num' })]);
    const rankTable = h('details', { class: 'table-alt', dataset: { part: 'table', gate: 'top50' } }, h('summary', null, 'Show probability by rank as a table'),
      scrollBox('Probability by rank', h('table', { class: 'numbers' }, h('caption', { class: 'visually-hidden' }, 'Probability by rank'),
        h('thead', null, h('tr', null, ['Rank', 'Probability', 'Total down to this rank'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
        h('tbody', null, RANKS.map((rank, k) => h('tr', null, h('td', { class: 'num' }, formatCount(rank)), rankCells[k]))))));
    const timingBody = h('tbody');
    const timingStatus = h('p', { class: 'timing-status', role: 'status' }, 'Timing starts in a moment…');
    const again = button('Time again', () => runTiming(), { disabled: true });
    const timing = h('section', { class: 'panel timing', dataset: { part: 'readouts' } }, ctx.heading('How fast, in this browser'),
      scrollBox('Timing', h('table', { class: 'numbers' }, h('caption', null, `One softmax over ${formatCount(C)} tokens: the median time per call over several batches of calls`),
        h('thead', null, h('tr', null, ['Implementation', 'Per softmax', 'Tokens per µs', 'Max. difference from SIMD']
          .map((t, k) => h('th', { scope: 'col', class: k ? 'num' : '' }, t)))), timingBody)),
      timingStatus, again);
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel' }, h('p', { class: 'context' }, h('span', { class: 'context-label' }, 'Context: '), `“${vocabulary.context} ▁”`),
        control.node),
      h('section', { class: 'panel' }, top.nodes),
      h('section', { class: 'panel' }, ctx.heading('What a top-50 view hides'), ctx.question('top50'), mass.node,
        h('figure', { class: 'chart', dataset: { part: 'chart' } },
          h('p', { class: 'chart-axis-title', 'aria-hidden': 'true' }, 'probability (log scale)'), plot.svg,
          h('figcaption', { class: 'chart-caption' }, 'Every token’s probability by rank, on log scales. Left of the dashed line: what a top-50 view shows.'),
          zeroNote, floorNote), rankTable),
      h('section', { class: 'panel' }, ctx.heading('How many tokens top-p keeps'), ctx.question('nucleus'), nucleus.node, spread.node),
      timing);

    let timingRun = null;
    let destroyed = false;
    async function runTiming() {
      if (timingRun) return timingRun;
      again.disabled = true;
      timingStatus.textContent = 'Timing…';
      spread.update({ time: { text: 'timing…' } });
      timingRun = (async () => {
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
        let batches = 0;
        for (const { name, build } of variants) {
          if (destroyed) return;
          const input = build.alloc(C);
          const output = build.alloc(C);
          try {
            input.array.set(vocabulary.logits);
            const t = await timeIt(() => build.softmax(input, { out: output }));
            batches = t.batches;
            rows.push([name, t.ms, C / (t.ms * 1000), maxAbsDifference(output.array, reference)]);
          } finally {
            input.free();
            output.free();
          }
        }
        const out = new Float32Array(C);
        const js = await timeIt(() => plainSoftmax(vocabulary.logits, out));
        rows.push(['Plain JavaScript (comparison only)', js.ms, C / (js.ms * 1000), maxAbsDifference(out, reference)]);
        if (destroyed) return;
        timingBody.replaceChildren(...rows.map(([name, t, rate, d]) => h('tr', null, h('th', { scope: 'row' }, name),
          h('td', { class: 'num', dataset: typeof t === 'number' ? { value: String(t) } : {} }, typeof t === 'number' ? formatDuration(t) : t),
          h('td', { class: 'num' }, typeof rate === 'number' ? formatNumber(rate, 1) : rate),
          h('td', { class: 'num' }, typeof d === 'number' ? formatDecimal(d, 2) : d))));
        const simdRow = rows.find((r) => r[0].includes('SIMD') && typeof r[1] === 'number');
        const best = simdRow ?? rows.find((r) => typeof r[1] === 'number');
        const jsRow = rows[rows.length - 1];
        spread.update({ time: { text: `${formatDuration(best[1])} (${best[0].replace('logitlab, ', '')})`, value: best[1] } });
        timingStatus.textContent = simdRow
          ? `Done: the median of ${batches} batches per row. The SIMD build is ${formatNumber(jsRow[1] / simdRow[1], 1)} times as fast as the plain JavaScript loop here.`
          : 'Done.';
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

    const buffers = { input: lab.alloc(C), p: lab.alloc(C), tail: new Float64Array(C + 1) };
    buffers.input.array.set(vocabulary.sorted);
    const render = perFrame((state) => {
      if (destroyed) return;  // a frame queued just before the lesson was left: its buffers are freed
      control.update(state);
      const T = state.temperature;
      const d = distribution(lab, T, buffers);
      const { p } = d;
      const H = lab.entropy(buffers.input, { temperature: T });
      top.update(Array.from({ length: TOP }, (_, r) => {
        const id = vocabulary.order[r];
        return { label: vocabulary.label(id), value: p[r], valueText: formatP(p[r]), token: id,
          cells: { token: vocabulary.label(id), id, logit: vocabulary.sorted[r], p: p[r] } };
      }), {
        max: 1,
        caption: `Top ${TOP} of ${formatCount(C)} tokens at T = ${formatDecimal(T, 3)}; the other ${formatCount(C - TOP)} hold ${formatTail(d.below(TOP), d.zerosBelow(TOP))}`,
      });
      const n90 = d.nucleus(0.9);
      const n95 = d.nucleus(0.95);
      mass.update({
        top50: { text: formatShare(d.top(VIEW)), value: d.top(VIEW) },
        tail: { text: formatTail(d.below(VIEW), d.zerosBelow(VIEW)), value: d.below(VIEW) },
      });
      nucleus.update({ p90: { text: formatCount(n90), value: n90 }, p95: { text: formatCount(n95), value: n95 } });
      spread.update({ entropy: { text: `${H.toFixed(2)} nats, perplexity ${Math.exp(H).toPrecision(3)}`, value: H } });

      // The rank curve: ranks spaced evenly on the log axis, each with its probability (no sort: p is in rank order).
      const points = [];
      for (let r = 1; r <= C; r = Math.max(r + 1, Math.round(r * 1.06))) {
        if (p[r - 1] >= FLOOR) points.push([r, p[r - 1]]);
      }
      if (p[C - 1] >= FLOOR) points.push([C, p[C - 1]]);
      let drawn = 0;
      for (let b = C; drawn < b;) {
        const mid = (drawn + b) >> 1;
        if (p[mid] >= FLOOR) drawn = mid + 1;
        else b = mid;
      }
      const offChart = C - drawn;
      plot.update({
        series: [{ points, cls: 'line-main' }],
        rules: [{ x: VIEW, cls: 'rule-dashed', text: 'top 50' }],
        label: `Probability by rank on log scales at T = ${formatDecimal(T, 3)}: rank 1 has ${formatP(p[0])}, rank 50 ${formatP(p[VIEW - 1])}, rank 50,257 ${formatP(p[C - 1], (x) => formatDecimal(x, 2))}.`,
      });
      const zeros = C - d.positive;
      zeroNote.hidden = zeros === 0;
      if (zeros) {
        setText(zeroNote, `At T = ${formatDecimal(T, 3)}, ${formatCount(zeros)} of the ${formatCount(C)} tokens have a probability of exactly 0 in float32: their exp(z/T − m) fell below 1.2 × 10⁻³⁸, the smallest normal float, and the module flushes it to 0. Their true probabilities are that small or smaller; a log scale cannot draw 0, so the curve ends at rank ${formatCount(d.positive)}.`);
      }
      floorNote.hidden = offChart === zeros;
      if (offChart !== zeros) setText(floorNote, `The ${formatCount(offChart - zeros)} tokens after rank ${formatCount(drawn)} have probabilities below 10⁻¹⁵, the chart’s floor, and are not drawn.`);
      RANKS.forEach((rank, k) => {
        const [pCell, totalCell] = rankCells[k];
        setText(pCell, formatP(p[rank - 1], (x) => formatDecimal(x, 3)));
        pCell.dataset.value = String(p[rank - 1]);
        setText(totalCell, rank === C ? '100%' : formatShare(d.top(rank)));
        totalCell.dataset.value = String(rank === C ? 1 : d.top(rank));
      });
      const parts = [`T ${formatDecimal(T, 3)}: top token ${vocabulary.label(vocabulary.order[0])} ${formatP(p[0])}`];
      if (ctx.isOpen('top50')) parts.push(`the top 50 hold ${formatShare(d.top(VIEW))}`);
      if (ctx.isOpen('nucleus')) parts.push(`top-p 0.9 keeps ${formatCount(n90)} tokens`);
      ctx.announce(`${parts.join('; ')}.`);
    });

    return {
      node,
      update: render,
      destroy() {
        destroyed = true;
        clearTimeout(timer);
        buffers.input.free();
        buffers.p.free();
      },
    };
  },
};
