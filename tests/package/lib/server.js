// A static file server for the consumer pages, sending the Content-Security-Policy a strict site would: scripts from
// its own origin only, and WebAssembly compilation allowed ('wasm-unsafe-eval') but not eval. `?csp=none` serves a
// page without a policy, `?csp=no-wasm` with one that omits 'wasm-unsafe-eval' (to see the failure a site would get).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const POLICIES = { strict: STRICT_CSP, 'no-wasm': "default-src 'self'; script-src 'self'", none: null };
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.css': 'text/css', '.map': 'application/json' };

export async function serve(root) {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    const policy = POLICIES[url.searchParams.get('csp') ?? 'strict'];
    if (!file.startsWith(root + sep) || policy === undefined) {
      response.writeHead(400).end();
      return;
    }
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();  // browsers ask for it; a 404 would show as a console error
      return;
    }
    try {
      const body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store' };
      if (policy) headers['content-security-policy'] = policy;
      response.writeHead(200, headers).end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
