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
