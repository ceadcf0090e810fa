#!/usr/bin/env node
// How long a control change costs in each lesson (issue 10's speed goals: at most 2 ms median, the scale lesson 4 ms),
// in headless Chromium against the built site served by scripts/serve.js. Prints figures; it is not a pass/fail test
// and not part of npm test.
//
//   node tests/bench/lessons-speed.js [--n 60] [--only lesson,lesson] [--query '&hide=questions']
//   (or npm run bench:lessons)
//
// For every lesson, each of its main controls (range inputs: temperature, η, ε, top-p …; the logits' role="slider"
// bars) is moved n times by real key presses (half right, half left), one change at a time; a lesson with no slider
// (softmax) has its typed temperature changed (a value, then Enter) and its selects switched. In the page, with
// performance.now():
//   handler   from a capturing listener on window (before any of the page's own listeners) to a bubbling one (after
//             them) for the event that carries the change ('input' for a range input, 'keydown' for a role="slider",
//             'change' for a typed number or a select);
//   frame     the animation-frame work that change scheduled: from a requestAnimationFrame callback queued in the
//             capturing listener (so it runs before the page's) to one queued in the bubbling listener (after them),
//             both in the next frame;
//   rendered  as frame, but up to a message posted at the end of that frame (style, layout and paint included).
// A change's cost is handler + frame (the goal's measure); handler + rendered is printed beside it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.js';
import { LESSON_IDS } from '../../web/model/state.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const N = Number(arg('--n', 60));
const ONLY = arg('--only', '').split(',').filter(Boolean);
const QUERY = arg('--query', '');  // more link parameters, e.g. '&hide=questions' (every gate open)
const WARM = 6;
const GOAL = (lesson) => (lesson === 'scale' ? 4 : 2);

// Runs in the page: listeners that time one change at a time.
const PROBE = `(() => {
  if (window.__speed) return;
  let type = null;
  let current = null;
  let done = null;
  const start = (e) => {
    if (e.type !== type || current) return;
    const c = { t0: performance.now() };
    current = c;
    requestAnimationFrame(() => { c.tA = performance.now(); });
  };
  const end = (e) => {
    if (e.type !== type || !current || current.t1 !== undefined) return;
    const c = current;
    c.t1 = performance.now();
    requestAnimationFrame(() => {
      c.tB = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        c.tC = performance.now();
        current = null;
        done?.({ handler: c.t1 - c.t0, frame: c.tB - c.tA, rendered: c.tC - c.tA });
      };
      channel.port2.postMessage(0);
    });
  };
  for (const t of ['input', 'keydown', 'change']) {
    window.addEventListener(t, start, true);
    window.addEventListener(t, end, false);
  }
  window.__speed = {
    // Arms the probe for one change carried by an event of this type; resolves with its timings (null: no change).
    arm(kind) {
      type = kind;
      current = null;
      return new Promise((resolve) => {
        const timer = setTimeout(() => { done = null; current = null; resolve(null); }, 1000);
        done = (sample) => { clearTimeout(timer); done = null; resolve(sample); };
      });
    },
  };
})()`;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const fmt = (ms) => ms.toFixed(2).padStart(6);

