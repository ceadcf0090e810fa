// The benchmark suite of issue 4 (`npm run bench`): builds the native benchmark, runs the JS/WebAssembly worker and the
// native benchmark in several fresh processes one after another (V8's JIT varies between processes; the figures are
// medians over processes of medians over rounds), then prints and writes the results:
//   tests/bench/bench-results.json, tests/bench/results.md, tests/bench/chart.svg
//
//   node tests/bench/run.js [--quick] [--processes N] [--rounds N] [--rep-ms MS] [--no-native] [--system-malloc]
//                           [--only id,id]
// --quick: two processes and short repetitions (under a minute), for development; its files are written as well.
// --replot: rewrite results.md and chart.svg from bench-results.json without measuring.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { aggregate, busyFactor, consoleTable, markdown, svg, targets } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const nativeDir = path.join(root, 'build/bench-native');
const nativeExe = path.join(nativeDir, 'tests/bench/logitlab_bench');

function parseArgs(argv) {
  const quick = argv.includes('--quick');
  const a = quick
    ? { quick, processes: 2, rounds: 5, repMs: 20, warmMs: 80 }
    : { quick, processes: 5, rounds: 9, repMs: 30, warmMs: 150 };
  a.native = !argv.includes('--no-native');
  a.systemMalloc = argv.includes('--system-malloc');
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--processes') a.processes = Number(argv[++i]);
    else if (argv[i] === '--rounds') a.rounds = Number(argv[++i]);
    else if (argv[i] === '--rep-ms') a.repMs = Number(argv[++i]);
    else if (argv[i] === '--only') a.only = argv[++i];
  }
  return a;
}

const firstLine = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return 'unavailable';
  }
};

// Configures (once) and builds the native benchmark; returns an error message or null.
function buildNative() {
  const log = [];
  const run = (args) => {
    const r = spawnSync('cmake', args, { cwd: root, encoding: 'utf8' });
    log.push(r.stdout ?? '', r.stderr ?? '');
    return r.status === 0;
  };
  if (!existsSync(path.join(nativeDir, 'CMakeCache.txt')) &&
      !run(['-S', '.', '-B', nativeDir, '-DCMAKE_BUILD_TYPE=Release', '-DCMAKE_CXX_COMPILER=clang++'])) {
    return `cmake configure failed:\n${log.join('').slice(-2000)}`;
  }
  if (!run(['--build', nativeDir, '--target', 'logitlab_bench', '-j2'])) {
    const text = log.join('');
    const first = text.split('\n').find((l) => /error/i.test(l)) ?? '';
    return `native build failed: ${first.trim()}\n${text.slice(-3000)}`;
  }
  return null;
}

// glibc returns freed blocks of 128 KB or more to the kernel, so each fresh result array (a 200 KB Float32Array for
// 50,257 classes) is new memory to fault in; in a VM where a page fault is expensive, that costs 0.3-3 ms a call and
// swamps every plain-call figure (logitlab, tfjs, onnxruntime-web and the JS loop alike) with the kernel's page-fault
// time. Raised thresholds keep freed blocks for reuse, as a long-running browser's allocator does. --system-malloc
// measures with glibc's defaults instead.
const TIME_BUDGET_S = 540;  // stop adding processes before `npm run bench` could pass 10 minutes
const REUSE_MEMORY = { MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20), MALLOC_TRIM_THRESHOLD_: String(2 ** 30) };

