// Predict, then reveal: the learner commits to an answer before the page computes it. The right answer is computed
// from the learner's own numbers at the moment they check (through the logitlab module), never stored as a constant.
import { h, prose, uid } from './dom.js';

// q: { id, ask, choices: [text], answer(ctx) -> index, reveal(ctx) -> text, tryIt?: { text, apply(state) -> patch } }
export function question(q, ctx) {
  const name = uid(`q-${q.id}`);
  const choices = q.choices.map((text, i) => {
    const input = h('input', { type: 'radio', name, value: String(i) });
    return { input, label: h('label', { class: 'radio' }, input, ' ', prose(text)) };
  });
  const feedback = h('div', { class: 'feedback', role: 'status', 'aria-live': 'polite' });
  const check = h('button', { type: 'button', class: 'button' }, 'Check my prediction');
  const tryIt = q.tryIt
    ? h('button', { type: 'button', class: 'button secondary', hidden: true,
      on: { click: () => ctx.store.set(q.tryIt.apply(ctx.store.get())) } }, q.tryIt.text)
    : null;
  check.addEventListener('click', () => {
    const picked = choices.findIndex((c) => c.input.checked);
    feedback.replaceChildren();
    feedback.className = 'feedback';
    if (picked < 0) {
      feedback.append(h('p', null, 'Pick an answer first: predicting before you look is the point.'));
      return;
    }
    const right = q.answer(ctx);
    const ok = picked === right;
    feedback.classList.add(ok ? 'right' : 'wrong');
    feedback.append(
      h('p', { class: 'verdict' }, ok ? '✓ Right. ' : `✗ Not quite: the answer is “${q.choices[right].replace(/[*`]/g, '')}”. `),
      h('p', null, prose(q.reveal(ctx))));
    if (tryIt) tryIt.hidden = false;
  });
  return h('section', { class: 'question', dataset: { part: 'questions', question: q.id } },
    h('fieldset', null, h('legend', null, h('span', { class: 'predict' }, 'Predict: '), prose(q.ask)),
      choices.map((c) => c.label)),
    h('div', { class: 'question-actions' }, check, tryIt), feedback);
}
