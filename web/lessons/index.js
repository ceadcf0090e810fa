// The lessons, in teaching order (the order of LESSON_IDS, the one list of lesson ids). Each is data (title, prose,
// questions) plus a small view.
import crossEntropy from './cross-entropy.js';
import learning from './learning.js';
import logits from './logits.js';
import sampling from './sampling.js';
import scale from './scale.js';
import softmax from './softmax.js';
import stability from './stability.js';
import { LESSON_IDS } from '../model/state.js';
import temperature from './temperature.js';

const ALL = [logits, softmax, temperature, sampling, stability, crossEntropy, learning, scale];
export const LESSONS = LESSON_IDS.map((id) => ALL.find((l) => l.id === id));
