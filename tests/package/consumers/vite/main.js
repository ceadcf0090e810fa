// Consumer 4c: built by Vite, which follows `new URL('./logitlab-*.wasm', import.meta.url)` and emits the .wasm files
// as assets. No Vite configuration is needed for the page; the worker below is built as an ES module worker.
import { createLogitLab } from 'logitlab';
import { report } from '../page.js';
import { probe } from '../probe.js';

report(async () => {
  const result = await probe(createLogitLab);
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  result.worker = await new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker: ${event.message}`));
  });
  return result;
});
