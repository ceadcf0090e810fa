// The temperature lesson: what it shows, checked against the module and float64.
import { entropyRef, softmaxRef } from '../../js/reference.js';
import { expectPrinted } from '../audit/printed.js';
import { answerShown } from '../audit.js';
import { check, assert, open, noProblems, ready, labEval, tableValues, probabilityCells, roundSignificant } from '../harness.js';

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
    // An underflow to 0 (below float's normal range) is written as a bound, never as an exact 0.
    const formatted = await page.evaluate(async (values) => {
      const { formatProbability } = await import(location.origin + '/ui/format.js');
      return values.map((v) => (v === 0 ? '<\u00a010\u207b\u00b3\u2077' : formatProbability(v)));
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

check('questions: temperature — predict, commit, retry; every reveal is computed from the state it is asked in', async () => {
  const { page, problems, context } = await open('?lesson=temperature');
  await ready(page);
  const q = page.locator('[data-question="double"]');
  const gate = page.locator('[data-gate~="double"]');
  assert(await gate.evaluate((g) => g.classList.contains('gated') && g.inert), 'the curves should stay gated before the prediction');
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  assert(/Pick an answer/.test(await q.locator('.feedback').textContent()), 'checking without an answer should ask for one');
  const ask = await q.locator('legend').textContent();
  assert(/double T to 2\b/.test(ask), `at T = 1 the question doubles T to 2: ${JSON.stringify(ask)}`);
  await q.getByLabel('falls').check();
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  const feedback = await q.locator('.feedback').textContent();
  const expected = await labEval(page, (lab) => lab.softmax([2, 1, 0.1, 0.6, -0.8, -2], { temperature: 2 })[0]);
  const shown = `${(expected * 100).toFixed(1)}%`;
  assert(/Right/.test(feedback) && feedback.includes(`at T = 2, “cat” has ${shown}`), `feedback should say "at T = 2, “cat” has ${shown}": ${JSON.stringify(feedback)}`);
  assert(await q.getByLabel('falls').isDisabled(), 'the committed answer is locked');
  // The ties question still gates the curves; answering it opens them.
  assert(await gate.evaluate((g) => g.classList.contains('gated')), 'the curves open only when both predictions are committed');
  const ties = page.locator('[data-question="ties"]');
  await ties.getByLabel('The first one gets 100%').check();
  await ties.getByRole('button', { name: 'Check my prediction' }).click();
  assert(/Not quite/.test(await ties.locator('.verdict').textContent()), 'a wrong first answer is marked wrong');
  await ties.getByRole('button', { name: 'Try again' }).click();
  await ties.getByLabel('They share it: 50% each').check();
  await ties.getByRole('button', { name: 'Check my prediction' }).click();
  const retry = await ties.locator('.verdict').textContent();
  assert(/Right/.test(retry) && /Attempt 2/.test(retry), `a right retry says so and that the first answer counts: ${JSON.stringify(retry)}`);
  assert(/Score: 1 of 2/.test(await page.textContent('.lesson-score')), 'the score counts first answers only');
  assert(await gate.evaluate((g) => !g.classList.contains('gated') && !g.inert), 'both predictions committed: the curves open');
  await q.getByRole('button', { name: 'Move T there' }).click();
  const T = Number(await page.getAttribute('.temperature-readout', 'data-value'));
  assert(T === 2, `"Move T there" should set T = 2, it is ${T}`);
  noProblems(problems, 'questions');
  await context.close();
});

check('temperature: at T = 100 the question halves T (doubling is clamped there); a hidden question leaves the score', async () => {
  const { page, problems, context } = await open('?lesson=temperature&temperature=100');
  await ready(page);
  const q = page.locator('[data-question="double"]');
  const ask = await q.locator('legend').textContent();
  assert(/halve T to 50\b/.test(ask), `at T = 100 the question should halve T to 50: ${JSON.stringify(ask)}`);
  await q.getByLabel('rises').check();
  await q.getByRole('button', { name: 'Check my prediction' }).click();
  const feedback = await q.locator('.feedback').textContent();
  assert(/Right/.test(feedback) && /at T = 50,/.test(feedback) && !/at T = 100 .*at T = 100/.test(feedback),
    `halving from 100 makes the leader rise, and the reveal names both temperatures: ${JSON.stringify(feedback)}`);
  // At T = 0.01 with a gap of 10 the others' share stays below 10⁻³⁰ at T and 2T: no visible change, no question.
  await page.goto(new URL('?lesson=temperature&logits=1000,990,0&temperature=0.01', page.url()).href);
  await ready(page);
  assert(await q.isHidden(), 'with no visible change the question is hidden');
  assert(/of 1 right/.test(await page.textContent('.lesson-score')), 'the score counts only the question shown');
  noProblems(problems, 'temperature at the ends');
  await context.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Equation audit: every number the lesson prints (bars, both tables, readouts, the curves' labels and table, the
// question, its reveal, the live region) against float64 (tests/browser/audit.js).

const GRID_T = [0.01, 0.1, 1, 10, 100];
const nats = (text) => text.replace(/\s*nats?\b.*$/, '').trim();

function reference(state) {
  const z = state.logits;
  const T = state.temperature;
  const p = Array.from(softmaxRef(z, { temperature: T }));
  const H = entropyRef(z, { temperature: T })[0];
  const unmasked = z.filter(Number.isFinite).length;
  return { z, T, p, H, ghost: Array.from(softmaxRef(z)), unmasked, Hmax: Math.log(unmasked) };
}

// The question's move: double T, or halve it above 50; the others' share at both temperatures, in float64.
export function doubleRef(state) {
  const T = state.temperature;
  const next = T > 50 ? T / 2 : 2 * T;
  let top = 0;
  state.logits.forEach((v, i) => { if (v > state.logits[top]) top = i; });
  const others = (t) => Array.from(softmaxRef(state.logits, { temperature: t })).reduce((s, v, i) => (i === top ? s : s + v), 0);
  const finite = state.logits.filter(Number.isFinite);
  return { T, next, halve: T > 50, top, qa: others(T), qb: others(next), pa: 1 - others(T), pb: 1 - others(next),
    pTop: (t) => softmaxRef(state.logits, { temperature: t })[top], flat: finite.every((v) => v === finite[0]) };
}

// "At T = a, “cat” has X …": every number after a label, checked in order against `want`.
function expectSequence(where, text, pattern, want) {
  const found = [...text.matchAll(pattern)].map((m) => m[1]);
  if (found.length !== want.length) return [`${where}: expected ${want.length} numbers by ${pattern}, found ${found.length} in "${text}"`];
  return found.map((t, k) => expectPrinted(`${where} #${k + 1}`, t, want[k]));
}

export const audit = {
  dims: ['logits', 'temperature'],
  // Answer both questions first, so the reveals are on the page and the gated curves open.
  prepare: (page) => answerShown(page, ['double', 'ties']),
  read: `(() => ({
    bars: [...document.querySelectorAll('.bar-row')].map((r) => [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent]),
    table: [...document.querySelectorAll('figure.chart + details.table-alt tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    caption: document.querySelector('figure.chart .chart-caption').textContent,
    readouts: Object.fromEntries([...document.querySelectorAll('dd[data-readout]')].map((d) => [d.dataset.readout, d.textContent])),
    curveTable: [...document.querySelectorAll('table.curve-table tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    curveLabels: [...document.querySelectorAll('svg.line-chart')].map((svg) => ({ label: svg.getAttribute('aria-label'),
      marks: [...svg.querySelectorAll('.marks text')].map((t) => t.textContent) })),
    ask: document.querySelector('[data-question="double"]').hidden ? null : document.querySelector('[data-question="double"] legend').textContent,
    reveal: document.querySelector('[data-question="double"] .feedback p:not(.verdict)')?.textContent ?? null,
    ties: document.querySelector('[data-question="ties"] .feedback p:not(.verdict)')?.textContent ?? null,
    live: document.querySelector('article [aria-live]:not(.feedback)')?.textContent ?? '',
    formula: [...document.querySelectorAll('.formula-live math')].map((m) => ({ alttext: m.getAttribute('alttext'),
      numbers: [...m.querySelectorAll('mn')].map((n) => (n.previousElementSibling?.textContent === '\u2212' && n.parentElement.localName === 'mrow' && n.parentElement.children.length === 2 ? '-' : '') + n.textContent) })),
    formulaCaption: document.querySelector('.formula-caption')?.textContent ?? '',
  }))()`,
  check({ own }, state) {
    const f = reference(state);
    const failures = [];
    const fmtT = (t) => String(Number(t.toPrecision(4)));
    if (own.bars.length !== f.z.length) failures.push(`${own.bars.length} bars for ${f.z.length} tokens`);
    own.bars.forEach(([label, text], i) => failures.push(expectPrinted(`bar ${label}`, text, f.p[i])));
    if (own.table.length !== f.z.length) failures.push(`${own.table.length} table rows for ${f.z.length} tokens`);
    own.table.forEach((cells, i) => {
      [f.z[i], f.z[i] / f.T, f.p[i], f.ghost[i]].forEach((want, c) => failures.push(expectPrinted(`table row ${cells[0]}, column ${c + 2}`, cells[c + 1], want)));
    });
    failures.push(...expectSequence('caption', own.caption, /T = ([\d.]+)/g, [f.T, 1]));
    if (!own.caption.includes(`1/${f.unmasked})`)) failures.push(`caption: the uniform line should be 1/${f.unmasked}: "${own.caption}"`);
    failures.push(expectPrinted('entropy', nats(own.readouts.entropy), f.H));
    failures.push(expectPrinted('bits', own.readouts.bits.replace(/\s*bits?$/, ''), f.H / Math.LN2));
    failures.push(expectPrinted('perplexity', own.readouts.perplexity, Math.exp(f.H)));
    failures.push(expectPrinted('ln C', nats(own.readouts.maximum), f.Hmax));
    const masked = /\((\d+) unmasked tokens\)/.exec(own.readouts.maximum);
    if (f.unmasked < f.z.length && Number(masked?.[1]) !== f.unmasked) failures.push(`ln C: says "${own.readouts.maximum}" for ${f.unmasked} unmasked tokens`);
    if (/^1 bits|\b1 bits/.test(own.readouts.bits)) failures.push(`"1 bits": ${own.readouts.bits}`);
    const [topName, topText] = own.readouts.top.split(', ');
    const top = state.labels.indexOf(topName);
    if (top < 0 || f.p[top] < Math.max(...f.p) * (1 - 1e-6)) failures.push(`most likely token: "${own.readouts.top}"`);
    else failures.push(expectPrinted('most likely token', topText, f.p[top]));
    // The curves' table at the powers of ten, and the labels of the curves.
    own.curveTable.forEach((cells, k) => {
      failures.push(expectPrinted(`curve table row ${k + 1}, T`, cells[0], GRID_T[k]));
      const p = softmaxRef(f.z, { temperature: GRID_T[k] });
      f.z.forEach((_, i) => failures.push(expectPrinted(`curve table T = ${GRID_T[k]}, ${state.labels[i]}`, cells[i + 1], p[i])));
      failures.push(expectPrinted(`curve table T = ${GRID_T[k]}, entropy`, cells[f.z.length + 1], entropyRef(f.z, { temperature: GRID_T[k] })[0]));
    });
    if (own.curveTable.length !== GRID_T.length) failures.push(`the curves' table has ${own.curveTable.length} rows`);
    const [probCurve, entropyCurve] = own.curveLabels;
    failures.push(...expectSequence('probability curves label', probCurve.label, /T = ([\d.]+)/g, [f.T, 100]));
    failures.push(...expectSequence('probability curves label (1/C)', probCurve.label, /1\/(\d+)/g, [f.unmasked]));
    failures.push(...expectSequence('probability curves rule', probCurve.marks.join(' '), /T = ([\d.]+)/g, [f.T]));
    failures.push(...expectSequence('entropy curve label (nats)', entropyCurve.label, /([\d.]+) nats/g, [f.H, f.Hmax]));
    failures.push(...expectSequence('entropy curve label (T)', entropyCurve.label, /T = ([\d.]+)/g, [f.T]));
    failures.push(...expectSequence('entropy curve marks', entropyCurve.marks.join(' | '), /([\d.]+) nats/g, [f.Hmax, f.H]));
    // The formula with the learner's numbers, for the most likely token: z and T as typed, m = max z/T, and
    // "which is 1 divided by Σ, equals p" in float64.
    if (own.formula.length !== 2) failures.push(`${own.formula.length} substituted formulas`);
    else {
      const top = f.p.indexOf(Math.max(...f.p));
      const finite = f.z.filter(Number.isFinite);
      const m = Math.max(...finite) / f.T;
      const nums = own.formula[0].numbers;
      const shown = Math.min(3, f.z.length);
      const order = [top, ...Array.from({ length: shown }, (_, k) => k)];
      order.forEach((k, j) => {
        const [zText, tText, mText] = nums.slice(3 * j, 3 * j + 3);
        if (f.z[k] === -Infinity) { if (zText !== '-∞') failures.push(`formula: z of ${state.labels[k]} prints "${zText}"`); }
        else failures.push(expectPrinted(`formula z of ${state.labels[k]}`, zText.replace(/^-/, '\u2212'), f.z[k]));
        failures.push(expectPrinted('formula T', tText, f.T), expectPrinted('formula m', mText, Math.abs(m)));
      });
      const sum = finite.reduce((a, v) => a + Math.exp(v / f.T - m), 0);
      const am = /^which is (\S+) divided by (\S+), equals (\S+)$/.exec(own.formula[1].alttext);
      if (!am) failures.push(`formula alttext "${own.formula[1].alttext}"`);
      else failures.push(expectPrinted('formula numerator', am[1], 1), expectPrinted('formula Σ', am[2], sum), expectPrinted('formula p', am[3], f.p[top]));
      failures.push(...expectSequence('formula caption', own.formulaCaption, /T = ([\d.]+)/g, [f.T]));
      if (!own.formulaCaption.includes(`“${state.labels[top]}”`)) failures.push(`formula caption names "${own.formulaCaption}"`);
    }
    // The live region: "T 2: cat 34.8%, … Entropy 1.601 nats."
    if (own.live) {
      const m = /^T ([\d.]+): (.*)\. Entropy ([\d.]+) nats\.$/.exec(own.live);
      if (!m) failures.push(`live region: "${own.live}"`);
      else {
        failures.push(expectPrinted('live T', m[1], f.T), expectPrinted('live entropy', m[3], f.H));
        for (const part of m[2].split(', ')) {
          const [, name, value] = /^(.*?) (<\s10\S+|[\d.]+ × 10\S+|[\d.]+%)$/.exec(part) ?? [];
          const i = state.labels.indexOf(name);
          failures.push(i < 0 ? `live region names "${part}"` : expectPrinted(`live ${part}`, value, f.p[i]));
        }
      }
    }
    // The question and its reveal, phrased for this state.
    const d = doubleRef(state);
    if (own.ask !== null) {
      failures.push(...expectSequence('question', own.ask, /T (?:=|to) ([\d.]+)/g, [d.T, d.next]));
      failures.push(...expectSequence('question (p)', own.ask, /(?:leads with|has) ([\d.]+%)/g, [d.pTop(d.T)]));
      if (!own.ask.includes(d.halve ? 'halve' : 'double')) failures.push(`question: "${own.ask}" at T = ${d.T}`);
    }
    if (own.reveal !== null) {
      failures.push(...expectSequence('reveal (T)', own.reveal, /T = ([\d.]+)/g, [d.T, d.next]));
      if (!d.flat) {
        failures.push(...expectSequence('reveal (p)', own.reveal, /has ([\d.]+%|[\d.]+ × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g, [d.pTop(d.T), d.pTop(d.next)]));
        failures.push(...expectSequence('reveal (others)', own.reveal, /share (< 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+|[\d.]+%|[\d.]+ × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g, [d.qa, d.qb]));
      }
    }
    if (own.ties !== null) {
      const p = softmaxRef([2, 2, 1], { temperature: 0.01 });
      failures.push(...expectSequence('ties reveal', own.ties, /([\d.]+%)/g, [p[0], p[1]]));
    }
    return failures;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (tests/browser/quiz.js), in float64.

// The leader's probability is 1 minus the others' share, which keeps its digits when the leader rounds to 1; the page
// asks only when that share reaches 10⁻³⁰ at one of the two temperatures (or nothing can change: all logits equal).
export const quiz = {
  double(state, { ask }) {
    const d = doubleRef(state);
    if (!ask.includes(`${d.halve ? 'halve' : 'double'} T to ${String(Number(d.next.toPrecision(4)))}`)) return [false, false, false];
    if (d.flat) return [false, false, true];
    if (Math.max(d.qa, d.qb) < 1e-30) return [false, false, false];
    return [d.qb < d.qa, d.qb > d.qa, false];
  },
  ties() {
    const p = softmaxRef([2, 2, 1], { temperature: 0.01 });
    return [p[0] > 0.999, Math.abs(p[0] - 0.5) < 1e-9 && Math.abs(p[1] - 0.5) < 1e-9, Number.isNaN(p[0])];
  },
};
