// The tests' one float64 reference for logitlab (tests/js, tests/bench and tests/package use it), written from API.md
// and PyTorch's documented semantics, never from the core's code; plus the seeded generators (sfc32, mulberry32, and
// the sampler's SplitMix64) and the tolerance checks the tests share.
//
// Every function takes plain numbers (arrays or typed arrays) and computes in double without rounding its inputs, so
// central finite differences of its losses are meaningful. Tests feed it the values the library sees: float32 logits,
// and (the differential suite) temperatures and options rounded to float32.
import assert from 'node:assert/strict';

// ---------------------------------------------------------------------------------------------------------------
// Seeded data

// sfc32, seeded: uniform numbers in [0, 1), the first `skip` thrown away. For the hardening suites' reproducible cases.
export function sfc32(seed, skip = 0) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let k = 0; k < skip; ++k) next();
  return next;
}

// mulberry32: uniform numbers in [0, 1) from a small seeded generator (the benchmark's logits come from it too).
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// mulberry32 with the draws tests need, so every random test is reproducible from the seed in its failure message.
export function rng(seed) {
  const next = mulberry32(seed);
  const normal = () => {
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    normal,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
  };
}

// n float32 logits: normal with the given spread around `centre`, or uniform in [lo, hi].
export function randomLogits(r, n, { spread = 3, centre = 0, lo, hi } = {}) {
  const z = new Float32Array(n);
  for (let i = 0; i < n; ++i) z[i] = lo !== undefined ? r.uniform(lo, hi) : centre + spread * r.normal();
  return z;
}

