// sample: seeded determinism, frequencies against the reference distribution (chi-square, generous bound), the kept
// sets of top-k / top-p / min-p, temperature-last order, and repetition penalty.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import createLogitLab from 'logitlab';

import {
  assertAllClose, chiSquare, chiSquareLimit, keptByClass, probabilityTolerance, randomLogits, rng, samplingRef,
  softmaxRef,
} from './reference.js';

const lab = await createLogitLab();

// Draws n indices with seeds firstSeed, firstSeed + 1, ... (or unseeded when firstSeed is null); returns counts.
function draw(logits, options, n, firstSeed = 0) {
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < n; ++i) {
    const o = firstSeed === null ? options : { ...options, seed: (firstSeed + i) >>> 0 };
    ++counts[lab.sample(logits, o)];
  }
  return counts;
}

function assertFrequencies(counts, probabilities, label) {
  const { stat, df, impossible } = chiSquare(counts, probabilities);
  assert.equal(impossible, undefined, `${label}: drew class ${impossible}, whose probability is 0 (counts ${counts})`);
  assert.ok(stat <= chiSquareLimit(df), `${label}: chi-square ${stat.toFixed(1)} with ${df} degrees of freedom ` +
    `exceeds ${chiSquareLimit(df).toFixed(1)}; counts ${counts}, expected ${Array.from(probabilities,
      (p) => (p * counts.reduce((a, b) => a + b, 0)).toFixed(0))}`);
}

const Z8 = [1.5, 0.2, -0.7, 2.1, 0, -3, 1, 0.9];

describe('seeds', () => {
  test('the same seed gives the same index, call after call and with every option', () => {
    const z = randomLogits(rng(5), 1000, { spread: 2 });
    const options = [{}, { temperature: 0.7 }, { topK: 50 }, { topP: 0.9 }, { minP: 0.05 },
      { repetitionPenalty: 1.3, history: [1, 2, 3], temperatureLast: true, topK: 100, topP: 0.95, minP: 0.01 }];
    for (const o of options) {
      for (const seed of [0, 1, 12345, 2 ** 31, 2 ** 32 - 1]) {
        const first = lab.sample(z, { ...o, seed });
        for (let i = 0; i < 5; ++i)
          assert.equal(lab.sample(z, { ...o, seed }), first, `${JSON.stringify(o)} seed ${seed}: repeat ${i} differs`);
      }
    }
  });

  test('different seeds give different draws (200 seeds over 1000 equal logits)', () => {
    const z = new Float32Array(1000);
    const seen = new Set();
    for (let seed = 0; seed < 200; ++seed) seen.add(lab.sample(z, { seed }));
    assert.ok(seen.size >= 150, `only ${seen.size} distinct indices from 200 consecutive seeds`);
  });

  test('without a seed every call draws fresh randomness', () => {
    const z = new Float32Array(1000);
    const a = Array.from({ length: 50 }, () => lab.sample(z));
    const b = Array.from({ length: 50 }, () => lab.sample(z));
    assert.notDeepEqual(a, b, 'two unseeded sequences of 50 draws over 1000 classes are identical');
    assert.ok(new Set(a).size >= 35, `only ${new Set(a).size} distinct of 50 unseeded draws`);
  });
});

describe('frequencies (chi-square against the reference probabilities)', () => {
  test('20,000 seeded draws (seeds 0..19999) follow softmax(z)', () => {
    assertFrequencies(draw(Z8, {}, 20000, 0), softmaxRef(Z8), 'seeded, T=1');
  });

  test('20,000 unseeded draws follow softmax(z)', () => {
    assertFrequencies(draw(Z8, {}, 20000, null), softmaxRef(Z8), 'unseeded, T=1');
  });

  test('temperature 2 and 0.5: draws follow softmax(z / T)', () => {
    assertFrequencies(draw(Z8, { temperature: 2 }, 10000, 40000), softmaxRef(Z8, { temperature: 2 }), 'T=2');
    assertFrequencies(draw(Z8, { temperature: 0.5 }, 10000, 60000), softmaxRef(Z8, { temperature: 0.5 }), 'T=0.5');
  });

  test('masked classes are never drawn', () => {
    const z = [0, -Infinity, 0, -Infinity, 1];
    const counts = draw(z, {}, 3000, 7);
    assert.equal(counts[1] + counts[3], 0, `masked classes drawn: ${counts}`);
    assertFrequencies(counts, softmaxRef(z), 'with masks');
  });
});

