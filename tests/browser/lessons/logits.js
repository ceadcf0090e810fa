// The logits lesson: what it shows, checked against the module and float64.
import { expectPrinted, readPrinted } from '../audit/printed.js';
import { answerShown, READ_QUESTION } from '../audit.js';
import { check, assert, open, noProblems, ready } from '../harness.js';
import { logSoftmaxRef } from '../../js/reference.js';

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

// ---------------------------------------------------------------------------------------------------------------
// Equation audit: the checks (sum, smallest, largest, negative count, the verdict and the logits it names), the slider
// values, the softmax preview (bars and table, ranks included), the questions and their reveals, and the live region,
// against float64 computed here from the state (tests/browser/audit.js). The lesson ignores T.

const FLOAT32_MIN_NORMAL = 2 ** -126;
const quoted = /“(.+?)” \((.+?)\)/g;

function reference(state) {
  const z = state.logits;
  const logp = Array.from(logSoftmaxRef(z));
  return { z, logp, p: logp.map(Math.exp), sum: z.reduce((a, b) => a + b, 0) };
}

// The largest logit, if positive, and the largest positive logit below it (the ratio question's pair), or null.
export function ratioPair64(z) {
  let a = -1;
  z.forEach((v, k) => { if (v > 0 && (a < 0 || v > z[a])) a = k; });
  if (a < 0) return null;
  let b = -1;
  z.forEach((v, k) => { if (v > 0 && v < z[a] && (b < 0 || v > z[b])) b = k; });
  return b < 0 ? null : { a, b };
}

// "“fish” (−0.8) and “tree” (−2) are negative" against the tokens that should be named, in order, at most three.
function checkNamed(where, text, state, want) {
  const found = [...text.matchAll(quoted)];
  const out = [];
  const named = want.slice(0, 3);
  if (found.length !== named.length) out.push(`${where}: names ${found.length} token(s), expected ${named.length}: "${text}"`);
  found.forEach(([, label, value], n) => {
    const k = named[n];
    if (label !== state.labels[k]) out.push(`${where}: names “${label}”, expected “${state.labels[k]}”`);
    out.push(expectPrinted(`${where} “${label}”`, value, state.logits[k]));
  });
  const more = /and (\d+) more/.exec(text);
  if ((want.length > 3) !== Boolean(more) || (more && Number(more[1]) !== want.length - 3)) out.push(`${where}: "${text}" for ${want.length} tokens`);
  return out;
}

