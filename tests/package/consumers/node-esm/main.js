// Consumer 1: a Node ES module script using the installed package by name. Prints the probe as JSON on its last line.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import createDefault, { createLogitLab, version } from 'logitlab';
import { probe } from '../probe.js';

// The import is the installed tarball, beside this project, not the repository's dist/.
const entry = import.meta.resolve('logitlab');
assert.equal(entry, new URL('../node_modules/logitlab/dist/logitlab.js', import.meta.url).href, 'logitlab resolves to');
const pkg = JSON.parse(await readFile(new URL(import.meta.resolve('logitlab/package.json')), 'utf8'));
assert.equal(version, pkg.version, 'the version export matches package.json');
assert.equal(createDefault, createLogitLab, 'the default export is createLogitLab');

// In Node the .wasm is read from disk: fetch must not be called. Count compilations to see the cache at work.
globalThis.fetch = () => {
  throw new Error('fetch was called in Node');
};
let compiles = 0;
const compile = WebAssembly.compile;
WebAssembly.compile = (...args) => (++compiles, compile(...args));

const result = await probe(createLogitLab);  // two SIMD labs, one scalar lab
assert.equal(compiles, 2, `creating the SIMD lab twice and the scalar lab once compiled ${compiles} modules, not 2`);
await createLogitLab();
await createLogitLab({ simd: false });
assert.equal(compiles, 2, `creating more labs compiled again (${compiles} compilations): the module must be reused`);

// The overrides: locateFile returning a file path or a file: URL, wasmBinary, wasmModule.
const simdPath = fileURLToPath(import.meta.resolve('logitlab/logitlab-simd.wasm'));
const asked = [];
const byPath = await createLogitLab({ simd: true, locateFile: (name) => (asked.push(name), simdPath) });
assert.deepEqual(asked, ['logitlab-simd.wasm'], 'locateFile is asked for the SIMD file by name');
const byUrl = await createLogitLab({ simd: false,
  locateFile: (name) => new URL(import.meta.resolve(`logitlab/${name}`)) });
const bytes = await readFile(simdPath);
const byBinary = await createLogitLab({ simd: true, wasmBinary: bytes });
const byModule = await createLogitLab({ simd: true, wasmModule: await compile(bytes) });
for (const [how, lab, simd] of [['locateFile path', byPath, true], ['locateFile URL', byUrl, false],
  ['wasmBinary', byBinary, true], ['wasmModule', byModule, true]]) {
  assert.equal(lab.simd, simd, `${how}: lab.simd`);
  assert.deepEqual(Array.from(lab.softmax([0, 0, 0, 0])), [0.25, 0.25, 0.25, 0.25], `${how}: softmax of zeros`);
}

// Failures say what went wrong and how to fix it.
const missing = '/nonexistent/logitlab-simd.wasm';
await assert.rejects(createLogitLab({ simd: true, locateFile: () => missing }),
  (e) => e.message.includes(missing) && e.message.includes('ENOENT') && e.message.includes('locateFile'),
  'a missing .wasm names the path, the cause and the locateFile option');
await assert.rejects(createLogitLab({ simdd: true }), (e) => e instanceof TypeError && e.message.includes('simdd'),
  'an unknown option is a TypeError naming it');
const empty = await compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
await assert.rejects(createLogitLab({ wasmModule: empty }), /could not instantiate/,
  'a wrong wasmModule rejects (it must not hang or crash the process)');

console.log(JSON.stringify(result));
