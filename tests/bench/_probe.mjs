import * as js from './js-kernels.js';
import { makeInput, WORKLOADS, mulberry32 } from './workloads.js';
const w = WORKLOADS[4]; const { logits } = makeInput(w);
const s = js.makeSampler(50257); const rnd = mulberry32(3);
for (let k = 0; k < 5; k++) {
  let t0 = performance.now(); for (let i = 0; i < 50; i++) js.logSoftmax(logits, 1, 50257); const a = (performance.now() - t0) * 1e6 / 50 / 50257;
  t0 = performance.now(); for (let i = 0; i < 50; i++) js.softmax(logits, 1, 50257); const b = (performance.now() - t0) * 1e6 / 50 / 50257;
  t0 = performance.now(); for (let i = 0; i < 50; i++) s(logits, 0.9, rnd); const c = (performance.now() - t0) * 1e6 / 50 / 50257;
  console.log(a.toFixed(2), b.toFixed(2), c.toFixed(2));
}
