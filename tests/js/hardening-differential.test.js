// Differential tests: thousands of random cases (1 to 70,000 classes, batches of rows, -Infinity masks, logits from
// N(0, 1) to [90, 100] to +-1e37, temperatures from 1e-3 to 1e3, random options and targets, every kind of input
// container and `out`) against the float64 reference written from the definitions, for the SIMD build and the
// scalar build; and the two builds against each other on the same cases.
//
// The reference (reference.js) computes from the float32 values the library sees (float32 logits, targets and weights,
// Math.fround of the temperature and the sampling options).
// Tolerances are the documented ones: probabilities 1e-6 + 2e-5 |p|, log-values and losses 2e-5 max(1, |L|).
// LOGITLAB_DIFF_SEED and LOGITLAB_DIFF_SCALE (a multiplier on the number of cases) override the defaults; every
// failure message carries the seed and case number that reproduce it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

import {
  crossEntropyParts, firstUniform, keptProbabilities, rowRef, rowRefs, samplingRef, sfc32,
} from './reference.js';

const SEED = Number(process.env.LOGITLAB_DIFF_SEED ?? 61128);
const SCALE = Number(process.env.LOGITLAB_DIFF_SCALE ?? 1);
// Random inputs per function and build, and the largest batch (rows * C) each function gets.
const PLAN = {
  softmax: { cases: 600, maxElements: 70000 },
  logSoftmax: { cases: 600, maxElements: 70000 },
  logSumExp: { cases: 600, maxElements: 70000 },
  entropy: { cases: 600, maxElements: 70000 },
  crossEntropy: { cases: 600, maxElements: 70000 },
  crossEntropyGrad: { cases: 600, maxElements: 70000 },
  topK: { cases: 400, maxElements: 70000 },
  sample: { cases: 400, maxElements: 70000 },
  fitTemperature: { cases: 200, maxElements: 20000 },  // the fit itself takes a few dozen passes over the batch
  trace: { cases: 300, maxElements: 20000 },
};
for (const p of Object.values(PLAN)) p.cases = Math.max(1, Math.round(p.cases * SCALE));
let MAX_ELEMENTS = 70000;  // of the function being run

const builds = { simd: await createLogitLab({ simd: true }), scalar: await createLogitLab({ simd: false }) };
assert.equal(builds.simd.simd, true, 'the SIMD build must load ({ simd: true })');
assert.equal(builds.scalar.simd, false, 'the scalar build must load ({ simd: false })');

// ---------------------------------------------------------------------------------------------------------------
// Random numbers: sfc32, seeded per (function, case), so any case reruns alone.

function random(seed) {
  const next = sfc32(seed, 12);
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    logUniform: (lo, hi) => Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo))),
    normal: () => Math.sqrt(-2 * Math.log(next() + 1e-300)) * Math.cos(2 * Math.PI * next()),
  };
  return r;
}

function caseSeed(fn, i) {
  let h = SEED ^ 0x5bd1e995;
  for (const ch of fn) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
}

// Sizes: the vector-width and block edges first, then log-uniform in [1, 70000].
const EDGE_SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025,
  4095, 4096, 4097, 32000, 50257, 70000];

function randomShape(r, i, { singleRow = false } = {}) {
  const C = i < EDGE_SIZES.length ? Math.min(EDGE_SIZES[i], MAX_ELEMENTS)
    : Math.min(MAX_ELEMENTS, Math.floor(r.logUniform(1, 70001)));
  let rows = singleRow ? 1 : r.pick([1, 1, 1, 2, 3, 4, 8]);
  rows = Math.max(1, Math.min(rows, Math.floor(MAX_ELEMENTS / C)));
  return { C, rows };
}

