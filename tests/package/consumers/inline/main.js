// Consumer 7 (browser): the inline entry, WebAssembly embedded: the page requests no .wasm file.
import { createLogitLab } from '../node_modules/logitlab/dist/inline.js';
import { report } from '../page.js';
import { probe } from '../probe.js';

report(() => probe(createLogitLab));
