// Lesson 5: why softmax subtracts the max. A deliberately naive float32 softmax (web/model/naive.js, labelled as
// such on the page) beside the stable path of the logitlab module, step by step (z − m, exp(z − m), Σ, p); and
// masking with −∞.
import { EXP_OVERFLOW, FLOAT32_MAX, naiveSoftmaxFloat32 } from '../model/naive.js';
import { formatNumber, formatProbability, formatScientific } from '../ui/format.js';
import { LIMITS, roundSignificant } from '../model/state.js';
import { button, rangeField, readouts, vocabularyFields } from '../ui/controls.js';
import { h, setText, scrollBox } from '../ui/dom.js';
import { maxAbsDifference } from './shared.js';

const MINUS = '\u2212';
const signed = (text) => text.replace(/^-/, MINUS);

// ---------------------------------------------------------------------------------------------------------------
// The logits the lesson uses, and the presets that move them.

// The typed logits plus the shift (the decimal sum: 0.1 + 100 is 100.1), −∞ where masked. The Logits field shows
// exactly these, and both columns of the table compute from them.
export function usedLogits(state) {
  return state.logits.map((z, i) => (state.mask.includes(i) || z === -Infinity ? -Infinity
    : roundSignificant(z + state.shift, 12)));
}

const finiteMax = (values) => Math.max(...values.filter((v) => v !== -Infinity));
const clampLogit = (v) => Math.min(LIMITS.logit, Math.max(-LIMITS.logit, v));

// A state with something to move: when every token is masked, a preset unmasks them all first.
function unmaskedIfEmpty(state) {
  return usedLogits(state).every((v) => v === -Infinity) ? { ...state, mask: [] } : state;
}

// A patch adding `delta` to every used logit: through the shift while it stays in its range; beyond it, written into
// the logits (the shift back to 0; logits keep 6 significant digits and the page's ±10⁴ range).
export function addToEvery(state, delta) {
  const [lo, hi] = LIMITS.shift;
  const shift = roundSignificant(state.shift + delta, 12);
  if (shift >= lo && shift <= hi) return { shift };
  const used = state.logits.map((z) => (z === -Infinity ? z : clampLogit(roundSignificant(z + state.shift + delta, 12))));
  return { shift: 0, logits: used };
}

// The largest used logit moved to `top` (every other one by the same amount).
export function largestTo(state, top) {
  const base = unmaskedIfEmpty(state);
  return { mask: base.mask, ...addToEvery(base, top - finiteMax(usedLogits(base))) };
}

// The first token's used logit set to `value`, unmasked; the others keep theirs. The shift stays when the first
// logit can hold value − shift in its 6 significant digits; otherwise the used logits are written into the logits.
export function firstTo(state, value) {
  const mask = state.mask.filter((i) => i !== 0);
  const wanted = roundSignificant(value - state.shift, 12);
  if (roundSignificant(wanted, 6) === wanted) return { mask, logits: [wanted, ...state.logits.slice(1)] };
  const used = state.logits.map((z) => (z === -Infinity ? z : roundSignificant(z + state.shift, 12)));
  return { mask, shift: 0, logits: [value, ...used.slice(1)] };
}

export const PRESETS = {
  push: (s) => largestTo(s, 90),
  raise: (s) => firstTo(s, 100),
  drop: (s) => largestTo(s, -106),
  none: () => ({ shift: 0 }),
};

// What the Logits field commits: the shift is folded into the logits; a masked token left at −inf stays masked with
// its logit, one given a number is unmasked.
function commitUsed(values, labels, state) {
  const mask = state.mask.filter((i) => i < values.length && values[i] === -Infinity);
  const logits = values.map((v, i) => (v === -Infinity && state.mask.includes(i) && i < state.logits.length
    && state.logits[i] !== -Infinity ? roundSignificant(state.logits[i] + state.shift, 12) : v));
  return { logits, labels, mask, shift: 0 };
}

// The first token with a finite typed logit: the one the masking question keeps.
function keptToken(state) {
  return state.logits.findIndex((z) => z !== -Infinity);
}

