// fitTemperature: recovers the temperature that generated the labels, agrees with a float64 golden-section search of
// the reference loss, and is exact for soft targets that are themselves softmax(z / T).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

import { crossEntropyRef, fitTemperatureRef, randomLogits, rng, softmaxRef } from './reference.js';

const lab = await createLogitLab();

// rows rows of C logits, and labels drawn from softmax(z / T) with a seeded generator.
function calibrationSet(seed, rows, C, T) {
  const r = rng(seed);
  const z = randomLogits(r, rows * C, { spread: 2.5 });
  const p = softmaxRef(z, { rows, temperature: T });
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; ++i) {
    let u = r.next();
    let c = 0;
    while (c < C - 1 && (u -= p[i * C + c]) >= 0) ++c;
    labels[i] = c;
  }
  return { z, labels, p };
}

describe('fitTemperature', () => {
  for (const T of [0.4, 1, 2.5]) {
    test(`recovers T = ${T} from 4,000 labelled rows of 10 classes (within 5%), as the reference minimiser`, (t) => {
      const rows = 4000;
      const { z, labels } = calibrationSet(Math.round(T * 100), rows, 10, T);
      const fitted = lab.fitTemperature(z, labels, { rows });
      t.diagnostic(`fitted ${fitted.toFixed(4)} for T = ${T}`);
      assert.ok(Math.abs(fitted / T - 1) < 0.05, `fitted ${fitted}, generated with ${T}`);
      const want = fitTemperatureRef(z, labels, { rows });
      assert.ok(Math.abs(fitted / want - 1) < 1e-3, `fitted ${fitted}, reference minimiser ${want}`);
      const loss = (t) => crossEntropyRef(z, labels, { rows, temperature: t });
      assert.ok(loss(fitted) <= loss(want) + 1e-6,
        `loss at fitted ${loss(fitted)} above the reference's ${loss(want)}`);
    });
  }

  test('soft targets equal to softmax(z / T) give T back (cross-entropy is minimal where q = p)', () => {
    for (const T of [0.3, 1.7]) {
      const rows = 50;
      const { z, p } = calibrationSet(7, rows, 6, T);
      const soft = Float32Array.from(p);
      assert.ok(Math.abs(lab.fitTemperature(z, soft, { rows }) / T - 1) < 2e-3, `T = ${T}`);
      assert.ok(Math.abs(lab.fitTemperature(z, Float64Array.from(p), { rows }) / T - 1) < 2e-3,
        `T = ${T} (Float64Array)`);
    }
  });

  test('rows whose target is ignoreIndex (-100) do not count', () => {
    const rows = 300;
    const { z, labels } = calibrationSet(11, rows, 5, 1.5);
    const withIgnored = Int32Array.from(labels);
    const zMore = new Float32Array(z.length + 5 * 20);
    zMore.set(z);
    zMore.fill(40, z.length);  // 20 extra rows of huge equal logits
    const targets = new Int32Array(rows + 20).fill(-100);
    targets.set(withIgnored);
    const a = lab.fitTemperature(z, labels, { rows });
    const b = lab.fitTemperature(zMore, targets, { rows: rows + 20 });
    assert.ok(Math.abs(a / b - 1) < 1e-4, `without the ignored rows ${a}, with them ${b}`);
  });

  test('plain arrays, Int32Array and a single row with a number target', () => {
    const { z, labels } = calibrationSet(3, 40, 4, 0.8);
    const a = lab.fitTemperature(Array.from(z), Array.from(labels), { rows: 40 });
    const b = lab.fitTemperature(z, labels, { rows: 40 });
    assert.ok(Math.abs(a / b - 1) < 1e-6, `${a} vs ${b}`);
    const one = lab.fitTemperature([2, 1, 0], 1);
    assert.ok(one > 0 && Number.isFinite(one), `one row: ${one}`);
    const loss = (t) => crossEntropyRef([2, 1, 0], 1, { temperature: t });
    const want = fitTemperatureRef([2, 1, 0], 1);
    assert.ok(Math.abs(one / want - 1) < 1e-3 || loss(one) <= loss(want) + 1e-7, `one row: ${one}, reference ${want}`);
  });
});
