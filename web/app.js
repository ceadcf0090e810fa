// The lessons page: the index at /, one lesson at /?lesson=ID. One state object lives in the URL (replaceState while
// you work, pushState when you change lesson), so every view is a shareable link.
import { LESSONS } from './lessons/index.js';
import { stateFromQuery, toQuery } from './model/state.js';
import { lessonById, loadLab, mountLesson } from './runtime.js';
import { createStore } from './model/store.js';
import { h, prose } from './ui/dom.js';

const main = document.getElementById('main');
const list = document.getElementById('lesson-list');

function hrefFor(state, lesson) {
  return `./${toQuery({ ...state, lesson, draws: lesson === 'sampling' ? state.draws : 0 })}`;
}

function renderNav(state) {
  list.replaceChildren(...LESSONS.map((l, i) => h('li', null, h('a', {
    href: hrefFor(state, l.id), dataset: { nav: l.id }, 'aria-current': state.lesson === l.id ? 'page' : undefined,
  }, h('span', { class: 'nav-number' }, String(i + 1)), ' ', l.title))));
  // On a phone the list scrolls sideways: bring the current lesson into view.
  const currentLink = list.querySelector('[aria-current="page"]');
  if (currentLink && list.scrollWidth > list.clientWidth)
    list.scrollLeft += currentLink.getBoundingClientRect().left - list.getBoundingClientRect().left - 16;
}

function renderIndex(state) {
  document.title = 'logitlab lessons: from logits to loss';
  main.replaceChildren(h('div', { class: 'index' },
    h('h1', { tabindex: '-1' }, 'From logits to loss'),
    h('p', { class: 'lede' }, prose('How does a language model turn its raw scores into probabilities, choose a word, and learn from its mistakes? Eight short, hands-on lessons, each usable alone: predict first, then see the answer computed from your own numbers. Every number is computed live by the logitlab WebAssembly module as you move the controls.')),
    h('ol', { class: 'lesson-cards' }, LESSONS.map((l, i) => h('li', { class: 'card' },
      h('a', { href: hrefFor(state, l.id), dataset: { nav: l.id } }, h('span', { class: 'card-number' }, `Lesson ${i + 1}`), h('span', { class: 'card-title' }, l.title)),
      h('p', null, prose(l.summary))))),
    h('p', { class: 'index-note' }, prose('Keyboard: every control works with Tab and the arrow keys; the bars in lesson 1 take Page Up/Down, Home and End too. Each view is a link: copy the address to share exactly what you see, seed included.'))));
}

let current = null;
let lab = null;
let store = null;

function lessonFooter(state) {
  const i = LESSONS.findIndex((l) => l.id === state.lesson);
  const prev = LESSONS[i - 1];
  const next = LESSONS[i + 1];
  return h('nav', { class: 'pager', 'aria-label': 'Previous and next lesson' },
    prev ? h('a', { href: hrefFor(state, prev.id), dataset: { nav: prev.id }, rel: 'prev' }, `← ${prev.title}`) : h('span'),
    next ? h('a', { href: hrefFor(state, next.id), dataset: { nav: next.id }, rel: 'next' }, `${next.title} →`) : h('a', { href: hrefFor(state, ''), dataset: { nav: 'index' } }, 'All lessons'));
}

function show(state, { focus = false } = {}) {
  current?.destroy();
  current = null;
  renderNav(state);
  if (!state.lesson) {
    renderIndex(state);
  } else {
    const holder = h('div');
    main.replaceChildren(holder);
    current = mountLesson(holder, { id: state.lesson, store, lab });
    main.append(lessonFooter(state));
    document.title = `${lessonById(state.lesson).title} · logitlab lessons`;
  }
  if (focus) (main.querySelector('h1') ?? main).focus();
}

let urlTimer = 0;
function syncUrl(state) {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const query = toQuery(state);
    if (query !== location.search) history.replaceState(null, '', query || location.pathname);
    renderNav(state);
    const pager = main.querySelector('.pager');
    if (pager && state.lesson) pager.replaceWith(lessonFooter(state));
  }, 150);
}

function navigate(target, { push = true } = {}) {
  const lesson = target === 'index' ? '' : target;
  store.set({ lesson, hide: [] });
  const state = store.get();
  if (push) history.pushState(null, '', toQuery(state) || location.pathname);
  show(state, { focus: true });
  window.scrollTo(0, 0);
}

document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-nav]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.dataset.nav);
});

window.addEventListener('popstate', () => {
  const { state } = stateFromQuery(location.search);
  store.set(state);
  show(store.get(), { focus: true });
});

async function start() {
  const { state, problems } = stateFromQuery(location.search);
  renderNav(state);
  try {
    lab = await loadLab();
  } catch (error) {
    main.replaceChildren(h('div', { class: 'error-box', role: 'alert' },
      h('p', null, `The logitlab module could not be loaded: ${error.message}`),
      h('p', null, 'Serve this folder over http (npm start) rather than opening the file directly, and use a browser with WebAssembly.')));
    return;
  }
  store = createStore(state);
  store.subscribe((s, changed) => {
    if (changed.includes('lesson')) return;
    syncUrl(s);
  });
  show(store.get());
  if (problems.length) {
    main.prepend(h('p', { class: 'notice', role: 'status' }, `Some link parameters were ignored: ${problems.join('; ')}.`));
  }
  document.documentElement.dataset.ready = 'true';
  if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
}

start();
