// Argument checking, in plain JavaScript with no WebAssembly: options read once and checked, vectors and class indices
// read and checked entry by entry. Every error comes from the vocabulary in errors.js.
import { failure, outOfRange, REDUCTIONS, tooLarge, typeError, VECTOR } from './errors.js';

// What 32-bit WebAssembly memory could ever hold, minus headroom: a larger argument is refused before it is copied.
export const MAX_BYTES = 2 ** 32 - 2 ** 17;
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
const FLOAT32_MAX = 3.4028234663852886e38;

export const OPTIONS = Object.freeze({
  elementwise: ['temperature', 'rows', 'out'],
  perRow: ['temperature', 'rows'],
  crossEntropy: ['temperature', 'rows', 'reduction', 'labelSmoothing', 'ignoreIndex', 'weight'],
  crossEntropyGrad: ['temperature', 'rows', 'reduction', 'labelSmoothing', 'ignoreIndex', 'weight', 'out'],
  sample: ['temperature', 'topK', 'topP', 'minP', 'repetitionPenalty', 'history', 'temperatureLast', 'seed'],
  fitTemperature: ['rows'],
  trace: ['temperature', 'target', 'labelSmoothing', 'topK', 'topP', 'minP', 'repetitionPenalty', 'history',
    'temperatureLast', 'seed'],
});
const INDEX = 'an integer class index';
const SAMPLING = ['topK', 'topP', 'minP', 'repetitionPenalty', 'history', 'temperatureLast'];

// A snapshot of the options: each known option read once, in a fixed order, before any data enters WebAssembly
// memory, so a getter (even one that calls back into the lab) cannot change an argument halfway through a call.
export function checkOptions(fn, options, allowed) {
  const snapshot = {};
  if (options === undefined || options === null) return snapshot;
  if (typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options))
    throw typeError(fn, 'options', 'an object', options);
  for (const key of Object.keys(options))
    if (!allowed.includes(key))
      throw new TypeError(`logitlab.${fn}: unknown option ${JSON.stringify(key)}; ` +
        `known options: ${allowed.join(', ')}`);
  for (const key of allowed) snapshot[key] = options[key];
  return snapshot;
}

export function checkNumber(fn, name, value) {
  if (typeof value !== 'number') throw typeError(fn, name, 'a number', value);
  return value;
}

// An optional number: `fallback` when undefined, else a number for which `valid` holds (else the problem `code`).
// The predicates are module constants, so a call allocates nothing.
function checkIn(fn, name, value, fallback, valid, code) {
  if (value === undefined) return fallback;
  checkNumber(fn, name, value);
  if (!valid(value)) throw failure(fn, code, { value });
  return value;
}

const positiveFinite = (v) => Number.isFinite(v) && v > 0;
const positiveInt32 = (v) => Number.isInteger(v) && v >= 1 && v <= 2 ** 31 - 1;
const inClosedUnit = (v) => v >= 0 && v <= 1;
const inOpenLowUnit = (v) => v > 0 && v <= 1;

export function checkTemperature(fn, value) {
  const t = checkIn(fn, 'temperature', value, 1, positiveFinite, 'temperature_invalid');
  // The core computes in float32, where T and 1 / T must both be finite: beyond float32's normal range, a smaller or
  // larger T gives the same float32 result (argmax with ties shared, or uniform), so it is clamped.
  return Math.min(Math.max(t, FLOAT32_MIN_NORMAL), FLOAT32_MAX);
}

export function checkInteger(fn, name, value, fallback, min, max, expected) {
  if (value === undefined) return fallback;
  checkNumber(fn, name, value);
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(fn, name, expected, value);
  return value;
}

export function checkRows(fn, value) {
  return checkIn(fn, 'rows', value, 1, positiveInt32, 'rows_invalid');
}

export function checkSeed(fn, value) {
  if (value !== undefined) return checkInteger(fn, 'seed', value, 0, 0, 2 ** 32 - 1, 'an unsigned 32-bit integer');
  const word = new Uint32Array(1);
  globalThis.crypto.getRandomValues(word);
  return word[0];
}

export function isDetached(view) {
  try {
    new Uint8Array(view.buffer);
    return false;
  } catch {
    return true;
  }
}

export function isFloatArray(x) {
  return x instanceof Float32Array || x instanceof Float64Array;
}

export function checkNotDetached(fn, name, x) {
  if (x.length === 0 && isDetached(x))
    throw new TypeError(`logitlab.${fn}: ${name} is a ${x.constructor.name} over a detached ArrayBuffer`);
}

// A vector argument other than an alloc buffer: { data, length }, each entry of a plain array read once. An empty
// vector is an error unless `allowEmpty` (when the caller checks the length itself).
export function checkVector(fn, name, x, { allowEmpty = false } = {}) {
  let data;
  if (isFloatArray(x)) {
    checkNotDetached(fn, name, x);
    data = x;
  } else if (Array.isArray(x)) {
    data = new Float64Array(x.length);
    for (let i = 0; i < x.length; ++i) {
      const v = x[i];
      if (typeof v !== 'number') throw typeError(fn, `${name}[${i}]`, 'a number', v);
      data[i] = v;
    }
  } else {
    throw typeError(fn, name, VECTOR, x);
  }
  if (data.length === 0 && !allowEmpty) throw failure(fn, 'empty_logits', { name });
  if (data.length * 4 > MAX_BYTES) throw tooLarge(fn, name, `${data.length} values`);
  return { data, length: data.length };
}