// ---------------------------------------------------------------------------------------------------------------
// How the table writes numbers: four significant digits in every column, naive and stable alike, so equal values
// look equal; trailing zeros kept ("1.000"), so a rounded value never reads as exact.

function sig4(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return `${MINUS}\u221e`;
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1000) return signed(v.toPrecision(4));
  return formatScientific(v, 4).replace(/ \u00d7 /, '\u2009\u00d7\u2009');  // thin spaces: narrow columns on a phone
}

// A module value that float32 flushed to 0 although the true value is positive (exp of less than ln of float32's
// smallest normal number, −87.34): below 10⁻³⁷, not 0.
const FLUSHED = `< 10\u207b\u00b3\u2077`;

const CAPTION = 'Softmax of the logits used, two ways: a naive float32 softmax (deliberately naive JavaScript) and the stable path of the logitlab module, row for row.';

// The used logit as typed (the decimal the page computes from).
const showLogit = (v) => (v === -Infinity ? `${MINUS}\u221e` : signed(String(v)));

// A number to 3 decimals, zeros kept.
const fixed3 = (v) => signed(v.toFixed(3));

export default {
  id: 'stability',
  title: 'Numerical stability',
  summary: 'exp overflows float32 beyond 88.72. Subtracting the largest logit first keeps softmax finite for any logits.',
  intro: [
    'A float32 number tops out near 3.4 × 10³⁸. So in float32, exp of any logit above ln(3.4 × 10³⁸) ≈ 88.72 does not fit: it becomes Infinity. At the other end, exp of anything below about −103.9 rounds to 0.',
    'Large logits are not exotic: a confident model produces them, and so does a low temperature — dividing by T = 0.01 multiplies every logit by 100.',
    'The cure costs nothing. Subtract the largest logit m before exponentiating: the largest term becomes exp(0) = 1, no term can overflow, and the sum lies between 1 and C. Does that change the probabilities? Predict it below before you look.',
    'The table puts a **deliberately naive** float32 softmax (written in JavaScript for this lesson, so that it fails) beside the stable path of the logitlab module, step by step. Predict first.',
  ],
  notes: [
    'Naive softmax overflows once a logit passes ln(3.4 × 10³⁸) ≈ 88.72, and gives 0 / 0 when every logit is below about −103.9.',
    'Subtracting the max makes the largest exponential exactly 1 and the sum at least 1; the probabilities do not change, because the common factor exp(−m) cancels.',
    'The same trick gives log-sum-exp, log Σ exp(z) = m + log Σ exp(z − m), and with it log p = z − log-sum-exp: the form cross-entropy uses (lesson 6), finite even where p itself is too small for float32.',
    'A logit of −∞ masks a token: exp(−∞) = 0. Masking every token leaves nothing to normalise, and the module says so instead of returning a broken number.',
  ],
  questions: [
    {
      id: 'overflow',
      ask: 'Press “Push the largest logit to 90”. What will the naive float32 softmax give that token?',
      choices: ['About what logitlab gives', 'NaN (not a number)', '0'],
      answer({ store }) {
        const z = usedLogits({ ...store.get(), ...PRESETS.push(store.get()) });
        const p = naiveSoftmaxFloat32(z).probabilities[z.indexOf(finiteMax(z))];
        return Number.isNaN(p) ? 1 : p === 0 ? 2 : 0;
      },
      reveal({ lab, store }) {
        const s = { ...store.get(), ...PRESETS.push(store.get()) };
        const z = usedLogits(s);
        const k = z.indexOf(finiteMax(z));
        return `exp(90) is larger than float32’s largest number, ${formatScientific(FLOAT32_MAX, 2)}, so float32 stores it as Infinity. The sum is then Infinity too, and Infinity / Infinity has no value: float32 writes “not a number”. logitlab subtracts the largest logit first, so its largest term is exp(90 − 90) = exp(0) = 1, and “${s.labels[k]}” gets ${formatProbability(lab.softmax(z)[k])}.`;
      },
      tryIt: { text: 'Push the largest logit to 90', apply: (s) => PRESETS.push(s) },
    },
    {
      id: 'plus100',
      applies: ({ store }) => usedLogits(store.get()).some((v) => v !== -Infinity),
      ask: 'Add 100 to every logit, from where they are now. What will the stable softmax (logitlab) give?',
      choices: ['The same probabilities as now', 'Infinity and NaN, like the naive float32 code', 'More weight on the largest logit'],
      answer({ lab, store }) {
        const s = store.get();
        const before = lab.softmax(usedLogits(s));
        const after = lab.softmax(usedLogits({ ...s, ...addToEvery(s, 100) }));
        if (after.some((p) => !Number.isFinite(p))) return 1;
        return maxAbsDifference(before, after) < 1e-3 ? 0 : 2;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const z = usedLogits(s);
        const k = z.indexOf(finiteMax(z));
        const before = lab.softmax(z)[k];
        const after = lab.softmax(usedLogits({ ...s, ...addToEvery(s, 100) }))[k];
        return `Adding 100 raises the largest logit m by 100 too, so every z − m, every exp(z − m) and every p is what it was: exp(z) and the sum share the factor exp(m), which cancels. “${s.labels[k]}” has ${formatProbability(before)} now and ${formatProbability(after)} after adding 100; only float32’s rounding of larger inputs could move a last digit.`;
      },
      tryIt: { text: 'Add 100 to every logit', apply: (s) => addToEvery(s, 100) },
    },
    {
      id: 'mask',
      applies: ({ store }) => store.get().logits.length > 1,
      ask({ store }) {
        const s = store.get();
        const k = keptToken(s);
        return `Mask every token except “${s.labels[k]}” with −∞. What probability does logitlab give “${s.labels[k]}”?`;
      },
      choices({ store }) {
        const s = store.get();
        return ['100%', 'NaN (not a number)', `It depends on the logit of “${s.labels[keptToken(s)]}”`];
      },
      answer({ lab, store }) {
        const s = store.get();
        const k = keptToken(s);
        const p = lab.softmax(usedLogits({ ...s, mask: s.logits.map((_, i) => i).filter((i) => i !== k) }))[k];
        return Number.isNaN(p) ? 1 : p === 1 ? 0 : 2;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const k = keptToken(s);
        const p = lab.softmax(usedLogits({ ...s, mask: s.logits.map((_, i) => i).filter((i) => i !== k) }));
        return `logitlab gives [${Array.from(p, (v) => formatProbability(v)).join(', ')}]: exp(−∞) = 0, so every other term of the sum is 0 and “${s.labels[k]}” gets everything, whatever its logit.`;
      },
      tryIt: {
        text: 'Mask all but that one',
        apply: (s) => ({ mask: s.logits.map((_, i) => i).filter((i) => i !== keptToken(s)) }),
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const fields = vocabularyFields(store, { shown: usedLogits, commit: commitUsed,
      hint: 'The logits the table uses, the shift included (−inf where masked). Type new ones and press Enter: they replace these, with the shift back at 0.' });
    const [lo, hi] = LIMITS.shift;
    const shift = rangeField({ label: 'Add to every logit', min: lo, max: hi, step: 0.5, get: (s) => s.shift,
      set: (v) => store.set({ shift: v }), valueText: (v) => (v >= 0 ? `+${formatNumber(v, 2)}` : formatNumber(v, 2)) });
    const preset = (text, key) => button(text, () => store.set(PRESETS[key](store.get())), { class: 'chip', dataset: { preset: key } });
    const presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Presets' },
      preset('Push the largest logit to 90', 'push'),
      preset('Raise the first token alone to 100', 'raise'),
      preset('Drop every logit below −105', 'drop'),
      preset('No shift', 'none'));
    const masks = h('fieldset', { class: 'masks' }, h('legend', null, 'Mask with −∞'));
    const maskList = h('div', { class: 'mask-list' });
    masks.append(maskList);

    // Two tables, naive and stable, row for row: side by side where they fit, one above the other on a phone (no
    // number is ever cut by a scroll box's edge).
    const naiveBody = h('tbody');
    const stableBody = h('tbody');
    const naiveSum = h('td', { class: 'num' });
    const stableSum = h('td', { class: 'num' });
    const head = (text, cls = 'num') => h('th', { scope: 'col', class: cls }, text);
    const naiveTable = h('table', { class: 'numbers compare naive-table' },
      h('caption', null, 'Naive float32: p = exp(z) / Σ'),
      h('thead', null, h('tr', null, head('Token', ''), head('Logit z'), head('exp(z)'), head('p'))),
      naiveBody,
      h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, 'Σ'), h('td'), naiveSum, h('td'))));
    const stableTable = h('table', { class: 'numbers compare stable-table' },
      h('caption', null, 'Stable (logitlab): p = exp(z − m) / Σ'),
      h('thead', null, h('tr', null, head('Token', ''), head('z − m'), head('exp(z − m)'), head('p'))),
      stableBody,
      h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, 'Σ'), h('td'), stableSum, h('td'))));
    const naiveBox = scrollBox('Naive float32 softmax', naiveTable);
    naiveBox.dataset.path = 'naive';
    const stableBox = scrollBox('Stable softmax, the logitlab module', stableTable);
    const pair = h('div', { class: 'compare-pair' }, naiveBox, stableBox);
    const status = readouts([
      { key: 'max', label: 'Largest logit m' },
      { key: 'lse', label: 'log-sum-exp: log Σ exp(z) = m + log Σ exp(z − m)' },
      { key: 'naive', label: 'Naive float32 softmax', wide: true },
      { key: 'stable', label: 'logitlab softmax', wide: true },
    ]);
    status.node.querySelector('[data-readout="naive"]').dataset.path = 'naive';
    const result = h('div', { class: 'stability-result', dataset: { gateNote: 'Answer the prediction above to see the result' } },
      h('p', { class: 'chart-caption' }, CAPTION), pair, status.node);
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('Push the logits around'),
        ctx.question('overflow'), ctx.question('plus100'), ctx.question('mask'),
        shift.node, presets, masks),
      h('section', { class: 'panel' }, ctx.heading('Naive against stable'), result),
      h('section', { class: 'panel' }, fields.node));
    let maskInputs = [];
    let rows = [];

    function buildRows(count) {
      rows = Array.from({ length: count }, (_, i) => {
        const naive = [h('th', { scope: 'row' }), h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { class: 'num' })];
        const stable = [h('th', { scope: 'row' }), h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { class: 'num' })];
        return { naive, stable, trs: [h('tr', { dataset: { token: String(i) } }, naive), h('tr', { dataset: { token: String(i) } }, stable)] };
      });
      naiveBody.replaceChildren(...rows.map((r) => r.trs[0]));
      stableBody.replaceChildren(...rows.map((r) => r.trs[1]));
    }

    function show(cell, text, { bad = false, value } = {}) {
      setText(cell, text);
      cell.classList.toggle('bad', bad);
      if (value === undefined) delete cell.dataset.value;
      else cell.dataset.value = String(value);
    }

    return {
      node,
      update(state) {
        fields.update(state);
        shift.update(state);
        if (maskInputs.length !== state.logits.length || maskInputs.some((m, i) => m.name !== state.labels[i])) {
          maskInputs = state.labels.map((label, i) => {
            const input = h('input', { type: 'checkbox', on: { change: () => {
              const s = store.get();
              const mask = input.checked ? [...s.mask, i] : s.mask.filter((k) => k !== i);
              store.set({ mask: [...new Set(mask)].sort((a, b) => a - b) });
            } } });
            return { input, name: label, node: h('label', { class: 'check', dataset: { token: String(i) } }, input, ` ${label}`) };
          });
          maskList.replaceChildren(...maskInputs.map((m) => m.node));
        }
        maskInputs.forEach((m, i) => { m.input.checked = state.mask.includes(i); });

        const z = usedLogits(state);
        const naive = naiveSoftmaxFloat32(z);
        let t = null;
        let refusal = '';
        try {
          t = lab.trace(z);
        } catch (error) {
          refusal = error.message;
        }
        if (rows.length !== z.length) buildRows(z.length);
        const bad = (v) => Number.isNaN(v) || v === Infinity;
        rows.forEach(({ naive: [name, logit, e, q], stable: [name2, d, s, p] }, i) => {
          setText(name, state.labels[i]);
          setText(name2, state.labels[i]);
          show(logit, showLogit(z[i]), { value: z[i] });
          show(e, sig4(naive.exps[i]), { bad: bad(naive.exps[i]), value: naive.exps[i] });
          show(q, sig4(naive.probabilities[i]), { bad: bad(naive.probabilities[i]), value: naive.probabilities[i] });
          if (!t) {
            for (const c of [d, s, p]) show(c, '—');
            return;
          }
          const top = t.shifted[i] === 0;
          const flushed = (v) => v === 0 && z[i] !== -Infinity;
          show(d, top ? '0' : sig4(t.shifted[i]), { value: t.shifted[i] });
          show(s, top ? '1' : flushed(t.exp[i]) ? FLUSHED : sig4(t.exp[i]), { value: t.exp[i] });
          show(p, flushed(t.probabilities[i]) ? FLUSHED : sig4(t.probabilities[i]), { value: t.probabilities[i] });
        });
        show(naiveSum, sig4(naive.sum), { bad: bad(naive.sum), value: naive.sum });
        if (t) show(stableSum, sig4(t.sum), { value: t.sum });
        else show(stableSum, '—');

        const finite = z.filter((v) => v !== -Infinity);
        const m = finite.length ? Math.max(...finite) : -Infinity;
        // Broken: a p that is not a number, or probabilities that no longer add up to 1 (a sum of Infinity or 0).
        const broken = naive.probabilities.some(bad) || naive.sum === Infinity || naive.sum === 0;
        let naiveText = 'every value is finite, and p sums to 1 (within float32’s rounding).';
        if (naive.exps.some((v) => v === Infinity)) naiveText = `exp(${showLogit(m)}) is above float32’s largest number (${formatScientific(FLOAT32_MAX, 2)}), so it is stored as Infinity; the sum is Infinity too, and Infinity / Infinity is NaN (not a number).${naive.probabilities.some((v) => v === 0) ? ' A finite exp(z) divided by Infinity gives 0.' : ''}`;
        else if (naive.sum === Infinity) naiveText = `each exp(z) fits in float32, but their sum passes its largest number (${formatScientific(FLOAT32_MAX, 2)}) and is stored as Infinity: every p is a finite number divided by Infinity, 0, and the probabilities add up to 0.`;
        else if (naive.sum === 0 && finite.length) naiveText = 'every exp(z) is too small for float32 and rounds to 0, so Σ = 0 and every p is 0 / 0 = NaN (not a number).';
        else if (!finite.length) naiveText = 'every token is masked: exp(−∞) = 0 for all, so Σ = 0 and every p is 0 / 0 = NaN (not a number).';
        else if (naive.probabilities.some(bad)) naiveText = 'some p is not a number.';
        const over = m > EXP_OVERFLOW;
        status.update({
          max: { text: finite.length ? `${showLogit(m)}${over ? ` (above ${formatNumber(EXP_OVERFLOW, 2)}: exp(m) overflows float32)` : ''}` : `${MINUS}\u221e (all masked)`,
            value: m, bad: over },
          lse: t ? { text: fixed3(t.logSumExp), value: t.logSumExp } : { text: '—' },
          naive: { text: `${broken ? 'broken' : 'fine'}: ${naiveText}`, bad: broken },
          stable: t ? { text: `fine: m = ${showLogit(m)}, so exp(z − m) ≤ exp(0) = 1 and Σ is between 1 and ${state.logits.length}; every p is finite and they sum to 1.` }
            : { text: `refused: ${refusal}`, bad: true },
        });

        // The parts that give a question's answer away in this very state stay hidden until it is answered.
        const gates = [];
        if (naive.sum === Infinity) gates.push('overflow');
        if (state.shift !== 0) gates.push('plus100');
        if (z.length > 1 && finite.length === 1) gates.push('mask');
        result.dataset.gate = gates.join(' ');
        if (gates.every((id) => ctx.isOpen(id))) {
          ctx.announce(`Largest logit ${showLogit(m)}. Naive float32 softmax ${broken ? 'broken' : 'fine'}. logitlab ${t ? 'fine' : 'refuses: every token is masked'}.`);
        } else {
          ctx.announce('Answer the prediction above to see the result.');
        }
      },
    };
  },
};
