// The package as real JavaScript projects consume it (issue 5). Packs the built package (run scripts/build.sh first),
// installs the tarball offline into a consumer project in a temporary folder, and checks:
//   1 a Node ES module script, 2 a CommonJS script, 3 a TypeScript consumer (tsc --noEmit, then run),
//   4 an esbuild bundle and a Vite build, 5 plain ES modules in a page, 6 a Web Worker, 7 the inline entry in Node and
//   in a page, 8 the tarball's contents and the gzipped size of every shipped file.
// Pages run in headless Chromium under `Content-Security-Policy: default-src 'self'; script-src 'self'
// 'wasm-unsafe-eval'`. Tools (typescript, esbuild, vite, playwright-core) come from the repository's node_modules;
// the consumer project sees only the installed tarball. Exits non-zero when a check fails; LOGITLAB_KEEP_TMP=1 keeps
// the temporary folder (it is kept anyway after a failure).
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { checkProbe } from './lib/reference.js';
import { serve, STRICT_CSP } from './lib/server.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const fixtures = fileURLToPath(new URL('./consumers/', import.meta.url));
const { version } = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
const started = Date.now();

// What the tarball must hold, and each file's budget in gzipped bytes (kB = 1000 bytes).
const BUDGETS = {
  'dist/logitlab.js': 40e3,
  'dist/inline.js': 140e3,
  'dist/logitlab-simd.wasm': 60e3,
  'dist/logitlab-scalar.wasm': 60e3,
  'dist/logitlab.d.ts': 10e3,
  'dist/logitlab.d.cts': 10e3,
  'dist/inline.d.ts': 1e3,
  'dist/inline.d.cts': 1e3,
  'dist/logitlab.cjs': 1e3,
  'dist/inline.cjs': 1e3,
  'README.md': 30e3,
  'LICENSE': 1e3,
  'package.json': 2e3,
};
const TARBALL_BUDGET = 300e3;
// The files a user downloads: README.md must list their gzipped sizes (checked within 10% or 0.5 kB).
const DOWNLOADED = ['dist/logitlab.js', 'dist/inline.js', 'dist/logitlab-simd.wasm', 'dist/logitlab-scalar.wasm'];

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

function fail(problems) {
  if (problems.length) throw new Error(problems.join('\n'));
}

