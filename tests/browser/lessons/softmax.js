// The softmax lesson: what it shows, checked against the module and float64.
import { answerShown, READ_QUESTION } from '../audit.js';
import { checkMathEquations, expectPrinted, printedRight, readPrinted, serializeMath } from '../audit/printed.js';
import { check, assert, open, noProblems, ready, labEval } from '../harness.js';
import { logSoftmaxRef } from '../../js/reference.js';

check('softmax: every step of the table is the module\'s trace; 12.4 vs 0.1 gives 0.999995', async () => {
  const { page, problems, context } = await open('?lesson=softmax&logits=12.4,-3.2,0.1&labels=cat,dog,apple');
  await ready(page);
  const cells = await page.$$eval('.steps-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.dataset.value))));
  const t = await labEval(page, (lab) => {
    const r = lab.trace([12.4, -3.2, 0.1]);
    return [r.logits, r.scaled, r.shifted, r.exp, r.probabilities].map((a) => Array.from(a));
  });
  // The z column holds the logits as typed; every later column is the module's trace.
  const typed = [12.4, -3.2, 0.1];
  cells.forEach((row, i) => row.forEach((v, c) => {
    const want = c === 0 ? typed[i] : t[c][i];
    assert(v === want, `row ${i}, step ${c}: shown ${v}, ${c === 0 ? 'typed' : 'trace gives'} ${want}`);
  }));
  assert(Math.abs(cells[0][4] - 0.999995) < 1e-6, `p(cat) should be about 0.999995 (the article's number), got ${cells[0][4]}`);
  assert(Math.abs(cells[2][4] - 0.0000046) < 5e-7, `p(apple) should be about 0.0000046, got ${cells[2][4]}`);
  const maths = await page.$$eval('article math', (m) => m.length);
  assert(maths >= 3, `expected MathML formulas, found ${maths}`);
  noProblems(problems, 'softmax');
  await context.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Equation audit: every number the lesson prints — the five steps, the step table, the formula with the learner's
// numbers (each term's z, T and m, the values row, Σ and p, and its alt text), the readouts, the bars and their table,
// the questions, their reveals and the live region — against float64 computed here from the state
// (tests/browser/audit.js). The generic audit checks each printed equality; this spec also joins the two formula lines
// into one equation, so every exp(…) term must equal the value printed under it.

const FLOAT32_MIN_NORMAL = 2 ** -126;
const MINUS = /\u2212/g;

export function softmax64(state) {
  const T = state.temperature;
  const z = state.logits;
  const scaled = z.map((v) => v / T);
  const m = Math.max(...scaled);
  const shifted = scaled.map((v) => v - m);
  const e = shifted.map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  // Probabilities from log-softmax (no underflow to 0 before float64's own range).
  const logp = Array.from(logSoftmaxRef(z, { temperature: T }));
  return { T, z, scaled, m, shifted, e, sum, logp, p: logp.map(Math.exp) };
}

// The top two tokens by scaled logit (ties to the lower index), the second finite.
function topTwo64(f) {
  const order = f.scaled.map((v, k) => k).filter((k) => f.scaled[k] !== -Infinity)
    .sort((a, b) => f.scaled[b] - f.scaled[a] || a - b);
  return order.length > 1 ? { a: order[0], b: order[1], gap: f.scaled[order[0]] - f.scaled[order[1]] } : null;
}

// "[1, 0.3679, < 10⁻³⁷]" → its entries.
const entries = (text) => {
  const m = /\[([^\]]*)\]/.exec(text);
  return m ? m[1].split(/,\s+/) : null;
};

// "2.718 ×", "≈ 219,696 ×", "more than 10³⁷ ×" against the float64 ratio.
function expectRatio(where, text, ratio) {
  const t = text.replace(/\s*(×|times.*)$/, '').trim();
  if (/^more than 10³⁷$/.test(t)) return ratio > 1e37 ? '' : `${where}: says "more than 10³⁷", float64 gives ${ratio}`;
  return expectPrinted(where, t, ratio);
}

// A serialised MathML node as a plain string, fractions as (a)/(b).
// A malformed fraction (one child) reads as an empty part.
function flat(n) {
  if (!n) return '';
  if (n.tag === 'mfrac') return `(${flat(n.children[0])})/(${flat(n.children[1])})`;
  if (n.tag === 'msup') return `${flat(n.children[0])}^(${flat(n.children[1])})`;
  return n.children.length ? n.children.map(flat).join('') : n.text;
}

// Checks one exp(z/T − m) or exp(z − m) term against token k.
function checkTerm(where, text, k, f) {
  const match = /^exp\u2061\((?:\(([^)]*)\)\/\(([^)]*)\)|(\u2212?[^\u2212]+))\u2212\(?(.+?)\)?\)$/.exec(text);
  if (!match) return [`${where}: cannot read the term "${text}"`];
  const [, zFrac, T, zPlain, m] = match;
  const out = [expectPrinted(`${where} z`, zFrac ?? zPlain, f.z[k]), expectPrinted(`${where} m`, m, f.m)];
  if (f.T === 1 && T !== undefined) out.push(`${where}: writes a fraction at T = 1 ("${text}"); this lesson writes exp(z − m) there`);
  if (T === '' || zFrac === '') out.push(`${where}: a fraction lost its ${T === '' ? 'denominator (the /T)' : 'numerator'}: "${text}"`);
  else if (f.T !== 1) out.push(T === undefined ? `${where}: no /T in "${text}" at T = ${f.T}` : expectPrinted(`${where} T`, T, f.T));
  return out;
}

