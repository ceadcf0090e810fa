// Random inputs against the float64 reference, at sizes around the vector width and at real vocabulary sizes, with
// batches of rows, -Infinity masks, and logits in [90, 100] (where float exp overflows without max subtraction).
// Tolerances (the issue's): probabilities 1e-6 + 2e-5 |p|; log-values and losses 2e-5 max(1, |L|); masks exactly 0.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

import {
  assertAllClose, assertClose, assertMasked, crossEntropyGradRef, crossEntropyRef, entropyRef, logSoftmaxRef,
  logSumExpRef, lossTolerance, probabilityTolerance, randomLogits, randomSoftTargets, rng, softmaxRef, topKRef,
} from './reference.js';

const lab = await createLogitLab();

// { C, rows, kind, temperature }: kind 'normal' (spread 3), 'wide' (spread 25), 'high' (uniform [90, 100]),
// 'masked' (normal, about a quarter of the classes -Infinity, never a whole row).
const CASES = [];
for (const C of [1, 2, 3, 7, 15, 16, 17, 63, 64, 65, 1000, 1001]) {
  for (const kind of ['normal', 'high', 'masked']) CASES.push({ C, rows: 1, kind, temperature: 1 });
  CASES.push({ C, rows: 3, kind: 'wide', temperature: 0.7 });
}
CASES.push({ C: 1, rows: 37, kind: 'normal', temperature: 2.5 });
CASES.push({ C: 5, rows: 200, kind: 'masked', temperature: 1.3 });
CASES.push({ C: 1000, rows: 8, kind: 'high', temperature: 0.5 });
CASES.push({ C: 32000, rows: 2, kind: 'masked', temperature: 0.9 });
CASES.push({ C: 50257, rows: 1, kind: 'normal', temperature: 1 });
CASES.push({ C: 50257, rows: 1, kind: 'high', temperature: 1.7 });
CASES.push({ C: 50257, rows: 2, kind: 'masked', temperature: 1 });
CASES.push({ C: 262144, rows: 1, kind: 'normal', temperature: 1 });

function makeCase({ C, rows, kind }, seed) {
  const r = rng(seed);
  const n = C * rows;
  let z;
  if (kind === 'high') z = randomLogits(r, n, { lo: 90, hi: 100 });
  else z = randomLogits(r, n, { spread: kind === 'wide' ? 25 : 3 });
  if (kind === 'masked' && C > 1) {
    for (let row = 0; row < rows; ++row) {
      const keep = r.int(C);  // one class per row always stays unmasked
      for (let c = 0; c < C; ++c) if (c !== keep && r.next() < 0.25) z[row * C + c] = -Infinity;
    }
  }
  return { z, r };
}

const label = ({ C, rows, kind, temperature }, seed) => `C=${C} rows=${rows} ${kind} T=${temperature} seed=${seed}`;
const worst = { softmax: 0, logSoftmax: 0, logSumExp: 0, entropy: 0, crossEntropy: 0, crossEntropyGrad: 0 };

