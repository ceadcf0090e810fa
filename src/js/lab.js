// The JavaScript face of the core: argument checks with the errors of API.md, marshalling into WebAssembly memory
// (typed arrays copied once, `alloc` buffers never), and results copied out so no view of WebAssembly memory that
// growth could detach ever reaches the caller. The math is all in the core (src/core), reached through Embind.
import { coreError, rangeError, show, typeError } from './errors.js';

const REDUCTIONS = { mean: 0, sum: 1, none: 2 };
const MAX_BYTES = 2 ** 32 - 2 ** 17;  // what 32-bit WebAssembly memory could ever hold, minus headroom
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
const FLOAT32_MAX = 3.4028234663852886e38;

function checkOptions(fn, options, allowed) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options))
    throw typeError(fn, 'options', 'an object', options);
  for (const key of Object.keys(options))
    if (!allowed.includes(key))
      throw new TypeError(`logitlab.${fn}: unknown option ${JSON.stringify(key)}; known options: ${allowed.join(', ')}`);
  return options;
}

function checkNumber(fn, name, value) {
  if (typeof value !== 'number') throw typeError(fn, name, 'a number', value);
  return value;
}

function checkTemperature(fn, value, name = 'temperature') {
  if (value === undefined) return 1;
  checkNumber(fn, name, value);
  if (!(Number.isFinite(value) && value > 0))
    throw rangeError(fn, name, `must be a finite number > 0, got ${show(value)}`);
  // The core computes in float32, where T and 1 / T must both be finite: beyond float32's normal range, a smaller or
  // larger T gives the same float32 result (argmax with ties shared, or uniform), so it is clamped.
  return Math.min(Math.max(value, FLOAT32_MIN_NORMAL), FLOAT32_MAX);
}

function checkInteger(fn, name, value, fallback, min = -Infinity, max = Infinity, hint = '') {
  if (value === undefined) return fallback;
  checkNumber(fn, name, value);
  if (!Number.isInteger(value) || value < min || value > max)
    throw rangeError(fn, name, `must be ${hint || 'an integer'}, got ${show(value)}`);
  return value;
}

function checkRows(fn, value) {
  return checkInteger(fn, 'rows', value, 1, 1, 2 ** 31 - 1, 'a positive integer');
}

function checkUnit(fn, name, value, fallback, { openLow = false } = {}) {
  if (value === undefined) return fallback;
  checkNumber(fn, name, value);
  const ok = openLow ? value > 0 && value <= 1 : value >= 0 && value <= 1;
  if (!ok) throw rangeError(fn, name, `must be in ${openLow ? '(0, 1]' : '[0, 1]'}, got ${show(value)}`);
  return value;
}

function isDetached(view) {
  try {
    new Uint8Array(view.buffer);
    return false;
  } catch {
    return true;
  }
}

function isFloatArray(x) {
  return x instanceof Float32Array || x instanceof Float64Array;
}

const POOL_BYTES = 1 << 15;
const POOLED_MAX_BYTES = 1 << 12;
let pool = null;
let poolOffset = 0;

function fresh(Type, n) {
  const bytes = (n * 4 + 7) & ~7;
  if (bytes === 0) return new Type(0);
  if (pool === null || poolOffset + bytes > POOL_BYTES) {
    pool = new ArrayBuffer(POOL_BYTES);
    poolOffset = 0;
  }
  const result = new Type(pool, poolOffset, n);
  poolOffset += bytes;
  return result;
}

// A buffer in one lab's WebAssembly memory: { length, array, free() }.
class LabBuffer {
  #mod;
  #ptr;
  #length;
  #view = null;

  constructor(mod, ptr, length) {
    this.#mod = mod;
    this.#ptr = ptr;
    this.#length = length;
  }

  get length() {
    return this.#length;
  }

