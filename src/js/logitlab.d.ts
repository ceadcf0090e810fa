// Types for logitlab, written by hand to match API.md; each declaration carries what a caller needs: defaults, units
// and the errors thrown. Every function validates its arguments: bad input throws (TypeError for a wrong type,
// RangeError for a bad value, the message naming the argument, the value and, for array entries, the index); nothing
// returns NaN silently and nothing in the caller's arrays is changed (except `out`).

/**
 * A new Float32Array the library allocated, over a plain (non-shared) ArrayBuffer of its own (safe to transfer).
 * Written this way so that TypeScript 5.7+ sees `Float32Array<ArrayBuffer>` (accepted by `new Blob([...])`,
 * `crypto.subtle`, WebGL, …) while older TypeScript sees `Float32Array`.
 */
export type Float32Result = ReturnType<Float32Array['slice']>;

/** An Int32Array the library allocated (see {@link Float32Result}). */
export type Int32Result = ReturnType<Int32Array['slice']>;

/**
 * A buffer in WebAssembly memory, from {@link LogitLab.alloc}. Passed as input or as `out`, nothing is copied across
 * the JS/WASM boundary. A buffer belongs to the lab that allocated it.
 */
export interface LabBuffer {
  /** Number of float32 elements. */
  readonly length: number;
  /**
   * A Float32Array view of the buffer, always current: when WebAssembly memory grows, the next read of `array` gives
   * a new view over the new memory. Do not keep the view across calls into the lab; read `array` again.
   * @throws {TypeError} when the buffer was freed.
   */
  readonly array: Float32Array;
  /**
   * Returns the memory to the lab. The buffer cannot be used afterwards.
   * @throws {TypeError} when the buffer was already freed.
   */
  free(): void;
}

/**
 * A vector of logits: a Float32Array, a Float64Array (converted to float32), an array of numbers, or a
 * {@link LabBuffer}. With `rows`, a flat row-major array of `rows * C` values: row `r` is `[r * C, (r + 1) * C)`.
 * Entries must be finite or `-Infinity` (a masked class, probability 0); NaN, `+Infinity`, values beyond float32 range
 * and rows that are entirely `-Infinity` throw a RangeError.
 */
export type Logits = Float32Array | Float64Array | readonly number[] | LabBuffer;

/** Where a vector result may be written: a Float32Array or a {@link LabBuffer} of the input's length. */
export type Out = Float32Array | LabBuffer;

/**
 * Cross-entropy targets:
 * - a class index (a `number`, when `rows` is 1);
 * - an Int32Array or an array of `rows` class indices (plain arrays are always indices);
 * - a Float32Array, Float64Array or {@link LabBuffer} of `rows * C` soft target probabilities, each row summing to 1
 *   within 1e-3, entries ≥ 0.
 *
 * A class index must be an integer in `[0, C)` or equal to `ignoreIndex`.
 */
export type Target = number | Int32Array | readonly number[] | Float32Array | Float64Array | LabBuffer;

/** How per-row losses are combined, as in PyTorch. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The result type of a per-row function: `number` for one row, a Float32Array of `rows` values otherwise. */
export type PerRow<R extends number> = number extends R ? number | Float32Result : R extends 1 ? number : Float32Result;

export interface TemperatureOption {
  /**
   * Temperature T: logits are divided by T before softmax (`softmax(z / T)`). Dimensionless; T < 1 sharpens, T > 1
   * flattens. Any finite number > 0; values beyond float32's normal range (about 1.2e-38 to 3.4e38) are clamped to
   * it, which gives the same result (argmax, or uniform).
   * @default 1
   * @throws {RangeError} when not finite and > 0. {TypeError} when not a number.
   */
  temperature?: number;
}

export interface RowsOption {
  /**
   * Number of rows the flat logits are split into (row-major); the number of classes is `logits.length / rows`.
   * A positive integer dividing `logits.length`.
   * @default 1
   * @throws {RangeError} when not a positive integer or not a divisor of the length.
   */
  rows?: number;
}

