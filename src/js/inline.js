// logitlab/inline: the API of logitlab.js with both WebAssembly builds embedded as base64, so there is no .wasm file
// to serve or copy. The base64 strings are generated at build time (scripts/bundle.js writes build/js/wasm-base64.js).
import glueScalar from './glue-scalar.js';
import glueSimd from './glue-simd.js';
import { createLab } from './load.js';
import { SCALAR, SIMD } from './wasm-base64.js';

export const version = '__VERSION__';

function decode(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const builds = {
  simd: { name: 'logitlab-simd.wasm', bytes: () => decode(SIMD), glue: glueSimd },
  scalar: { name: 'logitlab-scalar.wasm', bytes: () => decode(SCALAR), glue: glueScalar },
};

/**
 * Loads logitlab from the embedded WebAssembly. See inline.d.ts and logitlab.d.ts.
 */
export function createLogitLab(options) {
  return createLab(options, builds, version);
}

export default createLogitLab;
