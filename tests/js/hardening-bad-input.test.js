// The bad-input sweep: every function, every argument, every kind of wrong value (wrong types, NaN, +-Infinity, empty,
// wrong lengths, freed and foreign alloc buffers, detached ArrayBuffers, integers that would wrap around 32-bit sizes,
// negative zero). Each bad call must throw the class API.md documents (TypeError for a wrong type, RangeError for a bad
// value) with a message naming the function and the argument, leave every array it was given unchanged, and leave the
// lab working. Negative zero, where zero is valid, must behave exactly as zero.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

const lab = await createLogitLab();
const other = await createLogitLab();  // for foreign alloc buffers

const C = 4;
const LOGITS = [0.5, -1, 2, 0];

function detached(Type, values = [1, 2, 3, 4]) {
  const a = Type.from(values);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}
function freed(length = C) {
  const b = lab.alloc(length);
  b.free();
  return b;
}
function foreign(length = C) {
  const b = other.alloc(length);
  b.array.set(LOGITS.slice(0, length));
  return b;
}
function allocated(values) {
  const b = lab.alloc(values.length);
  b.array.set(values);
  return b;
}

// ---------------------------------------------------------------------------------------------------------------
// Bad values by kind of argument: [label, () => value, expected]. expected is TypeError, RangeError, or 'zero': valid,
// and must give exactly the result of the same call with the fourth element, the +0 version.

const T = TypeError, R = RangeError;
const NOT_NUMBERS = [['a string', () => '1', T], ['a boolean', () => true, T], ['null', () => null, T],
  ['an object', () => ({}), T], ['an array', () => [1], T], ['a bigint', () => 1n, T],
  ['a symbol', () => Symbol('x'), T]];
const NON_FINITE = [['NaN', () => NaN, R], ['+Infinity', () => Infinity, R], ['-Infinity', () => -Infinity, R]];