// Class indices as an Int32Array, from a number, an array or an Int32Array. Plain values are range-checked here, where
// they are still exact (2**32 + 1 must not wrap to 1); `code` names the problem of an index out of range.
export function checkIndices(fn, name, x, classes, { ignore, single = false, code = 'target_out_of_range' } = {}) {
  if (x instanceof Int32Array) {
    checkNotDetached(fn, name, x);
    return x;
  }
  const list = typeof x === 'number' ? [x] : x;
  const result = new Int32Array(list.length);
  for (let i = 0; i < list.length; ++i) {
    const v = list[i];
    const what = single ? name : `${name}[${i}]`;
    if (typeof v !== 'number') throw typeError(fn, what, INDEX, v);
    if (!Number.isInteger(v)) throw outOfRange(fn, what, INDEX, v);
    if (v !== ignore && (v < 0 || v >= classes))
      throw failure(fn, code, { name: what, index: i, value: v, classes, ignoreIndex: ignore });
    result[i] = v;
  }
  return result;
}

// k of topK(logits, k), or the topK option of the sampling filters: an integer in [0, classes].
export function checkK(fn, name, value, classes) {
  checkNumber(fn, name, value);
  if (!(Number.isInteger(value) && value >= 0 && value <= classes))
    throw failure(fn, 'k_invalid', { name, value, classes });
  return value;
}

// The target of a trace: one class index, or -1 for none.
export function checkTraceTarget(fn, target, classes) {
  if (target === undefined) return -1;
  checkNumber(fn, 'target', target);
  return checkIndices(fn, 'target', target, classes, { single: true })[0];
}

// The classes per row, for logits of `length` values in `rows` rows (a layout error before anything is sized by rows).
export function checkLayout(fn, length, rows) {
  if (!Number.isInteger(length / rows)) throw failure(fn, 'rows_mismatch', { rows, value: length });
  return length / rows;
}

// Index targets (one per row): a number when rows is 1, an Int32Array or an array. `ctx` gains targetIsArray.
export function checkIndexTargets(fn, target, rows, ctx) {
  if (typeof target === 'number') {
    if (rows !== 1 && Number.isInteger(target)) throw failure(fn, 'target_count', { rows, value: 'a single number' });
    return checkIndices(fn, 'target', target, ctx.classes, { ignore: ctx.ignoreIndex, single: true });
  }
  if (target instanceof Int32Array || Array.isArray(target)) {
    ctx.targetIsArray = true;
    const indices = checkIndices(fn, 'target', target, ctx.classes, { ignore: ctx.ignoreIndex });
    if (indices.length !== rows) throw failure(fn, 'target_count', { rows, value: indices.length });
    return indices;
  }
  throw typeError(fn, 'target',
    'a class index, an Int32Array or array of class indices, or a Float32Array/Float64Array of probabilities', target);
}

// The options of crossEntropy and crossEntropyGrad other than the weight.
export function crossEntropyOptions(fn, o) {
  return {
    temperature: checkTemperature(fn, o.temperature),
    rows: checkRows(fn, o.rows),
    reduction: checkReduction(fn, o.reduction),
    labelSmoothing: checkLabelSmoothing(fn, o.labelSmoothing),
    ignoreIndex: checkInteger(fn, 'ignoreIndex', o.ignoreIndex, -100, -(2 ** 31), 2 ** 31 - 1, 'a 32-bit integer'),
  };
}

function checkReduction(fn, value) {
  if (value === undefined) return 'mean';
  if (typeof value !== 'string') throw typeError(fn, 'reduction', REDUCTIONS, value);
  if (!['mean', 'sum', 'none'].includes(value)) throw failure(fn, 'reduction_invalid', { value });
  return value;
}

export function checkLabelSmoothing(fn, value) {
  return checkIn(fn, 'labelSmoothing', value, 0, inClosedUnit, 'label_smoothing_invalid');
}

// The sampling filters of sample and trace, checked in JS for messages that quote the caller's values.
export function samplingOptions(fn, o, classes) {
  return {
    topK: o.topK === undefined ? 0 : checkK(fn, 'topK', o.topK, classes),
    topP: checkIn(fn, 'topP', o.topP, 1, inOpenLowUnit, 'top_p_invalid'),
    minP: checkIn(fn, 'minP', o.minP, 0, inClosedUnit, 'min_p_invalid'),
    repetitionPenalty: checkIn(fn, 'repetitionPenalty', o.repetitionPenalty, 1, positiveFinite,
      'repetition_penalty_invalid'),
    history: checkHistory(fn, o.history === undefined ? [] : o.history, classes),
    temperatureLast: checkBoolean(fn, 'temperatureLast', o.temperatureLast, false),
  };
}

function checkBoolean(fn, name, value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError(fn, name, 'a boolean', value);
  return value;
}

// Whether a trace asks for the sampling filters at all.
export const withSampling = (o) => SAMPLING.some((key) => o[key] !== undefined);

// History tokens as a fresh Int32Array (never the caller's), every entry in [0, classes).
const HISTORY = Object.freeze({ code: 'history_out_of_range' });

function checkHistory(fn, history, classes) {
  if (!(Array.isArray(history) || history instanceof Int32Array))
    throw typeError(fn, 'history', 'an array or Int32Array of token indices', history);
  const tokens = checkIndices(fn, 'history', history, classes, HISTORY);
  if (tokens !== history) return tokens;
  // An Int32Array is range-checked here too, for a message that names the position.
  for (let i = 0; i < tokens.length; ++i)
    if (tokens[i] < 0 || tokens[i] >= classes) throw failure(fn, 'history_out_of_range',
      { index: i, value: tokens[i], classes });
  return Int32Array.from(tokens);
}