// Checks a printed exp value ("0.1353", "1", "e^(−100.0)") against token k.
function checkValue(where, text, k, f) {
  const power = /^e\^\((.+)\)$/.exec(text);
  if (!power) return [expectPrinted(where, text, f.e[k])];
  const x = readPrinted(power[1]);
  if (!x) return [`${where}: cannot read "${text}"`];
  const out = [];
  if (!(f.shifted[k] >= x.lo - 1e-6 * Math.abs(x.lo) && f.shifted[k] <= x.hi + 1e-6 * Math.abs(x.hi)))
    out.push(`${where}: prints "${text}", float64 z/T − m is ${f.shifted[k]}`);
  if (f.e[k] >= FLOAT32_MIN_NORMAL * 1.001) out.push(`${where}: written as a power although float32 holds ${f.e[k]}`);
  return out;
}

const READ = `(() => {
  const serialize = ${serializeMath};
  const q = (id) => {
    const node = document.querySelector('[data-question="' + id + '"]');
    if (!node || node.hidden) return null;
    return { ask: node.querySelector('legend').textContent.replace(/^Predict:\\s*/, ''),
      choices: [...node.querySelectorAll('label.radio')].map((l) => l.textContent.trim()),
      reveal: node.querySelector('.feedback p:not(.verdict)')?.textContent ?? null };
  };
  const table = document.querySelector('.steps-table');
  return {
    steps: [...document.querySelectorAll('.steps li')].map((li) => li.textContent),
    table: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    scaledShown: getComputedStyle(table.querySelector('thead .col-scaled')).display !== 'none',
    readouts: Object.fromEntries([...document.querySelectorAll('dd[data-readout]')].map((d) => [d.dataset.readout, d.textContent])),
    bars: [...document.querySelectorAll('.bar-row')].map((r) => [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent]),
    chartTable: [...document.querySelectorAll('figure.chart + details.table-alt tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    formula: [...document.querySelectorAll('.formula-live math')].map((m) => ({ alttext: m.getAttribute('alttext'), tree: serialize(m) })),
    note: [...document.querySelectorAll('.steps-worked .chart-note')].filter((n) => !n.hidden).map((n) => n.textContent),
    questions: { top: q('top-share'), amplify: q('amplify'), shift: q('shift-max') },
    live: document.querySelector('article > [aria-live]')?.textContent ?? '',
    focus: Number(document.querySelector('.control-row select').value),
  };
})()`;

