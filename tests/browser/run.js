#!/usr/bin/env node
// The lessons in headless Chromium: every check file registers its checks with the harness, which runs them; the
// equation audit and the quiz properties take each lesson's spec from tests/browser/lessons/<id>.js.
//   node tests/browser/run.js [--only substring]
import { registerAudits } from './audit.js';
import './embed.js';
import { run } from './harness.js';
import * as crossEntropy from './lessons/cross-entropy.js';
import * as learning from './lessons/learning.js';
import * as logits from './lessons/logits.js';
import * as sampling from './lessons/sampling.js';
import * as scale from './lessons/scale.js';
import * as softmax from './lessons/softmax.js';
import * as stability from './lessons/stability.js';
import * as temperature from './lessons/temperature.js';
import './questions.js';
import { registerQuiz } from './quiz.js';
import './site.js';

const LESSONS = { logits, softmax, temperature, sampling, stability, 'cross-entropy': crossEntropy, learning, scale };
registerAudits(Object.fromEntries(Object.entries(LESSONS).map(([id, m]) => [id, m.audit])));
registerQuiz(Object.fromEntries(Object.entries(LESSONS).map(([id, m]) => [id, m.quiz])));

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
