// The stability lesson: what it shows, checked against the module, float64, and a float32 naive softmax recomputed
// here with Math.fround; its presets keep their promise from any state a learner can reach.
import { expectPrinted, readPrinted } from '../audit/printed.js';
import { check, assert, open, noProblems, ready, labEval, servers } from '../harness.js';

const FLOAT32_LN_MAX = Math.log(3.4028234663852886e38);

// The logits the lesson promises to use: typed logit + shift (decimal), −∞ where masked.
function usedRef(state) {
  const shift = state.shift ?? 0;
  const mask = state.mask ?? [];
  return state.logits.map((z, i) => (mask.includes(i) || z === -Infinity ? -Infinity : Number((z + shift).toPrecision(12))));
}

// The textbook float32 softmax without the max subtraction, every step rounded to float32.
function naiveFloat32(z) {
  const exps = z.map((v) => Math.fround(Math.exp(Math.fround(v))));
  let sum = 0;
  for (const e of exps) sum = Math.fround(sum + e);
  return { exps, sum, p: exps.map((e) => Math.fround(e / sum)) };
}

// The stable path in float64.
function stable64(z) {
  const finite = z.filter((v) => v !== -Infinity);
  if (!finite.length) return null;
  const m = Math.max(...finite);
  const d = z.map((v) => v - m);
  const e = d.map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  return { m, d, e, sum, p: e.map((v) => v / sum), lse: m + Math.log(sum) };
}

const parseField = (text) => text.split(',').map((s) => s.trim()).map((s) => (s === '-inf' ? -Infinity : Number(s)));

