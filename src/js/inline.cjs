'use strict';
// CommonJS entry of 'logitlab/inline': loads the ES module with import(), as logitlab.cjs does.
Object.defineProperty(exports, '__esModule', { value: true });

function createLogitLab(options) {
  return import('./inline.js').then((m) => m.createLogitLab(options));
}

exports.createLogitLab = createLogitLab;
exports.default = createLogitLab;
exports.version = '__VERSION__';
