// Lesson 6: cross-entropy, −log of the probability of the correct token; why a log; where the loss comes from when p
// is too small for float32 (log-softmax); label smoothing and the lowest loss it allows.
import { formatDecimal, formatNumber, formatProbability, formatScientific } from '../ui/format.js';
import { barChart } from '../ui/chart.js';
import { rangeField, readouts, tokenSelect, vocabularyFields } from '../ui/controls.js';
import { lossCurve } from '../ui/cross-entropy-curve.js';
import { formulaBox, h, scrollBox, setText } from '../ui/dom.js';
import { exp, formula, frac, log, mi, mn, mo, mtext, paren, row, sub, underover } from '../ui/math.js';

const WORKED = [0.99, 0.8, 0.5, 0.1, 0.01, 0.001];
const QUESTION_EPSILON = 0.1;
const MINUS = '\u2212';
const signed = (text) => text.replace(/^-/, MINUS);
// A probability the module rounded to 0 although its logit is finite: float32 flushes exp below its smallest normal
// number (about 1.2 × 10⁻³⁸), so the true value is below 10⁻³⁷.
const FLUSHED = '< 10\u207b\u00b3\u2077';

// Two-class logits [log p, log(1 − p)] have softmax exactly [p, 1 − p]: the loss for any probability p is then the
// module's cross-entropy with target 0. Math.log only builds the input; the loss is the module's.
function lossesAt(lab, probabilities) {
  const logits = new Float32Array(probabilities.length * 2);
  probabilities.forEach((p, r) => logits.set([Math.log(p), Math.log1p(-p)], 2 * r));
  return lab.crossEntropy(logits, new Int32Array(probabilities.length), { rows: probabilities.length, reduction: 'none' });
}

// The −log p curve from the module: rows of two logits [d, 0] for d on a grid, their softmax p and their loss.
function curve(lab) {
  const grid = [];
  for (let d = -9; d <= 8; d += 0.125) grid.push(d);
  const logits = new Float32Array(grid.length * 2);
  grid.forEach((d, r) => logits.set([d, 0], 2 * r));
  const p = lab.softmax(logits, { rows: grid.length });
  const loss = lab.crossEntropy(logits, new Int32Array(grid.length), { rows: grid.length, reduction: 'none' });
  return grid.map((_, r) => [p[2 * r], loss[r]]);
}

// How many digits the module's float32 results carry in a state: the logits are divided by T in float32, so a loss
// (a difference of such numbers) is known to about 4 × 10⁻⁷ · max |z/T|. Losses are printed to the decimals that
// error allows (3 at most; "≈ 50" when not even one), probabilities to as many significant digits.
function precision(state) {
  const finite = state.logits.filter((z) => z !== -Infinity).map((z) => Math.abs(z / state.temperature));
  const err = 4e-7 * Math.max(1, ...finite);
  const unit = Math.max(-3, Math.ceil(Math.log10(2 * err)));
  const digits = Math.min(4, Math.max(1, Math.floor(-Math.log10(20 * err))));
  return {
    nats: (x) => (x === Infinity ? '\u221e' : unit < 0 ? signed(x.toFixed(-unit)) : `\u2248 ${signed(String(Math.round(x)))}`),
    // A probability as a decimal with `digits` significant digits, zeros kept.
    decimal(p, { masked = false } = {}) {
      if (masked) return '0';
      if (p === 0) return FLUSHED;
      if (p >= 1e-4) return p.toPrecision(digits);
      return formatScientific(p, digits);
    },
    // A probability as the page usually writes it (54.3%).
    percent(p, { masked = false } = {}) {
      if (masked) return '0';
      if (p === 0) return FLUSHED;
      if (digits >= 3) return formatProbability(p);
      return p >= 1e-4 ? p.toPrecision(digits) : formatScientific(p, digits);
    },
  };
}

