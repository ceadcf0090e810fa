// Every error of API.md's "Errors" list: TypeError for a wrong type, RangeError for a bad value; the message names the
// argument, the offending value and, for array entries, the index; and nothing in the caller's arrays (logits, target,
// weight, out, alloc buffers) changes when a call throws.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

const lab = await createLogitLab();

function snapshot(a) {
  if (a && typeof a === 'object' && 'array' in a && typeof a.free === 'function') return Array.from(a.array);
  return Array.from(a);
}

// make() returns { run, arrays }: the call, and every array it passes (to check they are left unchanged).
function expectError(label, make, cls, mentions) {
  test(`${label} -> ${cls.name}`, () => {
    const { run, arrays = [] } = make();
    const before = arrays.map(snapshot);
    let error;
    try {
      run();
    } catch (e) {
      error = e;
    }
    assert.ok(error, `${label}: did not throw`);
    assert.equal(error.constructor, cls,
      `${label}: expected ${cls.name}, got ${error.constructor.name}: ${error.message}`);
    for (const m of mentions) {
      const found = typeof m === 'string' ? error.message.includes(m) : m.test(error.message);
      assert.ok(found, `${label}: message ${JSON.stringify(error.message)} does not mention ${m}`);
    }
    arrays.forEach((a, i) => assert.deepEqual(snapshot(a), before[i], `${label}: argument array ${i} was changed`));
  });
}

const Z = () => new Float32Array([1, 2, 0.5]);  // one row of 3 classes
const Z2 = () => new Float32Array([1, 2, 0.5, -1, 0, 3]);  // two rows of 3

// Every function, called on `logits` with rows when it takes them (and a valid target etc. otherwise).
const targetsFor = (o) => new Int32Array(Number.isInteger(o?.rows) && o.rows > 0 ? o.rows : 1);
const FUNCTIONS = {
  softmax: (z, o) => lab.softmax(z, o),
  logSoftmax: (z, o) => lab.logSoftmax(z, o),
  logSumExp: (z, o) => lab.logSumExp(z, o),
  entropy: (z, o) => lab.entropy(z, o),
  crossEntropy: (z, o) => lab.crossEntropy(z, targetsFor(o), o),
  crossEntropyGrad: (z, o) => lab.crossEntropyGrad(z, targetsFor(o), o),
  fitTemperature: (z, o) => lab.fitTemperature(z, targetsFor(o), o),
  topK: (z) => lab.topK(z, 1),
  sample: (z, o) => lab.sample(z, { ...o, seed: 1 }),
  trace: (z, o) => lab.trace(z, o),
};
const WITH_ROWS = ['softmax', 'logSoftmax', 'logSumExp', 'entropy', 'crossEntropy', 'crossEntropyGrad',
  'fitTemperature'];
const WITH_TEMPERATURE = ['softmax', 'logSoftmax', 'logSumExp', 'entropy', 'crossEntropy', 'crossEntropyGrad', 'sample',
  'trace'];