export const audit = {
  dims: ['logits', 'temperature'],
  // A followed token that underflows, a masked one, one past the terms written out, a tie, sixteen tokens.
  extraStates: [
    { name: 'follow dog', ...LOGITS_DEFAULT(), temperature: 0.01, focus: 1 },
    { name: 'follow masked', logits: [2, -Infinity, 1, 0.5], labels: ['cat', 'dog', 'apple', 'bird'], temperature: 0.5, focus: 1 },
    { name: 'follow tree', ...LOGITS_DEFAULT(), temperature: 2, focus: 5 },
    { name: 'tie', logits: [2, 2, 1], labels: ['cat', 'dog', 'apple'], temperature: 0.01 },
    { name: 'negative', logits: [-1.5, -0.5, -3], labels: ['a', 'b', 'c'], temperature: 0.3, focus: 2 },
    { name: 'sixteen', logits: Array.from({ length: 16 }, (_, k) => Math.round(10 * Math.sin(k + 1)) / 4),
      labels: Array.from({ length: 16 }, (_, k) => `t${k + 1}`), temperature: 0.7, focus: 9 },
  ],
  // Answer every question shown, so the gates open and the reveals are on the page.
  prepare: (page) => answerShown(page),
  read: READ,
  check({ own }, state) {
    const f = softmax64(state);
    const C = f.z.length;
    const focus = state.focus ?? 0;
    const failures = [];
    const push = (...x) => failures.push(...x.flat());
    const masked = (k) => f.z[k] === -Infinity;
    const tiny = (k) => !masked(k) && f.p[k] < FLOAT32_MIN_NORMAL;

    // The five steps.
    const [s1, s2, s3, s4, s5] = own.steps;
    const T = /T = ([^:]+):/.exec(s1 ?? '');
    push(T ? expectPrinted('step 1 T', T[1], f.T) : `step 1 does not name T: "${s1}"`);
    const m = /m = ([^,]+),/.exec(s2 ?? '');
    push(m ? expectPrinted('step 2 m', m[1], f.m) : `step 2 does not name m: "${s2}"`);
    const Sigma = /Σ = (.+)$/.exec(s4 ?? '');
    push(Sigma ? expectPrinted('step 4 Σ', Sigma[1], f.sum) : `step 4 does not name Σ: "${s4}"`);
    [[s1, f.scaled, 'z/T'], [s2, f.shifted, 'z/T − m'], [s3, f.e, 'exp'], [s5, f.p, 'p']].forEach(([text, want, what]) => {
      const list = entries(text ?? '');
      if (!list || list.length !== C) push(`the ${what} step lists ${list?.length} values for ${C} tokens: "${text}"`);
      else list.forEach((t, k) => push(expectPrinted(`the ${what} step, ${state.labels[k]}`, t, want[k])));
    });

    // The step table; its z / T column only where T ≠ 1.
    if (own.table.length !== C) push(`${own.table.length} table rows for ${C} tokens`);
    own.table.forEach((cells, k) => {
      [f.z[k], f.scaled[k], f.shifted[k], f.e[k], f.p[k]].forEach((want, c) =>
        push(expectPrinted(`table row ${cells[0]}, column ${c + 2}`, cells[c + 1], want)));
    });
    if (own.scaledShown !== (f.T !== 1)) push(`the z / T column is ${own.scaledShown ? 'shown' : 'hidden'} at T = ${f.T}`);
    const anyTiny = [...f.z.keys()].some((k) => !masked(k) && f.e[k] < FLOAT32_MIN_NORMAL * 1.001) || [...f.z.keys()].some(tiny);
    if (own.note.length > 0 !== anyTiny) push(`the float32 note is ${own.note.length ? 'shown' : 'missing'} (underflow: ${anyTiny})`);

    // The formula: line 1 names the followed token and writes every term with its T; line 2 evaluates the same
    // terms; the two lines joined are one chain of true equalities.
    const [line1, ...rest] = own.formula;
    const last = rest.at(-1);
    if (!line1 || rest.length !== 2) push(`the formula with your numbers has ${own.formula.length} line(s), expected 3`);
    else {
      const tokens = (tree, out = []) => {
        if (tree.token !== null) out.push(tree);
        else tree.children.forEach((c) => tokens(c, out));
        return out;
      };
      const terms = tokens(line1.tree);
      const values = rest.flatMap((line) => tokens(line.tree));
      const shown = Math.min(C, 3);
      if (terms.length - 1 !== shown) push(`the formula writes out ${terms.length - 1} terms of the sum, expected ${shown}`);
      const order = [focus, ...Array.from({ length: shown }, (_, k) => k)];
      if (terms.map((t) => Number(t.token)).join() !== order.join()) push(`formula terms are for tokens ${terms.map((t) => t.token)}, expected ${order}`);
      if (values.map((t) => Number(t.token)).join() !== [focus, ...order.slice(1), focus].join())
        push(`formula values are for tokens ${values.map((t) => t.token)}, expected ${[focus, ...order.slice(1), focus]}`);
      terms.forEach((t, n) => push(checkTerm(`formula term ${n + 1}`, flat(t), Number(t.token), f)));
      values.forEach((t, n) => push(checkValue(`formula value ${n + 1}`, flat(t), Number(t.token), f)));
      const pLabel = flat(line1.tree.children[0]);
      if (!pLabel.endsWith(state.labels[focus])) push(`the formula follows "${pLabel}", the state follows ${state.labels[focus]}`);
      // Σ and p: the last line, exp/Σ = p (or ≈ 0).
      const top = last.tree.children;
      const sigmaFrac = top.filter((n) => n.tag === 'mfrac').at(-1);
      push(sigmaFrac ? expectPrinted('formula Σ', flat(sigmaFrac.children[1]), f.sum) : 'formula: no exp/Σ fraction');
      const end = top.at(-1);
      const rel = top.at(-2);
      if (rel.text === '≈') {
        if (!(f.p[focus] < 0.5) || end.text !== '0') push(`formula ends "≈ ${end.text}" for p = ${f.p[focus]}`);
      } else push(expectPrinted('formula p', flat(end), f.p[focus]));
      // The lines joined: every term equals the value printed under it, and every "=" of the chain holds.
      const joined = { tag: 'math', text: '', children: own.formula.flatMap((line) => line.tree.children).filter((n) => n.tag !== 'mphantom') };
      push(checkMathEquations('the formula lines as one equation', joined, { temperature: f.T }));
      const spoken = /which is (.+?),? divided by ([^,:]+)[,:] (?:equals (.+)|almost 0)$/.exec(last.alttext);
      if (!spoken) push(`formula alt text: "${last.alttext}"`);
      else {
        push(expectPrinted('formula alt text Σ', spoken[2], f.sum));
        if (spoken[3] !== undefined) push(expectPrinted('formula alt text p', spoken[3], f.p[focus]));
        if (!/^e to the power/.test(spoken[1])) push(expectPrinted('formula alt text exp', spoken[1], f.e[focus]));
      }
    }

    // Readouts.
    const two = topTwo64(f);
    if (two) {
      const gap = /^(.+?) \((.+) over (.+)\)$/.exec(own.readouts.gap);
      if (!gap) push(`gap readout: "${own.readouts.gap}"`);
      else {
        push(expectPrinted('gap readout', gap[1], two.gap));
        if (gap[2] !== state.labels[two.a] || gap[3] !== state.labels[two.b]) push(`gap readout names ${gap[2]} over ${gap[3]}`);
      }
      push(expectRatio('ratio readout', own.readouts.ratio, Math.exp(two.gap)));
    }
    push(expectPrinted('sum of the probabilities', own.readouts.total, 1));

    // The bars and their table.
    if (own.bars.length !== C) push(`${own.bars.length} bars for ${C} tokens`);
    own.bars.forEach(([label, text], k) => push(expectPrinted(`bar ${label}`, text, f.p[k])));
    own.chartTable.forEach((cells, k) => push(expectPrinted(`chart table ${cells[0]} logit`, cells[1], f.z[k]),
      expectPrinted(`chart table ${cells[0]} p`, cells[2], f.p[k])));

    // Questions, their choices and reveals.
    const { top, amplify, shift } = own.questions;
    let a = 0;
    f.z.forEach((v, k) => { if (v > f.z[a]) a = k; });
    if (!top) push('the top-share question is not shown');
    else {
      const ask = /^“(.+?)” has your largest logit, (.+?)(?: \(tied.*)?\. At your temperature/.exec(top.ask);
      if (!ask || ask[1] !== state.labels[a]) push(`top-share asks "${top.ask}" (largest: ${state.labels[a]})`);
      else push(expectPrinted('top-share logit', ask[2], f.z[a]));
      const r = /gives “.+?” (\S+)\./.exec(top.reveal ?? '');
      push(r ? expectPrinted('top-share reveal p', r[1], f.p[a]) : `top-share reveal: "${top.reveal}"`);
      const lead = / by (.+?)(?: after dividing by T)?\. Not/.exec(top.reveal ?? '');
      if (lead && two) push(expectPrinted('top-share reveal gap', lead[1], two.gap));
    }
    if (Boolean(amplify) !== Boolean(two)) push(`the amplify question is ${amplify ? 'shown' : 'hidden'} with ${two ? 'two' : 'fewer than two'} finite logits`);
    if (amplify && two) {
      const ask = /^“(.+)” has the largest logit \((.+)\) and “(.+)” the next \((.+)\): .*a gap of (.+?)\. How/.exec(amplify.ask);
      if (!ask) push(`amplify asks "${amplify.ask}"`);
      else {
        push(expectPrinted('amplify z_a', ask[2], f.z[two.a]), expectPrinted('amplify z_b', ask[4], f.z[two.b]),
          expectPrinted('amplify gap', ask[5], two.gap));
        if (ask[1] !== state.labels[two.a] || ask[3] !== state.labels[two.b]) push(`amplify names ${ask[1]} and ${ask[3]}`);
      }
      const r = /gives “.+” (.+) and “.+” (.+): (.+) times as likely, which is e\^(\S+)\./.exec(amplify.reveal ?? '');
      if (!r) push(`amplify reveal: "${amplify.reveal}"`);
      else push(expectPrinted('amplify reveal p_a', r[1], f.p[two.a]), expectPrinted('amplify reveal p_b', r[2], f.p[two.b]),
        expectRatio('amplify reveal ratio', r[3], Math.exp(two.gap)), expectPrinted('amplify reveal gap', r[4], two.gap));
    }
    if (!shift) push('the shift-max question is not shown');
    else {
      const d = /subtraction is (.+?)(?: \(float32 rounding\))?\. What/.exec(shift.reveal ?? '');
      if (!d) push(`shift-max reveal: "${shift.reveal}"`);
      else if (!(readPrinted(d[1])?.value <= 1e-5)) push(`shift-max reveal: a difference of ${d[1]} is not float32 rounding`);
    }

    // The live region (spoken once the predictions are committed).
    const live = /^Sum of exponentials (.+?)\. (.+?): (.+?)\. Top: (.+) (\S+)\.$/.exec(own.live);
    if (!live) push(`live region: "${own.live}"`);
    else {
      let best = 0;
      f.p.forEach((v, k) => { if (v > f.p[best]) best = k; });
      push(expectPrinted('live Σ', live[1], f.sum), expectPrinted('live p', live[3], f.p[focus]), expectPrinted('live top p', live[5], f.p[best]));
      if (live[2] !== state.labels[focus]) push(`live region follows ${live[2]}`);
    }
    return failures;
  },
};

function LOGITS_DEFAULT() {
  return { logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'] };
}

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (tests/browser/quiz.js): which options are true in a state, in float64, from the state alone.

const argmax = (z) => z.reduce((best, v, k) => (v > z[best] ? k : best), 0);

export const quiz = {
  'top-share': (state) => {
    const p = softmax64(state).p[argmax(state.logits)];
    return [p <= 0.5, p > 0.5 && p < 0.99, p >= 0.99];
  },
  amplify: (state, { ask }) => {
    const f = softmax64(state);
    const two = topTwo64(f);
    if (!two) return [false, false, false];
    const tol = 1e-9 * (1 + Math.abs(two.gap));
    const logRatio = f.logp[two.a] - f.logp[two.b];
    const alone = logSoftmaxRef([f.z[two.a], f.z[two.b]], { temperature: f.T });
    const printedGap = /a gap of (.+?)\. How/.exec(ask)?.[1];
    return [
      two.gap > 0 && Math.abs(logRatio - Math.log(two.gap)) <= tol,
      Math.abs(logRatio - two.gap) <= tol && printedGap !== undefined && printedRight(printedGap, two.gap),
      Math.abs(logRatio - (alone[0] - alone[1])) > tol,
    ];
  },
  'shift-max': (state) => {
    const top = Math.max(...state.logits);
    const a = softmax64(state).p;
    const b = softmax64({ ...state, logits: state.logits.map((z) => z - top) }).p;
    const moved = a.map((v, k) => k).filter((k) => Math.abs(a[k] - b[k]) > 1e-12);
    const onlyTop = moved.length === 1 && moved[0] === argmax(state.logits);
    return [moved.length > 0 && !onlyTop, moved.length === 0, onlyTop];
  },
};

check('softmax: a focused bar lights its token in the formula, the five steps and the table; at 375 px no formula or table number is cut without a cue', async () => {
  const { page, problems, context } = await open('?lesson=softmax&temperature=0.5&focus=1');
  await ready(page);
  for (const q of await page.$$('[data-question]:not([hidden])')) {
    await (await q.$('input[type=radio]')).check();
    await (await q.$('button.button')).click();
  }
  await page.mouse.move(1, 1);  // the pointer off every token, so only the focus lights one
  await page.locator('.bar-row').nth(1).focus();
  const lit = await page.$$eval('.linked', (nodes) => nodes.map((n) => `${n.localName}${n.closest('.formula-live') ? ' in formula' : n.closest('.steps') ? ' in steps' : n.closest('.steps-table') ? ' in table' : ''}:${n.dataset?.token ?? n.getAttribute('data-token')}`));
  for (const where of ['mrow in formula', 'span in steps', 'tr in table', 'div']) {
    assert(lit.some((x) => x.startsWith(where) && x.endsWith(':1')), `focusing dog's bar should light ${where}: lit ${lit.join(', ')}`);
  }
  assert(lit.every((x) => x.endsWith(':1')), `only dog's elements light up: ${lit.join(', ')}`);
  // At 375 px every box that scrolls shows its cue, and the formula fits.
  await page.setViewportSize({ width: 375, height: 800 });
  for (const query of ['?lesson=softmax&temperature=0.5', '?lesson=softmax&logits=12.4,-3.2,0.1&labels=cat,dog,apple',
    '?lesson=softmax&logits=10000,-10000,9999.5,-9999&labels=cat,dog,apple,bird&temperature=0.01']) {
    await page.goto(new URL(query, page.url()).href);
    await ready(page);
    await page.waitForTimeout(100);
    const boxes = await page.$$eval('.formula-live, .steps-worked .table-scroll', (nodes) => nodes.map((n) => ({
      cls: n.className, wide: n.scrollWidth > n.clientWidth + 1,
      cue: !n.parentElement.querySelector('.overflow-cue')?.hidden })));
    for (const b of boxes) assert(!b.wide || b.cue, `${query}: "${b.cls}" scrolls at 375 px without its cue`);
    assert(!boxes.find((b) => b.cls.includes('formula-live')).wide, `${query}: the formula is wider than a 375 px screen`);
  }
  noProblems(problems, 'softmax linked tokens');
  await context.close();
});

// The formula, the steps and the table are rewritten in place while their shape stays: after a change they must read
// exactly as a fresh page in the new state.
const SNAPSHOT = `JSON.stringify({
  math: [...document.querySelectorAll('.formula-live math')].map((m) => [m.getAttribute('alttext'), m.textContent,
    [...m.querySelectorAll('[data-token]')].map((n) => n.getAttribute('data-token')).join()]),
  steps: [...document.querySelectorAll('.steps li')].map((li) => li.textContent),
  table: [...document.querySelectorAll('.steps-table tbody td')].map((td) => td.textContent + '|' + td.dataset.value),
})`;

check('softmax: after a change of T or of the followed token the page reads exactly as a fresh load of the new state', async () => {
  const { page, problems, context } = await open('?lesson=softmax&temperature=0.5&focus=1');
  await ready(page);
  const moves = [
    ['temperature', '0.6', '?lesson=softmax&temperature=0.6&focus=1'],
    ['focus', '2', '?lesson=softmax&temperature=0.6&focus=2'],
    ['temperature', '0.7', '?lesson=softmax&temperature=0.7&focus=2'],
    ['focus', '0', '?lesson=softmax&temperature=0.7&focus=0'],
    ['temperature', '1', '?lesson=softmax&temperature=1&focus=0'],
  ];
  for (const [what, value, fresh] of moves) {
    if (what === 'temperature') {
      await page.getByLabel('Temperature T').fill(value);
      await page.getByLabel('Temperature T').press('Enter');
    } else await page.getByLabel('Follow token').selectOption(value);
    const inPlace = await page.evaluate(SNAPSHOT);
    const other = await open(fresh);
    await ready(other.page);
    const loaded = await other.page.evaluate(SNAPSHOT);
    await other.context.close();
    assert(inPlace === loaded, `after setting ${what} to ${value} the page differs from a fresh load:\n      ${inPlace}\n      ${loaded}`);
  }
  noProblems(problems, 'softmax in place');
  await context.close();
});
