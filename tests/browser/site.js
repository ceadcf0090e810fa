// The site as a whole: CSP-clean files, the index, every lesson loading clean at two widths, colour schemes and motion,
// shareable links, offline use.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CSP, SITE } from '../../scripts/serve.js';
import { LESSON_IDS } from '../../web/model/state.js';
import { check, assert, open, noProblems, ready, axe, tableValues, probabilityCells, session, servers, SHOTS } from './harness.js';

check('the built site is CSP-clean: no inline script, style attribute, <style>, inline handler or eval', async () => {
  const files = [];
  const walk = (dir) => readdirSync(dir).forEach((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  });
  walk(SITE);
  const found = [];
  for (const file of files.filter((f) => /\.(html|js)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    const name = relative(SITE, file);
    if (file.endsWith('.html')) {
      for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g))
        if (!/\bsrc=/.test(m[1]) || m[2].trim()) found.push(`${name}: inline <script>`);
      if (/<style\b/i.test(text)) found.push(`${name}: <style> element`);
      if (/\sstyle\s*=/i.test(text)) found.push(`${name}: style="" attribute`);
      if (/\son[a-z]+\s*=/i.test(text)) found.push(`${name}: inline event handler attribute`);
    } else {
      if (/\beval\s*\(/.test(text)) found.push(`${name}: eval(`);
      if (/\bnew\s+Function\s*\(/.test(text)) found.push(`${name}: new Function(`);
      if (/setAttribute\(\s*['"]style['"]/.test(text)) found.push(`${name}: setAttribute('style')`);
      if (/\.innerHTML\s*=/.test(text)) found.push(`${name}: innerHTML assignment`);
    }
  }
  assert(found.length === 0, `found:\n    ${found.join('\n    ')}`);
  assert(files.some((f) => f.endsWith('logitlab-simd.wasm')) && files.some((f) => f.endsWith('logitlab-scalar.wasm')),
    'both .wasm builds must be in the site');
});

check('the index at / lists the eight lessons and navigates to one and back', async () => {
  const { page, problems, context, response } = await open('');
  assert(response.headers()['content-security-policy'] === CSP, `/ is served with CSP ${response.headers()['content-security-policy']}`);
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert(meta === CSP, `index.html's meta CSP is ${JSON.stringify(meta)}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  await page.screenshot({ path: join(SHOTS, 'index-1280.png'), fullPage: true });
  const cards = await page.$$eval('.lesson-cards a', (as) => as.map((a) => a.getAttribute('href')));
  assert(cards.length === 8, `expected 8 lesson cards, found ${cards.length}: ${cards.join(' ')}`);
  LESSON_IDS.forEach((id, i) => assert(cards[i].includes(`lesson=${id}`), `card ${i + 1} links to ${cards[i]}, expected lesson=${id}`));
  await page.click('.lesson-cards a[data-nav="cross-entropy"]');
  await ready(page);
  assert(new URL(page.url()).searchParams.get('lesson') === 'cross-entropy', `after the click the URL is ${page.url()}`);
  const title = await page.textContent('h1');
  assert(/Cross-entropy/.test(title), `lesson heading is ${JSON.stringify(title)}`);
  await page.goBack();
  await page.waitForSelector('.lesson-cards');
  await page.keyboard.press('Tab');
  noProblems(problems, 'index');
  await context.close();
});

for (const id of LESSON_IDS) {
  check(`lesson ${id}: loads clean (CSP, console, requests) at 1280 px light and 375 px dark, axe-core, fits 360 px, screenshots`, async () => {
    for (const kind of ['wide', 'narrow']) {
      const { page, problems } = await session(kind);
      const width = kind === 'wide' ? 1280 : 375;
      if (kind === 'narrow') await page.setViewportSize({ width, height: 800 });
      const response = await page.goto(new URL(`?lesson=${id}`, servers[0].url).href);
      const header = response.headers()['content-security-policy'];
      assert(header === CSP, `${id}: Content-Security-Policy header is ${JSON.stringify(header)}, expected ${JSON.stringify(CSP)}`);
      await ready(page);
      const heading = await page.textContent('article.lesson h1');
      assert(heading && heading.includes(`Lesson ${LESSON_IDS.indexOf(id) + 1} of 8`), `${id} at ${width}px: heading ${JSON.stringify(heading)}`);
      if (id === 'scale') await page.waitForSelector('.timing tbody tr:nth-child(3)', { timeout: 20_000 });
      if (kind === 'wide') await page.waitForTimeout(200);  // bar transitions settle before the screenshot
      await page.screenshot({ path: join(SHOTS, `${id}-${width}.png`), fullPage: true });
      await axe(page, `${id} at ${width}px, ${kind === 'wide' ? 'light' : 'dark'}`);
      if (kind === 'narrow') {
        await page.setViewportSize({ width: 360, height: 800 });
        const overflow = await page.evaluate(() => {
          const doc = document.scrollingElement.scrollWidth;
          const wide = [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > innerWidth + 1
            && !el.closest('.table-scroll, .formula, .lesson-nav'))
            .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
          return { doc, wide };
        });
        assert(overflow.doc <= 360 && overflow.wide.length === 0,
          `${id} at 360px: page is ${overflow.doc}px wide; too wide: ${overflow.wide.join(', ')}`);
      }
      noProblems(problems, `${id} at ${width}px`);
    }
  });
}

check('prefers-reduced-motion stops transitions; prefers-color-scheme switches the palette', async () => {
  const wide = await session('wide');
  const narrow = await session('narrow');
  for (const { page } of [wide, narrow]) {
    if (!page.url().includes('lesson=')) {
      await page.goto(new URL('?lesson=temperature', servers[0].url).href);
      await ready(page);
    }
  }
  const look = (page) => page.evaluate(() => ({
    transition: getComputedStyle(document.querySelector('.bar-fill')).transitionDuration,
    background: getComputedStyle(document.body).backgroundColor,
  }));
  const light = await look(wide.page);
  const dark = await look(narrow.page);
  assert(dark.transition === '0s', `with reduced motion the bars should not animate: transition-duration ${dark.transition}`);
  assert(light.transition !== '0s', 'without the preference the bars animate');
  assert(light.background !== dark.background, `the dark scheme should change the background (${light.background} vs ${dark.background})`);
});

check('a shared link restores the view: state in the URL survives a reload', async () => {
  const { page, problems, context } = await open('?lesson=temperature');
  await ready(page);
  await page.getByLabel('Type T').fill('0.37');
  await page.getByLabel('Type T').press('Enter');
  const labels = page.getByLabel('Labels');
  await labels.fill('x, y, z, w, v, u');
  await labels.press('Enter');
  await page.waitForFunction(() => location.search.includes('temperature=0.37') && location.search.includes('labels=x'));
  const link = page.url();
  const before = await tableValues(page, probabilityCells());
  await context.close();
  const again = await open(new URL(link).search);
  await ready(again.page);
  const after = await tableValues(again.page, probabilityCells());
  const names = await again.page.$$eval('article details.table-alt tbody th', (th) => th.map((x) => x.textContent));
  assert(JSON.stringify(after) === JSON.stringify(before), `the link shows ${JSON.stringify(after)}, before ${JSON.stringify(before)}`);
  assert(names.join() === 'x,y,z,w,v,u', `labels after reload: ${names}`);
  noProblems([...problems, ...again.problems], 'shared link');
  await again.context.close();
});

check('offline after the first visit: the service worker serves the lessons without a network', async () => {
  const { page, context } = await open('?lesson=softmax', { serviceWorkers: 'allow' });
  await ready(page);
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const files = await (await fetch('precache.json')).json();
    for (let i = 0; i < 100; ++i) {
      const keys = await (await caches.open('logitlab-lessons')).keys();
      if (keys.length >= files.length) return [keys.length, files.length];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [(await (await caches.open('logitlab-lessons')).keys()).length, files.length];
  });
  assert(cached[0] >= cached[1], `the service worker cached ${cached[0]} of ${cached[1]} files`);
  await context.setOffline(true);
  await page.goto(new URL('?lesson=learning', servers[0].url).href);
  await ready(page);
  const title = await page.textContent('article.lesson h1');
  assert(/Learning/.test(title), `offline, the learning lesson shows ${JSON.stringify(title)}`);
  await context.close();
});