// Everything the view and the questions read for one state, from the module (once per state: the questions ask too).
const gradeCache = new WeakMap();
function grade(lab, state) {
  if (!gradeCache.has(state)) gradeCache.set(state, computeGrade(lab, state));
  return gradeCache.get(state);
}

function computeGrade(lab, state) {
  const T = state.temperature;
  const i = state.target;
  const t = lab.trace(state.logits, { temperature: T, target: i });
  const masked = state.logits[i] === -Infinity;
  return { t, i, T, p: t.probabilities[i], loss: t.loss, masked, flushed: !masked && t.probabilities[i] === 0, fmt: precision(state) };
}

// The smoothed target (1 − ε)·y + ε/C: the input label smoothing builds, written out (the loss is the module's).
function smoothedTarget(C, i, eps) {
  return Array.from({ length: C }, (_, k) => (k === i ? 1 - (eps * (C - 1)) / C : eps / C));
}

function bucket(loss) {
  return loss < 0.5 ? 0 : loss <= 2 ? 1 : 2;
}
const BUCKETS = ['Less than 0.5', 'Between 0.5 and 2', 'More than 2'];

export default {
  id: 'cross-entropy',
  title: 'Cross-entropy',
  summary: 'Training grades a prediction with one number: minus the log of the probability the model gave the correct token.',
  intro: [
    'To learn, a model must be told how wrong it was. The right answer is written as a distribution too: 100% on the correct token and 0% on every other one, a **one-hot** vector y.',
    'Cross-entropy compares the two distributions: L = −Σ yᵢ log pᵢ. Every term with yᵢ = 0 drops out, so only one survives: L = −log p(correct), in nats (natural logarithms, as in PyTorch). If the model gave the correct token 0.80, the loss is −log 0.80 = 0.223. What if it gave it only 0.01? Predict below before you look.',
    '**Label smoothing** softens the target: it moves a share ε of the 100% onto all C tokens equally, so the target becomes (1 − ε)·y + ε/C. What that changes is the last prediction of this lesson.',
  ],
  notes: [
    'With a one-hot target, cross-entropy is −log p(correct): 0.80 → 0.223, 0.01 → 4.605.',
    'Halving p(correct) always adds log 2 ≈ 0.693 to the loss, wherever you start; there is no ceiling.',
    'Libraries compute the loss from log-softmax, L = (m − z_y)/T + log Σ exp((z_j − m)/T), never from p itself: it stays finite and exact when p is too small for float32 (lesson 5’s log-sum-exp).',
    'Label smoothing targets (1 − ε)·y + ε/C. The lowest loss is then the target’s entropy, reached by predicting the target itself, not 100% on the correct token: it discourages overconfidence.',
  ],
  questions: [
    {
      id: 'loss-now',
      ask({ lab, store }) {
        const s = store.get();
        const g = grade(lab, s);
        const at = g.T === 1 ? '' : ` at T = ${formatNumber(g.T, 3)}`;
        const p = g.masked ? 'p = 0 (it is masked with −∞)' : g.flushed ? 'a p below 10⁻³⁷ (float32 stores it as 0)' : `p = ${g.fmt.percent(g.p)}`;
        return `The model${at} gives the correct token, “${s.labels[g.i]}”, ${p}. With a one-hot target, how large is the loss −log p?`;
      },
      choices: BUCKETS,
      answer: ({ lab, store }) => bucket(grade(lab, store.get()).loss),
      reveal({ lab, store }) {
        const s = store.get();
        const g = grade(lab, s);
        const where = BUCKETS[bucket(g.loss)].toLowerCase();
        if (g.masked) return `“${s.labels[g.i]}” is masked with −∞: its probability is exactly 0 and the loss is infinite (PyTorch gives inf too), ${where}.`;
        if (g.flushed) return `Its p is below 10⁻³⁷, too small for float32, which stores it as 0; yet the module gives the loss, ${g.fmt.nats(g.loss)}, ${where}. It never takes the log of p: it computes log-softmax from the logits (see the formula).`;
        return `−log ${g.fmt.decimal(g.p)} = ${g.fmt.nats(g.loss)}: ${where}. The loss is small only when p is close to 1, and it grows without limit as p falls towards 0.`;
      },
    },
    {
      id: 'one-percent',
      ask: 'With a one-hot target, the model gives the correct token 1%. Roughly how large is the loss?',
      choices: ['About 0.01', 'About 1', 'About 4.6'],
      answer({ lab }) {
        const L = lossesAt(lab, [0.01])[0];
        const options = [0.01, 1, 4.6];
        return options.reduce((best, v, k) => (Math.abs(L - v) < Math.abs(L - options[best]) ? k : best), 0);
      },
      reveal({ lab }) {
        return `−log 0.01 = ${lossesAt(lab, [0.01])[0].toFixed(3)}. Plain subtraction would say 1 − 0.01 = 0.99, barely worse than a 50/50 guess.`;
      },
    },
    {
      id: 'halve',
      ask: 'With a one-hot target, the probability of the correct token halves, from 0.8 to 0.4. How much does the loss grow?',
      choices: ['It doubles', 'By log 2 ≈ 0.693, wherever p started', 'By 0.4'],
      answer({ lab }) {
        const [a, b] = lossesAt(lab, [0.8, 0.4]);
        return Math.abs(b - a - Math.LN2) < 1e-4 ? 1 : Math.abs(b / a - 2) < 1e-3 ? 0 : 2;
      },
      reveal({ lab }) {
        const [a, b, c, d] = lossesAt(lab, [0.8, 0.4, 0.02, 0.01]);
        return `0.8 → ${a.toFixed(3)}, 0.4 → ${b.toFixed(3)}: +${(b - a).toFixed(3)}. And 0.02 → ${c.toFixed(3)}, 0.01 → ${d.toFixed(3)}: +${(d - c).toFixed(3)} again. The log turns every halving into the same fixed penalty.`;
      },
    },
    {
      id: 'smoothing',
      applies: ({ store }) => store.get().logits.length > 1,
      ask: ({ store }) => `Label smoothing with ε = ${QUESTION_EPSILON} over these ${store.get().logits.length} tokens: which prediction gets the lowest loss?`,
      choices({ store }) {
        const C = store.get().logits.length;
        const y = smoothedTarget(C, 0, QUESTION_EPSILON);
        return ['All 100% on the correct token', `The smoothed target itself: ${formatDecimal(y[0], 3)} on the correct token, ${formatDecimal(y[1], 3)} on each other one`,
          'The same probability on every token'];
      },
      answer({ lab, store }) {
        const losses = smoothingCandidates(lab, store.get());
        return losses.indexOf(Math.min(...losses));
      },
      reveal({ lab, store }) {
        const s = store.get();
        const [all, own, flat] = smoothingCandidates(lab, s);
        const y = smoothedTarget(s.logits.length, 0, QUESTION_EPSILON);
        return `Against the smoothed target, a prediction of 100% on the correct token scores ${all === Infinity ? 'an infinite loss' : all.toFixed(3)}: the target puts ${formatDecimal(y[1], 3)} on tokens it gives 0, and −log 0 is infinite. The smoothed target itself scores ${own.toFixed(3)}, its own entropy and the lowest any prediction can get; equal probabilities score ${flat.toFixed(3)}.`;
      },
    },
  ],
  view(ctx) {
    const { lab, store } = ctx;
    const fields = vocabularyFields(store);
    const target = tokenSelect(store, { key: 'target', label: 'Correct token' });
    const smoothing = rangeField({ label: 'Label smoothing ε', min: 0, max: 0.5, step: 0.01, get: (s) => s.smoothing,
      set: (v) => store.set({ smoothing: v }), valueText: (v) => `ε = ${formatNumber(v, 2)}` });
    const chart = barChart({ caption: 'The model’s probabilities', legend: [['key-bar', 'probability'], ['key-target', 'the correct token']],
      columns: [{ key: 'token', header: 'Token' }, { key: 'logit', header: 'Logit z', numeric: true, format: (v) => formatNumber(v, 3) },
        { key: 'p', header: 'Probability', numeric: true }] });
    const live = formulaBox({ class: 'formula formula-live formula-lines', dataset: { part: 'formula' } });
    const liveNote = h('p', { class: 'formula-note' });
    const values = readouts([
      { key: 'p', label: 'p(correct)' },
      { key: 'loss', label: 'Cross-entropy −log p' },
      { key: 'plain', label: 'Plain error 1 − p' },
    ]);
    const graded = h('div', { class: 'graded', dataset: { gate: 'loss-now' } }, live, liveNote, values.node);

    const plot = lossCurve({ label: 'The curve minus log p against p',
      lines: [{ points: curve(lab), cls: 'line-main' }, { points: [[0, 1], [1, 0]], cls: 'line-dashed' }] });
    const worked = lossesAt(lab, WORKED);
    const workedTable = scrollBox('Loss for a few probabilities', h('table', { class: 'numbers' },
      h('caption', null, 'Loss for a few probabilities of the correct token'),
      h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'num' }, 'p(correct)'),
        h('th', { scope: 'col', class: 'num' }, 'Cross-entropy −log p'), h('th', { scope: 'col', class: 'num' }, 'Plain error 1 − p'))),
      h('tbody', null, WORKED.map((p, k) => h('tr', { dataset: { p: String(p) } }, h('th', { scope: 'row', class: 'num' }, String(p)),
        h('td', { class: 'num', dataset: { value: String(worked[k]) } }, worked[k].toFixed(3)),
        h('td', { class: 'num' }, (1 - p).toFixed(3)))))));
    const why = h('div', { class: 'why', dataset: { gate: 'loss-now one-percent halve' } },
      h('figure', { class: 'chart', dataset: { part: 'chart' } }, plot.svg,
        h('figcaption', { class: 'chart-caption' }, 'Solid: −log p (from the module). Dashed: the plain error 1 − p. The dot is your prediction.')),
      h('p', { class: 'prose-note' }, 'Subtraction never costs more than 1, however confidently wrong the model is. The log grows without limit as p approaches 0: a model that bets almost everything on a wrong token pays heavily, so training pushes it to be right and to hedge when unsure.'),
      workedTable);

    const smoothChart = barChart({
      caption: 'The target the loss compares against, and the model’s prediction',
      legend: [['key-bar', 'target probability y'], ['key-target', 'the correct token'], ['key-marker', 'the model’s probability p']],
      columns: [{ key: 'token', header: 'Token' }, { key: 'y', header: 'Target y', numeric: true, format: (v) => formatDecimal(v, 3) },
        { key: 'p', header: 'Model p', numeric: true }],
    });
    const smoothValues = readouts([
      { key: 'with', label: 'Loss against the smoothed target' },
      { key: 'without', label: 'Loss against the one-hot target' },
      { key: 'floor', label: 'Lowest possible: the target’s entropy H(y)' },
    ]);
    const smoothed = h('div', { class: 'smoothed', dataset: { gate: 'smoothing loss-now' } }, smoothChart.nodes, smoothValues.node);

    const node = h('div', { class: 'lesson-view' },
      h('section', { class: 'panel', dataset: { part: 'controls' } }, ctx.heading('Grade a prediction'), target.node, fields.node),
      h('section', { class: 'panel' }, chart.nodes, ctx.question('loss-now'), graded),
      h('section', { class: 'panel' }, ctx.heading('Why a logarithm'), ctx.question('one-percent'), ctx.question('halve'), why),
      h('section', { class: 'panel' }, ctx.heading('Label smoothing'), ctx.question('smoothing'), smoothing.node, smoothed));

    // One track length for every row of a chart (one scale), whatever the width of a row's value.
    chart.figure.classList.add('ce-bars');
    smoothChart.figure.classList.add('ce-bars');
    const showFormula = liveFormula(live);
    let shownKey = '';
    // The prediction's views (bars, formula, readouts, curve) depend on the logits, labels, T and target only.
    function showPrediction(state, g, pText) {
      const { t, i, T, p, fmt } = g;
      const label = state.labels[i];
      chart.update(state.labels.map((l, k) => ({ label: l, value: t.probabilities[k], valueText: pText(k),
        tone: k === i ? 'target' : undefined, cells: { token: l, logit: state.logits[k], p: pText(k) } })), { max: 1,
        caption: `The model’s probabilities${T === 1 ? '' : ` at T = ${formatNumber(T, 3)}`}; correct token: ${label}` });
      showFormula(state, g, lab);
      setText(liveNote, g.masked ? `“${label}” is masked with −∞: its probability is exactly 0, and the loss is infinite (PyTorch’s cross_entropy gives inf too).`
        : g.flushed ? `p(${label}) is below 10⁻³⁷: too small for float32, which stores it as 0, and −log 0 would be infinite. The loss is not computed from p: the last line is log-softmax, which subtracts in the log domain and stays finite and exact.`
          : 'The last line is how the module computes it (log-softmax, lesson 5’s log-sum-exp): the same number, with no need for p to be representable.');
      if (!g.masked) liveNote.append(` Here m = ${formatNumber(Math.max(...state.logits), 6)}, the largest logit.`);
      values.update({
        p: { text: fmt.percent(p, { masked: g.masked }), value: p },
        loss: { text: fmt.nats(g.loss), value: g.loss },
        plain: { text: fmt.nats(1 - p) },
      });
      const pDot = g.flushed ? FLUSHED : `= ${fmt.decimal(p, { masked: g.masked })}`;
      plot.update({
        dot: { x: p, y: g.loss, text: `p ${pDot}, loss ${fmt.nats(g.loss)}${g.loss > 7 ? ' \u2191' : ''}` },
        label: `Minus log p against p, in nats, with the plain error 1 minus p. Your prediction: p ${pDot}, loss ${fmt.nats(g.loss)}${g.loss > 7 ? ', above the top of the scale' : ''}.`,
      });
    }

    return {
      node,
      update(state) {
        fields.update(state);
        target.update(state);
        smoothing.update(state);
        const g = grade(lab, state);
        const { t, i, T, p, fmt } = g;
        const label = state.labels[i];
        const pText = (k) => fmt.percent(t.probabilities[k], { masked: state.logits[k] === -Infinity });
        const key = JSON.stringify([state.logits.map(String), state.labels, T, i]);
        if (key !== shownKey) {
          shownKey = key;
          showPrediction(state, g, pText);
        }

        // Label smoothing: the target written out, the module's loss against it, and the lowest loss that target allows.
        const C = state.logits.length;
        const y = smoothedTarget(C, i, state.smoothing);
        const smoothLoss = lab.crossEntropy(state.logits, i, { temperature: T, labelSmoothing: state.smoothing });
        const floor = lab.entropy(y.map(Math.log));
        smoothChart.update(state.labels.map((l, k) => ({ label: l, value: y[k], marker: t.probabilities[k], valueText: formatDecimal(y[k], 3),
          tone: k === i ? 'target' : undefined, cells: { token: l, y: y[k], p: pText(k) } })), { max: 1,
          caption: `Target with ε = ${formatNumber(state.smoothing, 2)}: ${formatDecimal(y[i], 3)} on ${label}${C > 1 ? `, ${formatDecimal(y[i === 0 ? 1 : 0], 3)} on each other token` : ''}. Markers: the model’s p.` });
        smoothValues.update({
          with: { text: fmt.nats(smoothLoss), value: smoothLoss },
          without: { text: fmt.nats(g.loss), value: g.loss },
          floor: { text: floor.toFixed(3), value: floor },
        });
        const said = ctx.isOpen('loss-now') ? `, loss ${fmt.nats(g.loss)}` : '';
        ctx.announce(`Correct token ${label}: probability ${fmt.percent(p, { masked: g.masked })}${said}.`);
      },
    };
  },
};