const KINDS = {
  // A vector of logits (C = 4, one row unless the call says otherwise).
  logits: [
    ['undefined', () => undefined, T], ['null', () => null, T], ['a string', () => '0.5,-1,2,0', T],
    ['a number', () => 4, T], ['a boolean', () => true, T], ['an object', () => ({ length: 4 }), T],
    ['a symbol', () => Symbol('z'), T], ['a bigint', () => 4n, T], ['a function', () => () => 1, T],
    ['an Int32Array', () => new Int32Array(4), T], ['a Uint8Array', () => new Uint8Array(4), T],
    ['an ArrayBuffer', () => new ArrayBuffer(16), T], ['a DataView', () => new DataView(new ArrayBuffer(16)), T],
    ['an array of strings', () => ['1', '2', '3', '4'], T], ['an array holding null', () => [1, null, 2, 3], T],
    // eslint-disable-next-line no-sparse-arrays
    ['an array holding undefined', () => [1, undefined, 2, 3], T], ['a sparse array', () => [1, , 2, 3], T],
    ['an array holding a bigint', () => [1, 2n, 3, 4], T],
    ['a Float32Array over a detached ArrayBuffer', () => detached(Float32Array), T],
    ['a Float64Array over a detached ArrayBuffer', () => detached(Float64Array), T],
    ['a freed alloc buffer', () => freed(), T], ['an alloc buffer of another lab', () => foreign(), T],
    ['an empty array', () => [], R], ['an empty Float32Array', () => new Float32Array(0), R],
    ['NaN in a Float32Array', () => Float32Array.of(0.5, NaN, 2, 0), R],
    ['NaN in an array', () => [0.5, -1, NaN, 0], R], ['+Infinity', () => Float64Array.of(0.5, -1, Infinity, 0), R],
    ['every entry -Infinity', () => [-Infinity, -Infinity, -Infinity, -Infinity], R],
    ['1e39, beyond float32', () => Float64Array.of(0.5, 1e39, 2, 0), R],
    ['a 2**30-float (4 GiB) Float32Array', () => new Float32Array(2 ** 30), R],
    ['negative zero entries', () => [-0, -1, 2, -0], 'zero', () => [0, -1, 2, 0]],
  ], options: [['a string', () => 'fast', T], ['a number', () => 1, T], ['a boolean', () => true, T],
    ['an array', () => [], T], ['a Float32Array', () => new Float32Array(1), T], ['a function', () => () => ({}), T],
    ['a symbol', () => Symbol('o'), T], ['an unknown option', () => ({ temprature: 2 }), T]],
  temperature: [...NOT_NUMBERS, ...NON_FINITE, ['0', () => 0, R], ['-0', () => -0, R], ['-1', () => -1, R],
    ['-1e-300', () => -1e-300, R]],
  rows: [...NOT_NUMBERS, ...NON_FINITE, ['0', () => 0, R], ['-0', () => -0, R], ['-1', () => -1, R],
    ['1.5', () => 1.5, R], ['3 (4 logits do not split into 3 rows)', () => 3, R],
    ['5 (more rows than logits)', () => 5, R], ['2**31', () => 2 ** 31, R], ['2**32 (0 as uint32)', () => 2 ** 32, R],
    ['2**32 + 1 (1 as uint32)', () => 2 ** 32 + 1, R], ['2**53', () => 2 ** 53, R]],
  out: [['a string', () => 'out', T], ['a number', () => 4, T], ['an object', () => ({}), T],
    ['a plain array', () => [0, 0, 0, 0], T], ['a Float64Array', () => new Float64Array(4), T],
    ['an Int32Array', () => new Int32Array(4), T], ['null', () => null, T],
    ['a detached Float32Array', () => detached(Float32Array), T], ['a freed alloc buffer', () => freed(), T],
    ['an alloc buffer of another lab', () => foreign(), T], ['a Float32Array too short', () => new Float32Array(3), R],
    ['a Float32Array too long', () => new Float32Array(5), R], ['an empty Float32Array', () => new Float32Array(0), R],
    ['an alloc buffer too long', () => lab.alloc(5), R]],
  // Targets for one row of C = 4 classes.
  target: [['undefined', () => undefined, T], ['null', () => null, T], ['a string', () => '1', T],
    ['a boolean', () => true, T], ['an object', () => ({}), T], ['a bigint', () => 1n, T],
    ['a Uint8Array', () => Uint8Array.of(1), T], ['an array of strings', () => ['1'], T],
    ['an array holding null', () => [null], T], ['a detached Int32Array', () => detached(Int32Array, [1]), T],
    ['a detached Float32Array', () => detached(Float32Array, [0, 1, 0, 0]), T],
    ['a freed alloc buffer', () => freed(), T], ...NON_FINITE, ['-1', () => -1, R], ['4 (= C)', () => 4, R],
    ['1.5', () => 1.5, R], ['2**31', () => 2 ** 31, R], ['2**32 + 1 (1 as uint32)', () => 2 ** 32 + 1, R],
    ['[0, 1] for one row', () => [0, 1], R], ['[]', () => [], R], ['an empty Int32Array', () => new Int32Array(0), R],
    ['Int32Array [5]', () => Int32Array.of(5), R], ['[1.5]', () => [1.5], R], ['[NaN]', () => [NaN], R],
    ['[2**32 + 1]', () => [2 ** 32 + 1], R],
    ['soft targets of the wrong length', () => Float32Array.of(0.5, 0.5, 0), R],
    ['soft targets with a negative entry', () => Float32Array.of(-0.5, 1.5, 0, 0), R],
    ['soft targets not summing to 1', () => Float64Array.of(0.5, 0.4, 0, 0), R],
    ['soft targets holding NaN', () => Float32Array.of(NaN, 1, 0, 0), R],
    ['soft targets holding +Infinity', () => Float32Array.of(Infinity, 0, 0, 0), R], ['-0', () => -0, 'zero', () => 0],
    ['[-0]', () => [-0], 'zero', () => [0]]],
  reduction: [['a number', () => 0, T], ['null', () => null, T], ['a boolean', () => true, T],
    ['an array', () => ['mean'], T], ['an object', () => ({}), T], ["'MEAN'", () => 'MEAN', R],
    ["'avg'", () => 'avg', R], ["''", () => '', R], ["'toString'", () => 'toString', R],
    ["'__proto__'", () => '__proto__', R], ["'constructor'", () => 'constructor', R], ["'mean '", () => 'mean ', R]],
  labelSmoothing: [...NOT_NUMBERS, ...NON_FINITE, ['-0.1', () => -0.1, R], ['1.0000001', () => 1.0000001, R],
    ['2', () => 2, R], ['-0', () => -0, 'zero', () => 0]],
  ignoreIndex: [...NOT_NUMBERS, ...NON_FINITE, ['1.5', () => 1.5, R], ['2**31', () => 2 ** 31, R],
    ['-(2**31) - 1', () => -(2 ** 31) - 1, R], ['2**32 - 100 (-100 as int32)', () => 2 ** 32 - 100, R],
    ['-0', () => -0, 'zero', () => 0]],
  weight: [['a string', () => '1,1,1,1', T], ['a number', () => 1, T], ['an object', () => ({}), T],
    ['a boolean', () => true, T], ['null', () => null, T], ['an Int32Array', () => new Int32Array(4), T],
    ['an array of strings', () => ['1', '1', '1', '1'], T],
    ['a detached Float32Array', () => detached(Float32Array), T],
    ['a detached Float64Array', () => detached(Float64Array), T], ['a freed alloc buffer', () => freed(), T],
    ['an empty array', () => [], R], ['C - 1 entries', () => [1, 1, 1], R], ['C + 1 entries', () => [1, 1, 1, 1, 1], R],
    ['a negative entry', () => [1, -1, 1, 1], R], ['NaN', () => [NaN, 1, 1, 1], R],
    ['+Infinity', () => Float32Array.of(Infinity, 1, 1, 1), R], ['-Infinity', () => [-Infinity, 1, 1, 1], R]],
  k: [['undefined', () => undefined, T], ...NOT_NUMBERS, ...NON_FINITE, ['-1', () => -1, R], ['5 (C + 1)', () => 5, R],
    ['1.5', () => 1.5, R], ['2**32 + 1 (1 as uint32)', () => 2 ** 32 + 1, R], ['2**53', () => 2 ** 53, R],
    ['-0', () => -0, 'zero', () => 0]],
  topK: [...NOT_NUMBERS, ...NON_FINITE, ['-1', () => -1, R], ['5 (C + 1)', () => 5, R], ['1.5', () => 1.5, R],
    ['2**32 + 1 (1 as uint32)', () => 2 ** 32 + 1, R], ['-0', () => -0, 'zero', () => 0]],
  topP: [...NOT_NUMBERS, ...NON_FINITE, ['0', () => 0, R], ['-0', () => -0, R], ['-0.1', () => -0.1, R],
    ['1.1', () => 1.1, R]],
  minP: [...NOT_NUMBERS, ...NON_FINITE, ['-0.1', () => -0.1, R], ['1.1', () => 1.1, R],
    ['-0', () => -0, 'zero', () => 0]],
  repetitionPenalty: [...NOT_NUMBERS, ...NON_FINITE, ['0', () => 0, R], ['-0', () => -0, R], ['-1', () => -1, R]],
  history: [['a string', () => '1', T], ['a number', () => 1, T], ['an object', () => ({}), T],
    ['a boolean', () => true, T], ['null', () => null, T], ['a Float32Array', () => Float32Array.of(1), T],
    ['an array of strings', () => ['1'], T], ['an array holding null', () => [null], T],
    ['a detached Int32Array', () => detached(Int32Array, [1]), T], ['[-1]', () => [-1], R], ['[4] (= C)', () => [4], R],
    ['[1.5]', () => [1.5], R], ['[NaN]', () => [NaN], R], ['[Infinity]', () => [Infinity], R],
    ['[2**31]', () => [2 ** 31], R], ['[2**32 + 1] (1 as uint32)', () => [2 ** 32 + 1], R],
    ['[-0]', () => [-0], 'zero', () => [0]]],
  temperatureLast: [['a number', () => 1, T], ['0', () => 0, T], ["'true'", () => 'true', T], ['null', () => null, T],
    ['an object', () => ({}), T]],
  seed: [...NOT_NUMBERS, ...NON_FINITE, ['-1', () => -1, R], ['1.5', () => 1.5, R],
    ['2**32 (0 as uint32)', () => 2 ** 32, R], ['2**53', () => 2 ** 53, R], ['-0', () => -0, 'zero', () => 0]],
  traceTarget: [...NOT_NUMBERS, ...NON_FINITE, ['-1', () => -1, R], ['4 (= C)', () => 4, R], ['1.5', () => 1.5, R],
    ['2**32 + 1 (1 as uint32)', () => 2 ** 32 + 1, R], ['-0', () => -0, 'zero', () => 0]],
  length: [['undefined', () => undefined, T], ...NOT_NUMBERS, ...NON_FINITE, ['0', () => 0, R], ['-0', () => -0, R],
    ['-1', () => -1, R], ['1.5', () => 1.5, R], ['2**30 (4 GiB of floats)', () => 2 ** 30, R],
    ['2**32 (0 as uint32)', () => 2 ** 32, R], ['2**32 + 1 (1 as uint32)', () => 2 ** 32 + 1, R],
    ['2**53', () => 2 ** 53, R], ['1e300', () => 1e300, R]],
};

