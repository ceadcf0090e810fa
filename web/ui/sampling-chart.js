// The sampling lesson's two pictures. sortedChart: one row per token, most likely first, with the probability the
// filters see (outlined) beside the renormalised probability drawn from (filled), the running total that top-p reads,
// and the three cuts (top-p, min-p, top-k) drawn where they fall. dartStrip: the kept tokens laid end to end in
// vocabulary order, the way lab.sample walks them, with the last draw's u landing on its token.
import { h, setText } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
};
const percent = (x) => `${Math.min(1, Math.max(0, x)) * 100}%`;

export function sortedChart({ caption = '' } = {}) {
  const captionNode = h('figcaption', { class: 'chart-caption' }, caption);
  const legend = h('p', { class: 'chart-legend' });
  const rowsNode = h('div', { class: 'sorted-rows' });
  const overlay = svg('svg', { class: 'cum-overlay', viewBox: '0 0 100 1', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
  const line = svg('polyline', { class: 'cum-line', 'vector-effect': 'non-scaling-stroke', points: '' });
  const topPLine = svg('line', { class: 'cut-top-p', 'vector-effect': 'non-scaling-stroke', y1: 0, y2: 1 });
  const minPLine = svg('line', { class: 'cut-min-p', 'vector-effect': 'non-scaling-stroke', y1: 0, y2: 1 });
  const topKLine = svg('line', { class: 'cut-top-k', 'vector-effect': 'non-scaling-stroke', x1: 0, x2: 100 });
  overlay.append(line, topPLine, minPLine, topKLine);
  const axis = h('div', { class: 'sorted-axis', 'aria-hidden': 'true' }, [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const tick = h('span', { class: ['sorted-tick', (t === 0.25 || t === 0.75) && 'minor'] }, `${t * 100}%`);
    tick.style.left = percent(t);
    return tick;
  }));
  const figure = h('figure', { class: 'chart sorted-chart', dataset: { part: 'chart' } }, captionNode, legend,
    h('div', { class: 'sorted-plot' }, rowsNode, overlay), axis);
  let nodes = [];

  function build(count) {
    rowsNode.replaceChildren();
    nodes = [];
    for (let i = 0; i < count; ++i) {
      const label = h('span', { class: 'bar-label' });
      const ghost = h('span', { class: 'bar-ghost' });
      const fill = h('span', { class: 'bar-fill' });
      const dot = h('span', { class: 'cum-dot' });
      const track = h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill, ghost, dot);
      const value = h('span', { class: 'bar-value' });
      const row = h('div', { class: 'sorted-row', tabindex: '0' }, label, track, value);
      rowsNode.append(row);
      nodes.push({ row, label, ghost, fill, dot, value });
    }
  }

  // rows (in display order): [{ token, label, before, after (null: dropped), text, cumulative? }];
  // cuts: { topP?, minP? (a threshold on `before`), topK? (rows kept by top-k) }; legend: [[class, text]].
  function update({ rows, cuts = {}, legend: keys = [], caption: newCaption }) {
    if (rows.length !== nodes.length) build(rows.length);
    if (newCaption !== undefined) setText(captionNode, newCaption);
    const legendKey = keys.map(([cls, text]) => `${cls}\u0000${text}`).join('\u0001');
    if (legend.dataset.key !== legendKey) {
      legend.dataset.key = legendKey;
      legend.replaceChildren(...keys.map(([cls, text]) => h('span', { class: 'legend-item' },
        h('span', { class: `legend-key ${cls}`, 'aria-hidden': 'true' }), text)));
    }
    const points = ['0,0'];
    rows.forEach((r, i) => {
      const n = nodes[i];
      setText(n.label, r.label);
      setText(n.value, r.text);
      n.row.dataset.token = String(r.token);
      n.row.className = `sorted-row${r.after === null ? ' tone-dropped' : ''}`;
      n.ghost.style.width = percent(r.before);
      n.fill.style.width = percent(r.after ?? 0);
      n.fill.hidden = r.after === null;
      n.dot.hidden = r.cumulative === undefined;
      if (r.cumulative !== undefined) {
        n.dot.style.left = percent(r.cumulative);
        points.push(`${(Math.min(1, r.cumulative) * 100).toFixed(2)},${i + 0.5}`);
      }
    });
    overlay.setAttribute('viewBox', `0 0 100 ${Math.max(1, rows.length)}`);
    line.setAttribute('points', points.length > 1 ? points.join(' ') : '');
    const vertical = (node, x) => {
      node.style.display = x === undefined ? 'none' : '';
      if (x !== undefined) {
        node.setAttribute('x1', (x * 100).toFixed(2));
        node.setAttribute('x2', (x * 100).toFixed(2));
        node.setAttribute('y2', String(rows.length));
      }
    };
    vertical(topPLine, cuts.topP);
    vertical(minPLine, cuts.minP);
    topKLine.style.display = cuts.topK === undefined ? 'none' : '';
    if (cuts.topK !== undefined) {
      topKLine.setAttribute('y1', String(cuts.topK));
      topKLine.setAttribute('y2', String(cuts.topK));
    }
  }
  return { figure, update };
}

export function dartStrip() {
  const bar = h('div', { class: 'dart-bar' });
  const dart = h('span', { class: 'dart', hidden: true });
  const scale = h('div', { class: 'dart-scale', 'aria-hidden': 'true' }, h('span', null, '0'), h('span', null, '1'));
  const text = h('p', { class: 'dart-text' });
  const node = h('figure', { class: 'chart dart-figure' },
    h('figcaption', { class: 'chart-caption' }, 'Where the last draw landed'),
    h('p', { class: 'chart-note' }, 'The sampler lays the kept tokens end to end in vocabulary order, each as wide as its renormalised probability, draws a uniform number u between 0 and 1 from the seed, and returns the token u lands on.'),
    h('div', { class: 'dart-track', 'aria-hidden': 'true' }, bar, dart), scale, text);
  let segments = [];
  let lastU = null;

  // parts: [{ token, label, from, to }] in vocabulary order; u (or null before any draw); description: text.
  function update({ parts, u, drawn, description }) {
    if (segments.length !== parts.length) {
      segments = parts.map((_, i) => {
        const name = h('span', { class: 'dart-name' });
        return { node: h('span', { class: `dart-segment tok-${i % 2 ? 'b' : 'a'}` }, name), name };
      });
      bar.replaceChildren(...segments.map((seg) => seg.node));
    }
    parts.forEach((p, i) => {
      const { node: seg, name } = segments[i];
      seg.dataset.token = String(p.token);
      setText(name, p.label);
      seg.style.left = percent(p.from);
      seg.style.width = percent(p.to - p.from);
      seg.classList.toggle('hit', p.token === drawn);
    });
    dart.hidden = u === null;
    if (u !== null) {
      dart.style.left = percent(u);
      if (u !== lastU) {
        // Restart the landing animation for a new draw (reduced motion turns it off in CSS).
        dart.classList.remove('landing');
        void dart.offsetWidth;
        dart.classList.add('landing');
      }
    }
    lastU = u;
    setText(text, description);
  }
  return { node, update };
}
