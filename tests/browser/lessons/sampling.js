// The sampling lesson: what it shows, checked against the module and float64 (the filtered distribution from
// samplingRef, each draw replayed from its seed: splitmix64 → u, then the kept tokens walked in vocabulary order).
import { firstUniform, samplingRef, softmaxRef } from '../../js/reference.js';
import { expectPrinted } from '../audit/printed.js';
import { answerShown } from '../audit.js';
import { check, assert, open, noProblems, ready } from '../harness.js';

// ---------------------------------------------------------------------------------------------------------------
// float64 replay of lab.sample (src/core/sample.cc: u = reference.js's firstUniform, SplitMix64's first double; kept
// tokens in ascending order, the first whose running total passes u; the last kept token catches a u that rounds up).

const options = (s) => ({ temperature: s.temperature, topK: s.topK ?? 0, topP: s.topP ?? 1, minP: s.minP ?? 0, temperatureLast: Boolean(s.temperatureLast) });
// The module reads float32 logits: the reference filters the same values.
const f32 = (z) => z.map((v) => (v === -Infinity ? v : Math.fround(v)));
export const filtered = (s, extra = {}) => samplingRef(f32(s.logits), { ...options(s), ...extra });

export function replayDraws(s, count) {
  const { kept, probabilities } = filtered(s);
  const seed = s.seed ?? 42;
  const tokens = [];
  for (let i = 0; i < count; ++i) {
    const u = firstUniform((seed + i) >>> 0);
    let total = 0;
    let token = -1;
    for (const c of kept) {
      token = c;
      total += probabilities[c];
      if (u < total) break;
    }
    tokens.push(token);
  }
  return tokens;
}

const sortedIds = (z) => [...z.keys()].sort((a, b) => (z[b] - z[a]) || (a - b));
const quoted = (names) => names.map((n) => `“${n}”`);
const listed = (names) => (names.length <= 1 ? quoted(names).join('') : `${quoted(names).slice(0, -1).join(', ')} and ${quoted(names).at(-1)}`);

// ---------------------------------------------------------------------------------------------------------------
// Behaviour

const drawsTable = (page) => page.$$eval('.draw-part details.table-alt tbody tr', (trs) => trs.map((tr) => {
  const td = tr.querySelectorAll('td');
  return { token: tr.querySelector('th').textContent, q: td[0].dataset.value === undefined ? 0 : Number(td[0].dataset.value), count: Number(td[1].dataset.value) };
}));
const drawn = (page, n) => page.waitForFunction((k) => document.querySelector('[data-readout="draws"]')?.dataset.value === String(k)
  && !/of/.test(document.querySelector('[data-readout="draws"]').textContent), n);

check('sampling: the same seed gives the same histogram twice; it tracks the probabilities; another seed differs; a link reproduces it', async () => {
  const { page, problems, context } = await open('?lesson=sampling&seed=7');
  await ready(page);
  const counts = (rows) => rows.map((r) => `${r.token}:${r.count}`).join(',');
  await page.click('button[data-draw="10000"]');
  await drawn(page, 10000);
  const first = await drawsTable(page);
  const replay = replayDraws({ logits: [2, 1, 0.1, 0.6, -0.8, -2], temperature: 1, seed: 7 }, 10000);
  const labels = ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'];
  first.forEach((r) => {
    const want = replay.filter((t) => labels[t] === r.token).length;
    assert(r.count === want, `${r.token}: drawn ${r.count} times, the float64 replay of the seeds gives ${want}`);
  });
  await page.getByRole('button', { name: 'Clear the draws' }).click();
  await drawn(page, 0);
  await page.click('button[data-draw="10000"]');
  await drawn(page, 10000);
  const second = await drawsTable(page);
  assert(counts(first) === counts(second), `seed 7 twice gave different histograms: ${counts(first)} vs ${counts(second)}`);
  const total = first.reduce((t, r) => t + r.count, 0);
  assert(total === 10000, `counts sum to ${total}, not 10,000`);
  first.forEach((r) => {
    const share = r.count / 10000;
    // 10,000 draws: a share lies within 4.5 standard deviations of its probability.
    const tolerance = 4.5 * Math.sqrt((r.q * (1 - r.q)) / 10000) + 1e-4;
    assert(Math.abs(share - r.q) <= tolerance, `${r.token}: drew ${share}, probability ${r.q} (tolerance ${tolerance.toFixed(4)})`);
  });
  const seed = page.getByLabel('Seed', { exact: true });
  await seed.fill('8');
  await seed.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-readout="last"]').textContent.includes('seed 10007'));
  const other = await drawsTable(page);
  assert(counts(other) !== counts(first), `seeds 7 and 8 gave the same histogram ${counts(first)}`);
  await seed.fill('7');
  await seed.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-readout="last"]').textContent.includes('seed 10006'));
  await page.waitForFunction(() => location.search.includes('draws=10000') && location.search.includes('seed=7'));
  const link = new URL(page.url()).search;
  noProblems(problems, 'sampling');
  await context.close();
  // The link alone reproduces the histogram in a fresh browser context.
  const again = await open(link);
  await ready(again.page);
  await drawn(again.page, 10000);
  const reopened = await drawsTable(again.page);
  assert(counts(reopened) === counts(first), `opening the shared link ${link} gave ${counts(reopened)}, expected ${counts(first)}`);
  noProblems(again.problems, 'sampling link');
  await again.context.close();
});