// Soft targets: rows rows of C float32 probabilities summing to 1, with some exact zeros.
export function randomSoftTargets(r, rows, C, { zeros = 0.3 } = {}) {
  const t = new Float32Array(rows * C);
  for (let i = 0; i < rows; ++i) {
    let sum = 0;
    for (let c = 0; c < C; ++c) {
      const v = r.next() < zeros ? 0 : r.next();
      t[i * C + c] = v;
      sum += v;
    }
    if (sum === 0) {
      t[i * C] = 1;
      sum = 1;
    }
    for (let c = 0; c < C; ++c) t[i * C + c] /= sum;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------------------
// The reference

function rowCount(x, rows) {
  const C = x.length / rows;
  assert.ok(Number.isInteger(C), `reference: ${x.length} values do not split into ${rows} rows`);
  return C;
}

// One row's softmax quantities, z[start, start + C) at temperature T: the max, x = (z - max) / T (-Infinity where
// masked), sum exp(x), log-sum-exp, probabilities, log-probabilities and entropy.
export function rowRef(z, start, C, T) {
  let max = -Infinity;
  for (let c = 0; c < C; ++c) max = Math.max(max, Number(z[start + c]));
  const x = new Float64Array(C);
  let sum = 0;
  for (let c = 0; c < C; ++c) {
    const v = Number(z[start + c]);
    x[c] = v === -Infinity ? -Infinity : (v - max) / T;
    sum += Math.exp(x[c]);
  }
  const logSum = Math.log(sum);
  const p = new Float64Array(C);
  const logp = new Float64Array(C);
  let entropy = 0;
  for (let c = 0; c < C; ++c) {
    p[c] = Math.exp(x[c]) / sum;
    logp[c] = x[c] - logSum;
    if (p[c] > 0) entropy -= p[c] * logp[c];
  }
  return { max, x, sum, lse: max / T + logSum, p, logp, entropy };
}

export function rowRefs(z, { temperature = 1, rows = 1 } = {}) {
  const C = rowCount(z, rows);
  return Array.from({ length: rows }, (_, r) => rowRef(z, r * C, C, temperature));
}

// log softmax(z / T) of each row, flat Float64Array.
export function logSoftmaxRef(z, options = {}) {
  const out = new Float64Array(z.length);
  rowRefs(z, options).forEach((ref, r) => out.set(ref.logp, r * ref.p.length));
  return out;
}

export function softmaxRef(z, options = {}) {
  const out = new Float64Array(z.length);
  rowRefs(z, options).forEach((ref, r) => out.set(ref.p, r * ref.p.length));
  return out;
}

export function logSumExpRef(z, options = {}) {
  return rowRefs(z, options).map((ref) => ref.lse);
}

export function entropyRef(z, options = {}) {
  return rowRefs(z, options).map((ref) => ref.entropy);
}

function isSoft(target) {
  return target instanceof Float32Array || target instanceof Float64Array;
}

// PyTorch's cross_entropy(z / T, target, reduction, label_smoothing, ignore_index, weight), except that a 'mean' over
// nothing is 0, a zero coefficient contributes 0 (0 log 0 = 0) and a positive one on a masked class gives +Infinity.
// Row r's loss is sum_c a_c (-log p_c) with a_c = w_c t'_c, t' = (1 - eps) y + eps / C the smoothed target.
// Returns { loss: number | Float64Array (none), perRow, counted (each row's share of the mean's denominator), ignored,
// grad (d loss / dz, raw logits: (p_c sum_k a_k - a_c) / (T d)), scale (per row: sum_k a_k / (T d), the size of the
// gradient's p term), own(r, c) (a_c / (T d)), refs (rowRef of each row) }.
export function crossEntropyParts(z, target, o = {}) {
  const { temperature: T = 1, rows = 1, reduction = 'mean', labelSmoothing: eps = 0, ignoreIndex = -100, weight } = o;
  const C = rowCount(z, rows);
  const soft = isSoft(target);
  const indices = soft ? null : typeof target === 'number' ? [target] : Array.from(target);
  const w = (c) => (weight ? Number(weight[c]) : 1);
  const a = (r, c) => w(c) * ((1 - eps) * (soft ? Number(target[r * C + c]) : indices[r] === c ? 1 : 0) + eps / C);
  const refs = rowRefs(z, { temperature: T, rows });
  const perRow = new Float64Array(rows);
  const counted = new Float64Array(rows);
  const ignored = new Uint8Array(rows);
  for (let r = 0; r < rows; ++r) {
    ignored[r] = !soft && indices[r] === ignoreIndex ? 1 : 0;
    if (ignored[r]) continue;
    counted[r] = soft ? 1 : w(indices[r]);
    for (let c = 0; c < C; ++c) {
      const coef = a(r, c);
      if (coef !== 0) perRow[r] -= coef * refs[r].logp[c];  // 0 log 0 = 0
    }
  }
  let total = 0;
  for (const v of perRow) total += v;
  let d = 0;
  for (const v of counted) d += v;
  const denominator = reduction === 'mean' ? d : 1;
  const loss = reduction === 'none' ? perRow : denominator === 0 ? 0 : total / denominator;
  const grad = new Float64Array(rows * C);
  const scale = new Float64Array(rows);
  const own = (r, c) => (ignored[r] || denominator === 0 ? 0 : a(r, c) / (T * denominator));
  for (let r = 0; r < rows; ++r) {
    if (ignored[r] || denominator === 0) continue;
    let mass = 0;
    for (let c = 0; c < C; ++c) mass += a(r, c);
    scale[r] = mass / (T * denominator);
    for (let c = 0; c < C; ++c) grad[r * C + c] = refs[r].p[c] * scale[r] - own(r, c);
  }
  return { loss, perRow, counted, ignored, grad, scale, own, refs };
}

export function crossEntropyRef(z, target, options = {}) {
  return crossEntropyParts(z, target, options).loss;
}

export function crossEntropyGradRef(z, target, options = {}) {
  return crossEntropyParts(z, target, options).grad;
}

// Central finite differences of f at z (f: Float64Array -> number), step h.
export function finiteDifferences(f, z, h = 1e-5) {
  const x = Float64Array.from(z);
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; ++i) {
    const keep = x[i];
    x[i] = keep + h;
    const up = f(x);
    x[i] = keep - h;
    const down = f(x);
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

// The k largest values, largest first, ties to the lower index.
export function topKRef(z, k) {
  const indices = orderOf(z, { masked: true }).slice(0, k);
  return { indices, values: indices.map((i) => z[i]) };
}

// Classes by value, largest first, ties to the lower index (a native sort of the distinct values: fast at 70,000);
// -Infinity (masked) classes only when `masked`.
export function orderOf(values, { masked = false } = {}) {
  const byValue = new Map();
  for (let c = 0; c < values.length; ++c) {
    const v = Number(values[c]);
    if (v === -Infinity && !masked) continue;
    const list = byValue.get(v);
    if (list) list.push(c);
    else byValue.set(v, [c]);
  }
  const order = [];
  for (const v of Float64Array.from(byValue.keys()).sort().reverse()) for (const c of byValue.get(v)) order.push(c);
  return order;
}

// The distribution `sample` draws from, per API.md: repetition penalty, temperature, top-k, top-p (smallest prefix of
// the most likely tokens whose probability reaches p), min-p (keep p >= minP * p_max); or temperature last.
// Returns { kept: ascending indices, probabilities: Float64Array(C), 0 outside the kept set }, and for checks that
// allow rounding: the kept set is a prefix of `order` (unmasked classes, best first) whose length lies in
// [minKeep, maxKeep], the lengths when top-p's goal and min-p's bound move by a relative `slack` (they differ only
// where a probability sits on a boundary); `scaled`, the logits after penalty and temperature.
export function samplingRef(z, o = {}, { slack = 1e-9 } = {}) {
  const { temperature: T = 1, topK = 0, topP = 1, minP = 0, repetitionPenalty = 1, history = [] } = o;
  const C = z.length;
  const s = Float64Array.from(z, Number);
  const penalised = new Uint8Array(C);
  for (const token of history) penalised[token] = 1;  // each token once, however often it appears
  for (let c = 0; c < C; ++c)
    if (penalised[c] && repetitionPenalty !== 1) s[c] = s[c] > 0 ? s[c] / repetitionPenalty : s[c] * repetitionPenalty;
  const scaled = s.map((v) => v / T);
  const filtered = o.temperatureLast ? s : scaled;
  const order = orderOf(filtered);
  const k0 = topK ? Math.min(topK, order.length) : order.length;
  const w = new Float64Array(k0);  // relative to the best class
  for (let i = 0; i < k0; ++i) w[i] = Math.exp(filtered[order[i]] - filtered[order[0]]);
  let total = 0;
  for (const v of w) total += v;
  const keep = (f) => Math.min(topPKeep(w, topP, total * f), minPKeep(w, minP / f));
  const ref = { scaled, order, minKeep: keep(1 - slack), maxKeep: keep(1 + slack) };
  const exact = keep(1);
  ref.kept = order.slice(0, exact).sort((a, b) => a - b);
  ref.probabilities = keptProbabilities(ref, exact);
  return ref;
}

// How many of the best classes (weights w, best first) top-p keeps: the shortest prefix reaching topP * total.
function topPKeep(w, topP, total) {
  if (!(topP < 1)) return w.length;
  let cum = 0;
  let i = 0;
  for (; i < w.length && cum < topP * total; ++i) cum += w[i];
  return Math.max(i, 1);
}

// How many min-p keeps: the classes whose weight relative to the best is at least minP.
function minPKeep(w, minP) {
  if (!(minP > 0)) return w.length;
  let n = 0;
  for (const v of w) if (v >= minP) ++n;
  return n;
}

// The probabilities `sample` draws from when it keeps the first `keep` classes of ref.order.
export function keptProbabilities(ref, keep) {
  const p = new Float64Array(ref.scaled.length);
  const best = ref.scaled[ref.order[0]];
  let total = 0;
  for (let i = 0; i < keep; ++i) total += p[ref.order[i]] = Math.exp(ref.scaled[ref.order[i]] - best);
  for (let i = 0; i < keep; ++i) p[ref.order[i]] /= total;
  return p;
}

// The sampler's generator as API.md documents it, SplitMix64: its first uniform double in [0, 1) for a 32-bit seed.
export function firstUniform(seed) {
  const M = (1n << 64n) - 1n;
  let z = (BigInt(seed) + 0x9e3779b97f4a7c15n) & M;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  z ^= z >> 31n;
  return Number(z >> 11n) / 2 ** 53;
}

// The T minimising the reference mean cross-entropy (index targets, -100 ignored, or soft targets), by golden-section
// search on log T (the loss is convex in 1/T, so unimodal in log T).
export function fitTemperatureRef(z, target, { rows = 1 } = {}) {
  const C = z.length / rows;
  const soft = isSoft(target);
  const indices = soft ? null : typeof target === 'number' ? [target] : Array.from(target);
  const f = (logT) => {
    const b = Math.exp(-logT);
    let total = 0;
    let n = 0;
    for (let r = 0; r < rows; ++r) {
      if (!soft && indices[r] === -100) continue;
      let max = -Infinity;
      for (let c = 0; c < C; ++c) max = Math.max(max, b * z[r * C + c]);
      let sum = 0;
      for (let c = 0; c < C; ++c) sum += Math.exp(b * z[r * C + c] - max);
      const lse = max + Math.log(sum);
      if (soft) for (let c = 0; c < C; ++c) total += target[r * C + c] ? target[r * C + c] * (lse - b * z[r * C + c])
        : 0;
      else total += lse - b * z[r * C + indices[r]];
      ++n;
    }
    return n ? total / n : 0;
  };
  let lo = Math.log(1e-3);
  let hi = Math.log(1e3);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 80; ++i) {
    if (fa < fb) {
      hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = f(a);
    } else {
      lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

// Pearson's chi-square statistic of observed counts against probabilities, merging classes expected below 5 counts.
export function chiSquare(counts, probabilities) {
  const n = counts.reduce((a, b) => a + b, 0);
  let stat = 0;
  let bins = 0;
  let poolObserved = 0;
  let poolExpected = 0;
  for (let c = 0; c < counts.length; ++c) {
    const expected = n * probabilities[c];
    if (expected === 0) {
      if (counts[c] !== 0) return { stat: Infinity, df: bins, impossible: c };
      continue;
    }
    if (expected < 5) {
      poolObserved += counts[c];
      poolExpected += expected;
      continue;
    }
    stat += (counts[c] - expected) ** 2 / expected;
    ++bins;
  }
  if (poolExpected > 0) {
    stat += (poolObserved - poolExpected) ** 2 / poolExpected;
    ++bins;
  }
  return { stat, df: bins - 1 };
}

// A generous chi-square bound: mean + 6 standard deviations + 10 (a false alarm is far below one in a million).
export function chiSquareLimit(df) {
  return df + 6 * Math.sqrt(2 * df) + 10;
}

// ---------------------------------------------------------------------------------------------------------------
// Tolerances of the issue: probabilities within 1e-6 + 2e-5 |p| of float64; log-values and losses within
// 2e-5 max(1, |L|); masked classes exactly 0 (probabilities) or -Infinity (log-probabilities).

export const probabilityTolerance = (want) => 1e-6 + 2e-5 * Math.abs(want);
export const lossTolerance = (want) => 2e-5 * Math.max(1, Math.abs(want));

// Asserts got[i] ~ want[i] for every i, with tolerance(want[i]); infinities must match exactly. The message names the
// label, the index (row and class when C is given), both values and the tolerance.
export function assertAllClose(got, want, tolerance, label, { C } = {}) {
  assert.equal(got.length, want.length, `${label}: length ${got.length}, expected ${want.length}`);
  let worst = 0;
  const where = (i) => (C ? `[${i}] (row ${Math.floor(i / C)}, class ${i % C})` : `[${i}]`);
  for (let i = 0; i < want.length; ++i) {
    const g = Number(got[i]);
    const w = Number(want[i]);
    if (!Number.isFinite(w)) {
      if (!Object.is(g, w)) assert.fail(`${label}${where(i)}: got ${g}, expected exactly ${w}`);
      continue;
    }
    const err = Math.abs(g - w);
    const tol = tolerance(w);
    if (!(err <= tol)) {
      assert.fail(`${label}${where(i)}: got ${g}, expected ${w} (error ${err.toExponential(2)} > ` +
        `tolerance ${tol.toExponential(2)})`);
    }
    worst = Math.max(worst, err / tol);
  }
  return worst;  // the largest error as a fraction of its tolerance
}

// Asserts one number within tolerance (infinities exactly).
export function assertClose(got, want, tolerance, label) {
  assert.equal(typeof got, 'number', `${label}: expected a number, got ${typeof got}`);
  if (!Number.isFinite(want)) {
    assert.ok(Object.is(got, want), `${label}: got ${got}, expected exactly ${want}`);
    return;
  }
  const err = Math.abs(got - want);
  const tol = typeof tolerance === 'function' ? tolerance(want) : tolerance;
  assert.ok(err <= tol,
    `${label}: got ${got}, expected ${want} (error ${err.toExponential(2)} > tolerance ${tol.toExponential(2)})`);
}

// Masked classes (-Infinity logits) must have probability exactly 0 (or log-probability exactly -Infinity).
export function assertMasked(logits, got, label, { log = false } = {}) {
  for (let i = 0; i < logits.length; ++i) {
    if (logits[i] !== -Infinity) continue;
    const want = log ? -Infinity : 0;
    if (!Object.is(got[i], want)) assert.fail(`${label}[${i}]: masked class must be exactly ${want}, got ${got[i]}`);
  }
}

// trace's keptProbabilities indexed by class: one entry per class (0 outside the kept set) or one per kept index.
export function keptByClass(t, C) {
  const out = new Float64Array(C);
  if (t.keptProbabilities.length === C) out.set(t.keptProbabilities);
  else t.kept.forEach((c, i) => { out[c] = t.keptProbabilities[i]; });
  return out;
}
