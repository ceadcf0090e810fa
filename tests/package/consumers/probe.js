// What every consumer computes, in Node, pages, workers and bundles alike. The results go back to run.js, which checks
// them against double-precision references and compares environments with each other. No DOM, no Node APIs.

// Logits in [90, 100]: float exp overflows here unless the maximum is subtracted first.
export const HOT = [90, 91.5, 93, 94.5, 96, 97.5, 99, 100];

// A 1000-token vocabulary of fixed pseudo-random logits (a 32-bit LCG), identical in every environment.
export const VOCAB = (() => {
  const logits = new Float32Array(1000);
  let state = 20240601;
  for (let i = 0; i < logits.length; ++i) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    logits[i] = (state / 2 ** 32) * 8 - 4;
  }
  return logits;
})();

export const SAMPLING = { seed: 12345, temperature: 0.7, topP: 0.9 };

// createLogitLab: the function under test (from 'logitlab', 'logitlab/inline', a bundle, or the CommonJS entry).
export async function probe(createLogitLab, { scalar = true } = {}) {
  const lab = await createLogitLab();
  const again = await createLogitLab();
  const buffer = lab.alloc(3);
  buffer.array.set([1, 2, 3]);
  const sameBuffer = lab.softmax(buffer, { out: buffer }) === buffer;
  const result = {
    simd: lab.simd,
    version: lab.version,
    twoLabs: lab !== again && again.softmax([0, 0])[0] === 0.5,
    softmax: Array.from(lab.softmax([1, 2, 3])),
    softmaxHot: Array.from(lab.softmax(HOT, { temperature: 0.5 })),
    logSumExpRows: Array.from(lab.logSumExp([1, 2, 3, 4, 5, 6], { rows: 2 })),
    crossEntropy: lab.crossEntropy([1, 2, 3, 4, 5, 6], [2, 0], { rows: 2 }),
    topK: Array.from(lab.topK([3, 1, 4, 1, 5], 2).indices),
    sample: lab.sample(VOCAB, SAMPLING),
    alloc: sameBuffer ? Array.from(buffer.array) : 'softmax(buffer, { out: buffer }) did not return the buffer',
  };
  buffer.free();
  if (scalar) {
    const s = await createLogitLab({ simd: false });
    result.scalar = { simd: s.simd, softmaxHot: Array.from(s.softmax(HOT, { temperature: 0.5 })),
      sample: s.sample(VOCAB, SAMPLING) };
  }
  return result;
}