describe('logits', () => {
  for (const [fn, call] of Object.entries(FUNCTIONS)) {
    describe(fn, () => {
      expectError('empty array', () => ({ run: () => call([]) }), RangeError, ['logits', /empty/]);
      expectError('empty Float32Array', () => ({ run: () => call(new Float32Array(0)) }), RangeError,
        ['logits', /empty/]);
      expectError('NaN at index 2', () => {
        const z = [1, 2, NaN, 3];
        return { run: () => call(z), arrays: [z] };
      }, RangeError, ['logits[2]', 'NaN']);
      expectError('+Infinity at index 1 (Float64Array)', () => {
        const z = new Float64Array([0, Infinity, 1]);
        return { run: () => call(z), arrays: [z] };
      }, RangeError, ['logits[1]', 'Infinity']);
      expectError('a value beyond float32 range at index 0 (Float64Array 1e39)', () => {
        const z = new Float64Array([1e39, 0]);
        return { run: () => call(z), arrays: [z] };
      }, RangeError, ['logits[0]']);
      expectError('entirely -Infinity', () => {
        const z = new Float32Array([-Infinity, -Infinity, -Infinity]);
        return { run: () => call(z), arrays: [z] };
      }, RangeError, ['logits', '-Infinity']);
      expectError('a string', () => ({ run: () => call('1,2,3') }), TypeError, ['logits']);
      expectError('null', () => ({ run: () => call(null) }), TypeError, ['logits']);
      expectError('an Int32Array', () => ({ run: () => call(new Int32Array([1, 2])) }), TypeError,
        ['logits', 'Int32Array']);
      expectError('a non-number entry at index 1', () => {
        const z = [1, '2', 3];
        return { run: () => call(z), arrays: [z] };
      }, TypeError, ['logits[1]', '"2"']);
      if (WITH_ROWS.includes(fn)) {
        expectError('NaN in row 1 (rows 2): names the flat index', () => {
          const z = Z2();
          z[4] = NaN;
          return { run: () => call(z, { rows: 2 }), arrays: [z] };
        }, RangeError, ['logits[4]', 'NaN']);
        expectError('row 1 entirely -Infinity (rows 2): names the row', () => {
          const z = Z2();
          z.fill(-Infinity, 3);
          return { run: () => call(z, { rows: 2 }), arrays: [z] };
        }, RangeError, ['logits', /row 1\b/, '-Infinity']);
        expectError('length 3 not divisible by rows 2', () => {
          const z = Z();
          return { run: () => call(z, { rows: 2 }), arrays: [z] };
        }, RangeError, ['rows', /\b2\b/, /\b3\b/]);
        for (const rows of [0, -1, 1.5, NaN, Infinity]) {
          expectError(`rows ${rows}`, () => ({ run: () => call(Z(), { rows }) }), RangeError, ['rows', String(rows)]);
        }
        expectError("rows '1' (a string)", () => ({ run: () => call(Z(), { rows: '1' }) }), TypeError, ['rows']);
      }
      if (WITH_TEMPERATURE.includes(fn)) {
        for (const temperature of [0, -1, NaN, Infinity, -Infinity]) {
          expectError(`temperature ${temperature}`, () => ({ run: () => call(Z(), { temperature }) }), RangeError,
            ['temperature', String(temperature)]);
        }
        expectError("temperature '1' (a string)", () => ({ run: () => call(Z(), { temperature: '1' }) }), TypeError,
          ['temperature']);
      }
    });
  }
});

describe('targets', () => {
  const ENTRY = {
    crossEntropy: (z, t, o) => lab.crossEntropy(z, t, o),
    crossEntropyGrad: (z, t, o) => lab.crossEntropyGrad(z, t, o),
    fitTemperature: (z, t, o) => lab.fitTemperature(z, t, o),
  };
  for (const [fn, call] of Object.entries(ENTRY)) {
    describe(fn, () => {
      const withArrays = (z, t, o) =>
        ({ run: () => call(z, t, o), arrays: [z, t].filter((a) => typeof a === 'object') });
      expectError('index 3 with 3 classes', () => withArrays(Z(), 3), RangeError, ['target', /\b3\b/]);
      expectError('index -1 (not ignoreIndex)', () => withArrays(Z(), -1), RangeError, ['target', '-1']);
      expectError('array entry 1 is 5 (rows 2)', () => withArrays(Z2(), [0, 5], { rows: 2 }), RangeError,
        ['target[1]', /\b5\b/]);
      expectError('Int32Array entry 1 is 5 (rows 2)', () => withArrays(Z2(), new Int32Array([0, 5]), { rows: 2 }),
        RangeError, ['target[1]', /\b5\b/]);
      expectError('Int32Array entry 0 is -7 (rows 2)', () => withArrays(Z2(), new Int32Array([-7, 0]), { rows: 2 }),
        RangeError, ['target[0]', '-7']);
      expectError('index 1.5 (not an integer)', () => withArrays(Z(), 1.5), RangeError, ['target', '1.5']);
      expectError('array entry 1 is 0.5', () => withArrays(Z2(), [0, 0.5], { rows: 2 }), RangeError,
        ['target[1]', '0.5']);
      expectError('NaN index', () => withArrays(Z(), NaN), RangeError, ['target', 'NaN']);
      expectError("a string 'a'", () => withArrays(Z(), 'a'), TypeError, ['target']);
      expectError('missing (undefined)', () => withArrays(Z(), undefined), TypeError, ['target']);
      expectError("array entry 1 is '1'", () => withArrays(Z2(), [0, '1'], { rows: 2 }), TypeError, ['target[1]']);
      expectError('1 index for 2 rows', () => withArrays(Z2(), [0], { rows: 2 }), RangeError,
        ['target', /\b2\b/, /\b1\b/]);
      expectError('a single number for 2 rows', () => withArrays(Z2(), 0, { rows: 2 }), RangeError,
        ['target', /\b2\b/]);
      expectError('3 indices (Int32Array) for 2 rows', () => withArrays(Z2(), new Int32Array(3), { rows: 2 }),
        RangeError, ['target', /\b2\b/, /\b3\b/]);
      expectError('soft target of length 4 for 3 classes',
        () => withArrays(Z(), new Float32Array([0.25, 0.25, 0.25, 0.25])),
        RangeError, ['target', /\b4\b/, /\b3\b/]);
      expectError('soft target of length 3 for 2 rows of 3',
        () => withArrays(Z2(), new Float64Array([1, 0, 0]), { rows: 2 }),
        RangeError, ['target', /\b3\b/, /\b6\b/]);
      expectError('soft target with entry 1 = -0.25', () => withArrays(Z(), new Float32Array([1.25, -0.25, 0])),
        RangeError, ['target[1]', '-0.25']);
      expectError('soft target with NaN at flat index 4 (rows 2)',
        () => withArrays(Z2(), new Float64Array([1, 0, 0, 0, NaN, 1]),
        { rows: 2 }), RangeError, ['target[4]', 'NaN']);
      expectError('soft target row summing to 0.75', () => withArrays(Z(), new Float32Array([0.5, 0.25, 0])),
        RangeError, ['target', '0.75']);
      expectError('soft target row 1 summing to 1.5 (rows 2)',
        () => withArrays(Z2(), new Float32Array([1, 0, 0, 0.5, 0.5, 0.5]),
        { rows: 2 }), RangeError, ['target', /row 1\b/, '1.5']);
    });
  }

  test('soft targets summing to 1 within 1e-3 are accepted', () => {
    assert.ok(Number.isFinite(lab.crossEntropy(Z(), new Float32Array([0.5, 0.2995, 0.2]))));
    assert.ok(Number.isFinite(lab.crossEntropy(Z(), new Float64Array([0.5, 0.3005, 0.2]))));
  });
});

