// Small worked examples of every function and option of API.md, with values a reader can check by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import createLogitLab, { createLogitLab as namedCreate } from 'logitlab';

import {
  assertAllClose, assertClose, crossEntropyGradRef, crossEntropyRef, entropyRef, logSoftmaxRef, logSumExpRef,
  keptByClass, lossTolerance, probabilityTolerance, samplingRef, softmaxRef,
} from './reference.js';

const lab = await createLogitLab();
const LESSON = [12.4, -3.2, 0.1];

describe('loading', () => {
  test('the default export and the named createLogitLab are the same function', () => {
    assert.equal(namedCreate, createLogitLab);
  });

  test('in Node the SIMD build is chosen by default', () => {
    assert.equal(lab.simd, true);
  });

  test("lab.version is package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(lab.version, pkg.version);
  });

  test('{ simd: false } loads the scalar build', async () => {
    const scalar = await createLogitLab({ simd: false });
    assert.equal(scalar.simd, false);
    assert.equal(scalar.version, lab.version);
  });

  test('logitlab/inline works with no files beside it and computes the same softmax', async () => {
    const { default: createInline } = await import('logitlab/inline');
    const inline = await createInline();
    assert.deepEqual(inline.softmax(LESSON), lab.softmax(LESSON));
  });
});

describe('softmax', () => {
  test('the lesson example [12.4, -3.2, 0.1] gives about [0.999995, 2e-7, 4.6e-6]', () => {
    const p = lab.softmax(LESSON);
    assert.ok(p instanceof Float32Array, 'softmax returns a Float32Array');
    assert.equal(p.length, 3);
    assertClose(p[0], 0.999995, 1e-6, 'p[0]');
    assertClose(p[1], 1.68e-7, 0.01e-7, 'p[1]');  // exp(-15.6) / (1 + exp(-15.6) + exp(-12.3))
    assertClose(p[2], 4.55e-6, 0.01e-6, 'p[2]');
    assertAllClose(p, softmaxRef(Float32Array.from(LESSON)), probabilityTolerance, 'softmax(lesson)');
  });

  test('equal logits give a uniform distribution; a single logit gives 1', () => {
    assert.deepEqual(lab.softmax([5, 5, 5, 5]), new Float32Array([0.25, 0.25, 0.25, 0.25]));
    assert.deepEqual(lab.softmax([-40]), new Float32Array([1]));
  });

  test('ln 2 apart: probabilities 2/3 and 1/3', () => {
    const p = lab.softmax([Math.log(2), 0]);
    assertClose(p[0], 2 / 3, probabilityTolerance(2 / 3), 'p[0]');
    assertClose(p[1], 1 / 3, probabilityTolerance(1 / 3), 'p[1]');
  });

  test('temperature divides the logits: softmax(z, T=2) = softmax(z / 2); T < 1 sharpens', () => {
    const z = [2, 1, 0, -1];
    assertAllClose(lab.softmax(z, { temperature: 2 }), lab.softmax(z.map((v) => v / 2)), probabilityTolerance, 'T=2');
    const sharp = lab.softmax(z, { temperature: 0.25 });
    assertAllClose(sharp, softmaxRef(z, { temperature: 0.25 }), probabilityTolerance, 'T=0.25');
    assert.ok(sharp[0] > lab.softmax(z)[0], `T=0.25 must sharpen: p0 ${sharp[0]} vs ${lab.softmax(z)[0]} at T=1`);
  });

  test('any finite temperature > 0 is accepted: a tiny T gives the argmax one-hot, a huge T the uniform distribution',
    () => {
    // API.md's only temperature error is "not a finite number > 0"; T outside float32's normal range is still valid.
    for (const T of [1e-30, 1e-40, Number.MIN_VALUE]) {
      assert.deepEqual(Array.from(lab.softmax([1, 3, 2], { temperature: T })), [0, 1, 0], `T = ${T}`);
      assert.equal(lab.sample([1, 3, 2], { temperature: T, seed: 5 }), 1, `sample at T = ${T}`);
    }
    for (const T of [1e30, 1e39, Number.MAX_VALUE]) {
      assertAllClose(lab.softmax([1, 3, 2], { temperature: T }), [1 / 3, 1 / 3, 1 / 3], probabilityTolerance,
        `T = ${T}`);
      assertClose(lab.entropy([1, 3, 2], { temperature: T }), Math.log(3), lossTolerance(1), `entropy at T = ${T}`);
    }
  });

  test('rows: each row is normalised on its own', () => {
    const z = [1, 2, 3, 10, 10, 10];
    const p = lab.softmax(z, { rows: 2 });
    assert.equal(p.length, 6);
    assertAllClose(p, softmaxRef(z, { rows: 2 }), probabilityTolerance, 'softmax rows=2', { C: 3 });
    assertAllClose(p.subarray(3), [1 / 3, 1 / 3, 1 / 3], probabilityTolerance, 'row 1');
  });

  test('a -Infinity logit masks its class to exactly 0', () => {
    const p = lab.softmax([1, -Infinity, 1]);
    assert.equal(p[1], 0);
    assertAllClose(p, [0.5, 0, 0.5], probabilityTolerance, 'masked');
  });

  test('Float64Array, Float32Array and plain arrays give the same result', () => {
    const a = lab.softmax([0.5, -1.25, 3]);
    assert.deepEqual(lab.softmax(new Float32Array([0.5, -1.25, 3])), a);
    assert.deepEqual(lab.softmax(new Float64Array([0.5, -1.25, 3])), a);
  });
});

