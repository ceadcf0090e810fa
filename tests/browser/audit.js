// The equation audit: every lesson, over a grid of states, read as a reader reads it. For each state the page is loaded
// from its link, and everything it says is collected from the rendered page — visible text, MathML, alt text, ARIA
// labels and values, the live region's announcement — then checked in this process, in float64:
//   - every equality the page prints holds in interval arithmetic at the digits shown (text, MathML and alt text);
//   - every exp(z/T − m) term shows the state's T; no fraction is malformed;
//   - no NaN is displayed as a value (except where the lesson shows one on purpose: spec.showsNaN);
//   - the lesson's own audit (tests/browser/lessons/<id>.js, `audit.check`) compares each printed value with its
//     float64 value, computed here from the state with tests/js/reference.js.
// The page's own data is never read as the truth: only what it renders.
import { LESSON_IDS } from '../../web/model/state.js';
import { checkMathEquations, checkTextEquations, serializeMath } from './audit/printed.js';
import { assert, check, open, servers } from './harness.js';

export const TEMPERATURES = [0.01, 0.5, 1, 2, 100];
export const LOGIT_SETS = {
  default: { logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'] },
  article: { logits: [12.4, -3.2, 0.1], labels: ['cat', 'dog', 'apple'] },
  large: { logits: [1000, 999, 998], labels: ['cat', 'dog', 'apple'] },
  masked: { logits: [2, -Infinity, 1, 0.5], labels: ['cat', 'dog', 'apple', 'bird'] },
  two: { logits: [1.5, -0.5], labels: ['yes', 'no'] },
  extreme: { logits: [10000, -10000, 9999.5, -9999], labels: ['cat', 'dog', 'apple', 'bird'] },
};
export const SMOOTHINGS = [0, 0.2];

// The states of one lesson's grid: its spec says which dimensions matter (a lesson that ignores the logits is audited
// once per temperature) and may add states of its own.
export function gridStates(spec) {
  const dims = spec.dims ?? ['logits', 'temperature'];
  const sets = dims.includes('logits') ? Object.entries(LOGIT_SETS) : [['default', LOGIT_SETS.default]];
  const temps = dims.includes('temperature') ? TEMPERATURES : [1];
  const smooth = dims.includes('smoothing') ? SMOOTHINGS : [0];
  const states = [];
  for (const [name, set] of sets)
    for (const temperature of temps)
      for (const smoothing of smooth) states.push({ name, ...set, temperature, smoothing, ...(spec.fixed ?? {}) });
  return [...states, ...(spec.extraStates ?? [])];
}

export function queryFor(lesson, state) {
  const parts = [`lesson=${lesson}`];
  const num = (v) => (v === -Infinity ? '-inf' : String(v));
  if (state.logits) parts.push(`logits=${state.logits.map(num).join(',')}`);
  if (state.labels) parts.push(`labels=${state.labels.map(encodeURIComponent).join(',')}`);
  for (const [key, name] of [['temperature', 'temperature'], ['smoothing', 'smoothing'], ['target', 'target'],
    ['focus', 'focus'], ['topK', 'topk'], ['topP', 'topp'], ['minP', 'minp'], ['lr', 'lr'], ['shift', 'shift'],
    ['draws', 'draws'], ['seed', 'seed']])
    if (state[key] !== undefined) parts.push(`${name}=${num(state[key])}`);
  if (state.temperatureLast !== undefined) parts.push(`order=${state.temperatureLast ? 'last' : 'first'}`);
  if (state.mask?.length) parts.push(`mask=${state.mask.join(',')}`);
  return `?${parts.join('&')}`;
}

// Commits the first option of every question shown (or of those named, in that order), so the reveals are on the
// page and the gates open: the audit then reads everything a learner who answered would see.
export async function answerShown(page, ids) {
  const nodes = ids ? (await Promise.all(ids.map((id) => page.$(`[data-question="${id}"]`)))).filter(Boolean)
    : await page.$$('[data-question]');
  for (const q of nodes) {
    if (!(await q.isVisible())) continue;
    await (await q.$('input[type=radio]')).check();
    await (await q.$('button.button')).click();
  }
}

// In-page source of a function reading a shown question by id: { ask, choices, reveal } or null. Lesson specs splice
// it into their \`read\` strings.
export const READ_QUESTION = `(id) => {
  const node = document.querySelector('[data-question="' + id + '"]');
  if (!node || node.hidden) return null;
  return { ask: node.querySelector('legend').textContent.replace(/^Predict:\\s*/, ''),
    choices: [...node.querySelectorAll('label.radio')].map((l) => l.textContent.trim()),
    reveal: node.querySelector('.feedback p:not(.verdict)')?.textContent ?? null };
}`;

// Everything the page says, as strings and MathML trees (runs in the page).
const READ_PAGE = `(() => {
  const serialize = ${serializeMath};
  const article = document.querySelector('article.lesson');
  const maths = [...article.querySelectorAll('math')].map((m) => ({ alttext: m.getAttribute('alttext') ?? '', tree: serialize(m) }));
  const lines = article.innerText.split('\\n').map((l) => l.trim()).filter(Boolean);
  const labels = [];
  for (const el of article.querySelectorAll('[aria-label], [aria-valuetext], [alt], [title], svg title, svg desc')) {
    for (const a of ['aria-label', 'aria-valuetext', 'alt', 'title']) if (el.getAttribute(a)) labels.push(el.getAttribute(a));
    if (el.localName === 'title' || el.localName === 'desc') labels.push(el.textContent);
  }
  const live = [...article.querySelectorAll('[aria-live]')].map((n) => n.textContent.trim()).filter(Boolean);
  // Where numbers are displayed (not prose, which may name NaN): cells, readouts, bar values, formulas, value texts.
  const values = [...article.querySelectorAll('td, dd, .bar-value, output, math')].map((n) => n.textContent)
    .concat([...article.querySelectorAll('[aria-valuetext]')].map((n) => n.getAttribute('aria-valuetext')));
  return { maths, lines, labels, live, values };
})()`;

// Loads one state and collects what the page says, including the lesson spec's own reads.
async function readState(page, lesson, state, spec) {
  await page.goto(new URL(queryFor(lesson, state), servers[0].url).href);
  await page.waitForSelector('article.lesson[data-ready="true"]', { timeout: 15_000 });
  if (spec.prepare) await spec.prepare(page, state);
  // The live region speaks 500 ms after the last change.
  await page.waitForTimeout(spec.settle ?? 650);
  const said = await page.evaluate(READ_PAGE);
  const own = spec.read ? await page.evaluate(spec.read) : null;
  return { ...said, own };
}

function genericFailures(where, said, state, spec) {
  const failures = [];
  said.maths.forEach((m, k) => {
    failures.push(...checkMathEquations(`${where} math #${k + 1}`, m.tree, { temperature: state.temperature }));
    failures.push(...checkTextEquations(`${where} math #${k + 1} alttext`, m.alttext));
  });
  for (const line of said.lines) failures.push(...checkTextEquations(`${where} text`, line));
  for (const label of said.labels) failures.push(...checkTextEquations(`${where} label`, label));
  for (const text of said.live) failures.push(...checkTextEquations(`${where} live region`, text));
  if (!spec.showsNaN) {
    const nan = [...said.values, ...said.live].find((t) => /\bNaN\b/.test(t));
    if (nan) failures.push(`${where}: prints NaN: "${nan}"`);
  }
  return failures;
}

// Audits one lesson over its grid, three pages at a time. Returns the failures (at most `limit` listed).
export async function auditLesson(lesson, spec, { limit = 25 } = {}) {
  const states = gridStates(spec);
  const failures = [];
  const pages = [];
  for (let k = 0; k < 3; ++k) pages.push(await open(null, { width: 1280 }));
  let next = 0;
  await Promise.all(pages.map(async ({ page, problems }) => {
    while (next < states.length) {
      const state = states[next++];
      const where = `${lesson} [${state.name}, T = ${state.temperature}${state.smoothing ? `, ε = ${state.smoothing}` : ''}]`;
      try {
        const said = await readState(page, lesson, state, spec);
        failures.push(...genericFailures(where, said, state, spec));
        if (spec.check) failures.push(...spec.check(said, state).filter(Boolean).map((f) => `${where}: ${f}`));
      } catch (error) {
        failures.push(`${where}: ${error.message.split('\n')[0]}`);
      }
      if (problems.length) failures.push(`${where}: ${problems.splice(0).join('; ')}`);
    }
  }));
  for (const { context } of pages) await context.close();
  return { count: states.length, failures: failures.slice(0, limit), total: failures.length };
}

export function registerAudits(specs) {
  for (const lesson of LESSON_IDS) {
    const spec = specs[lesson] ?? {};
    check(`equation audit: ${lesson} — every printed number and equality holds in float64 over its grid of states`, async () => {
      const { count, failures, total } = await auditLesson(lesson, spec);
      assert(total === 0, `${total} false statement(s) in ${count} states:\n    ${failures.join('\n    ')}`);
    }, { timeout: 240_000 });
  }
}