check('stability: past 88.72 the naive float32 column overflows while the module stays exact; masking all is refused', async () => {
  const { page, problems, context } = await open('?lesson=stability&logits=2,1,0.1&labels=cat,dog,apple');
  await ready(page);
  await page.getByRole('button', { name: 'Push the largest logit to 90' }).click();
  const rows = await page.$$eval('table.naive-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert(rows[0][1] === 'Infinity' && rows[0][2] === 'NaN', `naive exp and p of cat at z = 90 should be Infinity and NaN: ${rows[0]}`);
  const steps = await page.$$eval('table.stable-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert(steps[0][0] === '0' && steps[0][1] === '1', `the stable path should show z − m = 0 and exp(z − m) = 1 for cat: ${steps[0]}`);
  const stable = await page.$$eval('table.stable-table tbody tr td:nth-child(4)', (tds) => tds.map((td) => Number(td.dataset.value)));
  const expected = await labEval(page, (lab) => Array.from(lab.softmax([90, 89, 88.1])));
  stable.forEach((v, i) => assert(v === expected[i], `token ${i}: shown ${v}, lab.softmax gives ${expected[i]}`));
  assert(Math.abs(stable[0] - 0.6590011) < 1e-6, `shift invariance: p(cat) should stay 0.659 at z = 90, got ${stable[0]}`);
  const field = parseField(await page.getByRole('textbox', { name: 'Logits' }).inputValue());
  assert(field.join() === '90,89,88.1', `the Logits field should show the logits the table uses (90, 89, 88.1): ${field}`);
  for (const name of ['cat', 'dog', 'apple']) await page.getByRole('checkbox', { name }).check();
  const refused = await page.textContent('[data-readout="stable"]');
  assert(/entirely -Infinity/.test(refused), `masking every token should show the module's error, got ${JSON.stringify(refused)}`);
  noProblems(problems, 'stability');
  await context.close();
});

// Each preset's promise, read from the page (the Logits field shows the logits used; the table their softmax).
const PROMISES = {
  push: (z) => Math.max(...z.filter((v) => v !== -Infinity)) === 90 ? '' : `the largest logit is ${Math.max(...z)}, not 90`,
  raise: (z) => (z[0] === 100 ? '' : `the first logit is ${z[0]}, not 100`),
  drop: (z) => (z.every((v) => v < -105) ? '' : `some logit is not below −105: ${z.join(', ')}`),
  none: () => '',
};

check('stability: every preset keeps its promise from any reachable state (raise to 100, then drop below −105, …)', async () => {
  const starts = [
    '', '&logits=12.4,-3.2,0.1&labels=cat,dog,apple', '&logits=1000,999,998&labels=a,b,c', '&logits=10000,-10000,9999.5,-9999',
    '&logits=1.23457,0.5,-inf,2&labels=a,b,c,d&shift=-120', '&shift=120&mask=0,2', '&mask=0,1,2,3,4,5', '&logits=-10000,-9999&labels=a,b',
  ];
  const { page, problems, context } = await open('?lesson=stability');
  const failures = [];
  const keys = Object.keys(PROMISES);
  for (const start of starts) {
    await page.goto(new URL(`?lesson=stability${start}`, page.url()).href);
    await ready(page);
    // A walk through every ordered pair of presets (a de Bruijn sequence), then raise → drop → push again.
    const walk = ['push', 'push', 'raise', 'push', 'drop', 'push', 'none', 'raise', 'raise', 'drop', 'raise', 'none', 'drop', 'drop',
      'none', 'none', 'push', 'raise', 'drop', 'push'].filter((k) => keys.includes(k));
    for (const key of walk) {
      await page.click(`button[data-preset="${key}"]`);
      const z = parseField(await page.getByRole('textbox', { name: 'Logits' }).inputValue());
      const broken = PROMISES[key](z);
      if (broken) failures.push(`start "${start}", preset ${key}: ${broken}`);
      const cells = await page.$$eval('table.naive-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      cells.forEach((row, i) => {
        const shown = readPrinted(row[0]);
        if (!shown || shown.value !== z[i]) failures.push(`start "${start}", preset ${key}: table logit ${row[0]} ≠ field ${z[i]}`);
      });
      const naive = naiveFloat32(z);
      if (key === 'push') {
        const top = z.indexOf(90);
        if (cells[top][2] !== 'NaN') failures.push(`start "${start}", push: naive p of the pushed token reads ${cells[top][2]}, float32 gives NaN`);
      }
      if (key === 'drop' && !naive.p.every(Number.isNaN)) failures.push(`start "${start}", drop: float32 does not underflow to 0 / 0 for ${z}`);
      if (key === 'drop' && !cells.every((row) => row[2] === 'NaN')) failures.push(`start "${start}", drop: the naive column should read NaN throughout`);
      const shift = Number(await page.getAttribute('.range-readout', 'data-value'));
      if (!(shift >= -120 && shift <= 120)) failures.push(`start "${start}", preset ${key}: the shift ${shift} is out of its range`);
    }
    // The link the walk ends on holds a state a link may hold (shift in range, logits within ±10⁴).
    await page.waitForTimeout(600);  // the link follows the state 150 ms after the last change
    const link = new URL(page.url()).searchParams;
    const logits = (link.get('logits') ?? '2').split(',').map((s) => (s === '-inf' ? -Infinity : Number(s)));
    if (logits.some((v) => Math.abs(v) > 1e4 && v !== -Infinity)) failures.push(`start "${start}": the link holds logits beyond ±10⁴: ${logits}`);
    if (Math.abs(Number(link.get('shift') ?? 0)) > 120) failures.push(`start "${start}": the link's shift is out of range`);
  }
  assert(failures.length === 0, `${failures.length} broken promise(s):\n    ${failures.slice(0, 15).join('\n    ')}`);
  // A shared link reproduces the view: reload and read the same logits.
  const before = await page.getByRole('textbox', { name: 'Logits' }).inputValue();
  await page.reload();
  await ready(page);
  assert(await page.getByRole('textbox', { name: 'Logits' }).inputValue() === before, 'a reload should keep the logits used');
  noProblems(problems, 'stability presets');
  await context.close();
}, { timeout: 180_000 });

check('stability: the Logits field shows the logits used; typing new ones folds the shift in and keeps masks', async () => {
  const { page, problems, context } = await open('?lesson=stability&logits=2,1,0.1&labels=cat,dog,apple&shift=50&mask=1');
  await ready(page);
  const field = page.getByRole('textbox', { name: 'Logits' });
  assert(await field.inputValue() === '52, -inf, 50.1', `field: ${await field.inputValue()}`);
  await field.fill('52, -inf, 7');
  await field.press('Enter');
  // The link follows the state 150 ms after the last change.
  await page.waitForFunction(() => location.search.includes('logits=52'), null, { timeout: 5000 }).catch(() => {});
  const url = new URL(page.url()).searchParams;
  assert(url.get('logits') === '52,51,7' && url.get('mask') === '1' && url.get('shift') === null,
    `after typing, the link should hold logits 52,51,7 with dog still masked and no shift: ${page.url()}`);
  await page.getByRole('checkbox', { name: 'dog' }).uncheck();
  assert(await field.inputValue() === '52, 51, 7', `unmasking dog should bring back its logit 51: ${await field.inputValue()}`);
  noProblems(problems, 'stability field');
  await context.close();
});

check('stability: at 375 px both tables fit their boxes (no number cut by a scroll edge), side by side at 1280 px', async () => {
  const states = ['', '&shift=88', '&logits=12.4,-3.2,0.1,-10000&labels=cat,dog,apple,token%2010&shift=88', '&logits=10000,-10000,9999.5,-9999',
    '&logits=0,-87.3,-87.4,-100,-104', '&logits=-9999.5,-10000,1.23457,-0.000123456&shift=-120', '&shift=-108'];
  const failures = [];
  for (const width of [375, 1280]) {
    const { page, problems, context } = await open(null, { width });
    for (const q of states) {
      await page.goto(new URL(`?lesson=stability${q}`, servers[0].url).href);
      await ready(page);
      const fit = await page.evaluate(() => ({
        boxes: [...document.querySelectorAll('.compare-pair > .table-scroll')].map((b) => [b.scrollWidth, b.clientWidth]),
        tops: [...document.querySelectorAll('table.compare')].map((t) => Math.round(t.getBoundingClientRect().top)),
      }));
      fit.boxes.forEach(([scroll, client], k) => {
        if (scroll > client + 1) failures.push(`${width} px, "${q}": table ${k + 1} is ${scroll} px wide in a ${client} px box`);
      });
      if (width === 1280 && fit.tops[0] !== fit.tops[1]) failures.push(`1280 px, "${q}": the naive and stable tables should stand side by side`);
    }
    noProblems(problems, `stability at ${width} px`);
    await context.close();
  }
  assert(failures.length === 0, failures.join('\n    '));
});

// ---------------------------------------------------------------------------------------------------------------
// Equation audit (tests/browser/audit.js): every number of the table, its Σ row and the readouts, the naive columns
// against Math.fround's float32 path, the stable columns against float64; NaN and Infinity only in the naive path, and
// there only where float32 gives them.

export const audit = {
  dims: ['logits'],
  showsNaN: true,
  extraStates: [
    { name: 'pushed to 90', logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], shift: 88 },
    { name: 'dropped to −106', logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], shift: -108 },
    { name: 'first raised to 100', logits: [100, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'] },
    { name: 'raised, then dropped', logits: [-106, -205, -205.9, -205.4, -206.8, -208], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'] },
    { name: 'masked, shifted', logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], shift: 50.5, mask: [1, 3] },
    { name: 'one left', logits: [2, 1, 0.1, 0.6, -0.8, -2], labels: ['cat', 'dog', 'apple', 'bird', 'fish', 'tree'], mask: [1, 2, 3, 4, 5] },
    { name: 'all masked', logits: [2, 1, 0.1], labels: ['cat', 'dog', 'apple'], mask: [0, 1, 2] },
    { name: 'large, +120', logits: [1000, 999, 998], labels: ['cat', 'dog', 'apple'], shift: 120 },
    { name: 'article, −30.5', logits: [12.4, -3.2, 0.1], labels: ['cat', 'dog', 'apple'], shift: -30.5 },
    { name: 'near the flush', logits: [0, -87.3, -87.4, -100, -104], labels: ['a', 'b', 'c', 'd', 'e'] },
    { name: 'subnormal p', logits: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -87.3] },
    { name: 'just below overflow', logits: [88.7, 88.6, 80], labels: ['a', 'b', 'c'] },
  ],
  read: `(() => {
    const naive = document.querySelector('table.naive-table');
    const stable = document.querySelector('table.stable-table');
    const text = (n) => n.textContent;
    // Row i as [token, z, naive exp, naive p, z − m, exp(z − m), p]; the Σ rows as [naive Σ, stable Σ].
    const rows = [...naive.tBodies[0].rows].map((tr, i) => [...tr.cells].map(text).concat([...stable.tBodies[0].rows[i].cells].slice(1).map(text)));
    const foot = [naive.tFoot.rows[0].cells[2].textContent, stable.tFoot.rows[0].cells[2].textContent];
    const readouts = Object.fromEntries([...document.querySelectorAll('dd[data-readout]')].map((d) => [d.dataset.readout, d.textContent]));
    const field = document.querySelector('.vocabulary-fields input.list-input').value;
    const slider = document.querySelector('input[type=range]').getAttribute('aria-valuetext');
    // Displayed values outside the naive path that say NaN or +Infinity (−∞, a masked logit, is an input).
    const shown = [...document.querySelectorAll('article.lesson :is(td, th, dd, math, .bar-value, [aria-valuetext])')];
    const strays = shown.filter((n) => !n.closest('[data-path~="naive"]'))
      .map((n) => n.textContent + ' ' + (n.getAttribute('aria-valuetext') ?? ''))
      .filter((s) => /NaN|(^|[^\\u2212-])(Infinity|\\u221e)/.test(s));
    return { rows, foot, readouts, field, slider, strays };
  })()`,
  check({ own, live }, state) {
    const failures = [];
    const z = usedRef(state);
    const naive = naiveFloat32(z);
    const ref = stable64(z);
    const field = parseField(own.field);
    if (field.length !== z.length || field.some((v, i) => v !== z[i])) failures.push(`the Logits field reads "${own.field}", the logits used are ${z.join(', ')}`);
    failures.push(expectPrinted('the shift slider', own.slider.replace(/^\+/, ''), state.shift ?? 0));
    own.rows.forEach(([name, zt, e, q, d, s, p], i) => {
      const at = (col) => `row ${name}, ${col}`;
      failures.push(expectPrinted(at('logit z'), zt, z[i], 0));
      failures.push(expectPrinted(at('naive exp(z)'), e, naive.exps[i], 0));
      failures.push(expectPrinted(at('naive p'), q, naive.p[i], 0));
      if (!ref) {
        if ([d, s, p].some((c) => c !== '—')) failures.push(`${at('stable path')}: every token is masked, yet it prints ${d}, ${s}, ${p}`);
        return;
      }
      failures.push(expectPrinted(at('z − m'), d, ref.d[i]));
      failures.push(expectPrinted(at('exp(z − m)'), s, ref.e[i]));
      failures.push(expectPrinted(at('logitlab p'), p, ref.p[i]));
    });
    failures.push(expectPrinted('naive Σ', own.foot[0], naive.sum, 0));
    if (ref) failures.push(expectPrinted('stable Σ', own.foot[1], ref.sum));
    else if (own.foot[1] !== '—') failures.push(`every token is masked, yet the stable Σ reads ${own.foot[1]}`);
    if (ref) {
      failures.push(expectPrinted('largest logit', own.readouts.max.split(' (')[0], ref.m, 0));
      failures.push(expectPrinted('log-sum-exp', own.readouts.lse, ref.lse));
      const m = /m = (\S+),/.exec(own.readouts.stable);
      if (!m) failures.push(`the logitlab readout names no m: "${own.readouts.stable}"`);
      else failures.push(expectPrinted('m in the logitlab readout', m[1], ref.m, 0));
      if (!own.readouts.stable.includes(`between 1 and ${z.length}`)) failures.push(`the logitlab readout: "${own.readouts.stable}"`);
      if ((ref.m > FLOAT32_LN_MAX) !== /overflows/.test(own.readouts.max)) failures.push(`largest logit readout "${own.readouts.max}" for m = ${ref.m}`);
    } else if (!/^refused/.test(own.readouts.stable)) failures.push(`all masked: the logitlab readout should say it refuses: "${own.readouts.stable}"`);
    // The naive verdict says Infinity or NaN exactly where float32 gives them.
    const broken = naive.p.some((v) => Number.isNaN(v) || v === Infinity) || naive.sum === Infinity || naive.sum === 0;
    const verdict = own.readouts.naive;
    if (/^broken/.test(verdict) !== broken) failures.push(`naive verdict "${verdict}", float32 ${broken ? 'breaks' : 'does not break'}`);
    if (/Infinity/.test(verdict) !== (naive.sum === Infinity)) failures.push(`naive verdict "${verdict}" while float32's Σ = ${naive.sum}`);
    if (/NaN/.test(verdict) !== naive.p.some(Number.isNaN)) failures.push(`naive verdict "${verdict}" while float32's p = ${naive.p}`);
    for (const s of own.strays) failures.push(`NaN or Infinity outside the naive path: "${s.trim()}"`);
    for (const s of live) if (/NaN|(^|[^\u2212-])(Infinity|\u221e)/.test(s)) failures.push(`the live region says "${s}"`);
    return failures;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Quiz oracles (tests/browser/quiz.js), in float64 and Math.fround, from the state alone.

function softmax64(z) {
  return stable64(z)?.p ?? null;
}

export const quiz = {
  overflow(state) {
    let z = usedRef(state);
    if (z.every((v) => v === -Infinity)) z = usedRef({ ...state, mask: [] });
    const top = Math.max(...z.filter((v) => v !== -Infinity));
    const pushed = z.map((v) => v - top + 90);
    const k = pushed.indexOf(90);
    const naive = naiveFloat32(pushed).p[k];
    const exact = softmax64(pushed)[k];
    return [Number.isFinite(naive) && Math.abs(naive - exact) < 0.01, Number.isNaN(naive), naive === 0];
  },
  plus100(state) {
    const z = usedRef(state);
    const before = softmax64(z);
    if (!before) return [false, false, false];
    const after = softmax64(z.map((v) => v + 100));
    const top = before.indexOf(Math.max(...before));
    return [before.every((p, i) => Math.abs(p - after[i]) < 1e-9), after.some((p) => !Number.isFinite(p)), after[top] > before[top] + 1e-9];
  },
  mask(state) {
    if (state.logits.length < 2) return [false, false, false];
    const k = state.logits.findIndex((v) => v !== -Infinity);
    const only = (x) => softmax64(state.logits.map((v, i) => (i === k ? x : -Infinity)))[k];
    const p = only(state.logits[k] + (state.shift ?? 0));
    return [Math.abs(p - 1) < 1e-12, Number.isNaN(p), Math.abs(only(state.logits[k] + 5) - p) > 1e-12];
  },
};
