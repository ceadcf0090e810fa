// Types of 'logitlab/inline': the same API as 'logitlab' (see logitlab.d.ts), with the WebAssembly embedded.
import type { CreateOptions, LogitLab } from './logitlab.js';

export * from './logitlab.js';

/**
 * Loads logitlab from the WebAssembly embedded in this module: no `.wasm` file to serve or copy and no request
 * beyond the module itself (about 117 kB gzipped, both builds). The embedded module is compiled once per page, worker
 * or process; creating a second lab reuses it. `locateFile`, `wasmBinary` and `wasmModule` still override.
 * @throws {TypeError} for an unknown option or one of the wrong type. {Error} when `simd: true` is unsupported.
 * @example
 * import { createLogitLab } from 'logitlab/inline';
 * const lab = await createLogitLab();
 */
export function createLogitLab(options?: CreateOptions): Promise<LogitLab>;

/** The package version, e.g. `'0.1.0'`. */
export const version: string;

export default createLogitLab;