async function node(args, options = {}) {
  try {
    const { stdout } = await run(process.execPath, args, { timeout: 60e3, maxBuffer: 16 << 20, ...options });
    return stdout;
  } catch (error) {
    throw new Error(`node ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
  }
}

const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').at(-1));

// ---- Setup: pack, install offline, copy the consumer projects.
let tmp, app, tarball, packed;
async function setup() {
  for (const file of Object.keys(BUDGETS).filter((f) => f.startsWith('dist/')))
    await readFile(join(repo, file)).catch(() => fail([`${file} is missing: run scripts/build.sh first`]));
  tmp = await mkdtemp(join(tmpdir(), 'logitlab-package-'));
  app = join(tmp, 'app');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: repo });
  [packed] = JSON.parse(stdout);
  tarball = join(tmp, packed.filename);
  await cp(fixtures, app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app });
  // A copy of the package without its .wasm files, for the inline entry in Node.
  const solo = join(app, 'inline-solo', 'node_modules', 'logitlab');
  await cp(join(app, 'node_modules', 'logitlab'), solo, { recursive: true, filter: (src) => !src.endsWith('.wasm') });
}

// ---- Chromium, one browser for every page.
let browser, server;
async function openPage(path, { workers = false } = {}) {
  if (!browser) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'],
    });
    server = await serve(app);
  }
  const context = await browser.newContext();
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));  // not a console error
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  page.on('console', (message) => message.type() === 'error' && errors.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  if (workers) page.on('worker',
    (worker) => worker.on('console', (m) => m.type() === 'error' && errors.push(`worker: ${m.text()}`)));
  try {
    await page.goto(path.startsWith('http') ? path : `${server.origin}${path}`);
    const shown = await page.waitForSelector('#result, #error', { timeout: 30e3 });
    const text = await shown.textContent();
    const ok = (await shown.getAttribute('id')) === 'result';
    return { result: ok ? JSON.parse(text) : null, error: ok ? null : text, requests, errors };
  } catch (error) {
    throw new Error(`${path}: ${error.message}\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
}

// The probe from Node (set by check 1), to compare seeded draws across engines and builds.
let nodeProbe = null;

// A page's outcome: the probe right, the policy enforced and never violated, no errors, each .wasm fetched once.
function checkPage(where, page, { wasmFetches = 1, sameRealmWasm = true, csp = true } = {}) {
  if (!page.result) fail([`${where}: the page reported an error:\n${page.error}\n${page.errors.join('\n')}`]);
  const r = page.result;
  const problems = checkProbe(where, r, { version, expectSimd: true });
  if (csp && r.cspEnforced !== true)
    problems.push(`${where}: eval was not refused: the page ran without the strict policy`);
  if (r.cspViolations.length)
    problems.push(`${where}: Content-Security-Policy violations: ${r.cspViolations.join('; ')}`);
  if (page.errors.length) problems.push(`${where}: errors in the console:\n${page.errors.join('\n')}`);
  if (nodeProbe && r.sample !== nodeProbe.sample)
    problems.push(`${where}: seed ${12345} drew ${r.sample} in Chromium, ${nodeProbe.sample} in Node`);
  const wasm = page.requests.filter((p) => p.endsWith('.wasm'));
  if (sameRealmWasm) {
    for (const file of new Set(wasm)) {
      const count = wasm.filter((p) => p === file).length;
      if (count !== wasmFetches)
        problems.push(`${where}: ${file} was fetched ${count} times, expected ${wasmFetches}: ` +
          'creating the lab twice must reuse the compiled module');
    }
    if (new Set(wasm).size !== 2)
      problems.push(`${where}: expected the SIMD and the scalar .wasm to be fetched, got ${JSON.stringify(wasm)}`);
  }
  fail(problems);
  return r;
}

// ---- The checks.
const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('1 Node ES module script (import, compute, overrides, compiled-module reuse)', async () => {
  nodeProbe = lastJson(await node([join(app, 'node-esm', 'main.js')], { cwd: join(app, 'node-esm') }));
  fail(checkProbe('Node ESM', nodeProbe, { version, expectSimd: true }));
});

check('2 CommonJS script: require("logitlab") works (createLogitLab returns a Promise)', async () => {
  const r = lastJson(await node([join(app, 'node-cjs', 'main.cjs')], { cwd: join(app, 'node-cjs') }));
  const problems = checkProbe('Node CommonJS', r, { version, expectSimd: true });
  if (nodeProbe && r.sample !== nodeProbe.sample) problems.push(`CommonJS drew ${r.sample}, ESM ${nodeProbe.sample}`);
  fail(problems);
});

check('3 TypeScript consumer: tsc --noEmit (browser/bundler and Node/nodenext projects), ' +
  '@ts-expect-error lines, then run', async () => {
  const dir = join(app, 'typescript');
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  // tsconfig.json is a browser app as Vite's template sets one up (bundler resolution, DOM). The second project is
  // Node-only: nodenext resolution (a .cts file takes the "require" condition), Node's globals from @types/node, which
  // declares no WebAssembly namespace, and no DOM.
  const base = JSON.parse(await readFile(join(dir, 'tsconfig.json'), 'utf8'));
  const compilerOptions = { ...base.compilerOptions, module: 'nodenext', moduleResolution: 'nodenext',
    lib: ['es2022'], types: ['node'], typeRoots: [join(repo, 'node_modules', '@types')] };
  const nodeOnly = { ...base, compilerOptions, files: ['index.ts', 'require.cts'] };
  await writeFile(join(dir, 'tsconfig.node.json'), JSON.stringify(nodeOnly, null, 2));
  const { version: tsVersion } = JSON.parse(await readFile(join(repo, 'node_modules', 'typescript', 'package.json'),
    'utf8'));
  if (tsVersion !== '5.9.3') fail([`typescript ${tsVersion} is installed; the test pins 5.9.3`]);
  for (const project of ['tsconfig.json', 'tsconfig.node.json']) {
    try {
      await run(process.execPath, [tsc, '-p', project], { cwd: dir, timeout: 120e3 });
    } catch (error) {
      throw new Error(`tsc ${tsVersion} -p ${project} found errors:\n${error.stdout}${error.stderr}`);
    }
  }
  // Run it: the static types must describe what the calls return.
  const { transform } = await import('esbuild');
  const source = await readFile(join(dir, 'index.ts'), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'es2022' });
  await writeFile(join(dir, 'index.mjs'), code);
  const out = await node([join(dir, 'index.mjs')], { cwd: dir });
  if (!out.includes('typescript consumer ran')) fail([`index.ts did not finish: ${out}`]);
  const cts = await transform(await readFile(join(dir, 'require.cts'), 'utf8'), { loader: 'ts', format: 'cjs' });
  await writeFile(join(dir, 'require.cjs'), cts.code);
  const half = await node(['-e', "require('./require.cjs').softmaxOf([7, 7]).then((p) => console.log(p.join(' ')))"],
    { cwd: dir });
  if (half.trim() !== '0.5 0.5')
    fail([`require.cts: softmaxOf([7, 7]) printed ${JSON.stringify(half)}, expected "0.5 0.5"`]);
});

check('4a esbuild bundle in Chromium under the strict CSP (.wasm copied; file loader + locateFile)', async () => {
  const { build } = await import('esbuild');
  const dir = join(app, 'esbuild');
  const built = await build({
    entryPoints: [join(dir, 'main.js'), join(dir, 'file.js')], outdir: join(dir, 'out'), bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', loader: { '.wasm': 'file' }, logLevel: 'silent', absWorkingDir: app,
  });
  const problems = built.warnings.map((w) => `esbuild warning: ${w.text}`);
  for (const name of ['logitlab-simd.wasm', 'logitlab-scalar.wasm'])
    await cp(join(app, 'node_modules', 'logitlab', 'dist', name), join(dir, 'out', name));
  checkPage('esbuild (copied .wasm)', await openPage('/esbuild/index.html'));
  const page = await openPage('/esbuild/file.html');
  checkPage('esbuild (file loader)', page);
  const hashed = page.requests.filter((p) => /\/out\/logitlab-(simd|scalar)-\w+\.wasm$/.test(p));
  if (hashed.length !== 2)
    problems.push(`esbuild (file loader): expected the two hashed .wasm files, got ${page.requests.join(', ')}`);
  fail(problems);
});

check('4b Vite 8 build (page and module worker) in Chromium under the strict CSP; Vite dev server', async () => {
  const dir = join(app, 'vite');
  const vite = join(repo, 'node_modules', 'vite', 'bin', 'vite.js');
  const { version: viteVersion } = JSON.parse(await readFile(join(repo, 'node_modules', 'vite', 'package.json'),
    'utf8'));
  if (viteVersion !== '8.3.8') fail([`vite ${viteVersion} is installed; the test pins 8.3.8`]);
  let output;
  try {
    output = await run(process.execPath, [vite, 'build', '--base', './', '--emptyOutDir'],
      { cwd: dir, timeout: 120e3 });
  } catch (error) {
    fail([`vite build failed:\n${error.stdout}${error.stderr}`]);
  }
  const warnings = `${output.stdout}${output.stderr}`.split('\n').filter((l) => /warn|error/i.test(l));
  const assets = await readdir(join(dir, 'dist', 'assets'));
  const problems = warnings.map((w) => `vite: ${w}`);
  if (assets.filter((a) => a.endsWith('.wasm')).length !== 2)
    problems.push(`vite emitted ${assets.join(', ')}: expected both .wasm files`);
  const page = await openPage('/vite/dist/index.html', { workers: true });
  // The worker is another realm with its own compiled module: the SIMD .wasm is fetched once by each.
  checkPage('Vite', page, { sameRealmWasm: false });
  const { worker } = page.result;
  const want = checkProbe('-', { softmax: worker?.softmax }, { version, expectSimd: true })
    .filter((p) => p.includes('softmax([1, 2, 3])'));
  if (worker?.simd !== true || want.length) problems.push(`Vite worker: ${JSON.stringify(worker)} ${want.join('; ')}`);

  // The dev server too (it pre-bundles dependencies, which must not lose the .wasm beside the module).
  const { createServer } = await import('vite');
  const dev = await createServer({ root: dir, configFile: join(dir, 'vite.config.js'), logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0 } });
  await dev.listen();
  try {
    checkPage('Vite dev server', await openPage(`${dev.resolvedUrls.local[0]}index.html`, { workers: true }),
      { sameRealmWasm: false, csp: false });
  } finally {
    await dev.close();
  }
  fail(problems);
});

