// How numbers are written on the page. Formatting only: every value formatted here was computed by the logitlab
// module (or is an input the learner typed).

const MINUS = '\u2212';
const SUPERSCRIPT = { '-': '\u207b', 0: '\u2070', 1: '\u00b9', 2: '\u00b2', 3: '\u00b3', 4: '\u2074', 5: '\u2075',
  6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };

function signed(text) {
  return text.replace(/^-/, MINUS);
}

// A plain number with up to `digits` decimals, trailing zeros dropped; ∞, −∞ and NaN spelled out as JavaScript does.
export function formatNumber(x, digits = 3) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return `${MINUS}\u221e`;
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return formatScientific(x, 2);
  if (Math.abs(x) >= 1e7) return formatScientific(x, 3);
  const text = x.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return signed(text === '-0' ? '0' : text);
}

// Scientific notation as a reader writes it: 2.4 × 10⁵.
export function formatScientific(x, significant = 2) {
  if (!Number.isFinite(x)) return formatNumber(x);
  if (x === 0) return '0';
  const [mantissa, exponent] = x.toExponential(significant - 1).split('e');
  const power = [...String(Number(exponent))].map((c) => SUPERSCRIPT[c]).join('');
  return `${signed(mantissa)} \u00d7 10${power}`;
}

// A probability as a percentage; tiny ones in scientific notation rather than a misleading 0.0%.
export function formatProbability(p) {
  if (Number.isNaN(p)) return 'NaN';
  if (p === 0) return '0%';
  if (p > 0.9995 && p < 1) return `${nearOne(p * 100, 100)}%`;
  if (p >= 0.0995) return `${(p * 100).toFixed(1)}%`;
  if (p >= 0.00095) return `${(p * 100).toFixed(2)}%`;
  return formatScientific(p, 2);
}

// Probabilities as decimals, for formulas (0.659, 0.0000046).
export function formatDecimal(p, significant = 3) {
  if (!Number.isFinite(p)) return formatNumber(p);
  if (p === 0) return '0';
  if (p > 0.99 && p < 1) return nearOne(p, 1, significant);
  if (Math.abs(p) >= 1e-6 && Math.abs(p) < 1e7) {
    const text = Number(p.toPrecision(significant)).toString();
    if (!text.includes('e')) return signed(text);
  }
  return formatScientific(p, significant);
}

// A value just below `top` with enough digits not to round up to it: 0.999995 rather than 1.
function nearOne(x, top, significant = 3) {
  for (let d = significant; d < 10; ++d) {
    const text = x.toPrecision(d);
    if (Number(text) !== top) return text;
  }
  return x.toPrecision(10);
}

export function formatCount(n) {
  return n.toLocaleString('en-US');
}

