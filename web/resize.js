// Tells the host page how tall the embedded lesson is, whenever that changes, in three formats:
//   1. { type: 'logitlab:height', height, lesson, id }   (ours; id is the embed's ?id= parameter, if any)
//   2. '{"subject":"lti.frameResize","height":…}'          (Canvas LMS and other LTI hosts)
//   3. '[iFrameSizer]<id>:<height>:<width>:<event>'        (iframe-resizer v4 host script, after its init message)
// Hosts may ask for a fresh report by posting { type: 'logitlab:get-height' }.

export function reportHeight({ lesson, id = '' }) {
  if (window.parent === window) return () => {};
  let last = -1;
  let resizer = null;  // { id, source } once an iframe-resizer host has said hello

  const measure = () => Math.ceil(document.documentElement.getBoundingClientRect().height);
  const width = () => Math.ceil(document.documentElement.scrollWidth);

  function post(trigger, force = false) {
    const height = measure();
    if (!force && height === last) return;
    last = height;
    window.parent.postMessage({ type: 'logitlab:height', height, lesson, id }, '*');
    window.parent.postMessage(JSON.stringify({ subject: 'lti.frameResize', height }), '*');
    if (resizer) resizer.source.postMessage(`[iFrameSizer]${resizer.id}:${height}:${width()}:${trigger}`, '*');
  }

  let frame = 0;
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      post('resizeObserver');
    });
  };
  new ResizeObserver(schedule).observe(document.documentElement);
  window.addEventListener('load', schedule);

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent) return;
    const data = event.data;
    if (data && typeof data === 'object' && data.type === 'logitlab:get-height') {
      post('request', true);
      return;
    }
    if (typeof data !== 'string' || !data.startsWith('[iFrameSizer]')) return;
    // iframe-resizer: "[iFrameSizer]<id>:<bodyMargin>:<calculateWidth>:<log>:…" initialises; "…]resize" re-measures.
    const body = data.slice('[iFrameSizer]'.length);
    const fields = body.split(':');
    if (fields[2] === 'true' || fields[2] === 'false') {
      resizer = { id: fields[0], source: event.source };
      post('init', true);
    } else if (resizer && (body.startsWith('resize') || body.startsWith('reset'))) {
      post(body.startsWith('reset') ? 'reset' : 'resizeParent', true);
    }
  });
  // Tell an iframe-resizer host that loaded before us to send its init message again.
  window.parent.postMessage('[iFrameResizerChild]Ready', '*');
  post('init', true);
  return () => post('update', true);
}
