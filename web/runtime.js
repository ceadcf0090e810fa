// Shared by the lessons page, the embed page and <logitlab-lesson>: loads the logitlab module (the only source of the
// numbers shown) and mounts one lesson — its prose, its view, its predict-then-reveal questions — on a store.
import createLogitLab from './logitlab.js';
import { LESSONS } from './lessons/index.js';
import { h, paragraphs, prose } from './ui/dom.js';
import { announcer } from './ui/live.js';
import { question, scoreText } from './ui/question.js';

const builds = new Map();

// The module, once per page: the build the browser supports best, or with { simd } a specific one (the scale lesson
// times both).
export function loadLab(options = {}) {
  const key = options.simd === undefined ? 'auto' : String(options.simd);
  if (!builds.has(key)) {
    const promise = createLogitLab(options);
    promise.catch(() => builds.delete(key));
    builds.set(key, promise);
  }
  return builds.get(key);
}

export function lessonById(id) {
  return LESSONS.find((l) => l.id === id);
}

// Marks hidden parts with a class (never a style attribute): hide=title,questions.
function applyHidden(root, hide) {
  for (const node of root.querySelectorAll('[data-part]')) node.classList.toggle('part-hidden', hide.includes(node.dataset.part));
}

// Opens or closes the parts of a view that give a question's answer away (data-gate="id [id…]"): closed while any
// question they name is shown and not yet answered. A closed part is blurred, inert and hidden from screen readers.
function applyGates(root, isOpen) {
  for (const node of root.querySelectorAll('[data-gate]')) {
    const closed = node.dataset.gate.split(/\s+/).some((id) => !isOpen(id));
    node.classList.toggle('gated', closed);
    node.dataset.gateNote ??= 'Answer the prediction above to see this';
    node.inert = closed;
    if (closed) node.setAttribute('aria-hidden', 'true');
    else node.removeAttribute('aria-hidden');
  }
}

// Linked tokens: hovering or focusing anything marked data-token="k" (a bar, a table row, a formula term, a control)
// lights every element of the lesson marked with the same token.
function linkTokens(article) {
  let lit = null;
  const light = (token) => {
    if (token === lit) return;
    for (const node of article.querySelectorAll('.linked')) node.classList.remove('linked');
    lit = token;
    if (token !== null) for (const node of article.querySelectorAll(`[data-token="${CSS.escape(token)}"]`)) node.classList.add('linked');
  };
  const from = (event) => event.target.closest?.('[data-token]')?.dataset.token ?? null;
  article.addEventListener('pointerover', (event) => light(from(event)));
  article.addEventListener('pointerleave', () => light(null));
  article.addEventListener('focusin', (event) => light(from(event)));
  article.addEventListener('focusout', () => light(null));
}

// Mounts lesson `id` into `container`. Returns { article, destroy }. onAnswer({ lesson, question, choice, correct,
// attempt, score }) is called when the learner commits an answer (the host page's events hang on it).
export function mountLesson(container, { id, store, lab, headingLevel = 1, embedded = false, onAnswer }) {
  const lesson = lessonById(id);
  const index = LESSONS.indexOf(lesson);
  const { node: liveNode, announce } = announcer();
  const sub = Math.min(6, headingLevel + 1);
  const answers = () => store.get().answers?.[id] ?? {};
  const placed = new Set();
  let items = [];
  const ctx = {
    lab,
    store,
    announce,
    loadLab,
    embedded,
    lessonId: id,
    heading: (text, props) => h(`h${sub}`, props, text),
    answers,
    // The view puts question `qid` where it belongs: before the part that answers it.
    question(qid) {
      const item = items.find((q) => q.id === qid);
      if (!item) throw new Error(`lesson ${id}: no question ${qid}`);
      placed.add(qid);
      return item.node;
    },
    // True once question `qid` may be given away: answered, not shown in this state, or hidden by the embed.
    isOpen(qid) {
      const item = items.find((q) => q.id === qid);
      return !item || Boolean(answers()[qid]) || !item.shown() || store.get().hide.includes('questions');
    },
    record(qid, entry, event) {
      const all = store.get().answers ?? {};
      store.set({ answers: { ...all, [id]: { ...answers(), [qid]: entry } } });
      onAnswer?.({ lesson: id, question: qid, ...event, score: score() });
    },
  };
  items = lesson.questions.map((q) => question(q, ctx));
  function score() {
    const shown = items.filter((q) => q.shown());
    const right = shown.filter((q) => answers()[q.id]?.first.correct).length;
    return { right, answered: shown.filter((q) => answers()[q.id]).length, shown: shown.length };
  }
  const title = h(`h${headingLevel}`, { class: 'lesson-title', tabindex: '-1' },
    embedded ? null : [h('span', { class: 'lesson-number' }, `Lesson ${index + 1} of ${LESSONS.length}`), ' '], lesson.title);
  const scoreLine = h('p', { class: 'lesson-score', dataset: { part: 'questions' } });
  const header = h('header', { class: 'lesson-header', dataset: { part: 'title' } }, title,
    h('p', { class: 'lesson-summary' }, prose(lesson.summary)), scoreLine);
  const intro = h('div', { class: 'lesson-intro prose', dataset: { part: 'intro' } }, paragraphs(lesson.intro));
  const errorBox = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const view = lesson.view(ctx);
  const rest = items.filter((q) => !placed.has(q.id));
  const questions = rest.length
    ? h('section', { class: 'questions', dataset: { part: 'questions' } }, ctx.heading('Predict, then check'),
      rest.map((q) => q.node))
    : null;
  const notes = lesson.notes?.length
    ? h('section', { class: 'notes prose', dataset: { part: 'notes' } }, ctx.heading('Take away'),
      h('ul', null, lesson.notes.map((t) => h('li', null, prose(t)))))
    : null;
  const article = h('article', { class: 'lesson', dataset: { lesson: id } }, header, intro, errorBox, view.node,
    questions, notes, liveNode);
  container.replaceChildren(article);
  linkTokens(article);

  function render(state) {
    try {
      for (const q of items) q.update(state);
      view.update(state);
      errorBox.hidden = true;
    } catch (error) {
      // A state the module refuses (it throws on bad input) is shown, not swallowed.
      errorBox.hidden = false;
      errorBox.textContent = `This view could not be computed: ${error.message}`;
    }
    const score = scoreText(items, answers());
    if (scoreLine.textContent !== score) scoreLine.textContent = score;  // unchanged text costs no layout
    applyHidden(article, state.hide);
    applyGates(article, ctx.isOpen);
  }
  const unsubscribe = store.subscribe((state) => render(state));
  render(store.get());
  article.dataset.ready = 'true';
  return {
    article,
    title,
    destroy() {
      unsubscribe();
      view.destroy?.();
    },
  };
}