describe('random inputs against the float64 reference', () => {
  CASES.forEach((c, i) => {
    const seed = 1000 + i;
    test(label(c, seed), () => {
      const { z, r } = makeCase(c, seed);
      const { rows, temperature, C } = c;
      const name = label(c, seed);
      const o = { rows, temperature };

      const p = lab.softmax(z, o);
      worst.softmax = Math.max(worst.softmax,
        assertAllClose(p, softmaxRef(z, o), probabilityTolerance, `${name} softmax`, { C }));
      assertMasked(z, p, `${name} softmax`);

      const lp = lab.logSoftmax(z, o);
      worst.logSoftmax = Math.max(worst.logSoftmax,
        assertAllClose(lp, logSoftmaxRef(z, o), lossTolerance, `${name} logSoftmax`, { C }));
      assertMasked(z, lp, `${name} logSoftmax`, { log: true });

      const lse = lab.logSumExp(z, o);
      const h = lab.entropy(z, o);
      const lseWant = logSumExpRef(z, o);
      const hWant = entropyRef(z, o);
      if (rows === 1) {
        assertClose(lse, lseWant[0], lossTolerance, `${name} logSumExp`);
        assertClose(h, hWant[0], lossTolerance, `${name} entropy`);
      } else {
        worst.logSumExp = Math.max(worst.logSumExp, assertAllClose(lse, lseWant, lossTolerance, `${name} logSumExp`));
        worst.entropy = Math.max(worst.entropy, assertAllClose(h, hWant, lossTolerance, `${name} entropy`));
      }

      // Index targets on unmasked classes (a masked target is +Infinity, tested elsewhere).
      const target = new Int32Array(rows);
      for (let row = 0; row < rows; ++row) {
        do target[row] = r.int(C); while (z[row * C + target[row]] === -Infinity);
      }
      for (const reduction of ['mean', 'sum', 'none']) {
        const got = lab.crossEntropy(z, target, { ...o, reduction });
        const want = crossEntropyRef(z, target, { ...o, reduction });
        if (reduction === 'none') {
          worst.crossEntropy = Math.max(worst.crossEntropy,
            assertAllClose(got, want, lossTolerance, `${name} crossEntropy none`));
        } else {
          assertClose(got, want, lossTolerance, `${name} crossEntropy ${reduction}`);
        }
      }
      const g = lab.crossEntropyGrad(z, target, o);
      const scale = 1 / (temperature * rows);  // the largest a gradient entry can be
      worst.crossEntropyGrad = Math.max(worst.crossEntropyGrad, assertAllClose(g, crossEntropyGradRef(z, target, o),
        (v) => scale * 1e-6 + 2e-5 * Math.abs(v), `${name} crossEntropyGrad`, { C }));
    });
  });

  test('measured accuracy (largest error as a fraction of its tolerance)', (t) => {
    for (const [fn, ratio] of Object.entries(worst)) t.diagnostic(`${fn}: ${ratio.toFixed(3)} of tolerance`);
    assert.ok(Object.values(worst).every((v) => v <= 1));
  });
});

describe('soft targets, label smoothing and weights on random batches', () => {
  for (const { C, rows } of [{ C: 3, rows: 4 }, { C: 64, rows: 3 }, { C: 1001, rows: 2 }, { C: 50257, rows: 1 }]) {
    test(`C=${C} rows=${rows}`, () => {
      const r = rng(C + rows);
      const z = randomLogits(r, C * rows, { spread: 4 });
      const soft = randomSoftTargets(r, rows, C);
      const weight = Float32Array.from({ length: C }, () => r.uniform(0.1, 3));
      const index = Int32Array.from({ length: rows }, () => r.int(C));
      for (const options of [
        { reduction: 'mean' }, { reduction: 'sum', temperature: 1.5 }, { reduction: 'none', labelSmoothing: 0.2 },
        { weight, reduction: 'mean', labelSmoothing: 0.05 }, { weight, reduction: 'none', temperature: 0.6 },
      ]) {
        const o = { rows, ...options };
        const shown = JSON.stringify({ ...o, weight: o.weight ? '[random]' : undefined });
        for (const [kind, target] of [['soft', soft], ['index', index]]) {
          const got = lab.crossEntropy(z, target, o);
          const want = crossEntropyRef(z, target, o);
          if (o.reduction === 'none') assertAllClose(got, want, lossTolerance, `${kind} ${shown} loss`);
          else assertClose(got, want, lossTolerance, `${kind} ${shown} loss`);
          const g = lab.crossEntropyGrad(z, target, o);
          const gWant = crossEntropyGradRef(z, target, o);
          const scale = Math.max(...gWant.map(Math.abs));
          assertAllClose(g, gWant, (v) => 1e-6 * scale + 2e-5 * Math.abs(v), `${kind} ${shown} grad`, { C });
        }
      }
    });
  }
});

describe('topK on random logits', () => {
  for (const C of [1, 7, 64, 1000, 50257]) {
    test(`C=${C}`, () => {
      const r = rng(77 + C);
      const z = randomLogits(r, C);
      for (let i = 0; i < C; i += 5) z[i] = Math.round(z[i]);  // plenty of ties
      for (const k of [0, 1, Math.min(C, 5), Math.min(C, 40), C]) {
        const got = lab.topK(z, k);
        const want = topKRef(z, k);
        assert.deepEqual(Array.from(got.indices), want.indices, `C=${C} k=${k}: indices`);
        assert.deepEqual(Array.from(got.values), want.values, `C=${C} k=${k}: values`);
      }
    });
  }
});
