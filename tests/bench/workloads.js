// The workloads of issue 4, their inputs (seeded, the same in every process) and float64 references (the tests' own,
// tests/js/reference.js) with the error measures every peer is checked against before it is timed.
import { crossEntropyRef, logSoftmaxRef, mulberry32, samplingRef, softmaxRef } from '../js/reference.js';

export const WORKLOADS = [
  { id: 'softmax-1x1000', op: 'softmax', rows: 1, classes: 1000, label: 'softmax, 1 × 1,000' },
  { id: 'softmax-1x50257', op: 'softmax', rows: 1, classes: 50257, label: 'softmax, 1 × 50,257' },
  { id: 'softmax-1x262144', op: 'softmax', rows: 1, classes: 262144, label: 'softmax, 1 × 262,144' },
  { id: 'softmax-64x50257', op: 'softmax', rows: 64, classes: 50257, label: 'softmax, 64 × 50,257' },
  { id: 'logsoftmax-1x50257', op: 'logSoftmax', rows: 1, classes: 50257, label: 'log-softmax, 1 × 50,257' },
  { id: 'ce-64x50257', op: 'crossEntropy', rows: 64, classes: 50257,
    label: 'mean cross-entropy, 64 × 50,257, index targets' },
  { id: 'sample-topp-1x50257', op: 'sample', rows: 1, classes: 50257, topP: 0.9,
    label: 'sample, top-p 0.9, 1 × 50,257' },
];

// Relative errors are |got - ref| / max(|ref|, floor): probabilities use a floor far below any probability these
// inputs produce (so the measure is purely relative); log-probabilities and losses use 1 (the core's documented bound
// is 2e-5 max(1, |L|)).
export const PROBABILITY_FLOOR = 1e-30;
export const LOG_FLOOR = 1;

// Logits like a language model's: 5 + 3·N(0, 1) (Box–Muller), so max subtraction matters and the distribution has a
// head and a long tail. Targets are uniform class indices.
export function makeInput(workload, seed = 20250) {
  const random = mulberry32(seed + workload.rows * 7919 + workload.classes);
  const n = workload.rows * workload.classes;
  const logits = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const a = 2 * Math.PI * random();
    logits[i] = 5 + 3 * r * Math.cos(a);
    if (i + 1 < n) logits[i + 1] = 5 + 3 * r * Math.sin(a);
  }
  const targets = new Int32Array(workload.rows);
  for (let r = 0; r < workload.rows; ++r) targets[r] = Math.floor(random() * workload.classes);
  return { logits, targets };
}

// The float64 reference for a workload: probabilities, log-probabilities, the mean loss, or the nucleus.
export function reference(workload, input) {
  const { rows } = workload;
  const x = input.logits;
  if (workload.op === 'softmax') return softmaxRef(x, { rows });
  if (workload.op === 'logSoftmax') return logSoftmaxRef(x, { rows });
  if (workload.op === 'crossEntropy') return crossEntropyRef(x, input.targets, { rows });
  // sample: the nucleus, the smallest set of most likely classes whose probability reaches topP. Classes on the
  // boundary within a relative 1e-6 are also allowed (float32 peers may round either way).
  const nucleus = samplingRef(x, { topP: workload.topP }, { slack: 1e-6 });
  const allowed = new Uint8Array(x.length);
  for (const c of nucleus.order.slice(0, nucleus.maxKeep)) allowed[c] = 1;
  return { allowed, size: nucleus.kept.length };
}

// Max relative error of a peer's output against the reference (see PROBABILITY_FLOOR / LOG_FLOOR). NaN anywhere, or
// the wrong length, is an infinite error.
export function maxRelativeError(workload, got, ref) {
  if (workload.op === 'crossEntropy') {
    const v = Number(got);
    return Number.isFinite(v) ? Math.abs(v - ref) / Math.max(Math.abs(ref), LOG_FLOOR) : Infinity;
  }
  if (!got || got.length !== ref.length) return Infinity;
  const floor = workload.op === 'softmax' ? PROBABILITY_FLOOR : LOG_FLOOR;
  let worst = 0;
  for (let i = 0; i < ref.length; ++i) {
    const e = Math.abs(got[i] - ref[i]) / Math.max(Math.abs(ref[i]), floor);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

// The number of classes a workload touches per call: ns per logit = time per call / this.
export const logitsOf = (workload) => workload.rows * workload.classes;
