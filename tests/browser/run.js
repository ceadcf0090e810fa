#!/usr/bin/env node
// The lessons in headless Chromium (Debian's chromium, driven by playwright-core), against the built site served by
// scripts/serve.js with the strict Content-Security-Policy. Every check opens fresh pages and fails with the values
// it saw. Screenshots of every lesson at 1280 and 375 px go to tests/browser/screenshots/.
//   node tests/browser/run.js [--only substring]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CSP, SITE, serve } from '../../scripts/serve.js';
import { LESSON_IDS } from '../../web/model/state.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SHOTS = join(here, 'screenshots');
const AXE = join(root, 'node_modules', 'axe-core', 'axe.min.js');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';
const CHECK_TIMEOUT = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Harness

const results = [];
const checks = [];
const check = (name, fn) => checks.push({ name, fn });

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function roundSignificant(x, digits) {
  return Number(x.toPrecision(digits));
}

let browser;
let servers;

// A fresh browser context and page that records every problem a learner would hit: console errors, uncaught
// exceptions, failed or non-2xx requests, requests to any origin but ours, and CSP violations.
async function open(path, { width = 1280, height = 900, colorScheme = 'light', reducedMotion = 'no-preference', base,
  serviceWorkers = 'block' } = {}) {
  // Service workers only where the offline check needs one: elsewhere they would just refetch the whole site.
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion, serviceWorkers });
  const page = await context.newPage();
  const problems = [];
  const origins = new Set(servers.map((s) => new URL(s.url).origin));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // axe-core (the test's own tool, served under /__tests__/) adds a <style> the strict CSP rightly refuses.
      if (e.sourceFile?.includes('/__tests__/')) return;
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`);
    });
  });
  page.on('console', (m) => {
    // Chrome's own CSP console message has no source; the securitypolicyviolation listener above reports it with one.
    if (m.type() === 'error' && !/Content Security Policy directive/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  context.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText ?? '';
    // Navigating away or closing the page aborts what is still loading; that is not a failure of the page.
    if (!/ERR_ABORTED/.test(reason)) problems.push(`request failed: ${r.url()} (${reason})`);
  });
  context.on('request', (r) => {
    const url = new URL(r.url());
    if (!['data:', 'blob:', 'about:'].includes(url.protocol) && !origins.has(url.origin)) problems.push(`request to another origin: ${r.url()}`);
  });
  context.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  if (path === null) return { context, page, problems };
  const url = new URL(path, base ?? servers[0].url).href;
  const response = await page.goto(url);
  return { context, page, problems, response, url };
}

function noProblems(problems, where) {
  assert(problems.length === 0, `${where}: ${problems.length} problem(s):\n    ${problems.join('\n    ')}`);
}

async function ready(page) {
  await page.waitForSelector('article.lesson[data-ready="true"]', { timeout: 15_000 });
}

// The page's own copy of the module, to compare what is shown with what the library computes. fn(lab, arg) runs in
// the page (as DevTools would run it, so the page's CSP does not apply to the test's own code).
async function labEval(page, fn, arg) {
  const source = `(async (arg) => {
    const { default: createLogitLab } = await import(location.origin + '/logitlab.js');
    const lab = await createLogitLab();
    return (${fn.toString()})(lab, arg);
  })(${JSON.stringify(arg ?? null)})`;
  return page.evaluate(source);
}

async function axe(page, where) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ url: '/__tests__/axe.min.js' });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1, 2).join(' ')}`) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(bad.length === 0, `${where}: axe-core found ${bad.length} serious/critical violation(s):\n    ${bad
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`).join('\n    ')}`);
  return violations;
}

async function tableValues(page, selector) {
  return page.$$eval(selector, (cells) => cells.map((c) => ({ value: c.dataset.value === undefined ? null : Number(c.dataset.value), text: c.textContent })));
}

// Probability cells of a lesson's chart table: column `col` (1-based) of the table in the first details.table-alt.
function probabilityCells(scope = '') {
  return `${scope} article.lesson details.table-alt table.numbers tbody td:nth-child(4)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