  // A Float32Array over the buffer, rebuilt whenever memory growth has replaced WebAssembly's ArrayBuffer.
  get array() {
    LabBuffer.pointer(this, this.#mod, 'logitlab: alloc buffer');
    const heap = this.#mod.HEAPF32;
    if (!this.#view || this.#view.buffer !== heap.buffer)
      this.#view = new Float32Array(heap.buffer, this.#ptr, this.#length);
    return this.#view;
  }

  free() {
    if (this.#ptr === 0) throw new TypeError('logitlab: this alloc buffer was already freed (double free)');
    this.#mod._free(this.#ptr);
    this.#ptr = 0;
    this.#view = null;
  }

  static pointer(buffer, mod, what) {
    if (buffer.#ptr === 0) throw new TypeError(`${what} is an alloc buffer that was freed; it cannot be used again`);
    if (buffer.#mod !== mod) throw new TypeError(`${what} is an alloc buffer of another lab; use the lab that allocated it`);
    return buffer.#ptr;
  }
}

export function makeLab(mod, { simd, version }) {

  // Grow-only scratch areas in WebAssembly memory, one per role, so steady use allocates nothing.
  const slots = new Map();
  function reserve(fn, role, bytes) {
    let slot = slots.get(role);
    if (slot && slot.bytes >= bytes) return slot.ptr;
    if (bytes > MAX_BYTES)
      throw rangeError(fn, role, `needs ${bytes} bytes of WebAssembly memory, more than 32-bit memory can hold`);
    const size = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));
    const ptr = mod._malloc(Math.min(size, MAX_BYTES));
    if (!ptr) {
      throw rangeError(fn, role, `needs ${bytes} bytes of WebAssembly memory and the browser or Node would not ` +
        'grow memory that far');
    }
    if (slot) mod._free(slot.ptr);
    slot = { ptr, bytes: Math.min(size, MAX_BYTES) };
    slots.set(role, slot);
    return ptr;
  }

  // The pointer behind one of this lab's alloc buffers (throws for a freed or foreign one), or 0 for anything else.
  function ownBuffer(fn, name, x) {
    if (!(x instanceof LabBuffer)) return 0;
    return LabBuffer.pointer(x, mod, `logitlab.${fn}: ${name}`);
  }

  function alloc(length) {
    checkNumber('alloc', 'length', length);
    if (!Number.isInteger(length) || length < 1)
      throw rangeError('alloc', 'length', `must be a positive integer, got ${show(length)}`);
    if (length * 4 > MAX_BYTES) throw rangeError('alloc', 'length', `${length} floats exceed 32-bit WebAssembly memory`);
    const ptr = mod._malloc(length * 4);
    if (!ptr) throw rangeError('alloc', 'length', `${length} floats: WebAssembly memory could not grow that far`);
    mod.HEAPF32.fill(0, ptr >>> 2, (ptr >>> 2) + length);
    return new LabBuffer(mod, ptr, length);
  }

  // A vector argument in WebAssembly memory: { ptr, length, source }. Plain arrays are checked entry by entry.
  function vector(fn, name, x, role) {
    const own = ownBuffer(fn, name, x);
    if (own) return { ptr: own, length: x.length, source: x, owned: true };
    if (isFloatArray(x)) {
      if (x.length === 0 && isDetached(x)) throw new TypeError(`logitlab.${fn}: ${name} is a ${x.constructor.name} over a detached ArrayBuffer`);
    } else if (Array.isArray(x)) {
      for (let i = 0; i < x.length; ++i)
        if (typeof x[i] !== 'number') throw typeError(fn, `${name}[${i}]`, 'a number', x[i]);
    } else {
      throw typeError(fn, name, 'a Float32Array, a Float64Array, an array of numbers or a lab.alloc buffer', x);
    }
    if (x.length === 0) throw rangeError(fn, name, 'is empty: give at least one value');
    const ptr = reserve(fn, role, x.length * 4);
    mod.HEAPF32.set(x, ptr >>> 2);
    return { ptr, length: x.length, source: x, owned: false };
  }

  // Where a result of `length` floats goes: the caller's `out` (checked), or a fresh Float32Array.
  function checkOut(fn, out, length) {
    if (out === undefined) return null;
    if (out instanceof LabBuffer) {
      ownBuffer(fn, 'out', out);  // freed or foreign: throws
    } else if (!(out instanceof Float32Array)) {
      throw typeError(fn, 'out', 'a Float32Array or a lab.alloc buffer', out);
    } else if (out.length === 0 && isDetached(out)) {
      throw new TypeError(`logitlab.${fn}: out is a Float32Array over a detached ArrayBuffer`);
    }
    if (out.length !== length) throw rangeError(fn, 'out', `must have length ${length}, got ${out.length}`);
    return out;
  }

  // A copy of n floats (or ints) at ptr, in a new typed array. Small results are carved from a pooled ArrayBuffer, as
  // Node does for small Buffers: allocating a separate ArrayBuffer costs more than a 1,000-class softmax itself.
  // Large results are copied by the typed-array constructor, which skips the zero-fill that `new` then `set` pays.
  function floats(ptr, n) {
    const view = mod.HEAPF32.subarray(ptr >>> 2, (ptr >>> 2) + n);
    if (n * 4 > POOLED_MAX_BYTES) return new Float32Array(view);
    const result = fresh(Float32Array, n);
    result.set(view);
    return result;
  }

  function ints(ptr, n) {
    const view = mod.HEAP32.subarray(ptr >>> 2, (ptr >>> 2) + n);
    if (n * 4 > POOLED_MAX_BYTES) return new Int32Array(view);
    const result = fresh(Int32Array, n);
    result.set(view);
    return result;
  }

  function fail(fn, code, ctx) {
    return coreError(fn, code, mod._errorRow(), mod._errorIndex(), mod._errorValue(), ctx);
  }

  function originalOf(source) {
    return (i) => (source instanceof LabBuffer ? undefined : source[i]);
  }

  function classesOf(length, rows) {
    return Number.isInteger(length / rows) ? length / rows : 0;
  }

  // Runs a core function whose result has as many floats as the input: into `out`, in place, or into a new array.
  function elementwise(fn, logits, options, call, extraOptions = []) {
    const o = checkOptions(fn, options, ['temperature', 'rows', 'out', ...extraOptions]);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const input = vector(fn, 'logits', logits, 'logits');
    const out = checkOut(fn, o.out, input.length);
    // Compute in the caller's alloc buffer when given, else in place in scratch (the core allows aliasing).
    let outPtr = input.ptr;
    if (out instanceof LabBuffer) outPtr = ownBuffer(fn, 'out', out);
    else if (input.owned) outPtr = reserve(fn, 'out', input.length * 4);
    const ctx = { rows, classes: classesOf(input.length, rows), temperature, original: originalOf(input.source) };
    const code = call(input, rows, temperature, outPtr, o, ctx);
    if (code !== 0) throw fail(fn, code, ctx);
    if (out instanceof LabBuffer) return out;
    const start = outPtr >>> 2;
    if (out) {
      out.set(mod.HEAPF32.subarray(start, start + input.length));
      return out;
    }
    return floats(outPtr, input.length);
  }

  // Runs a core function with one float per row.
  function perRow(fn, logits, options, call) {
    const o = checkOptions(fn, options, ['temperature', 'rows']);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const input = vector(fn, 'logits', logits, 'logits');
    const outPtr = reserve(fn, 'out', rows * 4);
    const ctx = { rows, classes: classesOf(input.length, rows), temperature, original: originalOf(input.source) };
    const code = call(input.ptr, input.length, rows, temperature, outPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    const start = outPtr >>> 2;
    return rows === 1 ? mod.HEAPF32[start] : floats(outPtr, rows);
  }

  // Targets into WebAssembly memory: { ptr, soft, length }.
  function targets(fn, target, rows, ctx) {
    if (typeof target === 'number') {
      if (!Number.isInteger(target)) throw rangeError(fn, 'target', `must be an integer class index, got ${show(target)}`);
      if (rows !== 1) throw rangeError(fn, 'target', `must hold one class index per row: expected ${rows}, got a single number`);
      return indexTargets(fn, [target], ctx);
    }
    if (target instanceof Int32Array || Array.isArray(target)) {
      ctx.targetIsArray = true;
      if (target instanceof Int32Array && target.length === 0 && isDetached(target))
        throw new TypeError(`logitlab.${fn}: target is an Int32Array over a detached ArrayBuffer`);
      if (Array.isArray(target)) {
        for (let i = 0; i < target.length; ++i) {
          const v = target[i];
          if (typeof v !== 'number') throw typeError(fn, `target[${i}]`, 'an integer class index', v);
          if (!Number.isInteger(v)) throw rangeError(fn, `target[${i}]`, `must be an integer class index, got ${show(v)}`);
          if (v !== ctx.ignoreIndex && (v < 0 || v >= ctx.classes))
            throw rangeError(fn, `target[${i}]`, `is ${v}, outside [0, ${ctx.classes}) (and not ignoreIndex ${ctx.ignoreIndex})`);
        }
      }
      return indexTargets(fn, target, ctx);
    }
    if (isFloatArray(target) || target instanceof LabBuffer) {
      const v = vector(fn, 'target', target, 'target');
      return { ptr: v.ptr, soft: 1, length: v.length };
    }
    throw typeError(fn, 'target', 'a class index, an Int32Array or array of class indices, or a Float32Array/Float64Array of probabilities', target);
  }

  function indexTargets(fn, list, ctx) {
    const ptr = reserve(fn, 'target', Math.max(1, list.length) * 4);
    mod.HEAP32.set(list, ptr >>> 2);
    ctx.targetList = list;
    return { ptr, soft: 0, length: list.length };
  }

  function weights(fn, weight) {
    if (weight === undefined) return { ptr: 0, length: 0 };
    if (!(isFloatArray(weight) || Array.isArray(weight)))
      throw typeError(fn, 'weight', 'a Float32Array, a Float64Array or an array of numbers', weight);
    if (weight.length === 0) throw rangeError(fn, 'weight', 'must have one entry per class, got 0');
    const v = vector(fn, 'weight', weight, 'weight');
    return { ptr: v.ptr, length: v.length };
  }

  const CE_OPTIONS = ['temperature', 'rows', 'reduction', 'labelSmoothing', 'ignoreIndex', 'weight'];

  function crossEntropyArgs(fn, logits, target, options, extra) {
    const o = checkOptions(fn, options, [...CE_OPTIONS, ...extra]);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const reduction = o.reduction === undefined ? 'mean' : o.reduction;
    if (typeof reduction !== 'string') throw typeError(fn, 'reduction', "'mean', 'sum' or 'none'", reduction);
    if (!(reduction in REDUCTIONS) || !Object.hasOwn(REDUCTIONS, reduction))
      throw rangeError(fn, 'reduction', `must be 'mean', 'sum' or 'none', got ${show(reduction)}`);
    const eps = checkUnit(fn, 'labelSmoothing', o.labelSmoothing, 0);
    const ignoreIndex = checkInteger(fn, 'ignoreIndex', o.ignoreIndex, -100, -(2 ** 31), 2 ** 31 - 1, 'a 32-bit integer');
    const input = vector(fn, 'logits', logits, 'logits');
    const ctx = { rows, classes: classesOf(input.length, rows), temperature, ignoreIndex, original: originalOf(input.source) };
    if (ctx.classes === 0) throw coreError(fn, 3, 0, 0, input.length, ctx);
    const w = weights(fn, o.weight);
    const t = targets(fn, target, rows, ctx);
    return { o, temperature, rows, reduction, eps, ignoreIndex, input, ctx, w, t };
  }

  function crossEntropy(logits, target, options) {
    const fn = 'crossEntropy';
    const a = crossEntropyArgs(fn, logits, target, options, []);
    const count = a.reduction === 'none' ? a.rows : 1;
    const outPtr = reserve(fn, 'out', count * 4);
    const code = mod._crossEntropy(a.input.ptr, a.input.length, a.rows, a.temperature, a.t.ptr, a.t.soft, a.t.length,
      REDUCTIONS[a.reduction], a.eps, a.ignoreIndex, a.w.ptr, a.w.length, outPtr, count);
    if (code !== 0) throw fail(fn, code, a.ctx);
    const start = outPtr >>> 2;
    return a.reduction === 'none' ? floats(outPtr, count) : mod.HEAPF32[start];
  }

  function crossEntropyGrad(logits, target, options) {
    const fn = 'crossEntropyGrad';
    const a = crossEntropyArgs(fn, logits, target, options, ['out']);
    const out = checkOut(fn, a.o.out, a.input.length);
    let outPtr = a.input.ptr;
    if (out instanceof LabBuffer) outPtr = ownBuffer(fn, 'out', out);
    else if (a.input.owned) outPtr = reserve(fn, 'out', a.input.length * 4);
    const code = mod._crossEntropyGrad(a.input.ptr, a.input.length, a.rows, a.temperature, a.t.ptr, a.t.soft,
      a.t.length, REDUCTIONS[a.reduction], a.eps, a.ignoreIndex, a.w.ptr, a.w.length, outPtr);
    if (code !== 0) throw fail(fn, code, a.ctx);
    if (out instanceof LabBuffer) return out;
    const start = outPtr >>> 2;
    if (out) {
      out.set(mod.HEAPF32.subarray(start, start + a.input.length));
      return out;
    }
    return floats(outPtr, a.input.length);
  }

  function topK(logits, k) {
    const fn = 'topK';
    const input = vector(fn, 'logits', logits, 'logits');
    checkNumber(fn, 'k', k);
    if (!Number.isInteger(k) || k < 0 || k > input.length)
      throw rangeError(fn, 'k', `must be an integer in [0, ${input.length}], got ${show(k)}`);
    const indicesPtr = reserve(fn, 'out', Math.max(1, k) * 4);
    const valuesPtr = reserve(fn, 'aux', Math.max(1, k) * 4);
    const ctx = { rows: 1, classes: input.length, original: originalOf(input.source) };
    const code = mod._topK(input.ptr, input.length, k, indicesPtr, valuesPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    return {
      indices: ints(indicesPtr, k),
      values: floats(valuesPtr, k),
    };
  }

  // The sampling filters, checked in JS for messages that quote the caller's values; returns what the core takes.
  function samplingArgs(fn, o, classes, temperature) {
    const topKValue = checkInteger(fn, 'topK', o.topK, 0, 0, classes, `an integer in [0, ${classes}] (0 = off)`);
    const topP = checkUnit(fn, 'topP', o.topP, 1, { openLow: true });
    const minP = checkUnit(fn, 'minP', o.minP, 0);
    let penalty = 1;
    if (o.repetitionPenalty !== undefined) {
      penalty = checkNumber(fn, 'repetitionPenalty', o.repetitionPenalty);
      if (!(Number.isFinite(penalty) && penalty > 0))
        throw rangeError(fn, 'repetitionPenalty', `must be a finite number > 0, got ${show(penalty)}`);
    }
    const history = o.history === undefined ? [] : o.history;
    if (!(Array.isArray(history) || history instanceof Int32Array))
      throw typeError(fn, 'history', 'an array or Int32Array of token indices', history);
    for (let i = 0; i < history.length; ++i) {
      const v = history[i];
      if (typeof v !== 'number') throw typeError(fn, `history[${i}]`, 'a token index', v);
      if (!Number.isInteger(v) || v < 0 || v >= classes)
        throw rangeError(fn, `history[${i}]`, `is ${show(v)}, not a token index in [0, ${classes})`);
    }
    const temperatureLast = o.temperatureLast === undefined ? false : o.temperatureLast;
    if (typeof temperatureLast !== 'boolean') throw typeError(fn, 'temperatureLast', 'a boolean', temperatureLast);
    const historyPtr = reserve(fn, 'history', Math.max(1, history.length) * 4);
    mod.HEAP32.set(history, historyPtr >>> 2);
    return { topK: topKValue, topP, minP, penalty, historyPtr, historyLength: history.length, temperatureLast, temperature };
  }

  function freshSeed() {
    const word = new Uint32Array(1);
    globalThis.crypto.getRandomValues(word);
    return word[0];
  }

  const SAMPLE_OPTIONS = ['temperature', 'topK', 'topP', 'minP', 'repetitionPenalty', 'history', 'temperatureLast', 'seed'];

  function sample(logits, options) {
    const fn = 'sample';
    const o = checkOptions(fn, options, SAMPLE_OPTIONS);
    const temperature = checkTemperature(fn, o.temperature);
    let seed;
    if (o.seed === undefined) seed = freshSeed();
    else seed = checkInteger(fn, 'seed', o.seed, 0, 0, 2 ** 32 - 1, 'an unsigned 32-bit integer');
    const input = vector(fn, 'logits', logits, 'logits');
    const s = samplingArgs(fn, o, input.length, temperature);
    const outPtr = reserve(fn, 'out', 4);
    const ctx = { rows: 1, classes: input.length, temperature, original: originalOf(input.source) };
    const code = mod._sample(input.ptr, input.length, temperature, s.topK, s.topP, s.minP, s.penalty, s.historyPtr,
      s.historyLength, s.temperatureLast, seed, outPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    return mod.HEAP32[outPtr >>> 2];
  }

  function fitTemperature(logits, target, options) {
    const fn = 'fitTemperature';
    const o = checkOptions(fn, options, ['rows']);
    const rows = checkRows(fn, o.rows);
    const input = vector(fn, 'logits', logits, 'logits');
    const ctx = { rows, classes: classesOf(input.length, rows), ignoreIndex: -100, original: originalOf(input.source) };
    if (ctx.classes === 0) throw coreError(fn, 3, 0, 0, input.length, ctx);
    const t = targets(fn, target, rows, ctx);
    const outPtr = reserve(fn, 'out', 4);
    const code = mod._fitTemperature(input.ptr, input.length, rows, t.ptr, t.soft, t.length, outPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    return mod.HEAPF32[outPtr >>> 2];
  }

  const TRACE_OPTIONS = ['temperature', 'target', 'labelSmoothing', 'topK', 'topP', 'minP', 'repetitionPenalty',
    'history', 'temperatureLast', 'seed'];

  function trace(logits, options) {
    const fn = 'trace';
    const o = checkOptions(fn, options, TRACE_OPTIONS);
    const temperature = checkTemperature(fn, o.temperature);
    const input = vector(fn, 'logits', logits, 'logits');
    const C = input.length;
    let target = -1;
    if (o.target !== undefined) {
      checkNumber(fn, 'target', o.target);
      if (!Number.isInteger(o.target) || o.target < 0 || o.target >= C)
        throw rangeError(fn, 'target', `is ${show(o.target)}, not a class index in [0, ${C})`);
      target = o.target;
    }
    const eps = checkUnit(fn, 'labelSmoothing', o.labelSmoothing, 0);
    const withSampling = ['topK', 'topP', 'minP', 'repetitionPenalty', 'history', 'temperatureLast']
      .some((key) => o[key] !== undefined);
    const s = samplingArgs(fn, o, C, temperature);
    const outPtr = reserve(fn, 'out', 8 * C * 4);
    const keptPtr = reserve(fn, 'aux', Math.max(C, 20));
    const scalarsPtr = reserve(fn, 'scalars', 8 * 4);
    const ctx = { rows: 1, classes: C, temperature, original: originalOf(input.source) };
    const code = mod._trace(input.ptr, C, temperature, target, eps, withSampling, s.topK, s.topP, s.minP, s.penalty,
      s.historyPtr, s.historyLength, s.temperatureLast, outPtr, keptPtr, scalarsPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    const at = (k) => floats(outPtr + k * C * 4, C);
    const scalars = floats(scalarsPtr, 5);
    const result = {
      logits: Float32Array.from(input.source instanceof LabBuffer ? input.source.array : input.source),
      temperature,
      scaled: at(0),
      max: scalars[0],
      shifted: at(1),
      exp: at(2),
      sum: scalars[1],
      probabilities: at(3),
      logProbabilities: at(4),
      logSumExp: scalars[2],
      entropy: scalars[3],
    };
    if (target >= 0) {
      result.target = target;
      result.loss = scalars[4];
      result.gradient = at(5);
    }
    if (withSampling) {
      const mask = mod.HEAPU8.subarray(keptPtr, keptPtr + C);
      const kept = [];
      for (let c = 0; c < C; ++c) if (mask[c]) kept.push(c);
      result.kept = Int32Array.from(kept);
      result.keptProbabilities = at(6);
    }
    return result;
  }

  return Object.freeze({
    simd,
    version,
    get memoryBytes() {
      return mod.HEAPU8.buffer.byteLength;
    },
    alloc,
    softmax: (logits, options) => elementwise('softmax', logits, options,
      (input, rows, t, outPtr) => mod._softmax(input.ptr, input.length, rows, t, outPtr)),
    logSoftmax: (logits, options) => elementwise('logSoftmax', logits, options,
      (input, rows, t, outPtr) => mod._logSoftmax(input.ptr, input.length, rows, t, outPtr)),
    logSumExp: (logits, options) => perRow('logSumExp', logits, options, mod._logSumExp),
    entropy: (logits, options) => perRow('entropy', logits, options, mod._entropy),
    crossEntropy,
    crossEntropyGrad,
    topK,
    sample,
    fitTemperature,
    trace,
  });
}
