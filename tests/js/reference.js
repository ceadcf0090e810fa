// A float64 reference for logitlab, written from API.md (and PyTorch's documented semantics), used only by the tests;
// plus the seeded data generators and the tolerance checks the tests share.
//
// Every function takes plain numbers (arrays or typed arrays) and computes in double without rounding its inputs, so
// central finite differences of its losses are meaningful. Tests feed it the same float32 values they give the lab.
import assert from 'node:assert/strict';

// ---------------------------------------------------------------------------------------------------------------
// Seeded data

// mulberry32: a small seeded generator, so every random test is reproducible from the seed in its failure message.
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

export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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

function rowsOf(x, rows) {
  const C = x.length / rows;
  assert.ok(Number.isInteger(C), `reference: ${x.length} values do not split into ${rows} rows`);
  const out = [];
  for (let r = 0; r < rows; ++r) out.push(Array.from(x.slice(r * C, (r + 1) * C), Number));
  return out;
}

function rowLogSumExp(s) {
  let max = -Infinity;
  for (const v of s) if (v > max) max = v;
  let sum = 0;
  for (const v of s) if (v !== -Infinity) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

function rowLogSoftmax(z, T) {
  const s = z.map((v) => v / T);
  const lse = rowLogSumExp(s);
  return s.map((v) => (v === -Infinity ? -Infinity : v - lse));
}

// log softmax(z / T) of each row, flat Float64Array.
export function logSoftmaxRef(z, { temperature = 1, rows = 1 } = {}) {
  return Float64Array.from(rowsOf(z, rows).flatMap((row) => rowLogSoftmax(row, temperature)));
}

export function softmaxRef(z, options = {}) {
  return logSoftmaxRef(z, options).map(Math.exp);  // exp(-Infinity) = 0 exactly
}

export function logSumExpRef(z, { temperature = 1, rows = 1 } = {}) {
  return rowsOf(z, rows).map((row) => rowLogSumExp(row.map((v) => v / temperature)));
}

export function entropyRef(z, { temperature = 1, rows = 1 } = {}) {
  return rowsOf(z, rows).map((row) => {
    const lp = rowLogSoftmax(row, temperature);
    let h = 0;
    for (const v of lp) if (v !== -Infinity) h -= Math.exp(v) * v;
    return h;
  });
}

function isSoft(target) {
  return target instanceof Float32Array || target instanceof Float64Array;
}

// PyTorch's cross_entropy(z / T, target, reduction, label_smoothing, ignore_index, weight), except that a 'mean' over
// nothing is 0, a zero coefficient contributes 0 (0 log 0 = 0) and a positive one on a masked class gives +Infinity.
// Returns { loss: number | number[] (none), perRow: number[], counted: number[] (per-row denominators) }.
export function crossEntropyParts(z, target, o = {}) {
  const { temperature = 1, rows = 1, reduction = 'mean', labelSmoothing: eps = 0, ignoreIndex = -100, weight } = o;
  const C = z.length / rows;
  const w = (c) => (weight ? Number(weight[c]) : 1);
  const indices = isSoft(target) ? null : typeof target === 'number' ? [target] : Array.from(target);
  const perRow = [];
  const counted = [];
  rowsOf(z, rows).forEach((row, r) => {
    if (indices && indices[r] === ignoreIndex) {
      perRow.push(0);
      counted.push(0);
      return;
    }
    const lp = rowLogSoftmax(row, temperature);
    let loss = 0;
    for (let c = 0; c < C; ++c) {
      const y = indices ? (indices[r] === c ? 1 : 0) : Number(target[r * C + c]);
      const coef = w(c) * ((1 - eps) * y + eps / C);
      if (coef !== 0) loss -= coef * lp[c];
    }
    perRow.push(loss);
    counted.push(indices ? w(indices[r]) : 1);
  });
  let loss;
  if (reduction === 'none') loss = perRow;
  else {
    const total = perRow.reduce((a, b) => a + b, 0);
    const d = reduction === 'sum' ? 1 : counted.reduce((a, b) => a + b, 0);
    loss = d === 0 ? 0 : total / d;
  }
  return { loss, perRow, counted };
}

export function crossEntropyRef(z, target, options = {}) {
  return crossEntropyParts(z, target, options).loss;
}

// The analytic gradient d(loss)/dz (raw logits): (p_c sum_k w_k q_k - w_c q_c) / (T d), q the smoothed target.
export function crossEntropyGradRef(z, target, o = {}) {
  const { temperature = 1, rows = 1, reduction = 'mean', labelSmoothing: eps = 0, ignoreIndex = -100, weight } = o;
  const C = z.length / rows;
  const w = (c) => (weight ? Number(weight[c]) : 1);
  const { counted } = crossEntropyParts(z, target, o);
  const indices = isSoft(target) ? null : typeof target === 'number' ? [target] : Array.from(target);
  const total = counted.reduce((a, b) => a + b, 0);
  const d = reduction === 'mean' ? total : 1;
  const g = new Float64Array(z.length);
  if (d === 0) return g;
  rowsOf(z, rows).forEach((row, r) => {
    if (indices && indices[r] === ignoreIndex) return;
    const p = rowLogSoftmax(row, temperature).map(Math.exp);
    const q = [];
    for (let c = 0; c < C; ++c) {
      const y = indices ? (indices[r] === c ? 1 : 0) : Number(target[r * C + c]);
      q.push(w(c) * ((1 - eps) * y + eps / C));
    }
    const qSum = q.reduce((a, b) => a + b, 0);
    for (let c = 0; c < C; ++c) g[r * C + c] = (p[c] * qSum - q[c]) / (temperature * d);
  });
  return g;
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
  const order = Array.from(z, (v, i) => i).sort((a, b) => (z[b] - z[a]) || (a - b));
  const indices = order.slice(0, k);
  return { indices, values: indices.map((i) => z[i]) };
}

// The distribution `sample` draws from, per API.md: repetition penalty, temperature, top-k, top-p (smallest prefix of
// the most likely tokens whose probability reaches p), min-p (keep p >= minP * p_max); or temperature last.
// Returns { kept: ascending indices, probabilities: Float64Array(C), 0 outside the kept set }.
export function samplingRef(z, o = {}) {
  const { temperature = 1, topK = 0, topP = 1, minP = 0, repetitionPenalty = 1, history = [], temperatureLast = false } = o;
  const C = z.length;
  const s = Array.from(z, Number);
  for (const t of new Set(history)) s[t] = s[t] > 0 ? s[t] / repetitionPenalty : s[t] * repetitionPenalty;
  if (!temperatureLast) for (let c = 0; c < C; ++c) s[c] /= temperature;
  let order = [];
  for (let c = 0; c < C; ++c) if (s[c] !== -Infinity) order.push(c);
  order.sort((a, b) => (s[b] - s[a]) || (a - b));
  if (topK > 0) order = order.slice(0, topK);
  const probs = (set) => {
    const max = Math.max(...set.map((c) => s[c]));
    const e = set.map((c) => Math.exp(s[c] - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  if (topP < 1) {
    const p = probs(order);
    let cum = 0;
    let keep = 0;
    while (keep < order.length && cum < topP) cum += p[keep++];
    order = order.slice(0, Math.max(keep, 1));
  }
  if (minP > 0) {
    const p = probs(order);
    const pmax = Math.max(...p);
    order = order.filter((c, i) => p[i] >= minP * pmax);
  }
  if (temperatureLast) for (let c = 0; c < C; ++c) s[c] /= temperature;
  const kept = [...order].sort((a, b) => a - b);
  const p = probs(kept);
  const probabilities = new Float64Array(C);
  kept.forEach((c, i) => { probabilities[c] = p[i]; });
  return { kept, probabilities };
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
      if (soft) for (let c = 0; c < C; ++c) total += target[r * C + c] ? target[r * C + c] * (lse - b * z[r * C + c]) : 0;
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
  assert.ok(err <= tol, `${label}: got ${got}, expected ${want} (error ${err.toExponential(2)} > tolerance ${tol.toExponential(2)})`);
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
