// The sampling lesson: what it shows, checked against the module and float64.
import { join } from 'node:path';
import { check, assert, open, noProblems, ready } from '../harness.js';

check('sampling: the same seed gives the same histogram twice; it tracks the probabilities; another seed differs', async () => {
  const { page, problems, context } = await open('?lesson=sampling&seed=7');
  await ready(page);
  const read = () => page.$$eval('article details.table-alt tbody tr', (trs) => trs.map((tr) => {
    const td = tr.querySelectorAll('td');
    return { q: Number(td[2].dataset.value), count: Number(td[3].dataset.value) };
  }));
  const drawn = (n) => page.waitForFunction((k) => document.querySelector('[data-readout="draws"]')?.dataset.value === String(k), n);
  const counts = (rows) => rows.map((r) => r.count).join(',');
  await page.click('button[data-draw="10000"]');
  await drawn(10000);
  const first = await read();
  await page.getByRole('button', { name: 'Clear the draws' }).click();
  await drawn(0);
  await page.click('button[data-draw="10000"]');
  await drawn(10000);
  const second = await read();
  assert(counts(first) === counts(second), `seed 7 twice gave different histograms: ${counts(first)} vs ${counts(second)}`);
  const total = first.reduce((t, r) => t + r.count, 0);
  assert(total === 10000, `counts sum to ${total}, not 10,000`);
  first.forEach((r, i) => {
    const share = r.count / 10000;
    // 10,000 draws: a share lies within 4.5 standard deviations of its probability.
    const tolerance = 4.5 * Math.sqrt((r.q * (1 - r.q)) / 10000) + 1e-4;
    assert(Math.abs(share - r.q) <= tolerance, `token ${i}: drew ${share}, probability ${r.q} (tolerance ${tolerance.toFixed(4)})`);
  });
  const seed = page.getByLabel('Seed', { exact: true });
  await seed.fill('8');
  await seed.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-readout="last"]').textContent.includes('seed 10007'));
  const other = await read();
  assert(counts(other) !== counts(first), `seeds 7 and 8 gave the same histogram ${counts(first)}`);
  await seed.fill('7');
  await seed.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-readout="last"]').textContent.includes('seed 10006'));
  await page.waitForFunction(() => location.search.includes('draws=10000') && location.search.includes('seed=7'));
  const link = new URL(page.url()).search;
  noProblems(problems, 'sampling');
  await context.close();
  // The link alone reproduces the histogram in a fresh browser context.
  const again = await open(link);
  await ready(again.page);
  const reopened = await again.page.$$eval('article details.table-alt tbody tr', (trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[3].dataset.value)));
  assert(reopened.join(',') === counts(first), `opening the shared link ${link} gave ${reopened.join(',')}, expected ${counts(first)}`);
  noProblems(again.problems, 'sampling link');
  await again.context.close();
});

check('sampling: top-k keeps k tokens and draws only those; the two orders are shown', async () => {
  const { page, problems, context } = await open('?lesson=sampling&seed=3&topk=2&draws=2000');
  await ready(page);
  const rows = await page.$$eval('article details.table-alt tbody tr', (trs) => trs.map((tr) => {
    const td = tr.querySelectorAll('td');
    return { kept: td[1].textContent, count: Number(td[3].dataset.value) };
  }));
  const kept = rows.filter((r) => r.kept === 'yes').length;
  assert(kept === 2, `top-k = 2 should keep 2 tokens, the table says ${kept}`);
  rows.forEach((r, i) => assert(r.kept === 'yes' || r.count === 0, `token ${i} is dropped but was drawn ${r.count} times`));
  const first = await page.textContent('[data-readout="first"]');
  const last = await page.textContent('[data-readout="lastOrder"]');
  assert(/\(2\)/.test(first) && /\(2\)/.test(last), `both orders keep 2 with top-k: ${first} / ${last}`);
  noProblems(problems, 'sampling top-k');
  await context.close();
});
