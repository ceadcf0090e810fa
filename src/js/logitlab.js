// logitlab: softmax, temperature, cross-entropy, gradients and sampling in WebAssembly SIMD.
// The .wasm files are found beside this module (bundlers follow these `new URL(..., import.meta.url)` references).
import glueScalar from './glue-scalar.js';
import glueSimd from './glue-simd.js';
import { createLab } from './load.js';

export const version = '__VERSION__';

const builds = {
  simd: { name: 'logitlab-simd.wasm', url: new URL('./logitlab-simd.wasm', import.meta.url), glue: glueSimd },
  scalar: { name: 'logitlab-scalar.wasm', url: new URL('./logitlab-scalar.wasm', import.meta.url), glue: glueScalar },
};

/**
 * Loads logitlab. See logitlab.d.ts for the options and the API of the returned lab.
 */
export function createLogitLab(options) {
  return createLab(options, builds, version);
}

export default createLogitLab;
