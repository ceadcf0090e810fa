// Consumer 5: the package files as plain ES modules, no bundler: the .wasm is fetched from beside logitlab.js.
import { createLogitLab } from '../node_modules/logitlab/dist/logitlab.js';
import { report } from '../page.js';
import { probe } from '../probe.js';

report(() => probe(createLogitLab));