describe('logSoftmax', () => {
  test('log softmax of the lesson example: [-4.65e-6, -15.600005, -12.300005]', () => {
    const lp = lab.logSoftmax(LESSON);
    assert.ok(lp instanceof Float32Array);
    assertAllClose(lp, logSoftmaxRef(Float32Array.from(LESSON)), lossTolerance, 'logSoftmax(lesson)');
    assertClose(lp[1], -15.600005, 2e-5 * 15.6, 'logSoftmax[1]');
  });

  test('temperature, rows and masks', () => {
    const z = [3, 1, -Infinity, 0, 0, 0];
    const lp = lab.logSoftmax(z, { temperature: 0.5, rows: 2 });
    assertAllClose(lp, logSoftmaxRef(z, { temperature: 0.5, rows: 2 }), lossTolerance, 'logSoftmax', { C: 3 });
    assert.equal(lp[2], -Infinity, 'masked class has log-probability -Infinity');
    assertClose(lp[4], -Math.log(3), lossTolerance(Math.log(3)), 'uniform row');
  });
});

describe('logSumExp and entropy', () => {
  test('logSumExp returns a number for one row: log(e^0 + e^0) = ln 2', () => {
    const v = lab.logSumExp([0, 0]);
    assert.equal(typeof v, 'number');
    assertClose(v, Math.LN2, lossTolerance(Math.LN2), 'logSumExp([0,0])');
    assert.equal(typeof lab.logSumExp([0, 0], { rows: 1 }), 'number', 'explicit rows: 1 is still a number');
  });

  test('logSumExp of large logits does not overflow: [1000, 1000] -> 1000 + ln 2', () => {
    assertClose(lab.logSumExp([1000, 1000]), 1000 + Math.LN2, lossTolerance(1000), 'logSumExp([1000,1000])');
  });

  test('logSumExp with temperature is log sum exp(z / T), and Float32Array(rows) for rows > 1', () => {
    const z = [2, 4, -Infinity, 1, 1, 1];
    const v = lab.logSumExp(z, { temperature: 2, rows: 2 });
    assert.ok(v instanceof Float32Array && v.length === 2, `expected Float32Array(2), got ${v}`);
    assertAllClose(v, logSumExpRef(z, { temperature: 2, rows: 2 }), lossTolerance, 'logSumExp');
    assertClose(v[1], 0.5 + Math.log(3), lossTolerance(2), 'row 1: 1/2 + ln 3');
  });

  test('entropy: uniform over 4 is ln 4 nats, a certain outcome is 0, masks contribute 0', () => {
    assertClose(lab.entropy([1, 1, 1, 1]), Math.log(4), lossTolerance(Math.log(4)), 'uniform 4');
    assertClose(lab.entropy([1, 1, -Infinity, -Infinity]), Math.LN2, lossTolerance(Math.LN2), 'two unmasked');
    assertClose(lab.entropy([0, -Infinity]), 0, lossTolerance(0), 'one unmasked');
    const lesson = lab.entropy(LESSON);
    assert.equal(typeof lesson, 'number');
    assertClose(lesson, entropyRef(Float32Array.from(LESSON))[0], lossTolerance(0), 'entropy(lesson)');
  });

  test('entropy with temperature and rows', () => {
    const z = [3, 1, 0, 5, -2, 2];
    const h = lab.entropy(z, { temperature: 3, rows: 2 });
    assert.ok(h instanceof Float32Array && h.length === 2);
    assertAllClose(h, entropyRef(z, { temperature: 3, rows: 2 }), lossTolerance, 'entropy T=3');
    assert.ok(h[0] > lab.entropy([3, 1, 0]), 'a higher temperature raises entropy');
  });
});

