// The host side of an embed, as a course page would write it: listen for the lesson's height message and size the
// iframe to match. (?from=http://other.host/path/ loads the lesson from another origin, as a real course would.)
const frame = document.getElementById('lesson-frame');
const log = document.getElementById('messages');
const count = document.getElementById('message-count');
const from = new URLSearchParams(location.search).get('from');
const base = from ? new URL(from, location.href) : new URL('./', location.href);
const lessonOrigin = base.origin;
frame.src = new URL(frame.dataset.src, base).href;

window.addEventListener('message', (event) => {
  // Accept only messages from the lesson's origin and from our own frame.
  if (event.origin !== lessonOrigin || event.source !== frame.contentWindow) return;
  const data = event.data;
  if (data && typeof data === 'object' && data.type === 'logitlab:height') {
    frame.height = String(data.height);
    frame.dataset.reportedHeight = String(data.height);
  }
  const item = document.createElement('li');
  item.textContent = typeof data === 'string' ? data : JSON.stringify(data);
  log.append(item);
  while (log.children.length > 20) log.firstElementChild.remove();
  count.textContent = String(Number(count.textContent) + 1);
});
