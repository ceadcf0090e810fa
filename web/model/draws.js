// Reproducible draws for the sampling lesson: draw number i uses seed (s + i) mod 2³², and every draw is made by
// lab.sample. The histogram is a function of the state alone, so a link reproduces it; it is extended incrementally
// when only the number of draws grows, and may be computed in slices (a time budget per call) when the settings change.
import { LIMITS } from './state.js';

export function samplingOptions(state) {
  return {
    temperature: state.temperature,
    topK: state.topK,
    topP: state.topP,
    minP: state.minP,
    temperatureLast: state.temperatureLast,
  };
}

export function drawSeed(seed, i) {
  return (seed + i) >>> 0;
}

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

// advance(lab, state, budget = Infinity) draws until state.draws are done or `budget` milliseconds have passed (0:
// none, only the bookkeeping of a change of settings), and
// returns { counts, draws (done), target, complete, last, recent(n) }. The logits live in a buffer of the module's
// memory (lab.alloc), so a draw copies nothing; destroy() frees it.
export function createDrawCache() {
  let key = '';
  let counts = [];
  let done = 0;
  const sequence = new Uint8Array(LIMITS.draws);
  let buffer = null;
  let options = null;
  const keyOf = (state) => JSON.stringify([state.logits, samplingOptions(state), state.seed]);
  return {
    // True when the state only asks for more draws of the same settings (what the Draw buttons do).
    extends: (state) => keyOf(state) === key && state.draws >= done,
    advance(lab, state, budget = Infinity) {
      const k = keyOf(state);
      if (k !== key || state.draws < done) {
        key = k;
        counts = new Array(state.logits.length).fill(0);
        done = 0;
        if (!buffer || buffer.length !== state.logits.length) {
          buffer?.free();
          buffer = lab.alloc(state.logits.length);
        }
        buffer.array.set(state.logits);
        options = { ...samplingOptions(state), seed: 0 };
      }
      const target = Math.min(state.draws, LIMITS.draws);
      const start = now();
      while (done < target && budget > 0) {
        options.seed = drawSeed(state.seed, done);
        const token = lab.sample(buffer, options);
        counts[token] += 1;
        sequence[done] = token;
        done += 1;
        if ((done & 63) === 0 && now() - start > budget) break;
      }
      const drawn = done;
      return {
        counts: counts.slice(),
        draws: drawn,
        target,
        complete: drawn >= target,
        last: drawn ? sequence[drawn - 1] : -1,
        recent: (n) => Array.from(sequence.subarray(Math.max(0, drawn - n), drawn)),
      };
    },
    destroy() {
      buffer?.free();
      buffer = null;
      key = '';
    },
  };
}

// The uniform number u ∈ [0, 1) that lab.sample draws from `seed`, read back from lab.sample itself: with two tokens
// of probabilities t and 1 − t the sampler picks the first exactly when u < t, so bisection on t pins u down (24
// steps: to 6 × 10⁻⁸). The sampler then walks the kept tokens in vocabulary order and stops where the running total of
// their renormalised probabilities passes u.
export function uniformOf(lab, seed) {
  let lo = 0;
  let hi = 1;
  const pair = new Float32Array(2);
  for (let step = 0; step < 24; ++step) {
    const t = (lo + hi) / 2;
    pair[0] = Math.log(t);
    pair[1] = Math.log1p(-t);
    if (lab.sample(pair, { seed }) === 0) hi = t;
    else lo = t;
  }
  return (lo + hi) / 2;
}
