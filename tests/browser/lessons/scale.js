// The scale lesson: what it shows, checked against the module and float64. The vocabulary is data generated from a
// seed by web/model/vocabulary.js; the tests regenerate it here (and check that the page's copy is the same) and compute
// every statistic from its logits in float64.
import { makeVocabulary } from '../../../web/model/vocabulary.js';
import { expectPrinted } from '../audit/printed.js';
import { check, assert, open, noProblems, ready } from '../harness.js';

const VOCABULARY = makeVocabulary();
const C = VOCABULARY.size;
const ORDER = Array.from(VOCABULARY.logits.keys()).sort((a, b) => VOCABULARY.logits[b] - VOCABULARY.logits[a] || a - b);
const SORTED = Float64Array.from(ORDER, (i) => VOCABULARY.logits[i]);
const CHECKSUM = VOCABULARY.logits.reduce((a, z, i) => a + z * ((i % 7) + 1), 0);
const MIN_NORMAL = 2 ** -126;

// The distribution at T over the sorted vocabulary, in float64: p, prefix sums, entropy, nucleus sizes, and how many
// tokens the module's float32 exp flushes to 0 (exp(z/T − m) below float's smallest normal number).
const cache = new Map();
export function dist64(T) {
  if (cache.has(T)) return cache.get(T);
  const m = SORTED[0] / T;
  const e = SORTED.map((z) => Math.exp(z / T - m));
  let total = 0;
  for (let r = C - 1; r >= 0; --r) total += e[r];
  const p = e.map((x) => x / total);
  // Prefix sums for the head, suffix sums for the tail (1 − prefix would cancel a small tail away).
  const cum = new Float64Array(C + 1);
  for (let r = 0; r < C; ++r) cum[r + 1] = cum[r] + p[r];
  const rest = new Float64Array(C + 1);
  for (let r = C - 1; r >= 0; --r) rest[r] = rest[r + 1] + p[r];
  let H = 0;
  for (const x of p) if (x > 0) H -= x * Math.log(x);
  const flushed = e.filter((x) => x < MIN_NORMAL).length;
  const nucleus = (q) => {
    let n = 1;
    while (cum[n] < q) ++n;
    return n;
  };
  const d = { p, top: (r) => (cum[r] > 0.5 ? 1 - rest[r] : cum[r]), below: (r) => rest[r], H, flushed, nucleus };
  cache.set(T, d);
  return d;
}