check('sampling: top-k keeps k tokens and draws only those; the two orders are shown; the cut waits for the prediction', async () => {
  const { page, problems, context } = await open('?lesson=sampling&seed=3&topk=2&draws=2000');
  await ready(page);
  await drawn(page, 2000);
  const gated = await page.$$eval('.filter-part, .draw-part', (parts) => parts.map((p) => p.classList.contains('gated') && p.inert));
  assert(gated.every(Boolean), `with top-k on, the charts that show the cut wait for the top-k prediction: ${gated}`);
  const rows = await page.$$eval('.filter-table tbody tr', (trs) => trs.map((tr) => tr.querySelectorAll('td')[3].textContent));
  assert(rows.filter((k) => k === 'yes').length === 2, `top-k = 2 should keep 2 tokens, the table says ${rows}`);
  const draws = await drawsTable(page);
  const keptNames = await page.$$eval('.filter-table tbody tr', (trs) => trs.filter((tr) => tr.querySelectorAll('td')[3].textContent === 'yes').map((tr) => tr.querySelector('th').textContent));
  draws.forEach((r) => assert(keptNames.includes(r.token) || r.count === 0, `${r.token} is dropped but was drawn ${r.count} times`));
  const first = await page.textContent('[data-readout="first"]');
  const last = await page.textContent('[data-readout="lastOrder"]');
  assert(/\(2 tokens\)/.test(first) && /\(2 tokens\)/.test(last), `both orders keep 2 with top-k: ${first} / ${last}`);
  const q = page.locator('[data-question="topk"]');
  await q.getByLabel('At most 2').check();
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  const open1 = await page.$$eval('.filter-part, .draw-part', (parts) => parts.every((p) => !p.classList.contains('gated') && !p.inert));
  assert(open1, 'after the prediction the charts open');
  noProblems(problems, 'sampling top-k');
  await context.close();
});