export interface OutOption {
  /**
   * Write the result here (a Float32Array or a `lab.alloc` buffer of the input's length) and return it. May be the
   * input itself (in place).
   * @throws {RangeError} on the wrong length. {TypeError} on another type, or a freed buffer.
   */
  out?: Out;
}

/** Options of `softmax` and `logSoftmax`. */
export interface SoftmaxOptions extends TemperatureOption, RowsOption, OutOption {}

/** Options of `logSumExp` and `entropy`. */
export interface RowReductionOptions extends TemperatureOption, RowsOption {}

/** Options of `crossEntropy`: the semantics of `torch.nn.functional.cross_entropy(logits / T, target, …)`. */
export interface CrossEntropyOptions extends TemperatureOption, RowsOption {
  /**
   * `'mean'`: the mean over rows whose target is not `ignoreIndex` (divided by the sum of their class weights when
   * `weight` is given; 0, not NaN, when every row is ignored). `'sum'`: the sum. `'none'`: one loss per row.
   * @default 'mean'
   * @throws {RangeError} for any other string. {TypeError} for a non-string.
   */
  reduction?: Reduction;
  /**
   * Label smoothing ε in [0, 1]: the target becomes `(1 − ε)·y + ε/C`.
   * @default 0
   * @throws {RangeError} outside [0, 1].
   */
  labelSmoothing?: number;
  /**
   * A class-index target equal to this is ignored: loss 0, gradient 0, not counted by `'mean'`. A 32-bit integer.
   * @default -100
   */
  ignoreIndex?: number;
  /**
   * Per-class weights (length C, entries finite and ≥ 0) scaling each class's term, as PyTorch's `weight`.
   * @throws {RangeError} when not of length C or with a negative entry.
   */
  weight?: Float32Array | Float64Array | readonly number[];
}

/** Options of `crossEntropyGrad`. */
export interface CrossEntropyGradOptions extends CrossEntropyOptions, OutOption {}

/** The sampling filters shared by `sample` and `trace`, applied in this order (unless `temperatureLast`). */
export interface SamplingFilters {
  /**
   * Keep only the k most likely tokens. An integer in [0, C]; 0 = off.
   * @default 0
   */
  topK?: number;
  /**
   * Nucleus sampling: keep the smallest set of most likely tokens whose probability reaches p. In (0, 1]; 1 = off.
   * @default 1
   */
  topP?: number;
  /**
   * Drop tokens whose probability is below `minP ×` the top probability. In [0, 1]; 0 = off.
   * @default 0
   */
  minP?: number;
  /**
   * Applied first to the logits of tokens in `history`: positive logits are divided by the penalty, negative ones
   * multiplied. A finite number > 0; 1 = off.
   * @default 1
   */
  repetitionPenalty?: number;
  /**
   * Token indices (each in [0, C)) that `repetitionPenalty` applies to.
   * @default []
   */
  history?: readonly number[] | Int32Array;
  /**
   * Apply temperature after the filters instead of before them (llama.cpp's order).
   * @default false
   */
  temperatureLast?: boolean;
}

/** Options of `sample`. */
export interface SampleOptions extends TemperatureOption, SamplingFilters {
  /**
   * An unsigned 32-bit integer. The same seed gives the same index on every platform and build; without a seed the
   * draw uses fresh randomness (`crypto.getRandomValues`).
   * @throws {RangeError} when not an integer in [0, 2^32 − 1].
   */
  seed?: number;
}

/** Options of `trace` (one row). Giving any sampling filter adds `kept` and `keptProbabilities` to the result. */
export interface TraceOptions extends TemperatureOption, SamplingFilters {
  /** A class index in [0, C): adds `target`, `loss` and `gradient` to the result. */
  target?: number;
  /**
   * Label smoothing ε in [0, 1] for the traced loss and gradient.
   * @default 0
   */
  labelSmoothing?: number;
  /** Accepted for symmetry with `sample`; `trace` draws nothing. */
  seed?: number;
}

/** Options of `fitTemperature`. */
export interface FitTemperatureOptions extends RowsOption {}

/** The result of `topK`, largest logit first; ties go to the lower index. */
export interface TopKResult {
  /** Class indices of the k largest logits. */
  indices: Int32Result;
  /** The logits themselves (not probabilities), as float32. */
  values: Float32Result;
}