describe('crossEntropy', () => {
  const l80 = [Math.log(0.8), Math.log(0.15), Math.log(0.05)];
  test('p(target) = 0.80 gives -log 0.80 = 0.223', () => {
    const loss = lab.crossEntropy(l80, 0);
    assert.equal(typeof loss, 'number');
    assertClose(loss, 0.22314355, lossTolerance(0.223), 'crossEntropy p=0.80');
  });

  test('p(target) = 0.01 gives -log 0.01 = 4.605', () => {
    const z = [Math.log(0.01), Math.log(0.99)];
    assertClose(lab.crossEntropy(z, 0), 4.6051702, lossTolerance(4.605), 'crossEntropy p=0.01');
  });

  test('the lesson example: target 2 costs 12.300005 nats', () => {
    assertClose(lab.crossEntropy(LESSON, 2), crossEntropyRef(Float32Array.from(LESSON), 2), lossTolerance(12.3),
      'loss');
  });

  test("reductions: 'mean' averages, 'sum' adds, 'none' gives Float32Array(rows)", () => {
    const z = [...l80, Math.log(0.5), Math.log(0.25), Math.log(0.25)];
    const t = [0, 2];
    const each = [-Math.log(0.8), -Math.log(0.25)];
    const none = lab.crossEntropy(z, t, { rows: 2, reduction: 'none' });
    assert.ok(none instanceof Float32Array && none.length === 2, `'none' gives Float32Array(2), got ${none}`);
    assertAllClose(none, each, lossTolerance, "'none'");
    assertClose(lab.crossEntropy(z, t, { rows: 2, reduction: 'sum' }), each[0] + each[1], lossTolerance(2), "'sum'");
    assertClose(lab.crossEntropy(z, t, { rows: 2 }), (each[0] + each[1]) / 2, lossTolerance(1), "'mean' (default)");
    assertClose(lab.crossEntropy(z, new Int32Array(t), { rows: 2, reduction: 'mean' }), (each[0] + each[1]) / 2,
      lossTolerance(1), 'Int32Array target');
    const one = lab.crossEntropy(l80, 0, { reduction: 'none' });
    assert.ok(one instanceof Float32Array && one.length === 1, "'none' with one row is Float32Array(1)");
  });

  test('temperature: the loss of softmax(z / T)', () => {
    const z = [4, 2, 0];
    assertClose(lab.crossEntropy(z, 1, { temperature: 2 }), Math.log(Math.exp(2) + Math.exp(1) + 1) - 1,
      lossTolerance(1), 'T=2');
  });

  test('label smoothing 0.1 over 3 classes: target (0.9, 0, 0) + 0.1/3', () => {
    const want = -(0.9 + 0.1 / 3) * Math.log(0.8) - (0.1 / 3) * (Math.log(0.15) + Math.log(0.05));
    assertClose(lab.crossEntropy(l80, 0, { labelSmoothing: 0.1 }), want, lossTolerance(want), 'labelSmoothing 0.1');
  });

  test('ignoreIndex: the ignored row costs 0 and is not counted by the mean', () => {
    const z = [...l80, 9, 0, 0];
    const loss = lab.crossEntropy(z, [0, -100], { rows: 2 });
    assertClose(loss, -Math.log(0.8), lossTolerance(1), 'mean over the one counted row');
    assertClose(lab.crossEntropy(z, [7, 0], { rows: 2, ignoreIndex: 7 }), -Math.log(1 / (1 + 2 * Math.exp(-9))),
      lossTolerance(1), 'custom ignoreIndex 7');
    assertAllClose(lab.crossEntropy(z, [0, -100], { rows: 2, reduction: 'none' }), [-Math.log(0.8), 0],
      lossTolerance, "'none' with an ignored row");
  });

  test('weight scales each class term; the mean divides by the sum of the target weights', () => {
    const z = [...l80, Math.log(0.5), Math.log(0.25), Math.log(0.25)];
    const weight = [2, 1, 0.5];
    const want = (2 * -Math.log(0.8) + 0.5 * -Math.log(0.25)) / (2 + 0.5);
    assertClose(lab.crossEntropy(z, [0, 2], { rows: 2, weight }), want, lossTolerance(want), 'weighted mean');
    assertClose(lab.crossEntropy(z, [0, 2], { rows: 2, weight: new Float32Array(weight), reduction: 'sum' }),
      2 * -Math.log(0.8) + 0.5 * -Math.log(0.25), lossTolerance(2), 'weighted sum');
  });

  test('plain arrays are class indices, never probabilities', () => {
    assertClose(lab.crossEntropy([1, 2, 3, 3, 2, 1], [2, 0], { rows: 2 }), crossEntropyRef([1, 2, 3], 2),
      lossTolerance(1), 'array of 2 indices');
    assert.throws(() => lab.crossEntropy([1, 2, 3], [0.2, 0.3, 0.5]), RangeError,
      'an array of probabilities is rejected');
  });

  test('soft targets: -sum t log p; a one-hot soft target equals the index target', () => {
    const t = new Float32Array([0.5, 0.5, 0]);
    const want = -0.5 * Math.log(0.8) - 0.5 * Math.log(0.15);
    assertClose(lab.crossEntropy(l80, t), want, lossTolerance(want), 'soft target');
    assertClose(lab.crossEntropy(l80, new Float64Array([0, 1, 0])), lab.crossEntropy(l80, 1), 1e-6, 'one-hot');
  });

  test('a masked class with target 0 contributes 0; with a positive target the loss is +Infinity', () => {
    const z = [0, 0, -Infinity];
    assertClose(lab.crossEntropy(z, new Float32Array([0.5, 0.5, 0])), Math.LN2, lossTolerance(1), '0 log 0 = 0');
    assertClose(lab.crossEntropy(z, 0), Math.LN2, lossTolerance(1), 'index target beside a mask');
    assert.equal(lab.crossEntropy(z, 2), Infinity, 'index target on a masked class');
    assert.equal(lab.crossEntropy(z, new Float32Array([0.5, 0, 0.5])), Infinity, 'soft target on a masked class');
  });
});

