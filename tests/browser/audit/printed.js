// Reading numbers and equations as a reader reads them, and checking them in interval arithmetic. Pure functions: the
// equation audit reads the rendered page (text, MathML, alt text, ARIA labels, live regions) and hands the strings and
// MathML trees here; nothing here knows how the page built them.
//
// A printed number stands for the interval of values that round to it at the digits shown: "0.135" is [0.1345,
// 0.1355], "1.68 × 10⁻⁷" is [1.675e-7, 1.685e-7], "54.3%" is [0.5425, 0.5435]. A number printed without a decimal point
// or exponent is exact ("1", "53 tokens", "T = 100"), unless it is marked as rounded ("≈ 219,696", "about 3"), which
// reads as ± half a unit. "< 10⁻⁴⁵" reads as (−∞, 1e-45]. A float64 value is "printed right" when it lies in the
// printed interval widened by the module's float32 error (TOLERANCE relative).

export const TOLERANCE = 1.5e-6;

const SUPER = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9',
  '⁻': '-', '⁺': '+' };
const MINUS = /[\u2212\u2012\u2013\uFE63\uFF0D]/g;

// One number: digits with optional thousands commas and decimals, optional "× 10⁻⁷" / "e-7" / "×10^-7" exponent,
// optional "%". Sign handled by the caller (a leading minus is an operator in equations).
const NUMBER = /(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*[×x]\s*10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\s*×\s*10\^\(?([-+\u2212]?\d+)\)?|[eE]([-+\u2212]?\d+))?(\s*%)?/y;

// Reads the number at `text[at]` (no sign). Returns { value, lo, hi, end, exact } or null.
export function readNumberAt(text, at = 0, { rounded = false } = {}) {
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(text);
  if (!match) return null;
  const [, whole, decimals = '', superExp, caretExp, eExp, percent] = match;
  let exponent = 0;
  if (superExp) exponent = Number([...superExp].map((c) => SUPER[c]).join(''));
  if (caretExp) exponent = Number(caretExp.replace(MINUS, '-'));
  if (eExp) exponent = Number(eExp.replace(MINUS, '-'));
  if (percent) exponent -= 2;
  const digits = whole.replace(/,/g, '') + (decimals ? `.${decimals}` : '');
  const value = Number(`${digits}e${exponent}`);
  const hasPoint = decimals !== '' || superExp || caretExp || eExp;
  const exact = !hasPoint && !rounded;
  const half = exact ? 0 : 0.5 * 10 ** (exponent - decimals.length);
  return { value, lo: value - half, hi: value + half, end: NUMBER.lastIndex, exact, text: match[0] };
}

