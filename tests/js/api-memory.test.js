// Inputs, `out`, alloc buffers and WebAssembly memory: callers' arrays untouched, `out` and in-place results, alloc
// views that stay current across memory growth, and no growth over 100,000 calls.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

import {
  assertAllClose, crossEntropyGradRef, logSoftmaxRef, lossTolerance, probabilityTolerance, randomLogits,
  randomSoftTargets, rng, softmaxRef,
} from './reference.js';

const lab = await createLogitLab();

describe('inputs are left untouched by successful calls', () => {
  test('every function, with Float32Array, Float64Array and plain-array arguments', () => {
    const r = rng(8);
    const f32 = randomLogits(r, 12);
    f32[3] = -Infinity;
    const make = () => ({
      f32: Float32Array.from(f32), f64: Float64Array.from(f32), arr: Array.from(f32),
      idx: new Int32Array([1, 0, -100]), idxArr: [2, 3, 1], soft: randomSoftTargets(rng(9), 3, 4),
      soft64: Float64Array.from(randomSoftTargets(rng(10), 3, 4)), weight: new Float32Array([1, 2, 0.5, 3]),
      weightArr: [1, 1, 2, 2], history: [0, 5, 5], history32: new Int32Array([1, 2]),
    });
    const args = make();
    const original = make();
    const calls = [
      () => lab.softmax(args.f32, { rows: 3 }), () => lab.softmax(args.f64, { rows: 3, temperature: 2 }),
      () => lab.logSoftmax(args.arr, { rows: 3 }), () => lab.logSumExp(args.f64, { rows: 3 }),
      () => lab.entropy(args.arr, { rows: 2 }),
      () => lab.crossEntropy(args.f32, args.idx, { rows: 3, weight: args.weight, labelSmoothing: 0.1 }),
      () => lab.crossEntropy(args.f64, args.soft, { rows: 3, weight: args.weightArr, reduction: 'none' }),
      () => lab.crossEntropyGrad(args.arr, args.idxArr, { rows: 3, weight: args.weightArr }),
      () => lab.crossEntropyGrad(args.f32, args.soft64, { rows: 3, reduction: 'sum' }),
      () => lab.topK(args.f32, 5), () => lab.topK(args.arr, 12),
      () => lab.sample(args.f32, { repetitionPenalty: 1.5, history: args.history, topK: 5, topP: 0.9, seed: 3 }),
      () => lab.sample(args.f64, { repetitionPenalty: 0.8, history: args.history32, minP: 0.1 }),
      () => lab.fitTemperature(args.f32, args.idx, { rows: 3 }),
        () => lab.fitTemperature(args.arr, args.soft, { rows: 3 }),
      () => lab.trace(args.f32.subarray(4, 8), { target: 1, topK: 2, repetitionPenalty: 2, history: args.history32 }),
    ];
    calls.forEach((call, i) => {
      call();
      for (const key of Object.keys(args))
        assert.deepEqual(Array.from(args[key]), Array.from(original[key]), `call ${i} changed argument ${key}`);
    });
  });
});

