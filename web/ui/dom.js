// Small DOM helpers. Styles are only ever set through classes or the CSSOM (element.style.x = …), never with a style
// attribute or inline <style>, so the page runs under a strict Content-Security-Policy.

// h('button', { class: 'primary', type: 'button', on: { click } }, 'Text', childNode)
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  applyProps(node, props);
  append(node, children);
  return node;
}

export function applyProps(node, props) {
  if (!props) return node;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style') throw new Error('dom.h: set styles through classes or node.style, not a style attribute');
    else if (key in node && typeof value !== 'string' && key !== 'list') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// A box that scrolls sideways when its content (a wide table or formula) does not fit a phone screen. It is
// focusable and named, so keyboard users can scroll it too.
export function scrollBox(label, ...children) {
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label }, ...children);
}

// A formula that may be wider than a phone: focusable and named so it can be scrolled by keyboard.
export function formulaBox(props, ...children) {
  return h('div', { class: 'formula', tabindex: '0', role: 'group', 'aria-label': 'Formula', ...props }, ...children);
}

export function setText(node, text) {
  const value = String(text);
  if (node.textContent !== value) node.textContent = value;
}

let counter = 0;
// Ids unique within a document (lessons may appear several times on one host page).
export function uid(prefix = 'll') {
  counter += 1;
  return `${prefix}-${counter}`;
}

// Inline prose with `code`, *emphasis* and **strong** marks, built as nodes (never innerHTML).
export function prose(text) {
  const out = [];
  const pattern = /(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const token = match[0];
    if (token.startsWith('**')) out.push(h('strong', null, token.slice(2, -2)));
    else if (token.startsWith('*')) out.push(h('em', null, token.slice(1, -1)));
    else out.push(h('code', null, token.slice(1, -1)));
    last = match.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function paragraphs(list, props) {
  return list.map((text) => h('p', props, prose(text)));
}

// Runs fn at most once per animation frame, with the latest arguments.
export function perFrame(fn) {
  let pending = null;
  return (...args) => {
    const first = pending === null;
    pending = args;
    if (first) {
      requestAnimationFrame(() => {
        const latest = pending;
        pending = null;
        fn(...latest);
      });
    }
  };
}

export function prefersReducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
