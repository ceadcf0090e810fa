// Double-precision references for what probe.js computes, and the comparison of a probe's results with them.
import { HOT, SAMPLING, VOCAB } from '../consumers/probe.js';

function softmax(z, temperature = 1) {
  const scaled = Array.from(z, (v) => v / temperature);
  const max = Math.max(...scaled);
  const e = scaled.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function logSumExp(z) {
  const max = Math.max(...z);
  return max + Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0));
}

// The smallest set of most likely tokens whose probability reaches topP: a seeded draw must land in it.
function nucleus(z, temperature, topP) {
  const p = softmax(z, temperature);
  const order = p.map((v, i) => i).sort((a, b) => p[b] - p[a] || a - b);
  const kept = new Set();
  let mass = 0;
  for (const i of order) {
    kept.add(i);
    mass += p[i];
    if (mass >= topP) break;
  }
  return kept;
}

export const REFERENCE = {
  softmax: softmax([1, 2, 3]),
  softmaxHot: softmax(HOT, 0.5),
  logSumExpRows: [logSumExp([1, 2, 3]), logSumExp([4, 5, 6])],
  crossEntropy: (-Math.log(softmax([1, 2, 3])[2]) - Math.log(softmax([4, 5, 6])[0])) / 2,
  topK: [4, 2],
  nucleus: nucleus(VOCAB, SAMPLING.temperature, SAMPLING.topP),
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
  if (r.version !== version) problems.push(`${where}: lab.version is ${JSON.stringify(r.version)}, expected ${version}`);
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
    problems.push(`${where}: sample drew ${r.sample}, outside the top-p ${SAMPLING.topP} nucleus of ${REFERENCE.nucleus.size} tokens`);
  if (r.scalar) {
    if (r.scalar.simd !== false) problems.push(`${where}: createLogitLab({ simd: false }).simd is ${r.scalar.simd}`);
    close(where, 'scalar build softmax(logits in [90, 100], T = 0.5)', r.scalar.softmaxHot, REFERENCE.softmaxHot, problems);
    if (r.scalar.sample !== r.sample)
      problems.push(`${where}: with seed ${SAMPLING.seed} the scalar build drew ${r.scalar.sample}, the SIMD build ${r.sample}`);
  }
  return problems;
}
