// The softmax lesson: what it shows, checked against the module and float64.
import { expectPrinted } from '../audit/printed.js';
import { check, assert, open, noProblems, ready, labEval } from '../harness.js';

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

// ---------------------------------------------------------------------------------------------------------------
// Equation audit: the steps, the step table, the readouts and the bars against float64 (tests/browser/audit.js).

function softmax64(state) {
  const T = state.temperature;
  const z = state.logits;
  const scaled = z.map((v) => v / T);
  const m = Math.max(...scaled);
  const shifted = scaled.map((v) => v - m);
  const e = shifted.map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  return { z, scaled, m, shifted, e, sum, p: e.map((v) => v / sum) };
}

export const audit = {
  dims: ['logits', 'temperature'],
  read: `(() => ({
    steps: [...document.querySelectorAll('.steps li')].map((li) => li.textContent),
    table: [...document.querySelectorAll('.steps-table tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    readouts: Object.fromEntries([...document.querySelectorAll('dd[data-readout]')].map((d) => [d.dataset.readout, d.textContent])),
    bars: [...document.querySelectorAll('.bar-row')].map((r) => [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent]),
  }))()`,
  check({ own }, state) {
    const f = softmax64(state);
    const failures = [];
    own.table.forEach((cells, i) => {
      [f.z[i], f.scaled[i], f.shifted[i], f.e[i], f.p[i]].forEach((want, c) =>
        failures.push(expectPrinted(`table row ${cells[0]}, column ${c + 2}`, cells[c + 1], want)));
    });
    const sum = own.steps.map((s) => /Σ = (.+)$/.exec(s)).find(Boolean);
    if (!sum) failures.push(`no "Σ = …" step in ${JSON.stringify(own.steps)}`);
    else failures.push(expectPrinted('the "add them up" step', sum[1], f.sum));
    own.bars.forEach(([label, text], i) => failures.push(expectPrinted(`bar ${label}`, text, f.p[i])));
    return failures;
  },
};
