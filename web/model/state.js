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

export function defaults() {
  return {
    lesson: '',
    labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'],
    logits: [2, 1, 0.1, 0.6, -0.8, -2],
    temperature: 1,
    seed: 42,
    draws: 0,
    topK: 0,
    topP: 1,
    minP: 0,
    temperatureLast: false,
    target: 0,
    focus: 0,
    smoothing: 0,
    lr: 0.5,
    shift: 0,
    mask: [],
    hide: [],
  };
}

// Query-string names of the state's fields (the issue fixes lesson, logits, labels, hide).
const NAMES = {
  lesson: 'lesson', labels: 'labels', logits: 'logits', temperature: 'temperature', seed: 'seed', draws: 'draws',
  topK: 'topk', topP: 'topp', minP: 'minp', temperatureLast: 'order', target: 'target', focus: 'focus',
  smoothing: 'smoothing', lr: 'lr', shift: 'shift', mask: 'mask', hide: 'hide',
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

// Reads a record of raw (still percent-encoded inside comma lists) string values into a normalised state; anything
// missing or invalid keeps its default. `problems` lists what was ignored, for a notice.
export function stateFromRecord(record, base = defaults()) {
  const state = { ...base };
  const problems = [];
  const get = (key) => record[NAMES[key]];
  const set = (key, value) => {
    if (value === undefined) problems.push(`${NAMES[key]}=${get(key)}`);
    else state[key] = value;
  };
  if (get('lesson') !== undefined) set('lesson', LESSON_IDS.includes(get('lesson')) ? get('lesson') : undefined);
  if (get('logits') !== undefined) {
    const parsed = parseLogitList(splitRaw(get('logits')).join(','));
    const ok = parsed.values && parsed.values.some((v) => v !== -Infinity);
    set('logits', ok ? parsed.values : undefined);
  }
  if (get('labels') !== undefined) {
    const labels = splitRaw(get('labels')).map((s) => s.trim().slice(0, LIMITS.label));
    set('labels', labels.length > 0 && labels.length <= LIMITS.tokens ? labels : undefined);
    if (get('logits') === undefined && state.labels.length !== state.logits.length) {
      // Labels alone: keep the default logits for as many tokens as there are labels.
      state.logits = fitLength(base.logits, state.labels.length);
    }
  }
  state.labels = fitLabels(state.labels, state.logits.length);
  const C = state.logits.length;
  if (get('temperature') !== undefined) {
    const t = real(get('temperature'), ...LIMITS.temperature);
    set('temperature', t === undefined ? undefined : roundSignificant(t, 3));
  }
  if (get('seed') !== undefined) set('seed', integer(get('seed'), 0, 2 ** 32 - 1));
  if (get('draws') !== undefined) set('draws', integer(get('draws'), 0, LIMITS.draws));
  if (get('topK') !== undefined) set('topK', integer(get('topK'), 0, C));
  if (get('topP') !== undefined) set('topP', real(get('topP'), 0, 1, { openLow: true }));
  if (get('minP') !== undefined) set('minP', real(get('minP'), 0, 1));
  if (get('temperatureLast') !== undefined) {
    const order = get('temperatureLast');
    set('temperatureLast', order === 'last' ? true : order === 'first' ? false : undefined);
  }
  if (get('target') !== undefined) set('target', integer(get('target'), 0, C - 1));
  if (get('focus') !== undefined) set('focus', integer(get('focus'), 0, C - 1));
  if (get('smoothing') !== undefined) set('smoothing', real(get('smoothing'), 0, 1));
  if (get('lr') !== undefined) set('lr', real(get('lr'), ...LIMITS.lr));
  if (get('shift') !== undefined) set('shift', real(get('shift'), ...LIMITS.shift));
  if (get('mask') !== undefined) {
    const mask = get('mask') === '' ? [] : get('mask').split(',').map((s) => integer(s, 0, C - 1));
    set('mask', mask.includes(undefined) ? undefined : [...new Set(mask)].sort((a, b) => a - b));
  }
  if (get('hide') !== undefined) {
    const hide = get('hide') === '' ? [] : get('hide').split(',').map((s) => s.trim());
    const unknown = hide.filter((p) => !PARTS.includes(p));
    if (unknown.length) problems.push(`hide=${unknown.join(',')} (known parts: ${PARTS.join(', ')})`);
    state.hide = hide.filter((p) => PARTS.includes(p));
  }
  return { state: normalise(state), problems };
}

function fitLength(values, n) {
  const out = values.slice(0, n);
  while (out.length < n) out.push(0);
  return out;
}

// Keeps the state self-consistent after any change: indices in range, labels matched to logits.
export function normalise(state) {
  const s = { ...state };
  s.logits = s.logits.map((v) => (v === -Infinity ? v : roundSignificant(v, 6)));
  s.labels = fitLabels(s.labels, s.logits.length);
  const C = s.logits.length;
  s.target = Math.min(s.target, C - 1);
  s.focus = Math.min(s.focus, C - 1);
  s.topK = Math.min(s.topK, C);
  s.mask = s.mask.filter((i) => i < C);
  s.temperature = roundSignificant(clamp(s.temperature, LIMITS.temperature), 3);
  return s;
}

// The query string ("?a=b&..." or "") for a state, naming only what differs from the defaults, so links stay short.
// A lesson id is always written when set.
export function toQuery(state, base = defaults()) {
  const parts = [];
  const put = (key, text) => parts.push(`${NAMES[key]}=${text}`);
  const list = (items) => items.map((x) => encodeURIComponent(x)).join(',');
  const number = (v) => (v === -Infinity ? '-inf' : String(v));
  if (state.lesson) put('lesson', state.lesson);
  if (!sameList(state.logits, base.logits)) put('logits', state.logits.map(number).join(','));
  if (!sameList(state.labels, fitLabels(base.labels, state.logits.length))) put('labels', list(state.labels));
  for (const key of ['temperature', 'seed', 'draws', 'topK', 'topP', 'minP', 'target', 'focus', 'smoothing', 'lr',
    'shift'])
    if (state[key] !== base[key]) put(key, number(state[key]));
  if (state.temperatureLast !== base.temperatureLast) put('temperatureLast', state.temperatureLast ? 'last' : 'first');
  if (state.mask.length) put('mask', state.mask.join(','));
  if (state.hide.length) put('hide', state.hide.join(','));
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
