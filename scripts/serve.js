#!/usr/bin/env node
// `npm start`: serves the lessons site (build/site/) on http://localhost:8080 (PORT overrides), with the strict
// Content-Security-Policy the lessons are built for. Also imported by tests/browser/run.js, which starts it on two
// ports to embed a lesson cross-origin.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const SITE = process.env.LOGITLAB_SITE ?? resolve(here, '..', 'build', 'site');
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
};

// The demo page plays a course host: it may frame lessons from another origin. Everything else gets the strict CSP.
function policyFor(path) {
  return path.endsWith('/demo.html') ? `${CSP}; frame-src 'self' http://localhost:* http://127.0.0.1:*` : CSP;
}

// extra: { '/url/path': '/absolute/file' } serves a few files from outside the site (the browser tests use it for
// axe-core).
export function serve({ root = SITE, port = 8080, host, extra = {} } = {}) {
  const base = resolve(root);
  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    } catch {
      response.writeHead(400).end('Bad request');
      return;
    }
    const outside = Object.hasOwn(extra, pathname);
    let file = outside ? extra[pathname] : normalize(join(base, pathname));
    if (!outside && file !== base && !file.startsWith(base + sep)) {
      response.writeHead(403).end('Forbidden');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP };
      response.writeHead(404, headers).end('Not found');
      return;
    }
    const stat = statSync(file);
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' }).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      ETag: etag,
      'Content-Security-Policy': policyFor(file),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
      // Course pages on other origins may load the custom element's module script and stylesheet.
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Referrer-Policy': 'no-referrer',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({
        server,
        port: address.port,
        url: `http://localhost:${address.port}/`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(SITE, 'index.html'))) {
    const built = spawnSync(process.execPath, [join(here, 'site.js')], { stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(1);
  }
  try {
    const { url } = await serve({ port });
    console.log(`logitlab lessons: ${url}`);
    console.log(`  one lesson alone: ${url}embed.html?lesson=temperature   embedding demo: ${url}demo.html`);
    console.log('  (Ctrl+C stops the server)');
  } catch (error) {
    console.error(error.code === 'EADDRINUSE'
      ? `serve: port ${port} is already in use; try PORT=8081 npm start`
      : `serve: ${error.message}`);
    process.exit(1);
  }
}
