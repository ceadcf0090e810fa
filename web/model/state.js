// The one state object behind every view, and its round trip through a query string: every view is a shareable link,
// the sampling seed included. No DOM here: the same code reads location.search, embed parameters and the attributes of
// <logitlab-lesson>.

export const LESSON_IDS = ['logits', 'softmax', 'temperature', 'sampling', 'stability', 'cross-entropy', 'learning',
  'scale'];

// The parts of a lesson an embed may hide with hide=a,b (each lesson marks its sections with data-part).
export const PARTS = ['title', 'intro', 'editor', 'controls', 'formula', 'chart', 'table', 'readouts', 'questions',
  'notes', 'footer'];

export const LIMITS = {
  tokens: 16,
  label: 24,
  logit: 1e4,
  temperature: [0.01, 100],
  draws: 30000,
  lr: [0.001, 10],
  shift: [-120, 120],
};

// Rounds to `digits` significant digits: the values a user sees are the values in the state and in the link.
export function roundSignificant(x, digits) {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

const clamp = (x, [lo, hi]) => Math.min(hi, Math.max(lo, x));

function parseNumber(text) {
  const t = String(text).trim().toLowerCase().replace(/\u2212/g, '-');
  if (t === '-inf' || t === '-infinity' || t === '-\u221e') return -Infinity;
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

// A list of logits as a user would type or paste it: commas, spaces, semicolons or new lines between numbers; −∞ as
// -inf. Returns { values } or { error } naming the first entry that is not a number.
export function parseLogitList(text) {
  const items = String(text).split(/[\s,;]+/).filter((s) => s !== '' && s !== '[' && s !== ']')
    .map((s) => s.replace(/^\[|\]$/g, ''));
  if (items.length === 0) return { error: 'give at least one number' };
  if (items.length > LIMITS.tokens) return { error: `at most ${LIMITS.tokens} tokens here (you gave ${items.length})` };
  const values = [];
  for (let i = 0; i < items.length; ++i) {
    const v = parseNumber(items[i]);
    if (Number.isNaN(v) || v === Infinity) return { error: `entry ${i + 1} ("${items[i]}") is not a number` };
    if (Math.abs(v) > LIMITS.logit && v !== -Infinity)
      return { error: `entry ${i + 1} (${items[i]}) is too large for this page (keep |z| ≤ ${LIMITS.logit})` };
    values.push(roundSignificant(v, 6));
  }
  return { values };
}

export function parseLabelList(text) {
  return String(text).split(',').map((s) => s.trim().slice(0, LIMITS.label)).filter((s) => s !== '');
}

// Labels matched to the logits: missing ones are named after their position, extra ones dropped.
export function fitLabels(labels, count) {
  const out = labels.slice(0, count);
  for (let i = out.length; i < count; ++i) out.push(`token ${i + 1}`);
  return out;
}

function splitRaw(value) {
  return value.split(',').map((item) => {
    try {
      return decodeURIComponent(item);
    } catch {
      return item;
    }
  });
}

function integer(text, lo, hi) {
  const v = parseNumber(text);
  return Number.isInteger(v) && v >= lo && v <= hi ? v : undefined;
}

function real(text, lo, hi, { openLow = false } = {}) {
  const v = parseNumber(text);
  if (!Number.isFinite(v) || v > hi || (openLow ? v <= lo : v < lo)) return undefined;
  return v;
}

const number = (v) => (v === -Infinity ? '-inf' : String(v));
const encodeList = (items) => items.map((x) => encodeURIComponent(x)).join(',');
const tokenCount = (s) => s.logits.length;

// Every field of the state, once: its key, its name in a link (and as a <logitlab-lesson> attribute), its initial
// value, how a link's raw text is read (undefined: ignored and reported), how it is kept consistent with the rest of
// the state (fit), and how it is written back (write; fields equal to their initial value are left out of links).
// Adding a link parameter is one row here. Fields are read in this order: later rows may use earlier ones (C).
export const FIELDS = [
  { key: 'lesson', name: 'lesson', initial: '',
    parse: (raw) => (LESSON_IDS.includes(raw) ? raw : undefined), always: true },
  { key: 'logits', name: 'logits', initial: [2, 1, 0.1, 0.6, -0.8, -2], list: true,
    parse(raw) {
      const parsed = parseLogitList(splitRaw(raw).join(','));
      return parsed.values && parsed.values.some((v) => v !== -Infinity) ? parsed.values : undefined;
    },
    fit: (v) => v.map((z) => (z === -Infinity ? z : roundSignificant(z, 6))),
    write: (v) => v.map(number).join(',') },
  { key: 'labels', name: 'labels', initial: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], list: true,
    parse(raw) {
      const labels = splitRaw(raw).map((x) => x.trim().slice(0, LIMITS.label));
      return labels.length > 0 && labels.length <= LIMITS.tokens ? labels : undefined;
    },
    fit: (v, s) => fitLabels(v, tokenCount(s)),
    // Labels are compared with the initial ones cut or padded to the logits' length.
    differs: (v, s, base) => !sameList(v, fitLabels(base.labels, tokenCount(s))),
    write: (v) => encodeList(v) },
  { key: 'temperature', name: 'temperature', initial: 1,
    parse: (raw) => {
      const t = real(raw, ...LIMITS.temperature);
      return t === undefined ? undefined : roundSignificant(t, 3);
    },
    fit: (v) => roundSignificant(clamp(v, LIMITS.temperature), 3) },
  { key: 'seed', name: 'seed', initial: 42, parse: (raw) => integer(raw, 0, 2 ** 32 - 1) },
  { key: 'draws', name: 'draws', initial: 0, parse: (raw) => integer(raw, 0, LIMITS.draws) },
  { key: 'topK', name: 'topk', initial: 0, parse: (raw, s) => integer(raw, 0, tokenCount(s)),
    fit: (v, s) => Math.min(v, tokenCount(s)) },
  { key: 'topP', name: 'topp', initial: 1, parse: (raw) => real(raw, 0, 1, { openLow: true }) },
  { key: 'minP', name: 'minp', initial: 0, parse: (raw) => real(raw, 0, 1) },
  { key: 'target', name: 'target', initial: 0, parse: (raw, s) => integer(raw, 0, tokenCount(s) - 1),
    fit: (v, s) => Math.min(v, tokenCount(s) - 1) },
  { key: 'focus', name: 'focus', initial: 0, parse: (raw, s) => integer(raw, 0, tokenCount(s) - 1),
    fit: (v, s) => Math.min(v, tokenCount(s) - 1) },
  { key: 'smoothing', name: 'smoothing', initial: 0, parse: (raw) => real(raw, 0, 1) },
  { key: 'lr', name: 'lr', initial: 0.5, parse: (raw) => real(raw, ...LIMITS.lr) },
  { key: 'shift', name: 'shift', initial: 0, parse: (raw) => real(raw, ...LIMITS.shift) },
  { key: 'temperatureLast', name: 'order', initial: false,
    parse: (raw) => (raw === 'last' ? true : raw === 'first' ? false : undefined),
    write: (v) => (v ? 'last' : 'first') },
  { key: 'mask', name: 'mask', initial: [], list: true,
    parse(raw, s) {
      const mask = raw === '' ? [] : raw.split(',').map((x) => integer(x, 0, tokenCount(s) - 1));
      return mask.includes(undefined) ? undefined : [...new Set(mask)].sort((a, b) => a - b);
    },
    fit: (v, s) => v.filter((i) => i < tokenCount(s)),
    write: (v) => v.join(',') },
  // Unknown parts are reported; the known ones are kept.
  { key: 'hide', name: 'hide', initial: [], list: true,
    parse(raw, s, problems) {
      const hide = raw === '' ? [] : raw.split(',').map((x) => x.trim());
      const unknown = hide.filter((p) => !PARTS.includes(p));
      if (unknown.length) problems.push(`hide=${unknown.join(',')} (known parts: ${PARTS.join(', ')})`);
      return hide.filter((p) => PARTS.includes(p));
    },
    write: (v) => v.join(',') },
];

// The names a link (or an element's attributes) may use.
export const FIELD_NAMES = FIELDS.map((f) => f.name);

export function defaults() {
  return Object.fromEntries(FIELDS.map((f) => [f.key, Array.isArray(f.initial) ? [...f.initial] : f.initial]));
}

// Reads a record of raw (still percent-encoded inside comma lists) string values into a normalised state; anything
// missing or invalid keeps its default. `problems` lists what was ignored, for a notice.
export function stateFromRecord(record, base = defaults()) {
  const state = { ...base };
  const problems = [];
  for (const f of FIELDS) {
    const raw = record[f.name];
    if (raw === undefined) continue;
    const value = f.parse(raw, state, problems);
    if (value === undefined) problems.push(`${f.name}=${raw}`);
    else state[f.key] = value;
    if (f.key === 'labels' && record.logits === undefined && state.labels.length !== state.logits.length) {
      // Labels alone: keep the default logits for as many tokens as there are labels.
      state.logits = fitLength(base.logits, state.labels.length);
    }
    if (f.key === 'labels' || f.key === 'logits') state.labels = fitLabels(state.labels, state.logits.length);
  }
  return { state: normalise(state), problems };
}

function fitLength(values, n) {
  const out = values.slice(0, n);
  while (out.length < n) out.push(0);
  return out;
}

// Keeps the state self-consistent after any change: indices in range, labels matched to logits. Fields outside the
// table (a lesson's answers) pass through untouched.
export function normalise(state) {
  const s = { ...state };
  for (const f of FIELDS) if (f.fit && s[f.key] !== undefined) s[f.key] = f.fit(s[f.key], s);
  return s;
}

// The query string ("?a=b&..." or "") for a state, naming only what differs from the defaults, so links stay short.
// A lesson id is always written when set.
export function toQuery(state, base = defaults()) {
  const parts = [];
  for (const f of FIELDS) {
    const v = state[f.key];
    const differs = f.always ? Boolean(v) : f.differs ? f.differs(v, state, base)
      : f.list ? !sameList(v, base[f.key]) : v !== base[f.key];
    if (differs) parts.push(`${f.name}=${f.write ? f.write(v, state) : number(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// location.search (or any "?a=b&c=d") into the raw record stateFromRecord reads. Comma lists stay encoded so a label
// may contain a comma (written %2C).
export function recordFromQuery(search) {
  const record = {};
  const text = search.startsWith('?') ? search.slice(1) : search;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const key = safeDecode(at < 0 ? pair : pair.slice(0, at));
    const raw = at < 0 ? '' : pair.slice(at + 1).replace(/\+/g, ' ');
    // Decode everything except the separators of comma lists: %2C inside an item stays an item's comma.
    record[key] = raw.split(',').map(safeDecode).map((s) => s.replace(/%/g, '%25').replace(/,/g, '%2C')).join(',');
  }
  return record;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function stateFromQuery(search, base) {
  return stateFromRecord(recordFromQuery(search), base);
}
