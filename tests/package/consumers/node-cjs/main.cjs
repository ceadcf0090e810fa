// Consumer 2: a CommonJS script. require('logitlab') works: createLogitLab returns a Promise, as from ES modules.
// Prints the probe as JSON on its last line.
const assert = require('node:assert/strict');
const path = require('node:path');
const logitlab = require('logitlab');

assert.equal(require.resolve('logitlab'),
  path.join(__dirname, '..', 'node_modules', 'logitlab', 'dist', 'logitlab.cjs'));
assert.equal(typeof logitlab.createLogitLab, 'function', 'require("logitlab").createLogitLab');
assert.equal(logitlab.default, logitlab.createLogitLab, 'require("logitlab").default');
assert.equal(logitlab.version, require('logitlab/package.json').version, 'require("logitlab").version');

(async () => {
  let compiles = 0;
  const compile = WebAssembly.compile;
  WebAssembly.compile = (...args) => (++compiles, compile(...args));
  const { probe } = await import('../probe.js');
  const result = await probe(logitlab.createLogitLab, { scalar: false });

  // The CommonJS entry loads the same ES module instance as import does, so the compiled module is shared.
  const esm = await import('logitlab');
  const lab = await esm.createLogitLab();
  assert.equal(compiles, 1, `require() then import() compiled the SIMD build ${compiles} times, not once`);
  assert.equal(lab.version, logitlab.version);

  const inline = require('logitlab/inline');
  const inlineLab = await inline.createLogitLab();
  assert.deepEqual(Array.from(inlineLab.softmax([5, 5])), [0.5, 0.5], 'require("logitlab/inline"): softmax([5, 5])');
  console.log(JSON.stringify(result));
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