export const audit = {
  dims: ['logits'],
  extraStates: [
    { name: 'a distribution by chance', logits: [0.2, 0.3, 0.5], labels: ['a', 'b', 'c'], temperature: 1 },
    { name: 'all negative', logits: [-1, -2, -3, -4, -5, -6], labels: ['a', 'b', 'c', 'd', 'e', 'f'], temperature: 1 },
    { name: 'sixteen', logits: Array.from({ length: 16 }, (_, k) => Math.round(40 * Math.sin(k + 1)) / 4),
      labels: Array.from({ length: 16 }, (_, k) => `t${k + 1}`), temperature: 1 },
    { name: 'near the limit', logits: [9998, 9997.5, 1], labels: ['x', 'y', 'z'], temperature: 1 },
  ],
  prepare: (page) => answerShown(page),
  read: `(() => {
    const q = (id) => {
      const node = document.querySelector('[data-question="' + id + '"]');
      if (!node || node.hidden) return null;
      return { ask: node.querySelector('legend').textContent.replace(/^Predict:\\s*/, ''),
        choices: [...node.querySelectorAll('label.radio')].map((l) => l.textContent.trim()),
        reveal: node.querySelector('.feedback p:not(.verdict)')?.textContent ?? null };
    };
    return {
      readouts: Object.fromEntries([...document.querySelectorAll('dd[data-readout]')].map((d) => [d.dataset.readout, d.textContent])),
      sliders: [...document.querySelectorAll('[role="slider"]')].map((s) => s.getAttribute('aria-valuetext')),
      ticks: [...document.querySelectorAll('.logit-scale-tick')].map((t) => t.textContent),
      bars: [...document.querySelectorAll('.bar-row')].map((r) => [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent]),
      table: [...document.querySelectorAll('figure.chart + details.table-alt tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
      shift: q('shift'),
      ratio: q('ratio'),
      live: document.querySelector('article > [aria-live]')?.textContent ?? '',
    };
  })()`,
  check({ own }, state) {
    const f = reference(state);
    const z = f.z;
    const C = z.length;
    const failures = [];
    const push = (...x) => failures.push(...x.flat());
    const finite = z.filter(Number.isFinite);

    // The checks.
    push(expectPrinted('sum of the logits', own.readouts.sum, f.sum), expectPrinted('smallest', own.readouts.min, Math.min(...z)),
      expectPrinted('largest', own.readouts.max, Math.max(...finite)));
    const negative = z.map((v, k) => k).filter((k) => z[k] < 0);
    const above = z.map((v, k) => k).filter((k) => z[k] > 1);
    if (own.readouts.negative !== `${negative.length} of ${C}`) push(`negative entries: "${own.readouts.negative}", expected ${negative.length} of ${C}`);
    const verdict = own.readouts.verdict;
    const isDistribution = negative.length === 0 && above.length === 0 && Math.abs(f.sum - 1) < 1e-9;
    if (isDistribution !== /^By coincidence, yes/.test(verdict)) push(`verdict "${verdict}" for logits ${z.join(', ')}`);
    if (!isDistribution) {
      const parts = verdict.replace(/^No: /, '').replace(/\.$/, '').split('; ');
      const neg = parts.find((p) => / negative$/.test(p));
      const big = parts.find((p) => / above 1$/.test(p));
      const total = parts.find((p) => /^they sum to/.test(p));
      if (Boolean(neg) !== negative.length > 0) push(`verdict "${verdict}": negatives ${negative.length}`);
      else if (neg) push(checkNamed('verdict, negative', neg, state, negative));
      if (Boolean(big) !== above.length > 0) push(`verdict "${verdict}": above 1: ${above.length}`);
      else if (big) push(checkNamed('verdict, above 1', big, state, above));
      const sum = /^they sum to (.+), not 1$/.exec(total ?? '');
      if (Boolean(total) !== Math.abs(f.sum - 1) > 1e-9) push(`verdict "${verdict}": sum ${f.sum}`);
      else if (sum) push(expectPrinted('verdict sum', sum[1], f.sum));
    }

    // The sliders and their scale.
    own.sliders.forEach((text, k) => {
      const m = /^(.+): (.+)$/.exec(text);
      if (!m || m[1] !== state.labels[k]) push(`slider ${k + 1}: "${text}"`);
      else if (z[k] === -Infinity) { if (!/minus infinity/.test(m[2])) push(`slider ${k + 1}: "${text}" for −∞`); }
      else push(expectPrinted(`slider ${m[1]}`, m[2], z[k]));
    });
    const lo = Math.min(-15, Math.floor(Math.min(...finite)));
    const hi = Math.max(15, Math.ceil(Math.max(...finite)));
    const ticks = own.ticks.map((t) => readPrinted(t)?.value);
    if (ticks.length < 3 || ticks.some((v) => !(v >= lo && v <= hi)) || ticks.some((v, k) => k && v <= ticks[k - 1]))
      push(`scale ticks ${own.ticks.join(' ')} for a span of ${lo} … ${hi}`);

    // The preview: bars and table (logit, probability, rank).
    if (own.bars.length !== C) push(`${own.bars.length} bars for ${C} tokens`);
    own.bars.forEach(([label, text], k) => push(expectPrinted(`bar ${label}`, text, f.p[k])));
    own.table.forEach((cells, k) => {
      push(expectPrinted(`table ${cells[0]} logit`, cells[1], z[k]), expectPrinted(`table ${cells[0]} p`, cells[2], f.p[k]));
      const rank = Number(cells[3]);
      const above64 = f.logp.filter((v) => v > f.logp[k]).length;
      const tied = f.logp.filter((v) => v === f.logp[k]).length;
      if (!(rank >= above64 + 1 && rank <= above64 + tied)) push(`table ${cells[0]} rank ${cells[3]}, float64 puts it at ${above64 + 1}${tied > 1 ? `–${above64 + tied}` : ''}`);
    });

    // The questions and their reveals.
    const d = Math.max(...finite) + 5 > 1e4 ? -5 : 5;
    if (!own.shift) push('the shift question is not shown');
    else {
      if (!own.shift.ask.startsWith(d > 0 ? 'You add 5 to every logit' : 'You subtract 5 from every logit')) push(`shift asks "${own.shift.ask}"`);
      const r = /^Softmax only sees .* “(.+?)” has (.+) before and (.+) after \(the largest change over all tokens is (.+?)(, float32 rounding)?\)\.$/.exec(own.shift.reveal ?? '');
      if (!r) push(`shift reveal: "${own.shift.reveal}"`);
      else {
        const k = state.labels.indexOf(r[1]);
        const after = Array.from(logSoftmaxRef(z.map((v) => v + d))).map(Math.exp);
        push(expectPrinted('shift reveal, before', r[2], f.p[k]), expectPrinted('shift reveal, after', r[3], after[k]));
        if (!(readPrinted(r[4])?.value <= 1e-5)) push(`shift reveal: a change of ${r[4]} is not float32 rounding`);
      }
    }
    const pair = ratioPair64(z);
    if (Boolean(own.ratio) !== Boolean(pair)) push(`the ratio question is ${own.ratio ? 'shown' : 'hidden'} (pair: ${JSON.stringify(pair)})`);
    if (own.ratio && pair) {
      const { a, b } = pair;
      const ask = /^“(.+?)” has logit (.+) and “(.+?)” has (.+): (.+) times as much\./.exec(own.ratio.ask);
      if (!ask || ask[1] !== state.labels[a] || ask[3] !== state.labels[b]) push(`ratio asks "${own.ratio.ask}"`);
      else push(expectPrinted('ratio z_a', ask[2], z[a]), expectPrinted('ratio z_b', ask[4], z[b]), expectPrinted('ratio times', ask[5], z[a] / z[b]));
      const r = /^Softmax gives “.+?” (.+) and “.+?” (.+): (.+) times as likely, not (.+)\. What counts is the difference between the logits, (.+), and .* e\^(.+) here\./.exec(own.ratio.reveal ?? '');
      if (!r) push(`ratio reveal: "${own.ratio.reveal}"`);
      else {
        const ratio = Math.exp(f.logp[a] - f.logp[b]);
        push(expectPrinted('ratio reveal p_a', r[1], f.p[a]), expectPrinted('ratio reveal p_b', r[2], f.p[b]),
          /^more than 10³⁷$/.test(r[3]) ? (ratio > 1e37 ? '' : `ratio reveal says more than 10³⁷ for ${ratio}`) : expectPrinted('ratio reveal ratio', r[3], ratio),
          expectPrinted('ratio reveal k', r[4], z[a] / z[b]), expectPrinted('ratio reveal gap', r[5], z[a] - z[b]),
          expectPrinted('ratio reveal power', r[6], z[a] - z[b]));
      }
    }

    // The live region: the logits, then (once the ratio question is answered) the top token's probability.
    const live = /^Logits (.+?)\.(?: Softmax gives (.+) (\S+)\.)?$/.exec(own.live);
    if (!live) push(`live region: "${own.live}"`);
    else {
      const items = live[1].split(', ');
      if (items.length !== C) push(`live region lists ${items.length} logits for ${C} tokens`);
      items.forEach((item, k) => {
        const text = item.slice(state.labels[k].length + 1);
        if (!item.startsWith(`${state.labels[k]} `)) push(`live region item "${item}"`);
        else push(expectPrinted(`live region ${state.labels[k]}`, text, z[k]));
      });
      if (live[2] !== undefined) {
        let top = 0;
        f.p.forEach((v, k) => { if (v > f.p[top]) top = k; });
        if (live[2] !== state.labels[top]) push(`live region names ${live[2]} as the top token`);
        push(expectPrinted('live region top p', live[3], f.p[top]));
      }
    }
    return failures;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (tests/browser/quiz.js): which options are true in a state, in float64. The lesson uses T = 1.

export const quiz = {
  shift: (state, { ask }) => {
    const d = /^You add 5/.test(ask) ? 5 : /^You subtract 5/.test(ask) ? -5 : NaN;
    const before = Array.from(logSoftmaxRef(state.logits)).map(Math.exp);
    const after = Array.from(logSoftmaxRef(state.logits.map((v) => v + d))).map(Math.exp);
    if (Number.isNaN(d)) return [false, false, false];
    const same = before.every((p, k) => Math.abs(p - after[k]) <= 1e-12);
    const allMove = before.every((p, k) => p === 0 || Math.sign(after[k] - p) === Math.sign(d));
    let top = 0;
    state.logits.forEach((v, k) => { if (v > state.logits[top]) top = k; });
    const topOnly = !same && before.every((p, k) => (k === top ? Math.sign(after[k] - p) === Math.sign(d) : after[k] === p || Math.sign(after[k] - p) === -Math.sign(d)));
    return [!same && allMove, same, topOnly];
  },
  ratio: (state, { ask }) => {
    const pair = ratioPair64(state.logits);
    if (!pair) return [false, false, false];
    const { a, b } = pair;
    if (!ask.startsWith(`“${state.labels[a]}” has logit`) || !ask.includes(`and “${state.labels[b]}” has`)) return [false, false, false];
    const logp = logSoftmaxRef(state.logits);
    const logRatio = logp[a] - logp[b];
    const logTimes = Math.log(state.logits[a] / state.logits[b]);
    return [Math.abs(logRatio - logTimes) <= 1e-12, logRatio > logTimes + 1e-12, logRatio < logTimes - 1e-12];
  },
};