describe('crossEntropyGrad', () => {
  test('one row: softmax(z) - onehot(target)', () => {
    const z = [Math.log(0.8), Math.log(0.15), Math.log(0.05)];
    const g = lab.crossEntropyGrad(z, 0);
    assert.ok(g instanceof Float32Array && g.length === 3);
    assertAllClose(g, [-0.2, 0.15, 0.05], probabilityTolerance, 'grad');
  });

  test('temperature: the gradient w.r.t. the raw logits carries 1 / T', () => {
    const z = [2, 0, -1];
    const g = lab.crossEntropyGrad(z, 1, { temperature: 4 });
    assertAllClose(g, crossEntropyGradRef(z, 1, { temperature: 4 }), probabilityTolerance, 'grad T=4');
    const p = softmaxRef(z, { temperature: 4 });
    assertClose(g[1], (p[1] - 1) / 4, probabilityTolerance(0.25), '(p - 1) / T at the target');
  });

  test("'mean' over 2 rows halves each row's gradient; 'sum' does not; an ignored row's gradient is 0", () => {
    const z = [1, 2, 3, 0, 0, 0];
    const sum = lab.crossEntropyGrad(z, [2, 0], { rows: 2, reduction: 'sum' });
    const mean = lab.crossEntropyGrad(z, [2, 0], { rows: 2 });
    assertAllClose(mean, Array.from(sum, (v) => v / 2), probabilityTolerance, 'mean = sum / 2', { C: 3 });
    const ignored = lab.crossEntropyGrad(z, [2, -100], { rows: 2 });
    assertAllClose(ignored.subarray(0, 3), sum.subarray(0, 3), probabilityTolerance, 'counted row (divided by 1)');
    assert.deepEqual(Array.from(ignored.subarray(3)), [0, 0, 0], 'ignored row');
  });
});

