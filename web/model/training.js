// One step of gradient descent on the logits themselves: z ← z − η·∇L, with the gradient from lab.trace (the
// module's crossEntropyGrad). The update rule is the algorithm being taught; the gradient is the module's.
export function descend(logits, gradient, learningRate) {
  return logits.map((z, i) => (Number.isFinite(z) ? z - learningRate * gradient[i] : z));
}
