// Long use and misuse: a million mixed calls (valid ones, invalid ones, alloc/free cycles, use after free, double free)
// keep WebAssembly memory and the JS heap flat, measured; a thrown error anywhere leaves the lab answering correctly;
// options whose getters call back into the lab cannot corrupt it; a request larger than WebAssembly memory can hold is
// refused with a clear RangeError; results stay independent of each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import createLogitLab from 'logitlab';

import { assertAllClose, crossEntropyRef, probabilityTolerance, sfc32, softmaxRef } from './reference.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const CALLS = Number(process.env.LOGITLAB_LONG_CALLS ?? 1_000_000);

// Answers between misuses, against the float64 references.
const assertSoftmax = (got, z, where) => assertAllClose(got, softmaxRef(z), probabilityTolerance, where);

const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

test(`${CALLS.toLocaleString('en')} mixed calls keep WebAssembly memory and the JS heap flat`, async (t) => {
  const lab = await createLogitLab();
  const next = sfc32(20261128);  // the same million calls every run
  const int = (n) => Math.floor(next() * n);
  const logits = (n) => Float32Array.from({ length: n }, () => 8 * next() - 4);
  // Inputs reused across calls, as a training loop would: a few sizes up to 1,000 classes and 4 rows.
  const inputs = [1, 7, 64, 257, 1000].map((C) => ({ C, z: logits(C * 4) }));
  const check = Float32Array.of(2, -1, 0.5, 3, -0.25);
  const outs = inputs.map(({ z }) => new Float32Array(z.length));
  let stale = lab.alloc(4);
  stale.free();

  const valid = [
    (k) => lab.softmax(inputs[k].z, { rows: 4, temperature: 0.7 }),
    (k) => lab.softmax(inputs[k].z, { rows: 4, out: outs[k] }),
    (k) => lab.logSoftmax(inputs[k].z, { rows: 2 }),
    (k) => lab.logSumExp(inputs[k].z, { rows: 4 }),
    (k) => lab.entropy(inputs[k].z),
    (k) => lab.crossEntropy(inputs[k].z, [0, inputs[k].C - 1, -100, 0], { rows: 4, labelSmoothing: 0.1 }),
    (k) => lab.crossEntropyGrad(inputs[k].z, Int32Array.of(0, 0, 0, 0), { rows: 4, reduction: 'sum', out: outs[k] }),
    (k) => lab.topK(inputs[k].z, Math.min(5, inputs[k].z.length)),
    (k) => lab.sample(inputs[k].z, { topP: 0.9, topK: Math.min(40, inputs[k].z.length), seed: k }),
    (k) => lab.trace(inputs[k].z.subarray(0, inputs[k].C), { target: 0, topP: 0.5 }),
    () => {
      const b = lab.alloc(1 + int(2048));
      b.array.fill(1);
      lab.softmax(b, { out: b });
      b.free();
    },
  ];
  const invalid = [
    () => lab.softmax(Float32Array.of(1, NaN, 2)),
    () => lab.softmax(check, { temperature: 0 }),
    () => lab.softmax(check, { rows: 2 }),
    () => lab.softmax(check, { out: new Float32Array(3) }),
    () => lab.logSoftmax(stale),
    () => stale.free(),
    () => stale.array,
    () => lab.crossEntropy(check, 5),
    () => lab.crossEntropy(check, 1, { reduction: 'avg' }),
    () => lab.crossEntropyGrad(check, [0, 1]),
    () => lab.topK(check, 6),
    // Seeded: an unseeded call draws from crypto.getRandomValues, which itself grows the heap when called inside a
    // node:test test on Node 20 (a test-runner artefact: flat in plain scripts), and would hide what this measures.
    () => lab.sample(check, { topP: 0, seed: 1 }),
    () => lab.sample(check, { history: [9], seed: 2 }),
    () => lab.entropy([]),
    () => lab.alloc(0),
    () => lab.trace(check, { target: 7 }),
    () => lab.softmax(check, { get temperature() { throw new Error('a throwing getter'); } }),
    () => lab.fitTemperature(check, [1, 2]),
  ];

  const run = (count) => {
    let errors = 0;
    for (let i = 0; i < count; ++i) {
      if (next() < 0.7) {
        valid[int(valid.length)](int(inputs.length));
      } else {
        try {
          invalid[int(invalid.length)]();
          assert.fail('an invalid call returned');
        } catch (e) {
          if (!(e instanceof TypeError || e instanceof RangeError || e.message === 'a throwing getter')) throw e;
          ++errors;
        }
      }
      if (i % 10000 === 0) {
        assertSoftmax(lab.softmax(check), check, `call ${i}`);
        assert.ok(Math.abs(lab.crossEntropy(check, 3) - crossEntropyRef(check, 3)) <= 2e-5,
          `call ${i}: cross-entropy drifted`);
      }
    }
    return errors;
  };

  const warmUp = Math.min(100_000, CALLS / 10);
  run(warmUp);  // scratch areas reach their largest sizes; the JIT settles
  const memory = lab.memoryBytes;
  const heap = heapUsed();
  const samples = [];
  let errors = 0;
  const chunk = (CALLS - warmUp) / 9;
  for (let part = 0; part < 9; ++part) {
    errors += run(chunk);
    samples.push({ calls: warmUp + (part + 1) * chunk, memory: lab.memoryBytes, heap: heapUsed() });
  }
  const growth = samples.at(-1).heap - heap;
  const table = samples
    .map((s) => `${s.calls}: wasm ${s.memory} B, heap ${s.heap - heap >= 0 ? '+' : ''}${s.heap - heap} B`).join('; ');
  assert.ok(errors > 0.25 * (CALLS - warmUp), `${errors} invalid calls threw`);
  for (const s of samples)
    assert.equal(s.memory, memory,
      `WebAssembly memory grew from ${memory} to ${s.memory} bytes after ${s.calls} calls (${table})`);
  t.diagnostic(`${errors} of ${CALLS - warmUp} measured calls threw; WebAssembly memory ${memory} bytes throughout; ` +
    `JS heap ${growth >= 0 ? '+' : ''}${growth} bytes`);
  // A leak of 2 bytes per call would show as 1.8 MB here.
  assert.ok(growth < 1.5e6, `the JS heap grew by ${growth} bytes over ${CALLS - warmUp} calls (${table})`);
  stale = null;
});

