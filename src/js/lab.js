// The LogitLab interface of logitlab.d.ts. Each function checks its arguments (checks.js), copies them into
// WebAssembly memory (memory.js), calls the core through Embind with its options by name, and copies the result out,
// so no view of WebAssembly memory that growth could detach ever reaches the caller. The math is all in the core.
import {
  checkIndexTargets, checkK, checkLabelSmoothing, checkLayout, checkOptions, checkRows, checkSeed, checkTemperature,
  checkTraceTarget, crossEntropyOptions, isFloatArray, OPTIONS, samplingOptions, withSampling,
} from './checks.js';
import { failure } from './errors.js';
import { LabBuffer, Memory } from './memory.js';

const API = ['alloc', 'softmax', 'logSoftmax', 'logSumExp', 'entropy', 'crossEntropy', 'crossEntropyGrad', 'topK',
  'sample', 'fitTemperature', 'trace'];

// The lab a user holds: a frozen object of functions (they need no `this`, so they may be passed around).
export function makeLab(mod, { simd, version }) {
  const lab = new Lab(mod);
  const api = { simd, version, get memoryBytes() { return lab.memoryBytes; } };
  for (const name of API) api[name] = lab[name].bind(lab);
  return Object.freeze(api);
}

// What error messages need of a call: its layout and options, and the caller's own logits (`data`, to quote them;
// undefined for an alloc buffer). Made on the failure path, except where checking the targets needs it.
function context(prepared, rows, temperature, ignoreIndex) {
  return { rows, classes: prepared.length / rows, temperature, ignoreIndex, data: prepared.data };
}

// The trace's arrays, each of C floats, by their names in the core's TraceArrays and in the result (`exps` is `exp`).
const TRACE_ARRAYS = { scaled: 'scaled', shifted: 'shifted', exps: 'exp', probabilities: 'probabilities',
  logProbabilities: 'logProbabilities', gradient: 'gradient', keptProbabilities: 'keptProbabilities' };

class Lab {
  #mod;
  #memory;
  #errorNames;  // Embind's Error values -> their names

  constructor(mod) {
    this.#mod = mod;
    this.#memory = new Memory(mod);
    this.#errorNames = new Map(Object.keys(mod.Error).filter((k) => k !== 'values').map((k) => [mod.Error[k], k]));
  }

  get memoryBytes() {
    return this.#memory.bytes;
  }

  alloc(length) {
    return this.#memory.alloc(length);
  }

  softmax(logits, options) {
    return this.#elementwise('softmax', logits, options, this.#mod._softmax);
  }

  logSoftmax(logits, options) {
    return this.#elementwise('logSoftmax', logits, options, this.#mod._logSoftmax);
  }

  logSumExp(logits, options) {
    return this.#perRow('logSumExp', logits, options, this.#mod._logSumExp);
  }

  entropy(logits, options) {
    return this.#perRow('entropy', logits, options, this.#mod._entropy);
  }