describe('out', () => {
  const z = randomLogits(rng(12), 2 * 50, { spread: 4 });
  const cases = {
    softmax: { call: (x, o) => lab.softmax(x, { rows: 2, ...o }), want: softmaxRef(z, { rows: 2 }),
      tol: probabilityTolerance },
    logSoftmax: { call: (x, o) => lab.logSoftmax(x, { rows: 2, ...o }), want: logSoftmaxRef(z, { rows: 2 }),
      tol: lossTolerance },
    crossEntropyGrad: {
      call: (x, o) => lab.crossEntropyGrad(x, [3, 40], { rows: 2, ...o }),
      want: crossEntropyGradRef(z, [3, 40], { rows: 2 }),
      tol: (v) => 5e-7 + 2e-5 * Math.abs(v),
    },
  };
  for (const [fn, { call, want, tol }] of Object.entries(cases)) {
    describe(fn, () => {
      test('a Float32Array out is filled and returned; the input is untouched', () => {
        const input = Float32Array.from(z);
        const out = new Float32Array(z.length).fill(NaN);
        const result = call(input, { out });
        assert.equal(result, out, 'returns out itself');
        assertAllClose(out, want, tol, `${fn} into out`);
        assert.deepEqual(input, z, 'input unchanged');
      });
      test('in place: out === input', () => {
        const input = Float32Array.from(z);
        const result = call(input, { out: input });
        assert.equal(result, input, 'returns the input itself');
        assertAllClose(input, want, tol, `${fn} in place`);
      });
      test('a lab.alloc buffer as out is filled and returned', () => {
        const out = lab.alloc(z.length);
        const result = call(z, { out });
        assert.equal(result, out, 'returns the alloc buffer itself');
        assertAllClose(out.array, want, tol, `${fn} into alloc out`);
        out.free();
      });
      test('a lab.alloc buffer as input: into itself, into another buffer, and into a new Float32Array', () => {
        const a = lab.alloc(z.length);
        a.array.set(z);
        const b = lab.alloc(z.length);
        assert.equal(call(a, { out: b }), b);
        assertAllClose(b.array, want, tol, `${fn} alloc -> alloc`);
        assert.deepEqual(a.array, z, 'alloc input unchanged');
        const fresh = call(a);
        assert.ok(fresh instanceof Float32Array && fresh !== a.array, 'without out: a new Float32Array');
        assertAllClose(fresh, want, tol, `${fn} alloc -> new`);
        assert.deepEqual(a.array, z, 'alloc input unchanged');
        assert.equal(call(a, { out: a }), a, 'in place returns the buffer');
        assertAllClose(a.array, want, tol, `${fn} alloc in place`);
        a.free();
        b.free();
      });
    });
  }

  test('an alloc input into a Float32Array out; an out that is a subarray view at an offset', () => {
    const a = lab.alloc(4);
    a.array.set([1, 2, 3, 4]);
    const out = new Float32Array(4);
    assert.equal(lab.softmax(a, { out }), out);
    assertAllClose(out, softmaxRef([1, 2, 3, 4]), probabilityTolerance, 'alloc -> Float32Array');
    const backing = new Float32Array(10).fill(7);
    const view = backing.subarray(3, 7);
    assert.equal(lab.logSoftmax(new Float64Array([1, 2, 3, 4]), { out: view }), view);
    assertAllClose(view, logSoftmaxRef([1, 2, 3, 4]), lossTolerance, 'into a subarray');
    assert.deepEqual(Array.from(backing.subarray(0, 3)), [7, 7, 7], 'nothing written before the view');
    assert.deepEqual(Array.from(backing.subarray(7)), [7, 7, 7], 'nothing written after the view');
    const input = Float32Array.from([9, 1, 2, 3, 4, 9]).subarray(1, 5);
    assertAllClose(lab.softmax(input), softmaxRef([1, 2, 3, 4]), probabilityTolerance, 'input subarray at an offset');
    a.free();
  });

  test('results are independent copies: later calls do not overwrite them', () => {
    const first = lab.softmax([1, 2, 3]);
    const copy = Float32Array.from(first);
    lab.softmax([9, -9, 0]);
    lab.logSoftmax(randomLogits(rng(1), 5000));
    assert.deepEqual(first, copy);
  });
});

describe('lab.alloc buffers', () => {
  test('length, a Float32Array view of that length, written by the caller and read by every function', () => {
    const b = lab.alloc(5);
    assert.equal(b.length, 5);
    assert.ok(b.array instanceof Float32Array);
    assert.equal(b.array.length, 5);
    b.array.set([0.5, 2, -1, 0, 3]);
    assertAllClose(lab.softmax(b), softmaxRef([0.5, 2, -1, 0, 3]), probabilityTolerance, 'softmax(alloc)');
    assert.deepEqual(Array.from(lab.topK(b, 2).indices), [4, 1]);
    assert.ok(Math.abs(lab.logSumExp(b) - Math.log([0.5, 2, -1, 0, 3].reduce((a, v) => a + Math.exp(v), 0))) < 2e-5);
    assert.ok(Number.isFinite(lab.crossEntropy(b, 1)));
    assert.equal(lab.sample(b, { seed: 4 }), lab.sample(new Float32Array([0.5, 2, -1, 0, 3]), { seed: 4 }));
    b.free();
  });

  test('writes through .array are seen by the next call (no stale copy)', () => {
    const b = lab.alloc(3);
    b.array.set([1, 2, 3]);
    const p1 = lab.softmax(b);
    b.array[0] = 10;
    const p2 = lab.softmax(b);
    assert.ok(p2[0] > 0.99 && p1[0] < 0.1, `p1 ${p1}, p2 ${p2}`);
    b.free();
  });

  test('read, force WebAssembly memory growth, read again: .array is current, not stale or detached', () => {
    const n = 1000;
    const z = randomLogits(rng(3), n);
    const b = lab.alloc(n);
    b.array.set(z);
    lab.softmax(b, { out: b });
    const before = Float32Array.from(b.array);
    assertAllClose(before, softmaxRef(z), probabilityTolerance, 'before growth');
    const oldView = b.array;
    const bytesBefore = lab.memoryBytes;

    const big = lab.alloc(64e6);  // 256 MB: more than the memory holds, so it must grow
    assert.ok(lab.memoryBytes > bytesBefore, `memory did not grow: ${bytesBefore} -> ${lab.memoryBytes} bytes`);
    assert.equal(big.array.length, 64e6);
    big.array[64e6 - 1] = 1.5;
    assert.equal(big.array[64e6 - 1], 1.5);

    const after = b.array;
    assert.equal(after.length, n, `.array after growth has length ${after.length} (a detached view has 0)`);
    assert.deepEqual(after, before, '.array after growth reads the same values');
    assert.notEqual(oldView.length, n, 'the old view is detached by growth (so a getter is needed at all)');
    // And the buffer still works as input and out after growth.
    lab.logSoftmax(b, { out: b });
    assertAllClose(b.array, logSoftmaxRef(Float64Array.from(before)), lossTolerance, 'logSoftmax after growth');
    big.free();
    b.free();
  });

  test('growth inside a call (a large input) leaves alloc buffers and earlier results valid', async () => {
    const fresh = await createLogitLab();  // its own small memory, so a 16 MB input must grow it
    const b = fresh.alloc(4);
    b.array.set([1, 2, 3, 4]);
    const earlier = fresh.softmax(b);
    const bytesBefore = fresh.memoryBytes;
    const large = new Float32Array(4e6);  // copied into WebAssembly memory by the call
    large[7] = 5;
    const { indices } = fresh.topK(large, 1);
    assert.equal(indices[0], 7);
    assert.ok(fresh.memoryBytes > bytesBefore, `the call did not grow memory (${bytesBefore} bytes)`);
    assert.deepEqual(Array.from(b.array), [1, 2, 3, 4]);
    assertAllClose(earlier, softmaxRef([1, 2, 3, 4]), probabilityTolerance, 'a result from before growth');
    assertAllClose(fresh.softmax(b), earlier, (v) => 1e-7 * Math.abs(v), 'the buffer still computes the same');
    b.free();
  });
});

