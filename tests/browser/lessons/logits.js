// The logits lesson: what it shows, checked against the module and float64.
import { join } from 'node:path';
import { check, assert, open, noProblems, ready } from '../harness.js';

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
