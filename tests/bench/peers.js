// The peers: each turns a workload into a cell { run, output, draw?, async } or says it does not do that work.
// `run` is the timed call; `output` returns its result once for the accuracy check (outside the timed loop).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as js from './js-kernels.js';
import { mulberry32 } from '../js/reference.js';
import { crossEntropyModel, softmaxModel } from './onnx-models.js';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));

// The column order of every table and chart.
export const PEERS = [
  { id: 'll-simd', label: 'logitlab SIMD, plain call', short: 'logitlab SIMD' },
  { id: 'll-simd-out', label: 'logitlab SIMD, `out`', short: 'SIMD out' },
  { id: 'll-simd-alloc', label: 'logitlab SIMD, `alloc` buffers', short: 'SIMD alloc' },
  { id: 'll-scalar', label: 'logitlab scalar, plain call', short: 'logitlab scalar' },
  { id: 'll-scalar-out', label: 'logitlab scalar, `out`', short: 'scalar out' },
  { id: 'll-scalar-alloc', label: 'logitlab scalar, `alloc` buffers', short: 'scalar alloc' },
  { id: 'js', label: 'tuned JS (Float32Array loop)', short: 'tuned JS' },
  { id: 'tfjs', label: 'tfjs-wasm SIMD, call from a Float32Array', short: 'tfjs e2e' },
  { id: 'tfjs-kernel', label: 'tfjs-wasm SIMD, tensor already made', short: 'tfjs kernel' },
  { id: 'ort', label: 'onnxruntime-web wasm, session.run', short: 'ort-web' },
  { id: 'native', label: 'native C++ -O3 -march=native', short: 'native' },
];

export function logitlabCells(lab, mode) {
  return (w, input) => {
    const { rows } = w;
    const x = input.logits;
    const n = x.length;
    let bin = null;
    const inAlloc = () => {
      if (!bin) {
        bin = lab.alloc(n);
        bin.array.set(x);
      }
      return bin;
    };
    if (w.op === 'softmax' || w.op === 'logSoftmax') {
      const f = lab[w.op];
      if (mode === 'plain') return { run: () => f(x, { rows }), output: () => f(x, { rows }) };
      if (mode === 'out') {
        const out = new Float32Array(n);
        return { run: () => f(x, { rows, out }), output: () => Float32Array.from(f(x, { rows, out })) };
      }
      const src = inAlloc();
      const out = lab.alloc(n);
      return { run: () => f(src, { rows, out }), output: () => Float32Array.from(f(src, { rows, out }).array) };
    }
    if (w.op === 'crossEntropy') {
      if (mode === 'out') return null;
      const src = mode === 'alloc' ? inAlloc() : x;
      const call = () => lab.crossEntropy(src, input.targets, { rows });
      return { run: call, output: call };
    }
    if (w.op === 'sample') {
      if (mode === 'out') return null;
      const src = mode === 'alloc' ? inAlloc() : x;
      let seed = 1;
      return {
        run: () => lab.sample(src, { topP: w.topP, seed: seed++ >>> 0 }),
        draw: (s) => lab.sample(src, { topP: w.topP, seed: s }),
      };
    }
    return null;
  };
}

function jsCells(w, input) {
  const { rows, classes: C } = w;
  const x = input.logits;
  if (w.op === 'softmax' || w.op === 'logSoftmax') {
    const f = js[w.op];
    return { run: () => f(x, rows, C), output: () => f(x, rows, C) };
  }
  if (w.op === 'crossEntropy') {
    const call = () => js.crossEntropy(x, input.targets, rows, C);
    return { run: call, output: call };
  }
  const sample = js.makeSampler(C);
  const random = mulberry32(1);
  return { run: () => sample(x, w.topP, random), draw: (s) => sample(x, w.topP, mulberry32(s)) };
}

async function loadTfjs() {
  const tf = require('@tensorflow/tfjs-core');
  const backend = require('@tensorflow/tfjs-backend-wasm');
  // Single-threaded SIMD build: in Node the threaded build would be picked otherwise.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  backend.setWasmPaths(`${root}node_modules/@tensorflow/tfjs-backend-wasm/dist/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  return { tf, version: tf.version_core, simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') };
}

