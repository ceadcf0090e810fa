// The cross-entropy lesson: what it shows, checked against the module and float64.
import { logSoftmaxRef, crossEntropyRef } from '../../js/reference.js';
import { expectPrinted, readPrinted } from '../audit/printed.js';
import { check, assert, open, noProblems, ready } from '../harness.js';

check('cross-entropy: loss = −log p(correct) for the chosen token; the article\'s 0.223 and 4.605', async () => {
  const { page, problems, context } = await open('?lesson=cross-entropy');
  await ready(page);
  await page.getByLabel('Correct token', { exact: true }).selectOption({ label: 'dog' });
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
  const target = await page.$$eval('article details.table-alt', (ds) => [...ds[1].querySelectorAll('tbody td:nth-child(2)')].map((td) => Number(td.dataset.value)));
  const C = target.length;
  assert(Math.abs(target[1] - (0.9 + 0.1 / C)) < 1e-5 && Math.abs(target[0] - 0.1 / C) < 1e-5,
    `with ε = 0.1 and C = ${C} the target should be ${0.9 + 0.1 / C} on dog and ${0.1 / C} elsewhere: ${target.join(', ')}`);
  noProblems(problems, 'cross-entropy');
  await context.close();
});

check('cross-entropy: when p underflows float32 the page says p < 10⁻³⁷ and takes the loss from log-softmax, never "−log 0"', async () => {
  const { page, problems, context } = await open('?lesson=cross-entropy&logits=0,-100,3&labels=cat,dog,apple&target=1');
  await ready(page);
  const readout = await page.textContent('[data-readout="p"]');
  assert(readout === '< 10⁻³⁷', `p(dog) = e⁻¹⁰³ should read "< 10⁻³⁷", reads ${JSON.stringify(readout)}`);
  const alts = await page.$$eval('.formula-live math', (ms) => ms.map((m) => m.getAttribute('alttext')));
  assert(!alts.some((a) => /minus log 0\b/.test(a)), `a formula takes −log 0: ${alts.join(' | ')}`);
  const formulaText = await page.textContent('.formula-live');
  assert(!/log\s*0\b/.test(formulaText.replace(/\u2061/g, '')), `the formula prints log 0: ${formulaText}`);
  const note = await page.textContent('.formula-note');
  assert(/log-softmax/.test(note) && /10⁻³⁷/.test(note), `the note should explain where the loss comes from: ${note}`);
  // The curve keeps its label inside the SVG and the dot at the top of its scale.
  const box = await page.evaluate(() => {
    const svg = document.querySelector('.ce-curve');
    const outer = svg.getBoundingClientRect();
    const label = svg.querySelector('.dot-label').getBoundingClientRect();
    const line = svg.querySelector('.line-main').getBoundingClientRect();
    const axis = svg.querySelectorAll('.axes line')[1].getBoundingClientRect();
    return { outer: [outer.left, outer.top, outer.right, outer.bottom], label: [label.left, label.top, label.right, label.bottom],
      lineTop: line.top, axisTop: axis.top, unit: [...svg.querySelectorAll('.axis-label')].map((t) => t.textContent) };
  });
  assert(box.label[0] >= box.outer[0] && box.label[1] >= box.outer[1] && box.label[2] <= box.outer[2] && box.label[3] <= box.outer[3],
    `the dot's label leaves the chart: label ${box.label}, chart ${box.outer}`);
  assert(box.unit.includes('loss (nats)'), `the y axis should say its unit: ${box.unit}`);
  noProblems(problems, 'cross-entropy underflow');
  await context.close();
});

check('cross-entropy: the −log p curve stays inside its axes (clipped at the top of the scale)', async () => {
  const { page, problems, context } = await open('?lesson=cross-entropy');
  await ready(page);
  const { visible, axisTop } = await page.evaluate(() => {
    const svg = document.querySelector('.ce-curve');
    const clip = svg.querySelector('clipPath rect');
    const plot = svg.querySelector('[clip-path]');
    return { visible: Boolean(plot && plot.querySelector('.line-main')), axisTop: Number(clip.getAttribute('y')),
      axisLine: Number(svg.querySelectorAll('.axes line')[1].getAttribute('y1')) };
  });
  assert(visible && axisTop === 12, `the curve should be drawn in a group clipped to the plot area (clip top ${axisTop})`);
  noProblems(problems, 'cross-entropy curve');
  await context.close();
});

