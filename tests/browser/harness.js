// The harness of the lesson checks in headless Chromium (Debian's chromium, driven by playwright-core), against the
// built site served by scripts/serve.js with the strict Content-Security-Policy: a registry of named checks, fresh pages
// that record every problem a learner would hit, and helpers to read the page and the page's own copy of the module.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.js';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const SHOTS = join(here, 'screenshots');
const AXE = join(root, 'node_modules', 'axe-core', 'axe.min.js');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';
const CHECK_TIMEOUT = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Harness

const results = [];
const checks = [];
export const check = (name, fn, { timeout = CHECK_TIMEOUT } = {}) => checks.push({ name, fn, timeout });

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function roundSignificant(x, digits) {
  return Number(x.toPrecision(digits));
}

export let browser;
export let servers;

// A fresh browser context and page that records every problem a learner would hit: console errors, uncaught
// exceptions, failed or non-2xx requests, requests to any origin but ours, and CSP violations.
export async function open(path, { width = 1280, height = 900, colorScheme = 'light', reducedMotion = 'no-preference', base,
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

export function noProblems(problems, where) {
  assert(problems.length === 0, `${where}: ${problems.length} problem(s):\n    ${problems.join('\n    ')}`);
}

export async function ready(page) {
  await page.waitForSelector('article.lesson[data-ready="true"]', { timeout: 15_000 });
}

// The page's own copy of the module, to compare what is shown with what the library computes. fn(lab, arg) runs in
// the page (as DevTools would run it, so the page's CSP does not apply to the test's own code).
export async function labEval(page, fn, arg) {
  const source = `(async (arg) => {
    const { default: createLogitLab } = await import(location.origin + '/logitlab.js');
    const lab = await createLogitLab();
    return (${fn.toString()})(lab, arg);
  })(${JSON.stringify(arg ?? null)})`;
  return page.evaluate(source);
}

export async function axe(page, where) {
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

export async function tableValues(page, selector) {
  return page.$$eval(selector, (cells) => cells.map((c) => ({ value: c.dataset.value === undefined ? null : Number(c.dataset.value), text: c.textContent })));
}

// Probability cells of a lesson's chart table: column `col` (1-based) of the table in the first details.table-alt.
export function probabilityCells(scope = '') {
  return `${scope} article.lesson details.table-alt table.numbers tbody td:nth-child(4)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Two long-lived pages for the per-lesson checks: 1280 px in the light scheme, and a phone (375 px, then 360 px) in
// the dark scheme with reduced motion. Each lesson is loaded directly (a full page load) in both.
export const sessions = {};
export async function session(kind) {
  if (!sessions[kind]) {
    sessions[kind] = kind === 'wide'
      ? await open(null, { width: 1280 })
      : await open(null, { width: 375, colorScheme: 'dark', reducedMotion: 'reduce' });
  }
  sessions[kind].problems.length = 0;
  return sessions[kind];
}


// ---------------------------------------------------------------------------------------------------------------
// Runs the selected checks (--only substring) one after the other and exits with their verdict.

export async function run() {
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
  for (const { name, fn, timeout } of selected) {
    const t0 = Date.now();
    let timer;
    try {
      await Promise.race([fn(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeout / 1000} s`)), timeout); })]);
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