/** Every intermediate of softmax (and cross-entropy, and the sampling filters) for one row of C logits. */
export interface Trace {
  /** The input logits z, as float32. */
  logits: Float32Result;
  /** The temperature T used. */
  temperature: number;
  /** z / T. */
  scaled: Float32Result;
  /** max(z / T), subtracted so that exp cannot overflow. */
  max: number;
  /** z / T − max (all ≤ 0). */
  shifted: Float32Result;
  /** exp(shifted), each in [0, 1]. */
  exp: Float32Result;
  /** Σ exp(shifted), ≥ 1. */
  sum: number;
  /** softmax(z / T) = exp / sum; sums to 1. */
  probabilities: Float32Result;
  /** log softmax(z / T) = shifted − log(sum), in nats. */
  logProbabilities: Float32Result;
  /** log Σ exp(z / T) = max + log(sum), natural log. */
  logSumExp: number;
  /** Entropy of `probabilities`, in nats. */
  entropy: number;
  /** With `target`: the target class index. */
  target?: number;
  /** With `target`: the cross-entropy loss, in nats (with `labelSmoothing` if given). */
  loss?: number;
  /** With `target`: d(loss)/d(logits) with respect to the raw logits, (p − y) / T. */
  gradient?: Float32Result;
  /** With a sampling filter: indices of the classes the filters keep, ascending. */
  kept?: Int32Result;
  /** With a sampling filter: the probabilities renormalised over `kept` (length C, 0 for dropped classes). */
  keptProbabilities?: Float32Result;
}

/** A {@link Trace} of a call with a `target`: `target`, `loss` and `gradient` are present. */
export interface TraceWithTarget extends Trace {
  target: number;
  loss: number;
  gradient: Float32Result;
}

/** A loaded instance of logitlab: its own WebAssembly memory, compiled code shared with every other lab. */
export interface LogitLab {
  /** True when the WebAssembly SIMD build is running, false for the scalar build. */
  readonly simd: boolean;
  /** The package version, e.g. `'0.1.0'`. */
  readonly version: string;
  /** Diagnostic: the current size of this lab's WebAssembly memory, in bytes (it grows as needed, never shrinks). */
  readonly memoryBytes: number;

  /**
   * A buffer of `length` float32 values in WebAssembly memory, zero-filled; pass it as input or `out` to copy nothing.
   * Call `free()` when done.
   * @param length a positive integer, in elements.
   * @throws {RangeError} when not a positive integer, or when memory cannot grow that far.
   *   {TypeError} when not a number.
   */
  alloc(length: number): LabBuffer;

  /**
   * softmax(z / T) of each row: probabilities in [0, 1] summing to 1 per row. `-Infinity` logits get probability 0.
   * @returns a new Float32Array of the input's length, or `out`.
   * @throws {TypeError} for a wrong argument type. {RangeError} for empty logits, NaN/+Infinity entries, an all
   *   −Infinity row, bad `temperature`/`rows`, or an `out` of the wrong length.
   * @example lab.softmax([1, 2, 3])  // Float32Array [0.0900, 0.2447, 0.6652]
   */
  softmax<O extends Out>(logits: Logits, options: SoftmaxOptions & { out: O }): O;
  softmax(logits: Logits, options?: SoftmaxOptions): Float32Result;

  /**
   * log softmax(z / T) of each row, in nats (≤ 0; `-Infinity` for masked classes). More accurate than
   * `Math.log(softmax(...))` for small probabilities.
   * @returns a new Float32Array of the input's length, or `out`.
   * @throws as {@link LogitLab.softmax}.
   * @example lab.logSoftmax([1, 2, 3])  // Float32Array [-2.4076, -1.4076, -0.4076]
   */
  logSoftmax<O extends Out>(logits: Logits, options: SoftmaxOptions & { out: O }): O;
  logSoftmax(logits: Logits, options?: SoftmaxOptions): Float32Result;