describe('crossEntropy options', () => {
  for (const fn of ['crossEntropy', 'crossEntropyGrad']) {
    describe(fn, () => {
      const call = (o, z = Z()) => lab[fn](z, 0, o);
      for (const labelSmoothing of [-0.1, 1.5, NaN]) {
        expectError(`labelSmoothing ${labelSmoothing}`, () => ({ run: () => call({ labelSmoothing }) }), RangeError,
          ['labelSmoothing', String(labelSmoothing)]);
      }
      expectError("labelSmoothing '0.1'", () => ({ run: () => call({ labelSmoothing: '0.1' }) }), TypeError,
        ['labelSmoothing']);
      expectError("reduction 'avg'", () => ({ run: () => call({ reduction: 'avg' }) }), RangeError,
        ['reduction', 'avg']);
      expectError("reduction 'toString'", () => ({ run: () => call({ reduction: 'toString' }) }), RangeError,
        ['reduction', 'toString']);
      expectError('reduction 1 (a number)', () => ({ run: () => call({ reduction: 1 }) }), TypeError, ['reduction']);
      expectError('weight of length 2 for 3 classes', () => {
        const weight = [1, 2];
        return { run: () => call({ weight }), arrays: [weight] };
      }, RangeError, ['weight', /\b2\b/, /\b3\b/]);
      expectError('weight entry 1 is -1', () => {
        const weight = new Float32Array([1, -1, 1]);
        return { run: () => call({ weight }), arrays: [weight] };
      }, RangeError, ['weight[1]', '-1']);
      expectError('weight entry 2 is NaN', () => {
        const weight = new Float64Array([1, 1, NaN]);
        return { run: () => call({ weight }), arrays: [weight] };
      }, RangeError, ['weight[2]', 'NaN']);
      expectError("weight 'x'", () => ({ run: () => call({ weight: 'x' }) }), TypeError, ['weight']);
    });
  }
});

describe('topK k', () => {
  for (const k of [4, -1, 1.5, NaN]) {
    expectError(`k ${k} for 3 logits`, () => ({ run: () => lab.topK(Z(), k) }), RangeError, [/\bk\b/, String(k)]);
  }
  expectError("k '1'", () => ({ run: () => lab.topK(Z(), '1') }), TypeError, [/\bk\b/]);
  expectError('k missing', () => ({ run: () => lab.topK(Z()) }), TypeError, [/\bk\b/]);
});