// ---------------------------------------------------------------------------------------------------------------
// Every function: a valid call, and which of its arguments take which kind of value. An argument path is
// 'logits' (position 0), 'second' (position 1: target or k), or 'options.<name>'.

const FUNCTIONS = {
  softmax: { call: (a) => lab.softmax(a.logits, a.options),
    slots: ['logits', 'options', 'temperature', 'rows', 'out'] },
  logSoftmax: { call: (a) => lab.logSoftmax(a.logits, a.options),
    slots: ['logits', 'options', 'temperature', 'rows', 'out'] },
  logSumExp: { call: (a) => lab.logSumExp(a.logits, a.options), slots: ['logits', 'options', 'temperature', 'rows'] },
  entropy: { call: (a) => lab.entropy(a.logits, a.options), slots: ['logits', 'options', 'temperature', 'rows'] },
  crossEntropy: {
    call: (a) => lab.crossEntropy(a.logits, a.second, a.options), second: () => 2,
    slots: ['logits', 'options', 'temperature', 'rows', 'target', 'reduction', 'labelSmoothing', 'ignoreIndex',
      'weight'],
  },
  crossEntropyGrad: {
    call: (a) => lab.crossEntropyGrad(a.logits, a.second, a.options), second: () => 2,
    slots: ['logits', 'options', 'temperature', 'rows', 'target', 'reduction', 'labelSmoothing', 'ignoreIndex',
      'weight', 'out'],
  },
  topK: { call: (a) => lab.topK(a.logits, a.second), second: () => 2, slots: ['logits', 'k'] },
  sample: {
    call: (a) => lab.sample(a.logits, a.options), options: () => ({ seed: 7 }),
    slots: ['logits', 'options', 'temperature', 'topK', 'topP', 'minP', 'repetitionPenalty', 'history',
      'temperatureLast', 'seed'],
  },
  fitTemperature: {
    call: (a) => lab.fitTemperature(a.logits, a.second, a.options), second: () => 2,
      slots: ['logits', 'options', 'rows', 'target'],
  },
  trace: {
    call: (a) => lab.trace(a.logits, a.options),
    slots: ['logits', 'options', 'temperature', 'traceTarget', 'labelSmoothing', 'topK', 'topP', 'minP',
      'repetitionPenalty', 'history', 'temperatureLast'],
  },
};

