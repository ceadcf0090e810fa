// crossEntropy and crossEntropyGrad: gradients against central finite differences of the float64 reference loss, and
// PyTorch's semantics of label smoothing, ignore_index, class weights, soft targets and the reductions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

import {
  assertAllClose, assertClose, crossEntropyParts, crossEntropyRef, finiteDifferences, logSoftmaxRef, lossTolerance,
  randomLogits, randomSoftTargets, rng,
} from './reference.js';

const lab = await createLogitLab();

// Gradient tolerance: 2e-5 relative, plus 1e-6 of the scale of a row's gradient, w_max / (T d) with d the 'mean'
// denominator (float32 rounding of p near 1 leaves ~1e-7 absolute in p - 1, whatever the size of the result).
function gradTolerance(z, target, options) {
  const { counted } = crossEntropyParts(z, target, options);
  const d = (options.reduction ?? 'mean') === 'mean' ? counted.reduce((a, b) => a + b, 0) : 1;
  const wMax = options.weight ? Math.max(...Array.from(options.weight)) : 1;
  const scale = wMax / ((options.temperature ?? 1) * (d || 1));
  return (v) => 1e-6 * scale + 2e-5 * Math.abs(v);
}

describe('gradients against finite differences of the reference loss', () => {
  const C = 5;
  const rows = 3;
  const r = rng(2024);
  const z = randomLogits(r, C * rows, { spread: 2 });
  const masked = Float32Array.from(z);
  masked[1] = -Infinity;  // row 0, class 1
  masked[C + 4] = -Infinity;  // row 1, class 4
  const index = new Int32Array([0, 2, 4]);
  const soft = randomSoftTargets(r, rows, C);
  const weight = new Float32Array([0.5, 2, 1, 0.25, 1.5]);
  const cases = [
    { name: 'index, mean', z, target: index, o: {} },
    { name: 'index, sum, T=0.6', z, target: index, o: { reduction: 'sum', temperature: 0.6 } },
    { name: 'index, mean, labelSmoothing 0.15', z, target: index, o: { labelSmoothing: 0.15 } },
    { name: 'index, mean, weight', z, target: index, o: { weight } },
    { name: 'index, mean, weight + smoothing + T=1.7', z, target: index,
      o: { weight, labelSmoothing: 0.3, temperature: 1.7 } },
    { name: 'index, mean, one ignored row', z, target: new Int32Array([0, -100, 3]), o: {} },
    { name: 'index, mean, ignored row + weight + smoothing', z, target: [3, 1, -100],
      o: { weight, labelSmoothing: 0.1 } },
    { name: 'index, mean, custom ignoreIndex 2', z, target: [2, 0, 1], o: { ignoreIndex: 2, weight } },
    { name: 'index, sum, -Infinity masks', z: masked, target: index, o: { reduction: 'sum', temperature: 0.8 } },
    { name: 'soft, mean', z, target: soft, o: {} },
    { name: 'soft, sum, smoothing + weight + T=1.3', z, target: soft,
      o: { reduction: 'sum', labelSmoothing: 0.2, weight, temperature: 1.3 } },
    { name: 'soft (Float64Array), mean, weight', z, target: Float64Array.from(soft), o: { weight } },
    { name: 'labelSmoothing 1 (uniform target)', z, target: index, o: { labelSmoothing: 1 } },
  ];
  for (const { name, z: logits, target, o } of cases) {
    test(name, () => {
      const options = { rows, ...o };
      const fd = finiteDifferences((x) => crossEntropyRef(x, target, options), logits, 1e-4);
      // -Infinity stays -Infinity under a finite step: its derivative is 0.
      for (let i = 0; i < logits.length; ++i) if (logits[i] === -Infinity) fd[i] = 0;
      const g = lab.crossEntropyGrad(logits, target, options);
      assertAllClose(g, fd, gradTolerance(logits, target, options), `${name}: grad vs finite differences`, { C });
      for (let i = 0; i < logits.length; ++i)
        if (logits[i] === -Infinity) assert.equal(g[i], 0, `${name}: gradient at masked logit ${i} must be 0`);
    });
  }

  test("'none': row i holds the gradient of row i's own loss", () => {
    for (const [kind, target, o] of [['index', index, { labelSmoothing: 0.1, weight }], ['soft', soft, { weight }],
      ['ignored', [1, -100, 0], { temperature: 0.5 }]]) {
      const options = { rows, reduction: 'none', ...o };
      const g = lab.crossEntropyGrad(z, target, options);
      for (let row = 0; row < rows; ++row) {
        const own = finiteDifferences((x) => crossEntropyParts(x, target, options).perRow[row], z, 1e-4);
        for (let i = 0; i < z.length; ++i) {
          if (Math.floor(i / C) !== row) assert.ok(Math.abs(own[i]) < 1e-9, 'reference: rows are independent');
        }
        const slice = own.subarray(row * C, (row + 1) * C);
        assertAllClose(g.subarray(row * C, (row + 1) * C), slice, gradTolerance(z, target, options),
          `${kind} 'none' row ${row}`);
      }
    }
  });

  test("'none' gradient of a row equals the one-row 'sum' gradient of that row alone", () => {
    const g = lab.crossEntropyGrad(z, index, { rows, reduction: 'none', weight, temperature: 1.4 });
    for (let row = 0; row < rows; ++row) {
      const alone = lab.crossEntropyGrad(z.subarray(row * C, (row + 1) * C), index[row],
        { reduction: 'sum', weight, temperature: 1.4 });
      assertAllClose(g.subarray(row * C, (row + 1) * C), alone, (v) => 1e-7 + 1e-6 * Math.abs(v), `row ${row}`);
    }
  });

  test('larger batch: 40 rows of 33 classes, mixed options', () => {
    const r2 = rng(99);
    const big = randomLogits(r2, 40 * 33, { spread: 3 });
    const t = Int32Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? -100 : r2.int(33)));
    const w = Float32Array.from({ length: 33 }, () => r2.uniform(0, 2));
    const options = { rows: 40, labelSmoothing: 0.05, weight: w, temperature: 0.9 };
    const fd = finiteDifferences((x) => crossEntropyRef(x, t, options), big, 1e-4);
    assertAllClose(lab.crossEntropyGrad(big, t, options), fd, gradTolerance(big, t, options), '40x33 grad', { C: 33 });
  });
});

