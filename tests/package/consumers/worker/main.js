// Consumer 6: a module Web Worker imports the package and computes; the page only shows the worker's answer.
import { report } from '../page.js';

report(() => new Promise((resolve, reject) => {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => (data.error ? reject(new Error(`in the worker: ${data.error}`))
    : resolve(data.result));
  worker.onerror = (event) => reject(new Error(`worker failed to start: ${event.message}`));
}));
