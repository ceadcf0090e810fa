// The benchmark's clock.

// CPU time of this (the main) thread in ns, or null where unavailable: WASI's clock_time_get(THREAD_CPUTIME_ID), which
// Node implements with clock_gettime(CLOCK_THREAD_CPUTIME_ID), read through a one-page module. On a machine shared with
// other work it counts only the time this thread ran, where wall time also counts the time it waited for a core.
export async function threadCpuClock() {
  try {
    const emit = process.emitWarning;
    process.emitWarning = () => {};  // node:wasi is "experimental" in Node 20
    let WASI;
    try {
      ({ WASI } = await import('node:wasi'));
    } finally {
      process.emitWarning = emit;
    }
    const wasi = new WASI({ version: 'preview1' });
    // (module (memory (export "memory") 1))
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 109, 101, 109, 111, 114, 121,
      2, 0]);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    wasi.initialize(instance);
    const word = new BigUint64Array(instance.exports.memory.buffer, 0, 1);
    const THREAD_CPUTIME_ID = 3;
    const read = () => {
      if (wasi.wasiImport.clock_time_get(THREAD_CPUTIME_ID, 0n, 0) !== 0) throw new Error('clock_time_get failed');
      return Number(word[0]);
    };
    const a = read();
    let x = 0;
    for (let i = 0; i < 1e6; ++i) x += Math.sqrt(i);
    return read() > a && x > 0 ? read : null;
  } catch {
    return null;
  }
}