// Logits as float32 values: several distributions, optional -Infinity masks (never a whole row).
function randomLogits(r, C, rows) {
  const n = C * rows;
  const z = new Float32Array(n);
  const kind = r.pick(['normal', 'normal', 'wide', 'hot', 'offset', 'peaked', 'ties', 'huge']);
  const sigma = r.logUniform(0.1, 30);
  const offset = (r.next() < 0.5 ? -1 : 1) * 10 ** r.int(6);
  for (let i = 0; i < n; ++i) {
    switch (kind) {
      case 'normal': z[i] = sigma * r.normal(); break;
      case 'wide': z[i] = -50 + 100 * r.next(); break;
      case 'hot': z[i] = 90 + 10 * r.next(); break;  // float exp overflows here without max subtraction
      case 'offset': z[i] = offset + r.normal(); break;
      case 'peaked': z[i] = r.next() < 0.02 ? 0 : -30 + r.normal(); break;
      case 'ties': z[i] = r.int(4); break;
      default: z[i] = (r.next() < 0.5 ? -1 : 1) * 10 ** (30 + 7 * r.next());  // +-1e30 .. 1e37
    }
  }
  if (r.next() < 0.3 && C > 1) {
    const rate = r.pick([0.01, 0.3, 0.9]);
    for (let row = 0; row < rows; ++row) {
      const keep = r.int(C);
      for (let c = 0; c < C; ++c) if (c !== keep && r.next() < rate) z[row * C + c] = -Infinity;
    }
  }
  return { z, kind };
}

function randomTemperature(r) {
  const u = r.next();
  if (u < 0.25) return undefined;  // the default, 1
  if (u < 0.35) return r.pick([1e-3, 1e3]);
  return r.logUniform(1e-3, 1e3);
}

// The logits in one of the accepted containers: Float32Array, Float64Array, plain array, lab.alloc buffer.
function container(r, lab, z, buffers) {
  const kind = r.pick(['f32', 'f32', 'f64', 'array', 'alloc']);
  if (kind === 'f64') return Float64Array.from(z);
  if (kind === 'array' && z.length <= 5000) return Array.from(z);
  if (kind === 'alloc') {
    const b = lab.alloc(z.length);
    b.array.set(z);
    buffers.push(b);
    return b;
  }
  return Float32Array.from(z);
}

function valuesOf(x) {
  return x instanceof Float32Array || Array.isArray(x) || x instanceof Float64Array ? x : x.array;
}

// ---------------------------------------------------------------------------------------------------------------
// The float64 reference.

const f32 = Math.fround;
const temperatureOf = (t) => f32(t ?? 1);

// The reference sees what the library sees: float32 logits (every case's are), and float32 temperature and options.
const rowsRef = (z, C, rows, T) => rowRefs(z, { temperature: T, rows });

function crossEntropyOfCase(c, options = c.options) {
  return crossEntropyParts(c.z, c.target,
    { ...options, rows: c.rows, temperature: temperatureOf(options.temperature) });
}

function samplingOf(z, o) {
  const f32Option = (v) => (v === undefined ? undefined : f32(v));
  return samplingRef(z, { ...o, temperature: temperatureOf(o.temperature), topP: f32Option(o.topP),
    minP: f32Option(o.minP), repetitionPenalty: f32Option(o.repetitionPenalty) });
}

// ---------------------------------------------------------------------------------------------------------------
// Checks.

function closeTo(got, want, abs, rel) {
  if (Number.isNaN(got) || Number.isNaN(want)) return false;
  if (!Number.isFinite(want) || Math.abs(want) > 3.4028234663852886e38) return got === (want > 0 ? Infinity
    : -Infinity);
  return Math.abs(got - want) <= abs + rel * Math.abs(want);
}
const probClose = (got, want) => closeTo(got, want, 1e-6, 2e-5);
const logClose = (got, want) => closeTo(got, want, 2e-5, 2e-5);

function describeCase(fn, build, i, extra) {
  return `${fn} [${build}] case ${i} (LOGITLAB_DIFF_SEED=${SEED}): ${extra}`;
}