  crossEntropy(logits, target, options) {
    const fn = 'crossEntropy';
    const a = this.#crossEntropyArgs(fn, logits, target, options);
    const count = a.reduction === 'none' ? a.rows : 1;
    const outPtr = this.#memory.reserve(fn, 'out', count * 4);
    const ok = this.#mod._crossEntropy(a.input.ptr, a.input.length, a.rows, a.temperature, a.targets, a.options,
      outPtr, count);
    if (!ok) throw this.#fail(fn, a.ctx);
    return a.reduction === 'none' ? this.#memory.floats(outPtr, count) : this.#memory.float(outPtr);
  }

  crossEntropyGrad(logits, target, options) {
    const fn = 'crossEntropyGrad';
    const a = this.#crossEntropyArgs(fn, logits, target, options);
    const outPtr = this.#memory.resultPointer(fn, a.out, a.input);
    if (!this.#mod._crossEntropyGrad(a.input.ptr, a.input.length, a.rows, a.temperature, a.targets, a.options, outPtr))
      throw this.#fail(fn, a.ctx);
    return this.#memory.deliver(a.out, outPtr, a.input.length);
  }

  topK(logits, k) {
    const fn = 'topK';
    const memory = this.#memory;
    const prepared = this.#logits(fn, logits, 1);
    checkK(fn, 'k', k, prepared.length);
    const input = memory.marshal(fn, prepared, 'logits');
    const indicesPtr = memory.reserve(fn, 'out', Math.max(1, k) * 4);
    const valuesPtr = memory.reserve(fn, 'aux', Math.max(1, k) * 4);
    if (!this.#mod._topK(input.ptr, input.length, k, indicesPtr, valuesPtr)) throw this.#fail(fn, context(prepared, 1));
    return { indices: memory.ints(indicesPtr, k), values: memory.floats(valuesPtr, k) };
  }

  sample(logits, options) {
    const fn = 'sample';
    const memory = this.#memory;
    const o = checkOptions(fn, options, OPTIONS.sample);
    const temperature = checkTemperature(fn, o.temperature);
    const seed = checkSeed(fn, o.seed);
    const prepared = this.#logits(fn, logits, 1);
    const s = samplingOptions(fn, o, prepared.length);
    const input = memory.marshal(fn, prepared, 'logits');
    const history = memory.marshalIndices(fn, s.history, 'history');
    const outPtr = memory.reserve(fn, 'out', 4);
    // Positional where the other long calls take named structs: see sample() in bindings.cc.
    if (!this.#mod._sample(input.ptr, input.length, temperature, s.topK, s.topP, s.minP, s.repetitionPenalty, history,
      s.history.length, s.temperatureLast, seed, outPtr)) throw this.#fail(fn, context(prepared, 1, temperature));
    return memory.int(outPtr);
  }

  fitTemperature(logits, target, options) {
    const fn = 'fitTemperature';
    const rows = checkRows(fn, checkOptions(fn, options, OPTIONS.fitTemperature).rows);
    const prepared = this.#logits(fn, logits, rows);
    const ctx = context(prepared, rows, undefined, -100);
    const targets = this.#targets(fn, target, rows, ctx);
    const input = this.#memory.marshal(fn, prepared, 'logits');
    const outPtr = this.#memory.reserve(fn, 'out', 4);
    if (!this.#mod._fitTemperature(input.ptr, input.length, rows, this.#coreTargets(fn, targets), outPtr))
      throw this.#fail(fn, ctx);
    return this.#memory.float(outPtr);
  }

  trace(logits, options) {
    const fn = 'trace';
    const o = checkOptions(fn, options, OPTIONS.trace);
    const temperature = checkTemperature(fn, o.temperature);
    const prepared = this.#logits(fn, logits, 1);
    const C = prepared.length;
    const target = checkTraceTarget(fn, o.target, C);
    const labelSmoothing = checkLabelSmoothing(fn, o.labelSmoothing);
    const sampling = withSampling(o);
    const s = samplingOptions(fn, o, C);
    const copy = Float32Array.from(prepared.buffer ? prepared.buffer.array : prepared.data);
    const input = this.#memory.marshal(fn, prepared, 'logits');
    const core = { temperature, target, labelSmoothing, withSampling: sampling,
      sampling: this.#coreSampling(fn, s, temperature) };
    const wanted = (name) => (name === 'gradient' ? target >= 0 : /^kept/.test(name) ? sampling : true);
    const arrays = this.#traceArrays(fn, C, wanted);
    const scalars = this.#mod._trace(input.ptr, C, core, arrays);
    if (!scalars.ok) throw this.#fail(fn, context(prepared, 1, temperature));
    return this.#traceResult({ logits: copy, temperature, target, scalars, arrays, wanted, C });
  }

  // A core function whose result has as many floats as the input: into `out`, in place, or into a new array.
  #elementwise(fn, logits, options, call) {
    const memory = this.#memory;
    const o = checkOptions(fn, options, OPTIONS.elementwise);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const prepared = this.#logits(fn, logits, rows);
    const out = memory.checkOut(fn, o.out, prepared.length);
    const input = memory.marshal(fn, prepared, 'logits');
    const outPtr = memory.resultPointer(fn, out, input);
    if (!call(input.ptr, input.length, rows, temperature, outPtr))
      throw this.#fail(fn, context(prepared, rows, temperature));
    return memory.deliver(out, outPtr, input.length);
  }

  // A core function with one float per row.
  #perRow(fn, logits, options, call) {
    const memory = this.#memory;
    const o = checkOptions(fn, options, OPTIONS.perRow);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const prepared = this.#logits(fn, logits, rows);
    const input = memory.marshal(fn, prepared, 'logits');
    const outPtr = memory.reserve(fn, 'out', rows * 4);
    if (!call(input.ptr, input.length, rows, temperature, outPtr))
      throw this.#fail(fn, context(prepared, rows, temperature));
    return rows === 1 ? memory.float(outPtr) : memory.floats(outPtr, rows);
  }

  // crossEntropy's and crossEntropyGrad's arguments: all read and checked, then copied into WebAssembly memory.
  #crossEntropyArgs(fn, logits, target, options) {
    const memory = this.#memory;
    const o = checkOptions(fn, options, OPTIONS[fn]);
    const a = crossEntropyOptions(fn, o);
    const prepared = this.#logits(fn, logits, a.rows);
    const ctx = context(prepared, a.rows, a.temperature, a.ignoreIndex);
    const weight = this.#weight(fn, o.weight, ctx.classes);
    const targets = this.#targets(fn, target, a.rows, ctx);
    const out = fn === 'crossEntropyGrad' ? memory.checkOut(fn, o.out, prepared.length) : null;
    const input = memory.marshal(fn, prepared, 'logits');
    const w = weight ? memory.marshal(fn, weight, 'weight') : { ptr: 0, length: 0 };
    const core = { reduction: this.#mod.Reduction[a.reduction], labelSmoothing: a.labelSmoothing,
      ignoreIndex: a.ignoreIndex, weight: w.ptr, weightLength: w.length };
    return { rows: a.rows, temperature: a.temperature, reduction: a.reduction, ctx, input, out,
      targets: this.#coreTargets(fn, targets), options: core };
  }

  // The error of the core call that just failed: its Status by name, with what JS knows of the arguments (`ctx`).
  #fail(fn, ctx) {
    const status = this.#mod._status();
    const name = this.#errorNames.get(status.error);
    return failure(fn, name, { ...ctx, row: status.row, index: status.index, value: status.value });
  }

  // The logits of a call, read and checked against `rows`.
  #logits(fn, logits, rows) {
    const prepared = this.#memory.vector(fn, 'logits', logits);
    checkLayout(fn, prepared.length, rows);
    return prepared;
  }

  // Targets: { indices } (an Int32Array) or { soft } (a vector of probabilities).
  #targets(fn, target, rows, ctx) {
    if (!(isFloatArray(target) || target instanceof LabBuffer))
      return { indices: checkIndexTargets(fn, target, rows, ctx) };
    const soft = this.#memory.vector(fn, 'target', target);
    if (soft.length !== rows * ctx.classes) throw failure(fn, 'soft_target_length', { ...ctx, value: soft.length });
    return { soft };
  }

  #weight(fn, weight, classes) {
    if (weight === undefined) return null;
    const prepared = this.#memory.vector(fn, 'weight', weight, { allowEmpty: true });
    if (prepared.length !== classes) throw failure(fn, 'weight_length', { classes, value: prepared.length });
    return prepared;
  }

  // Targets in WebAssembly memory, as the core's Targets.
  #coreTargets(fn, targets) {
    if (targets.soft) {
      const soft = this.#memory.marshal(fn, targets.soft, 'target');
      return { indices: 0, indicesLength: 0, probabilities: soft.ptr, probabilitiesLength: soft.length };
    }
    const indices = this.#memory.marshalIndices(fn, targets.indices, 'target');
    return { indices, indicesLength: targets.indices.length, probabilities: 0, probabilitiesLength: 0 };
  }

  // The sampling filters as the core's SampleOptions (the trace's; it draws nothing, so the seed is unused).
  #coreSampling(fn, s, temperature) {
    const history = this.#memory.marshalIndices(fn, s.history, 'history');
    return { temperature, topK: s.topK, topP: s.topP, minP: s.minP, repetitionPenalty: s.repetitionPenalty, history,
      historyLength: s.history.length, temperatureLast: s.temperatureLast, seed: 0 };
  }

  // Where each of the trace's arrays goes, as the core's TraceArrays: a scratch area of its own, or 0 when not wanted.
  #traceArrays(fn, C, wanted) {
    const arrays = { kept: wanted('kept') ? this.#memory.reserve(fn, 'trace.kept', C) : 0 };
    for (const name of Object.keys(TRACE_ARRAYS))
      arrays[name] = wanted(name) ? this.#memory.reserve(fn, `trace.${name}`, C * 4) : 0;
    return arrays;
  }

  // The trace as API.md describes it, each array copied out of WebAssembly memory.
  #traceResult({ logits, temperature, target, scalars, arrays, wanted, C }) {
    const at = {};
    for (const [name, key] of Object.entries(TRACE_ARRAYS))
      if (wanted(name)) at[key] = this.#memory.floats(arrays[name], C);
    const result = { logits, temperature, scaled: at.scaled, max: scalars.max, shifted: at.shifted, exp: at.exp,
      sum: scalars.sum, probabilities: at.probabilities, logProbabilities: at.logProbabilities,
      logSumExp: scalars.logSumExp, entropy: scalars.entropy };
    if (target >= 0) Object.assign(result, { target, loss: scalars.loss, gradient: at.gradient });
    if (wanted('kept')) {
      const mask = this.#memory.bytesAt(arrays.kept, C);
      result.kept = Int32Array.from(mask.keys()).filter((c) => mask[c]);
      result.keptProbabilities = at.keptProbabilities;
    }
    return result;
  }
}