function runProcess(cmd, args, label, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'], timeout: 300_000,
    env: { ...process.env, ...env } });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`${label} failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  return seconds;
}

// The CPU as /proc/cpuinfo names it, with the x86 family/model and widest vector extension when known.
function cpuName() {
  const model = os.cpus()[0]?.model?.trim() ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (k) => info.match(new RegExp(`^${k}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
    const flags = ` ${field('flags') ?? ''} `;
    const vec = flags.includes(' avx512f ') ? 'AVX-512' : flags.includes(' avx2 ') ? 'AVX2' : null;
    const fam = field('cpu family');
    return [model, fam && `family ${fam} model ${field('model')}`, vec].filter(Boolean).join(', ');
  } catch {
    return model;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpuName(),
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function git() {
  const commit = firstLine('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  let dirty = false;
  try {
    dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim() !== '';
  } catch {}
  return dirty ? `${commit} (src/ modified)` : commit;
}

function replot() {
  const saved = JSON.parse(readFileSync(path.join(here, 'bench-results.json'), 'utf8'));
  const agg = new Map(saved.cells.map((c) => [`${c.workload}|${c.peer}`,
    { ...c, error: c.error === 'Infinity' ? Infinity : c.error, failures: c.failures ?? [] }]));
  writeFileSync(path.join(here, 'results.md'), markdown(agg, saved.targets, saved.meta));
  writeFileSync(path.join(here, 'chart.svg'), svg(agg, saved.meta));
  console.log(consoleTable(agg));
}

async function main() {
  if (process.argv.includes('--replot')) return replot();
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const simdWasm = path.join(root, 'dist/logitlab-simd.wasm');
  if (!existsSync(path.join(root, 'dist/logitlab.js')) || !existsSync(simdWasm)) {
    console.error('bench: dist/ is missing; run `npm run build` (or `npm run bench`, which builds first)');
    process.exit(1);
  }

  let nativeProblem = null;
  if (args.native) {
    console.log('bench: building the native benchmark (build/bench-native)');
    nativeProblem = buildNative();
    if (nativeProblem) console.warn(`bench: native figures skipped: ${nativeProblem}`);
  } else {
    nativeProblem = 'skipped (--no-native)';
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'logitlab-bench-'));
  const common = ['--rep-ms', String(args.repMs), '--warm-ms', String(args.warmMs), '--rounds', String(args.rounds)];
  const processes = [];
  const workerResults = [];
  const env = args.systemMalloc ? {} : REUSE_MEMORY;
  try {
    for (let p = 0; p < args.processes; ++p) {
      const out = path.join(tmp, `worker-${p}.json`);
      const extra = args.only ? ['--only', args.only] : [];
      const s = runProcess(process.execPath, [path.join(here, 'worker.js'), ...common, ...extra, out], 'worker', env);
      const result = JSON.parse(readFileSync(out, 'utf8'));
      workerResults.push(result);
      processes.push(result);
      let line = `bench: process ${p + 1}/${args.processes}: JS/WebAssembly peers ${s.toFixed(0)} s`;
      if (!nativeProblem) {
        const nativeOut = path.join(tmp, `native-${p}.json`);
        const n = runProcess(nativeExe, [...common, nativeOut], 'native benchmark', env);
        processes.push(JSON.parse(readFileSync(nativeOut, 'utf8')));
        line += `, native ${n.toFixed(0)} s`;
      }
      console.log(line);
      const elapsed = (performance.now() - started) / 1000;
      if (p + 1 < args.processes && elapsed + elapsed / (p + 1) > TIME_BUDGET_S) {
        console.warn(`bench: stopping after ${p + 1} processes to stay within ${TIME_BUDGET_S} s`);
        args.processes = p + 1;
        args.stoppedEarly = true;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const first = workerResults[0];
  const agg = aggregate(processes);
  const gzipBytes = gzipSync(readFileSync(simdWasm), { level: 9 }).length;
  const memory = workerResults.map((r) => r.memory);
  const list = targets(agg, { memory, gzipBytes });
  const seconds = (performance.now() - started) / 1000;
  const date = new Date().toISOString();
  const m = machine();
  const versions = {
    ...first.versions,
    emscripten: `Emscripten ${firstLine('em++', ['--version']).match(/\d+\.\d+\.\d+/)?.[0] ?? 'unknown'}`,
    nativeCompiler: nativeProblem ? 'n/a' : firstLine('clang++', ['--version']),
    git: git(),
  };
  const missing = { ...first.missing, ...(nativeProblem ? { native: nativeProblem.split('\n')[0] } : {}) };
  const busy = busyFactor(agg);
  const clock = first.clock === 'thread-cpu'
    ? `Times are CPU time of the measuring thread, so other work on the machine does not inflate them (wall time was ` +
      `${busy?.toFixed(2)}× that, median over cells: ` +
      `${busy > 1.15 ? 'the machine was busy' : 'the machine was quiet'}).`
    : 'Times are wall-clock time.';
  const summary = [
    `Measured ${date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu} (${m.cores} cores, ${m.os}), one thread per peer.`,
    `Node ${versions.node} (V8 ${versions.v8}); logitlab ${versions.logitlab} (git ${versions.git}), ` +
      `built with ${versions.emscripten}; ` +
      `@tensorflow/tfjs-backend-wasm ${versions.tfjs ?? 'n/a'} (SIMD, single-threaded); ` +
      `onnxruntime-web ${versions.ort ?? 'n/a'} ` +
      `(wasm, numThreads = 1); native: ${versions.nativeCompiler}, -O3 -march=native.`,
    `${args.processes} fresh process${args.processes > 1 ? 'es' : ''} × ${args.rounds} round-robin rounds; ` +
      'each timed repetition ' +
      `≥ ${args.repMs} ms of warm calls` +
      `${args.systemMalloc ? '' : '; glibc keeps freed memory for reuse (see run.js)'}. ` +
      `${args.quick ? 'Quick mode: indicative only. ' : ''}` +
      `${args.stoppedEarly ? 'Stopped early (time budget). ' : ''}` +
      `Whole run: ${seconds.toFixed(0)} s.`,
    clock,
    ...Object.entries(missing).map(([k, v]) => `Not measured: ${k} (${v}).`),
  ].join('\n');
  const meta = { summary, processes: args.processes,
    chartCaption: `${m.cpu}, Node ${versions.node}, ${date.slice(0, 10)}; logitlab ${versions.logitlab}, ` +
      `tfjs ${versions.tfjs ?? '–'}, ort-web ${versions.ort ?? '–'}` };

  const cells = [...agg.values()].map(({ failures, ...c }) => ({ ...c,
    error: Number.isFinite(c.error) ? c.error : 'Infinity',
    ...(failures.length ? { failures } : {}) }));
  writeFileSync(path.join(here, 'bench-results.json'), JSON.stringify({
    date, machine: m, versions, config: args, seconds, clock: first.clock, busyFactor: busy, missing, gzipBytes, memory,
      meta,
    tfjsTensorLeak: workerResults.map((r) => r.tfjsTensorLeak), targets: list, cells,
  }, null, 1) + '\n');
  writeFileSync(path.join(here, 'results.md'), markdown(agg, list, meta));
  writeFileSync(path.join(here, 'chart.svg'), svg(agg, meta));

  console.log(`\n${summary}\n\nns per logit (median) and max relative error against float64:\n`);
  console.log(consoleTable(agg));
  console.log('\nTargets of issue 4 (ratio = logitlab time / peer time, same run):');
  for (const t of list) {
    const verdict = t.met === null ? 'n/a' : t.met ? 'met' : 'NOT MET';
    console.log(`  ${verdict.padEnd(7)} ${t.name}: ${t.measured} (target ${t.target})${t.note ? `  [${t.note}]` : ''}`);
  }
  const leaks = workerResults.map((r) => r.tfjsTensorLeak).filter((n) => n);
  if (leaks.length) console.log(`  warning: tfjs tensors leaked during timing: ${leaks.join(', ')}`);
  const failed = cells.filter((c) => c.failures);
  for (const c of failed) console.log(`  failed: ${c.workload} ${c.peer}: ${c.failures[0]}`);
  console.log('\nWrote tests/bench/bench-results.json, tests/bench/results.md, tests/bench/chart.svg ' +
    `(${seconds.toFixed(0)} s).`);
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