describe('topK', () => {
  test('the k largest logits, largest first, as logits (not probabilities)', () => {
    const { indices, values } = lab.topK([0.5, 3, -1, 2.25, 7], 3);
    assert.ok(indices instanceof Int32Array, 'indices is an Int32Array');
    assert.ok(values instanceof Float32Array, 'values is a Float32Array');
    assert.deepEqual(Array.from(indices), [4, 1, 3]);
    assert.deepEqual(Array.from(values), [7, 3, 2.25]);
  });

  test('ties go to the lower index', () => {
    const { indices, values } = lab.topK([1, 5, 5, 2, 5, 1], 4);
    assert.deepEqual(Array.from(indices), [1, 2, 4, 3]);
    assert.deepEqual(Array.from(values), [5, 5, 5, 2]);
  });

  test('k = 0 gives empty arrays; k = C gives every index sorted; -Infinity sorts last', () => {
    const none = lab.topK([1, 2], 0);
    assert.equal(none.indices.length, 0);
    assert.equal(none.values.length, 0);
    const all = lab.topK([-Infinity, 0, 3, -2], 4);
    assert.deepEqual(Array.from(all.indices), [2, 1, 3, 0]);
    assert.deepEqual(Array.from(all.values), [3, 0, -2, -Infinity]);
  });

  test('values are the float32 logits themselves', () => {
    const { values } = lab.topK(new Float64Array([0.1, 0.3]), 1);
    assert.equal(values[0], Math.fround(0.3));
  });
});

describe('sample (worked examples)', () => {
  test('returns an integer index; a single unmasked class is always drawn', () => {
    for (let seed = 0; seed < 50; ++seed) {
      const i = lab.sample([-Infinity, 3, -Infinity], { seed });
      assert.equal(i, 1, `seed ${seed}: drew ${i}`);
    }
    const i = lab.sample([1, 2, 3]);
    assert.ok(Number.isInteger(i) && i >= 0 && i < 3, `unseeded draw ${i}`);
  });

  test('topK: 1 is greedy decoding (argmax, ties to the lower index)', () => {
    for (let seed = 0; seed < 20; ++seed) assert.equal(lab.sample([1, 9, 3, 9], { topK: 1, seed }), 1);
  });

  test('a tiny temperature is greedy too', () => {
    for (let seed = 0; seed < 20; ++seed) assert.equal(lab.sample([1, 2.5, 3, 2], { temperature: 1e-3, seed }), 2);
  });
});

describe('fitTemperature (worked example)', () => {
  test('3 of 4 rows right with logits (2, 0, 0): p(right) = 3/4 at the optimum, so e^(2/T) = 6 and T = 2 / ln 6',
    () => {
    const z = [2, 0, 0, 0, 2, 0, 0, 0, 2, 2, 0, 0];
    const T = lab.fitTemperature(z, [0, 1, 2, 1], { rows: 4 });
    assert.equal(typeof T, 'number');
    assertClose(T, 2 / Math.log(6), 1e-4 * 2 / Math.log(6), 'fitted T');
    assertClose(lab.fitTemperature(z, new Int32Array([0, 1, 2, 1]), { rows: 4 }), T, 1e-6, 'Int32Array targets');
  });
});

