// Lesson 5: why softmax subtracts the max. A deliberately naive float32 softmax (web/model/naive.js, labelled as
// such on the page) beside the logitlab module; and masking with −∞.
import { EXP_OVERFLOW, naiveSoftmaxFloat32 } from '../model/naive.js';
import { formatDecimal, formatNumber, formatProbability } from '../model/format.js';
import { button, rangeField, readouts, vocabularyFields } from '../ui/controls.js';
import { h, setText, scrollBox } from '../ui/dom.js';
import { maxAbsDifference } from './shared.js';

function effectiveLogits(state) {
  return state.logits.map((z, i) => (state.mask.includes(i) ? -Infinity : z + state.shift));
}

function cell(value, format) {
  const bad = Number.isNaN(value) || value === Infinity;
  return { text: format(value), bad };
}

export default {
  id: 'stability',
  title: 'Numerical stability',
  summary: 'exp overflows float32 beyond 88.72. Subtracting the largest logit first keeps softmax finite for any logits.',
  intro: [
    'A float32 number tops out near 3.4 × 10³⁸, and exp(88.72) is already that large. So in float32, exp of any logit above 88.72 is Infinity — and Infinity divided by Infinity is NaN. At the other end, exp of anything below about −103 rounds to 0, and if every term does, softmax computes 0 / 0, which is NaN again.',
    'Large logits are not exotic: a confident model produces them, and so does a low temperature — dividing by T = 0.01 multiplies every logit by 100.',
    'The cure costs nothing. Subtract the largest logit before exponentiating: the largest term becomes exp(0) = 1, no term can overflow, and the sum lies between 1 and C. The answer is the same distribution, because the common factor cancels.',
    'The middle columns below are a **deliberately naive** float32 softmax, written in JavaScript for this lesson so that it fails. The last column is the logitlab module.',
  ],
  notes: [
    'Naive softmax overflows once a logit passes ln(3.4 × 10³⁸) ≈ 88.72 and underflows to 0 / 0 when every logit is below about −103.',
    'Subtracting the max makes the largest exponential exactly 1; the result does not change.',
    'A logit of −∞ masks a token: exp(−∞) = 0. Masking every token leaves nothing to normalise, and the module says so instead of returning NaN.',
  ],
  questions: [
    {
      id: 'plus100',
      ask: 'Add 100 to every logit. What does the stable softmax (the logitlab column) show?',
      choices: ['The same probabilities as before', 'Infinity and NaN, like the naive one', 'All tokens equal'],
      answer({ lab, store }) {
        const z = store.get().logits;
        return maxAbsDifference(lab.softmax(z), lab.softmax(z.map((v) => v + 100))) < 1e-5 ? 0 : 1;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const naive = naiveSoftmaxFloat32(s.logits.map((v) => Math.fround(v + 100)));
        const stable = lab.softmax(s.logits.map((v) => v + 100));
        return `After subtracting the new maximum, the shifted logits are exactly what they were. “${s.labels[0]}”: logitlab ${formatProbability(stable[0])}, naive ${formatDecimal(naive.probabilities[0])}.`;
      },
      tryIt: { text: 'Add 100 to every logit', apply: () => ({ shift: 100, mask: [] }) },
    },
    {
      id: 'mask',
      ask: 'Mask every token but one with −∞. What probability does the remaining token get?',
      choices: ['100%', 'NaN', 'It depends on its logit'],
      answer({ lab, store }) {
        const z = store.get().logits.map((v, i) => (i === 0 ? v : -Infinity));
        const p = lab.softmax(z)[0];
        return Number.isNaN(p) ? 1 : p === 1 ? 0 : 2;
      },
      reveal({ lab, store }) {
        const s = store.get();
        const z = s.logits.map((v, i) => (i === 0 ? v : -Infinity));
        return `softmax gives [${Array.from(lab.softmax(z), (v) => formatNumber(v, 3)).join(', ')}]: exp(−∞) = 0, so the lone token gets everything whatever its logit.`;
      },
      tryIt: { text: 'Mask all but the first', apply: (s) => ({ mask: s.logits.map((_, i) => i).slice(1), shift: 0 }) },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const fields = vocabularyFields(store);
    const shift = rangeField({ label: 'Add to every logit', min: -120, max: 120, step: 0.5, get: (s) => s.shift,
      set: (v) => store.set({ shift: v }), valueText: (v) => (v >= 0 ? `+${formatNumber(v, 1)}` : formatNumber(v, 1)) });
    const presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Shift presets' },
      button('Push the largest logit to 90', () => {
        const s = store.get();
        store.set({ shift: Math.min(120, 90 - Math.max(...s.logits)) });
      }, { class: 'chip' }),
      button('Raise the first token alone to 100', () => {
        const s = store.get();
        store.set({ logits: [100, ...s.logits.slice(1)], shift: 0, mask: s.mask.filter((i) => i !== 0) });
      }, { class: 'chip' }),
      button('Drop every logit below −105', () => {
        const s = store.get();
        store.set({ shift: Math.max(-120, -105 - Math.max(...s.logits)) });
      }, { class: 'chip' }),
      button('No shift', () => store.set({ shift: 0 }), { class: 'chip' }));
    const masks = h('fieldset', { class: 'masks' }, h('legend', null, 'Mask with −∞'));
    const maskList = h('div', { class: 'mask-list' });
    masks.append(maskList);
    const body = h('tbody');
    const table = scrollBox('Naive against stable softmax', h('table', { class: 'numbers compare' },
      h('caption', null, 'Naive float32 softmax (deliberately naive JavaScript) against the logitlab module'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Token'), h('th', { scope: 'col', class: 'num' }, 'Logit z'),
        h('th', { scope: 'col', class: 'num naive' }, 'Naive exp(z)'), h('th', { scope: 'col', class: 'num naive' }, 'Naive p'),
        h('th', { scope: 'col', class: 'num' }, 'logitlab p'))), body));
    const status = readouts([
      { key: 'max', label: 'Largest logit' },
      { key: 'sum', label: 'Naive Σ exp(z)' },
      { key: 'naive', label: 'Naive softmax' },
      { key: 'stable', label: 'logitlab softmax' },
    ]);
    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('Push the logits around'), shift.node, presets, masks),
      h('section', { class: 'panel' }, ctx.heading('Naive against stable'), table, status.node),
      h('section', { class: 'panel' }, fields.node));
    let maskInputs = [];

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
            return { input, name: label, node: h('label', { class: 'check' }, input, ` ${label}`) };
          });
          maskList.replaceChildren(...maskInputs.map((m) => m.node));
        }
        maskInputs.forEach((m, i) => { m.input.checked = state.mask.includes(i); });

        const z = effectiveLogits(state);
        const naive = naiveSoftmaxFloat32(z);
        let stable = null;
        let refusal = '';
        try {
          stable = lab.softmax(z);
        } catch (error) {
          refusal = error.message;
        }
        if (body.children.length !== z.length)
          body.replaceChildren(...z.map(() => h('tr', null, h('th', { scope: 'row' }), h('td', { class: 'num' }),
            h('td', { class: 'num naive' }), h('td', { class: 'num naive' }), h('td', { class: 'num' }))));
        [...body.children].forEach((tr, i) => {
          const [name, logit, e, q, p] = tr.children;
          setText(name, state.labels[i]);
          setText(logit, formatNumber(z[i], 2));
          const ce = cell(naive.exps[i], (v) => formatDecimal(v, 3));
          const cq = cell(naive.probabilities[i], (v) => formatDecimal(v, 3));
          setText(e, ce.text);
          e.classList.toggle('bad', ce.bad);
          setText(q, cq.text);
          q.classList.toggle('bad', cq.bad);
          q.dataset.value = String(naive.probabilities[i]);
          setText(p, stable ? formatDecimal(stable[i], 4) : 'error');
          p.classList.toggle('bad', !stable);
          if (stable) p.dataset.value = String(stable[i]);
          else delete p.dataset.value;
        });
        const top = Math.max(...z);
        const broken = naive.probabilities.some((v) => Number.isNaN(v) || v === Infinity);
        let naiveText = 'fine: every value is finite';
        if (naive.sum === Infinity) naiveText = `broken: exp(${formatNumber(top, 2)}) overflows (> 88.72), so Σ = Infinity and Infinity / Infinity = NaN`;
        else if (naive.sum === 0) naiveText = 'broken: every exp(z) underflowed to 0, so p = 0 / 0 = NaN';
        else if (broken) naiveText = 'broken: NaN';
        status.update({
          max: { text: `${formatNumber(top, 2)}${top > EXP_OVERFLOW ? ` (above ln of float32’s largest, ${formatNumber(EXP_OVERFLOW, 2)})` : ''}`, value: top, bad: top > EXP_OVERFLOW },
          sum: cell(naive.sum, (v) => formatDecimal(v, 4)),
          naive: { text: naiveText, bad: broken },
          stable: stable ? { text: 'finite, sums to 1' } : { text: `refused: ${refusal}`, bad: true },
        });
        ctx.announce(`Largest logit ${formatNumber(top, 1)}. Naive softmax ${broken ? 'broken' : 'fine'}. logitlab ${stable ? 'fine' : 'refuses: every token is masked'}.`);
      },
    };
  },
};