check('cross-entropy: at 375 px the formula lines do not overlap (Σ\'s limits clear of the next line) and fit the screen', async () => {
  const failures = [];
  for (const q of ['', '&target=1&temperature=0.5', '&logits=0,-100,3&labels=cat,dog,apple&target=1', '&logits=10000,-10000,9999.5,-9999&target=2&temperature=0.01']) {
    const { page, problems, context } = await open(`?lesson=cross-entropy${q}&hide=questions`, { width: 375, colorScheme: 'dark' });
    await ready(page);
    const box = await page.evaluate(() => {
      const live = document.querySelector('.formula-live');
      // The ink of a line: every element in it (a Σ's limits may stand outside its <math>'s box).
      const ink = (m) => [m, ...m.querySelectorAll('*')].map((n) => n.getBoundingClientRect()).filter((r) => r.height > 0);
      return { rects: [...live.querySelectorAll('math')].map((m) => [Math.min(...ink(m).map((r) => r.top)), Math.max(...ink(m).map((r) => r.bottom))]),
        fits: live.scrollWidth <= live.clientWidth + 1 };
    });
    for (let k = 1; k < box.rects.length; ++k)
      // Glyphs overflow their boxes a little: lines need a clear gap, not just boxes that do not overlap.
      if (box.rects[k][0] < box.rects[k - 1][1] + 4) failures.push(`"${q}": formula line ${k + 1} starts ${(box.rects[k][0] - box.rects[k - 1][1]).toFixed(1)} px below the end of line ${k} (at least 4 px needed)`);
    if (!box.fits) failures.push(`"${q}": the formula is wider than the screen`);
    noProblems(problems, `cross-entropy formula "${q}"`);
    await context.close();
  }
  assert(failures.length === 0, failures.join('\n    '));
});

// ---------------------------------------------------------------------------------------------------------------
// Float64 from the state alone.

function ce64(state) {
  const z = state.logits;
  const T = state.temperature ?? 1;
  const i = state.target ?? 0;
  const eps = state.smoothing ?? 0;
  const C = z.length;
  const lp = Array.from(logSoftmaxRef(z, { temperature: T }));
  const p = lp.map(Math.exp);
  const finite = z.filter((v) => v !== -Infinity);
  const m = Math.max(...finite);
  const gap = (m - z[i]) / T;
  const logSum = Math.log(finite.reduce((a, v) => a + Math.exp((v - m) / T), 0));
  const y = z.map((_, k) => (k === i ? 1 - eps : 0) + eps / C);
  const H = -y.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
  return { z, T, i, C, eps, p, loss: -lp[i], m, gap, logSum, y, H, smooth: crossEntropyRef(z, i, { temperature: T, labelSmoothing: eps }) };
}

// ---------------------------------------------------------------------------------------------------------------
// Equation audit (tests/browser/audit.js).