describe('filters restrict draws to the right sets', () => {
  // p = (0.5, 0.3, 0.15, 0.05) at T = 1
  const P = [0.5, 0.3, 0.15, 0.05];
  const Z = P.map(Math.log);

  const keptCases = [
    [{ topK: 1 }, [0]], [{ topK: 2 }, [0, 1]], [{ topK: 4 }, [0, 1, 2, 3]], [{ topK: 0 }, [0, 1, 2, 3]],
    [{ topP: 0.49 }, [0]], [{ topP: 0.51 }, [0, 1]], [{ topP: 0.79 }, [0, 1]], [{ topP: 0.81 }, [0, 1, 2]],
    [{ topP: 0.96 }, [0, 1, 2, 3]], [{ topP: 1 }, [0, 1, 2, 3]],
    [{ minP: 0.5 }, [0, 1]], [{ minP: 0.29 }, [0, 1, 2]], [{ minP: 0.09 }, [0, 1, 2, 3]], [{ minP: 1 }, [0]],
    [{ topK: 3, topP: 0.7 }, [0, 1]],  // top-p renormalises over the top-3: 0.5 / 0.95 < 0.7 <= 0.8 / 0.95
    [{ topK: 3, minP: 0.2 }, [0, 1, 2]], [{ topP: 0.9, minP: 0.5 }, [0, 1]],
  ];
  for (const [o, kept] of keptCases) {
    test(`${JSON.stringify(o)} keeps ${JSON.stringify(kept)} (hand-worked), and draws only from it`, () => {
      assert.deepEqual(samplingRef(Z, o).kept, kept, 'the reference agrees with the hand-worked set');
      const t = lab.trace(Z, o);
      assert.deepEqual(Array.from(t.kept).sort((a, b) => a - b), kept, 'trace kept set');
      const want = samplingRef(Z, o).probabilities;
      assertAllClose(keptByClass(t, 4), want, probabilityTolerance, 'trace keptProbabilities');
      assertFrequencies(draw(Z, o, 4000, 1000), want, `draws with ${JSON.stringify(o)}`);
    });
  }

  test('random logits (C = 300): kept sets and draws match the reference for mixed filters', () => {
    const z = randomLogits(rng(31), 300, { spread: 2 });
    for (const o of [{ topK: 20 }, { topP: 0.5, temperature: 0.8 }, { minP: 0.1, temperature: 1.5 },
      { topK: 40, topP: 0.8, minP: 0.05, temperature: 0.9 }]) {
      const want = samplingRef(z, o);
      const t = lab.trace(z, o);
      assert.deepEqual(Array.from(t.kept).sort((a, b) => a - b), want.kept, `${JSON.stringify(o)}: trace kept set`);
      const counts = draw(z, o, 3000, 500);
      const outside = counts.flatMap((n, c) => (n > 0 && !want.kept.includes(c) ? [c] : []));
      assert.deepEqual(outside, [], `${JSON.stringify(o)}: drew classes outside the kept set`);
    }
  });

  test('a large vocabulary (C = 50257) with flat logits: nuclei of thousands of tokens match the reference', () => {
    const z = randomLogits(rng(57), 50257, { spread: 1 });
    for (let c = 0; c < z.length; c += 97) z[c] = -Infinity;
    const history = Array.from({ length: 300 }, (_, i) => (i * 167) % 50257);
    for (const o of [{ topP: 0.3 }, { topP: 0.95, temperature: 0.8 }, { topK: 5000, topP: 0.9 }, { minP: 0.2 },
      { topP: 0.7, minP: 0.1, temperature: 2, temperatureLast: true, repetitionPenalty: 1.5, history }]) {
      const want = samplingRef(z, o);
      const t = lab.trace(z, o);
      const got = Array.from(t.kept).sort((a, b) => a - b);
      const label = JSON.stringify({ ...o, history: o.history ? '[300 tokens]' : undefined });
      assert.equal(got.length, want.kept.length, `${label}: kept ${got.length} tokens, reference ${want.kept.length}`);
      assert.deepEqual(got, want.kept, `${label}: kept set`);
      assertAllClose(keptByClass(t, z.length), want.probabilities, probabilityTolerance, `${label}: keptProbabilities`);
      for (let seed = 0; seed < 20; ++seed) {
        const i = lab.sample(z, { ...o, seed });
        assert.ok(want.probabilities[i] > 0, `${label} seed ${seed}: drew ${i}, outside the kept set`);
      }
    }
  });

  test('top-k never reaches masked classes, even when k exceeds the unmasked count', () => {
    const z = [-Infinity, 2, -Infinity, 1, -Infinity];
    const counts = draw(z, { topK: 4 }, 2000, 3);
    assert.equal(counts[0] + counts[2] + counts[4], 0, `counts ${counts}`);
  });
});

