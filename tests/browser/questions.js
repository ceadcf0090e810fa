// Predict, then reveal, in every lesson: a question stands before the parts that give its answer away, and those parts
// stay hidden (blurred, inert, out of the accessibility tree, silent in the live region) until the learner commits; the
// first answer is the one scored, a retry is shown as such, and the score counts only the questions shown.
import { LESSON_IDS } from '../../web/model/state.js';
import { assert, check, noProblems, open, ready } from './harness.js';

// Per question: its gates, whether each is closed, and whether the question comes first in the document.
const GATES = `(() => [...document.querySelectorAll('article.lesson [data-question]')].filter((q) => !q.hidden && !q.closest('.part-hidden')).map((q) => {
  const id = q.dataset.question;
  const gates = [...document.querySelectorAll('article.lesson [data-gate]')].filter((g) => g.dataset.gate.split(/\\s+/).includes(id));
  return { id, gates: gates.map((g) => ({
    closed: g.classList.contains('gated'), inert: g.inert, hidden: g.getAttribute('aria-hidden') === 'true',
    after: Boolean(q.compareDocumentPosition(g) & Node.DOCUMENT_POSITION_FOLLOWING),
    text: g.textContent.trim().slice(0, 60),
  })) };
}))()`;

for (const lesson of LESSON_IDS) {
  check(`questions: ${lesson} — each question stands before its gated answer, which opens on the first answer; score and retry`, async () => {
    const { page, problems, context } = await open(`?lesson=${lesson}`);
    await ready(page);
    const before = await page.evaluate(GATES);
    assert(before.length > 0, `${lesson}: no question shown`);
    for (const q of before) {
      for (const g of q.gates) {
        assert(g.closed && g.inert && g.hidden, `${lesson}/${q.id}: the part "${g.text}" gives the answer away but is open before answering (${JSON.stringify(g)})`);
        assert(g.after, `${lesson}/${q.id}: the part "${g.text}" that answers it stands before the question`);
      }
    }
    const score0 = await page.textContent('.lesson-score');
    assert(score0.includes(`0 of ${before.length} right`) && score0.includes(`0 of ${before.length} answered`), `${lesson}: score before answering: ${JSON.stringify(score0)}`);
    // Answer every question with its first option; the gates open; the score counts first answers.
    for (const q of before) {
      const node = page.locator(`[data-question="${q.id}"]`);
      await node.locator('input[type=radio]').first().check();
      await node.getByRole('button', { name: 'Check my prediction' }).click();
      const verdict = await node.locator('.verdict').textContent();
      assert(/Right|Not quite/.test(verdict), `${lesson}/${q.id}: verdict ${JSON.stringify(verdict)}`);
      assert(await node.locator('input[type=radio]').first().isDisabled(), `${lesson}/${q.id}: the answer can still be changed after committing`);
    }
    const after = await page.evaluate(GATES);
    for (const q of after) for (const g of q.gates) assert(!g.closed && !g.inert && !g.hidden, `${lesson}/${q.id}: "${g.text}" stays closed after answering`);
    const score1 = await page.textContent('.lesson-score');
    assert(/every question answered/.test(score1), `${lesson}: score after answering all: ${JSON.stringify(score1)}`);
    const right1 = Number(/Score: (\d+)/.exec(score1)[1]);
    // A retry is shown as such and does not change the score.
    const first = page.locator(`[data-question="${before[0].id}"]`);
    await first.getByRole('button', { name: 'Try again' }).click();
    await first.locator('input[type=radio]').last().check();
    await first.getByRole('button', { name: 'Check my prediction' }).click();
    const retry = await first.locator('.verdict').textContent();
    assert(/Attempt 2/.test(retry) && /first answer/.test(retry), `${lesson}: a retry should say it is attempt 2 and that the first answer counts: ${JSON.stringify(retry)}`);
    const score2 = await page.textContent('.lesson-score');
    assert(Number(/Score: (\d+)/.exec(score2)[1]) === right1, `${lesson}: the retry changed the score: ${score1} → ${score2}`);
    // The score is not in the shareable link.
    await page.waitForTimeout(300);
    assert(!/answer|score/.test(page.url()), `${lesson}: the link carries answers: ${page.url()}`);
    noProblems(problems, lesson);
    await context.close();
  });
}

check('questions: hide=questions opens every gate (an embed without questions shows everything)', async () => {
  for (const lesson of LESSON_IDS) {
    const { page, context } = await open(`embed.html?lesson=${lesson}&hide=questions`);
    await ready(page);
    const closed = await page.$$eval('article.lesson .gated', (g) => g.length);
    assert(closed === 0, `${lesson}: ${closed} part(s) stay gated although the embed hides the questions`);
    await context.close();
  }
});
