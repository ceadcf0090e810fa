// Reproducible draws for the sampling lesson: draw number i uses seed (s + i) mod 2³², and every draw is made by
// lab.sample. The histogram is a function of the state alone, so a link reproduces it; it is extended incrementally
// when only the number of draws grows.

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

export function createDrawCache() {
  let key = '';
  let counts = [];
  let done = 0;
  let last = -1;
  return function histogram(lab, state) {
    const options = samplingOptions(state);
    const k = JSON.stringify([state.logits, options, state.seed]);
    if (k !== key || state.draws < done) {
      key = k;
      counts = new Array(state.logits.length).fill(0);
      done = 0;
      last = -1;
    }
    const logits = Float32Array.from(state.logits);
    for (; done < state.draws; ++done) {
      last = lab.sample(logits, { ...options, seed: drawSeed(state.seed, done) });
      counts[last] += 1;
    }
    return { counts: counts.slice(), draws: done, last };
  };
}
