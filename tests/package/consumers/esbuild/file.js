// Consumer 4b: bundled by esbuild with the `file` loader for .wasm: importing the exported .wasm subpaths gives their
// paths (hashed names in the output), relative to the bundle: resolved against import.meta.url, they go to
// createLogitLab through locateFile.
import { createLogitLab } from 'logitlab';
import scalarUrl from 'logitlab/logitlab-scalar.wasm';
import simdUrl from 'logitlab/logitlab-simd.wasm';
import { report } from '../page.js';
import { probe } from '../probe.js';

const urls = { 'logitlab-simd.wasm': simdUrl, 'logitlab-scalar.wasm': scalarUrl };
report(() => probe((options) => createLogitLab({ ...options,
  locateFile: (name) => new URL(urls[name], import.meta.url) })));
