// A made-up vocabulary of GPT-2's size (50,257 tokens) with logits shaped like a language model's after the context
// "The cat sat on the": a few dozen plausible words well above a broad bell of everything else. Data, not math: the
// scale lesson hands these logits to the logitlab module.
import { gaussian, mulberry32 } from './random.js';

export const VOCABULARY_SIZE = 50257;
export const CONTEXT = 'The cat sat on the';

// Plausible next words and how far above the crowd the model puts them.
const FAVOURITES = [
  [' mat', 15.2], [' floor', 14.6], [' couch', 14.1], [' bed', 13.9], [' sofa', 13.6], [' windowsill', 13.2],
  [' chair', 13.1], [' table', 12.9], [' roof', 12.6], [' edge', 12.4], [' porch', 12.3], [' rug', 12.2],
  [' ground', 12.1], [' fence', 11.9], [' desk', 11.8], [' step', 11.7], [' carpet', 11.6], [' keyboard', 11.5],
  [' wall', 11.4], [' bench', 11.3], [' stairs', 11.2], [' grass', 11.1], [' pillow', 11.0], [' counter', 10.9],
  [' box', 10.8], [' lap', 10.7], [' tiles', 10.6], [' shelf', 10.5], [' doorstep', 10.4], [' car', 10.3],
  [' piano', 10.2], [' blanket', 10.1], [' top', 10.0], [' other', 9.9], [' back', 9.8], [' stove', 9.7],
  [' laptop', 9.6], [' newspaper', 9.5], [' hat', 9.4], [' dog', 9.3], [' cushion', 9.2], [' radiator', 9.1],
];

export function makeVocabulary(seed = 50257) {
  const random = mulberry32(seed);
  const logits = new Float32Array(VOCABULARY_SIZE);
  // The crowd: most tokens are implausible here, spread around a low score.
  for (let i = 0; i < VOCABULARY_SIZE; ++i) logits[i] = 0.2 + 2.7 * gaussian(random);
  const names = new Map();
  const used = new Set();
  for (const [word, score] of FAVOURITES) {
    let id;
    do id = 200 + Math.floor(random() * (VOCABULARY_SIZE - 200)); while (used.has(id));
    used.add(id);
    names.set(id, word);
    logits[id] = score + 0.3 * gaussian(random);
  }
  return {
    size: VOCABULARY_SIZE,
    context: CONTEXT,
    logits,
    label: (id) => names.get(id) ?? `token #${id}`,
    named: (id) => names.has(id),
  };
}
