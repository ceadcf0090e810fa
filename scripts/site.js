#!/usr/bin/env node
// Assembles the lessons site in build/site/: the files of web/ plus the built module from dist/ (logitlab.js and
// both .wasm files), JavaScript and CSS minified file by file with esbuild (the module graph and file names stay as
// they are), and precache.json for the offline service worker. Prints the page weight.
//   node scripts/site.js [--no-minify]
import { transform } from 'esbuild';
import {
  copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const dist = join(root, 'dist');
// LOGITLAB_SITE puts it elsewhere (several test runs at once each build their own copy).
const out = process.env.LOGITLAB_SITE ?? join(root, 'build', 'site');
const minify = !process.argv.includes('--no-minify');
const MODULE_FILES = ['logitlab.js', 'logitlab-simd.wasm', 'logitlab-scalar.wasm'];

for (const file of MODULE_FILES) {
  if (!existsSync(join(dist, file))) {
    console.error(`site: dist/${file} is missing; run bash scripts/build.sh first`);
    process.exit(1);
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const files = [];
async function emit(source, target) {
  mkdirSync(dirname(target), { recursive: true });
  const ext = source.slice(source.lastIndexOf('.') + 1);
  if (minify && (ext === 'js' || ext === 'css')) {
    const code = readFileSync(source, 'utf8');
    const result = await transform(code, { loader: ext, minify: true, format: ext === 'js' ? 'esm' : undefined,
      target: ext === 'js' ? 'es2022' : 'chrome100', legalComments: 'none' });
    writeFileSync(target, result.code);
  } else {
    copyFileSync(source, target);
  }
  files.push(relative(out, target));
}

for (const source of walk(web)) await emit(source, join(out, relative(web, source)));
for (const file of MODULE_FILES) await emit(join(dist, file), join(out, file));

// The service worker caches exactly these files for offline use.
const precache = ['./', ...files.filter((f) => f !== 'sw.js').sort()];
writeFileSync(join(out, 'precache.json'), `${JSON.stringify(precache, null, 1)}\n`);

// Page weight: what a browser downloads for the lessons (HTML + JS + CSS + one WASM build; the scale lesson's
// timing also fetches the other build).
const weight = { html: [0, 0], js: [0, 0], css: [0, 0], wasm: [0, 0], other: [0, 0] };
for (const file of files) {
  const bytes = readFileSync(join(out, file));
  const ext = file.slice(file.lastIndexOf('.') + 1);
  const kind = ext in weight ? ext : 'other';
  weight[kind][0] += bytes.length;
  weight[kind][1] += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const total = ['html', 'js', 'css', 'wasm'].reduce((a, k) => [a[0] + weight[k][0], a[1] + weight[k][1]], [0, 0]);
console.log(`site: ${files.length} files in ${relative(root, out)}/ (${minify ? 'minified' : 'not minified'})`);
for (const kind of ['html', 'js', 'css', 'wasm'])
  console.log(`  ${kind.padEnd(5)} ${kb(weight[kind][0]).padStart(9)} raw, ${kb(weight[kind][1]).padStart(9)} gzipped`);
console.log(`  total ${kb(total[0]).padStart(9)} raw, ${kb(total[1]).padStart(9)} gzipped ` +
  '(both .wasm builds included)');

// What a first visit to one lesson downloads: the page, its stylesheet and icon, the module graph of app.js, and the
// SIMD build (the service worker then fetches the rest in the background for offline use).
const graph = new Set();
const visit = (file) => {
  if (graph.has(file)) return;
  graph.add(file);
  const code = readFileSync(join(out, file), 'utf8');
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}\/[^"']+)["']/g))
    visit(relative(out, join(out, dirname(file), m[1])));
};
visit('app.js');
let first = [0, 0];
for (const file of ['index.html', 'style.css', 'favicon.svg', 'logitlab-simd.wasm', ...graph]) {
  const bytes = readFileSync(join(out, file));
  first = [first[0] + bytes.length, first[1] + gzipSync(bytes, { level: 9 }).length];
}
console.log(`  first visit to a lesson: ${kb(first[0])} raw, ${kb(first[1])} gzipped ` +
  `(${graph.size} scripts, one .wasm build)`);