  /**
   * log Σ exp(z / T) of each row (natural log), computed without overflow.
   * @returns a number when `rows` is 1 (the default); a Float32Array of `rows` values otherwise. When `rows` is a
   *   variable of type `number`, the type is `number | Float32Array`: narrow with `typeof x === 'number'`.
   * @throws as {@link LogitLab.softmax}.
   * @example lab.logSumExp([1, 2, 3])  // 3.4076
   */
  logSumExp(logits: Logits, options?: RowReductionOptions & { rows?: 1 }): number;
  logSumExp<R extends number>(logits: Logits, options: RowReductionOptions & { rows: R }): PerRow<R>;

  /**
   * Entropy of softmax(z / T) of each row, in nats (divide by `Math.LN2` for bits); in [0, log C].
   * @returns a number when `rows` is 1 (the default); a Float32Array of `rows` values otherwise (see `logSumExp`).
   * @throws as {@link LogitLab.softmax}.
   * @example lab.entropy([0, 0, 0, 0])  // 1.3863 (= log 4)
   */
  entropy(logits: Logits, options?: RowReductionOptions & { rows?: 1 }): number;
  entropy<R extends number>(logits: Logits, options: RowReductionOptions & { rows: R }): PerRow<R>;

  /**
   * Cross-entropy of softmax(z / T) against `target`, in nats, as `torch.nn.functional.cross_entropy(logits / T,
   * target, reduction, label_smoothing, ignore_index, weight)`. A zero target probability contributes 0; a positive
   * target probability on a `-Infinity` class makes that row's loss `+Infinity`.
   * @returns a number for `'mean'` (the default) and `'sum'`; a Float32Array of `rows` losses for `'none'`.
   * @throws {RangeError} for a target index out of range or not an integer, the wrong number of targets, a bad soft
   *   target (length, negative entry, row sum not 1 within 1e-3), bad options, and everything `softmax` rejects.
   *   {TypeError} for wrong types.
   * @example lab.crossEntropy([1, 2, 3], 2)  // 0.4076 (= −log 0.6652)
   */
  crossEntropy(logits: Logits, target: Target, options?: CrossEntropyOptions & { reduction?: 'mean' | 'sum' }): number;
  crossEntropy(logits: Logits, target: Target, options: CrossEntropyOptions & { reduction: 'none' }): Float32Result;
  crossEntropy(logits: Logits, target: Target, options: CrossEntropyOptions): number | Float32Result;

  /**
   * The gradient of `crossEntropy` (same options) with respect to the raw logits z (so it includes the 1/T factor):
   * `(softmax(z / T) − y) / T`, scaled by the reduction. With `'none'`, row i holds the gradient of row i's own loss.
   * Ignored rows get 0.
   * @returns a new Float32Array of the logits' length, or `out`.
   * @throws as {@link LogitLab.crossEntropy}, and for a bad `out`.
   * @example lab.crossEntropyGrad([1, 2, 3], 2)  // Float32Array [0.0900, 0.2447, -0.3348]
   */
  crossEntropyGrad<O extends Out>(logits: Logits, target: Target, options: CrossEntropyGradOptions & { out: O }): O;
  crossEntropyGrad(logits: Logits, target: Target, options?: CrossEntropyGradOptions): Float32Result;

  /**
   * The k largest logits of a single row and their indices, largest first; ties go to the lower index.
   * @param k an integer in [0, logits.length].
   * @throws {RangeError} for k out of range, and for logits `softmax` rejects.
   * @example lab.topK([1, 3, 2], 2)  // { indices: Int32Array [1, 2], values: Float32Array [3, 2] }
   */
  topK(logits: Logits, k: number): TopKResult;

  /**
   * Draws one token index from a single row of logits: repetition penalty, temperature, top-k, top-p, min-p (see
   * {@link SamplingFilters}), then a draw. Deterministic with `seed`.
   * @returns an integer in [0, C).
   * @throws {RangeError} for filter values out of range, a `history` entry out of range, a bad `seed`, and for logits
   *   `softmax` rejects.
   * @example lab.sample(logits, { temperature: 0.8, topP: 0.95, seed: 42 })
   */
  sample(logits: Logits, options?: SampleOptions): number;