check('the built site is CSP-clean: no inline script, style attribute, <style>, inline handler or eval', async () => {
  const files = [];
  const walk = (dir) => readdirSync(dir).forEach((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  });
  walk(SITE);
  const found = [];
  for (const file of files.filter((f) => /\.(html|js)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    const name = relative(SITE, file);
    if (file.endsWith('.html')) {
      for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g))
        if (!/\bsrc=/.test(m[1]) || m[2].trim()) found.push(`${name}: inline <script>`);
      if (/<style\b/i.test(text)) found.push(`${name}: <style> element`);
      if (/\sstyle\s*=/i.test(text)) found.push(`${name}: style="" attribute`);
      if (/\son[a-z]+\s*=/i.test(text)) found.push(`${name}: inline event handler attribute`);
    } else {
      if (/\beval\s*\(/.test(text)) found.push(`${name}: eval(`);
      if (/\bnew\s+Function\s*\(/.test(text)) found.push(`${name}: new Function(`);
      if (/setAttribute\(\s*['"]style['"]/.test(text)) found.push(`${name}: setAttribute('style')`);
      if (/\.innerHTML\s*=/.test(text)) found.push(`${name}: innerHTML assignment`);
    }
  }
  assert(found.length === 0, `found:\n    ${found.join('\n    ')}`);
  assert(files.some((f) => f.endsWith('logitlab-simd.wasm')) && files.some((f) => f.endsWith('logitlab-scalar.wasm')),
    'both .wasm builds must be in the site');
});

check('the index at / lists the eight lessons and navigates to one and back', async () => {
  const { page, problems, context, response } = await open('');
  assert(response.headers()['content-security-policy'] === CSP, `/ is served with CSP ${response.headers()['content-security-policy']}`);
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert(meta === CSP, `index.html's meta CSP is ${JSON.stringify(meta)}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  await page.screenshot({ path: join(SHOTS, 'index-1280.png'), fullPage: true });
  const cards = await page.$$eval('.lesson-cards a', (as) => as.map((a) => a.getAttribute('href')));
  assert(cards.length === 8, `expected 8 lesson cards, found ${cards.length}: ${cards.join(' ')}`);
  LESSON_IDS.forEach((id, i) => assert(cards[i].includes(`lesson=${id}`), `card ${i + 1} links to ${cards[i]}, expected lesson=${id}`));
  await page.click('.lesson-cards a[data-nav="cross-entropy"]');
  await ready(page);
  assert(new URL(page.url()).searchParams.get('lesson') === 'cross-entropy', `after the click the URL is ${page.url()}`);
  const title = await page.textContent('h1');
  assert(/Cross-entropy/.test(title), `lesson heading is ${JSON.stringify(title)}`);
  await page.goBack();
  await page.waitForSelector('.lesson-cards');
  await page.keyboard.press('Tab');
  noProblems(problems, 'index');
  await context.close();
});

// Two long-lived pages for the per-lesson checks: 1280 px in the light scheme, and a phone (375 px, then 360 px) in
// the dark scheme with reduced motion. Each lesson is loaded directly (a full page load) in both.
const sessions = {};
async function session(kind) {
  if (!sessions[kind]) {
    sessions[kind] = kind === 'wide'
      ? await open(null, { width: 1280 })
      : await open(null, { width: 375, colorScheme: 'dark', reducedMotion: 'reduce' });
  }
  sessions[kind].problems.length = 0;
  return sessions[kind];
}

for (const id of LESSON_IDS) {
  check(`lesson ${id}: loads clean (CSP, console, requests) at 1280 px light and 375 px dark, axe-core, fits 360 px, screenshots`, async () => {
    for (const kind of ['wide', 'narrow']) {
      const { page, problems } = await session(kind);
      const width = kind === 'wide' ? 1280 : 375;
      if (kind === 'narrow') await page.setViewportSize({ width, height: 800 });
      const response = await page.goto(new URL(`?lesson=${id}`, servers[0].url).href);
      const header = response.headers()['content-security-policy'];
      assert(header === CSP, `${id}: Content-Security-Policy header is ${JSON.stringify(header)}, expected ${JSON.stringify(CSP)}`);
      await ready(page);
      const heading = await page.textContent('article.lesson h1');
      assert(heading && heading.includes(`Lesson ${LESSON_IDS.indexOf(id) + 1} of 8`), `${id} at ${width}px: heading ${JSON.stringify(heading)}`);
      if (id === 'scale') await page.waitForSelector('.timing tbody tr:nth-child(3)', { timeout: 20_000 });
      if (kind === 'wide') await page.waitForTimeout(200);  // bar transitions settle before the screenshot
      await page.screenshot({ path: join(SHOTS, `${id}-${width}.png`), fullPage: true });
      await axe(page, `${id} at ${width}px, ${kind === 'wide' ? 'light' : 'dark'}`);
      if (kind === 'narrow') {
        await page.setViewportSize({ width: 360, height: 800 });
        const overflow = await page.evaluate(() => {
          const doc = document.scrollingElement.scrollWidth;
          const wide = [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > innerWidth + 1
            && !el.closest('.table-scroll, .formula, .lesson-nav'))
            .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
          return { doc, wide };
        });
        assert(overflow.doc <= 360 && overflow.wide.length === 0,
          `${id} at 360px: page is ${overflow.doc}px wide; too wide: ${overflow.wide.join(', ')}`);
      }
      noProblems(problems, `${id} at ${width}px`);
    }
  });
}

check('prefers-reduced-motion stops transitions; prefers-color-scheme switches the palette', async () => {
  const wide = await session('wide');
  const narrow = await session('narrow');
  for (const { page } of [wide, narrow]) {
    if (!page.url().includes('lesson=')) {
      await page.goto(new URL('?lesson=temperature', servers[0].url).href);
      await ready(page);
    }
  }
  const look = (page) => page.evaluate(() => ({
    transition: getComputedStyle(document.querySelector('.bar-fill')).transitionDuration,
    background: getComputedStyle(document.body).backgroundColor,
  }));
  const light = await look(wide.page);
  const dark = await look(narrow.page);
  assert(dark.transition === '0s', `with reduced motion the bars should not animate: transition-duration ${dark.transition}`);
  assert(light.transition !== '0s', 'without the preference the bars animate');
  assert(light.background !== dark.background, `the dark scheme should change the background (${light.background} vs ${dark.background})`);
});

check('temperature: the slider, moved key by key, shows exactly what lab.softmax gives', async () => {
  const { page, problems, context } = await open('?lesson=temperature&logits=2,1,0.1,-1.5&labels=cat,dog,apple,car');
  await ready(page);
  const slider = page.getByLabel('Temperature T (log scale)');
  await slider.focus();
  let position = 0;  // log10(T), in steps of 0.01
  const keys = [['ArrowRight', 1], ['ArrowRight', 1], ['ArrowUp', 1], ['ArrowLeft', -1], ['ArrowDown', -1],
    ...Array(25).fill(['ArrowLeft', -1]), ['Home', null], ['ArrowRight', 1], ['End', null], ['ArrowLeft', -1]];
  for (const [key, delta] of keys) {
    await page.keyboard.press(key);
    if (key === 'Home') position = -200;
    else if (key === 'End') position = 200;
    else position += delta;
    const expectedT = roundSignificant(10 ** (position / 100), 3);
    const shownT = Number(await page.getAttribute('.temperature-readout', 'data-value'));
    assert(shownT === expectedT, `after ${key} (log10 T = ${position / 100}): the page shows T = ${shownT}, expected ${expectedT}`);
    const valueText = await slider.getAttribute('aria-valuetext');
    assert(valueText.includes(String(expectedT)) || valueText.includes(expectedT.toFixed(3).replace(/0+$/, '')),
      `after ${key}: aria-valuetext is ${JSON.stringify(valueText)} for T = ${expectedT}`);
    const shown = await tableValues(page, probabilityCells());
    const expected = await labEval(page, (lab, [z, T]) => Array.from(lab.softmax(z, { temperature: T })), [[2, 1, 0.1, -1.5], expectedT]);
    const formatted = await page.evaluate(async (values) => {
      const { formatProbability } = await import(location.origin + '/model/format.js');
      return values.map(formatProbability);
    }, expected);
    assert(shown.length === 4, `expected 4 probability cells, found ${shown.length}`);
    shown.forEach((cell, i) => {
      assert(cell.value === expected[i], `T = ${expectedT}, token ${i}: shown ${cell.value}, lab.softmax gives ${expected[i]}`);
      assert(cell.text === formatted[i], `T = ${expectedT}, token ${i}: text ${JSON.stringify(cell.text)}, expected ${JSON.stringify(formatted[i])}`);
    });
    if (key === 'Home') {
      assert(shown[0].value > 0.999999 && shown.slice(1).every((c) => c.value < 1e-6),
        `at T = 0.01 the top token should take everything: ${shown.map((c) => c.value).join(', ')}`);
    }
    if (key === 'End') {
      assert(shown.every((c) => Math.abs(c.value - 0.25) < 0.01), `at T = 100 all four should be near 1/4: ${shown.map((c) => c.value).join(', ')}`);
    }
  }
  await page.waitForTimeout(250);
  const url = new URL(page.url());
  assert(url.searchParams.get('temperature') === '97.7', `the URL should carry temperature=97.7, it is ${url.search}`);
  noProblems(problems, 'temperature');
  await context.close();
});

check('temperature: T → 0 shares ties; the readouts are the module\'s entropy', async () => {
  const { page, problems, context } = await open('?lesson=temperature&logits=3,3,1&labels=a,b,c&temperature=0.01');
  await ready(page);
  const shown = await tableValues(page, probabilityCells());
  assert(shown[0].value === 0.5 && shown[1].value === 0.5 && shown[2].value === 0,
    `tied logits at T = 0.01 should give 0.5, 0.5, 0: got ${shown.map((c) => c.value).join(', ')}`);
  await page.click('button[data-temperature="2"]');
  const entropy = Number(await page.getAttribute('[data-readout="entropy"]', 'data-value'));
  const expected = await labEval(page, (lab) => lab.entropy([3, 3, 1], { temperature: 2 }));
  assert(entropy === expected, `entropy at T = 2: shown ${entropy}, lab.entropy gives ${expected}`);
  const reference = -(2 * (1 / 3) * Math.log(1 / 3)) > 0;  // sanity: entropy is positive, below ln 3
  assert(reference && entropy > 0 && entropy < Math.log(3), `entropy ${entropy} should lie in (0, ln 3)`);
  noProblems(problems, 'temperature ties');
  await context.close();
});

check('logits: the bars are keyboard sliders (arrows, Page Up/Down, Home/End) and a pasted list replaces the vocabulary', async () => {
  const { page, problems, context } = await open('?lesson=logits&logits=2,1,0.1&labels=cat,dog,apple');
  await ready(page);
  const bar = page.getByRole('slider', { name: 'Logit of dog' });
  await bar.focus();
  const steps = [['ArrowRight', 1.1], ['ArrowUp', 1.2], ['ArrowLeft', 1.1], ['ArrowDown', 1], ['PageUp', 2], ['PageDown', 1],
    ['Home', -15], ['End', 15]];
  for (const [key, expected] of steps) {
    await page.keyboard.press(key);
    const now = Number(await bar.getAttribute('aria-valuenow'));
    assert(Math.abs(now - expected) < 1e-9, `after ${key}: dog's logit is ${now}, expected ${expected}`);
    const typed = await page.getByLabel('Logit of dog (type a value)').inputValue();
    assert(Number(typed) === expected, `after ${key}: the number field shows ${typed}, expected ${expected}`);
  }
  const bounds = [await bar.getAttribute('aria-valuemin'), await bar.getAttribute('aria-valuemax')];
  assert(bounds[0] === '-15' && bounds[1] === '15', `slider bounds are ${bounds}`);
  // A drag: press at the left end of cat's bar and move to the right end.
  const cat = page.getByRole('slider', { name: 'Logit of cat' });
  const box = await cat.boundingBox();
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  const dragged = Number(await cat.getAttribute('aria-valuenow'));
  assert(Math.abs(dragged) < 0.6, `dragging cat's bar to the middle should give a logit near 0, got ${dragged}`);
  // Paste a list.
  const field = page.getByLabel('Logits', { exact: true });
  await field.fill('12.4, -3.2, 0.1, 5');
  await field.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.editor-row').length === 4);
  const values = await page.$$eval('[role="slider"]', (s) => s.map((x) => Number(x.getAttribute('aria-valuenow'))));
  assert(values.join() === '12.4,-3.2,0.1,5', `after pasting, the sliders hold ${values.join()}`);
  await page.waitForTimeout(250);
  const url = new URL(page.url());
  assert(url.searchParams.get('logits') === '12.4,-3.2,0.1,5', `the URL should carry the pasted logits: ${url.search}`);
  // Bad input is reported, not applied.
  await field.fill('1, two, 3');
  await field.press('Enter');
  const error = await page.textContent('.field-error:not([hidden])');
  assert(/entry 2/.test(error ?? ''), `a bad entry should be named in an error, got ${JSON.stringify(error)}`);
  noProblems(problems, 'logits editor');
  await context.close();
});

check('softmax: every step of the table is the module\'s trace; 12.4 vs 0.1 gives 0.999995', async () => {
  const { page, problems, context } = await open('?lesson=softmax&logits=12.4,-3.2,0.1&labels=cat,dog,apple');
  await ready(page);
  const cells = await page.$$eval('.steps-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.dataset.value))));
  const t = await labEval(page, (lab) => {
    const r = lab.trace([12.4, -3.2, 0.1]);
    return [r.logits, r.scaled, r.shifted, r.exp, r.probabilities].map((a) => Array.from(a));
  });
  cells.forEach((row, i) => row.forEach((v, c) => assert(v === t[c][i], `row ${i}, step ${c}: shown ${v}, trace gives ${t[c][i]}`)));
  assert(Math.abs(cells[0][4] - 0.999995) < 1e-6, `p(cat) should be about 0.999995 (the article's number), got ${cells[0][4]}`);
  assert(Math.abs(cells[2][4] - 0.0000046) < 5e-7, `p(apple) should be about 0.0000046, got ${cells[2][4]}`);
  const maths = await page.$$eval('article math', (m) => m.length);
  assert(maths >= 3, `expected MathML formulas, found ${maths}`);
  noProblems(problems, 'softmax');
  await context.close();
});

check('sampling: the same seed gives the same histogram twice; it tracks the probabilities; another seed differs', async () => {
  const { page, problems, context } = await open('?lesson=sampling&seed=7');
  await ready(page);
  const read = () => page.$$eval('article details.table-alt tbody tr', (trs) => trs.map((tr) => {
    const td = tr.querySelectorAll('td');
    return { q: Number(td[2].dataset.value), count: Number(td[3].dataset.value) };
  }));
  const drawn = (n) => page.waitForFunction((k) => document.querySelector('[data-readout="draws"]')?.dataset.value === String(k), n);
  const counts = (rows) => rows.map((r) => r.count).join(',');
  await page.click('button[data-draw="10000"]');
  await drawn(10000);
  const first = await read();
  await page.getByRole('button', { name: 'Clear the draws' }).click();
  await drawn(0);
  await page.click('button[data-draw="10000"]');
  await drawn(10000);
  const second = await read();
  assert(counts(first) === counts(second), `seed 7 twice gave different histograms: ${counts(first)} vs ${counts(second)}`);
  const total = first.reduce((t, r) => t + r.count, 0);
  assert(total === 10000, `counts sum to ${total}, not 10,000`);
  first.forEach((r, i) => {
    const share = r.count / 10000;
    // 10,000 draws: a share lies within 4.5 standard deviations of its probability.
    const tolerance = 4.5 * Math.sqrt((r.q * (1 - r.q)) / 10000) + 1e-4;
    assert(Math.abs(share - r.q) <= tolerance, `token ${i}: drew ${share}, probability ${r.q} (tolerance ${tolerance.toFixed(4)})`);
  });
  const seed = page.getByLabel('Seed', { exact: true });
  await seed.fill('8');
  await seed.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-readout="last"]').textContent.includes('seed 10007'));
  const other = await read();
  assert(counts(other) !== counts(first), `seeds 7 and 8 gave the same histogram ${counts(first)}`);
  await seed.fill('7');
  await seed.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-readout="last"]').textContent.includes('seed 10006'));
  await page.waitForFunction(() => location.search.includes('draws=10000') && location.search.includes('seed=7'));
  const link = new URL(page.url()).search;
  noProblems(problems, 'sampling');
  await context.close();
  // The link alone reproduces the histogram in a fresh browser context.
  const again = await open(link);
  await ready(again.page);
  const reopened = await again.page.$$eval('article details.table-alt tbody tr', (trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[3].dataset.value)));
  assert(reopened.join(',') === counts(first), `opening the shared link ${link} gave ${reopened.join(',')}, expected ${counts(first)}`);
  noProblems(again.problems, 'sampling link');
  await again.context.close();
});

check('sampling: top-k keeps k tokens and draws only those; the two orders are shown', async () => {
  const { page, problems, context } = await open('?lesson=sampling&seed=3&topk=2&draws=2000');
  await ready(page);
  const rows = await page.$$eval('article details.table-alt tbody tr', (trs) => trs.map((tr) => {
    const td = tr.querySelectorAll('td');
    return { kept: td[1].textContent, count: Number(td[3].dataset.value) };
  }));
  const kept = rows.filter((r) => r.kept === 'yes').length;
  assert(kept === 2, `top-k = 2 should keep 2 tokens, the table says ${kept}`);
  rows.forEach((r, i) => assert(r.kept === 'yes' || r.count === 0, `token ${i} is dropped but was drawn ${r.count} times`));
  const first = await page.textContent('[data-readout="first"]');
  const last = await page.textContent('[data-readout="lastOrder"]');
  assert(/\(2\)/.test(first) && /\(2\)/.test(last), `both orders keep 2 with top-k: ${first} / ${last}`);
  noProblems(problems, 'sampling top-k');
  await context.close();
});

check('stability: past 88.72 the naive float32 column overflows while the module stays exact; masking all is refused', async () => {
  const { page, problems, context } = await open('?lesson=stability&logits=2,1,0.1&labels=cat,dog,apple');
  await ready(page);
  await page.getByRole('button', { name: 'Push the largest logit to 90' }).click();
  const rows = await page.$$eval('table.compare tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert(rows[0][1] === 'Infinity' && rows[0][2] === 'NaN', `naive exp and p of cat at z = 90 should be Infinity and NaN: ${rows[0]}`);
  const stable = await page.$$eval('table.compare tbody tr td:nth-child(5)', (tds) => tds.map((td) => Number(td.dataset.value)));
  const expected = await labEval(page, (lab) => Array.from(lab.softmax([90, 89, 88.1])));
  stable.forEach((v, i) => assert(v === expected[i], `token ${i}: shown ${v}, lab.softmax gives ${expected[i]}`));
  assert(Math.abs(stable[0] - 0.6590011) < 1e-6, `shift invariance: p(cat) should stay 0.659 at z = 90, got ${stable[0]}`);
  for (const name of ['cat', 'dog', 'apple']) await page.getByRole('checkbox', { name }).check();
  const refused = await page.textContent('[data-readout="stable"]');
  assert(/entirely -Infinity/.test(refused), `masking every token should show the module's error, got ${JSON.stringify(refused)}`);
  noProblems(problems, 'stability');
  await context.close();
});

check('cross-entropy: loss = −log p(correct) for the chosen token; the article\'s 0.223 and 4.605', async () => {
  const { page, problems, context } = await open('?lesson=cross-entropy');
  await ready(page);
  await page.getByLabel('Correct token').selectOption({ label: 'dog' });
  const p = Number(await page.getAttribute('[data-readout="p"]', 'data-value'));
  const loss = Number(await page.getAttribute('[data-readout="loss"]', 'data-value'));
  assert(Math.abs(loss - -Math.log(p)) < 1e-5, `loss ${loss} should be −log p(dog) = ${-Math.log(p)}`);
  const worked = await page.$$eval('tr[data-p]', (trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.p, Number(tr.querySelector('td').dataset.value)])));
  assert(Math.abs(worked['0.8'] - 0.2231436) < 1e-5, `−log 0.80 should be 0.223, shown ${worked['0.8']}`);
  assert(Math.abs(worked['0.01'] - 4.6051702) < 1e-4, `−log 0.01 should be 4.605, shown ${worked['0.01']}`);
  const text = await page.textContent('tr[data-p="0.01"] td');
  assert(text === '4.605', `the table should read 4.605, reads ${JSON.stringify(text)}`);
  // Label smoothing raises the loss floor: the target is (1 − ε)·y + ε/C.
  const smoothing = page.getByLabel('Label smoothing ε');
  await smoothing.focus();
  for (let i = 0; i < 10; ++i) await page.keyboard.press('ArrowRight');
  const target = await page.$$eval('article details.table-alt', (ds) => [...ds[1].querySelectorAll('tbody td')].map((td) => Number(td.dataset.value)));
  const C = target.length;
  assert(Math.abs(target[1] - (0.9 + 0.1 / C)) < 1e-5 && Math.abs(target[0] - 0.1 / C) < 1e-5,
    `with ε = 0.1 and C = ${C} the target should be ${0.9 + 0.1 / C} on dog and ${0.1 / C} elsewhere: ${target.join(', ')}`);
  noProblems(problems, 'cross-entropy');
  await context.close();
});

check('learning: a step and the play/pause loop lower the loss; fitTemperature calibrates', async () => {
  const { page, problems, context } = await open('?lesson=learning&target=2');
  await ready(page);
  const loss = async () => Number(await page.getAttribute('[data-readout="loss"]', 'data-value'));
  const before = await loss();
  await page.getByRole('button', { name: 'Take one step' }).click();
  const afterStep = await loss();
  assert(afterStep < before, `one step should lower the loss: ${before} → ${afterStep}`);
  const play = page.getByRole('button', { name: 'Play' });
  await play.click();
  assert(await page.getAttribute('button.play', 'aria-pressed') === 'true', 'Play should be pressed while training');
  await page.waitForFunction(() => Number(document.querySelector('[data-readout="steps"]').dataset.value) >= 12, null, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const steps = Number(await page.getAttribute('[data-readout="steps"]', 'data-value'));
  const afterPlay = await loss();
  assert(afterPlay < afterStep * 0.8, `after ${steps} steps the loss should have fallen well below ${afterStep}, it is ${afterPlay}`);
  await page.waitForTimeout(400);
  const stepsLater = Number(await page.getAttribute('[data-readout="steps"]', 'data-value'));
  assert(stepsLater === steps, `paused training kept stepping: ${steps} → ${stepsLater}`);
  const p = Number(await page.getAttribute('[data-readout="p"]', 'data-value'));
  assert(Math.abs(afterPlay - -Math.log(p)) < 1e-4, `loss ${afterPlay} should equal −log p(correct) = ${-Math.log(p)}`);
  await page.getByRole('button', { name: 'Fit T on the held-out batch' }).click();
  const fitted = Number(await page.getAttribute('[data-readout="fitted"]', 'data-value'));
  const expected = await labEval(page, async (lab) => {
    const { heldOutBatch } = await import(location.origin + '/model/heldout.js');
    const b = heldOutBatch();
    return lab.fitTemperature(b.logits, b.targets, { rows: b.rows });
  });
  assert(fitted === expected && fitted > 1, `fitted T ${fitted}, lab.fitTemperature gives ${expected} (an overconfident model needs T > 1)`);
  const lossBefore = Number(await page.getAttribute('[data-readout="before"]', 'data-value'));
  const lossAfter = Number(await page.getAttribute('[data-readout="after"]', 'data-value'));
  assert(lossAfter < lossBefore, `held-out loss should fall at the fitted T: ${lossBefore} → ${lossAfter}`);
  noProblems(problems, 'learning');
  await context.close();
});

check('scale: 50,257 tokens, top-50 mass plus tail is 1, SIMD, scalar and JavaScript timings all reported', async () => {
  const { page, problems, context } = await open('?lesson=scale');
  await ready(page);
  await page.waitForSelector('.timing tbody tr:nth-child(3)', { timeout: 20_000 });
  const timings = await page.$$eval('.timing tbody tr', (trs) => trs.map((tr) => [tr.querySelector('th').textContent, Number(tr.querySelector('td').dataset.value)]));
  assert(timings.length === 3, `expected 3 timing rows, got ${timings.length}`);
  timings.forEach(([name, ms]) => assert(ms > 0 && ms < 50, `${name}: ${ms} ms per softmax of 50,257 is not plausible`));
  assert(/SIMD/.test(timings[0][0]) && /scalar/.test(timings[1][0]) && /JavaScript/.test(timings[2][0]), `rows: ${timings.map((t) => t[0])}`);
  const top = Number(await page.getAttribute('[data-readout="top50"]', 'data-value'));
  const tail = Number(await page.getAttribute('[data-readout="tail"]', 'data-value'));
  assert(Math.abs(top + tail - 1) < 1e-12 && tail > 0.01, `top-50 ${top} + tail ${tail} should be 1 with a visible tail`);
  const expected = await labEval(page, async (lab) => {
    const { makeVocabulary } = await import(location.origin + '/model/vocabulary.js');
    const v = makeVocabulary();
    const p = lab.softmax(v.logits);
    return Array.from(lab.topK(v.logits, 50).indices).reduce((a, i) => a + p[i], 0);
  });
  assert(top === expected, `top-50 mass shown ${top}, from lab.softmax + lab.topK ${expected}`);
  noProblems(problems, 'scale');
  await context.close();
});

check('questions: predict, check, and the feedback is computed from the learner\'s numbers', async () => {
  const { page, problems, context } = await open('?lesson=temperature');
  await ready(page);
  const q = page.locator('[data-question="double"]');
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  assert(/Pick an answer/.test(await q.locator('.feedback').textContent()), 'checking without an answer should ask for one');
  await q.getByLabel('It falls').check();
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  const feedback = await q.locator('.feedback').textContent();
  const expected = await labEval(page, (lab) => lab.softmax([2, 1, 0.1, 0.6, -0.8, -2], { temperature: 2 })[0]);
  const shown = `${(expected * 100).toFixed(1)}%`;
  assert(/Right/.test(feedback) && feedback.includes(`at T = 2 it has ${shown}`), `feedback should say "at T = 2 it has ${shown}": ${JSON.stringify(feedback)}`);
  await q.getByRole('button', { name: 'Double T' }).click();
  const T = Number(await page.getAttribute('.temperature-readout', 'data-value'));
  assert(T === 2, `"Double T" should set T = 2, it is ${T}`);
  noProblems(problems, 'questions');
  await context.close();
});

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

check('a shared link restores the view: state in the URL survives a reload', async () => {
  const { page, problems, context } = await open('?lesson=temperature');
  await ready(page);
  await page.getByLabel('Type T').fill('0.37');
  await page.getByLabel('Type T').press('Enter');
  const labels = page.getByLabel('Labels');
  await labels.fill('x, y, z, w, v, u');
  await labels.press('Enter');
  await page.waitForFunction(() => location.search.includes('temperature=0.37') && location.search.includes('labels=x'));
  const link = page.url();
  const before = await tableValues(page, probabilityCells());
  await context.close();
  const again = await open(new URL(link).search);
  await ready(again.page);
  const after = await tableValues(again.page, probabilityCells());
  const names = await again.page.$$eval('article details.table-alt tbody th', (th) => th.map((x) => x.textContent));
  assert(JSON.stringify(after) === JSON.stringify(before), `the link shows ${JSON.stringify(after)}, before ${JSON.stringify(before)}`);
  assert(names.join() === 'x,y,z,w,v,u', `labels after reload: ${names}`);
  noProblems([...problems, ...again.problems], 'shared link');
  await again.context.close();
});

check('offline after the first visit: the service worker serves the lessons without a network', async () => {
  const { page, context } = await open('?lesson=softmax', { serviceWorkers: 'allow' });
  await ready(page);
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const files = await (await fetch('precache.json')).json();
    for (let i = 0; i < 100; ++i) {
      const keys = await (await caches.open('logitlab-lessons')).keys();
      if (keys.length >= files.length) return [keys.length, files.length];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [(await (await caches.open('logitlab-lessons')).keys()).length, files.length];
  });
  assert(cached[0] >= cached[1], `the service worker cached ${cached[0]} of ${cached[1]} files`);
  await context.setOffline(true);
  await page.goto(new URL('?lesson=learning', servers[0].url).href);
  await ready(page);
  const title = await page.textContent('article.lesson h1');
  assert(/Learning/.test(title), `offline, the learning lesson shows ${JSON.stringify(title)}`);
  await context.close();
});

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  if (!existsSync(join(root, 'dist', 'logitlab.js'))) {
    console.error('tests/browser: dist/ is not built; run bash scripts/build.sh first');
    process.exit(1);
  }
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'site.js')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
  mkdirSync(SHOTS, { recursive: true });
  // Two origins: the second hosts the lessons a course page on the first embeds. axe-core comes from node_modules.
  const extra = { '/__tests__/axe.min.js': AXE };
  servers = [await serve({ port: 0, extra }), await serve({ port: 0, extra })];
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const selected = checks.filter((c) => c.name.includes(only));
  for (const { name, fn } of selected) {
    const t0 = Date.now();
    let timer;
    try {
      await Promise.race([fn(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT / 1000} s`)), CHECK_TIMEOUT); })]);
      results.push({ name, ok: true, ms: Date.now() - t0 });
      console.log(`  ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      results.push({ name, ok: false, ms: Date.now() - t0, error });
      console.log(`  FAIL ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n    ${String(error.message).split('\n').join('\n    ')}`);
    } finally {
      clearTimeout(timer);
    }
  }
  for (const { context } of Object.values(sessions)) await context.close();
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
  const failed = results.filter((r) => !r.ok);
  console.log(`\nLessons in Chromium: ${results.length - failed.length} passed, ${failed.length} failed, ${((Date.now() - started) / 1000).toFixed(0)} s. Screenshots: ${relative(process.cwd(), SHOTS) || SHOTS}/`);
  for (const f of failed) console.log(`  failed: ${f.name}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
