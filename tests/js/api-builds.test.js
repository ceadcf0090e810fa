// The SIMD build and the scalar build ({ simd: false }) agree within the documented tolerance on every function, and
// give the same sampled index for the same seed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

import {
  assertAllClose, assertClose, lossTolerance, probabilityTolerance, randomLogits, randomSoftTargets, rng,
} from './reference.js';

const simd = await createLogitLab({ simd: true });
const scalar = await createLogitLab({ simd: false });

test('the two labs really are the two builds', () => {
  assert.equal(simd.simd, true);
  assert.equal(scalar.simd, false);
});

// Sizes around the 4-lane vector width and real vocabularies; masks and logits in [90, 100].
const SIZES = [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 64, 65, 1000, 1001, 32000, 50257];

function logitsFor(C, seed) {
  const r = rng(seed);
  const z = seed % 3 === 0 ? randomLogits(r, C, { lo: 90, hi: 100 }) : randomLogits(r, C, { spread: 4 });
  if (seed % 3 === 2 && C > 1) for (let c = 1; c < C; c += 3) z[c] = -Infinity;
  return z;
}

describe('SIMD and scalar agree', () => {
  for (const C of SIZES) {
    test(`C=${C}`, () => {
      for (let k = 0; k < 3; ++k) {
        const seed = C * 3 + k;
        const z = logitsFor(C, seed);
        const label = `C=${C} seed=${seed}`;
        for (const temperature of [1, 0.6]) {
          const o = { temperature };
          assertAllClose(simd.softmax(z, o), scalar.softmax(z, o), probabilityTolerance,
            `${label} T=${temperature} softmax`);
          assertAllClose(simd.logSoftmax(z, o), scalar.logSoftmax(z, o), lossTolerance, `${label} logSoftmax`);
          assertClose(simd.logSumExp(z, o), scalar.logSumExp(z, o), lossTolerance, `${label} logSumExp`);
          assertClose(simd.entropy(z, o), scalar.entropy(z, o), lossTolerance, `${label} entropy`);
        }
        const target = z.findIndex((v) => v !== -Infinity);
        const weight = Float32Array.from({ length: C }, (_, c) => 0.5 + (c % 4));
        for (const o of [{}, { labelSmoothing: 0.1, temperature: 1.3 }, { weight }]) {
          assertClose(simd.crossEntropy(z, target, o), scalar.crossEntropy(z, target, o), lossTolerance,
            `${label} crossEntropy ${Object.keys(o)}`);
          assertAllClose(simd.crossEntropyGrad(z, target, o), scalar.crossEntropyGrad(z, target, o),
            (v) => 1e-6 * (o.weight ? 4 : 1) + 2e-5 * Math.abs(v), `${label} crossEntropyGrad ${Object.keys(o)}`);
        }
        const k5 = Math.min(C, 5);
        assert.deepEqual(simd.topK(z, k5), scalar.topK(z, k5), `${label} topK`);
      }
    });
  }

  test('batches of rows, soft targets, ignored rows and fitTemperature', () => {
    const r = rng(4);
    for (const [rows, C] of [[37, 1], [16, 17], [8, 1000], [3, 50257]]) {
      const z = randomLogits(r, rows * C, { spread: 3 });
      const label = `rows=${rows} C=${C}`;
      const o = { rows, temperature: 0.8 };
      assertAllClose(simd.softmax(z, o), scalar.softmax(z, o), probabilityTolerance, `${label} softmax`, { C });
      assertAllClose(simd.logSumExp(z, { rows }), scalar.logSumExp(z, { rows }), lossTolerance, `${label} logSumExp`);
      assertAllClose(simd.entropy(z, { rows }), scalar.entropy(z, { rows }), lossTolerance, `${label} entropy`);
      const soft = randomSoftTargets(r, rows, C);
      const index = Int32Array.from({ length: rows }, (_, i) => (i % 5 === 4 ? -100 : r.int(C)));
      for (const target of [soft, index]) {
        const none = { ...o, reduction: 'none', labelSmoothing: 0.05 };
        assertAllClose(simd.crossEntropy(z, target, none), scalar.crossEntropy(z, target, none), lossTolerance,
          `${label} crossEntropy none`);
        assertAllClose(simd.crossEntropyGrad(z, target, o), scalar.crossEntropyGrad(z, target, o),
          (v) => 1e-6 / rows + 2e-5 * Math.abs(v), `${label} crossEntropyGrad`, { C });
      }
      const Ts = simd.fitTemperature(z, index, { rows });
      const Tc = scalar.fitTemperature(z, index, { rows });
      assert.ok(Math.abs(Ts / Tc - 1) < 1e-4, `${label} fitTemperature: SIMD ${Ts}, scalar ${Tc}`);
    }
  });

  test('trace: same intermediates within tolerance, same kept set', () => {
    const z = logitsFor(101, 5);
    const o = { temperature: 0.7, target: 4, topK: 30, topP: 0.9, minP: 0.02 };
    const a = simd.trace(z, o);
    const b = scalar.trace(z, o);
    for (const key of ['probabilities', 'exp', 'keptProbabilities'])
      assertAllClose(a[key], b[key], probabilityTolerance, `trace ${key}`);
    for (const key of ['scaled', 'shifted', 'logProbabilities']) assertAllClose(a[key], b[key], lossTolerance,
      `trace ${key}`);
    assertAllClose(a.gradient, b.gradient, probabilityTolerance, 'trace gradient');
    for (const key of ['max', 'sum', 'entropy', 'loss']) assertClose(a[key], b[key], lossTolerance, `trace ${key}`);
    assert.deepEqual(a.kept, b.kept, 'trace kept');
  });
});

describe('the same seed gives the same index on both builds', () => {
  const OPTIONS = [{}, { temperature: 0.7 }, { topK: 40 }, { topP: 0.9 }, { minP: 0.05 },
    { topK: 50, topP: 0.95, minP: 0.02, temperature: 1.4 },
    { repetitionPenalty: 1.3, history: [0, 1, 2, 3, 5, 8], temperatureLast: true, topP: 0.8, temperature: 0.5 }];
  for (const C of [2, 7, 64, 1000, 50257]) {
    test(`C=${C}`, () => {
      const z = logitsFor(C, C + 1);
      const seeds = C > 1000 ? 60 : 300;
      for (const o of OPTIONS) {
        const options = { ...o, history: (o.history ?? []).filter((t) => t < C) };
        if (o.topK) options.topK = Math.min(o.topK, C);
        for (let s = 0; s < seeds; ++s) {
          const seed = (s * 2654435761) >>> 0;
          const a = simd.sample(z, { ...options, seed });
          const b = scalar.sample(z, { ...options, seed });
          assert.equal(a, b, `C=${C} ${JSON.stringify(o)} seed ${seed}: SIMD drew ${a}, scalar ${b}`);
        }
      }
    });
  }
});
