// The one state object of a lesson view, with subscribers. Every change goes through set(), is normalised (indices in
// range, labels matched to logits) and reaches every view; the page serialises it to the URL.
import { normalise } from './state.js';

function same(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  return false;
}

export function createStore(initial) {
  let state = normalise(initial);
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      const next = normalise({ ...state, ...patch });
      const changed = Object.keys(next).filter((k) => !same(next[k], state[k]));
      if (changed.length === 0) return;
      state = next;
      for (const fn of listeners) fn(state, changed);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
