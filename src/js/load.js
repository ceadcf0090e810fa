// Loading: pick the SIMD or scalar build, get its bytes (beside the module, from disk in Node, or as given), compile
// each build once per page or process, and instantiate it through Emscripten's glue with our compiled module.
import { checkOptions } from './checks.js';
import { typeError } from './errors.js';
import { makeLab } from './lab.js';

// The smallest module that uses a SIMD128 instruction: () -> v128 { i8x16.splat(i32.const 0) }.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65,
  0, 253, 15, 11]);

export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const compiled = new Map();  // cache key -> Promise<WebAssembly.Module>

function isNode() {
  return typeof process === 'object' && typeof process.versions?.node === 'string' &&
    typeof window === 'undefined' && typeof importScripts !== 'function';
}

// A URL scheme has two letters or more, so a Windows path (C:\…) stays a path.
const HAS_SCHEME = /^[a-z][a-z\d+.-]+:/i;

function cannotLoad(href, why, cause) {
  return new Error(`logitlab: could not load ${href} (${why}). The .wasm files must be served beside logitlab.js; ` +
    'with a bundler that does not copy them (esbuild) copy node_modules/logitlab/dist/*.wasm beside the bundle, or ' +
    "pass createLogitLab({ locateFile }) or { wasmBinary }, or import 'logitlab/inline'", { cause });
}

// In Node a file: URL or a plain path is read from disk; anything else (browsers, workers, http: in Node) is fetched,
// and compiled while it streams in when the server sends application/wasm.
async function compileFrom(location) {
  const href = String(location);
  if (isNode() && (href.startsWith('file:') || !HAS_SCHEME.test(href))) {
    const fsName = 'node:fs/promises';  // hidden from bundlers: a browser build never reaches this branch
    const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName);
    let bytes;
    try {
      bytes = await fs.readFile(href.startsWith('file:') ? new URL(href) : href);
    } catch (error) {
      throw cannotLoad(href, error.code ?? error.message, error);
    }
    return WebAssembly.compile(bytes);
  }
  let response;
  try {
    response = await fetch(href);
  } catch (error) {
    throw cannotLoad(href, error.message, error);
  }
  if (!response.ok) throw cannotLoad(href, `HTTP ${response.status}`);
  if (typeof WebAssembly.compileStreaming === 'function') {
    const fallback = response.clone();
    try {
      return await WebAssembly.compileStreaming(response);
    } catch {
      // Served without the application/wasm type: compile from the bytes instead.
      return WebAssembly.compile(await fallback.arrayBuffer());
    }
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

// A Content-Security-Policy without 'wasm-unsafe-eval' makes compilation fail with a message about 'unsafe-eval':
// say what the page actually needs.
function explainCsp(error) {
  if (/Content.Security.Policy|unsafe-eval/i.test(String(error?.message))) {
    throw new Error("logitlab: this page's Content-Security-Policy does not allow WebAssembly; " +
      "add 'wasm-unsafe-eval' to script-src (e.g. script-src 'self' 'wasm-unsafe-eval'); 'unsafe-eval' is not needed",
      { cause: error });
  }
  throw error;
}

function explainInstantiate(error) {
  return new Error('logitlab: could not instantiate the WebAssembly module; a wasmModule or wasmBinary must be ' +
    `logitlab-simd.wasm or logitlab-scalar.wasm of this version (${error.message})`, { cause: error });
}

function compileOnce(key, make) {
  let promise = compiled.get(key);
  if (!promise) {
    promise = make();
    compiled.set(key, promise);
    promise.catch(() => compiled.delete(key));  // a failed load may be retried
  }
  return promise;
}

// builds: { simd: { name, url, bytes?, glue }, scalar: {...} }
export async function createLab(options, builds, version) {
  if (options === null) throw typeError('createLogitLab', 'options', 'an object', options);
  const o = checkOptions('createLogitLab', options, ['simd', 'locateFile', 'wasmBinary', 'wasmModule']);
  if (o.simd !== undefined && typeof o.simd !== 'boolean')
    throw new TypeError(`logitlab.createLogitLab: simd must be a boolean, got ${String(o.simd)}`);
  const supported = simdSupported();
  if (o.simd === true && !supported)
    throw new Error('logitlab.createLogitLab: { simd: true } was asked for, but this engine has no WebAssembly SIMD');
  const useSimd = o.simd ?? supported;
  const build = useSimd ? builds.simd : builds.scalar;

  let modulePromise;
  if (o.wasmModule !== undefined) {
    if (!(o.wasmModule instanceof WebAssembly.Module))
      throw new TypeError('logitlab.createLogitLab: wasmModule must be a WebAssembly.Module');
    modulePromise = Promise.resolve(o.wasmModule);
  } else if (o.wasmBinary !== undefined) {
    if (!(o.wasmBinary instanceof ArrayBuffer || ArrayBuffer.isView(o.wasmBinary)))
      throw new TypeError('logitlab.createLogitLab: wasmBinary must be an ArrayBuffer or a typed array');
    modulePromise = WebAssembly.compile(o.wasmBinary);
  } else if (o.locateFile !== undefined) {
    if (typeof o.locateFile !== 'function')
      throw new TypeError('logitlab.createLogitLab: locateFile must be a function');
    const url = o.locateFile(build.name);
    if (!(typeof url === 'string' || url instanceof URL))
      throw new TypeError(`logitlab.createLogitLab: locateFile(${JSON.stringify(build.name)}) ` +
        'must return a string or a URL');
    modulePromise = compileOnce(`url:${url}`, () => compileFrom(url));
  } else if (build.bytes) {
    modulePromise = compileOnce(`inline:${build.name}`, () => WebAssembly.compile(build.bytes()));
  } else {
    modulePromise = compileOnce(`url:${build.url}`, () => compileFrom(build.url));
  }
  const wasmModule = await modulePromise.catch(explainCsp);

  // Emscripten's glue reports nothing when instantiation fails: reject ourselves rather than never settle.
  const mod = await new Promise((resolve, reject) => {
    build.glue({
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance, wasmModule))
          .catch((error) => reject(explainInstantiate(error)));
        return {};
      },
      locateFile: (name) => name,
    }).then(resolve, reject);
  });
  return makeLab(mod, { simd: mod._simd(), version });
}