describe('sampling options (sample and trace)', () => {
  for (const fn of ['sample', 'trace']) {
    describe(fn, () => {
      const call = (o) => lab[fn](Z(), o);
      const cases = [
        ['topK', 4, RangeError], ['topK', -1, RangeError], ['topK', 1.5, RangeError], ['topK', '2', TypeError],
        ['topP', 0, RangeError], ['topP', 1.5, RangeError], ['topP', -0.5, RangeError], ['topP', NaN, RangeError],
        ['topP', '0.9', TypeError],
        ['minP', -0.1, RangeError], ['minP', 1.5, RangeError], ['minP', NaN, RangeError], ['minP', '0.1', TypeError],
        ['repetitionPenalty', 0, RangeError], ['repetitionPenalty', -1.2, RangeError],
        ['repetitionPenalty', Infinity, RangeError], ['repetitionPenalty', NaN, RangeError],
        ['repetitionPenalty', '1.2', TypeError],
      ];
      for (const [name, value, cls] of cases) {
        expectError(`${name} ${typeof value === 'string' ? `'${value}'` : value}`,
          () => ({ run: () => call({ [name]: value }) }),
          cls, [name, ...(cls === RangeError ? [String(value)] : [])]);
      }
      expectError('history entry 1 is 3 (3 classes)', () => {
        const history = [0, 3];
        return { run: () => call({ history, repetitionPenalty: 1.1 }), arrays: [history] };
      }, RangeError, ['history[1]', /\b3\b/]);
      expectError('history entry 0 is -1 (Int32Array)', () => {
        const history = new Int32Array([-1]);
        return { run: () => call({ history, repetitionPenalty: 1.1 }), arrays: [history] };
      }, RangeError, ['history[0]', '-1']);
      expectError('history entry 0 is 0.5', () => ({ run: () => call({ history: [0.5] }) }), RangeError,
        ['history[0]', '0.5']);
      expectError("history 'x'", () => ({ run: () => call({ history: 'x' }) }), TypeError, ['history']);
      expectError("temperatureLast 'yes'", () => ({ run: () => call({ temperatureLast: 'yes' }) }), TypeError,
        ['temperatureLast']);
    });
  }
  for (const seed of [-1, 2 ** 32, 1.5, NaN, Infinity]) {
    expectError(`seed ${seed}`, () => ({ run: () => lab.sample(Z(), { seed }) }), RangeError, ['seed', String(seed)]);
  }
  expectError("seed '1'", () => ({ run: () => lab.sample(Z(), { seed: '1' }) }), TypeError, ['seed']);
  expectError('seed 1n (a BigInt)', () => ({ run: () => lab.sample(Z(), { seed: 1n }) }), TypeError, ['seed']);
  expectError('trace target 3 with 3 classes', () => ({ run: () => lab.trace(Z(), { target: 3 }) }), RangeError,
    ['target', /\b3\b/]);
});

describe('out', () => {
  for (const fn of ['softmax', 'logSoftmax', 'crossEntropyGrad']) {
    describe(fn, () => {
      const call = (z, o) => (fn === 'crossEntropyGrad' ? lab[fn](z, 0, o) : lab[fn](z, o));
      expectError('out of length 2 for 3 logits', () => {
        const z = Z();
        const out = new Float32Array([7, 7]);
        return { run: () => call(z, { out }), arrays: [z, out] };
      }, RangeError, ['out', /\b2\b/]);
      expectError('out a Float64Array', () => {
        const out = new Float64Array(3).fill(7);
        return { run: () => call(Z(), { out }), arrays: [out] };
      }, TypeError, ['out', 'Float64Array']);
      expectError('out a plain array', () => {
        const out = [7, 7, 7];
        return { run: () => call(Z(), { out }), arrays: [out] };
      }, TypeError, ['out']);
      expectError('alloc out of length 4 for 3 logits', () => {
        const out = lab.alloc(4);
        out.array.fill(7);
        return { run: () => call(Z(), { out }), arrays: [out] };
      }, RangeError, ['out', /\b4\b/]);
    });
  }
});