describe('temperature last (llama.cpp order)', () => {
  const P = [0.5, 0.3, 0.15, 0.05];
  const Z = P.map(Math.log);

  test('top-p at T = 3: temperature first flattens p and keeps 3 classes; temperature last keeps 2', () => {
    const first = lab.trace(Z, { temperature: 3, topP: 0.75 });
    const last = lab.trace(Z, { temperature: 3, topP: 0.75, temperatureLast: true });
    assert.deepEqual(Array.from(first.kept).sort(), [0, 1, 2], 'temperature first');
    assert.deepEqual(Array.from(last.kept).sort(), [0, 1], 'temperature last');
    // the kept logits are then divided by T: p(0) = 0.5^(1/3) / (0.5^(1/3) + 0.3^(1/3))
    const p0 = 0.5 ** (1 / 3) / (0.5 ** (1 / 3) + 0.3 ** (1 / 3));
    assertAllClose(keptByClass(last, 4), [p0, 1 - p0, 0, 0], probabilityTolerance, 'temperature-last probabilities');
    const counts = draw(Z, { temperature: 3, topP: 0.75, temperatureLast: true }, 4000, 9);
    assert.equal(counts[2] + counts[3], 0, `draws outside {0, 1}: ${counts}`);
    assertFrequencies(counts, [p0, 1 - p0, 0, 0], 'temperature-last draws');
    assert.ok(draw(Z, { temperature: 3, topP: 0.75 }, 4000, 9)[2] > 0, 'temperature first does draw class 2');
  });

  test('min-p at T = 0.5: temperature first sharpens and drops class 2; temperature last keeps it', () => {
    const first = lab.trace(Z, { temperature: 0.5, minP: 0.2 });
    const last = lab.trace(Z, { temperature: 0.5, minP: 0.2, temperatureLast: true });
    assert.deepEqual(Array.from(first.kept).sort(), [0, 1], 'temperature first: ratios 1, 0.36, 0.09');
    assert.deepEqual(Array.from(last.kept).sort(), [0, 1, 2], 'temperature last: ratios 1, 0.6, 0.3');
  });

  test('top-k is the same either way; at T = 1 the order does not matter', () => {
    const a = lab.trace(Z, { temperature: 4, topK: 2 });
    const b = lab.trace(Z, { temperature: 4, topK: 2, temperatureLast: true });
    assert.deepEqual(Array.from(a.kept).sort(), Array.from(b.kept).sort());
    assertAllClose(keptByClass(b, 4), keptByClass(a, 4), probabilityTolerance, 'top-k probabilities');
    for (let seed = 0; seed < 300; ++seed) {
      const o = { topP: 0.8, minP: 0.2, seed };
      assert.equal(lab.sample(Z, { ...o, temperatureLast: true }), lab.sample(Z, o), `T=1, seed ${seed}`);
    }
  });
});

describe('repetition penalty', () => {
  test('positive logits in history are divided, negative ones multiplied, each token once', () => {
    const z = [2, -2, 1, 0.5];
    const o = { repetitionPenalty: 2, history: [0, 1, 1] };
    const effective = [1, -4, 1, 0.5];
    const t = lab.trace(z, o);
    assertAllClose(keptByClass(t, 4), softmaxRef(effective), probabilityTolerance, 'penalised distribution');
    assertFrequencies(draw(z, o, 10000, 300), softmaxRef(effective), 'penalised draws');
  });

  test('the penalty comes before temperature; a zero logit is unchanged; Int32Array history', () => {
    const z = [2, -2, 0, 0.5];
    const o = { repetitionPenalty: 1.5, history: new Int32Array([0, 1, 2]), temperature: 2 };
    const effective = [2 / 1.5 / 2, -2 * 1.5 / 2, 0, 0.25];
    assertAllClose(keptByClass(lab.trace(z, o), 4), softmaxRef(effective), probabilityTolerance, 'penalty then T');
  });

  test('a penalty below 1 makes history tokens more likely; penalty 1 or empty history changes nothing', () => {
    const z = [1, 1, -1];
    const boosted = keptByClass(lab.trace(z, { repetitionPenalty: 0.5, history: [0, 2] }), 3);
    assertAllClose(boosted, softmaxRef([2, 1, -0.5]), probabilityTolerance, 'penalty 0.5');
    for (let seed = 0; seed < 100; ++seed) {
      const plain = lab.sample(Z8, { seed });
      assert.equal(lab.sample(Z8, { seed, repetitionPenalty: 1, history: [0, 3] }), plain, `penalty 1, seed ${seed}`);
      assert.equal(lab.sample(Z8, { seed, repetitionPenalty: 1.7, history: [] }), plain, `empty history, seed ${seed}`);
    }
  });

  test('the penalty applies before top-k: a penalised favourite can drop out of the top 2', () => {
    const z = [3, 2.5, 2];
    const t = lab.trace(z, { repetitionPenalty: 2, history: [0], topK: 2 });
    assert.deepEqual(Array.from(t.kept).sort(), [1, 2], 'logit 3 / 2 = 1.5 falls below 2.5 and 2');
  });
});