check('scale: 50,257 tokens sorted once; top-50 mass plus tail is 1; bars on one 0–100% scale; SIMD, scalar and JavaScript medians reported', async () => {
  const { page, problems, context } = await open('?lesson=scale');
  await ready(page);
  await page.waitForSelector('.timing tbody tr:nth-child(3)', { timeout: 20_000 });
  const timings = await page.$$eval('.timing tbody tr', (trs) => trs.map((tr) => [tr.querySelector('th').textContent, Number(tr.querySelector('td').dataset.value)]));
  assert(timings.length === 3, `expected 3 timing rows, got ${timings.length}`);
  timings.forEach(([name, ms]) => assert(ms > 0 && ms < 50, `${name}: ${ms} ms per softmax of 50,257 is not plausible`));
  assert(/SIMD/.test(timings[0][0]) && /scalar/.test(timings[1][0]) && /JavaScript/.test(timings[2][0]), `rows: ${timings.map((t) => t[0])}`);
  const time = Number(await page.getAttribute('[data-readout="time"]', 'data-value'));
  assert(time === timings[0][1], `the "one softmax" readout should be the timing table's SIMD median ${timings[0][1]}, it is ${time}`);
  const top = Number(await page.getAttribute('[data-readout="top50"]', 'data-value'));
  const tail = Number(await page.getAttribute('[data-readout="tail"]', 'data-value'));
  assert(Math.abs(top + tail - 1) < 1e-12 && tail > 0.01, `top-50 ${top} + tail ${tail} should be 1 with a visible tail`);
  assert(Math.abs(top - dist64(1).top(50)) < 1e-6, `top-50 mass shown ${top}, float64 ${dist64(1).top(50)}`);
  // One scale: each bar's fill is its probability's share of the same track.
  const fills = await page.$$eval('.fixed-scale .bar-row', (rows) => rows.map((r) => {
    const track = r.querySelector('.bar-track').getBoundingClientRect();
    return [r.querySelector('.bar-fill').getBoundingClientRect().width / track.width, track.width];
  }));
  const p = dist64(1).p;
  fills.forEach(([share, width], r) => {
    assert(Math.abs(share - p[r]) < 0.01, `bar ${r + 1} fills ${(share * 100).toFixed(1)}% of its track, its probability is ${(p[r] * 100).toFixed(1)}%`);
    assert(Math.abs(width - fills[0][1]) < 0.5, `bar ${r + 1}'s track is ${width} px, the first is ${fills[0][1]} px: not one scale`);
  });
  const ticks = await page.$$eval('.bar-axis-tick', (t) => t.map((x) => x.textContent));
  assert(ticks.join(' ') === '0% 25% 50% 75% 100%', `axis ticks ${ticks}`);
  const yTicks = await page.$$eval('.line-chart .tick', (t) => t.map((x) => x.textContent));
  assert(yTicks.includes('10⁻³') && !yTicks.some((t) => /e-/.test(t)), `rank chart ticks should be written 10⁻³: ${yTicks}`);
  // At T = 0.01 almost every token is exactly 0 in float32, and the page says so.
  await page.getByLabel('Type T').fill('0.01');
  await page.getByLabel('Type T').press('Enter');
  await page.waitForTimeout(100);
  const note = await page.textContent('.chart-note:not([hidden])');
  assert(/exactly 0 in float32/.test(note) && note.includes(`${(C - 1).toLocaleString('en-US')} of the`), `the underflow note: ${note}`);
  noProblems(problems, 'scale');
  await context.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Equation audit: every printed statistic against float64 over T.

const T_OF = (state) => state.temperature;
export const audit = {
  dims: ['temperature'],
  extraStates: [0.05, 0.1, 0.2, 1.5, 3.16].map((temperature) => ({ name: 'default', logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], temperature, smoothing: 0 })),
  settle: 900,
  read: `(async () => {
    const text = (n) => n?.textContent ?? '';
    const { makeVocabulary } = await import(location.origin + '/model/vocabulary.js');
    const v = makeVocabulary();
    const figure = document.querySelector('article.lesson figure.fixed-scale');
    return {
      checksum: v.logits.reduce((a, z, i) => a + z * ((i % 7) + 1), 0),
      caption: text(figure.querySelector('.chart-caption')),
      bars: [...figure.querySelectorAll('.bar-row')].map((r) => [text(r.querySelector('.bar-label')), text(r.querySelector('.bar-value'))]),
      table: [...figure.nextElementSibling.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
      readouts: Object.fromEntries([...document.querySelectorAll('dd[data-readout]')].map((d) => [d.dataset.readout, d.textContent])),
      ranks: [...[...document.querySelectorAll('article.lesson details.table-alt')].find((d) => /by rank/.test(text(d.querySelector('summary'))))
        .querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
      plot: document.querySelector('article.lesson svg.line-chart').getAttribute('aria-label'),
      notes: [...document.querySelectorAll('article.lesson .chart-note')].filter((n) => !n.hidden).map(text),
      asks: Object.fromEntries([...document.querySelectorAll('[data-question]')].map((q) => [q.dataset.question, text(q.querySelector('legend'))])),
    };
  })()`,
  check({ own, live }, state) {
    const T = T_OF(state);
    const d = dist64(T);
    const f = [];
    if (Math.abs(own.checksum - CHECKSUM) > 1e-9 * Math.abs(CHECKSUM)) return [`the page's vocabulary differs from the generator's (checksum ${own.checksum} vs ${CHECKSUM})`];
    // The top 10, on their bars and in their table.
    own.bars.forEach(([label, value], r) => {
      f.push(label === VOCABULARY.label(ORDER[r]) ? '' : `bar ${r + 1} is "${label}", rank ${r + 1} is "${VOCABULARY.label(ORDER[r])}"`);
      f.push(expectPrinted(`bar ${label}`, value, d.p[r]));
      const [, id, logit, p] = own.table[r];
      f.push(id === String(ORDER[r]) ? '' : `table row ${r + 1}: id ${id}, expected ${ORDER[r]}`);
      f.push(expectPrinted(`table ${label} logit`, logit, SORTED[r]));
      f.push(expectPrinted(`table ${label} probability`, p, d.p[r]));
    });
    const caption = /^Top 10 of 50,257 tokens at T = (\S+); the other 50,247 hold (.+)$/.exec(own.caption);
    if (!caption) f.push(`bar caption "${own.caption}"`);
    else f.push(expectPrinted('bar caption T', caption[1], T), expectPrinted('bar caption rest', caption[2], d.below(10)));
    // Readouts.
    const r = own.readouts;
    f.push(expectPrinted('top 50', r.top50, d.top(50)), expectPrinted('tail', r.tail, d.below(50)));
    f.push(expectPrinted('top-p 0.9 tokens', r.p90, d.nucleus(0.9)), expectPrinted('top-p 0.95 tokens', r.p95, d.nucleus(0.95)));
    const spread = /^(\S+) nats, perplexity (\S+)$/.exec(r.entropy);
    if (!spread) f.push(`entropy readout "${r.entropy}"`);
    else f.push(expectPrinted('entropy', spread[1], d.H), expectPrinted('perplexity', spread[2], Math.exp(d.H)));
    // The rank table: probability and the total down to each rank.
    for (const [rank, p, total] of own.ranks) {
      const k = Number(rank.replace(/,/g, ''));
      f.push(expectPrinted(`rank ${rank} probability`, p, d.p[k - 1]), expectPrinted(`total down to rank ${rank}`, total, d.top(k)));
    }
    if (own.ranks.length !== 12) f.push(`rank table has ${own.ranks.length} rows`);
    const plot = /at T = (\S+): rank 1 has (.+), rank 50 (.+), rank 50,257 (.+)\.$/.exec(own.plot);
    if (!plot) f.push(`rank chart summary "${own.plot}"`);
    else {
      f.push(expectPrinted('rank chart T', plot[1], T), expectPrinted('rank chart rank 1', plot[2], d.p[0]));
      f.push(expectPrinted('rank chart rank 50', plot[3], d.p[49]), expectPrinted('rank chart rank 50,257', plot[4], d.p[C - 1]));
    }
    // Underflow and the chart's floor.
    const zero = own.notes.map((n) => /^At T = (\S+), (\S+) of the 50,257 tokens have a probability of exactly 0 in float32.*ends at rank (\S+)\.$/.exec(n)).find(Boolean);
    if (d.flushed === 0 && zero) f.push(`an underflow note with no token flushed: ${zero[0]}`);
    if (d.flushed > 0) {
      if (!zero) f.push(`${d.flushed} tokens are 0 in float32 and no note says so`);
      else f.push(expectPrinted('underflow note T', zero[1], T), expectPrinted('underflow count', zero[2], d.flushed), expectPrinted('curve end rank', zero[3], C - d.flushed));
    }
    const floor = own.notes.map((n) => /^The (\S+) tokens after rank (\S+) have probabilities below 10⁻¹⁵/.exec(n)).find(Boolean);
    const drawn = d.p.findIndex((x) => x < 1e-15);
    const under = drawn < 0 ? 0 : C - drawn - d.flushed;
    if (under > 0 && !floor) f.push(`${under} tokens fall below the chart's floor and no note says so`);
    if (floor) f.push(expectPrinted('floor count', floor[1], under), expectPrinted('floor rank', floor[2], drawn));
    // The questions ask at this T.
    const ask = /^(?:Predict: )?At T = (\S+), what share/.exec(own.asks.top50);
    f.push(ask ? expectPrinted('top-50 question T', ask[1], T) : `top-50 question "${own.asks.top50}"`);
    const nucleus = /^(?:Predict: )?(Raise|Lower) T from (\S+) to (\S+)\./.exec(own.asks.nucleus);
    f.push(nucleus ? expectPrinted('nucleus question T', nucleus[2], T) : `nucleus question "${own.asks.nucleus}"`);
    // The live region: "T 1: top token  mat 33.0%."
    const label = VOCABULARY.label(ORDER[0]);
    const said = live.map((t) => /^T (\S+): top token (.*)\.$/.exec(t)).find(Boolean);
    if (!said || !said[2].startsWith(`${label} `)) f.push(`live region ${JSON.stringify(live)}`);
    else {
      const [value, ...more] = said[2].slice(label.length + 1).split('; ');
      f.push(expectPrinted('live T', said[1], T), expectPrinted('live top token', value, d.p[0]));
      if (more.length) f.push(`the live region announces a gated value: ${more.join('; ')}`);
    }
    return f;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (float64).

export const quiz = {
  top50(state, { choices }) {
    const mass = dist64(state.temperature).top(50);
    return choices.map((c) => (/over 99\.9%/.test(c) ? mass > 0.999 : /^Most of it/.test(c) ? mass >= 0.5 && mass <= 0.999
      : /^Less than half/.test(c) ? mass < 0.5 : false));
  },
  nucleus(state, { ask, choices }) {
    const m = /^(Raise|Lower) T from (\S+) to (\S+)\./.exec(ask);
    if (!m || Number(m[2]) !== state.temperature) return choices.map(() => false);
    const T2 = Number(m[3]);
    const a = dist64(state.temperature).nucleus(0.9);
    const b = dist64(T2).nucleus(0.9);
    // Raising T must raise it by half, lowering must lower it by a third (the question's own claim of "one step").
    const up = m[1] === 'Raise';
    if (up ? Math.abs(T2 / state.temperature - 1.5) > 0.01 : Math.abs(state.temperature / T2 - 1.5) > 0.01) return choices.map(() => false);
    const ratio = up ? b / a : a / b;
    return choices.map((c) => {
      if (/^Fewer than twice/.test(c) || /^More than half/.test(c)) return ratio < 2;
      if (/^At least twice, but under 20 times/.test(c) || /^Half as many or fewer, but more than a twentieth/.test(c)) return ratio >= 2 && ratio < 20;
      if (/^20 times as many or more/.test(c) || /^A twentieth as many or fewer/.test(c)) return ratio >= 20;
      return false;
    });
  },
};
