// The workloads of issue 4, their inputs (seeded, the same in every process) and float64 references with the error
// measures every peer is checked against before it is timed.

export const WORKLOADS = [
  { id: 'softmax-1x1000', op: 'softmax', rows: 1, classes: 1000, label: 'softmax, 1 × 1,000' },
  { id: 'softmax-1x50257', op: 'softmax', rows: 1, classes: 50257, label: 'softmax, 1 × 50,257' },
  { id: 'softmax-1x262144', op: 'softmax', rows: 1, classes: 262144, label: 'softmax, 1 × 262,144' },
  { id: 'softmax-64x50257', op: 'softmax', rows: 64, classes: 50257, label: 'softmax, 64 × 50,257' },
  { id: 'logsoftmax-1x50257', op: 'logSoftmax', rows: 1, classes: 50257, label: 'log-softmax, 1 × 50,257' },
  { id: 'ce-64x50257', op: 'crossEntropy', rows: 64, classes: 50257, label: 'mean cross-entropy, 64 × 50,257, index targets' },
  { id: 'sample-topp-1x50257', op: 'sample', rows: 1, classes: 50257, topP: 0.9, label: 'sample, top-p 0.9, 1 × 50,257' },
];

// Relative errors are |got - ref| / max(|ref|, floor): probabilities use a floor far below any probability these
// inputs produce (so the measure is purely relative); log-probabilities and losses use 1 (the core's documented bound
// is 2e-5 max(1, |L|)).
export const PROBABILITY_FLOOR = 1e-30;
export const LOG_FLOOR = 1;

// mulberry32: a small seeded generator, so every process and peer sees the same logits.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

function rowLogSumExp(x, start, C) {
  let max = -Infinity;
  for (let i = start; i < start + C; ++i) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = start; i < start + C; ++i) sum += Math.exp(x[i] - max);
  return { max, sum, lse: max + Math.log(sum) };
}

// The float64 reference for a workload: probabilities, log-probabilities, the mean loss, or the nucleus.
export function reference(workload, input) {
  const { rows, classes: C } = workload;
  const x = input.logits;
  if (workload.op === 'softmax' || workload.op === 'logSoftmax') {
    const out = new Float64Array(rows * C);
    for (let r = 0; r < rows; ++r) {
      const s = r * C;
      const { max, sum, lse } = rowLogSumExp(x, s, C);
      for (let i = s; i < s + C; ++i) out[i] = workload.op === 'softmax' ? Math.exp(x[i] - max) / sum : x[i] - lse;
    }
    return out;
  }
  if (workload.op === 'crossEntropy') {
    let total = 0;
    for (let r = 0; r < rows; ++r) total += rowLogSumExp(x, r * C, C).lse - x[r * C + input.targets[r]];
    return total / rows;
  }
  // sample: the nucleus, the smallest set of most likely classes whose probability reaches topP. Classes whose
  // cumulative mass before them is within 1e-6 of the goal are also allowed (float32 peers may round either way).
  const { max } = rowLogSumExp(x, 0, C);
  const w = Float64Array.from(x, (v) => Math.exp(v - max));
  let total = 0;
  for (const v of w) total += v;
  const order = Array.from({ length: C }, (_, i) => i).sort((a, b) => w[b] - w[a] || a - b);
  const allowed = new Uint8Array(C);
  let cum = 0;
  let strict = 0;
  for (const c of order) {
    if (cum >= (workload.topP + 1e-6) * total) break;
    if (cum < workload.topP * total) ++strict;
    allowed[c] = 1;
    cum += w[c];
  }
  return { allowed, size: strict };
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
