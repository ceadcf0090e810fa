// Embedding: hide=, the iframe's height messages across origins, and the <logitlab-lesson> custom element.
import { join } from 'node:path';
import { CSP } from '../../scripts/serve.js';
import { check, assert, open, noProblems, ready, labEval, axe, servers, SHOTS, roundSignificant } from './harness.js';

check('embed: hide= removes parts; an unknown lesson is explained', async () => {
  const { page, problems, context, response } = await open('embed.html?lesson=softmax&logits=2,1,0.1&labels=cat,dog,apple&hide=title,intro,questions,notes');
  assert(response.headers()['content-security-policy'] === CSP, `embed.html is served with CSP ${response.headers()['content-security-policy']}`);
  assert(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content') === CSP, 'embed.html lacks the meta CSP');
  await ready(page);
  const visible = await page.evaluate(() => ['title', 'intro', 'questions', 'notes', 'formula'].map((p) => {
    const el = document.querySelector(`[data-part="${p}"]`);
    return [p, el ? getComputedStyle(el).display !== 'none' : null];
  }));
  const shown = Object.fromEntries(visible);
  assert(!shown.title && !shown.intro && !shown.questions && !shown.notes && shown.formula, `visibility: ${JSON.stringify(shown)}`);
  const labels = await page.$$eval('.steps-table tbody th', (th) => th.map((x) => x.textContent));
  assert(labels.join() === 'cat,dog,apple', `labels from the URL: ${labels}`);
  await axe(page, 'embed.html');
  await page.screenshot({ path: join(SHOTS, 'embed-softmax-1280.png'), fullPage: true });
  noProblems(problems, 'embed');
  await context.close();
  const bad = await open('embed.html?lesson=nope');
  await bad.page.waitForSelector('.error-box');
  assert(/Unknown lesson/.test(await bad.page.textContent('.error-box')), 'an unknown lesson should be named');
  await bad.context.close();
});

check('embed in a cross-origin iframe (second port) reports its height; lti.frameResize and iframe-resizer too', async () => {
  const [host, lessons] = servers;
  const { page, problems, context } = await open(`demo.html?from=${encodeURIComponent(lessons.url)}`, { base: host.url });
  const frameElement = page.locator('#lesson-frame');
  await page.waitForFunction(() => Number(document.getElementById('lesson-frame').dataset.reportedHeight) > 300, null, { timeout: 15_000 });
  const frame = page.frames().find((f) => f.url().startsWith(lessons.url));
  assert(frame, `no frame from ${lessons.url}: frames are ${page.frames().map((f) => f.url())}`);
  assert(new URL(frame.url()).origin !== new URL(page.url()).origin, 'the lesson must come from another origin');
  await frame.waitForSelector('article.lesson[data-ready="true"]');
  await page.waitForTimeout(300);
  const reported = Number(await frameElement.getAttribute('data-reported-height'));
  const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  const box = await frameElement.boundingBox();
  assert(Math.abs(reported - content) <= 2, `reported height ${reported}, the lesson's document is ${content}px`);
  assert(Math.abs(box.height - reported) <= 4, `the host sized the iframe to ${box.height}px, reported ${reported}`);
  // The height follows the content: open a table inside the lesson.
  await frame.locator('details.table-alt summary').first().click();
  await page.waitForFunction((h) => Number(document.getElementById('lesson-frame').dataset.reportedHeight) > h, reported, { timeout: 5000 });
  const log = await page.$$eval('#messages li', (li) => li.map((x) => x.textContent));
  assert(log.some((m) => m.includes('"subject":"lti.frameResize"')), `no lti.frameResize message among ${log.length}: ${log.slice(0, 3)}`);
  assert(log.some((m) => m.includes('"type":"logitlab:height"')), 'no logitlab:height message');
  // iframe-resizer v4 handshake: the host's init message gets a "[iFrameSizer]id:height:width:init" reply.
  const reply = await page.evaluate(() => new Promise((resolve) => {
    const frameNode = document.getElementById('lesson-frame');
    const listener = (e) => {
      if (typeof e.data === 'string' && e.data.startsWith('[iFrameSizer]ll-test:')) {
        window.removeEventListener('message', listener);
        resolve(e.data);
      }
    };
    window.addEventListener('message', listener);
    frameNode.contentWindow.postMessage('[iFrameSizer]ll-test:8:false:false:32:true:true:null:auto:null:null:0:false:child:auto:false:0:0', '*');
    setTimeout(() => resolve(null), 3000);
  }));
  assert(reply && /^\[iFrameSizer\]ll-test:\d+:\d+:init$/.test(reply), `iframe-resizer init reply: ${JSON.stringify(reply)}`);
  const height = Number(reply.split(':')[1]);
  assert(height > 300, `iframe-resizer height ${height}`);
  await page.screenshot({ path: join(SHOTS, 'demo-cross-origin-1280.png'), fullPage: true });
  noProblems(problems, 'cross-origin embed');
  await context.close();
});

check('custom element <logitlab-lesson>: renders, follows its attributes, works by keyboard, fires events', async () => {
  const { page, problems, context } = await open('demo.html');
  await page.waitForSelector('logitlab-lesson[data-ready="true"]', { timeout: 15_000 });
  const el = page.locator('logitlab-lesson');
  const labels = await el.locator('.steps-table tbody th').allTextContents();
  assert(labels.join() === 'cat,dog,apple', `labels from the attribute: ${labels}`);
  const intro = await el.locator('[data-part="intro"]').isVisible();
  assert(!intro, 'hide="intro" should hide the intro');
  // Switch it to the temperature lesson through attributes, then drive its slider by keyboard.
  await page.evaluate(() => {
    const node = document.querySelector('logitlab-lesson');
    window.__changes = 0;
    node.addEventListener('logitlab-change', () => { window.__changes += 1; });
    node.setAttribute('logits', '2,1,0.1');
    node.setAttribute('lesson', 'temperature');
  });
  await page.waitForFunction(() => document.querySelector('logitlab-lesson').shadowRoot.querySelector('article[data-lesson="temperature"]'));
  const slider = el.getByLabel('Temperature T (log scale)');
  await slider.focus();
  for (let i = 0; i < 30; ++i) await page.keyboard.press('ArrowLeft');
  const T = Number(await el.locator('.temperature-readout').getAttribute('data-value'));
  assert(T === roundSignificant(10 ** -0.3, 3), `after 30 × ArrowLeft T should be ${roundSignificant(10 ** -0.3, 3)}, it is ${T}`);
  const shown = await el.locator('details.table-alt tbody td:nth-child(4)').evaluateAll((tds) => tds.map((td) => Number(td.dataset.value)));
  const expected = await labEval(page, (lab, t) => Array.from(lab.softmax([2, 1, 0.1], { temperature: t })), T);
  assert(shown.join() === expected.join(), `inside the element: ${shown}, lab.softmax: ${expected}`);
  const changes = await page.evaluate(() => window.__changes);
  assert(changes >= 30, `expected a logitlab-change event per key press, got ${changes}`);
  assert(!page.url().includes('temperature='), `the element must not touch the host's URL: ${page.url()}`);
  await axe(page, 'demo page with the custom element');
  await page.screenshot({ path: join(SHOTS, 'demo-element-1280.png'), fullPage: true });
  noProblems(problems, 'custom element');
  await context.close();
});

check('custom element from another origin: one script tag on a course page loads the module, wasm and styles via CORS', async () => {
  const lessons = servers[1].url;
  // A course page on another origin (127.0.0.1 rather than localhost: both loopback, as Private Network Access asks).
  const course = `http://127.0.0.1:${servers[0].port}/course/unit-3.html`;
  const { page, problems, context } = await open(null);
  // The routed page has no network address of its own, so Chrome's Local Network Access asks before it may reach
  // loopback; real course sites and lesson hosts are both public. Grant it, as a user would.
  await context.grantPermissions(['local-network-access']);
  await page.route(course, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en"><title>Unit 3</title>
    <h1>Unit 3</h1><script type="module" src="${lessons}logitlab-lesson.js"></script>
    <logitlab-lesson lesson="cross-entropy" logits="2,1,0.1" labels="cat,dog,apple" target="1"></logitlab-lesson></html>` }));
  await page.goto(course);
  await page.waitForSelector('logitlab-lesson[data-ready="true"]', { timeout: 15_000 });
  const loss = Number(await page.locator('logitlab-lesson [data-readout="loss"]').getAttribute('data-value'));
  const p = Number(await page.locator('logitlab-lesson [data-readout="p"]').getAttribute('data-value'));
  assert(Math.abs(loss + Math.log(p)) < 1e-5 && p > 0.2 && p < 0.3, `cross-entropy for dog: p ${p}, loss ${loss}`);
  const styled = await page.locator('logitlab-lesson .panel').first().evaluate((el) => getComputedStyle(el).borderTopStyle);
  assert(styled === 'solid', `the element's stylesheet did not apply (panel border ${styled})`);
  const foreign = problems.filter((m) => !(m.startsWith('request to another origin') && m.includes('127.0.0.1')));
  noProblems(foreign, 'cross-origin custom element');
  await context.close();
});
