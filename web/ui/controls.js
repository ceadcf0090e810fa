// Labelled native form controls shared by the lessons. Each returns { node, update(state) } and writes only through
// the store, so the URL, the readouts and every other view stay in step.
import { formatNumber } from './format.js';
import { LIMITS, fitLabels, parseLabelList, parseLogitList, roundSignificant } from '../model/state.js';
import { h, setText, uid } from './dom.js';

function field(labelText, input, { hint, inline } = {}) {
  const id = input.id || (input.id = uid('f'));
  const hintNode = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintNode) input.setAttribute('aria-describedby', hintNode.id);
  return h('div', { class: ['field', inline && 'field-inline'] }, h('label', { for: id }, labelText), input, hintNode);
}

function errorNode(input) {
  const node = h('span', { class: 'field-error', id: `${input.id}-error`, role: 'alert', hidden: true });
  return {
    node,
    show(text) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', node.id);
      node.textContent = text;
      node.hidden = false;
    },
    hide() {
      input.removeAttribute('aria-invalid');
      node.hidden = true;
      node.textContent = '';
    },
  };
}

// A number typed by the learner, committed on change (Enter or leaving the field), checked against [min, max].
export function numberField({ label, min, max, step = 'any', get, set, hint, describe }) {
  const input = h('input', { type: 'number', min, max, step, inputmode: 'decimal', class: 'number' });
  const wrap = field(label, input, { hint, inline: true });
  const error = errorNode(input);
  wrap.append(error.node);
  input.addEventListener('change', () => {
    const v = input.valueAsNumber;
    if (!Number.isFinite(v) || v < min || v > max) {
      error.show(`${describe ?? label} must be a number from ${min} to ${max}.`);
      return;
    }
    error.hide();
    set(v);
  });
  return {
    node: wrap,
    input,
    update(state) {
      if (document.activeElement !== input || input.getAttribute('aria-invalid') !== 'true') {
        const v = get(state);
        if (input.valueAsNumber !== v) input.value = String(v);
      }
    },
  };
}

// A native range input; `toValue`/`fromValue` map between the slider position and the state's value (log scales).
export function rangeField({ label, min, max, step, get, set, toPosition = (v) => v, fromPosition = (p) => p,
  valueText, hint }) {
  const input = h('input', { type: 'range', min, max, step, class: 'range' });
  const readout = h('span', { class: 'range-readout', 'aria-hidden': 'true' });
  const wrap = field(label, input, { hint });
  wrap.classList.add('field-range');
  wrap.append(readout);
  input.addEventListener('input', () => set(fromPosition(input.valueAsNumber)));
  return {
    node: wrap,
    input,
    readout,
    update(state) {
      const v = get(state);
      const position = toPosition(v);
      // Leave the thumb alone when it already sits on this value's step (the state holds a rounded value).
      if (Math.abs(input.valueAsNumber - position) > Number(step) / 2 + 1e-9) input.value = String(position);
      const text = valueText(v);
      input.setAttribute('aria-valuetext', text);
      setText(readout, text);
      readout.dataset.value = String(v);
    },
  };
}

const TEMPERATURE_PRESETS = [[0.01, '0.01 (≈ argmax)'], [0.5, '0.5'], [1, '1'], [2, '2'], [100, '100 (≈ uniform)']];

// The temperature: a log-scale slider from 0.01 to 100 (one key press is ×1.023), a typed value and presets.
// ticks: labels under the slider at each power of ten (0.01, 0.1, 1, 10, 100), so the midpoint reads as T = 1.
export function temperatureControl(store, { presets = true, ticks = false } = {}) {
  const [lo, hi] = LIMITS.temperature;
  const slider = rangeField({
    label: 'Temperature T (log scale)', min: Math.log10(lo), max: Math.log10(hi), step: 0.01,
    get: (s) => s.temperature, set: (t) => store.set({ temperature: t }),
    toPosition: (t) => Math.round(Math.log10(t) * 100) / 100,
    fromPosition: (p) => roundSignificant(10 ** p, 3),
    valueText: (t) => `T = ${formatNumber(t, 3)}`,
  });
  slider.node.classList.add('temperature-slider');
  slider.readout.classList.add('temperature-readout');
  if (ticks) {
    const span = Math.log10(hi) - Math.log10(lo);
    const marks = [];
    for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); ++e) {
      const tick = h('span', { class: 'range-tick' }, formatNumber(10 ** e, 3));
      tick.style.left = `${((e - Math.log10(lo)) / span) * 100}%`;
      marks.push(tick);
    }
    slider.node.append(h('div', { class: 'range-ticks', 'aria-hidden': 'true' }, marks));
  }
  const typed = numberField({
    label: 'Type T', min: lo, max: hi, get: (s) => s.temperature,
    set: (t) => store.set({ temperature: roundSignificant(t, 3) }), describe: 'The temperature',
  });
  const buttons = presets
    ? h('div', { class: 'presets', role: 'group', 'aria-label': 'Temperature presets' },
      TEMPERATURE_PRESETS.map(([t, text]) => h('button', {
        type: 'button', class: 'chip', dataset: { temperature: String(t) },
        on: { click: () => store.set({ temperature: t }) },
      }, `T = ${text}`)))
    : null;
  const node = h('div', { class: 'control-group', dataset: { part: 'controls' } }, slider.node, typed.node, buttons);
  return {
    node,
    slider: slider.input,
    update(state) {
      slider.update(state);
      typed.update(state);
      if (buttons) for (const b of buttons.children) b.setAttribute('aria-pressed', String(Number(b.dataset.temperature) === state.temperature));
    },
  };
}

