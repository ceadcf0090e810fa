// The JavaScript face of the core: argument checks with the errors of API.md, marshalling into WebAssembly memory
// (typed arrays copied once, `alloc` buffers never), and results copied out so no view of WebAssembly memory that
// growth could detach ever reaches the caller. The math is all in the core (src/core), reached through Embind.
import { coreError, rangeError, show, typeError } from './errors.js';

const REDUCTIONS = { mean: 0, sum: 1, none: 2 };
const MAX_BYTES = 2 ** 32 - 2 ** 17;  // what 32-bit WebAssembly memory could ever hold, minus headroom
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
const FLOAT32_MAX = 3.4028234663852886e38;

// A snapshot of the options: each known option read once, in a fixed order, before any data enters WebAssembly
// memory, so a getter (even one that calls back into the lab) cannot change an argument halfway through a call.
function checkOptions(fn, options, allowed) {
  const snapshot = {};
  if (options === undefined || options === null) return snapshot;
  if (typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options))
    throw typeError(fn, 'options', 'an object', options);
  for (const key of Object.keys(options))
    if (!allowed.includes(key))
      throw new TypeError(`logitlab.${fn}: unknown option ${JSON.stringify(key)}; known options: ${allowed.join(', ')}`);
  for (const key of allowed) snapshot[key] = options[key];
  return snapshot;
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
    const size = Math.min(Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1)))), MAX_BYTES);
    const ptr = mod._malloc(size);
    if (!ptr) {
      throw rangeError(fn, role, `needs ${bytes} bytes of WebAssembly memory and the browser or Node would not ` +
        'grow memory that far');
    }
    if (slot) mod._free(slot.ptr);
    slots.set(role, { ptr, bytes: size });
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

  // Reading the caller's data happens in two steps: `prepare*` reads and checks it in JavaScript (each entry of a
  // plain array read once), `marshal` then copies it into WebAssembly memory. Every argument of a call is prepared
  // before any is marshalled, so nothing the caller's code runs in between can overwrite the scratch areas.

  // A vector argument: { buffer, ptr, length } for an alloc buffer, { data, length } otherwise.
  function prepareVector(fn, name, x) {
    const own = ownBuffer(fn, name, x);
    if (own) return { buffer: x, ptr: own, length: x.length };
    let data;
    if (isFloatArray(x)) {
      if (x.length === 0 && isDetached(x))
        throw new TypeError(`logitlab.${fn}: ${name} is a ${x.constructor.name} over a detached ArrayBuffer`);
      data = x;
    } else if (Array.isArray(x)) {
      data = new Float64Array(x.length);
      for (let i = 0; i < x.length; ++i) {
        const v = x[i];
        if (typeof v !== 'number') throw typeError(fn, `${name}[${i}]`, 'a number', v);
        data[i] = v;
      }
    } else {
      throw typeError(fn, name, 'a Float32Array, a Float64Array, an array of numbers or a lab.alloc buffer', x);
    }
    if (data.length === 0) throw rangeError(fn, name, 'is empty: give at least one value');
    if (data.length * 4 > MAX_BYTES) throw rangeError(fn, name, `has ${data.length} values, more than 32-bit WebAssembly memory can hold`);
    return { data, length: data.length };
  }

  // Class indices as an Int32Array: a number, an array or an Int32Array. Plain values are range-checked here, where
  // they are still exact (2**32 + 1 must not wrap to 1).
  function prepareIndices(fn, name, x, classes, ignore, single = false) {
    if (x instanceof Int32Array) {
      if (x.length === 0 && isDetached(x)) throw new TypeError(`logitlab.${fn}: ${name} is an Int32Array over a detached ArrayBuffer`);
      return x;
    }
    const list = typeof x === 'number' ? [x] : x;
    const result = new Int32Array(list.length);
    for (let i = 0; i < list.length; ++i) {
      const v = list[i];
      const what = single ? name : `${name}[${i}]`;
      if (typeof v !== 'number') throw typeError(fn, what, 'an integer class index', v);
      if (!Number.isInteger(v)) throw rangeError(fn, what, `must be an integer class index, got ${show(v)}`);
      if (v !== ignore && (v < 0 || v >= classes))
        throw rangeError(fn, what, `is ${show(v)}, outside [0, ${classes})${ignore === undefined ? '' : ` (and not ignoreIndex ${ignore})`}`);
      result[i] = v;
    }
    return result;
  }

  function marshal(fn, prepared, role) {
    if (prepared.buffer) return { ptr: prepared.ptr, length: prepared.length, owned: true };
    const ptr = reserve(fn, role, prepared.length * 4);
    mod.HEAPF32.set(prepared.data, ptr >>> 2);
    return { ptr, length: prepared.length, owned: false };
  }

  function marshalIndices(fn, list, role) {
    const ptr = reserve(fn, role, Math.max(1, list.length) * 4);
    mod.HEAP32.set(list, ptr >>> 2);
    return ptr;
  }

  // Where a result of `length` floats goes: the caller's `out` (checked), or null for a new Float32Array.
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

  // Copies of n floats (or ints) at ptr, in new typed arrays of their own. The constructor copies without the
  // zero-fill that `new` followed by `set` would pay.
  function floats(ptr, n) {
    return new Float32Array(mod.HEAPF32.subarray(ptr >>> 2, (ptr >>> 2) + n));
  }

  function ints(ptr, n) {
    return new Int32Array(mod.HEAP32.subarray(ptr >>> 2, (ptr >>> 2) + n));
  }

  // Writes a vector result: into the caller's `out`, or a new Float32Array.
  function deliver(out, ptr, n) {
    if (out instanceof LabBuffer) return out;
    if (out) {
      out.set(mod.HEAPF32.subarray(ptr >>> 2, (ptr >>> 2) + n));
      return out;
    }
    return floats(ptr, n);
  }

  function fail(fn, code, ctx) {
    return coreError(fn, code, mod._errorRow(), mod._errorIndex(), mod._errorValue(), ctx);
  }

  // What error messages need of the logits; `original` quotes the caller's own values.
  function context(prepared, rows, extra = {}) {
    const data = prepared.data;
    return {
      rows,
      classes: classesOf(prepared.length, rows),
      original: (i) => (data ? data[i] : undefined),
      ...extra,
    };
  }

  function classesOf(length, rows) {
    return Number.isInteger(length / rows) ? length / rows : 0;
  }

  // A layout error is found before any scratch is sized by `rows`.
  function checkLayout(fn, prepared, ctx) {
    if (ctx.classes === 0) throw coreError(fn, 3, 0, 0, prepared.length, ctx);
  }

  // A core function whose result has as many floats as the input: into `out`, in place, or into a new array.
  function elementwise(fn, logits, options, call) {
    const o = checkOptions(fn, options, ['temperature', 'rows', 'out']);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const prepared = prepareVector(fn, 'logits', logits);
    const ctx = context(prepared, rows, { temperature });
    checkLayout(fn, prepared, ctx);
    const out = checkOut(fn, o.out, prepared.length);
    const input = marshal(fn, prepared, 'logits');
    // Compute in the caller's alloc buffer when given, else in place in scratch (the core allows aliasing).
    let outPtr = input.ptr;
    if (out instanceof LabBuffer) outPtr = ownBuffer(fn, 'out', out);
    else if (input.owned) outPtr = reserve(fn, 'out', input.length * 4);
    const code = call(input.ptr, input.length, rows, temperature, outPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    return deliver(out, outPtr, input.length);
  }

  // A core function with one float per row.
  function perRow(fn, logits, options, call) {
    const o = checkOptions(fn, options, ['temperature', 'rows']);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const prepared = prepareVector(fn, 'logits', logits);
    const ctx = context(prepared, rows, { temperature });
    checkLayout(fn, prepared, ctx);
    const input = marshal(fn, prepared, 'logits');
    const outPtr = reserve(fn, 'out', rows * 4);
    const code = call(input.ptr, input.length, rows, temperature, outPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    return rows === 1 ? mod.HEAPF32[outPtr >>> 2] : floats(outPtr, rows);
  }

  // Targets: { indices } (Int32Array) or { soft } (a prepared vector of probabilities).
  function prepareTargets(fn, target, rows, ctx) {
    if (typeof target === 'number') {
      if (rows !== 1 && Number.isInteger(target))
        throw rangeError(fn, 'target', `must hold one class index per row: expected ${rows}, got a single number`);
      return { indices: prepareIndices(fn, 'target', target, ctx.classes, ctx.ignoreIndex, true) };
    }
    if (target instanceof Int32Array || Array.isArray(target)) {
      ctx.targetIsArray = true;
      const indices = prepareIndices(fn, 'target', target, ctx.classes, ctx.ignoreIndex);
      if (indices.length !== rows) throw coreError(fn, 8, 0, 0, indices.length, ctx);  // before anything is copied
      return { indices };
    }
    if (isFloatArray(target) || target instanceof LabBuffer) {
      const soft = prepareVector(fn, 'target', target);
      if (soft.length !== rows * ctx.classes) throw coreError(fn, 10, 0, 0, soft.length, ctx);
      return { soft };
    }
    throw typeError(fn, 'target', 'a class index, an Int32Array or array of class indices, or a Float32Array/Float64Array of probabilities', target);
  }

  function marshalTargets(fn, t) {
    if (t.soft) {
      const v = marshal(fn, t.soft, 'target');
      return { ptr: v.ptr, soft: 1, length: v.length };
    }
    return { ptr: marshalIndices(fn, t.indices, 'target'), soft: 0, length: t.indices.length };
  }

  function prepareWeights(fn, weight, classes) {
    if (weight === undefined) return null;
    if (!(isFloatArray(weight) || Array.isArray(weight) || weight instanceof LabBuffer))
      throw typeError(fn, 'weight', 'a Float32Array, a Float64Array, an array of numbers or a lab.alloc buffer', weight);
    if (weight.length === 0 && !isDetached(weight)) throw rangeError(fn, 'weight', 'must have one entry per class, got 0');
    const prepared = prepareVector(fn, 'weight', weight);
    if (prepared.length !== classes) throw coreError(fn, 14, 0, 0, prepared.length, { classes });
    return prepared;
  }

  const CE_OPTIONS = ['temperature', 'rows', 'reduction', 'labelSmoothing', 'ignoreIndex', 'weight'];

  function crossEntropyArgs(fn, logits, target, options, extra) {
    const o = checkOptions(fn, options, [...CE_OPTIONS, ...extra]);
    const temperature = checkTemperature(fn, o.temperature);
    const rows = checkRows(fn, o.rows);
    const reduction = o.reduction === undefined ? 'mean' : o.reduction;
    if (typeof reduction !== 'string') throw typeError(fn, 'reduction', "'mean', 'sum' or 'none'", reduction);
    if (!Object.hasOwn(REDUCTIONS, reduction))
      throw rangeError(fn, 'reduction', `must be 'mean', 'sum' or 'none', got ${show(reduction)}`);
    const eps = checkUnit(fn, 'labelSmoothing', o.labelSmoothing, 0);
    const ignoreIndex = checkInteger(fn, 'ignoreIndex', o.ignoreIndex, -100, -(2 ** 31), 2 ** 31 - 1, 'a 32-bit integer');
    const prepared = prepareVector(fn, 'logits', logits);
    const ctx = context(prepared, rows, { temperature, ignoreIndex });
    checkLayout(fn, prepared, ctx);
    const weight = prepareWeights(fn, o.weight, ctx.classes);
    const targets = prepareTargets(fn, target, rows, ctx);
    const out = extra.includes('out') ? checkOut(fn, o.out, prepared.length) : null;
    // Everything read and checked: now into WebAssembly memory.
    const input = marshal(fn, prepared, 'logits');
    const w = weight ? marshal(fn, weight, 'weight') : { ptr: 0, length: 0 };
    const t = marshalTargets(fn, targets);
    return { temperature, rows, reduction, eps, ignoreIndex, input, ctx, w, t, out };
  }

  function crossEntropy(logits, target, options) {
    const fn = 'crossEntropy';
    const a = crossEntropyArgs(fn, logits, target, options, []);
    const count = a.reduction === 'none' ? a.rows : 1;
    const outPtr = reserve(fn, 'out', count * 4);
    const code = mod._crossEntropy(a.input.ptr, a.input.length, a.rows, a.temperature, a.t.ptr, a.t.soft, a.t.length,
      REDUCTIONS[a.reduction], a.eps, a.ignoreIndex, a.w.ptr, a.w.length, outPtr, count);
    if (code !== 0) throw fail(fn, code, a.ctx);
    return a.reduction === 'none' ? floats(outPtr, count) : mod.HEAPF32[outPtr >>> 2];
  }

  function crossEntropyGrad(logits, target, options) {
    const fn = 'crossEntropyGrad';
    const a = crossEntropyArgs(fn, logits, target, options, ['out']);
    let outPtr = a.input.ptr;
    if (a.out instanceof LabBuffer) outPtr = ownBuffer(fn, 'out', a.out);
    else if (a.input.owned) outPtr = reserve(fn, 'out', a.input.length * 4);
    const code = mod._crossEntropyGrad(a.input.ptr, a.input.length, a.rows, a.temperature, a.t.ptr, a.t.soft,
      a.t.length, REDUCTIONS[a.reduction], a.eps, a.ignoreIndex, a.w.ptr, a.w.length, outPtr);
    if (code !== 0) throw fail(fn, code, a.ctx);
    return deliver(a.out, outPtr, a.input.length);
  }

  function topK(logits, k) {
    const fn = 'topK';
    const prepared = prepareVector(fn, 'logits', logits);
    checkNumber(fn, 'k', k);
    if (!Number.isInteger(k) || k < 0 || k > prepared.length)
      throw rangeError(fn, 'k', `must be an integer in [0, ${prepared.length}], got ${show(k)}`);
    const input = marshal(fn, prepared, 'logits');
    const indicesPtr = reserve(fn, 'out', Math.max(1, k) * 4);
    const valuesPtr = reserve(fn, 'aux', Math.max(1, k) * 4);
    const code = mod._topK(input.ptr, input.length, k, indicesPtr, valuesPtr);
    if (code !== 0) throw fail(fn, code, context(prepared, 1));
    return { indices: ints(indicesPtr, k), values: floats(valuesPtr, k) };
  }

  // The sampling filters, checked in JS for messages that quote the caller's values.
  function samplingArgs(fn, o, classes) {
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
    let tokens = prepareIndices(fn, 'history', history, classes);
    if (tokens === history) {
      // An Int32Array is range-checked here too, for a message that names the position.
      for (let i = 0; i < tokens.length; ++i)
        if (tokens[i] < 0 || tokens[i] >= classes)
          throw rangeError(fn, `history[${i}]`, `is ${tokens[i]}, outside [0, ${classes})`);
      tokens = Int32Array.from(tokens);
    }
    const temperatureLast = o.temperatureLast === undefined ? false : o.temperatureLast;
    if (typeof temperatureLast !== 'boolean') throw typeError(fn, 'temperatureLast', 'a boolean', temperatureLast);
    return { topK: topKValue, topP, minP, penalty, tokens, temperatureLast };
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
    const prepared = prepareVector(fn, 'logits', logits);
    const s = samplingArgs(fn, o, prepared.length);
    const input = marshal(fn, prepared, 'logits');
    const historyPtr = marshalIndices(fn, s.tokens, 'history');
    const outPtr = reserve(fn, 'out', 4);
    const code = mod._sample(input.ptr, input.length, temperature, s.topK, s.topP, s.minP, s.penalty, historyPtr,
      s.tokens.length, s.temperatureLast, seed, outPtr);
    if (code !== 0) throw fail(fn, code, context(prepared, 1, { temperature }));
    return mod.HEAP32[outPtr >>> 2];
  }

  function fitTemperature(logits, target, options) {
    const fn = 'fitTemperature';
    const o = checkOptions(fn, options, ['rows']);
    const rows = checkRows(fn, o.rows);
    const prepared = prepareVector(fn, 'logits', logits);
    const ctx = context(prepared, rows, { ignoreIndex: -100 });
    checkLayout(fn, prepared, ctx);
    const targets = prepareTargets(fn, target, rows, ctx);
    const input = marshal(fn, prepared, 'logits');
    const t = marshalTargets(fn, targets);
    const outPtr = reserve(fn, 'out', 4);
    const code = mod._fitTemperature(input.ptr, input.length, rows, t.ptr, t.soft, t.length, outPtr);
    if (code !== 0) throw fail(fn, code, ctx);
    return mod.HEAPF32[outPtr >>> 2];
  }

  const TRACE_OPTIONS = ['temperature', 'target', 'labelSmoothing', 'topK', 'topP', 'minP', 'repetitionPenalty',
    'history', 'temperatureLast', 'seed'];
  const SAMPLING_KEYS = ['topK', 'topP', 'minP', 'repetitionPenalty', 'history', 'temperatureLast'];

  function trace(logits, options) {
    const fn = 'trace';
    const o = checkOptions(fn, options, TRACE_OPTIONS);
    const temperature = checkTemperature(fn, o.temperature);
    const prepared = prepareVector(fn, 'logits', logits);
    const C = prepared.length;
    let target = -1;
    if (o.target !== undefined) {
      checkNumber(fn, 'target', o.target);
      if (!Number.isInteger(o.target) || o.target < 0 || o.target >= C)
        throw rangeError(fn, 'target', `is ${show(o.target)}, not a class index in [0, ${C})`);
      target = o.target;
    }
    const eps = checkUnit(fn, 'labelSmoothing', o.labelSmoothing, 0);
    const withSampling = SAMPLING_KEYS.some((key) => o[key] !== undefined);
    const s = samplingArgs(fn, o, C);
    const logitsCopy = prepared.buffer ? Float32Array.from(prepared.buffer.array) : Float32Array.from(prepared.data);
    const input = marshal(fn, prepared, 'logits');
    const historyPtr = marshalIndices(fn, s.tokens, 'history');
    const outPtr = reserve(fn, 'out', 8 * C * 4);
    const keptPtr = reserve(fn, 'aux', Math.max(C, 20));
    const scalarsPtr = reserve(fn, 'scalars', 8 * 4);
    const code = mod._trace(input.ptr, C, temperature, target, eps, withSampling, s.topK, s.topP, s.minP, s.penalty,
      historyPtr, s.tokens.length, s.temperatureLast, outPtr, keptPtr, scalarsPtr);
    if (code !== 0) throw fail(fn, code, context(prepared, 1, { temperature }));
    const at = (k) => floats(outPtr + k * C * 4, C);
    const scalars = floats(scalarsPtr, 5);
    const result = {
      logits: logitsCopy,
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
    softmax: (logits, options) => elementwise('softmax', logits, options, mod._softmax),
    logSoftmax: (logits, options) => elementwise('logSoftmax', logits, options, mod._logSoftmax),
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