// A duration in milliseconds, in the unit that reads best.
export function formatDuration(ms) {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} \u00b5s`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

export function formatSigned(x, digits = 3) {
  const text = formatNumber(x, digits);
  return x > 0 ? `+${text}` : text;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers that must read at one precision side by side (the softmax steps, lists and formulas).

// The smallest normal float32, 2⁻¹²⁶ ≈ 1.18 × 10⁻³⁸. The module's exp flushes anything smaller to 0 (and a float32
// below it has lost digits), so such a value is printed as a bound, never as an exact 0.
export const FLOAT32_MIN_NORMAL = 2 ** -126;

// float32 holds about 7 significant digits: no value computed by the module is printed with more.
const FLOAT32_DIGITS = 7;

// A value at `significant` digits that keeps its trailing zeros ("0.1500", so it never looks shorter than its
// neighbours or exact); a value the float holds as a short decimal (an input such as −1.9, or 200, or 0.5) prints as
// that decimal; a rounded value that would read as a whole number gets the digits that show it is not one (0.999995,
// 1.000005), up to float32's 7 digits; below 10⁻³ and from 10⁷ it is written 1.679 × 10⁻⁷ with the same digits, so a
// list never mixes "0.00000455" with "1.68 × 10⁻⁷" (no-break spaces keep "1.679 × 10⁻⁷" on one line). exact: false
// marks x as known to be inexact (the float rounded a true value away): it then never prints as a short decimal or
// whole number ("1.000", not "1"). error: an absolute bound on how far x may be from the value it stands for
// (float32 rounding, cancellation): no digit is printed finer than it supports ("0.0050", not "0.005005", for a
// difference of two scaled logits near 100).
export function formatDigits(x, significant = 4, { exact = true, error = 0 } = {}) {
  if (!Number.isFinite(x)) return formatNumber(x);
  if (x === 0) return exact ? '0' : '\u2248 0';
  const a = Math.abs(x);
  // With an error bound: no digit finer than the bound (half a unit of the last digit covers it).
  const finest = error > 0 ? Math.floor(-Math.log10(2 * error)) : Infinity;
  const magnitude = Math.floor(Math.log10(a));
  if (a < 1e-3 || a >= 1e7) {
    const digits = Math.min(significant, magnitude + 1 + finest);
    if (digits >= 1) return formatScientific(x, digits).replace(/ \u00d7 /, '\u00a0\u00d7\u00a0');
    return signed(x.toFixed(Math.max(0, finest)).replace(/^-(0\.?0*)$/, '$1'));
  }
  if (exact) {
    // Within two float32 units in the last place of a short decimal: that decimal (float32 arithmetic on −3.2 and
    // 12.4 gives −15.6000004, which is −15.6 as typed). The shortest such decimal wins; when the nearest one of
    // `significant` digits is not within reach, no shorter one is (the common case, tested once).
    const ulp = 2 ** (Math.floor(Math.log2(a)) - 23);
    if (Math.abs(Number(x.toPrecision(significant)) - x) <= 2 * ulp) {
      for (let d = 1; d <= significant; ++d) {
        const s = Number(x.toPrecision(d));
        const places = (String(s).split('.')[1] ?? '').length;
        if (Math.abs(s - x) <= 2 * ulp && places <= finest) return signed(String(s));
      }
    }
  }
  let decimals = Math.min(finest, Math.max(exact ? 0 : 1, significant - 1 - magnitude));
  if (decimals < 0) decimals = 0;
  let text = x.toFixed(decimals);
  // Rounded to a whole number although x is not one (by more than float32's rounding noise of a few units in the
  // last place): show the digits where it differs, as far as the error bound allows.
  const deviation = Math.abs(x - Math.round(x));
  while (Number.isInteger(Number(text)) && deviation > 4 * 2 ** -24 * a && decimals + magnitude + 1 < FLOAT32_DIGITS
    && decimals < finest) {
    decimals += 1;
    text = x.toFixed(decimals);
  }
  if (Number.isInteger(Number(text)) && decimals === 0 && !Number.isInteger(x) && finest >= 1) text = x.toFixed(1);
  if (text.charCodeAt(0) === 45 && Number(text) === 0) text = text.slice(1);  // "−0.000" reads as 0.000
  return signed(text);
}

// What a value below float32's normal range is printed as (the module's exp flushes it to 0, or it lost its digits):
// a bound that is true of the real value, never an exact 0 (10⁻³⁷ > 2⁻¹²⁶ ≈ 1.18 × 10⁻³⁸).
export const UNDERFLOW_TEXT = '<\u00a010\u207b\u00b3\u2077';

// A non-negative value computed by the module (an exp, a probability): formatDigits, except that a value below
// float32's normal range prints as UNDERFLOW_TEXT, unless it is the exact 0 of a masked token (masked: true).
export function formatComputed(x, significant = 4, { masked = false, exact = true, error = 0 } = {}) {
  if (masked && x === 0) return '0';
  if (Math.abs(x) < FLOAT32_MIN_NORMAL) return UNDERFLOW_TEXT;
  return formatDigits(x, significant, { exact, error });
}

// A probability as a percentage that never prints an underflowed value as an exact 0: "0%" only for a masked token
// (masked: true), UNDERFLOW_TEXT below float32's normal range, else as formatProbability.
export function formatShare(p, { masked = false } = {}) {
  if (p === 0 && masked) return '0%';
  if (Math.abs(p) < FLOAT32_MIN_NORMAL) return UNDERFLOW_TEXT;
  return formatProbability(p);
}

// A count that was rounded to a whole number, marked as such: "≈ 219,696".
export function formatRoundedCount(x) {
  return Number.isInteger(x) ? formatCount(x) : `\u2248 ${formatCount(Math.round(x))}`;
}

// How many times as likely a is as b, from two probabilities the module computed in float32 (rel: a bound on the
// ratio's relative error): "2.718", "≈ 219,696" while the bound keeps it within half a unit, else scientific notation
// with the digits the bound supports; "more than 10³⁷" when pb is below float32's normal range (1/pb > 8.5 × 10³⁷).
export function formatRatio(pa, pb, rel) {
  if (pb < FLOAT32_MIN_NORMAL) return 'more than 10\u00b3\u2077';
  const r = pa / pb;
  if (r < 100) return formatDigits(r, 4, { exact: false, error: r * rel });
  if (r < 1e6 && r * rel < 0.5) return formatRoundedCount(r);
  return formatScientific(r, Math.max(1, Math.min(4, Math.floor(-Math.log10(2 * rel))))).replace(/ \u00d7 /, '\u00a0\u00d7\u00a0');
}
