// A line under a box that scrolls sideways, shown only while the box's content is wider than the box: the edge
// shadows (.scroll-shadow) say where more is, this line says that there is more. A ResizeObserver reads the sizes
// after layout, so an update of the content never forces a layout of its own. Lessons 1 and 2 (the softmax steps
// table and the formula with the learner's numbers).
import { h } from './dom.js';

// box: the scrolling element; content: the element inside it whose width is the content's (a table, or a wrapper of
// width max-content).
export function overflowCue(box, content, text = 'Wider than your screen: scroll it sideways to see all of it ⟷') {
  const cue = h('p', { class: 'overflow-cue', hidden: true }, text);
  const check = () => {
    const wide = content.getBoundingClientRect().width > box.clientWidth + 1;
    if (cue.hidden === wide) cue.hidden = !wide;
  };
  if (typeof ResizeObserver === 'function') {
    const observer = new ResizeObserver(check);
    observer.observe(content);
    observer.observe(box);
  }
  return cue;
}
