// The logits editor: one row per token with its name, a draggable bar (a full-keyboard role="slider") and a typed
// value. Arrow keys move a logit by 0.1, Page Up/Down by 1, Home/End to the ends of the scale.
import { formatNumber } from './format.js';
import { LIMITS, roundSignificant } from '../model/state.js';
import { button } from './controls.js';
import { h, setText } from './dom.js';

const SPAN = 15;  // the bars show −15 … 15 unless a logit lies beyond
const STEP = 0.1;
const PAGE = 1;

// Exported for the scale drawn under the bars (lesson 1), which must span exactly what the sliders span.
export function bounds(logits) {
  const finite = logits.filter(Number.isFinite);
  return [Math.min(-SPAN, Math.floor(Math.min(...finite))), Math.max(SPAN, Math.ceil(Math.max(...finite)))];
}

export function logitsEditor(store) {
  const list = h('div', { class: 'editor-rows', role: 'group', 'aria-label': 'Tokens and their logits' });
  const add = button('Add a token', () => {
    const s = store.get();
    if (s.logits.length >= LIMITS.tokens) return;
    store.set({ logits: [...s.logits, 0], labels: [...s.labels, `token ${s.logits.length + 1}`] });
  }, { class: 'button secondary' });
  const node = h('div', { class: 'editor', dataset: { part: 'editor' } }, list, h('div', { class: 'editor-actions' }, add));
  let rows = [];

  function setLogit(i, value) {
    const s = store.get();
    const logits = s.logits.slice();
    const [lo, hi] = bounds(s.logits);
    logits[i] = roundSignificant(Math.min(hi, Math.max(lo, Math.round(value / STEP) * STEP)), 6);
    store.set({ logits });
  }

  function makeRow(i) {
    const name = h('input', { type: 'text', class: 'token-name', spellcheck: 'false', autocomplete: 'off', maxlength: LIMITS.label });
    name.addEventListener('change', () => {
      const s = store.get();
      const labels = s.labels.slice();
      labels[i] = name.value.trim().slice(0, LIMITS.label) || `token ${i + 1}`;
      store.set({ labels });
    });
    const fill = h('span', { class: 'slider-fill' });
    const zero = h('span', { class: 'slider-zero' });
    const thumb = h('span', { class: 'slider-thumb' });
    const slider = h('div', { class: 'logit-slider', role: 'slider', tabindex: '0', 'aria-orientation': 'horizontal' },
      zero, fill, thumb);
    slider.addEventListener('keydown', (e) => {
      const s = store.get();
      const [lo, hi] = bounds(s.logits);
      const current = Number.isFinite(s.logits[i]) ? s.logits[i] : lo;
      const step = { ArrowRight: STEP, ArrowUp: STEP, ArrowLeft: -STEP, ArrowDown: -STEP, PageUp: PAGE, PageDown: -PAGE }[e.key];
      if (step !== undefined) setLogit(i, current + step * (e.shiftKey ? 10 : 1));
      else if (e.key === 'Home') setLogit(i, lo);
      else if (e.key === 'End') setLogit(i, hi);
      else return;
      e.preventDefault();
    });
    const fromPointer = (e) => {
      const rect = slider.getBoundingClientRect();
      const [lo, hi] = bounds(store.get().logits);
      const t = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
      setLogit(i, lo + t * (hi - lo));
    };
    slider.addEventListener('pointerdown', (e) => {
      slider.setPointerCapture(e.pointerId);
      slider.focus();
      fromPointer(e);
    });
    slider.addEventListener('pointermove', (e) => slider.hasPointerCapture(e.pointerId) && fromPointer(e));
    const number = h('input', { type: 'number', class: 'number logit-number', step: 'any', inputmode: 'decimal' });
    number.addEventListener('change', () => {
      const v = number.valueAsNumber;
      if (Number.isFinite(v) && Math.abs(v) <= LIMITS.logit) {
        const logits = store.get().logits.slice();
        logits[i] = roundSignificant(v, 6);
        store.set({ logits });
      }
    });
    const remove = h('button', { type: 'button', class: 'icon-button', on: { click: () => {
      const s = store.get();
      if (s.logits.length <= 1) return;
      store.set({ logits: s.logits.filter((_, k) => k !== i), labels: s.labels.filter((_, k) => k !== i) });
    } } }, '×');
    const row = h('div', { class: 'editor-row' }, name, slider, number, remove);
    return { row, name, slider, fill, thumb, zero, number, remove };
  }

  return {
    node,
    update(state) {
      if (rows.length !== state.logits.length) {
        rows = state.logits.map((_, i) => makeRow(i));
        list.replaceChildren(...rows.map((r) => r.row));
      }
      const [lo, hi] = bounds(state.logits);
      const at = (v) => ((v - lo) / (hi - lo)) * 100;
      rows.forEach((r, i) => {
        const v = state.logits[i];
        const label = state.labels[i];
        if (document.activeElement !== r.name) r.name.value = label;
        r.name.setAttribute('aria-label', `Name of token ${i + 1}`);
        r.slider.setAttribute('aria-label', `Logit of ${label}`);
        r.slider.setAttribute('aria-valuemin', String(lo));
        r.slider.setAttribute('aria-valuemax', String(hi));
        r.slider.setAttribute('aria-valuenow', String(Number.isFinite(v) ? v : lo));
        r.slider.setAttribute('aria-valuetext', Number.isFinite(v) ? `${label}: ${formatNumber(v, 2)}` : `${label}: minus infinity (masked)`);
        r.slider.classList.toggle('negative', v < 0);
        const zero = at(0);
        const pos = Number.isFinite(v) ? at(v) : 0;
        r.zero.style.left = `${zero}%`;
        r.fill.style.left = `${Math.min(zero, pos)}%`;
        r.fill.style.width = `${Math.abs(pos - zero)}%`;
        r.thumb.style.left = `${pos}%`;
        r.number.setAttribute('aria-label', `Logit of ${label} (type a value)`);
        r.number.placeholder = Number.isFinite(v) ? '' : '−∞';
        if (document.activeElement !== r.number) r.number.value = Number.isFinite(v) ? String(v) : '';
        r.remove.setAttribute('aria-label', `Remove ${label}`);
        r.remove.disabled = state.logits.length <= 1;
        setText(r.remove, '×');
      });
      add.disabled = state.logits.length >= LIMITS.tokens;
    },
  };
}
