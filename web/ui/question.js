// Predict, then reveal. A question stands before the readout or chart that answers it; that part of the view carries
// data-gate="<question id>" and stays hidden (blurred, inert, out of the accessibility tree) until the learner commits
// an answer. The right answer is computed from the learner's own state at the moment they check, through the logitlab
// module, never stored as a constant. The first answer is the one scored; trying again is allowed and shown as such.
import { h, prose, uid } from './dom.js';

// q: {
//   id,
//   ask: text | (ctx) => text,              the question, possibly phrased for the current state
//   choices: [text] | (ctx) => [text],      the options (a fixed count per question)
//   applies?(ctx) -> boolean                false: no option is true in this state, so the question is not shown
//   answer(ctx) -> index                    the one true option for the current state
//   reveal(ctx, { picked, right }) -> text  the explanation, from the learner's numbers
//   tryIt?: { text, apply(state) -> patch }
// }
const resolve = (x, ctx) => (typeof x === 'function' ? x(ctx) : x);
const plain = (text) => text.replace(/[*`]/g, '');

export function question(q, ctx) {
  const name = uid(`q-${q.id}`);
  const legendText = h('span');
  const labels = [];
  const inputs = [];
  const list = h('div', { class: 'choices' });
  const feedback = h('div', { class: 'feedback', role: 'status', 'aria-live': 'polite' });
  const check = h('button', { type: 'button', class: 'button' }, 'Check my prediction');
  const again = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Try again');
  const tryIt = q.tryIt
    ? h('button', { type: 'button', class: 'button secondary', hidden: true,
      on: { click: () => ctx.store.set(q.tryIt.apply(ctx.store.get())) } }, q.tryIt.text)
    : null;
  const node = h('section', { class: 'question', dataset: { part: 'questions', question: q.id } },
    h('fieldset', null, h('legend', null, h('span', { class: 'predict' }, 'Predict: '), legendText), list),
    h('div', { class: 'question-actions' }, check, again, tryIt), feedback);
  let shownChoices = [];
  let shownAsk = null;
  let locked = false;

  const record = () => ctx.answers()[q.id];

  function setChoices(choices) {
    if (choices.length === shownChoices.length && choices.every((c, i) => c === shownChoices[i])) return;
    shownChoices = choices;
    while (inputs.length < choices.length) {
      const input = h('input', { type: 'radio', name, value: String(inputs.length) });
      const text = h('span');
      inputs.push(input);
      labels.push({ node: h('label', { class: 'radio' }, input, ' ', text), text });
    }
    choices.forEach((c, i) => labels[i].text.replaceChildren(prose(c)));
    list.replaceChildren(...labels.slice(0, choices.length).map((l) => l.node));
  }

  function lock(on) {
    locked = on;
    for (const input of inputs) input.disabled = on;
    check.hidden = on;
    again.hidden = !on;
    if (tryIt) tryIt.hidden = !on;
  }

  check.addEventListener('click', () => {
    const picked = inputs.findIndex((input, i) => i < shownChoices.length && input.checked);
    feedback.replaceChildren();
    feedback.className = 'feedback';
    if (picked < 0) {
      feedback.append(h('p', null, 'Pick an answer first: predicting before you look is the point.'));
      return;
    }
    const right = q.answer(ctx);
    const ok = picked === right;
    const before = record();
    const attempt = (before?.attempts ?? 0) + 1;
    const entry = {
      choice: picked, correct: ok, attempts: attempt,
      first: before?.first ?? { choice: picked, correct: ok },
    };
    lock(true);
    feedback.classList.add(ok ? 'right' : 'wrong');
    const verdict = ok ? '✓ Right. ' : `✗ Not quite: the answer is “${plain(shownChoices[right])}”. `;
    const retry = attempt > 1
      ? ` (Attempt ${attempt}: your first answer, “${plain(shownChoices[entry.first.choice] ?? '')}”, is the one scored.)`
      : '';
    feedback.append(h('p', { class: 'verdict' }, verdict, retry ? h('span', { class: 'attempt' }, retry) : null),
      h('p', null, prose(q.reveal(ctx, { picked, right }))));
    ctx.record(q.id, entry, { choice: plain(shownChoices[picked]), correct: ok, attempt });
  });

  again.addEventListener('click', () => {
    lock(false);
    feedback.replaceChildren();
    feedback.className = 'feedback';
    for (const input of inputs) input.checked = false;
    inputs[0]?.focus();
  });

  return {
    id: q.id,
    node,
    // Whether the question is shown in this state (a question with no true option is hidden).
    shown: () => !node.hidden,
    answered: () => Boolean(record()),
    update() {
      const applies = q.applies ? q.applies(ctx) : true;
      node.hidden = !applies;
      if (!applies) return;
      // Rebuilt only when the wording changes: a control change then costs no layout here.
      const ask = resolve(q.ask, ctx);
      if (shownAsk !== ask) {
        shownAsk = ask;
        legendText.replaceChildren(prose(ask));
      }
      setChoices(resolve(q.choices, ctx));
      if (!locked && record() && !feedback.firstChild) {
        // Answered earlier (for example before the learner left the lesson and came back): show it as answered.
        const r = record();
        inputs[r.choice] && (inputs[r.choice].checked = true);
        lock(true);
        feedback.className = `feedback ${r.correct ? 'right' : 'wrong'}`;
        feedback.append(h('p', { class: 'verdict' }, r.first.correct ? '✓ Answered right at the first try.' : '✗ Answered; the first try was not right.'));
      }
    },
  };
}

// The per-lesson score line: counts only the questions shown in the current state.
export function scoreText(items, answers) {
  const shown = items.filter((q) => q.shown());
  if (shown.length === 0) return '';
  const answered = shown.filter((q) => answers[q.id]);
  const right = answered.filter((q) => answers[q.id].first.correct);
  const all = answered.length === shown.length;
  return `Score: ${right.length} of ${shown.length} right at the first try${all ? ' (every question answered)' : ` (${answered.length} of ${shown.length} answered)`}.`;
}