// Where each kind of argument goes in the call, and the name the error message must mention.
const PLACES = {
  logits: { path: 'logits', name: 'logits' },
  options: { path: 'options', name: 'option' },
  target: { path: 'second', name: 'target' },
  k: { path: 'second', name: 'k' },
  traceTarget: { path: 'options.target', name: 'target' },
};
const place = (slot) => PLACES[slot] ?? { path: `options.${slot}`, name: slot };

// A fresh valid argument set: logits as a Float32Array (the hardest container to keep unchanged in place).
function args(fn) {
  const f = FUNCTIONS[fn];
  return { logits: Float32Array.from(LOGITS), second: f.second?.(), options: f.options?.() ?? {} };
}

function withValue(a, path, value) {
  if (path === 'logits' || path === 'second' || path === 'options') a[path] = value;
  else a.options[path.slice('options.'.length)] = value;
  return a;
}

// A deep copy of every array an argument set holds (typed arrays, plain arrays, alloc buffers), to compare after.
function snapshot(value, seen = new Set()) {
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    if (value.length > 1e6) return `a ${value.constructor.name} of length ${value.length}`;  // the 4 GiB case
    try {
      return Array.from(value);
    } catch {
      return 'detached';
    }
  }
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? snapshot(v, seen) : v));
  if (typeof value.free === 'function' && 'array' in value) {
    try {
      return Array.from(value.array);
    } catch {
      return 'freed';
    }
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'object' ? snapshot(v, seen) : v;
  return out;
}