// A <select> of the vocabulary, for the correct token or the token a formula follows.
export function tokenSelect(store, { key, label, hint }) {
  const select = h('select', { class: 'select' });
  select.addEventListener('change', () => store.set({ [key]: Number(select.value) }));
  const node = field(label, select, { hint, inline: true });
  return {
    node,
    select,
    update(state) {
      const options = state.labels.map((l, i) => `${i}:${l}`).join('\u0000');
      if (select.dataset.options !== options) {
        select.replaceChildren(...state.labels.map((l, i) => h('option', { value: String(i) }, l)));
        select.dataset.options = options;
      }
      select.value = String(state[key]);
    },
  };
}

// Radio buttons in a fieldset. choices: [[value, text]]
export function radioGroup({ legend, name, choices, get, set }) {
  const groupName = uid(name);
  const inputs = choices.map(([value, text]) => {
    const input = h('input', { type: 'radio', name: groupName, value: String(value) });
    input.addEventListener('change', () => input.checked && set(value));
    return [value, input, h('label', { class: 'radio' }, input, ` ${text}`)];
  });
  const node = h('fieldset', { class: 'radios' }, h('legend', null, legend), inputs.map(([, , l]) => l));
  return {
    node,
    update(state) {
      for (const [value, input] of inputs) input.checked = get(state) === value;
    },
  };
}

// The vocabulary as two typed lists (logits and labels): paste "12.4, -3.2, 0.1" and press Enter.
// A lesson whose view changes the logits before using them (a shift, a mask) shows the values it uses with
// `shown(state)` and maps what the learner commits back to the state with `commit(values, labels, state) -> patch`.
export function vocabularyFields(store, { labels = true, shown = (s) => s.logits, commit: toPatch, hint } = {}) {
  const logitsInput = h('input', { type: 'text', class: 'list-input', spellcheck: 'false', autocomplete: 'off',
    inputmode: 'text' });
  const logitsField = field('Logits', logitsInput, { hint: hint ?? 'Numbers separated by commas or spaces; -inf masks a token. Press Enter to apply.' });
  const logitsError = errorNode(logitsInput);
  logitsField.append(logitsError.node);
  const labelsInput = h('input', { type: 'text', class: 'list-input', spellcheck: 'false', autocomplete: 'off' });
  const labelsField = labels ? field('Labels', labelsInput, { hint: 'Token names, separated by commas.' }) : null;
  const commit = () => {
    const parsed = parseLogitList(logitsInput.value);
    if (parsed.error) {
      logitsError.show(`Logits: ${parsed.error}.`);
      return;
    }
    if (parsed.values.every((v) => v === -Infinity)) {
      logitsError.show('Logits: at least one token must have a finite logit.');
      return;
    }
    logitsError.hide();
    const state = store.get();
    const names = labels ? parseLabelList(labelsInput.value) : state.labels;
    const fitted = fitLabels(names.length ? names : state.labels, parsed.values.length);
    store.set(toPatch ? toPatch(parsed.values, fitted, state) : { logits: parsed.values, labels: fitted });
  };
  for (const input of [logitsInput, labelsInput]) {
    input.addEventListener('change', commit);
    input.addEventListener('keydown', (e) => e.key === 'Enter' && commit());
  }
  const node = h('div', { class: 'vocabulary-fields', dataset: { part: 'editor' } }, logitsField, labelsField);
  return {
    node,
    update(state) {
      // Written only when different: assigning an input's value, even the same one, costs style work every frame.
      const logitsText = shown(state).map((v) => (v === -Infinity ? '-inf' : String(v))).join(', ');
      if (document.activeElement !== logitsInput && logitsInput.value !== logitsText) logitsInput.value = logitsText;
      const labelsText = state.labels.join(', ');
      if (document.activeElement !== labelsInput && labelsInput.value !== labelsText) labelsInput.value = labelsText;
    },
  };
}

// A row of readouts: [{ key, label }] filled by update(values: { key: { text, value } }).
export function readouts(items, { part = 'readouts' } = {}) {
  const cells = new Map();
  const node = h('dl', { class: 'readouts', dataset: { part } }, items.map(({ key, label, wide }) => {
    const dd = h('dd', { dataset: { readout: key } });
    cells.set(key, dd);
    return h('div', { class: ['readout', wide && 'readout-wide'] }, h('dt', null, label), dd);
  }));
  return {
    node,
    update(values) {
      for (const [key, v] of Object.entries(values)) {
        const dd = cells.get(key);
        setText(dd, v.text);
        if (v.value !== undefined) dd.dataset.value = String(v.value);
        dd.classList.toggle('bad', Boolean(v.bad));
      }
    },
  };
}

export function button(text, onClick, props = {}) {
  return h('button', { type: 'button', class: 'button', ...props, on: { click: onClick } }, text);
}
