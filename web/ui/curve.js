// A small SVG line chart (linear or log axes) for the −log p curve, the loss history and the long tail. It is an
// image to sighted readers (role="img" with a spoken summary); each lesson pairs it with a table of the same numbers.
const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, String(v));
  for (const child of children) if (child) node.append(child instanceof Node ? child : document.createTextNode(child));
  return node;
}

// x, y: { min, max, log?, ticks: [values], label, format(v) }
export function lineChart({ width = 360, height = 220, x: xAxis, y: yAxis, label }) {
  const x = { ...xAxis };
  const y = { ...yAxis };
  const pad = { left: 46, right: 12, top: 12, bottom: 40 };
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'line-chart', role: 'img', 'aria-label': label });
  const plot = s('g');
  svg.append(plot);
  const W = width - pad.left - pad.right;
  const H = height - pad.top - pad.bottom;
  const scale = (axis, v, length, flip) => {
    const t = axis.log ? (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min))
      : (v - axis.min) / (axis.max - axis.min);
    const c = Math.min(1.05, Math.max(-0.05, t));
    return flip ? pad.top + H * (1 - c) : pad.left + W * c;
  };
  const px = (v) => scale(x, v, W, false);
  const py = (v) => scale(y, v, H, true);

  function axes() {
    const g = s('g', { class: 'axes' });
    g.append(s('line', { x1: pad.left, y1: pad.top + H, x2: pad.left + W, y2: pad.top + H, class: 'axis' }));
    g.append(s('line', { x1: pad.left, y1: pad.top, x2: pad.left, y2: pad.top + H, class: 'axis' }));
    for (const t of x.ticks) {
      g.append(s('line', { x1: px(t), x2: px(t), y1: pad.top + H, y2: pad.top + H + 4, class: 'axis' }));
      g.append(s('text', { x: px(t), y: pad.top + H + 16, 'text-anchor': 'middle', class: 'tick' }, x.format(t)));
    }
    for (const t of y.ticks) {
      g.append(s('line', { x1: pad.left - 4, x2: pad.left, y1: py(t), y2: py(t), class: 'axis' }));
      g.append(s('line', { x1: pad.left, x2: pad.left + W, y1: py(t), y2: py(t), class: 'grid' }));
      g.append(s('text', { x: pad.left - 7, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' }, y.format(t)));
    }
    g.append(s('text', { x: pad.left + W / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' }, x.label));
    g.append(s('text', { x: 12, y: pad.top + H / 2, 'text-anchor': 'middle', class: 'axis-label',
      transform: `rotate(-90 12 ${pad.top + H / 2})` }, y.label));
    return g;
  }
  let axesNode = axes();
  svg.insertBefore(axesNode, plot);

  // New axis ranges (the loss history grows): { x: { max, ticks }, y: { max, ticks } }.
  let domainKey = '';
  function setDomain(change) {
    const key = JSON.stringify(change);
    if (key === domainKey) return;
    domainKey = key;
    Object.assign(x, change.x ?? {});
    Object.assign(y, change.y ?? {});
    const next = axes();
    svg.replaceChild(next, axesNode);
    axesNode = next;
  }

  // series: [{ points: [[x, y]], cls }]; dots: [{ x, y, cls, text? }]; rules: [{ x, cls, text? }]
  function update({ series = [], dots = [], rules = [], label: newLabel }) {
    if (newLabel) svg.setAttribute('aria-label', newLabel);
    while (plot.firstChild) plot.firstChild.remove();
    for (const r of rules) {
      plot.append(s('line', { x1: px(r.x), x2: px(r.x), y1: pad.top, y2: pad.top + H, class: r.cls }));
      if (r.text) plot.append(s('text', { x: px(r.x) + 4, y: pad.top + 12, class: 'rule-label' }, r.text));
    }
    for (const line of series) {
      const pts = line.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (!x.log || a > 0) && (!y.log || b > 0));
      if (pts.length < 2) continue;
      plot.append(s('polyline', { points: pts.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' '), class: line.cls,
        'data-token': line.token }));
    }
    for (const d of dots) {
      if (!Number.isFinite(d.x) || !Number.isFinite(d.y)) continue;
      plot.append(s('circle', { cx: px(d.x), cy: py(Math.min(d.y, y.max)), r: 5, class: d.cls }));
      if (d.text) {
        const right = px(d.x) > pad.left + W * 0.6;
        plot.append(s('text', { x: px(d.x) + (right ? -9 : 9), y: py(Math.min(d.y, y.max)) - 8,
          'text-anchor': right ? 'end' : 'start', class: 'dot-label' }, d.text));
      }
    }
  }
  // Marks drawn over the curves in a layer of their own, so a chart whose curves change rarely (the temperature
  // lesson's curves change with the logits, its marks with T) redraws only the marks:
  // { dots: [{ x, y, cls, token? }], rules: [{ x, cls, text? }], levels: [{ y, cls, text? }] }.
  const marks = s('g', { class: 'marks' });
  svg.append(marks);
  // The marks are reconciled with the nodes already drawn (attributes set only where they changed), so moving them
  // on every step of a slider creates no nodes.
  function mark({ dots = [], rules = [], levels = [] }) {
    const want = [];
    for (const l of levels) {
      if (!Number.isFinite(l.y)) continue;
      want.push(['line', { x1: pad.left, x2: pad.left + W, y1: py(l.y), y2: py(l.y), class: l.cls }]);
      if (l.text) want.push(['text', { x: pad.left + W - 4, y: py(l.y) - 5, 'text-anchor': 'end', class: 'rule-label' }, l.text]);
    }
    for (const r of rules) {
      if (!Number.isFinite(r.x)) continue;
      want.push(['line', { x1: px(r.x), x2: px(r.x), y1: pad.top, y2: pad.top + H, class: r.cls }]);
      if (r.text) {
        const right = px(r.x) > pad.left + W * 0.6;
        want.push(['text', { x: px(r.x) + (right ? -4 : 4), y: pad.top + 11, 'text-anchor': right ? 'end' : 'start',
          class: 'rule-label' }, r.text]);
      }
    }
    for (const d of dots) {
      if (!Number.isFinite(d.x) || !Number.isFinite(d.y)) continue;
      want.push(['circle', { cx: px(d.x), cy: py(Math.min(Math.max(d.y, y.min), y.max)), r: d.r ?? 4, class: d.cls,
        'data-token': d.token }]);
    }
    want.forEach(([tag, attrs, text], k) => {
      const node = marks.children[k];
      if (!node || node.localName !== tag) {
        const fresh = s(tag, attrs, text);
        if (node) marks.replaceChild(fresh, node);
        else marks.append(fresh);
        return;
      }
      for (const [name, value] of Object.entries(attrs)) {
        if (value === undefined) node.removeAttribute(name);
        else if (node.getAttribute(name) !== String(value)) node.setAttribute(name, String(value));
      }
      if (text !== undefined && node.textContent !== text) node.textContent = text;
    });
    while (marks.children.length > want.length) marks.lastChild.remove();
  }

  return { svg, update, setDomain, mark };
}