test('an invalid call does not grow WebAssembly memory', async () => {
  const lab = await createLogitLab();
  lab.softmax([1, 2, 3]);
  const before = lab.memoryBytes;
  for (const [what, call] of [
    ['logSumExp with rows = 2**27', () => lab.logSumExp([1, 2, 3], { rows: 2 ** 27 })],
    ['entropy with rows = 2**26', () => lab.entropy([1, 2, 3], { rows: 2 ** 26 })],
    ['crossEntropy with 2**25 targets', () => lab.crossEntropy([1, 2, 3], new Int32Array(2 ** 25))],
    ['sample with 2**25 history entries', () => lab.sample([1, 2, 3], { history: new Int32Array(2 ** 25).fill(7) })],
  ]) {
    assert.throws(call, RangeError, what);
    assert.equal(lab.memoryBytes, before,
      `${what} was refused but grew WebAssembly memory from ${before} to ${lab.memoryBytes} bytes`);
  }
});

test('an error thrown inside a call (by an option getter) leaves the lab answering correctly', async () => {
  const lab = await createLogitLab();
  const z = Float32Array.of(1, -2, 0.5, 3);
  const boom = (key) => ({ get [key]() { throw new Error(`getter ${key}`); } });
  const calls = [
    ['softmax', 'temperature', (o) => lab.softmax(z, o)], ['softmax', 'out', (o) => lab.softmax(z, o)],
    ['logSoftmax', 'rows', (o) => lab.logSoftmax(z, o)], ['entropy', 'temperature', (o) => lab.entropy(z, o)],
    ['crossEntropy', 'weight', (o) => lab.crossEntropy(z, 1, o)],
      ['crossEntropyGrad', 'out', (o) => lab.crossEntropyGrad(z, 1, o)],
    ['sample', 'history', (o) => lab.sample(z, o)], ['trace', 'topP', (o) => lab.trace(z, o)],
    ['fitTemperature', 'rows', (o) => lab.fitTemperature(z, 1, o)],
  ];
  for (const [fn, key, call] of calls) {
    const options = boom(key);
    assert.throws(() => call(options), { message: `getter ${key}` }, `${fn}: the getter's error propagates`);
    assertSoftmax(lab.softmax(z), z, `after ${fn} threw from ${key}`);
    assert.ok(Math.abs(lab.crossEntropy(z, 3) - crossEntropyRef(z, 3)) <= 2e-5, `after ${fn}: cross-entropy`);
  }
});