async function measureLesson(browser, url, lesson) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?lesson=${lesson}${QUERY}`);
  await page.waitForSelector('article.lesson[data-ready="true"]', { timeout: 20_000 });
  // The scale lesson times its softmax builds shortly after loading; let that finish first.
  if (lesson === 'scale') await page.waitForSelector('.timing tbody tr:nth-child(3)', { timeout: 30_000 });
  await page.waitForTimeout(300);
  await page.evaluate(PROBE);
  const controls = await page.$$eval(
    'article.lesson input[type="range"], article.lesson [role="slider"]',
    (nodes) => nodes
    .filter((n) => !n.closest('[inert], [hidden], .part-hidden') && n.getClientRects().length > 0)
    .map((n, k) => {
      n.dataset.speedProbe = String(k);
      const label = n.getAttribute('aria-label')
        ?? (n.id && document.querySelector(`label[for="${n.id}"]`)?.textContent)
        ?? n.closest('.editor-row')?.querySelector('input')?.value ?? n.localName;
      return { k, kind: n.matches('input[type="range"]') ? 'input' : 'keydown', label: String(label).trim() };
    }));
  // A lesson without sliders (softmax) is driven through its typed temperature (a new value, then Enter: 'change')
  // and its selects ('change').
  if (controls.length === 0) {
    controls.push(...await page.$$eval('article.lesson input[type="number"], article.lesson select', (nodes) => nodes
      .filter((n) => !n.closest('[inert], [hidden], .part-hidden') && n.getClientRects().length > 0)
      .map((n, k) => {
        n.dataset.speedProbe = `t${k}`;
        return { k: `t${k}`, kind: 'change', typed: n.localName === 'input',
          options: n.localName === 'select' ? n.options.length : 0,
          value: Number(n.value),
          label: (n.id && document.querySelector(`label[for="${n.id}"]`)?.textContent) || n.localName };
      })));
  }
  const perControl = [];
  for (const control of controls) {
    const selector = `[data-speed-probe="${control.k}"]`;
    await page.focus(selector);
    const samples = [];
    for (let i = 0; i < N + WARM; ++i) {
      const sample = page.evaluate((kind) => window.__speed.arm(kind), control.kind);
      if (control.typed) {
        await page.fill(selector, String(Number((control.value * (i % 2 ? 1 : 1.25)).toPrecision(3))));
        await page.keyboard.press('Enter');
      } else if (control.options) {
        await page.selectOption(selector, { index: i % control.options });
      } else {
        await page.keyboard.press(i < (N + WARM) / 2 ? 'ArrowRight' : 'ArrowLeft');
      }
      const s = await sample;
      if (s && i >= WARM) samples.push(s);
    }
    perControl.push({ ...control, samples });
  }
  await context.close();
  return { lesson, perControl, errors };
}

function summary(samples) {
  const cost = samples.map((s) => s.handler + s.frame).sort((a, b) => a - b);
  const rendered = samples.map((s) => s.handler + s.rendered).sort((a, b) => a - b);
  const part = (key) => quantile(samples.map((s) => s[key]).sort((a, b) => a - b), 0.5);
  return { n: cost.length, median: quantile(cost, 0.5), p95: quantile(cost, 0.95),
    renderedMedian: quantile(rendered, 0.5),
    renderedP95: quantile(rendered, 0.95), handler: part('handler'), frame: part('frame') };
}

const built = spawnSync(process.execPath, [join(root, 'scripts', 'site.js')],
  { stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) process.exit(built.status ?? 1);
const server = await serve({ port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const lessons = LESSON_IDS.filter((id) => ONLY.length === 0 || ONLY.includes(id));
console.log(`Lesson control changes in headless Chromium: ${N} changes per control (after ${WARM} warm-up changes),`
  + ' one at a time.');
console.log('cost = input handler + the animation-frame work it schedules; "+ render" adds style, layout and paint.\n');
console.log(`${'lesson'.padEnd(14)} ${'changes'.padStart(7)}  ${'median'.padStart(6)}  ${'p95'.padStart(6)}   goal   `
  + `${'+ render median'.padStart(15)}  ${'p95'.padStart(6)}   verdict`);
const rows = [];
try {
  for (const lesson of lessons) {
    const { perControl, errors } = await measureLesson(browser, server.url, lesson);
    const all = summary(perControl.flatMap((c) => c.samples));
    const goal = GOAL(lesson);
    rows.push({ lesson, all, goal, perControl });
    const verdict = all.n === 0 ? 'no control measured' : all.median <= goal ? 'within the goal' : 'OVER the goal';
    const cells = all.n
      ? [fmt(all.median), fmt(all.p95), fmt(all.renderedMedian).padStart(15), fmt(all.renderedP95)]
      : ['     —', '     —', '              —', '     —'];
    console.log(`${lesson.padEnd(14)} ${String(all.n).padStart(7)}  ${cells[0]}  ${cells[1]}   ≤ ${goal} ms  `
      + `${cells[2]}  ${cells[3]}   ${verdict}`);
    for (const c of perControl) {
      const s = summary(c.samples);
      if (s.n) {
        console.log(`  ${c.label.slice(0, 34).padEnd(34)} ${String(s.n).padStart(4)}  median ${fmt(s.median)}  `
          + `p95 ${fmt(s.p95)}  (handler ${fmt(s.handler)}, frame ${fmt(s.frame)}; + render ${fmt(s.renderedMedian)})`);
      }
    }
    if (errors.length) console.log(`  page errors: ${errors.join('; ')}`);
  }
} finally {
  await browser.close();
  await server.close();
}
const over = rows.filter((r) => r.all.n && r.all.median > r.goal).map((r) => r.lesson);
console.log(`\nAll figures in ms. ${over.length ? `Over the goal: ${over.join(', ')}.`
  : 'Every lesson is within its goal.'}`);