describe('freed alloc buffers', () => {
  const freed = () => {
    const b = lab.alloc(3);
    b.array.set([1, 2, 3]);
    b.free();
    return b;
  };
  const isError = (e) => (e instanceof TypeError || e instanceof RangeError) && /freed/.test(e.message);
  test('as logits, out, target or weight, every function throws', () => {
    const calls = {
      softmax: (b) => lab.softmax(b), logSoftmax: (b) => lab.logSoftmax(b), logSumExp: (b) => lab.logSumExp(b),
      entropy: (b) => lab.entropy(b), crossEntropy: (b) => lab.crossEntropy(b, 0), topK: (b) => lab.topK(b, 1),
      crossEntropyGrad: (b) => lab.crossEntropyGrad(b, 0), sample: (b) => lab.sample(b, { seed: 1 }),
      fitTemperature: (b) => lab.fitTemperature(b, 0), trace: (b) => lab.trace(b),
      'softmax out': (b) => lab.softmax(Z(), { out: b }), 'logSoftmax out': (b) => lab.logSoftmax(Z(), { out: b }),
      'crossEntropyGrad out': (b) => lab.crossEntropyGrad(Z(), 0, { out: b }),
      'soft target': (b) => lab.crossEntropy(Z(), b),
    };
    for (const [name, call] of Object.entries(calls))
      assert.throws(() => call(freed()), isError, `${name}: a freed buffer must throw an error that says it was freed`);
  });

  test('reading .array of a freed buffer throws; freeing twice throws', () => {
    const b = freed();
    assert.throws(() => b.array, isError, '.array after free');
    assert.throws(() => b.free(), (e) => e instanceof TypeError || e instanceof Error, 'double free');
  });
});

describe('alloc buffers of another lab', () => {
  test('are rejected with a TypeError that says the buffer belongs to another lab', async () => {
    const other = await createLogitLab();
    const b = other.alloc(3);
    b.array.set([1, 2, 3]);
    assert.throws(() => lab.softmax(b), (e) => e instanceof TypeError && /another lab/.test(e.message),
      'logits from another lab');
    assert.throws(() => lab.softmax([1, 2, 3], { out: b }),
      (e) => e instanceof TypeError && /another lab/.test(e.message),
      'out from another lab');
    assert.deepEqual(Array.from(b.array), [1, 2, 3]);
  });
});

describe('arrays are unchanged when a later row fails (validation before any write)', () => {
  const bad = () => {
    const z = Z2();
    z[5] = NaN;  // row 1
    return z;
  };
  expectError('softmax in place (out === logits), NaN in row 1', () => {
    const z = bad();
    return { run: () => lab.softmax(z, { rows: 2, out: z }), arrays: [z] };
  }, RangeError, ['logits[5]']);
  expectError('logSoftmax into out, NaN in row 1', () => {
    const z = bad();
    const out = new Float32Array(6).fill(7);
    return { run: () => lab.logSoftmax(z, { rows: 2, out }), arrays: [z, out] };
  }, RangeError, ['logits[5]']);
  expectError('softmax of an alloc buffer in place, NaN in row 1', () => {
    const b = lab.alloc(6);
    b.array.set(bad());
    return { run: () => lab.softmax(b, { rows: 2, out: b }), arrays: [b] };
  }, RangeError, ['logits[5]']);
  expectError('logSoftmax of an alloc buffer into another, row 1 all -Infinity', () => {
    const b = lab.alloc(6);
    b.array.set([1, 2, 3, -Infinity, -Infinity, -Infinity]);
    const out = lab.alloc(6);
    out.array.fill(7);
    return { run: () => lab.logSoftmax(b, { rows: 2, out }), arrays: [b, out] };
  }, RangeError, [/row 1\b/]);
  expectError('crossEntropyGrad in place, target of row 1 out of range', () => {
    const z = Z2();
    const t = new Int32Array([0, 3]);
    return { run: () => lab.crossEntropyGrad(z, t, { rows: 2, out: z }), arrays: [z, t] };
  }, RangeError, ['target[1]']);
  expectError('crossEntropyGrad of an alloc buffer in place, NaN in row 1', () => {
    const b = lab.alloc(6);
    b.array.set(bad());
    return { run: () => lab.crossEntropyGrad(b, [0, 1], { rows: 2, out: b }), arrays: [b] };
  }, RangeError, ['logits[5]']);
  expectError('crossEntropyGrad into out, soft target row 1 bad, with weight', () => {
    const z = Z2();
    const t = new Float32Array([1, 0, 0, 0.2, 0.2, 0.2]);
    const weight = new Float32Array([1, 2, 3]);
    const out = new Float32Array(6).fill(7);
    return { run: () => lab.crossEntropyGrad(z, t, { rows: 2, weight, out }), arrays: [z, t, weight, out] };
  }, RangeError, ['target', /row 1\b/]);
  expectError('crossEntropyGrad into an alloc out, weight entry 2 negative', () => {
    const z = Z2();
    const weight = [1, 1, -2];
    const out = lab.alloc(6);
    out.array.fill(7);
    return { run: () => lab.crossEntropyGrad(z, [0, 1], { rows: 2, weight, out }), arrays: [z, weight, out] };
  }, RangeError, ['weight[2]', '-2']);
});
