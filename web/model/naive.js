// DELIBERATELY NAIVE JavaScript, used in two lessons only, as the thing to compare against:
// - the stability lesson shows how a float32 softmax that skips the max subtraction overflows to Infinity and NaN;
// - the scale lesson times a plain JavaScript softmax against the two WebAssembly builds.
// Every other number on the page comes from the logitlab module.

export const FLOAT32_MAX = 3.4028234663852886e38;
// exp(z) is finite in float32 only while z <= ln(FLOAT32_MAX) ≈ 88.72.
export const EXP_OVERFLOW = Math.log(FLOAT32_MAX);

// Textbook softmax in float32, without subtracting the max first: exp, sum, divide. Math.fround rounds each step
// to float32 as a float32 kernel would.
export function naiveSoftmaxFloat32(logits) {
  const exps = logits.map((z) => Math.fround(Math.exp(Math.fround(z))));
  let sum = 0;
  for (const e of exps) sum = Math.fround(sum + e);
  const probabilities = exps.map((e) => Math.fround(e / sum));
  return { exps, sum, probabilities };
}

// A plain JavaScript softmax (stable: it does subtract the max) over a Float32Array, for timing only.
export function plainSoftmax(logits, out) {
  let max = -Infinity;
  for (let i = 0; i < logits.length; ++i) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; ++i) {
    const e = Math.exp(logits[i] - max);
    out[i] = e;
    sum += e;
  }
  const inverse = 1 / sum;
  for (let i = 0; i < logits.length; ++i) out[i] *= inverse;
  return out;
}