// Runs check(i, values[i]) for i < count; a returned message fails the test with `where` in front.
function checkRows(values, count, where, check) {
  for (let i = 0; i < count; ++i) {
    const message = check(i, values[i]);
    if (message) assert.fail(`${where}: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One generator and checker per function. Each `run` makes case i for a lab and returns what the build-agreement
// test compares; each checks itself against the reference.

const FUNCTIONS = {
  softmax(lab, i, build) {
    const r = random(caseSeed('softmax', i));
    const { C, rows } = randomShape(r, i);
    const { z, kind } = randomLogits(r, C, rows);
    const temperature = randomTemperature(r);
    const buffers = [];
    const input = container(r, lab, z, buffers);
    const outKind = r.pick(['none', 'none', 'f32', 'alloc', 'inplace']);
    const o = { temperature, rows };
    if (outKind === 'f32') o.out = new Float32Array(z.length);
    if (outKind === 'alloc') buffers.push(o.out = lab.alloc(z.length));
    if (outKind === 'inplace' && !Array.isArray(input) && !(input instanceof Float64Array)) o.out = input;
    const got = Float32Array.from(valuesOf(lab.softmax(input, o)));
    const where = describeCase('softmax', build, i, `C=${C} rows=${rows} ${kind} T=${temperature} out=${outKind}`);
    const refs = rowsRef(z, C, rows, temperatureOf(temperature));
    const tol = new Float64Array(z.length);
    for (let row = 0; row < rows; ++row) {
      let sum = 0;
      for (let c = 0; c < C; ++c) tol[row * C + c] = 1e-6 + 2e-5 * refs[row].p[c];
      checkRows(got.subarray(row * C), C, where, (c, p) => {
        sum += p;
        if (!(p >= 0 && p <= 1)) return `row ${row} class ${c}: p = ${p} outside [0, 1]`;
        if (z[row * C + c] === -Infinity && p !== 0) return `row ${row} class ${c} is masked but p = ${p}`;
        if (!probClose(p, refs[row].p[c])) return `row ${row} class ${c}: p = ${p}, reference ${refs[row].p[c]}`;
        return null;
      });
      if (Math.abs(sum - 1) > 3e-5) assert.fail(`${where}: row ${row} sums to ${sum}`);
    }
    for (const b of buffers) b.free();
    return { values: got, tol };
  },

  logSoftmax(lab, i, build) {
    const r = random(caseSeed('logSoftmax', i));
    const { C, rows } = randomShape(r, i);
    const { z, kind } = randomLogits(r, C, rows);
    const temperature = randomTemperature(r);
    const buffers = [];
    const input = container(r, lab, z, buffers);
    const got = Float32Array.from(valuesOf(lab.logSoftmax(input, { temperature, rows })));
    const where = describeCase('logSoftmax', build, i, `C=${C} rows=${rows} ${kind} T=${temperature}`);
    const refs = rowsRef(z, C, rows, temperatureOf(temperature));
    const tol = new Float64Array(z.length);
    for (let row = 0; row < rows; ++row) {
      for (let c = 0; c < C; ++c) tol[row * C + c] = 2e-5 * Math.max(1, Math.abs(refs[row].logp[c]));
      checkRows(got.subarray(row * C), C, where, (c, v) => {
        if (!(v <= 0)) return `row ${row} class ${c}: ${v} > 0`;
        if (!logClose(v, refs[row].logp[c])) return `row ${row} class ${c}: ${v}, reference ${refs[row].logp[c]}`;
        return null;
      });
    }
    for (const b of buffers) b.free();
    return { values: got, tol };
  },

  logSumExp(lab, i, build) {
    const r = random(caseSeed('logSumExp', i));
    const { C, rows } = randomShape(r, i);
    const { z, kind } = randomLogits(r, C, rows);
    const temperature = randomTemperature(r);
    const buffers = [];
    const result = lab.logSumExp(container(r, lab, z, buffers), { temperature, rows });
    const got = typeof result === 'number' ? Float32Array.of(result) : result;
    assert.equal(typeof result === 'number', rows === 1, 'logSumExp returns a number exactly when rows == 1');
    const where = describeCase('logSumExp', build, i, `C=${C} rows=${rows} ${kind} T=${temperature}`);
    const refs = rowsRef(z, C, rows, temperatureOf(temperature));
    checkRows(got, rows, where, (row, v) =>
      logClose(v, refs[row].lse) ? null : `row ${row}: ${v}, reference ${refs[row].lse}`);
    for (const b of buffers) b.free();
    return { values: got, tol: refs.map((ref) => 2e-5 * Math.max(1, Math.abs(ref.lse))) };
  },

  entropy(lab, i, build) {
    const r = random(caseSeed('entropy', i));
    const { C, rows } = randomShape(r, i);
    const { z, kind } = randomLogits(r, C, rows);
    const temperature = randomTemperature(r);
    const buffers = [];
    const result = lab.entropy(container(r, lab, z, buffers), { temperature, rows });
    const got = typeof result === 'number' ? Float32Array.of(result) : result;
    const where = describeCase('entropy', build, i, `C=${C} rows=${rows} ${kind} T=${temperature}`);
    const refs = rowsRef(z, C, rows, temperatureOf(temperature));
    checkRows(got, rows, where, (row, v) => {
      if (!(v >= 0 && v <= Math.log(C) * (1 + 2e-5) + 2e-5)) return `row ${row}: ${v} outside [0, log C]`;
      return logClose(v, refs[row].entropy) ? null : `row ${row}: ${v}, reference ${refs[row].entropy}`;
    });
    for (const b of buffers) b.free();
    return { values: got, tol: refs.map((ref) => 2e-5 * Math.max(1, ref.entropy)) };
  },

  crossEntropy(lab, i, build) {
    const c = crossEntropyCase(lab, i, 'crossEntropy');
    const result = lab.crossEntropy(c.input, c.target, c.options);
    const ref = crossEntropyOfCase(c);
    const where = describeCase('crossEntropy', build, i, c.label);
    if (c.options.reduction === 'none') {
      assert.ok(result instanceof Float32Array && result.length === c.rows, `${where}: 'none' gives one loss per row`);
      checkRows(result, c.rows, where, (row, v) => {
        if (!(v >= 0)) return `row ${row}: loss ${v} < 0 or NaN`;
        if (ref.ignored[row] && v !== 0) return `row ${row} is ignored but has loss ${v}`;
        return logClose(v, ref.perRow[row]) ? null : `row ${row}: loss ${v}, reference ${ref.perRow[row]}`;
      });
    } else {
      assert.equal(typeof result, 'number', `${where}: '${c.options.reduction ?? 'mean'}' gives a number`);
      assert.ok(result >= 0 && logClose(result, ref.loss), `${where}: loss ${result}, reference ${ref.loss}`);
    }
    c.free();
    if (typeof result === 'number') return { values: Float32Array.of(result), tol: [2e-5 * Math.max(1, ref.loss)] };
    return { values: result, tol: Array.from(ref.perRow, (v) => 2e-5 * Math.max(1, v)) };
  },

  crossEntropyGrad(lab, i, build) {
    const c = crossEntropyCase(lab, i, 'crossEntropyGrad');
    const outKind = random(caseSeed('out', i)).pick(['none', 'f32', 'alloc']);
    const options = { ...c.options };
    let out = null;
    if (outKind === 'f32') options.out = new Float32Array(c.z.length);
    if (outKind === 'alloc') options.out = out = lab.alloc(c.z.length);
    const got = Float32Array.from(valuesOf(lab.crossEntropyGrad(c.input, c.target, options)));
    const ref = crossEntropyOfCase(c);
    const where = describeCase('crossEntropyGrad', build, i, `${c.label} out=${outKind}`);
    const soft = c.target instanceof Float32Array || c.target instanceof Float64Array;
    const plain = !soft && !(c.options.labelSmoothing > 0);
    const tolerance = new Float64Array(got.length);
    for (let row = 0; row < c.rows; ++row) {
      let sum = 0, magnitude = 0;
      const scale = ref.scale[row];
      checkRows(got.subarray(row * c.C), c.C, where, (k, g) => {
        const want = ref.grad[row * c.C + k];
        const own = ref.own(row, k);
        const tol = (1e-6 + 2e-5 * ref.refs[row].p[k]) * scale + 1e-6 * Math.abs(own) + 1e-30;
        tolerance[row * c.C + k] = tol;
        sum += g;
        magnitude += Math.abs(g);
        if (!(Math.abs(g - want) <= tol)) return `row ${row} class ${k}: ${g}, reference ${want} (tolerance ${tol})`;
        if (ref.ignored[row] && g !== 0) return `row ${row} is ignored but its gradient is ${g}`;
        if (plain && !ref.ignored[row]) {
          const isTarget = (typeof c.target === 'number' ? c.target : c.target[row]) === k;
          if (isTarget ? g > 1e-6 * scale : g < 0) return `row ${row} class ${k}: ${g} has the wrong sign`;
        }
        return null;
      });
      if (!(Math.abs(sum) <= 3e-5 * scale + 1e-6 * magnitude + 1e-30))
        assert.fail(`${where}: gradient row ${row} sums to ${sum}, not 0`);
    }
    out?.free();
    c.free();
    return { values: got, tol: tolerance };
  },

  topK(lab, i, build) {
    const r = random(caseSeed('topK', i));
    const { C } = randomShape(r, i, { singleRow: true });
    const { z, kind } = randomLogits(r, C, 1);
    const k = r.pick([0, 1, C, Math.min(C, 5), r.int(C + 1)]);
    const buffers = [];
    const { indices, values } = lab.topK(container(r, lab, z, buffers), k);
    const where = describeCase('topK', build, i, `C=${C} k=${k} ${kind}`);
    assert.ok(indices instanceof Int32Array && values instanceof Float32Array, `${where}: result types`);
    assert.equal(indices.length, k, `${where}: ${indices.length} indices`);
    assert.equal(values.length, k, `${where}: ${values.length} values`);
    // The k first of the order "larger logit first, then lower index", checked in O(C): the ranks are in that order,
    // each value is its logit, and nothing left out comes before the last one taken.
    const before = (a, b) => z[a] > z[b] || (z[a] === z[b] && a < b);
    const taken = new Uint8Array(C);
    checkRows(indices, k, where, (rank, index) => {
      if (!(index >= 0 && index < C) || taken[index]) return `rank ${rank}: class ${index} out of range or repeated`;
      taken[index] = 1;
      if (!Object.is(values[rank], z[index])) return `rank ${rank}: value ${values[rank]}, logit ${z[index]}`;
      if (rank > 0 && !before(indices[rank - 1], index))
        return `rank ${rank}: class ${index} (${z[index]}) should not follow ` +
          `class ${indices[rank - 1]} (${z[indices[rank - 1]]})`;
      return null;
    });
    if (k > 0)
      for (let c = 0; c < C; ++c)
        if (!taken[c] && before(c, indices[k - 1]))
          assert.fail(`${where}: class ${c} (${z[c]}) was left out ` +
            `but comes before class ${indices[k - 1]} (${z[indices[k - 1]]})`);
    for (const b of buffers) b.free();
    return { values: Float32Array.from([...indices, ...values]), tol: null };
  },

  sample(lab, i, build) {
    const r = random(caseSeed('sample', i));
    const { C } = randomShape(r, i, { singleRow: true });
    const { z, kind } = randomLogits(r, C, 1);
    const o = { seed: r.int(2 ** 32) };
    if (r.next() < 0.7) o.temperature = randomTemperature(r);
    if (r.next() < 0.4) o.topK = Math.min(C, r.pick([1, 2, 5, 40, C, 1 + r.int(C)]));
    if (r.next() < 0.4) o.topP = r.pick([0.01, 0.5, 0.9, 0.95, 1, r.next() || 0.5]);
    if (r.next() < 0.3) o.minP = r.pick([0, 0.01, 0.05, 0.5, 1, r.next()]);
    if (r.next() < 0.3) {
      o.repetitionPenalty = r.pick([0.5, 1.1, 1.3, 2]);
      o.history = Array.from({ length: r.int(20) }, () => r.int(C));
      if (r.next() < 0.5) o.history = Int32Array.from(o.history);
    }
    if (r.next() < 0.3) o.temperatureLast = true;
    const buffers = [];
    const index = lab.sample(container(r, lab, z, buffers), o);
    const where = describeCase('sample', build, i,
      `C=${C} ${kind} ${JSON.stringify({ ...o, history: o.history?.length })}`);
    assert.ok(Number.isInteger(index) && index >= 0 && index < C, `${where}: index ${index}`);
    assert.equal(lab.sample(z, o), index, `${where}: the same seed gave another index`);
    const ref = samplingOf(z, o);
    const rank = ref.order.indexOf(index);
    assert.ok(rank >= 0 && rank < ref.maxKeep,
      `${where}: drew class ${index} at rank ${rank}; the filters keep ${ref.minKeep}..${ref.maxKeep} classes`);
    if (ref.minKeep === ref.maxKeep) {
      // The draw: u in [0, 1) against cumulative probabilities in ascending class order.
      const p = keptProbabilities(ref, ref.maxKeep);
      const u = firstUniform(o.seed);
      let before = 0;
      for (let c = 0; c < index; ++c) before += p[c];
      assert.ok(before <= u + 1e-9 && before + p[index] >= u - 1e-9,
        `${where}: class ${index} has bucket [${before}, ${before + p[index]}), u = ${u}`);
    }
    for (const b of buffers) b.free();
    return { values: Float32Array.of(index), tol: null };
  },

  fitTemperature(lab, i, build) {
    const r = random(caseSeed('fitTemperature', i));
    const { C, rows: rowChoice } = randomShape(r, i);
    const rows = Math.max(1, Math.min(rowChoice * r.pick([1, 4, 16]), Math.floor(MAX_ELEMENTS / C), 64));
    const { z, kind } = randomLogits(r, C, rows);
    // Targets drawn from softmax(z / T_true) for a known temperature, sometimes soft, sometimes with ignored rows.
    const tTrue = r.logUniform(0.05, 20);
    const refs = rowsRef(z, C, rows, tTrue);
    let target;
    if (r.next() < 0.3) {
      target = new Float32Array(rows * C);
      for (let row = 0; row < rows; ++row) for (let c = 0; c < C; ++c) target[row * C + c] = refs[row].p[c];
      normalise(target, C, rows);
    } else {
      target = Int32Array.from({ length: rows }, (_, row) => {
        if (r.next() < 0.1) return -100;
        let u = r.next(), c = 0;
        while (c < C - 1 && (u -= refs[row].p[c]) > 0) ++c;
        return c;
      });
    }
    const t = lab.fitTemperature(z, target, { rows });
    const where = describeCase('fitTemperature', build, i, `C=${C} rows=${rows} ${kind} T_true=${tTrue}`);
    assert.ok(t >= 1e-3 && t <= 1e3, `${where}: T = ${t} outside [1e-3, 1e3]`);
    const loss = (T) => meanCountedLoss(z, C, rows, T, target);
    const at = loss(t);
    for (const other of [t * 1.02, t / 1.02]) {
      if (other < 1e-3 || other > 1e3) continue;
      const there = loss(Math.fround(other));
      assert.ok(at <= there + 1e-6 * (1 + Math.abs(at)),
        `${where}: T = ${t} has mean loss ${at}, but T = ${other} gives ${there}`);
    }
    return { values: Float32Array.of(t), tol: [1e-5 * t] };
  },

  trace(lab, i, build) {
    const r = random(caseSeed('trace', i));
    const { C } = randomShape(r, i, { singleRow: true });
    const { z, kind } = randomLogits(r, C, 1);
    const o = {};
    const temperature = randomTemperature(r);
    if (temperature !== undefined) o.temperature = temperature;
    if (r.next() < 0.6) o.target = r.int(C);
    if (o.target !== undefined && r.next() < 0.4) o.labelSmoothing = r.next();
    if (r.next() < 0.5) o.topK = r.int(C + 1);
    if (r.next() < 0.5) o.topP = r.pick([0.1, 0.5, 0.9, 1]);
    if (r.next() < 0.3) o.minP = r.pick([0, 0.05, 0.5]);
    const t = lab.trace(z, o);
    const where = describeCase('trace', build, i, `C=${C} ${kind} ${JSON.stringify(o)}`);
    const base = { temperature };
    const same = (a, b, what) => {
      for (let c = 0; c < C; ++c)
        if (!Object.is(a[c], b[c])) assert.fail(`${where}: ${what}[${c}] = ${a[c]}, the function says ${b[c]}`);
    };
    same(t.probabilities, lab.softmax(z, base), 'probabilities');
    same(t.logProbabilities, lab.logSoftmax(z, base), 'logProbabilities');
    assert.ok(Object.is(t.logSumExp, lab.logSumExp(z, base)), `${where}: logSumExp ${t.logSumExp}`);
    assert.ok(Object.is(t.entropy, lab.entropy(z, base)), `${where}: entropy ${t.entropy}`);
    const T = temperatureOf(temperature);
    const ref = rowRef(z, 0, C, T);
    for (let c = 0; c < C; ++c) {
      if (t.scaled[c] !== f32(z[c] * f32(1 / T)) && !closeTo(t.scaled[c], z[c] / T, 0, 1e-6))
        assert.fail(`${where}: scaled[${c}] = ${t.scaled[c]}, logit / T = ${z[c] / T}`);
      if (!probClose(t.exp[c] / t.sum,
        ref.p[c])) assert.fail(`${where}: exp[${c}] / sum = ${t.exp[c] / t.sum}, p ${ref.p[c]}`);
    }
    if (o.target !== undefined) {
      const ce = { temperature, labelSmoothing: o.labelSmoothing };
      assert.ok(Object.is(t.loss, lab.crossEntropy(z, o.target, ce)), `${where}: loss ${t.loss}`);
      same(t.gradient, lab.crossEntropyGrad(z, o.target, ce), 'gradient');
    }
    if (o.topK !== undefined || o.topP !== undefined || o.minP !== undefined) {
      const s = samplingOf(z, { ...o, temperature });
      const kept = Array.from(t.kept);
      assert.ok(kept.length >= s.minKeep && kept.length <= s.maxKeep,
        `${where}: kept ${kept.length} classes, the filters allow ${s.minKeep}..${s.maxKeep}`);
      assert.deepEqual(kept, s.order.slice(0, kept.length).sort((a, b) => a - b), `${where}: kept set`);
      const p = keptProbabilities(s, kept.length);
      for (let c = 0; c < C; ++c)
        if (!closeTo(t.keptProbabilities[c], p[c], 1e-6,
          1e-5)) assert.fail(`${where}: keptProbabilities[${c}] = ${t.keptProbabilities[c]}, reference ${p[c]}`);
    }
    return { values: t.probabilities, tol: Array.from(ref.p, (p) => 1e-6 + 2e-5 * p) };
  },
};

function normalise(target, C, rows) {
  for (let row = 0; row < rows; ++row) {
    let sum = 0;
    for (let c = 0; c < C; ++c) sum += target[row * C + c];
    for (let c = 0; c < C; ++c) target[row * C + c] /= sum;
  }
}

// Mean loss over the rows that can move the minimum (not ignored, finite loss), in float64.
function meanCountedLoss(z, C, rows, T, target) {
  const { perRow, ignored } = crossEntropyParts(z, target, { temperature: T, rows, reduction: 'none' });
  let total = 0, n = 0;
  for (let row = 0; row < rows; ++row) {
    if (ignored[row] || !Number.isFinite(perRow[row])) continue;
    total += perRow[row];
    ++n;
  }
  return n ? total / n : 0;
}

// Logits, targets and options for the two cross-entropy functions.
function crossEntropyCase(lab, i, fn) {
  const r = random(caseSeed(fn, i));
  const { C, rows } = randomShape(r, i);
  const { z, kind } = randomLogits(r, C, rows);
  const buffers = [];
  const input = container(r, lab, z, buffers);
  const options = { rows };
  const temperature = randomTemperature(r);
  if (temperature !== undefined) options.temperature = temperature;
  if (r.next() < 0.7) options.reduction = r.pick(['mean', 'sum', 'none']);
  if (r.next() < 0.5) options.labelSmoothing = r.pick([0, 0.1, 1, r.next()]);
  if (r.next() < 0.3) options.ignoreIndex = r.pick([-1, 0, C - 1]);
  if (r.next() < 0.3) {
    options.weight = Float32Array.from({ length: C }, () => (r.next() < 0.1 ? 0 : 2 * r.next()));
    if (r.next() < 0.3) options.weight = Array.from(options.weight);
  }
  let target;
  const soft = r.next() < 0.3;
  if (soft) {
    target = new (r.next() < 0.5 ? Float32Array : Float64Array)(rows * C);
    const style = r.pick(['onehot', 'uniform', 'random']);
    for (let row = 0; row < rows; ++row) {
      for (let c = 0; c < C; ++c) target[row * C + c] = style === 'uniform' ? 1 / C : style === 'random'
        && r.next() < 0.7 ? r.next() : 0;
      if (style !== 'uniform') target[row * C + r.int(C)] += 1;
    }
    normalise(target, C, rows);
    if (target instanceof Float64Array) for (let k = 0; k < target.length; ++k) target[k] = f32(target[k]);
  } else {
    const ignoreIndex = options.ignoreIndex ?? -100;
    const list = Array.from({ length: rows }, () => (r.next() < 0.1 ? ignoreIndex : r.int(C)));
    target = rows === 1 && r.next() < 0.5 ? list[0] : r.next() < 0.5 ? Int32Array.from(list) : list;
  }
  const shown = JSON.stringify({ ...options, weight: options.weight ? 'C weights' : undefined });
  const label = `C=${C} rows=${rows} ${kind} ${shown} ` +
    `${soft ? 'soft' : 'index'} targets`;
  return { z, C, rows, input, target, options, label, free: () => buffers.forEach((b) => b.free()) };
}

// ---------------------------------------------------------------------------------------------------------------

const results = {};  // function -> build -> case -> Float32Array, for the agreement tests

// SIMD vs scalar: each build is within the documented tolerance of float64 (`tol`, per element), so the two are within
// twice that of each other. topK and sample (tol null) must agree exactly: seeded sampling is bit-identical everywhere.
function agree(a, b, tol) {
  if (Object.is(a, b) || a === b) return true;
  return tol !== null && Math.abs(a - b) <= 2 * tol;
}

for (const fn of Object.keys(FUNCTIONS)) {
  const { cases, maxElements } = PLAN[fn];
  describe(`${fn}: ${cases} random cases (up to ${maxElements} logits) against the float64 reference`, () => {
    for (const [build, lab] of Object.entries(builds)) {
      test(`${build} build`, () => {
        MAX_ELEMENTS = maxElements;
        const out = [];
        for (let i = 0; i < cases; ++i) out.push(FUNCTIONS[fn](lab, i, build));
        ((results[fn] ??= {})[build] = out);
      });
    }
    test('SIMD and scalar builds agree', (t) => {
      const simd = results[fn]?.simd, scalar = results[fn]?.scalar;
      if (!simd || !scalar) return t.skip('a build failed its own checks above');
      for (let i = 0; i < cases; ++i) {
        const a = simd[i].values, b = scalar[i].values, tol = scalar[i].tol;
        assert.equal(a.length, b.length, `${fn} case ${i}: result lengths`);
        for (let k = 0; k < a.length; ++k)
          if (!agree(a[k], b[k], tol && tol[k]))
            assert.fail(`${fn} case ${i} (LOGITLAB_DIFF_SEED=${SEED}) element ${k}: SIMD ${a[k]}, scalar ${b[k]}` +
              (tol ? ` (each within ${tol[k]} of float64)` : ' (must be identical)'));
      }
    });
  });
}
