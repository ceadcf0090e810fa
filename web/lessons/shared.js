// Small pieces several lessons share: probability rows for a bar chart, and the article's example vocabulary.
import { formatNumber, formatProbability, formatShare } from '../ui/format.js';

export const ARTICLE_EXAMPLE = { labels: ['cat', 'dog', 'apple'], logits: [12.4, -3.2, 0.1] };
export const CLOSE_CALL = { labels: ['cat', 'dog', 'apple'], logits: [2, 1, 0.1] };

// Rows for barChart from probabilities computed by the module.
export function probabilityRows(state, probabilities, { tone = () => undefined, extra = () => ({}) } = {}) {
  return state.labels.map((label, i) => ({
    label,
    value: probabilities[i],
    valueText: formatProbability(probabilities[i]),
    tone: tone(i),
    cells: { token: label, logit: state.logits[i], p: probabilities[i], ...extra(i) },
  }));
}

export const PROBABILITY_COLUMNS = [
  { key: 'token', header: 'Token' },
  { key: 'logit', header: 'Logit z', numeric: true, format: (v) => formatNumber(v, 3) },
  { key: 'p', header: 'Probability', numeric: true, format: formatProbability },
];

export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; ++i) if (values[i] > values[best]) best = i;
  return best;
}

export function maxAbsDifference(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; ++i) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

// The token names as a reader would list them: “cat”, “dog” and “apple”.
export function listTokens(labels) {
  const q = labels.map((l) => `“${l}”`);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

// A temperature as the state holds it (at most 3 significant digits; doubled or halved, 4): every digit, nothing
// invented or dropped (formatNumber(0.0123, 3) would print 0.012).
export const formatTemperature = (t) => String(Number(t.toPrecision(4)));

// A probability from the module, for a token whose logit is z (format.js's formatShare: below float's normal range it
// is written as a bound, never as an exact 0, unless the token is masked).
export const probabilityText = (p, z) => formatShare(p, { masked: z === -Infinity });

// A number typed or carried by a link (top-p 0.086, min-p 0.35) with every digit it has.
export const formatPlain = (x) => String(Number(x.toPrecision(6)));