check('5 Plain <script type="module"> pages, no bundler (strict CSP; import map; a CSP without wasm-unsafe-eval)',
  async () => {
  checkPage('plain ES modules', await openPage('/plain/index.html'));
  const mapped = await openPage('/plain/importmap.html?csp=none');
  if (!mapped.result) fail([`import map page: ${mapped.error}`]);
  fail(checkProbe('import map page', mapped.result, { version, expectSimd: true }));
  // Without 'wasm-unsafe-eval' WebAssembly cannot compile: the error must say which directive to add.
  const blocked = await openPage('/plain/index.html?csp=no-wasm');
  if (!blocked.error?.includes("'wasm-unsafe-eval'"))
    fail([`a page whose policy lacks 'wasm-unsafe-eval' should fail naming it; got ${blocked.error ?? 'success'}`]);
});

check('6 Web Worker (module worker, plain files) computing softmax, in Chromium under the strict CSP', async () => {
  const page = await openPage('/worker/index.html', { workers: true });
  const r = checkPage('Web Worker', page);
  if (r.inWorker !== true) fail(['the worker page computed outside a WorkerGlobalScope']);
  if (!page.requests.some((p) => p.endsWith('/worker/worker.js'))) fail(['worker.js was never requested']);
});

check('7 Inline entry: Node (a copy with no .wasm files) and Chromium (no .wasm request)', async () => {
  const r = lastJson(await node([join(app, 'inline-solo', 'main.js')], { cwd: join(app, 'inline-solo') }));
  const problems = checkProbe('inline, Node', r, { version, expectSimd: true });
  if (nodeProbe && r.sample !== nodeProbe.sample)
    problems.push(`inline in Node drew ${r.sample}, the main entry ${nodeProbe.sample}`);
  const page = await openPage('/inline/index.html');
  checkPage('inline, Chromium', page, { sameRealmWasm: false });
  const own = ['/inline/index.html', '/inline/main.js', '/page.js', '/probe.js',
    '/node_modules/logitlab/dist/inline.js'];
  const other = page.requests.filter((p) => !own.includes(p));
  if (other.length) problems.push(`inline, Chromium: requests beyond the page's own files: ${other.join(', ')}`);
  fail(problems);
});