  /**
   * Temperature scaling (calibration): the T > 0 that minimises the mean cross-entropy of `softmax(logits / T)`
   * against `targets` over all rows, e.g. on a held-out set. Divide future logits by it (pass it as `temperature`).
   * The search covers T in [1e-3, 1e3]: when the loss keeps falling past an end, that end is returned; when the loss
   * does not depend on T (every row ignored, or flat logits), 1.
   * @param targets class indices (one per row; −100 rows are ignored) or soft probabilities, as in `crossEntropy`.
   * @returns T, dimensionless.
   * @throws as {@link LogitLab.crossEntropy}.
   * @example const T = lab.fitTemperature(validationLogits, validationLabels, { rows: n });
   */
  fitTemperature(logits: Logits, targets: Target, options?: FitTemperatureOptions): number;

  /**
   * Every intermediate of one row, for teaching and debugging: scaled logits, max, shifted, exp, sum, probabilities,
   * log-probabilities, logSumExp, entropy; with `target` the loss and gradient; with sampling filters the kept set
   * and renormalised probabilities. Computed by the same core as every other function.
   * @throws {RangeError} for a `target` outside [0, C), and for what `softmax` and `sample` reject.
   * @example lab.trace([1, 2, 3], { temperature: 2, target: 0, topK: 2 }).keptProbabilities
   */
  trace(logits: Logits, options: TraceOptions & { target: number }): TraceWithTarget;
  trace(logits: Logits, options?: TraceOptions): Trace;
}

/**
 * `WebAssembly.Module` when the project's types declare WebAssembly (lib "dom" or "webworker"); any object otherwise
 * (a Node project typed by @types/node alone has no WebAssembly namespace).
 */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: any) => infer M } }
  ? M : object;

/** `URL` when the project's types declare it (lib "dom", "webworker" or @types/node); otherwise return a string. */
export type UrlLike = typeof globalThis extends { URL: abstract new (...args: any) => infer U } ? U : never;

/** Options of {@link createLogitLab}. By default nothing needs setting. */
export interface CreateOptions {
  /**
   * Force the SIMD build (true) or the scalar build (false). Default: SIMD when the engine supports WebAssembly SIMD
   * (probed once with `WebAssembly.validate`).
   * @throws {Error} when `true` on an engine without WebAssembly SIMD.
   */
  simd?: boolean;
  /**
   * Where to load a `.wasm` file from, given its name (`'logitlab-simd.wasm'` or `'logitlab-scalar.wasm'`). Return a
   * URL (absolute or relative to the page) or, in Node, a `file:` URL or a file path. Default: the file beside the
   * module, `new URL(name, import.meta.url)`.
   */
  locateFile?: (name: 'logitlab-simd.wasm' | 'logitlab-scalar.wasm') => string | UrlLike;
  /**
   * The bytes of the `.wasm` file of the chosen build (set `simd` to say which build they are). Compiled on each call;
   * prefer `wasmModule` to share one compilation.
   */
  wasmBinary?: ArrayBuffer | ArrayBufferView;
  /** An already compiled module of the chosen build (set `simd` to say which). Takes precedence over the others. */
  wasmModule?: WasmModule;
}

/**
 * Loads logitlab and returns a new lab with its own WebAssembly memory. The `.wasm` of the chosen build is fetched (in
 * browsers and workers) or read from disk (in Node) and compiled once per page, worker or process: creating a second
 * lab reuses the compiled module.
 * @throws {TypeError} for an unknown option or one of the wrong type. {Error} when the `.wasm` cannot be loaded (the
 *   message names the URL and the HTTP status) or `simd: true` is unsupported. `WebAssembly.CompileError` for bytes
 *   that are not the module.
 * @example
 * import { createLogitLab } from 'logitlab';
 * const lab = await createLogitLab();
 * lab.softmax([1, 2, 3]);  // Float32Array [0.0900, 0.2447, 0.6652]
 */
export function createLogitLab(options?: CreateOptions): Promise<LogitLab>;

/** The package version, e.g. `'0.1.0'`. */
export const version: string;

export default createLogitLab;
