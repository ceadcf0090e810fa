// What probe.js should compute, from the tests' float64 reference, and the comparison of a probe's results with it.
import { crossEntropyRef, logSumExpRef, samplingRef, softmaxRef } from '../../js/reference.js';
import { HOT, SAMPLING, VOCAB } from '../consumers/probe.js';

// What each probe result should be, from the tests' float64 reference. The nucleus: the smallest set of most likely
// tokens whose probability reaches topP; a seeded draw must land in it.
export const REFERENCE = {
  softmax: Array.from(softmaxRef([1, 2, 3])),
  softmaxHot: Array.from(softmaxRef(HOT, { temperature: 0.5 })),
  logSumExpRows: logSumExpRef([1, 2, 3, 4, 5, 6], { rows: 2 }),
  crossEntropy: crossEntropyRef([1, 2, 3, 4, 5, 6], [2, 0], { rows: 2 }),
  topK: [4, 2],
  nucleus: new Set(samplingRef(VOCAB, { temperature: SAMPLING.temperature, topP: SAMPLING.topP }).kept),
};

const TOLERANCE = { abs: 1e-7, rel: 1e-5 };  // float32 results against float64 references

function close(where, name, got, want, problems) {
  const g = Array.isArray(want) ? got : [got];
  const w = Array.isArray(want) ? want : [want];
  if (!Array.isArray(g) || g.length !== w.length) {
    problems.push(`${where}: ${name} is ${JSON.stringify(got)}, expected ${w.length} values`);
    return;
  }
  w.forEach((value, i) => {
    if (!(Math.abs(g[i] - value) <= TOLERANCE.abs + TOLERANCE.rel * Math.abs(value)))
      problems.push(`${where}: ${name}[${i}] = ${g[i]}, expected ${value} (±${TOLERANCE.rel} relative)`);
  });
}

// Returns a list of problems (empty when the probe is right). `expectSimd`: what lab.simd must be in that engine.
export function checkProbe(where, r, { version, expectSimd }) {
  const problems = [];
  if (r.version !== version)
    problems.push(`${where}: lab.version is ${JSON.stringify(r.version)}, expected ${version}`);
  if (r.simd !== expectSimd) problems.push(`${where}: lab.simd is ${r.simd}, expected ${expectSimd}`);
  if (r.twoLabs !== true) problems.push(`${where}: a second createLogitLab() did not give a separate working lab`);
  close(where, 'softmax([1, 2, 3])', r.softmax, REFERENCE.softmax, problems);
  close(where, 'softmax(logits in [90, 100], T = 0.5)', r.softmaxHot, REFERENCE.softmaxHot, problems);
  close(where, 'logSumExp(rows: 2)', r.logSumExpRows, REFERENCE.logSumExpRows, problems);
  close(where, 'crossEntropy (2 rows, mean)', r.crossEntropy, REFERENCE.crossEntropy, problems);
  close(where, 'softmax of an alloc buffer in place', r.alloc, REFERENCE.softmax, problems);
  if (JSON.stringify(r.topK) !== JSON.stringify(REFERENCE.topK))
    problems.push(`${where}: topK([3, 1, 4, 1, 5], 2).indices = ${JSON.stringify(r.topK)}, expected [4, 2]`);
  if (!REFERENCE.nucleus.has(r.sample))
    problems.push(`${where}: sample drew ${r.sample}, ` +
      `outside the top-p ${SAMPLING.topP} nucleus of ${REFERENCE.nucleus.size} tokens`);
  if (r.scalar) {
    if (r.scalar.simd !== false) problems.push(`${where}: createLogitLab({ simd: false }).simd is ${r.scalar.simd}`);
    close(where, 'scalar build softmax(logits in [90, 100], T = 0.5)', r.scalar.softmaxHot, REFERENCE.softmaxHot,
      problems);
    if (r.scalar.sample !== r.sample)
      problems.push(`${where}: with seed ${SAMPLING.seed} the scalar build drew ${r.scalar.sample}, ` +
        `the SIMD build ${r.sample}`);
  }
  return problems;
}