function sameSnapshot(a, b) {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameSnapshot(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameSnapshot(a[k], b[k]));
  }
  return Object.is(a, b) || (typeof a === 'symbol' && typeof b === 'symbol');
}

// Equal results, treating -0 and +0 alike (a -0 argument may give a -0 somewhere a +0 gives +0, never anything else).
function sameResult(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (ArrayBuffer.isView(a) || Array.isArray(a)) return a.length === b?.length
    && Array.from(a).every((v, i) => sameResult(v, b[i]));
  if (a && typeof a === 'object') return Object.keys(a).every((k) => sameResult(a[k], b?.[k]));
  return Object.is(a, b);
}

const canary = Float32Array.of(3, 1, 0.2, -4);
const canaryResult = lab.softmax(canary);
function assertUsable(where) {
  assert.deepEqual(lab.softmax(canary), canaryResult, `${where}: the lab gives another answer after the error`);
}

// ---------------------------------------------------------------------------------------------------------------

let cases = 0;
for (const [fn, f] of Object.entries(FUNCTIONS)) {
  describe(`${fn}: bad arguments`, () => {
    for (const slot of f.slots) {
      const { path, name } = place(slot);
      const kind = KINDS[slot];
      test(`${name} (${kind.length} kinds of value)`, () => {
        for (const [label, make, expected, makeZero] of kind) {
          ++cases;
          const where = `${fn} with ${name} = ${label}`;
          const a = withValue(args(fn), path, make());
          const before = snapshot(a);
          if (expected === 'zero') {
            const zero = withValue(args(fn), path, makeZero());
            const got = f.call(a);
            assert.ok(sameResult(got, f.call(zero)), `${where}: differs from the same call with +0`);
            assert.ok(sameSnapshot(snapshot(a), before), `${where}: an argument was changed`);
            continue;
          }
          let thrown = null;
          try {
            f.call(a);
          } catch (e) {
            thrown = e;
          }
          assert.ok(thrown, `${where}: did not throw`);
          assert.ok(thrown instanceof expected,
            `${where}: threw ${thrown?.constructor?.name} (${thrown?.message}), expected ${expected.name}`);
          assert.match(thrown.message, new RegExp(`logitlab\\.${fn}`),
            `${where}: the message does not name the function: ${thrown.message}`);
          assert.ok(thrown.message.toLowerCase().includes(name.toLowerCase()),
            `${where}: the message does not name ${name}: ${thrown.message}`);
          assert.ok(sameSnapshot(snapshot(a), before), `${where}: an argument was changed although the call threw`);
          assertUsable(where);
        }
      });
    }
  });
}

