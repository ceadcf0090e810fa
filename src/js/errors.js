// The error vocabulary: every message of a bad argument, each written once. Problems the core can also report are keyed
// by the names of its Error codes (src/core/status.hpp, bound by name in src/bindings/bindings.cc), so a check in
// JavaScript and the same check in the core throw the same error; tests/js/errors-vocabulary.test.js holds the three
// lists together. Every message names the function, the argument, the offending value and, for array entries, the
// index (and row). TypeError for a wrong type, RangeError for a bad value, as API.md fixes.

export function show(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0';
    if (value === Infinity) return '+Infinity';
    return String(value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${value.length}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

const mustBe = (expected, value) => `must be ${expected}, got ${show(value)}`;

export function typeError(fn, what, expected, value) {
  return new TypeError(`logitlab.${fn}: ${what} ${mustBe(expected, value)}`);
}

export function rangeError(fn, what, problem) {
  return new RangeError(`logitlab.${fn}: ${what} ${problem}`);
}

// A value outside its allowed range: `must be <expected>, got <value>`.
export function outOfRange(fn, what, expected, value) {
  return rangeError(fn, what, mustBe(expected, value));
}

// More than WebAssembly memory holds: too much for 32-bit memory at all, or more than the engine would grow it to.
export function tooLarge(fn, what, amount) {
  return rangeError(fn, what, `(${amount}) is more than 32-bit WebAssembly memory can hold`);
}
export function noMemory(fn, what, amount) {
  return rangeError(fn, what, `(${amount}) needs more WebAssembly memory than the browser or Node would grow to`);
}

export const VECTOR = 'a Float32Array, a Float64Array, an array of numbers or a lab.alloc buffer';
export const REDUCTIONS = "'mean', 'sum' or 'none'";
export const POSITIVE_INTEGER = 'a positive integer';
const POSITIVE = 'a finite number > 0';
const FINITE_OR_MASKED = 'logits must be finite or -Infinity (a masked class)';
const outside = (value, classes) => `is ${show(value)}, outside [0, ${classes})`;
const inRow = (d) => (d.rows > 1 ? ` (row ${d.row})` : '');

// Each problem, by the name of the core's Error code: (detail) -> [what, problem]. `detail` holds what the check knows:
// the Status's row, index and value, and the call's rows, classes, temperature and ignoreIndex; `name` where the same
// problem can concern more than one argument; `data`, the caller's own logits.
export const PROBLEMS = Object.freeze({
  empty_logits: (d) => [d.name ?? 'logits', 'is empty: give at least one value'],
  rows_invalid: (d) => ['rows', mustBe(POSITIVE_INTEGER, d.value)],
  rows_mismatch: (d) => ['rows',
    `must divide the number of logits: ${d.value} logits do not split into ${d.rows} rows`],
  temperature_invalid: (d) => ['temperature', mustBe(POSITIVE, d.value)],
  logit_nan: (d) => [logitAt(d), `is NaN${classAt(d)}; ${FINITE_OR_MASKED}`],
  logit_pos_inf: (d) => {
    const original = d.data?.[flatIndex(d)];
    const shown = original !== undefined && original !== Infinity ? `${show(original)}, beyond float32 range`
      : '+Infinity';
    return [logitAt(d), `is ${shown}${classAt(d)}; ${FINITE_OR_MASKED}`];
  },
  row_all_masked: (d) => [d.rows > 1 ? `logits row ${d.row}` : 'logits',
    'is entirely -Infinity: at least one class must be unmasked'],
  target_count: (d) => ['target', `must hold one class index per row: expected ${d.rows}, got ${d.value}`],
  target_out_of_range: (d) => [d.name ?? (d.rows > 1 || d.targetIsArray ? `target[${d.row}]` : 'target'),
    outside(d.value, d.classes) + (d.ignoreIndex === undefined ? '' : ` (and not ignoreIndex ${d.ignoreIndex})`)],
  soft_target_length: (d) => ['target',
    `(soft probabilities) must have rows * C = ${d.rows * d.classes} entries, got ${d.value}`],
  soft_target_invalid: (d) => [`target[${d.row * d.classes + d.index}]`,
    `is ${show(d.value)}${inRow(d)}; soft target probabilities must be finite and >= 0`],
  soft_target_sum: (d) => [d.rows > 1 ? `target row ${d.row}` : 'target',
    `sums to ${d.value}; soft target probabilities must sum to 1 (within 1e-3)`],
  label_smoothing_invalid: (d) => ['labelSmoothing', mustBe('in [0, 1]', d.value)],
  weight_length: (d) => ['weight', `must have one entry per class (${d.classes}), got ${d.value}`],
  weight_invalid: (d) => [`weight[${d.index}]`, `is ${show(d.value)}; class weights must be finite and >= 0`],
  k_invalid: (d) => [d.name ?? 'k',
    mustBe(`an integer in [0, ${d.classes}]${d.name === 'topK' ? ' (0 = off)' : ''}`, d.value)],
  top_p_invalid: (d) => ['topP', mustBe('in (0, 1]', d.value)],
  min_p_invalid: (d) => ['minP', mustBe('in [0, 1]', d.value)],
  repetition_penalty_invalid: (d) => ['repetitionPenalty', mustBe(POSITIVE, d.value)],
  history_out_of_range: (d) => [`history[${d.index}]`, outside(d.value, d.classes)],
  out_length: (d) => ['out',
    d.expected === undefined ? `has the wrong length ${d.value}` : `must have length ${d.expected}, got ${d.value}`],
  reduction_invalid: (d) => ['reduction', mustBe(REDUCTIONS, d.value)],
});

// Where a logit error points: the flat index into the caller's logits, and (rows > 1) its row and class.
const flatIndex = (d) => (d.rows > 1 ? d.row * d.classes + d.index : d.index);
const logitAt = (d) => `logits[${flatIndex(d)}]`;
const classAt = (d) => (d.rows > 1 ? ` (row ${d.row}, class ${d.index})` : '');

// The RangeError for problem `code` (a name of PROBLEMS) in function `fn`.
export function failure(fn, code, detail) {
  const problem = PROBLEMS[code];
  if (!problem) return new Error(`logitlab.${fn}: internal error ${code}`);
  const [what, text] = problem(detail);
  return rangeError(fn, what, text);
}