test('an option getter that calls back into the lab cannot change the answer or corrupt memory', async () => {
  const lab = await createLogitLab();
  const z = Float32Array.of(1, 2, 3, 4);
  const keep = lab.alloc(8);
  keep.array.set([1, 2, 3, 4, 5, 6, 7, 8]);
  let late = null;
  const cases = [
    ['softmax (out getter runs a small call)',
      () => lab.softmax(z, { get out() { lab.softmax([9, 9, 9, 9, 9]); return undefined; } }),
      (r) => assertSoftmax(r, z, 'softmax')],
    ['softmax (out getter grows scratch, allocates)', () => lab.softmax(z, {
      get out() {
        lab.softmax(new Float32Array(1 << 16));
        late = lab.alloc(4);
        late.array.set([7, 7, 7, 7]);
        return undefined;
      },
    }), (r) => assertSoftmax(r, z, 'softmax')],
    ['crossEntropy (weight getter)',
      () => lab.crossEntropy(z, 2, { get weight() { lab.softmax([5, 5]); return undefined; } }),
      (r) => assert.ok(Math.abs(r - crossEntropyRef(z, 2)) <= 2e-5, `crossEntropy = ${r}`)],
    ['sample (history getter)',
      () => lab.sample([100, 0, 0, 0], { seed: 1, get history() { lab.sample([0, 0, 0, 100]); return []; } }),
      (r) => assert.equal(r, 0, 'sample drew another class than the only likely one')],
  ];
  for (const [what, call, check] of cases) {
    let result, error = null;
    try {
      result = call();
    } catch (e) {
      error = e;
    }
    // Either a clear refusal or the right answer; never a WebAssembly trap or a silently wrong result.
    if (error) assert.ok(error instanceof TypeError || error instanceof RangeError || error.constructor === Error,
      `${what}: threw ${error.constructor.name}: ${error.message}`);
    else check(result);
    assert.deepEqual(Array.from(keep.array), [1, 2, 3, 4, 5, 6, 7, 8], `${what}: an alloc buffer was overwritten`);
    if (late) assert.deepEqual(Array.from(late.array), [7, 7, 7, 7],
      `${what}: the buffer allocated inside the getter was overwritten`);
  }
  assertSoftmax(lab.softmax(z), z, 'afterwards');
});

test('a request larger than WebAssembly memory can hold throws a clear RangeError; the lab stays usable', async () => {
  const lab = await createLogitLab();
  const kept = lab.alloc(1000);
  kept.array.fill(0.5);
  const z = Float32Array.of(0.1, 0.2, 0.3);
  lab.softmax(z);
  const before = lab.memoryBytes;
  const requests = [
    ['alloc(2**30): 4 GiB of floats', () => lab.alloc(2 ** 30), /32-bit|memory/],
    ['alloc just under 4 GiB, more than memory can grow to', () => lab.alloc((2 ** 32 - 2 ** 18) / 4), /memory/],
    ['softmax of a 2**30-float Float32Array', () => lab.softmax(new Float32Array(2 ** 30)), /memory/],
    ['crossEntropy of a 2**30-float Float32Array', () => lab.crossEntropy(new Float32Array(2 ** 30), 0), /memory/],
    ['topK of a 2**30-float Float32Array', () => lab.topK(new Float32Array(2 ** 30), 1), /memory/],
  ];
  for (const [what, call, message] of requests) {
    assert.throws(call, (e) => e instanceof RangeError && message.test(e.message) && /logitlab\./.test(e.message),
      `${what}: must throw a RangeError explaining the memory limit`);
    assertSoftmax(lab.softmax(z), z, `after ${what}`);
    assert.ok(kept.array.every((v) => v === 0.5), `after ${what}: an earlier alloc buffer changed`);
  }
  assert.equal(lab.memoryBytes, before, 'refused requests must not leave WebAssembly memory larger');
  const small = lab.alloc(16);  // allocation still works
  small.array.set(Float32Array.from({ length: 16 }, (_, i) => i));
  assert.equal(lab.softmax(small, { out: small }), small);
  small.free();
  kept.free();
});

test('results are independent: transferring one result does not detach another', async () => {
  const lab = await createLogitLab();
  const a = lab.softmax([1, 2, 3]);
  const b = lab.logSoftmax([1, 2, 3]);
  const c = lab.topK([3, 1, 2], 2).indices;
  const bCopy = Array.from(b), cCopy = Array.from(c);
  structuredClone(a, { transfer: [a.buffer] });  // as postMessage(result, [result.buffer]) to a worker
  assert.equal(a.length, 0, 'the transferred result is detached');
  assert.equal(b.length, 3, 'another result (logSoftmax) was detached when the first was transferred');
  assert.deepEqual(Array.from(b), bCopy, 'another result lost its values when the first was transferred');
  assert.equal(c.length, 2, 'topK indices were detached when another result was transferred');
  assert.deepEqual(Array.from(c), cCopy, 'topK indices lost their values when another result was transferred');
});