// Reads a whole printed value: "−0.135", "≈ 0", "< 10⁻⁴⁵", "54.3%", "−∞", "Infinity", "NaN". Returns an interval or
// null when the text is not a number.
export function readPrinted(text) {
  let s = String(text).trim().replace(MINUS, '-');
  let rounded = false;
  let bound = '';
  if (/^(≈|~|about\s)/.test(s)) {
    rounded = true;
    s = s.replace(/^(≈|~|about)\s*/, '');
  }
  if (/^[<>≤≥]/.test(s)) {
    bound = s[0];
    s = s.slice(1).trim();
  }
  let sign = 1;
  if (s.startsWith('-')) {
    sign = -1;
    s = s.slice(1).trim();
  } else if (s.startsWith('+')) s = s.slice(1).trim();
  if (/^(∞|Infinity)$/.test(s)) return point(sign * Infinity);
  if (s === 'NaN') return { value: NaN, lo: NaN, hi: NaN, exact: true };
  // A bare power of ten ("< 10⁻⁴⁵").
  if (/^10[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/.test(s)) s = `1 × ${s}`;
  const n = readNumberAt(s, 0, { rounded });
  if (!n || n.end !== s.length) return null;
  let lo = sign > 0 ? n.lo : -n.hi;
  let hi = sign > 0 ? n.hi : -n.lo;
  const value = sign * n.value;
  if (bound === '<' || bound === '≤') lo = -Infinity;
  if (bound === '>' || bound === '≥') hi = Infinity;
  return { value, lo, hi, exact: n.exact && !bound };
}

const point = (v) => ({ value: v, lo: v, hi: v, exact: true });

// Is the float64 value `expected` what `printed` says, at the digits shown?
export function printedRight(printed, expected, tolerance = TOLERANCE) {
  const p = typeof printed === 'string' ? readPrinted(printed) : printed;
  if (!p) return false;
  if (Number.isNaN(expected)) return Number.isNaN(p.value);
  if (!Number.isFinite(expected)) return p.lo === expected || p.hi === expected || (expected > 0 ? p.hi === Infinity : p.lo === -Infinity);
  const slack = Math.abs(expected) * tolerance;
  return expected >= p.lo - slack && expected <= p.hi + slack;
}

// A message when `text` (as printed at `where`) is not `expected` at its digits, else ''.
export function expectPrinted(where, text, expected, tolerance) {
  const p = readPrinted(text);
  if (!p) return `${where}: "${text}" is not a number (float64 value ${expected})`;
  return printedRight(p, expected, tolerance) ? '' : `${where}: prints "${text}", float64 gives ${expected}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Interval arithmetic (outward rounding is not needed at the widths printed numbers have)

export const I = {
  add: (a, b) => ({ lo: a.lo + b.lo, hi: a.hi + b.hi }),
  sub: (a, b) => ({ lo: a.lo - b.hi, hi: a.hi - b.lo }),
  neg: (a) => ({ lo: -a.hi, hi: -a.lo }),
  mul(a, b) {
    const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi].map((x) => (Number.isNaN(x) ? 0 : x));
    return { lo: Math.min(...p), hi: Math.max(...p) };
  },
  div(a, b) {
    if (b.lo <= 0 && b.hi >= 0) return { lo: -Infinity, hi: Infinity };
    return I.mul(a, { lo: 1 / b.hi, hi: 1 / b.lo });
  },
  exp: (a) => ({ lo: Math.exp(a.lo), hi: Math.exp(a.hi) }),
  log: (a) => ({ lo: a.lo <= 0 ? -Infinity : Math.log(a.lo), hi: a.hi < 0 ? NaN : Math.log(a.hi) }),
  pow: (a, b) => {
    const p = [a.lo ** b.lo, a.lo ** b.hi, a.hi ** b.lo, a.hi ** b.hi];
    return { lo: Math.min(...p), hi: Math.max(...p) };
  },
};

export function overlap(a, b, tolerance = TOLERANCE) {
  if ([a.lo, a.hi, b.lo, b.hi].some(Number.isNaN)) return false;
  const finite = [a.lo, a.hi, b.lo, b.hi].filter(Number.isFinite).map(Math.abs);
  const slack = tolerance * Math.max(0, ...finite);
  if (a.lo === Infinity && b.hi === Infinity) return true;
  if (a.hi === -Infinity && b.lo === -Infinity) return true;
  return a.lo <= b.hi + slack && b.lo <= a.hi + slack;
}

const show = (x) => (x.lo === x.hi ? String(x.lo) : `[${x.lo}, ${x.hi}]`);

// ---------------------------------------------------------------------------------------------------------------
// Text equations: "1/1 = 0.999995", "−log 0 = 100", "0.135 divided by 1.5, equals 0.09". Every "=" whose two
// neighbours are numeric expressions is checked; a side that names a symbol ("Σ = 1", "T = 2") is skipped (the lesson's
// own audit checks those values against float64).

const WORDS = [[/\bdivided by\b/g, ' / '], [/\btimes\b/g, ' × '], [/\bplus\b/g, ' + '], [/,?\s*\bequals\b/g, ' = '],
  [/\bis equal to\b/g, ' = ']];

function tokenize(text) {
  let s = String(text).replace(MINUS, '-');
  for (const [re, to] of WORDS) s = s.replace(re, to);
  const tokens = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { ++i; continue; }
    const n = readNumberAt(s, i, { rounded: tokens.at(-1)?.t === '≈' });
    if (n) {
      tokens.push({ t: 'num', v: { lo: n.lo, hi: n.hi } });
      i = n.end;
      continue;
    }
    const fn = /^(exp|log|ln)\b/.exec(s.slice(i));
    if (fn) {
      tokens.push({ t: 'fn', f: fn[1] === 'exp' ? 'exp' : 'log' });
      i += fn[0].length;
      continue;
    }
    if ('+-×·*/÷()=≈'.includes(c)) {
      tokens.push({ t: c === '*' || c === '·' ? '×' : c === '÷' ? '/' : c });
      ++i;
      continue;
    }
    if (c === '∞') {
      tokens.push({ t: 'num', v: { lo: Infinity, hi: Infinity } });
      ++i;
      continue;
    }
    // Anything else (a word, a symbol, punctuation) separates expressions.
    const word = /^[^\s+\-×·*/÷()=≈]+/.exec(s.slice(i))[0];
    tokens.push({ t: 'word', w: word });
    i += word.length;
  }
  return tokens;
}

// Parses tokens[from..to) as one expression; returns its interval or null when it is not exactly one expression.
function parseRange(tokens, from, to) {
  let k = from;
  const peek = () => (k < to ? tokens[k] : null);
  function factor() {
    const t = peek();
    if (!t) return null;
    if (t.t === '-') { ++k; const f = factor(); return f && I.neg(f); }
    if (t.t === '≈') { ++k; return factor(); }
    if (t.t === 'num') { ++k; return t.v; }
    if (t.t === 'fn') {
      ++k;
      const f = factor();
      return f && (t.f === 'exp' ? I.exp(f) : I.log(f));
    }
    if (t.t === '(') {
      ++k;
      const e = expr();
      if (!e || peek()?.t !== ')') return null;
      ++k;
      return e;
    }
    return null;
  }
  function term() {
    let a = factor();
    while (a && (peek()?.t === '×' || peek()?.t === '/')) {
      const op = tokens[k++].t;
      const b = factor();
      if (!b) return null;
      a = op === '×' ? I.mul(a, b) : I.div(a, b);
    }
    return a;
  }
  function expr() {
    let a = term();
    while (a && (peek()?.t === '+' || peek()?.t === '-')) {
      const op = tokens[k++].t;
      const b = term();
      if (!b) return null;
      a = op === '+' ? I.add(a, b) : I.sub(a, b);
    }
    return a;
  }
  const v = expr();
  return v && k === to ? v : null;
}

// Checks every "=" of `text`; returns messages for the equalities that are false at the digits shown.
export function checkTextEquations(where, text) {
  const tokens = tokenize(text);
  const failures = [];
  const eqs = tokens.map((t, i) => (t.t === '=' ? i : -1)).filter((i) => i >= 0);
  for (let e = 0; e < eqs.length; ++e) {
    const at = eqs[e];
    const leftStart = e > 0 ? eqs[e - 1] + 1 : 0;
    const rightEnd = e + 1 < eqs.length ? eqs[e + 1] : tokens.length;
    // The longest numeric expression ending just before "=", and the longest one starting just after it.
    let left = null;
    for (let s = leftStart; s < at && !left; ++s) {
      if (tokens.slice(s, at).some((t) => t.t === 'word')) continue;
      left = parseRange(tokens, s, at);
    }
    let right = null;
    for (let end = rightEnd; end > at + 1 && !right; --end) {
      if (tokens.slice(at + 1, end).some((t) => t.t === 'word')) continue;
      right = parseRange(tokens, at + 1, end);
    }
    if (!left || !right) continue;
    if (!overlap(left, right)) failures.push(`${where}: "${text.trim().slice(0, 160)}" — ${show(left)} ≠ ${show(right)} at the digits shown`);
  }
  return failures;
}

// ---------------------------------------------------------------------------------------------------------------
// MathML equations. The page serialises each <math> as { tag, token, text, children } (see serializeMath below, which runs in
// the page); here its top-level row is split at "=" and neighbouring sides are compared. Sides with symbols (p_cat,
// Σ with limits, T as a letter) are skipped; sides with "⋯" are compared term by term against a side of the same shape.

export const serializeMath = `(function serialize(node) {
  if (node.nodeType === 3) return null;
  const kids = [...node.children].map(serialize).filter(Boolean);
  return { tag: node.localName, token: node.getAttribute('data-token'), text: kids.length ? '' : node.textContent.trim(),
    children: kids };
})`;

const flatten = (n) => (n.tag === 'mrow' || n.tag === 'math' || n.tag === 'mstyle' || n.tag === 'mpadded'
  ? n.children.flatMap(flatten) : n.tag === 'mspace' ? [] : [n]);

// Converts a MathML node to a small expression tree: { op: 'num'|'sym'|'gap'|'+'|'×'|'/'|'neg'|'exp'|'log'|'pow', … }.
function toTree(nodes) {
  // nodes: a flat sequence (one side of an equation).
  const items = [];
  for (const n of nodes) {
    if (n.tag === 'mn') {
      const p = readPrinted(n.text);
      items.push(p ? { op: 'num', v: { lo: p.lo, hi: p.hi }, text: n.text } : { op: 'sym', text: n.text });
    } else if (n.tag === 'mo') {
      const t = n.text.replace(MINUS, '-');
      if (t === '\u2061' || t === '') continue;
      if (t === '⋯' || t === '…' || t === '...') items.push({ op: 'gap' });
      else items.push({ op: 'tok', t: t === '·' || t === '*' ? '×' : t === '÷' ? '/' : t });
    } else if (n.tag === 'mi') {
      if (n.text === 'exp' || n.text === 'log' || n.text === 'ln') items.push({ op: 'tok', t: n.text === 'exp' ? 'exp' : 'log' });
      else if (n.text === 'e') items.push({ op: 'sym', text: 'e', e: true });
      else items.push({ op: 'sym', text: n.text });
    } else if (n.tag === 'mfrac') {
      items.push({ op: '/', a: toTree(flatten(n.children[0] ?? { tag: 'mrow', children: [] })),
        b: toTree(flatten(n.children[1] ?? { tag: 'mrow', children: [] })), malformed: n.children.length !== 2 });
    } else if (n.tag === 'msup') {
      items.push({ op: 'pow', a: toTree(flatten(n.children[0])), b: toTree(flatten(n.children[1])) });
    } else if (n.tag === 'mtext') {
      const p = readPrinted(n.text);
      items.push(p ? { op: 'num', v: { lo: p.lo, hi: p.hi } } : { op: 'sym', text: n.text });
    } else {
      items.push({ op: 'sym', text: n.tag });
    }
  }
  // Parse the item sequence with the usual precedence.
  let k = 0;
  const peek = () => items[k];
  const isTok = (x, t) => x && x.op === 'tok' && x.t === t;
  function factor() {
    const x = peek();
    if (!x) return { op: 'bad' };
    if (isTok(x, '-')) { ++k; return { op: 'neg', a: factor() }; }
    if (isTok(x, 'exp') || isTok(x, 'log')) { ++k; return { op: x.t, a: factor() }; }
    if (isTok(x, '(')) {
      ++k;
      const e = expr();
      if (isTok(peek(), ')')) ++k;
      return { op: 'paren', a: e };
    }
    ++k;
    return x;
  }
  function term() {
    const parts = [factor()];
    while (isTok(peek(), '×') || isTok(peek(), '/')) {
      const op = peek().t;
      ++k;
      const b = factor();
      parts.push(op === '/' ? { op: 'inv', a: b } : b);
    }
    return parts.length === 1 ? parts[0] : { op: '×', parts };
  }
  function expr() {
    const terms = [term()];
    while (isTok(peek(), '+') || isTok(peek(), '-')) {
      const op = peek().t;
      ++k;
      const b = term();
      terms.push(op === '-' ? { op: 'neg', a: b } : b);
    }
    return terms.length === 1 ? terms[0] : { op: '+', terms };
  }
  const tree = expr();
  return k < items.length ? { op: 'bad' } : tree;
}

// Interval of a tree, or null when it has a symbol, a gap or a malformed part.
function evaluate(t) {
  switch (t.op) {
    case 'num': return t.v;
    case 'paren': return evaluate(t.a);
    case 'neg': { const a = evaluate(t.a); return a && I.neg(a); }
    case 'exp': { const a = evaluate(t.a); return a && I.exp(a); }
    case 'log': { const a = evaluate(t.a); return a && I.log(a); }
    case 'inv': { const a = evaluate(t.a); return a && I.div({ lo: 1, hi: 1 }, a); }
    case '/': {
      if (t.malformed) return null;
      const a = evaluate(t.a);
      const b = evaluate(t.b);
      return a && b && I.div(a, b);
    }
    case 'pow': {
      const b = evaluate(t.b);
      if (t.a.op === 'sym' && t.a.e) return b && I.exp(b);
      const a = evaluate(t.a);
      return a && b && I.pow(a, b);
    }
    case '×': {
      let v = { lo: 1, hi: 1 };
      for (const p of t.parts) {
        const x = evaluate(p);
        if (!x) return null;
        v = I.mul(v, x);
      }
      return v;
    }
    case '+': {
      let v = { lo: 0, hi: 0 };
      for (const p of t.terms) {
        const x = evaluate(p);
        if (!x) return null;
        v = I.add(v, x);
      }
      return v;
    }
    default: return null;
  }
}

const hasGap = (t) => t.op === 'gap' || ['a', 'b'].some((k) => t[k] && hasGap(t[k])) || (t.terms ?? t.parts ?? []).some(hasGap);
const strip = (t) => (t.op === 'paren' ? strip(t.a) : t);

// Compares two sides; where whole evaluation is impossible because of "⋯", compares shapes term by term.
function compareSides(a, b, path, failures, where) {
  a = strip(a);
  b = strip(b);
  const va = evaluate(a);
  const vb = evaluate(b);
  if (va && vb) {
    if (!overlap(va, vb)) failures.push(`${where}: ${path || 'side'} ${show(va)} ≠ ${show(vb)} at the digits shown`);
    return;
  }
  if (!hasGap(a) && !hasGap(b)) return; // a symbolic side: nothing to check here
  if (a.op === '/' && b.op === '/') {
    compareSides(a.a, b.a, `${path}numerator `, failures, where);
    compareSides(a.b, b.b, `${path}denominator `, failures, where);
    return;
  }
  if (a.op === '+' && b.op === '+' && a.terms.length === b.terms.length) {
    a.terms.forEach((x, i) => {
      if (x.op !== 'gap' && b.terms[i].op !== 'gap') compareSides(x, b.terms[i], `${path}term ${i + 1} `, failures, where);
    });
  }
}

// Every equality of one serialised <math>; plus a malformed-fraction check and, with `temperature`, the check that every
// exp(z/T − m) term shows the same T (the state's, as printed).
export function checkMathEquations(where, math, { temperature } = {}) {
  const failures = [];
  const walk = (n, fn) => { fn(n); n.children.forEach((c) => walk(c, fn)); };
  walk(math, (n) => {
    if (n.tag === 'mfrac' && n.children.length !== 2) failures.push(`${where}: an <mfrac> with ${n.children.length} child(ren)`);
  });
  const seq = flatten(math);
  const sides = [];
  let cur = [];
  for (const n of seq) {
    if (n.tag === 'mo' && n.text === '=') {
      sides.push(cur);
      cur = [];
    } else cur.push(n);
  }
  sides.push(cur);
  const trees = sides.map(toTree);
  for (let i = 0; i + 1 < trees.length; ++i) compareSides(trees[i], trees[i + 1], '', failures, `${where} (= #${i + 1})`);
  if (temperature !== undefined) {
    // exp( mfrac(a, T) − m ): every exp whose argument holds a fraction must divide by the printed T.
    const exps = [];
    const find = (t) => {
      if (!t || typeof t !== 'object') return;
      if (t.op === 'exp') exps.push(t.a);
      for (const k of ['a', 'b']) find(t[k]);
      for (const x of t.terms ?? t.parts ?? []) find(x);
    };
    trees.forEach(find);
    const fracs = (t, out = []) => {
      if (!t || typeof t !== 'object') return out;
      if (t.op === '/') out.push(t);
      for (const k of ['a', 'b']) fracs(t[k], out);
      for (const x of t.terms ?? t.parts ?? []) fracs(x, out);
      return out;
    };
    const withT = exps.filter((e) => fracs(e).length > 0);
    if (withT.length > 0) {
      for (const e of exps) {
        const f = fracs(e);
        const den = f.length === 1 ? strip(f[0].b) : null;
        if (f.length === 0) failures.push(`${where}: an exp(…) term without “/T” beside terms that divide by T`);
        else if (den && den.op === 'num' && !overlap(den.v, { lo: temperature, hi: temperature }))
          failures.push(`${where}: an exp(…) term divides by ${den.text}, the state's T is ${temperature}`);
      }
    }
  }
  return failures;
}
