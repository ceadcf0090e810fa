// One lesson alone, for an iframe in a course page: embed.html?lesson=temperature&logits=2,1,0.1&labels=cat,dog,apple
// &hide=intro,questions. It reports its height to the host (see resize.js) so the host can size the iframe.
import { LESSON_IDS, stateFromQuery, toQuery } from './model/state.js';
import { reportHeight } from './resize.js';
import { lessonById, loadLab, mountLesson } from './runtime.js';
import { createStore } from './model/store.js';
import { h } from './ui/dom.js';

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);

async function start() {
  const { state, problems } = stateFromQuery(location.search);
  const lesson = state.lesson || 'temperature';
  const report = reportHeight({ lesson, id: params.get('id') ?? '' });
  if (params.has('lesson') && !state.lesson) {
    main.replaceChildren(h('p', { class: 'error-box', role: 'alert' },
      `Unknown lesson “${params.get('lesson')}”. Use one of: ${LESSON_IDS.join(', ')}.`));
    report();
    return;
  }
  let lab;
  try {
    lab = await loadLab();
  } catch (error) {
    main.replaceChildren(h('p', { class: 'error-box', role: 'alert' }, `The logitlab module could not be loaded: ${error.message}`));
    report();
    return;
  }
  const store = createStore({ ...state, lesson });
  const holder = h('div');
  main.replaceChildren(holder);
  mountLesson(holder, { id: lesson, store, lab, embedded: true });
  if (problems.length) main.prepend(h('p', { class: 'notice', role: 'status' }, `Ignored: ${problems.join('; ')}.`));
  const full = h('a', { href: `./${toQuery(store.get())}`, target: '_blank', rel: 'noopener' }, 'Open in the full lessons ↗');
  const footer = h('footer', { class: 'embed-footer', dataset: { part: 'footer' } },
    h('span', null, `logitlab · ${lessonById(lesson).title}`), full);
  if (store.get().hide.includes('footer')) footer.classList.add('part-hidden');
  main.append(footer);
  let timer = 0;
  store.subscribe((s) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // Keep the host's frame id in our own address; the rest is the state.
      const id = params.get('id');
      const own = toQuery(s);
      const query = own + (id ? `${own ? '&' : '?'}id=${encodeURIComponent(id)}` : '');
      history.replaceState(null, '', query || location.pathname);
      full.href = `./${toQuery({ ...s, hide: [] })}`;
    }, 150);
  });
  document.documentElement.dataset.ready = 'true';
  report();
}

start();
