// Consumer 4a: bundled by esbuild. esbuild leaves `new URL('./logitlab-*.wasm', import.meta.url)` as it is, so the
// .wasm files are copied beside the bundle (run.js does what a build script would).
import { createLogitLab } from 'logitlab';
import { report } from '../page.js';
import { probe } from '../probe.js';

report(() => probe(createLogitLab));
