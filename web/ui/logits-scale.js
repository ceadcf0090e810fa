// The scale under the logits editor's bars (lesson 1): tick labels at round values across exactly the span the
// sliders use (−15 … 15, wider when a logit lies beyond), in the same grid column as the bars, so every thumb can be
// read against a number.
import { formatCount } from './format.js';
import { h } from './dom.js';
import { bounds } from './editor.js';

const MINUS = '\u2212';

// Round tick values in [lo, hi]: a step of 1, 2 or 5 times a power of ten giving at most `most` ticks.
export function ticks(lo, hi, most = 7) {
  const span = hi - lo;
  let step = 10 ** Math.floor(Math.log10(span / most));
  for (const k of [1, 2, 5, 10]) {
    if (span / (k * step) <= most - 1) {
      step *= k;
      break;
    }
  }
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

export function logitsScale() {
  const track = h('div', { class: 'logit-scale-track' });
  const node = h('div', { class: 'logit-scale', 'aria-hidden': 'true' }, track,
    h('p', { class: 'logit-scale-title' }, 'logit scale (the bars grow from 0)'));
  let drawn = '';
  return {
    node,
    update(state) {
      const [lo, hi] = bounds(state.logits);
      const key = `${lo},${hi}`;
      if (key === drawn) return;
      drawn = key;
      track.replaceChildren(...ticks(lo, hi).map((v) => {
        const tick = h('span', { class: ['logit-scale-tick', v === lo && 'first', v === hi && 'last'] },
          `${v < 0 ? MINUS : ''}${formatCount(Math.abs(v))}`);
        tick.style.left = `${((v - lo) / (hi - lo)) * 100}%`;
        return tick;
      }));
    },
  };
}
