// Lesson 4: drawing tokens, and the filters (top-k, top-p, min-p) that cut the tail first.
import { createDrawCache, drawSeed, samplingOptions, uniformOf } from '../model/draws.js';
import { formatNumber, formatProbability } from '../ui/format.js';
import { LIMITS } from '../model/state.js';
import { barChart } from '../ui/chart.js';
import { button, numberField, radioGroup, rangeField, readouts, temperatureControl, vocabularyFields } from '../ui/controls.js';
import { h, setText } from '../ui/dom.js';
import { dartStrip, sortedChart } from '../ui/sampling-chart.js';
import { formatPlain, formatTemperature as formatT, listTokens, probabilityText } from './shared.js';

// A count with thousands separators (10,000), as formatCount writes it, without the cost of toLocaleString on every
// step of a slider.
const formatCount = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const RECENT = 24;  // drawn tokens listed as text
const DRAW_COLUMNS = [
  { key: 'token', header: 'Token' },
  { key: 'q', header: 'Renormalised', numeric: true, format: formatProbability },
  { key: 'count', header: 'Draws', numeric: true, format: formatCount },
  { key: 'share', header: 'Share of draws', numeric: true, format: formatProbability },
];

// A probability as a decimal with three digits after the point, for running totals and the dart's positions.
const decimal = (x) => x.toFixed(3);
const plural = (n, word) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

// Every number the filter view shows, from the module. The filters read the probabilities at T (temperature first)
// or at T = 1 (temperature last); top-p reads them renormalised over what top-k kept; min-p compares each with the
// top one; the draw uses the kept tokens renormalised, divided by T in either order.
export function filterView(lab, state, order) {
  const seeT = state.temperatureLast ? 1 : state.temperature;
  const seen = lab.softmax(state.logits, { temperature: seeT });
  const atT = state.temperatureLast ? lab.softmax(state.logits, { temperature: state.temperature }) : seen;
  const afterK = state.topK > 0 ? lab.trace(state.logits, { temperature: seeT, topK: state.topK }).keptProbabilities : seen;
  const kept = new Set(lab.trace(state.logits, { temperature: seeT, topK: state.topK }).kept);
  const cumulative = new Map();
  let total = 0;
  for (const i of order) {
    if (!kept.has(i)) break;
    total += afterK[i];
    cumulative.set(i, total);
  }
  const final = lab.trace(state.logits, samplingOptions(state));
  const top = order[0];
  return { seeT, seen, atT, cumulative, final, keptSet: new Set(final.kept), minPLine: state.minP > 0 ? state.minP * seen[top] : undefined };
}

// The token ids in display order: most likely first (ties to the lower index, as the filters break them). Temperature
// never changes this order, so it is computed once per list of logits.
function sortOrder(logits) {
  return [...logits.keys()].sort((a, b) => (logits[b] - logits[a]) || (a - b));
}

// How the kept set of top-p changes when T is halved (doubled at the bottom of the slider), in the learner's order.
let nucleus = { state: null };
function nucleusMove({ lab, store }) {
  const s = store.get();
  if (nucleus.state === s) return nucleus;
  const p = s.topP < 1 ? s.topP : 0.9;
  const T = s.temperature;
  const halve = T >= 0.02;
  const next = halve ? T / 2 : 2 * T;
  const size = (t) => lab.trace(s.logits, { temperature: t, topP: p, temperatureLast: s.temperatureLast }).kept;
  nucleus = { state: s, s, p, T, next, halve, before: size(T), after: size(next) };
  return nucleus;
}

