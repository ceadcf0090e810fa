'use strict';
// CommonJS entry of 'logitlab' (the "require" condition of package.json). The package is an ES module; createLogitLab
// is asynchronous anyway, so from CommonJS it loads the ES module with import() and resolves to the same lab. Both
// entries share one module instance, so the compiled WebAssembly is shared too.
Object.defineProperty(exports, '__esModule', { value: true });

function createLogitLab(options) {
  return import('./logitlab.js').then((m) => m.createLogitLab(options));
}

exports.createLogitLab = createLogitLab;
exports.default = createLogitLab;
exports.version = '__VERSION__';
