// A Web Worker in the Vite build: the softmax of [1, 2, 3] computed off the main thread.
import { createLogitLab } from 'logitlab';

const lab = await createLogitLab();
postMessage({ simd: lab.simd, softmax: Array.from(lab.softmax([1, 2, 3])) });
