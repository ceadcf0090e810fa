// Horizontal bar charts with a table alternative. Bars are decorative spans sized through the CSSOM; every value is
// also written as text beside its bar and, in full precision, in the table (data-value holds the exact number).
import { clear, h, setText, uid, scrollBox } from './dom.js';

// columns: [{ key, header, numeric?, format? }]; rows given to update() carry `cells: { key: value }`.
// focusable: each bar row takes keyboard focus (and so lights its token everywhere, see runtime.js's linked tokens).
export function barChart({ caption, columns, legend = [], signed = false, tableSummary = 'Show these numbers as a table', focusable = false }) {
  const captionNode = h('figcaption', { class: 'chart-caption' }, caption ?? '');
  const bars = h('div', { class: ['bars', signed && 'bars-signed'] });
  const legendNode = legend.length
    ? h('p', { class: 'chart-legend' }, legend.map(([cls, text]) => h('span', { class: 'legend-item' },
      h('span', { class: `legend-key ${cls}`, 'aria-hidden': 'true' }), text)))
    : null;
  const figure = h('figure', { class: 'chart', dataset: { part: 'chart' } }, captionNode, legendNode, bars);
  const tableCaption = h('caption', { class: 'visually-hidden' }, caption ?? '');
  const body = h('tbody');
  const headRow = h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : '' }, c.header)));
  const table = h('table', { class: 'numbers' }, tableCaption, h('thead', null, headRow), body);
  const details = h('details', { class: 'table-alt', dataset: { part: 'table' } },
    h('summary', null, tableSummary), scrollBox(caption ? `Table: ${caption}` : 'Table', table));
  const id = uid('chart');
  figure.id = id;
  let rowNodes = [];

  function build(count) {
    clear(bars);
    clear(body);
    rowNodes = [];
    for (let i = 0; i < count; ++i) {
      const label = h('span', { class: 'bar-label' });
      const fill = h('span', { class: 'bar-fill' });
      const marker = h('span', { class: 'bar-marker', hidden: true });
      const reference = h('span', { class: 'bar-reference', hidden: true });
      const ghost = h('span', { class: 'bar-ghost', hidden: true });
      const band = h('span', { class: 'bar-band', hidden: true });
      const track = h('span', { class: 'bar-track', 'aria-hidden': 'true' }, reference, fill, band, ghost, marker);
      const value = h('span', { class: 'bar-value' });
      const rowNode = h('div', { class: 'bar-row', tabindex: focusable ? '0' : undefined }, label, track, value);
      bars.append(rowNode);
      const cells = columns.map((c) => h(c.key === columns[0].key ? 'th' : 'td', {
        class: c.numeric ? 'num' : '', scope: c.key === columns[0].key ? 'row' : undefined,
      }));
      const tr = h('tr', null, cells);
      body.append(tr);
      rowNodes.push({ rowNode, label, fill, marker, reference, ghost, band, value, cells, tr });
    }
  }

  // rows: [{ label, value, valueText, marker?, ghost?, tone?, token?, cells }]; max: the axis end (default 1 or the
  // largest |value|). token (default: the row's index) ties the bar and its table row to the same token elsewhere on
  // the page. ghost (unsigned charts): an outlined bar of another value drawn over the fill (a reference distribution).
  // band (unsigned charts): [lo, hi], a shaded range behind the bar (where a value is expected to fall).
  function update(rows, { max, reference, caption: newCaption } = {}) {
    if (rows.length !== rowNodes.length) build(rows.length);
    if (newCaption !== undefined) {
      setText(captionNode, newCaption);
      setText(tableCaption, newCaption);
    }
    const top = max ?? Math.max(1e-12, ...rows.map((r) => Math.abs(r.value)).filter(Number.isFinite));
    rows.forEach((r, i) => {
      const n = rowNodes[i];
      setText(n.label, r.label);
      setText(n.value, r.valueText);
      n.rowNode.className = ['bar-row', r.tone && `tone-${r.tone}`, r.value < 0 && 'negative'].filter(Boolean).join(' ');
      const fraction = Number.isFinite(r.value) ? Math.min(1, Math.abs(r.value) / top) : (Number.isNaN(r.value) ? 0 : 1);
      if (signed) {
        n.fill.style.width = `${fraction * 50}%`;
        n.fill.style.left = r.value < 0 ? `${50 - fraction * 50}%` : '50%';
      } else {
        n.fill.style.width = `${fraction * 100}%`;
      }
      if (r.marker !== undefined && Number.isFinite(r.marker)) {
        n.marker.hidden = false;
        n.marker.style.left = `${Math.min(1, r.marker / top) * 100}%`;
      } else {
        n.marker.hidden = true;
      }
      if (!signed && r.band && r.band.every(Number.isFinite)) {
        const [lo, hi] = r.band.map((v) => Math.min(1, Math.max(0, v / top)));
        n.band.hidden = false;
        n.band.style.left = `${lo * 100}%`;
        n.band.style.width = `${(hi - lo) * 100}%`;
      } else {
        n.band.hidden = true;
      }
      if (!signed && r.ghost !== undefined && Number.isFinite(r.ghost)) {
        n.ghost.hidden = false;
        n.ghost.style.width = `${Math.min(1, Math.abs(r.ghost) / top) * 100}%`;
      } else {
        n.ghost.hidden = true;
      }
      if (reference !== undefined) {
        n.reference.hidden = false;
        n.reference.style.left = `${Math.min(1, reference / top) * 100}%`;
      } else {
        n.reference.hidden = true;
      }
      n.tr.className = r.tone ? `tone-${r.tone}` : '';
      n.rowNode.dataset.token = String(r.token ?? i);
      n.tr.dataset.token = String(r.token ?? i);
      columns.forEach((c, k) => {
        // A cell is a value (formatted by its column) or { value, text } when the row knows better how to write it.
        const given = r.cells[c.key];
        const own = given !== null && typeof given === 'object';
        const v = own ? given.value : given;
        const cell = n.cells[k];
        setText(cell, own ? given.text : c.format && typeof v === 'number' ? c.format(v) : v ?? '');
        if (typeof v === 'number') cell.dataset.value = String(v);
        else delete cell.dataset.value;
      });
    });
  }

  return { figure, details, nodes: [figure, details], update };
}
