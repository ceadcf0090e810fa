// MathML Core builders: formulas are typeset by the browser, with no script or font from anywhere else.
const NS = 'http://www.w3.org/1998/Math/MathML';

export function m(tag, attrs, ...children) {
  const node = document.createElementNS(NS, tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const mi = (x, attrs) => m('mi', attrs, x);
export const mn = (x) => m('mn', null, x);
export const mo = (x, attrs) => m('mo', attrs, x);
export const mtext = (x) => m('mtext', null, x);
export const row = (...c) => m('mrow', null, ...c);
export const frac = (a, b) => m('mfrac', null, a, b);
export const sub = (a, b) => m('msub', null, a, b);
export const sup = (a, b) => m('msup', null, a, b);
export const subsup = (a, b, c) => m('msubsup', null, a, b, c);
export const under = (a, b) => m('munder', null, a, b);
export const underover = (a, b, c) => m('munderover', null, a, b, c);
export const paren = (...c) => row(mo('('), ...c, mo(')'));
export const space = () => m('mspace', { width: '0.4em' });

// A number as MathML: a leading minus becomes an operator so it spaces and reads correctly.
export function num(text) {
  const s = String(text);
  if (s.startsWith('\u2212') || s.startsWith('-')) return row(mo('\u2212'), mn(s.slice(1)));
  return mn(s);
}

// A variable with a text subscript: z_cat.
export const varSub = (name, index) => sub(mi(name), index instanceof Node ? index : mtext(index));

export const exp = (arg) => row(mi('exp'), mo('\u2061'), paren(arg));
export const log = (arg) => row(mi('log'), mo('\u2061'), m('mspace', { width: '0.17em' }), arg);

// A block formula with a spoken form in alttext (screen readers without MathML support use it).
export function formula(label, ...children) {
  return m('math', { display: 'block', alttext: label }, ...children);
}