check('sampling: Draw 1 throws a dart at the seed\'s u onto the drawn token; the drawn tokens are listed; past 30,000 draws it says so', async () => {
  const { page, problems, context } = await open('?lesson=sampling&seed=11&topp=0.8&temperature=0.7');
  await ready(page);
  const state = { logits: [2, 1, 0.1, 0.6, -0.8, -2], temperature: 0.7, topP: 0.8, seed: 11 };
  const labels = ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'];
  for (let n = 1; n <= 3; ++n) {
    await page.click('button[data-draw="1"]');
    await drawn(page, n);
    const text = await page.textContent('.dart-text');
    const seed = 11 + n - 1;
    const u = firstUniform(seed);
    const token = labels[replayDraws(state, n)[n - 1]];
    const m = /^Draw (\d+) used seed (\d+): u = ([\d.]+), which falls in “(.+)”, from ([\d.]+) to ([\d.]+)\.$/.exec(text);
    assert(m && Number(m[1]) === n && Number(m[2]) === seed && m[4] === token, `draw ${n}: "${text}" (seed ${seed}, token ${token})`);
    assert(!expectPrinted('u', m[3], u), expectPrinted('u', m[3], u));
    assert(Number(m[5]) - 0.0005 <= u && u <= Number(m[6]) + 0.0005, `u = ${u} should lie in the printed segment ${m[5]}–${m[6]}`);
    const left = await page.$eval('.dart', (d) => parseFloat(d.style.left));
    assert(Math.abs(left - u * 100) < 1e-3, `the dart stands at ${left}%, u is ${u}`);
    const hit = await page.$eval('.dart-segment.hit', (s) => s.textContent);
    assert(hit === token, `the lit segment is ${hit}, the draw is ${token}`);
  }
  const recent = await page.textContent('.recent-draws');
  const want = replayDraws(state, 3).map((t) => labels[t]).join(' ');
  assert(recent.endsWith(`oldest first: ${want}`), `the drawn tokens: "${recent}", expected "${want}"`);
  // The limit: a clear message, never a silent no-op.
  await page.goto(new URL('?lesson=sampling&draws=29990', page.url()).href);
  await ready(page);
  await drawn(page, 29990);
  await page.click('button[data-draw="100"]');
  await drawn(page, 30000);
  assert(/Only 10 more/.test(await page.textContent('.limit-note')), `adding 100 to 29,990: ${await page.textContent('.limit-note')}`);
  // The spent buttons say so (aria-disabled) but still answer a click, with the reason.
  await page.click('button[data-draw="1"]', { force: true });
  assert(/stops at 30,000 draws/.test(await page.textContent('.limit-note')), `a click past 30,000: ${await page.textContent('.limit-note')}`);
  assert(await page.getAttribute('button[data-draw="1"]', 'aria-disabled') === 'true', 'the draw buttons say they are spent');
  noProblems(problems, 'sampling dart');
  await context.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Equation audit (tests/browser/audit.js): every number printed against float64. The grid leaves the filters off;
// the extra states turn them on, in both orders, with draws.

const state = (name, set, extra) => ({ name, logits: set.logits, labels: set.labels, temperature: 1, ...extra });
const DEFAULT = { logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'] };
const MASKED = { logits: [2, -Infinity, 1, 0.5], labels: ['cat', 'dog', 'apple', 'bird'] };
const ARTICLE = { logits: [12.4, -3.2, 0.1], labels: ['cat', 'dog', 'apple'] };

export const audit = {
  dims: ['logits', 'temperature'],
  extraStates: [
    state('p 0.9, min-p 0.2, T first', DEFAULT, { temperature: 2, topP: 0.9, minP: 0.2 }),
    state('p 0.9, min-p 0.2, T last', DEFAULT, { temperature: 2, topP: 0.9, minP: 0.2, temperatureLast: true }),
    state('top-k 2', DEFAULT, { temperature: 0.5, topK: 2, draws: 150, seed: 5 }),
    state('all three, T last, draws', DEFAULT, { temperature: 1.5, topK: 4, topP: 0.8, minP: 0.1, temperatureLast: true, draws: 200, seed: 7 }),
    state('top-p, draws', DEFAULT, { temperature: 1, topP: 0.6, draws: 37, seed: 4000000000 }),
    state('article, top-p', ARTICLE, { topP: 0.9, draws: 50 }),
    state('masked, min-p', MASKED, { temperature: 3, minP: 0.3, draws: 100, seed: 1 }),
    state('two, top-k 1', { logits: [1.5, -0.5], labels: ['yes', 'no'] }, { topK: 1, draws: 3 }),
    state('large, cold', { logits: [1000, 999, 998], labels: ['cat', 'dog', 'apple'] }, { temperature: 0.01, topP: 0.5, draws: 20 }),
    state('one draw', DEFAULT, { temperature: 0.8, draws: 1, seed: 99 }),
  ],
  // Answer both questions first: the reveals are then on the page, and the gates open.
  async prepare(page) {
    await answerShown(page, ['topk', 'topp-temperature']);
    await page.waitForFunction(() => !/of/.test(document.querySelector('[data-readout="draws"]').textContent));
  },
  read: `(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? null;
    return {
      sorted: [...document.querySelectorAll('.sorted-row')].map((r) => [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent, r.dataset.token]),
      caption: text('.sorted-chart .chart-caption'),
      legend: [...document.querySelectorAll('.sorted-chart .legend-item')].map((n) => n.textContent),
      table: [...document.querySelectorAll('.filter-table tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
      kept: { first: text('[data-readout="first"]'), last: text('[data-readout="lastOrder"]') },
      draws: text('[data-readout="draws"]'),
      last: text('[data-readout="last"]'),
      dart: text('.dart-text'),
      segments: [...document.querySelectorAll('.dart-segment')].map((s) => [s.textContent, s.style.left, s.style.width]),
      recent: text('.recent-draws'),
      histogram: [...document.querySelectorAll('.draw-part .bar-row')].map((r) => [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent]),
      histogramTable: [...document.querySelectorAll('.draw-part details.table-alt tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
      askTopP: document.querySelector('[data-question="topp-temperature"] legend')?.textContent ?? null,
      revealTopP: text('[data-question="topp-temperature"] .feedback p:not(.verdict)'),
      revealTopK: text('[data-question="topk"] .feedback p:not(.verdict)'),
      live: document.querySelector('article > [aria-live]')?.textContent ?? '',
    };
  })()`,
  check({ own }, s) {
    const failures = [];
    const o = options(s);
    const C = s.logits.length;
    const seeT = o.temperatureLast ? 1 : o.temperature;
    const seen = softmaxRef(s.logits, { temperature: seeT });
    const { kept, probabilities: q } = filtered(s);
    const keptSet = new Set(kept);
    const order = sortedIds(s.logits);
    const afterK = o.topK > 0 ? filtered({ ...s, topP: 1, minP: 0, temperatureLast: false, temperature: seeT, topK: o.topK }).probabilities : seen;
    const topKSet = new Set(o.topK > 0 ? order.filter((i) => s.logits[i] !== -Infinity).slice(0, o.topK) : order.filter((i) => s.logits[i] !== -Infinity));
    const name = (i) => s.labels[i];
    // The sorted chart: order, "before → after".
    if (own.sorted.length !== C) failures.push(`${own.sorted.length} sorted rows for ${C} tokens`);
    own.sorted.forEach(([label, text, token], k) => {
      const i = order[k];
      if (Number(token) !== i || label !== name(i)) failures.push(`sorted row ${k + 1} is ${label}, expected ${name(i)}`);
      const [before, after] = text.split(' → ');
      failures.push(expectPrinted(`sorted ${label} before`, before, seen[i]));
      if (keptSet.has(i)) failures.push(expectPrinted(`sorted ${label} after`, after, q[i]));
      else if (after !== 'dropped') failures.push(`sorted ${label}: dropped by the filters but shows "${text}"`);
    });
    const keptCount = /^(\d+) tokens? kept/.exec(own.caption ?? '');
    if (Number(keptCount?.[1]) !== kept.length) failures.push(`caption "${own.caption}": ${kept.length} kept`);
    // The filters' table: logit, before, the running total top-p reads, kept, renormalised.
    let running = 0;
    own.table.forEach((cells, k) => {
      const i = order[k];
      const where = `filter table ${cells[0]}`;
      if (cells[0] !== name(i)) failures.push(`${where}: expected ${name(i)} in row ${k + 1}`);
      failures.push(expectPrinted(`${where} logit`, cells[1], s.logits[i]));
      failures.push(expectPrinted(`${where} before`, cells[2], seen[i]));
      if (topKSet.has(i)) {
        running += afterK[i];
        failures.push(expectPrinted(`${where} running total`, cells[3], running));
      } else if (cells[3] !== '—') failures.push(`${where}: running total "${cells[3]}" for a token top-k drops`);
      if (cells[4] !== (keptSet.has(i) ? 'yes' : 'no')) failures.push(`${where}: kept "${cells[4]}"`);
      if (keptSet.has(i)) failures.push(expectPrinted(`${where} renormalised`, cells[5], q[i]));
      else if (cells[5] !== '—') failures.push(`${where}: renormalised "${cells[5]}" for a dropped token`);
    });
    // The legend's numbers.
    const legend = own.legend.join(' | ');
    const seeing = /before the filters, at T = ([\d.]+)/.exec(legend);
    if (!seeing || Number(seeing[1]) !== seeT) failures.push(`legend: the filters see T = ${seeT}: "${legend}"`);
    const topP = /top-p = ([\d.]+)/.exec(legend);
    if ((o.topP < 1) !== Boolean(topP) || (topP && Number(topP[1]) !== o.topP)) failures.push(`legend top-p: "${legend}"`);
    const minP = /min-p line: ([\d.]+) × ([\d.]+%) = ([\d.]+%|[\d.]+ × 10\S+)/.exec(legend);
    if ((o.minP > 0) !== Boolean(minP)) failures.push(`legend min-p: "${legend}"`);
    if (minP) {
      const top = Math.max(...seen);
      failures.push(expectPrinted('legend min-p', minP[1], o.minP), expectPrinted('legend top p', minP[2], top), expectPrinted('legend min-p line', minP[3], o.minP * top));
    }
    const topK = /top-k = (\d+)/.exec(legend);
    const cuts = o.topK > 0 && o.topK < s.logits.filter(Number.isFinite).length;
    if (cuts !== Boolean(topK) || (topK && Number(topK[1]) !== o.topK)) failures.push(`legend top-k: "${legend}"`);
    // Both orders' kept sets.
    for (const [key, last] of [['first', false], ['last', true]]) {
      const k = filtered({ ...s, temperatureLast: last }).kept;
      const want = `${listed(k.map(name))} (${k.length} token${k.length === 1 ? '' : 's'})`;
      if (own.kept[key] !== want) failures.push(`temperature ${key} keeps "${own.kept[key]}", expected "${want}"`);
    }
    // Draws: counts replayed from the seeds, shares, the last draw, its dart, the recent tokens.
    const n = s.draws ?? 0;
    const replay = replayDraws(s, n);
    const counts = Array(C).fill(0);
    for (const t of replay) counts[t] += 1;
    if (own.draws !== n.toLocaleString('en-US')) failures.push(`draws so far "${own.draws}", expected ${n}`);
    if (n) {
      const seed = ((s.seed ?? 42) + n - 1) >>> 0;
      const lastToken = replay[n - 1];
      if (own.last !== `${name(lastToken)} (seed ${seed})`) failures.push(`last token "${own.last}", expected ${name(lastToken)} (seed ${seed})`);
      const m = /^Draw ([\d,]+) used seed (\d+): u = ([\d.]+), which falls in “(.+)”, from ([\d.]+) to ([\d.]+)\.$/.exec(own.dart ?? '');
      if (!m) failures.push(`dart: "${own.dart}"`);
      else {
        let from = 0;
        for (const c of kept) {
          if (c === lastToken) break;
          from += q[c];
        }
        if (m[1].replace(/,/g, '') !== String(n) || Number(m[2]) !== seed || m[4] !== name(lastToken)) failures.push(`dart: "${own.dart}"`);
        failures.push(expectPrinted('dart u', m[3], firstUniform(seed)), expectPrinted('dart from', m[5], from), expectPrinted('dart to', m[6], from + q[lastToken]));
      }
      const names = replay.slice(-24).map(name).join(' ');
      if (!own.recent.endsWith(`oldest first: ${names}`) || !own.recent.startsWith(`The last ${Math.min(n, 24)} draw`)) failures.push(`recent draws "${own.recent}", expected ${names}`);
    } else if (own.last !== '—') failures.push(`last token "${own.last}" before any draw`);
    own.histogram.forEach(([label, text], k) => {
      const i = order[k];
      if (label !== name(i)) failures.push(`histogram row ${k + 1} is ${label}, expected ${name(i)}`);
      if (!n) {
        if (text !== (keptSet.has(i) ? '—' : 'dropped')) failures.push(`histogram ${label} before any draw: "${text}"`);
        return;
      }
      const hm = /^(.+) \(([\d,]+)\)$/.exec(text);
      if (!hm || Number(hm[2].replace(/,/g, '')) !== counts[i]) failures.push(`histogram ${label}: "${text}", the seeds give ${counts[i]} draws`);
      else failures.push(expectPrinted(`histogram ${label} share`, hm[1], counts[i] / n));
    });
    own.histogramTable.forEach((cells, k) => {
      const i = order[k];
      if (keptSet.has(i)) failures.push(expectPrinted(`draws table ${cells[0]} renormalised`, cells[1], q[i]));
      else if (cells[1] !== 'dropped') failures.push(`draws table ${cells[0]}: "${cells[1]}" for a dropped token`);
      if (Number(cells[2].replace(/,/g, '')) !== counts[i]) failures.push(`draws table ${cells[0]}: ${cells[2]} draws, the seeds give ${counts[i]}`);
      failures.push(expectPrinted(`draws table ${cells[0]} share`, cells[3], n ? counts[i] / n : 0));
    });
    // The live region: the counts, or the kept set.
    if (own.live) {
      if (n) {
        const lm = /^([\d,]+) draws\. (.*)\.$/.exec(own.live);
        if (!lm || Number(lm[1].replace(/,/g, '')) !== n) failures.push(`live region: "${own.live}"`);
        else lm[2].split(', ').forEach((part) => {
          const [, label, count] = /^(.*) ([\d,]+)$/.exec(part) ?? [];
          const i = s.labels.indexOf(label);
          if (i < 0 || Number(count.replace(/,/g, '')) !== counts[i]) failures.push(`live region "${part}": the seeds give ${counts[i]}`);
        });
      } else if (own.live !== `Kept: ${listed(kept.map(name))} (${kept.length} token${kept.length === 1 ? '' : 's'}).`) failures.push(`live region: "${own.live}"`);
    }
    // The questions, phrased for this state, and their reveals.
    if (own.askTopP) {
      const p = o.topP < 1 ? o.topP : 0.9;
      const halve = o.temperature >= 0.02;
      const next = halve ? o.temperature / 2 : 2 * o.temperature;
      const am = /top-p = ([\d.]+) is on, temperature (first|last)\. If you (halve|double) T from ([\d.]+) to ([\d.]+),/.exec(own.askTopP);
      if (!am || am[2] !== (o.temperatureLast ? 'last' : 'first') || am[3] !== (halve ? 'halve' : 'double')) failures.push(`top-p question: "${own.askTopP}"`);
      else failures.push(expectPrinted('top-p question p', am[1], p), expectPrinted('top-p question T', am[4], o.temperature), expectPrinted('top-p question new T', am[5], next));
      if (own.revealTopP) {
        const a = filtered({ ...s, topK: 0, minP: 0, topP: p }).kept;
        const b = filtered({ ...s, topK: 0, minP: 0, topP: p, temperature: next }).kept;
        const rm = /keeps (\d+) tokens? \((.*?)\); at T = ([\d.]+) it keeps (\d+) tokens? \((.*?)\)\./.exec(own.revealTopP);
        if (!rm || Number(rm[1]) !== a.length || rm[2] !== listed(a.map(name)) || Number(rm[4]) !== b.length || rm[5] !== listed(b.map(name)))
          failures.push(`top-p reveal "${own.revealTopP}": ${a.length} then ${b.length}`);
      }
    }
    if (own.revealTopK) {
      const k2 = filtered({ ...s, topK: 2, topP: 1, minP: 0 }).kept;
      if (!own.revealTopK.startsWith(`Top-k = 2 keeps ${listed(k2.map(name))};`)) failures.push(`top-k reveal "${own.revealTopK}"`);
    }
    return failures;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (tests/browser/quiz.js), in float64 on the filtered distribution.

const fmtT = (t) => String(Number(t.toPrecision(4)));
export const quiz = {
  // Top-k = 2 keeps 2 tokens: "at most 2" is true; "all of them" is true only when no more than 2 are unmasked.
  topk(s, { choices }) {
    const unmasked = s.logits.filter(Number.isFinite).length;
    if (!choices[1].startsWith(`All ${unmasked} of them`)) return [false, false, false];
    const k = filtered(s, { topK: 2, topP: 1, minP: 0 }).kept.length;
    return [k <= 2, k >= unmasked, false];
  },
  // The nucleus at T and at T halved (doubled below 0.02), alone, in the learner's order.
  'topp-temperature'(s, { ask }) {
    const p = s.topP < 1 ? s.topP : 0.9;
    const halve = s.temperature >= 0.02;
    const next = halve ? s.temperature / 2 : 2 * s.temperature;
    const phrase = `top-p = ${p} is on, temperature ${s.temperatureLast ? 'last' : 'first'}. If you ${halve ? 'halve' : 'double'} T from ${fmtT(s.temperature)} to ${fmtT(next)},`;
    if (!ask.includes(phrase)) return [false, false, false];
    const a = filtered(s, { topK: 0, minP: 0, topP: p }).kept.length;
    const b = filtered({ ...s, temperature: next }, { topK: 0, minP: 0, topP: p }).kept.length;
    return [b > a, b < a, b === a];
  },
};