describe('PyTorch semantics', () => {
  // Two rows of three classes; log-probabilities computed here independently of the reference.
  const z = [1, 2, 0.5, -1, 0, 3];
  const lp = [0, 1].map((r) => {
    const row = z.slice(3 * r, 3 * r + 3);
    const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
    return row.map((v) => v - lse);
  });

  test('label smoothing: (1 - eps) * nll + eps * mean_c(-log p_c), i.e. target (1 - eps) y + eps / C', () => {
    const eps = 0.25;
    const row0 = (1 - eps) * -lp[0][1] + eps * -(lp[0][0] + lp[0][1] + lp[0][2]) / 3;
    const row1 = (1 - eps) * -lp[1][0] + eps * -(lp[1][0] + lp[1][1] + lp[1][2]) / 3;
    assertClose(lab.crossEntropy(z, [1, 0], { rows: 2, labelSmoothing: eps }), (row0 + row1) / 2, lossTolerance(2),
      'mean');
    const none = lab.crossEntropy(z, [1, 0], { rows: 2, labelSmoothing: eps, reduction: 'none' });
    assertAllClose(none, [row0, row1], lossTolerance, "'none'");
    // The same as the soft target (1 - eps) y + eps / C, without weights.
    const soft = new Float64Array([eps / 3, 1 - eps + eps / 3, eps / 3, 1 - eps + eps / 3, eps / 3, eps / 3]);
    assertClose(lab.crossEntropy(z, soft, { rows: 2 }), (row0 + row1) / 2, lossTolerance(2), 'as a soft target');
  });

  test('label smoothing on soft targets mixes them too: (1 - eps) t + eps / C', () => {
    const t = new Float32Array([0.5, 0.5, 0, 0, 0, 1]);
    const eps = 0.4;
    const want = [0, 1].map((r) => -[0, 1, 2].reduce((a, c) => a + ((1 - eps) * t[3 * r + c] + eps / 3) * lp[r][c], 0));
    assertAllClose(lab.crossEntropy(z, t, { rows: 2, labelSmoothing: eps, reduction: 'none' }), want, lossTolerance,
      'none');
  });

  test('weight: w[y] * nll; the mean divides by the sum of the counted rows\' target weights', () => {
    const weight = [0.2, 3, 1];
    const want = (3 * -lp[0][1] + 0.2 * -lp[1][0]) / (3 + 0.2);
    assertClose(lab.crossEntropy(z, [1, 0], { rows: 2, weight }), want, lossTolerance(want), 'weighted mean');
    assertAllClose(lab.crossEntropy(z, [1, 0], { rows: 2, weight, reduction: 'none' }),
      [3 * -lp[0][1], 0.2 * -lp[1][0]],
      lossTolerance, "weighted 'none'");
  });

  test('weight with label smoothing: the smoothing term is weighted per class, the mean still divides by sum w[y]',
    () => {
    const weight = [0.2, 3, 1];
    const eps = 0.1;
    const smooth = (r) => -[0, 1, 2].reduce((a, c) => a + weight[c] * lp[r][c], 0);
    const total = (1 - eps) * (3 * -lp[0][1] + 0.2 * -lp[1][0]) + (eps / 3) * (smooth(0) + smooth(1));
    assertClose(lab.crossEntropy(z, [1, 0], { rows: 2, weight, labelSmoothing: eps }), total / 3.2, lossTolerance(1),
      'mean');
    assertClose(lab.crossEntropy(z, [1, 0], { rows: 2, weight, labelSmoothing: eps, reduction: 'sum' }), total,
      lossTolerance(total), 'sum');
  });

  test('soft targets with weight: -sum_c w_c t_c log p_c, and the mean divides by the number of rows', () => {
    const weight = [0.2, 3, 1];
    const t = new Float32Array([0.25, 0.75, 0, 0.5, 0, 0.5]);
    const rowLoss = (r) => -[0, 1, 2].reduce((a, c) => a + weight[c] * t[3 * r + c] * lp[r][c], 0);
    assertClose(lab.crossEntropy(z, t, { rows: 2, weight }), (rowLoss(0) + rowLoss(1)) / 2, lossTolerance(2), 'mean');
  });

  test('ignoreIndex: ignored rows cost 0, have gradient 0, and are not counted by the mean', () => {
    const none = lab.crossEntropy(z, [-100, 2], { rows: 2, reduction: 'none', labelSmoothing: 0.3 });
    assert.equal(none[0], 0, 'ignored row loss (even with label smoothing)');
    const mean = lab.crossEntropy(z, [-100, 2], { rows: 2 });
    assertClose(mean, -lp[1][2], lossTolerance(1), 'mean over the one counted row');
    const g = lab.crossEntropyGrad(z, [-100, 2], { rows: 2, labelSmoothing: 0.3, weight: [1, 2, 3] });
    assert.deepEqual(Array.from(g.subarray(0, 3)), [0, 0, 0], 'ignored row gradient');
    assert.ok(g.subarray(3).some((v) => v !== 0), 'the counted row has a gradient');
    const weighted = lab.crossEntropy(z, [-100, 2], { rows: 2, weight: [5, 5, 0.5] });
    assertClose(weighted, -lp[1][2], lossTolerance(1),
      'weighted mean: 0.5 * nll / 0.5 (the ignored row\'s weight is not counted)');
  });

  test('ignoreIndex may be any integer, including a valid class', () => {
    assertClose(lab.crossEntropy(z, [1, 0], { rows: 2, ignoreIndex: 0 }), -lp[0][1], lossTolerance(1), 'ignoreIndex 0');
    assertClose(lab.crossEntropy(z, [1, 7], { rows: 2, ignoreIndex: 7 }), -lp[0][1], lossTolerance(1), 'ignoreIndex 7');
  });

  test("every row ignored: 'mean' is 0 (not NaN), 'sum' 0, 'none' zeros, gradient zeros", () => {
    for (const options of [{}, { weight: [1, 2, 3] }, { labelSmoothing: 0.2 }]) {
      const shown = JSON.stringify(options);
      assert.equal(lab.crossEntropy(z, [-100, -100], { rows: 2, ...options }), 0, `${shown} mean`);
      assert.equal(lab.crossEntropy(z, [-100, -100], { rows: 2, reduction: 'sum', ...options }), 0, `${shown} sum`);
      assert.deepEqual(Array.from(lab.crossEntropy(z, [-100, -100], { rows: 2, reduction: 'none', ...options })),
        [0, 0]);
      const g = lab.crossEntropyGrad(z, [-100, -100], { rows: 2, ...options });
      assert.deepEqual(Array.from(g), [0, 0, 0, 0, 0, 0], `${shown} gradient`);
    }
    assert.equal(lab.crossEntropy([1, 2], -100), 0, 'a single ignored row');
  });

  test('zero total target weight: the mean is 0, not NaN', () => {
    const loss = lab.crossEntropy(z, [1, 1], { rows: 2, weight: [1, 0, 1] });
    assert.equal(loss, 0);
    const g = lab.crossEntropyGrad(z, [1, 1], { rows: 2, weight: [1, 0, 1] });
    assert.ok(g.every((v) => v === 0), `gradient ${g}`);
  });

  test('0 * log 0 = 0: zero targets on masked classes contribute nothing (loss and gradient finite)', () => {
    const m = [0, -Infinity, 1, -Infinity, 2, 2];
    const t = new Float32Array([0.3, 0, 0.7, 0, 0.5, 0.5]);
    const loss = lab.crossEntropy(m, t, { rows: 2, reduction: 'none' });
    assertAllClose(loss, crossEntropyParts(m, t, { rows: 2, reduction: 'none' }).perRow, lossTolerance, 'loss');
    assert.ok(loss.every(Number.isFinite), `finite: ${loss}`);
    const g = lab.crossEntropyGrad(m, t, { rows: 2 });
    assert.ok(g.every(Number.isFinite), `gradient finite: ${g}`);
    assert.equal(g[1], 0);
    assert.equal(g[3], 0);
  });

  test('with +Infinity loss the gradient stays finite: p - onehot, as PyTorch (never NaN)', () => {
    const m = [0, -Infinity, 1];
    const p = [1 / (1 + Math.E), 0, Math.E / (1 + Math.E)];
    assertAllClose(lab.crossEntropyGrad(m, 1), [p[0], -1, p[2]], (v) => 1e-6 + 2e-5 * Math.abs(v), 'index target');
    const soft = lab.crossEntropyGrad(m, new Float32Array([0.5, 0.5, 0]), { temperature: 2 });
    assert.ok(soft.every(Number.isFinite), `soft target gradient: ${soft}`);
  });

  test('a positive target on a -Infinity class gives +Infinity (that row only with \'none\'), never NaN', () => {
    const m = [0, -Infinity, 1, 0, 1, 2];
    assert.equal(lab.crossEntropy(m, [1, 0], { rows: 2 }), Infinity, 'index target, mean');
    const none = lab.crossEntropy(m, [1, 0], { rows: 2, reduction: 'none' });
    assert.equal(none[0], Infinity);
    assertClose(none[1], -logSoftmaxRef([0, 1, 2])[0], lossTolerance(2), 'the other row');
    assert.equal(lab.crossEntropy(m, new Float32Array([0.9, 0.1, 0, 1, 0, 0]), { rows: 2, reduction: 'sum' }), Infinity,
      'soft target');
    assert.equal(lab.crossEntropy(m, [0, 0], { rows: 2, labelSmoothing: 0.1 }), Infinity,
      'label smoothing puts eps / C on the masked class');
  });
});
