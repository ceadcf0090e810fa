// The cross-entropy lesson's chart: −log p against p, with the plain error 1 − p, the learner's prediction as a dot,
// and one linear scale per axis with tick labels and units. Both lines are clipped to the plot area, so a curve that
// leaves the top of the scale ends at the axis instead of overshooting it; the dot's label sits in the empty top-right
// corner of the plot (where −log p and 1 − p never go), so it is never cut off.
import { uid } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// lines: [{ points: [[p, loss]], cls }] drawn once; update({ dot: { x, y, text }, label }) moves the dot.
export function lossCurve({ lines, yMax = 7, label, width = 360, height = 236 }) {
  const pad = { left: 52, right: 14, top: 12, bottom: 42 };
  const W = width - pad.left - pad.right;
  const H = height - pad.top - pad.bottom;
  const px = (p) => pad.left + W * p;
  const py = (v) => pad.top + H * (1 - v / yMax);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'line-chart ce-curve', role: 'img', 'aria-label': label });
  const clipId = uid('ce-clip');
  const defs = s('defs');
  const clip = s('clipPath', { id: clipId });
  clip.append(s('rect', { x: pad.left, y: pad.top, width: W, height: H }));
  defs.append(clip);
  svg.append(defs);

  const axes = s('g', { class: 'axes' });
  axes.append(s('line', { x1: pad.left, y1: pad.top + H, x2: pad.left + W, y2: pad.top + H, class: 'axis' }));
  axes.append(s('line', { x1: pad.left, y1: pad.top, x2: pad.left, y2: pad.top + H, class: 'axis' }));
  for (let k = 0; k <= 5; ++k) {
    const p = k / 5;
    axes.append(s('line', { x1: px(p), x2: px(p), y1: pad.top + H, y2: pad.top + H + 4, class: 'axis' }));
    axes.append(s('text', { x: px(p), y: pad.top + H + 16, 'text-anchor': 'middle', class: 'tick' }, k === 0 ? '0' : k === 5 ? '1' : `0.${2 * k}`));
  }
  for (let v = 0; v <= yMax; ++v) {
    axes.append(s('line', { x1: pad.left - 4, x2: pad.left, y1: py(v), y2: py(v), class: 'axis' }));
    if (v > 0) axes.append(s('line', { x1: pad.left, x2: pad.left + W, y1: py(v), y2: py(v), class: 'grid' }));
    axes.append(s('text', { x: pad.left - 7, y: py(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(v)));
  }
  axes.append(s('text', { x: pad.left + W / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' }, 'p(correct)'));
  axes.append(s('text', { x: 13, y: pad.top + H / 2, 'text-anchor': 'middle', class: 'axis-label',
    transform: `rotate(-90 13 ${pad.top + H / 2})` }, 'loss (nats)'));
  svg.append(axes);

  const plot = s('g', { 'clip-path': `url(#${clipId})` });
  for (const line of lines) {
    const pts = line.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
      .map(([a, b]) => `${px(a).toFixed(1)},${py(Math.min(b, 2 * yMax)).toFixed(1)}`).join(' ');
    plot.append(s('polyline', { points: pts, class: line.cls }));
  }
  svg.append(plot);

  const dot = s('circle', { r: 5, class: 'dot-main' });
  const arrow = s('path', { class: 'dot-off-scale' });
  const tag = s('text', { x: pad.left + W - 4, y: pad.top + 14, 'text-anchor': 'end', class: 'dot-label' });
  const key = s('tspan', { class: 'dot-key' }, '\u25cf ');
  const words = s('tspan');
  tag.append(key, words);
  svg.append(dot, arrow, tag);

  return {
    svg,
    // dot: the prediction (p, loss); a loss above the scale is drawn at its top with an arrow pointing up.
    update({ dot: d, label: spoken }) {
      if (spoken) svg.setAttribute('aria-label', spoken);
      const off = !(d.y <= yMax);
      const x = px(Math.min(1, Math.max(0, d.x)));
      const y = off ? pad.top : py(Math.max(0, d.y));
      dot.setAttribute('cx', x.toFixed(1));
      dot.setAttribute('cy', y.toFixed(1));
      arrow.setAttribute('d', off ? `M${(x + 9).toFixed(1)} ${pad.top + 12} l5 -8 l5 8 z` : '');
      if (words.textContent !== d.text) words.textContent = d.text;
    },
  };
}
