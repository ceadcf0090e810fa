// A value axis under a bar chart: tick marks and labels on the same track as the bars, so every bar reads against one
// stated scale (0–100% for probabilities, −1…+1 for a signed gradient). Used by the learning and scale lessons.
// The figure gets the class `fixed-scale`: its rows share one value-column width (`valueWidth`), so every track, and
// the axis under them, has the same length whatever the width of the value printed beside a bar.
import { h } from './dom.js';

// ticks: values on the axis; format(v) -> label; max: the value at the end of the track (and −max at the start when
// signed); title: what the axis measures, written at the left under the bar labels; valueWidth(Narrow): the value
// column at full width and on phones (below 40rem).
export function barAxis(figure, { ticks, format, max = 1, signed = false, title = '', valueWidth = '6.5rem',
  valueWidthNarrow = '5.6rem' }) {
  const track = h('span', { class: 'bar-axis-track' });
  ticks.forEach((t, k) => {
    const fraction = signed ? 0.5 + (t / max) * 0.5 : t / max;
    // Every other tick is minor: phones show only the ends and the middle.
    const tick = h('span', { class: ['bar-axis-tick', k % 2 === 1 && 'minor'] }, format(t));
    tick.style.left = `${fraction * 100}%`;
    if (fraction <= 0) tick.classList.add('first');
    if (fraction >= 1) tick.classList.add('last');
    track.append(tick);
  });
  // Decorative for screen readers: every bar's value is written beside it and in the table.
  const node = h('div', { class: 'bar-axis', 'aria-hidden': 'true' }, h('span', { class: 'bar-axis-title' }, title), track, h('span'));
  figure.classList.add('fixed-scale');
  figure.style.setProperty('--bar-value-width', valueWidth);
  figure.style.setProperty('--bar-value-width-narrow', valueWidthNarrow);
  figure.append(node);
  return node;
}
