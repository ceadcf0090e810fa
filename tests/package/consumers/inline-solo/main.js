// Consumer 7 (Node): 'logitlab/inline' from a copy of the package that has no .wasm files at all. Prints the probe.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { createLogitLab } from 'logitlab/inline';
import { probe } from '../probe.js';

const dist = new URL('./node_modules/logitlab/dist/', import.meta.url);
assert.equal(import.meta.resolve('logitlab/inline'), new URL('inline.js', dist).href, 'logitlab/inline resolves to');
const shipped = await readdir(dist);
assert.ok(!shipped.some((name) => name.endsWith('.wasm')), `this copy must hold no .wasm files: ${shipped}`);
globalThis.fetch = () => {
  throw new Error('fetch was called by the inline entry');
};
let compiles = 0;
const compile = WebAssembly.compile;
WebAssembly.compile = (...args) => (++compiles, compile(...args));
const result = await probe(createLogitLab);
assert.equal(compiles, 2, `the inline entry compiled ${compiles} modules for two SIMD labs and one scalar lab, not 2`);
console.log(JSON.stringify(result));