describe('WebAssembly memory', () => {
  test('lab.memoryBytes is the memory size in bytes: a positive multiple of 64 KiB', () => {
    assert.equal(typeof lab.memoryBytes, 'number');
    assert.ok(lab.memoryBytes > 0 && lab.memoryBytes % 65536 === 0, `memoryBytes ${lab.memoryBytes}`);
  });

  test('100,000 calls leave WebAssembly memory the same size', async () => {
    const fresh = await createLogitLab();  // its own memory, not grown by the tests above
    const r = rng(100);
    const small = randomLogits(r, 4 * 16);
    const large = randomLogits(r, 50257);
    const soft = randomSoftTargets(r, 4, 16);
    const weight = Float32Array.from({ length: 16 }, () => r.uniform(0, 2));
    const out = new Float32Array(small.length);
    const calls = [
      () => fresh.softmax(small, { rows: 4 }),
      () => fresh.logSoftmax(small, { rows: 4, out, temperature: 0.7 }),
      () => fresh.logSumExp(small, { rows: 4 }),
      () => fresh.entropy(small, { rows: 2 }),
      () => fresh.crossEntropy(small, [1, 2, 3, -100], { rows: 4, weight, labelSmoothing: 0.1 }),
      () => fresh.crossEntropy(small, soft, { rows: 4, reduction: 'none' }),
      () => fresh.crossEntropyGrad(small, [0, 5, 9, 15], { rows: 4, out }),
      () => fresh.topK(small, 5),
      () => fresh.sample(small.subarray(0, 16),
        { topK: 5, topP: 0.9, minP: 0.05, repetitionPenalty: 1.2, history: [1, 2] }),
      () => fresh.trace(small.subarray(0, 16), { target: 3, topP: 0.8 }),
      () => fresh.fitTemperature(small, [1, 2, 3, 4], { rows: 4 }),
      () => fresh.alloc(32).free(),
      () => assert.throws(() => fresh.softmax([1, NaN])),
      () => assert.throws(() => fresh.crossEntropy(small, [1, 2, 3, 99], { rows: 4 })),
    ];
    const bigCalls = [
      () => fresh.softmax(large), () => fresh.crossEntropy(large, 17), () => fresh.sample(large, { topP: 0.9 }),
      () => fresh.topK(large, 40), () => fresh.crossEntropyGrad(large, 3),
    ];
    const run = (n) => {
      for (let i = 0; i < n; ++i) {
        if (i % 200 === 0) bigCalls[(i / 200) % bigCalls.length]();
        else calls[i % calls.length]();
      }
    };
    // A leak of a few bytes per call would fit in the memory's headroom without growing it; so also probe the top
    // of the heap: a large allocation lands above everything live, and moves up by whatever the run leaked.
    const probe = () => {
      const b = fresh.alloc(1 << 18);  // 1 MB, larger than any free fragment
      const top = b.array.byteOffset;
      b.free();
      return top;
    };
    run(2000);  // warm-up: scratch areas reach their sizes
    probe();  // (its first use may grow memory too)
    const before = fresh.memoryBytes;
    const topBefore = probe();
    run(100000);
    assert.equal(fresh.memoryBytes, before,
      `memory grew from ${before} to ${fresh.memoryBytes} bytes over 100,000 calls`);
    const topAfter = probe();
    assert.equal(topAfter, topBefore,
      `the heap top moved by ${topAfter - topBefore} bytes over 100,000 calls (a leak)`);
  });
});
