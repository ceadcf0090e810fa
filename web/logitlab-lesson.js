// <logitlab-lesson lesson="temperature" logits="2,1,0.1" labels="cat,dog,apple"></logitlab-lesson>
// One module script defines the element. Each element is a lesson in its own shadow root with the lessons' stylesheet
// (loaded from beside this script, so no inline style is needed); attributes use the same names as the embed's URL
// parameters (FIELD_NAMES: lesson, logits, labels, temperature, seed, hide, target, topk, topp, minp, order, …).
// It fires a "logitlab-change" event (detail: the state) when the learner changes something.
import { FIELD_NAMES, LESSON_IDS, stateFromRecord } from './model/state.js';
import { loadLab, mountLesson } from './runtime.js';
import { createStore } from './model/store.js';
import { h } from './ui/dom.js';

const ATTRIBUTES = FIELD_NAMES;
const STYLESHEET = new URL('./style.css', import.meta.url).href;

function recordOf(element) {
  const record = {};
  for (const name of ATTRIBUTES) {
    const value = element.getAttribute(name);
    // Attributes are plain text: escape what the URL decoder would read as escapes, keep commas as separators.
    if (value !== null) record[name] = value.replace(/%/g, '%25');
  }
  return record;
}

export class LogitlabLesson extends HTMLElement {
  static observedAttributes = ATTRIBUTES;

  #store = null;
  #mounted = null;
  #lessonId = '';
  #root = null;
  #holder = null;
  #pending = null;

  connectedCallback() {
    if (!this.#root) {
      this.#root = this.attachShadow({ mode: 'open' });
      const sheet = h('link', { rel: 'stylesheet', href: STYLESHEET });
      this.#holder = h('div', { class: 'll-theme ll-element' }, h('p', { class: 'loading' }, 'Loading the logitlab module…'));
      this.#root.append(sheet, this.#holder);
    }
    this.#pending ??= this.#render();
  }

  disconnectedCallback() {
    this.#mounted?.destroy();
    this.#mounted = null;
    this.#pending = null;
  }

  attributeChangedCallback() {
    if (!this.#store) return;
    const { state } = stateFromRecord(recordOf(this));
    const lesson = LESSON_IDS.includes(state.lesson) ? state.lesson : 'temperature';
    if (lesson !== this.#lessonId) {
      this.#pending = this.#render();
    } else {
      this.#store.set(state);
    }
  }

  get state() {
    return this.#store?.get();
  }

  async #render() {
    let lab;
    try {
      lab = await loadLab();
    } catch (error) {
      this.#holder.replaceChildren(h('p', { class: 'error-box', role: 'alert' }, `The logitlab module could not be loaded: ${error.message}`));
      return;
    }
    if (!this.isConnected) return;
    // Read the attributes now: they may have changed while the module loaded.
    const { state, problems } = stateFromRecord(recordOf(this));
    const lesson = state.lesson || 'temperature';
    this.#mounted?.destroy();
    this.#lessonId = lesson;
    this.#store = createStore({ ...state, lesson });
    this.#store.subscribe((s) => this.dispatchEvent(new CustomEvent('logitlab-change', { detail: s, bubbles: true, composed: true })));
    const level = Number(this.getAttribute('heading-level')) || 2;
    this.#mounted = mountLesson(this.#holder, { id: lesson, store: this.#store, lab, headingLevel: Math.min(5, Math.max(1, level)), embedded: true });
    if (problems.length) this.#holder.prepend(h('p', { class: 'notice', role: 'status' }, `Ignored: ${problems.join('; ')}.`));
    this.dataset.ready = 'true';
    this.dispatchEvent(new CustomEvent('logitlab-ready', { bubbles: true, composed: true }));
  }
}

if (!customElements.get('logitlab-lesson')) customElements.define('logitlab-lesson', LogitlabLesson);
