// Messages for bad input: every one names the function, the argument, the offending value and, for array entries, the
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

export function typeError(fn, what, expected, value) {
  return new TypeError(`logitlab.${fn}: ${what} must be ${expected}, got ${show(value)}`);
}

export function rangeError(fn, what, problem) {
  return new RangeError(`logitlab.${fn}: ${what} ${problem}`);
}

// The core's Error codes (src/core/status.hpp), turned into messages. `ctx` carries what JS knows: the arguments as
// the caller passed them, so the message quotes the caller's own values.
export function coreError(fn, code, row, index, value, ctx) {
  const at = ctx.rows > 1 ? ` (row ${row}, class ${index})` : '';
  const logitAt = ctx.rows > 1 ? row * ctx.classes + index : index;
  const r = (what, problem) => rangeError(fn, what, problem);
  switch (code) {
    case 1: return r('logits', 'is empty: give at least one logit');
    case 2: return r('rows', `must be a positive integer, got ${show(ctx.rows)}`);
    case 3: return r('rows', `must divide the number of logits: ${value} logits do not split into ${ctx.rows} rows`);
    case 4: return r('temperature', `must be a finite number > 0, got ${show(ctx.temperature)}`);
    case 5: return r(`logits[${logitAt}]`, `is NaN${at}; logits must be finite or -Infinity (a masked class)`);
    case 6: {
      const original = ctx.original?.(logitAt);
      const shown = original !== undefined && original !== Infinity ? `${show(original)}, beyond float32 range` : '+Infinity';
      return r(`logits[${logitAt}]`, `is ${shown}${at}; logits must be finite or -Infinity (a masked class)`);
    }
    case 7: return r(ctx.rows > 1 ? `logits row ${row}` : 'logits', 'is entirely -Infinity: at least one class must be unmasked');
    case 8: return r('target', `must hold one class index per row: expected ${ctx.rows}, got ${value}`);
    case 9: return r(ctx.rows > 1 || ctx.targetIsArray ? `target[${row}]` : 'target',
      `is ${value}, outside [0, ${ctx.classes}) (and not ignoreIndex ${ctx.ignoreIndex})`);
    case 10: return r('target', `(soft probabilities) must have rows * C = ${ctx.rows * ctx.classes} entries, got ${value}`);
    case 11: return r(`target[${row * ctx.classes + index}]`, `is ${show(value)}${ctx.rows > 1 ? ` (row ${row})` : ''}; soft target probabilities must be finite and >= 0`);
    case 12: return r(ctx.rows > 1 ? `target row ${row}` : 'target', `sums to ${value}; soft target probabilities must sum to 1 (within 1e-3)`);
    case 13: return r('labelSmoothing', `must be in [0, 1], got ${show(value)}`);
    case 14: return r('weight', `must have one entry per class (${ctx.classes}), got ${value}`);
    case 15: return r(`weight[${index}]`, `is ${show(value)}; class weights must be finite and >= 0`);
    case 16: return r('k', `must be an integer in [0, ${ctx.classes}], got ${show(value)}`);
    case 17: return r('topP', `must be in (0, 1], got ${show(value)}`);
    case 18: return r('minP', `must be in [0, 1], got ${show(value)}`);
    case 19: return r('repetitionPenalty', `must be a finite number > 0, got ${show(value)}`);
    case 20: return r(`history[${index}]`, `is ${value}, outside [0, ${ctx.classes})`);
    case 21: return r('out', `has the wrong length ${value}`);
    case 22: return r('reduction', `must be 'mean', 'sum' or 'none', got ${show(value)}`);
    default: return new Error(`logitlab.${fn}: internal error code ${code}`);
  }
}