// The three predictions of the smoothing question, scored by the module against the ε = 0.1 target on token 0:
// 100% on it, the smoothed target itself, uniform.
function smoothingCandidates(lab, state) {
  const C = state.logits.length;
  const y = smoothedTarget(C, 0, QUESTION_EPSILON);
  const predictions = [y.map((_, k) => (k === 0 ? 0 : -Infinity)), y.map(Math.log), y.map(() => 0)];
  return predictions.map((z) => lab.crossEntropy(z, 0, { labelSmoothing: QUESTION_EPSILON }));
}

// The live formula: the definition, −log p with the learner's p (when p is a float32 number), and log-softmax, the way
// the module computes it, with the learner's numbers. Its MathML is built once per shape (T = 1 or not) and its
// numbers and token name are rewritten in place, so changing the correct token costs no new nodes.
function liveFormula(box) {
  const text = () => mtext('');
  const number = () => mn('');
  const name1 = text();
  const name3 = text();
  const p2 = number();
  const loss2 = number();
  const gap4 = number();
  const sum4 = number();
  const loss4 = number();
  const line1 = formula('', mi('L'), mo('='), mo(MINUS), row(underover(mo('\u2211'), row(mi('i'), mo('='), mn('1')), mi('C')),
    sub(mi('y'), mi('i')), log(sub(mi('p'), mi('i')))), mo('='), mo(MINUS), log(sub(mi('p'), name1)));
  const line2 = formula('', mo('='), mo(MINUS), log(p2), mo('='), loss2);
  const line4 = formula('', mo('='), gap4, mo('+'), sum4, mo('='), loss4);
  // L = (m − z_y)/T + log Σ_j exp((z_j − m)/T): the gap of the correct token below the largest logit, plus the log of
  // lesson 5's stable sum, which lies between 0 and log C.
  const line3For = (withT) => {
    const over = (a) => (withT ? frac(a, mi('T')) : a);
    return formula('', mi('L'), mo('='), over(paren(mi('m'), mo(MINUS), sub(mi('z'), name3))), mo('+'),
      log(row(underover(mo('\u2211'), row(mi('j'), mo('='), mn('1')), mi('C')), exp(over(row(sub(mi('z'), mi('j')), mo(MINUS), mi('m')))))));
  };
  const line3 = { true: null, false: null };
  let shape = '';
  return function update(state, g, lab) {
    const { t, i, T, fmt } = g;
    const label = state.labels[i];
    const withT = T !== 1;
    line3[withT] ??= line3For(withT);
    const lines = [line1, g.flushed ? null : line2, g.masked ? null : line3[withT], g.masked ? null : line4].filter(Boolean);
    const key = `${withT} ${g.flushed} ${g.masked}`;
    if (key !== shape) {
      shape = key;
      box.replaceChildren(...lines);
    }
    setText(name1, label);
    setText(name3, label);
    line1.setAttribute('alttext', `L equals minus the sum over i of y sub i log p sub i, which is minus log p of ${label}`);
    const loss = fmt.nats(g.loss);
    if (!g.flushed) {
      const p = fmt.decimal(g.p, { masked: g.masked });
      setText(p2, p);
      setText(loss2, loss);
      line2.setAttribute('alttext', `equals minus log ${p}, which is ${loss}`);
    }
    if (g.masked) return;
    line3[withT].setAttribute('alttext', `L also equals m minus z sub ${label}${withT ? ', over T,' : ''} plus log of the sum over j of exp of z sub j minus m${withT ? ' over T' : ''}`);
    const gap = -t.shifted[i];
    const gapText = gap === 0 ? '0' : fmt.nats(gap);
    const sumText = fmt.nats(lab.logSumExp(t.shifted));
    setText(gap4, gapText);
    setText(sum4, sumText);
    setText(loss4, loss);
    line4.setAttribute('alttext', `equals ${gapText} plus ${sumText}, which is ${loss}`);
  };
}
