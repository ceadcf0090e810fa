// One polite live region per lesson: results are announced once the learner pauses, not on every key repeat.
import { h } from './dom.js';

export function announcer(delay = 500) {
  const node = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  let timer = 0;
  function announce(text) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      node.textContent = text;
    }, delay);
  }
  return { node, announce };
}