export const audit = {
  dims: ['logits', 'temperature', 'smoothing'],
  extraStates: [
    { name: 'default, dog', logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], temperature: 1, target: 1, smoothing: 0.1 },
    { name: 'default, bird, T 0.5', logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], temperature: 0.5, target: 3, smoothing: 0 },
    { name: 'article, dog', logits: [12.4, -3.2, 0.1], labels: ['cat', 'dog', 'apple'], temperature: 1, target: 1, smoothing: 0 },
    { name: 'article, dog, T 0.01 (p flushed)', logits: [12.4, -3.2, 0.1], labels: ['cat', 'dog', 'apple'], temperature: 0.01, target: 1, smoothing: 0.2 },
    { name: 'underflow', logits: [0, -100, 3], labels: ['cat', 'dog', 'apple'], temperature: 1, target: 1, smoothing: 0.1 },
    { name: 'masked target', logits: [2, -Infinity, 1, 0.5], labels: ['cat', 'dog', 'apple', 'bird'], temperature: 1, target: 1, smoothing: 0 },
    { name: 'masked target, ε', logits: [2, -Infinity, 1, 0.5], labels: ['cat', 'dog', 'apple', 'bird'], temperature: 2, target: 1, smoothing: 0.2 },
    { name: 'masked other, ε', logits: [2, -Infinity, 1, 0.5], labels: ['cat', 'dog', 'apple', 'bird'], temperature: 1, target: 2, smoothing: 0.2 },
    { name: 'extreme, apple, T 0.01', logits: [10000, -10000, 9999.5, -9999], labels: ['cat', 'dog', 'apple', 'bird'], temperature: 0.01, target: 2, smoothing: 0 },
    { name: 'extreme, apple', logits: [10000, -10000, 9999.5, -9999], labels: ['cat', 'dog', 'apple', 'bird'], temperature: 1, target: 2, smoothing: 0.2 },
    { name: 'large, apple, T 0.01', logits: [1000, 999, 998], labels: ['cat', 'dog', 'apple'], temperature: 0.01, target: 2, smoothing: 0 },
    { name: 'close large logits, T 0.01', logits: [9876.54, 9876.53], labels: ['yes', 'no'], temperature: 0.01, target: 1, smoothing: 0 },
    { name: 'two, no, T 2', logits: [1.5, -0.5], labels: ['yes', 'no'], temperature: 2, target: 1, smoothing: 0.2 },
    { name: 'one token', logits: [3], labels: ['only'], temperature: 1, target: 0, smoothing: 0.3 },
  ],
  read: `(() => {
    const all = (sel, root = document) => [...root.querySelectorAll(sel)];
    const readouts = Object.fromEntries(all('dd[data-readout]').map((d) => [d.dataset.readout, d.textContent]));
    const charts = all('article .bars').map((b) => all('.bar-row', b).map((r) => [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent]));
    const tables = all('details.table-alt table').map((t) => all('tbody tr', t).map((tr) => [...tr.children].map((c) => c.textContent)));
    const captions = all('figure.chart .chart-caption').map((c) => c.textContent);
    const maths = all('.formula-live math').map((m) => ({ alt: m.getAttribute('alttext'), mn: all('mn', m).map((n) => n.textContent) }));
    const svg = document.querySelector('.ce-curve');
    return {
      readouts, charts, tables, captions, maths,
      note: document.querySelector('.formula-note').textContent,
      dot: svg.querySelector('.dot-label').textContent,
      svgLabel: svg.getAttribute('aria-label'),
      worked: all('tr[data-p]').map((tr) => [...tr.children].map((c) => c.textContent)),
      asks: Object.fromEntries(all('[data-question]').filter((q) => !q.hidden).map((q) => [q.dataset.question, q.querySelector('legend').textContent])),
      choices: Object.fromEntries(all('[data-question]').filter((q) => !q.hidden).map((q) => [q.dataset.question, all('label', q).map((l) => l.textContent.trim())])),
    };
  })()`,
  check({ own, live }, state) {
    const f = ce64(state);
    const F = [];
    const masked = (k) => f.z[k] === -Infinity;
    // p as the page writes it: a percentage, a decimal, "< 10⁻³⁷" (flushed) or "0" (masked, exactly).
    const prob = (where, text, k) => F.push(expectPrinted(where, text.replace(/^= /, ''), f.p[k]));
    const [bars, smoothBars] = own.charts;
    bars.forEach(([label, text], k) => prob(`bar ${label}`, text, k));
    own.tables[0].forEach(([, logit, p], k) => {
      F.push(expectPrinted(`table logit of ${f.z.length > k ? k : '?'}`, logit, f.z[k]));
      prob(`table p of token ${k}`, p, k);
    });
    prob('p(correct) readout', own.readouts.p, f.i);
    F.push(expectPrinted('loss readout', own.readouts.loss, f.loss));
    F.push(expectPrinted('plain error readout', own.readouts.plain, 1 - f.p[f.i]));
    // The formula lines with numbers.
    for (const m of own.maths) {
      if (/^equals minus log/.test(m.alt)) {
        if (m.mn.length !== 2) F.push(`formula "${m.alt}": expected p and the loss, read ${m.mn}`);
        prob('formula p', m.mn[0], f.i);
        F.push(expectPrinted('formula loss', m.mn[1], f.loss));
        if (f.p[f.i] > 0 && f.p[f.i] < 1e-38 && !masked(f.i)) F.push(`formula takes −log of a p below float32's range: "${m.alt}"`);
      } else if (/^equals .* plus /.test(m.alt)) {
        F.push(expectPrinted('formula gap (m − z_y)/T', m.mn[0], f.gap));
        F.push(expectPrinted('formula log Σ exp((z − m)/T)', m.mn[1], f.logSum));
        F.push(expectPrinted('formula loss (log-softmax)', m.mn[2], f.loss));
      }
    }
    if (!masked(f.i)) {
      const mm = /m = (\S+), the largest logit/.exec(own.note);
      if (!mm) F.push(`the note names no m: "${own.note}"`);
      else F.push(expectPrinted('m in the note', mm[1], f.m));
      if (!own.maths.some((m) => /^equals .* plus /.test(m.alt))) F.push('no log-softmax line with numbers');
    }
    if (f.p[f.i] < 1e-37 && !masked(f.i) && !/10⁻³⁷/.test(own.note)) F.push(`p(correct) underflows float32, the note does not say so: "${own.note}"`);
    // The curve's dot label and the chart's spoken label.
    const dot = /^\u25cf p (.+), loss (\u2248 \S+|\S+)( \u2191)?$/.exec(own.dot);
    if (!dot) F.push(`dot label "${own.dot}"`);
    else {
      prob('dot label p', dot[1], f.i);
      F.push(expectPrinted('dot label loss', dot[2], f.loss));
      if (Boolean(dot[3]) !== f.loss > 7) F.push(`dot label "${own.dot}": the ↑ marks a loss above the scale (7), loss ${f.loss}`);
    }
    const spoken = /Your prediction: p (.+), loss (.+?)(, above the top of the scale)?\.$/.exec(own.svgLabel);
    if (!spoken) F.push(`chart label "${own.svgLabel}"`);
    else {
      prob('chart label p', spoken[1], f.i);
      F.push(expectPrinted('chart label loss', spoken[2], f.loss));
    }
    // Label smoothing: the target, the model's p beside it, the losses and the lowest one possible.
    smoothBars.forEach(([label, text], k) => F.push(expectPrinted(`target bar ${label}`, text, f.y[k])));
    own.tables[1].forEach(([, y, p], k) => {
      F.push(expectPrinted(`target table y of token ${k}`, y, f.y[k]));
      prob(`target table p of token ${k}`, p, k);
    });
    const cap = /ε = (\S+): (\S+) on [^,.]+(?:, (\S+) on each other token)?\./.exec(own.captions[2] ?? own.captions.at(-1));
    if (!cap) F.push(`target caption "${own.captions.at(-1)}"`);
    else {
      F.push(expectPrinted('caption ε', cap[1], f.eps));
      F.push(expectPrinted('caption target', cap[2], f.y[f.i]));
      if (cap[3]) F.push(expectPrinted('caption other target', cap[3], f.eps / f.C));
    }
    F.push(expectPrinted('loss with smoothing', own.readouts.with, f.smooth));
    F.push(expectPrinted('loss without smoothing', own.readouts.without, f.loss));
    F.push(expectPrinted('lowest possible loss H(y)', own.readouts.floor, f.H));
    own.worked.forEach(([p, loss, plain]) => {
      F.push(expectPrinted(`worked −log ${p}`, loss, -Math.log(Number(p))));
      F.push(expectPrinted(`worked 1 − ${p}`, plain, 1 - Number(p)));
    });
    // What the questions say before they are answered.
    const ask = own.asks['loss-now'];
    const pAsk = /p = (.+?)\. With/.exec(ask ?? '');
    if (pAsk && !/masked/.test(pAsk[1])) prob('the loss-now question', pAsk[1], f.i);
    else if (/below 10⁻³⁷/.test(ask ?? '') && !(f.p[f.i] < 1e-37)) F.push(`"${ask}" but p = ${f.p[f.i]}`);
    if (own.choices.smoothing) {
      const nums = /itself: (\S+) on the correct token, (\S+) on each/.exec(own.choices.smoothing[1]);
      F.push(expectPrinted('smoothing choice, correct token', nums[1], 0.9 + 0.1 / f.C));
      F.push(expectPrinted('smoothing choice, other tokens', nums[2], 0.1 / f.C));
    }
    for (const text of live) {
      const m = /probability (.+?)(?:, loss (.+))?\.$/.exec(text);
      if (!m) continue;
      prob('live region p', m[1], f.i);
      if (m[2]) F.push(`the live region gives the loss away before the question is answered: "${text}"`);
    }
    return F;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (tests/browser/quiz.js), in float64.

export const quiz = {
  'loss-now'(state) {
    const L = ce64(state).loss;
    return [L < 0.5, L >= 0.5 && L <= 2, L > 2];
  },
  'one-percent'() {
    const L = -Math.log(0.01);
    const d = [0.01, 1, 4.6].map((v) => Math.abs(L - v));
    return d.map((v) => v === Math.min(...d));
  },
  halve() {
    const a = -Math.log(0.8);
    const b = -Math.log(0.4);
    return [Math.abs(b / a - 2) < 1e-9, Math.abs(b - a - Math.LN2) < 1e-12, Math.abs(b - a - 0.4) < 1e-9];
  },
  smoothing(state, { choices }) {
    const C = state.logits.length;
    if (C < 2) return [false, false, false];
    const eps = 0.1;
    const y = Array.from({ length: C }, (_, k) => (k === 0 ? 1 - eps : 0) + eps / C);
    const score = (q) => -y.reduce((a, v, k) => a + v * (q[k] > 0 ? Math.log(q[k]) : -Infinity), 0);
    const losses = [score(y.map((_, k) => (k === 0 ? 1 : 0))), score(y), score(y.map(() => 1 / C))];
    const best = Math.min(...losses);
    // The option naming the target must name it right.
    const named = /itself: (\S+) on the correct token, (\S+) on each/.exec(choices[1]);
    const right = named && readPrinted(named[1]) && Math.abs(readPrinted(named[1]).value - y[0]) < 5e-3 && Math.abs(readPrinted(named[2]).value - y[1]) < 5e-4;
    return losses.map((v, k) => v === best && (k !== 1 || Boolean(right)));
  },
};