check('8 Tarball contents and size budget (gzipped)', async () => {
  const problems = [];
  const files = packed.files.map((f) => f.path).sort();
  const expected = Object.keys(BUDGETS).sort();
  const extra = files.filter((f) => !expected.includes(f));
  const absent = expected.filter((f) => !files.includes(f));
  if (extra.length) problems.push(`the tarball holds files users do not need: ${extra.join(', ')}`);
  if (absent.length) problems.push(`the tarball lacks: ${absent.join(', ')}`);
  const rows = [];
  const sizes = {};
  for (const file of files.filter((f) => BUDGETS[f])) {
    const bytes = await readFile(join(app, 'node_modules', 'logitlab', file));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    sizes[file] = gzip;
    const over = gzip > BUDGETS[file];
    const columns = [kB(bytes.length), kB(gzip), kB(BUDGETS[file])].map((s) => s.padStart(10)).join(' ');
    rows.push(`  ${file.padEnd(28)} ${columns}${over ? '  OVER' : ''}`);
    if (over) problems.push(`${file} is ${gzip} bytes gzipped, over its budget of ${BUDGETS[file]}`);
  }
  console.log(`  ${'file'.padEnd(28)} ${'size'.padStart(10)} ${'gzipped'.padStart(10)} ${'budget'.padStart(10)}`);
  console.log(rows.join('\n'));
  console.log(`  tarball ${packed.filename}: ${kB(packed.size)} (budget ${kB(TARBALL_BUDGET)}), ` +
    `unpacked ${kB(packed.unpackedSize)}`);
  if (packed.size > TARBALL_BUDGET)
    problems.push(`the tarball is ${packed.size} bytes, over its budget of ${TARBALL_BUDGET}`);
  if (packed.version !== version) problems.push(`packed version ${packed.version}, package.json says ${version}`);

  // README.md states the gzipped sizes: each downloaded file on a line whose last "<number> kB" is its gzipped size.
  const readme = await readFile(join(app, 'node_modules', 'logitlab', 'README.md'), 'utf8').catch(() => '');
  for (const file of DOWNLOADED) {
    const line = readme.split('\n').find((l) => l.includes(file) && /\d\s*kB/i.test(l));
    if (!line) {
      problems.push(`README.md has no line giving the gzipped size of ${file} ` +
        `(e.g. "| \`${file}\` | … | ${kB(sizes[file])} |")`);
      continue;
    }
    const stated = Number([...line.matchAll(/([\d.]+)\s*kB/gi)].at(-1)[1]) * 1000;
    if (Math.abs(stated - sizes[file]) > Math.max(500, 0.1 * sizes[file]))
      problems.push(`README.md says ${file} is ${kB(stated)} gzipped; it is ${kB(sizes[file])}`);
  }
  fail(problems);
});

// ---- Run everything, always print the summary.
const results = [];
let setupError = null;
try {
  await setup();
} catch (error) {
  setupError = error;
}
for (const { name, fn } of checks) {
  const start = Date.now();
  console.log(`\n--- ${name}`);
  try {
    if (setupError) throw new Error(`setup failed: ${setupError.message}`);
    await fn();
    results.push({ name, ok: true, ms: Date.now() - start });
  } catch (error) {
    console.log(String(error.message).replace(/^/gm, '  '));
    results.push({ name, ok: false, ms: Date.now() - start });
  }
}
await browser?.close();
await server?.close();

const failed = results.filter((r) => !r.ok).length;
console.log('\n--- Summary (packed tarball installed in a consumer project; pages in headless Chromium)');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${(r.ms / 1000).toFixed(1)} s)`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`${results.length - failed} passed, ${failed} failed, ${seconds} s; CSP: ${STRICT_CSP}`);
if (tmp) {
  if (failed || process.env.LOGITLAB_KEEP_TMP) console.log(`consumer project kept in ${tmp}`);
  else await rm(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