describe('alloc: bad lengths', () => {
  test(`length (${KINDS.length.length} kinds of value)`, () => {
    const bytes = lab.memoryBytes;
    for (const [label, make, expected] of KINDS.length) {
      ++cases;
      assert.throws(() => lab.alloc(make()), (e) => e instanceof expected && /logitlab\.alloc: length/.test(e.message),
        `alloc(${label}) must throw a ${expected.name} naming length`);
    }
    assert.equal(lab.memoryBytes, bytes, 'refused allocations must not grow WebAssembly memory');
    assertUsable('alloc');
  });
});

describe('createLogitLab: bad options', () => {
  for (const [label, options] of [['a string', 'simd'], ['a number', 1], ['simd: "yes"', { simd: 'yes' }],
    ['simd: 1', { simd: 1 }], ['an unknown option', { smid: true }], ['locateFile: a string', { locateFile: 'x.wasm' }],
    ['wasmBinary: a string', { wasmBinary: 'x' }]]) {
    test(label, async () => {
      ++cases;
      await assert.rejects(createLogitLab(options), TypeError, `createLogitLab(${label}) must reject with a TypeError`);
    });
  }
});

describe('freed and foreign buffers', () => {
  test('use after free and double free throw, and leave memory intact', () => {
    const keep = allocated([1, 2, 3, 4]);
    const b = allocated([5, 6, 7, 8]);
    b.free();
    assert.throws(() => b.array, TypeError, 'reading a freed buffer');
    assert.throws(() => b.free(), TypeError, 'a second free');
    assert.throws(() => lab.softmax(b), TypeError, 'a freed buffer as logits');
    assert.throws(() => lab.softmax(keep, { out: b }), TypeError, 'a freed buffer as out');
    assert.throws(() => lab.crossEntropy(keep, b), TypeError, 'a freed buffer as soft targets');
    assert.deepEqual(Array.from(keep.array), [1, 2, 3, 4], 'a live buffer next to the freed one is untouched');
    const again = lab.alloc(4);  // may reuse the freed block: the old handle must still refuse
    assert.throws(() => b.array, TypeError, 'the freed handle stays dead after its memory is reused');
    assert.deepEqual(Array.from(again.array), [0, 0, 0, 0], 'alloc returns zeroed memory');
    again.free();
    keep.free();
  });

  test('another lab\'s buffers are refused, not read from the wrong memory', () => {
    const b = foreign();
    for (const call of [() => lab.softmax(b), () => lab.softmax(LOGITS, { out: b }), () => lab.topK(b, 1)])
      assert.throws(call, TypeError, 'a buffer of another lab');
    assert.deepEqual(Array.from(b.array), LOGITS, 'the foreign buffer is unchanged');
    b.free();
  });

  test('alloc buffers are accepted wherever a vector of floats is (logits, out, soft targets, weight)', () => {
    const z = allocated(LOGITS), w = allocated([1, 2, 0.5, 1]), t = allocated([0, 0, 1, 0]), out = lab.alloc(C);
    assert.equal(lab.softmax(z, { out }), out);
    assert.ok(sameResult(lab.crossEntropy(z, t), lab.crossEntropy(LOGITS, Float32Array.of(0, 0, 1, 0))),
      'soft targets');
    assert.ok(sameResult(lab.crossEntropy(z, 2, { weight: w }),
      lab.crossEntropy(LOGITS, 2, { weight: [1, 2, 0.5, 1] })),
      'an alloc buffer as weight');
    for (const b of [z, w, t, out]) b.free();
  });
});

test('the sweep covered every function and argument', (t) => {
  t.diagnostic(`${cases} bad or edge-case calls`);
  assert.ok(cases > 700, `only ${cases} bad calls were tried`);
});
