// Quiz properties: for every question of every lesson, over at least 200 random states, the option the page marks
// right is the one true option for that state, as an oracle in this file's lesson spec decides it in float64
// (tests/browser/lessons/<id>.js exports `quiz = { [question id]: (state, { ask, choices }) => [true/false per option] }`).
// A question the page hides in a state must be one where the oracle finds no single true option; a question shown must
// have exactly one. Its reveal text must hold its own equalities at the digits it prints.
import { LESSON_IDS } from '../../web/model/state.js';
import { rng } from '../js/reference.js';
import { checkTextEquations } from './audit/printed.js';
import { assert, check, open } from './harness.js';

export const QUIZ_STATES = 200;

const round = (x, d) => Number(x.toPrecision(d));

// A random lesson state: 2–8 tokens with ties and −∞ masks now and then, T over four decades, and the lesson options.
export function randomState(r) {
  const C = 2 + r.int(7);
  const logits = Array.from({ length: C }, () => round(r.uniform(-6, 6), 3));
  if (r.next() < 0.1) logits[1] = logits[0];
  if (r.next() < 0.1) logits[r.int(C)] = -Infinity;
  if (logits.every((z) => z === -Infinity)) logits[0] = 1;
  return {
    logits,
    labels: Array.from({ length: C }, (_, i) => ['cat', 'dog', 'apple', 'bird', 'fish', 'tree', 'car', 'sun'][i]),
    temperature: round(10 ** r.uniform(-2, 2), 3),
    smoothing: r.next() < 0.5 ? 0 : round(r.uniform(0.01, 0.5), 2),
    target: r.int(C),
    focus: r.int(C),
    topK: r.int(C + 1),
    topP: r.next() < 0.4 ? 1 : round(r.uniform(0.05, 1), 2),
    minP: r.next() < 0.5 ? 0 : round(r.uniform(0.01, 0.5), 2),
    temperatureLast: r.next() < 0.5,
    lr: round(10 ** r.uniform(-3, 1), 3),
    shift: round(r.uniform(-120, 120), 1),
    seed: r.int(1000),
  };
}

// Runs in the page: each question's applies/ask/choices/answer/reveal for each state, through the lesson's own code.
async function askPage(page, lesson, states) {
  return page.evaluate(async ({ lesson, states }) => {
    const origin = location.origin;
    const [{ LESSONS }, { createStore }, { defaults }, { default: createLogitLab }] = await Promise.all([
      import(`${origin}/lessons/index.js`), import(`${origin}/model/store.js`), import(`${origin}/model/state.js`),
      import(`${origin}/logitlab.js`)]);
    const lab = await createLogitLab();
    const spec = LESSONS.find((l) => l.id === lesson);
    const resolve = (x, ctx) => (typeof x === 'function' ? x(ctx) : x);
    const fromJson = (s) => ({ ...s, logits: s.logits.map((v) => (v === null ? -Infinity : v)) });
    return states.map((raw) => {
      const store = createStore({ ...defaults(), ...fromJson(raw), lesson });
      const ctx = { lab, store, announce() {}, embedded: false, lessonId: lesson, heading: () => null,
        answers: () => ({}), isOpen: () => true, question: () => null, record() {} };
      const state = store.get();
      const normalised = { ...state, logits: state.logits.map((v) => (v === -Infinity ? null : v)) };
      return { state: normalised, questions: spec.questions.map((q) => {
        try {
          const applies = q.applies ? q.applies(ctx) : true;
          const ask = resolve(q.ask, ctx);
          const choices = resolve(q.choices, ctx);
          if (!applies) return { id: q.id, applies, ask, choices };
          const answer = q.answer(ctx);
          const reveal = q.reveal(ctx, { picked: answer, right: answer });
          return { id: q.id, applies, ask, choices, answer, reveal };
        } catch (error) {
          return { id: q.id, error: String(error.message ?? error) };
        }
      }) };
    });
  }, { lesson, states: states.map((s) => ({ ...s, logits: s.logits.map((v) => (v === -Infinity ? null : v)) })) });
}

const toState = (s) => ({ ...s, logits: s.logits.map((v) => (v === null ? -Infinity : v)) });

export function registerQuiz(specs) {
  for (const lesson of LESSON_IDS) {
    check(`quiz properties: ${lesson} — over ${QUIZ_STATES} random states each question marks its one true option right`, async () => {
      const oracles = specs[lesson] ?? {};
      const { page, context } = await open(`?lesson=${lesson}`);
      await page.waitForSelector('article.lesson[data-ready="true"]', { timeout: 15_000 });
      const r = rng(0x5eed + LESSON_IDS.indexOf(lesson));
      const states = Array.from({ length: QUIZ_STATES }, () => randomState(r));
      const answers = await askPage(page, lesson, states);
      await context.close();
      const failures = [];
      const ids = answers[0].questions.map((q) => q.id);
      const missing = ids.filter((id) => !oracles[id]);
      assert(missing.length === 0, `${lesson}: no oracle for question(s) ${missing.join(', ')}`);
      const shownCount = Object.fromEntries(ids.map((id) => [id, 0]));
      answers.forEach(({ state: raw, questions }, k) => {
        const state = toState(raw);
        const where = (id) => `${lesson}/${id}, state ${k} (logits ${state.logits.join(', ')}, T ${state.temperature}, ε ${state.smoothing}, target ${state.target}, topK ${state.topK}, topP ${state.topP}, minP ${state.minP}, lr ${state.lr}, shift ${state.shift})`;
        for (const q of questions) {
          if (q.error) {
            failures.push(`${where(q.id)}: threw ${q.error}`);
            continue;
          }
          const truths = oracles[q.id](state, q);
          const trueCount = truths.filter(Boolean).length;
          if (q.applies) {
            shownCount[q.id] += 1;
            if (trueCount !== 1) failures.push(`${where(q.id)}: shown with ${trueCount} true options (${q.choices.map((c, i) => `${truths[i] ? 'T' : 'F'} “${c}”`).join(', ')})`);
            else if (!truths[q.answer]) failures.push(`${where(q.id)}: marks “${q.choices[q.answer]}” right; the true option is “${q.choices[truths.indexOf(true)]}”`);
            failures.push(...checkTextEquations(`${where(q.id)} reveal`, q.reveal));
            if (/\bNaN\b/.test(q.reveal)) failures.push(`${where(q.id)}: the reveal prints NaN: ${q.reveal}`);
          } else if (trueCount === 1) {
            failures.push(`${where(q.id)}: hidden, though “${q.choices[truths.indexOf(true)]}” is its one true option`);
          }
        }
      });
      for (const id of ids)
        if (shownCount[id] < QUIZ_STATES / 4) failures.push(`${lesson}/${id}: shown in only ${shownCount[id]} of ${QUIZ_STATES} random states`);
      assert(failures.length === 0, `${failures.length} failure(s):\n    ${failures.slice(0, 20).join('\n    ')}`);
    }, { timeout: 120_000 });
  }
}