describe('trace', () => {
  const z = [2, 1, 0.5, -1];
  const T = 0.8;

  test('every intermediate of one row, and they agree with the other calls', () => {
    const t = lab.trace(z, { temperature: T });
    const scaled = z.map((v) => v / T);
    assertAllClose(t.scaled, scaled, probabilityTolerance, 'scaled');
    assertClose(t.max, 2 / T, 1e-6, 'max');
    assertAllClose(t.shifted, scaled.map((v) => v - 2 / T), probabilityTolerance, 'shifted');
    assertAllClose(t.exp, scaled.map((v) => Math.exp(v - 2 / T)), probabilityTolerance, 'exp');
    const sum = scaled.reduce((a, v) => a + Math.exp(v - 2 / T), 0);
    assertClose(t.sum, sum, probabilityTolerance(sum), 'sum');
    assertAllClose(t.probabilities, softmaxRef(z, { temperature: T }), probabilityTolerance, 'probabilities');
    assertAllClose(t.logProbabilities, logSoftmaxRef(z, { temperature: T }), lossTolerance, 'logProbabilities');
    assertClose(t.entropy, entropyRef(z, { temperature: T })[0], lossTolerance, 'entropy');
    // what the lessons show is what the library computes
    assertAllClose(t.probabilities, lab.softmax(z, { temperature: T }), (v) => 1e-7 + 1e-6 * Math.abs(v),
      'trace vs softmax');
    assertAllClose(t.logProbabilities, lab.logSoftmax(z, { temperature: T }), (v) => 1e-6 * Math.max(1, Math.abs(v)),
      'trace vs logSoftmax');
    assertClose(t.entropy, lab.entropy(z, { temperature: T }), 1e-6, 'trace vs entropy');
    for (const key of ['scaled', 'shifted', 'exp', 'probabilities', 'logProbabilities'])
      assert.ok(t[key] instanceof Float32Array && t[key].length === 4, `${key} is a Float32Array(4)`);
    for (const key of ['loss', 'gradient', 'kept', 'keptProbabilities'])
      assert.equal(t[key], undefined, `${key} is absent without a target or sampling options`);
  });

  test('with a target: loss and gradient equal crossEntropy and crossEntropyGrad', () => {
    const t = lab.trace(z, { temperature: T, target: 2 });
    assertClose(t.loss, crossEntropyRef(z, 2, { temperature: T }), lossTolerance, 'loss');
    assertClose(t.loss, lab.crossEntropy(z, 2, { temperature: T }), 1e-6, 'trace loss vs crossEntropy');
    assertAllClose(t.gradient, crossEntropyGradRef(z, 2, { temperature: T }), probabilityTolerance, 'gradient');
    assertAllClose(t.gradient, lab.crossEntropyGrad(z, 2, { temperature: T }), (v) => 1e-7 + 1e-6 * Math.abs(v),
      'trace gradient vs crossEntropyGrad');
  });

  test('with topK / topP / minP: the kept set (Int32Array of indices) and its renormalised probabilities', () => {
    const cases = [{ topK: 2 }, { topP: 0.6 }, { minP: 0.3 }, { topK: 3, topP: 0.9, minP: 0.1 }];
    for (const options of cases) {
      const t = lab.trace(z, { temperature: T, ...options });
      const want = samplingRef(z, { temperature: T, ...options });
      const label = JSON.stringify(options);
      assert.ok(t.kept instanceof Int32Array, `${label}: kept is an Int32Array`);
      assert.deepEqual(Array.from(t.kept).sort((a, b) => a - b), want.kept, `${label}: kept set`);
      const byClass = keptByClass(t, z.length);
      assertAllClose(byClass, want.probabilities, probabilityTolerance, `${label}: keptProbabilities`);
    }
  });
});
