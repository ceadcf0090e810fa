// Shared by the lessons page, the embed page and <logitlab-lesson>: loads the logitlab module (the only source of the
// numbers shown) and mounts one lesson — its prose, its view, its predict-then-reveal questions — on a store.
import createLogitLab from './logitlab.js';
import { LESSONS } from './lessons/index.js';
import { h, paragraphs, prose } from './ui/dom.js';
import { announcer } from './ui/live.js';
import { question } from './ui/question.js';

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

// Mounts lesson `id` into `container`. Returns { article, destroy }.
export function mountLesson(container, { id, store, lab, headingLevel = 1, embedded = false }) {
  const lesson = lessonById(id);
  const index = LESSONS.indexOf(lesson);
  const { node: liveNode, announce } = announcer();
  const sub = Math.min(6, headingLevel + 1);
  const ctx = {
    lab,
    store,
    announce,
    loadLab,
    embedded,
    heading: (text, props) => h(`h${sub}`, props, text),
  };
  const title = h(`h${headingLevel}`, { class: 'lesson-title', tabindex: '-1' },
    h('span', { class: 'lesson-number' }, `Lesson ${index + 1} of ${LESSONS.length}`), ' ', lesson.title);
  const header = h('header', { class: 'lesson-header', dataset: { part: 'title' } }, title,
    h('p', { class: 'lesson-summary' }, prose(lesson.summary)));
  const intro = h('div', { class: 'lesson-intro prose', dataset: { part: 'intro' } }, paragraphs(lesson.intro));
  const errorBox = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const view = lesson.view(ctx);
  const questions = lesson.questions.length
    ? h('section', { class: 'questions', dataset: { part: 'questions' } }, ctx.heading('Predict, then check'),
      lesson.questions.map((q) => question(q, ctx)))
    : null;
  const notes = lesson.notes?.length
    ? h('section', { class: 'notes prose', dataset: { part: 'notes' } }, ctx.heading('Take away'),
      h('ul', null, lesson.notes.map((t) => h('li', null, prose(t)))))
    : null;
  const article = h('article', { class: 'lesson', dataset: { lesson: id } }, header, intro, errorBox, view.node,
    questions, notes, liveNode);
  container.replaceChildren(article);

  function render(state) {
    try {
      view.update(state);
      errorBox.hidden = true;
    } catch (error) {
      // A state the module refuses (it throws on bad input) is shown, not swallowed.
      errorBox.hidden = false;
      errorBox.textContent = `This view could not be computed: ${error.message}`;
    }
    applyHidden(article, state.hide);
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
