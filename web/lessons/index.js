// The lessons, in teaching order. Each is data (title, prose, questions) plus a small view.
import crossEntropy from './cross-entropy.js';
import learning from './learning.js';
import logits from './logits.js';
import sampling from './sampling.js';
import scale from './scale.js';
import softmax from './softmax.js';
import stability from './stability.js';
import temperature from './temperature.js';

export const LESSONS = [logits, softmax, temperature, sampling, stability, crossEntropy, learning, scale];