const unmaskedCount = (logits) => logits.filter(Number.isFinite).length;

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
      // With two unmasked tokens or fewer, "at most 2" and "all of them" are the same answer.
      applies: ({ store }) => unmaskedCount(store.get().logits) > 2,
      ask: 'You set top-k = 2 and draw as many tokens as you like. How many different tokens can appear?',
      choices: ({ store }) => ['At most 2', `All ${unmaskedCount(store.get().logits)} of them, the unlikely ones rarely`, 'It depends on the seed'],
      answer({ lab, store }) {
        const s = store.get();
        const t = lab.trace(s.logits, { ...samplingOptions(s), topK: 2, topP: 1, minP: 0 });
        return t.kept.length <= 2 ? 0 : 1;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const t = lab.trace(s.logits, { ...samplingOptions(s), topK: 2, topP: 1, minP: 0 });
        return `Top-k = 2 keeps ${listTokens(Array.from(t.kept, (i) => s.labels[i]))}; every other token has probability exactly 0 after the filter, whatever the seed and however many draws.`;
      },
      tryIt: { text: 'Set top-k = 2 and draw 10,000', apply: (s) => ({ topK: Math.min(2, s.logits.length), topP: 1, minP: 0, draws: 10000 }) },
    },
    {
      id: 'topp-temperature',
      ask: (ctx) => {
        const { p, T, next, halve, s } = nucleusMove(ctx);
        return `Only top-p = ${formatPlain(p)} is on, temperature ${s.temperatureLast ? 'last' : 'first'}. If you ${halve ? 'halve' : 'double'} T from ${formatT(T)} to ${formatT(next)}, the kept set…`;
      },
      choices: ['grows', 'shrinks', 'keeps its size'],
      answer(ctx) {
        const { before, after } = nucleusMove(ctx);
        return after.length > before.length ? 0 : after.length < before.length ? 1 : 2;
      },
      reveal(ctx) {
        const { s, p, T, next, before, after, halve } = nucleusMove(ctx);
        const names = (kept) => `${plural(kept.length, 'token')} (${listTokens(Array.from(kept, (i) => s.labels[i]))})`;
        const same = after.length === before.length;
        const why = s.temperatureLast
          ? 'With temperature last, top-p reads the probabilities at T = 1, so T cannot change what it keeps.'
          : halve
            ? `A lower T piles probability onto the leaders, ${same ? 'but here the same tokens are still needed to reach p' : 'so fewer tokens are needed to reach p'}.`
            : `A higher T spreads probability over more tokens, ${same ? 'but here the same tokens still reach p' : 'so more are needed to reach p'}.`;
        return `At T = ${formatT(T)} top-p = ${formatPlain(p)} keeps ${names(before)}; at T = ${formatT(next)} it keeps ${names(after)}. ${why}`;
      },
      tryIt: {
        text: 'Set it up',
        apply: (s) => ({ topP: s.topP < 1 ? s.topP : 0.9, topK: 0, minP: 0, temperature: s.temperature >= 0.02 ? s.temperature / 2 : 2 * s.temperature }),
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const draws = createDrawCache();
    const control = temperatureControl(store, { presets: false, ticks: true });
    const fields = vocabularyFields(store);
    const topK = numberField({ label: 'Top-k (0 = off)', min: 0, max: LIMITS.tokens, step: 1, get: (s) => s.topK,
      set: (k) => store.set({ topK: Math.min(Math.round(k), store.get().logits.length) }), describe: 'Top-k' });
    const topP = rangeField({ label: 'Top-p (1 = off)', min: 0.01, max: 1, step: 0.01, get: (s) => s.topP,
      set: (p) => store.set({ topP: p }), valueText: (p) => `p = ${formatPlain(p)}` });
    const minP = rangeField({ label: 'Min-p (0 = off)', min: 0, max: 1, step: 0.01, get: (s) => s.minP,
      set: (p) => store.set({ minP: p }), valueText: (p) => `min-p = ${formatPlain(p)}` });
    const order = radioGroup({ legend: 'When is T applied?', name: 'order',
      choices: [[false, 'Temperature first, then filters (most libraries)'], [true, 'Filters first, temperature last (llama.cpp)']],
      get: (s) => s.temperatureLast, set: (v) => store.set({ temperatureLast: v }) });
    const seed = numberField({ label: 'Seed', min: 0, max: 2 ** 32 - 1, step: 1, get: (s) => s.seed,
      set: (v) => store.set({ seed: Math.round(v) }), describe: 'The seed' });

    const limitNote = h('p', { class: 'limit-note', role: 'status' });
    const add = (n) => () => {
      const s = store.get();
      const room = LIMITS.draws - s.draws;
      if (room <= 0) {
        limitNote.textContent = `This page stops at ${formatCount(LIMITS.draws)} draws: clear the draws to start again.`;
        return;
      }
      limitNote.textContent = n > room
        ? `Only ${formatCount(room)} more: this page stops at ${formatCount(LIMITS.draws)} draws.`
        : '';
      store.set({ draws: s.draws + Math.min(n, room) });
    };
    const drawButtons = [
      button('Draw 1', add(1), { dataset: { draw: '1' } }),
      button('Draw 100', add(100), { dataset: { draw: '100' } }),
      button('Draw 10,000', add(10000), { dataset: { draw: '10000' } }),
    ];
    const clearButton = button('Clear the draws', () => {
      limitNote.textContent = '';
      store.set({ draws: 0 });
    }, { class: 'button secondary' });

    const kept = readouts([
      { key: 'first', label: 'Temperature first keeps', wide: true },
      { key: 'lastOrder', label: 'Temperature last keeps', wide: true },
    ]);
    const sorted = sortedChart();
    const tableBody = h('tbody');
    const filterTable = h('details', { class: 'table-alt', dataset: { part: 'table' } }, h('summary', null, 'Show the filters as a table'),
      h('p', { class: 'scroll-cue' }, 'The table scrolls sideways.'),
      h('div', { class: 'table-scroll scroll-shadow', tabindex: '0', role: 'region', 'aria-label': 'Table: what the filters keep' },
        h('table', { class: 'numbers filter-table' }, h('caption', { class: 'visually-hidden' }, 'What the filters keep, most likely first'),
          h('thead', null, h('tr', null, ['Token', 'Logit z', 'Before the filters', 'Running total', 'Kept', 'Renormalised'].map((t, i) =>
            h('th', { scope: 'col', class: i === 0 || i === 4 ? '' : 'num' }, t)))), tableBody)));
    const filterPart = h('div', { class: 'filter-part' }, sorted.figure, filterTable, kept.node);

    const status = readouts([
      { key: 'draws', label: 'Draws so far' },
      { key: 'last', label: 'Last token drawn' },
    ]);
    const dart = dartStrip();
    const recent = h('p', { class: 'recent-draws' });
    const histogram = barChart({
      caption: 'Draws against probabilities',
      columns: DRAW_COLUMNS,
      legend: [['key-bar', 'share of the draws'], ['key-marker', 'renormalised probability (kept tokens)'],
        ['key-band', 'where the share lands in about 95% of runs of this many draws']],
      tableSummary: 'Show the draws as a table',
    });
    const drawPart = h('div', { class: 'draw-part' }, dart.node, recent, histogram.nodes);

    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('The distribution and its filters'),
        control.node, h('div', { class: 'control-row' }, topK.node, topP.node, minP.node), order.node),
      ctx.question('topk'),
      ctx.question('topp-temperature'),
      h('section', { class: 'panel' }, ctx.heading('What the filters keep'), filterPart),
      h('section', { class: 'panel' }, ctx.heading('Draw'), h('div', { class: 'control-row' }, seed.node),
        h('div', { class: 'presets', role: 'group', 'aria-label': 'Draw tokens' }, drawButtons, clearButton), limitNote,
        status.node, drawPart),
      h('section', { class: 'panel' }, fields.node));

    let orderKey = '';
    let tableRows = [];
    let sortedIds = [];
    let uKey = '';
    let u = null;
    let pending = 0;
    let drawnOnce = false;
    let lastState = null;
    const idle = typeof requestIdleCallback === 'function'
      ? (fn) => requestIdleCallback(fn, { timeout: 200 })
      : (fn) => setTimeout(() => fn({ timeRemaining: () => 4 }), 0);

    function showDraws(state, shown, result) {
      const { counts, draws: done, target, complete, last } = result;
      const q = shown.final.keptProbabilities;
      const rows = sortedIds.map((i) => {
        const share = done ? counts[i] / done : 0;
        const isKept = shown.keptSet.has(i);
        return {
          label: state.labels[i],
          token: i,
          value: share,
          marker: isKept ? q[i] : undefined,
          // Where the share of `done` draws lands about 95% of the time: q ± 2 standard deviations, √(q(1 − q)/n).
          band: isKept && done ? [q[i] - 2 * Math.sqrt((q[i] * (1 - q[i])) / done), q[i] + 2 * Math.sqrt((q[i] * (1 - q[i])) / done)] : undefined,
          valueText: done ? `${formatProbability(share)} (${formatCount(counts[i])})` : isKept ? '—' : 'dropped',
          tone: isKept ? undefined : 'dropped',
          cells: { token: state.labels[i], q: isKept ? { value: q[i], text: probabilityText(q[i], state.logits[i]) } : 'dropped', count: counts[i], share },
        };
      });
      histogram.update(rows, { max: 1, caption: !done
        ? target ? `Drawing ${formatCount(target)} tokens from seed ${state.seed}…` : 'No draws yet: the markers show the renormalised probabilities'
        : complete
          ? `${formatCount(done)} draws from seed ${state.seed} against the renormalised probabilities`
          : `Redrawing with the new settings: ${formatCount(done)} of ${formatCount(target)} draws so far` });
      status.update({
        draws: { text: complete ? formatCount(done) : `${formatCount(done)} of ${formatCount(target)}`, value: done },
        last: { text: last >= 0 ? `${state.labels[last]} (seed ${drawSeed(state.seed, done - 1)})` : '—' },
      });
      // The dart: the last draw's u (read back from lab.sample), over the kept tokens in vocabulary order.
      const parts = [];
      let from = 0;
      for (let i = 0; i < state.logits.length; ++i) {
        if (!shown.keptSet.has(i)) continue;
        parts.push({ token: i, label: state.labels[i], from, to: from + q[i] });
        from += q[i];
      }
      const key = `${state.seed}:${done}`;
      if (key !== uKey) {
        uKey = key;
        u = done ? uniformOf(lab, drawSeed(state.seed, done - 1)) : null;
      }
      const hit = parts.find((p) => p.token === last);
      dart.update({ parts, u, drawn: last,
        description: done && hit
          ? `Draw ${formatCount(done)} used seed ${drawSeed(state.seed, done - 1)}: u = ${decimal(u)}, which falls in “${state.labels[last]}”, from ${decimal(hit.from)} to ${decimal(hit.to)}.`
          : 'No draw yet: press Draw 1 to throw the first dart.' });
      setText(recent, done
        ? `The last ${Math.min(done, RECENT)} draw${done === 1 ? '' : 's'}, oldest first: ${result.recent(RECENT).map((i) => state.labels[i]).join(' ')}`
        : 'Drawn tokens will be listed here.');
    }

    // Draws left over after a change of settings are made in idle time, a slice at a time, so a control change stays
    // cheap however many draws the link asks for.
    function continueDraws() {
      pending = idle((deadline) => {
        pending = 0;
        const state = lastState;
        try {
          const shown = filterView(lab, state, sortedIds);
          const result = draws.advance(lab, state, Math.max(2, deadline.timeRemaining() - 1));
          showDraws(state, shown, result);
          if (!result.complete) continueDraws();
          else announceDraws(state, result);
        } catch {
          // The next render shows the module's error.
        }
      });
    }

    function announceDraws(state, result) {
      if (!ctx.isOpen('topk') && state.topK > 0) ctx.announce(`${formatCount(result.draws)} draws.`);
      else ctx.announce(`${formatCount(result.draws)} draws. ${sortedIds.map((i) => `${state.labels[i]} ${formatCount(result.counts[i])}`).join(', ')}.`);
    }

    return {
      node,
      destroy() {
        draws.destroy();
      },
      update(state) {
        lastState = state;
        control.update(state);
        fields.update(state);
        topK.update(state);
        topP.update(state);
        minP.update(state);
        order.update(state);
        seed.update(state);
        topK.input.max = String(state.logits.length);
        const full = state.draws >= LIMITS.draws;
        for (const b of drawButtons) b.setAttribute('aria-disabled', String(full));
        if (!full && /stops at/.test(limitNote.textContent) && !/Only/.test(limitNote.textContent)) limitNote.textContent = '';
        const key = JSON.stringify(state.logits);
        if (key !== orderKey) {
          orderKey = key;
          sortedIds = sortOrder(state.logits);
        }
        const shown = filterView(lab, state, sortedIds);
        const names = (t) => {
          const n = t.kept.length;
          return `${listTokens(Array.from(t.kept, (i) => state.labels[i]))} (${plural(n, 'token')})`;
        };
        const first = lab.trace(state.logits, { ...samplingOptions(state), temperatureLast: false });
        const last = lab.trace(state.logits, { ...samplingOptions(state), temperatureLast: true });
        kept.update({ first: { text: names(first) }, lastOrder: { text: names(last) } });

        // The sorted view: what the filters see, what they keep, the running total top-p reads, and the cuts.
        const q = shown.final.keptProbabilities;
        const seeing = state.temperatureLast ? 'at T = 1 (temperature comes last)' : `at T = ${formatT(state.temperature)}`;
        sorted.update({
          rows: sortedIds.map((i) => {
            const isKept = shown.keptSet.has(i);
            const before = probabilityText(shown.seen[i], state.logits[i]);
            return { token: i, label: state.labels[i], before: shown.seen[i], after: isKept ? q[i] : null,
              cumulative: shown.cumulative.get(i),
              text: isKept ? `${before} → ${probabilityText(q[i], state.logits[i])}` : `${before} → dropped` };
          }),
          cuts: {
            topP: state.topP < 1 ? state.topP : undefined,
            minP: shown.minPLine,
            topK: state.topK > 0 && state.topK < unmaskedCount(state.logits) ? state.topK : undefined,
          },
          legend: [
            ['key-ghost', `before the filters, ${seeing}`],
            ['key-bar', state.temperatureLast ? 'kept, divided by T and renormalised: what is drawn from' : 'kept and renormalised: what is drawn from'],
            ['key-cumulative', state.topK > 0 ? 'running total of the top-k tokens, renormalised (what top-p reads)' : 'running total, most likely first (what top-p reads)'],
            ...(state.topP < 1 ? [['key-top-p', `top-p = ${formatPlain(state.topP)}`]] : []),
            ...(shown.minPLine !== undefined ? [['key-min-p', `min-p line: ${formatPlain(state.minP)} × ${formatProbability(shown.seen[sortedIds[0]])} = ${formatProbability(shown.minPLine)}`]] : []),
            ...(state.topK > 0 && state.topK < unmaskedCount(state.logits) ? [['key-top-k', `top-k = ${state.topK}: rows below the line are cut`]] : []),
          ],
          caption: `${plural(shown.final.kept.length, 'token')} kept, most likely first`,
        });
        if (tableRows.length !== sortedIds.length) {
          tableRows = sortedIds.map(() => {
            const cells = [h('th', { scope: 'row' }), ...[0, 1, 2, 3, 4].map((k) => h('td', { class: k === 3 ? '' : 'num' }))];
            return { tr: h('tr', null, cells), cells };
          });
          tableBody.replaceChildren(...tableRows.map((r) => r.tr));
        }
        sortedIds.forEach((i, k) => {
          const isKept = shown.keptSet.has(i);
          const cum = shown.cumulative.get(i);
          const { tr, cells } = tableRows[k];
          tr.dataset.token = String(i);
          tr.className = isKept ? '' : 'tone-dropped';
          [state.labels[i], formatNumber(state.logits[i], 3), probabilityText(shown.seen[i], state.logits[i]),
            cum === undefined ? '—' : decimal(cum), isKept ? 'yes' : 'no', isKept ? probabilityText(q[i], state.logits[i]) : '—']
            .forEach((text, c) => setText(cells[c], text));
          cells[2].dataset.value = String(shown.seen[i]);
          cells[5].dataset.value = String(q[i]);
        });
        // A chart that shows a top-k cut answers the top-k question: it waits for the prediction.
        const gate = state.topK > 0 ? 'topk' : '';
        for (const part of [filterPart, drawPart]) {
          if (gate) part.dataset.gate = gate;
          else delete part.dataset.gate;
        }

        // Draws: more of the same settings are drawn at once; new settings are redrawn in idle slices, and until the
        // first slice the draw view keeps what it showed (it is not emptied on every step of a slider).
        const result = draws.advance(lab, state, draws.extends(state) ? Infinity : 0);
        if (result.complete || result.draws > 0 || !drawnOnce) {
          showDraws(state, shown, result);
          drawnOnce = true;
        }
        if (!result.complete && !pending) continueDraws();
        if (result.complete) {
          if (result.draws) announceDraws(state, result);
          else if (ctx.isOpen('topk') || state.topK === 0) ctx.announce(`Kept: ${names(shown.final)}.`);
        }
      },
    };
  },
};