function tfjsCells(tf, kernelOnly) {
  return (w, input) => {
    const { rows, classes: C } = w;
    const x = input.logits;
    if (w.op === 'softmax' || w.op === 'logSoftmax') {
      const f = w.op === 'softmax' ? tf.softmax : tf.logSoftmax;
      if (kernelOnly) {
        const t = tf.tensor2d(x, [rows, C]);
        const run = () => f(t).dispose();
        const output = () => {
          const y = f(t);
          const data = y.dataSync();
          y.dispose();
          return data;
        };
        return { run, output, keep: [t] };
      }
      const call = () => {
        const t = tf.tensor2d(x, [rows, C]);
        const y = f(t);
        const data = y.dataSync();
        t.dispose();
        y.dispose();
        return data;
      };
      return { run: call, output: call };
    }
    if (w.op === 'crossEntropy') {
      // tfjs takes one-hot labels: the user-level call builds them from the indices.
      if (kernelOnly) {
        const t = tf.tensor2d(x, [rows, C]);
        const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(input.targets, 'int32'), C));
        const loss = () => tf.losses.softmaxCrossEntropy(labels, t);
        const run = () => loss().dispose();
        const output = () => {
          const y = loss();
          const v = y.dataSync()[0];
          y.dispose();
          return v;
        };
        return { run, output, keep: [t, labels] };
      }
      const call = () => {
        let v;
        tf.tidy(() => {
          const labels = tf.oneHot(tf.tensor1d(input.targets, 'int32'), C);
          v = tf.losses.softmaxCrossEntropy(labels, tf.tensor2d(x, [rows, C])).dataSync()[0];
        });
        return v;
      };
      return { run: call, output: call };
    }
    return null;  // tfjs has no top-p sampler
  };
}

async function loadOrt() {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;  // ignored by releases that ship only the SIMD build
  ort.env.wasm.wasmPaths = `${root}node_modules/onnxruntime-web/dist/`;
  ort.env.logLevel = 'error';
  const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  const sessions = {
    softmax: await ort.InferenceSession.create(softmaxModel('Softmax'), options),
    logSoftmax: await ort.InferenceSession.create(softmaxModel('LogSoftmax'), options),
    crossEntropy: await ort.InferenceSession.create(crossEntropyModel(), options),
  };
  return { ort, sessions, version: ort.env.versions?.web ?? 'unknown' };
}

function ortCells({ ort, sessions }) {
  return (w, input) => {
    const { rows, classes: C } = w;
    const session = sessions[w.op];
    if (!session) return null;
    // The ort.Tensor only wraps the caller's Float32Array; session.run copies it into WebAssembly memory and the
    // result out, every call.
    const feeds = { x: new ort.Tensor('float32', input.logits, [rows, C]) };
    if (w.op === 'crossEntropy') feeds.labels = new ort.Tensor('int32', input.targets, [rows]);
    const name = session.outputNames[0];
    const run = () => session.run(feeds);
    const output = async () => {
      const r = await session.run(feeds);
      return w.op === 'crossEntropy' ? r[name].data[0] : r[name].data;
    };
    return { run, output, async: true };
  };
}

// Every peer this process can run: { id -> make(workload, input) -> cell | null }, the versions, and what failed.
export async function loadPeers() {
  const { createLogitLab } = await import('logitlab');
  const simd = await createLogitLab({ simd: true });
  const scalar = await createLogitLab({ simd: false });
  if (!simd.simd || scalar.simd)
    throw new Error(`logitlab: asked for the SIMD and scalar builds, got simd = ${simd.simd} and ${scalar.simd}`);
  const makers = {
    'll-simd': logitlabCells(simd, 'plain'),
    'll-simd-out': logitlabCells(simd, 'out'),
    'll-simd-alloc': logitlabCells(simd, 'alloc'),
    'll-scalar': logitlabCells(scalar, 'plain'),
    'll-scalar-out': logitlabCells(scalar, 'out'),
    'll-scalar-alloc': logitlabCells(scalar, 'alloc'),
    js: jsCells,
  };
  const versions = { logitlab: simd.version, node: process.versions.node, v8: process.versions.v8 };
  const missing = {};
  try {
    const { tf, version, simd: tfSimd } = await loadTfjs();
    if (!tfSimd) throw new Error('tfjs-backend-wasm reports no SIMD');
    makers.tfjs = tfjsCells(tf, false);
    makers['tfjs-kernel'] = tfjsCells(tf, true);
    versions.tfjs = version;
    versions.tfjsNumTensors = () => tf.memory().numTensors;
  } catch (e) {
    missing.tfjs = String(e?.message ?? e);
  }
  try {
    const o = await loadOrt();
    makers.ort = ortCells(o);
    versions.ort = o.version;
  } catch (e) {
    missing.ort = String(e?.message ?? e);
  }
  return { makers, versions, missing, labs: { simd, scalar } };
}
