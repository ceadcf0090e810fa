// Compares two builds of logitlab call by call: the benchmark's logitlab cells (both builds, plain call, `out`,
// `alloc`) and small calls whose cost is the JS/WebAssembly boundary (a 6-token row, as the lessons use), each build
// timed in the same process, interleaved round by round. The figure per cell is the median over processes of each
// process's ratio new / old (each the ratio of the medians over rounds), so load and JIT luck hit both builds alike.
//
//   node tests/bench/compare.js OLD_DIST NEW_DIST [--processes 5] [--rounds 9] [--rep-ms 30] [--only id,id]
// OLD_DIST and NEW_DIST are folders holding a built logitlab.js and its .wasm files (e.g. a copy of dist/).
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { threadCpuClock } from './clock.js';
import { logitlabCells } from './peers.js';
import { makeInput, WORKLOADS } from './workloads.js';

const MODES = ['plain', 'out', 'alloc'];
// As run.js: glibc keeps freed blocks for reuse, so a plain call's fresh result array is not new memory to fault in.
const REUSE_MEMORY = { MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20), MALLOC_TRIM_THRESHOLD_: String(2 ** 30) };
const SIX = [2.1, -0.4, 1.3, 0.2, -1.7, 0.9];  // the sampling lesson's size of row
const LESSON_SAMPLING = { temperature: 0.8, topK: 4, topP: 0.95, minP: 0.02, temperatureLast: false };

function parseArgs(argv) {
  const a = { processes: 5, rounds: 9, repMs: 30, warmMs: 100, only: null, dirs: [], child: false };
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    if (k === '--processes') a.processes = Number(argv[++i]);
    else if (k === '--rounds') a.rounds = Number(argv[++i]);
    else if (k === '--rep-ms') a.repMs = Number(argv[++i]);
    else if (k === '--warm-ms') a.warmMs = Number(argv[++i]);
    else if (k === '--only') a.only = argv[++i].split(',');
    else if (k === '--child') a.child = true;
    else a.dirs.push(k);
  }
  return a;
}

// Calls of a handful of logits: the per-call cost of checking, marshalling and crossing into WebAssembly.
function smallCells(lab) {
  const z = Float32Array.from(SIX);
  let seed = 0;
  return {
    'sample-6-lesson': () => lab.sample(z, { ...LESSON_SAMPLING, seed: seed++ >>> 0 }),
    'sample-6-plain': () => lab.sample(z, { seed: seed++ >>> 0 }),
    'softmax-6': () => lab.softmax(z),
    'logSumExp-6': () => lab.logSumExp(z),
    'crossEntropy-6': () => lab.crossEntropy(z, 2),
    'crossEntropyGrad-6': () => lab.crossEntropyGrad(z, 2, { labelSmoothing: 0.1 }),
    'topK-6': () => lab.topK(z, 3),
    'fitTemperature-2x6': () => lab.fitTemperature([...SIX, ...SIX], [0, 2], { rows: 2 }),
    'trace-6': () => lab.trace(z, { temperature: 0.8, target: 2, ...LESSON_SAMPLING, history: [1] }),
  };
}

// Every cell of one lab: id -> () => result.
function cellsOf(lab, build) {
  const cells = {};
  for (const w of WORKLOADS) {
    const input = makeInput(w);
    for (const mode of MODES) {
      const cell = logitlabCells(lab, mode)(w, input);
      if (cell) cells[`${w.id} ${build} ${mode}`] = cell.run;
    }
  }
  for (const [id, run] of Object.entries(smallCells(lab))) cells[`${id} ${build}`] = run;
  return cells;
}

let sink = 0;
function repeat(clock, run, n) {
  const t0 = clock();
  for (let i = 0; i < n; ++i) sink ^= run() ? 1 : 0;
  return clock() - t0;
}

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

// One process: both builds loaded, every cell timed old, new (or new, old: alternating by round), round by round.
async function child(a) {
  const cpu = await threadCpuClock();
  const clock = cpu ?? (() => performance.now() * 1e6);
  const sides = [];
  for (const dir of a.dirs) {
    const { createLogitLab } = await import(pathToFileURL(`${dir}/logitlab.js`).href);
    const simd = await createLogitLab({ simd: true });
    const scalar = await createLogitLab({ simd: false });
    sides.push({ ...cellsOf(simd, 'simd'), ...cellsOf(scalar, 'scalar') });
  }
  let ids = Object.keys(sides[0]).filter((id) => id in sides[1]);
  if (a.only) ids = ids.filter((id) => a.only.some((o) => id.startsWith(o)));
  const plan = ids.map((id) => {
    const runs = sides.map((s) => s[id]);
    let calls = 0;
    let ns = 0;
    while (ns < a.warmMs * 1e6 || calls < 5) {
      for (const run of runs) ns += repeat(clock, run, Math.max(1, calls)) / 2;
      calls += Math.max(1, calls);
    }
    return { id, runs, iterations: Math.max(1, Math.round((a.repMs * 1e6) / (ns / calls))), ns: [[], []] };
  });
  for (let round = 0; round < a.rounds; ++round) {
    for (const p of plan) {
      for (const k of round % 2 ? [1, 0] : [0, 1]) p.ns[k].push(repeat(clock, p.runs[k], p.iterations) / p.iterations);
    }
  }
  const result = Object.fromEntries(plan.map((p) => [p.id, [median(p.ns[0]), median(p.ns[1])]]));
  process.stdout.write(JSON.stringify({ clock: cpu ? 'thread-cpu' : 'wall', sink, result }));
}

function parent(a) {
  const processes = [];
  for (let p = 0; p < a.processes; ++p) {
    const args = [new URL(import.meta.url).pathname, '--child', '--rounds', String(a.rounds),
      '--rep-ms', String(a.repMs), '--warm-ms', String(a.warmMs), ...(a.only ? ['--only', a.only.join(',')] : []),
      ...a.dirs];
    const env = { ...process.env, ...REUSE_MEMORY };
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, env });
    if (r.status !== 0) throw new Error(`process ${p + 1} failed:\n${r.stderr}`);
    processes.push(JSON.parse(r.stdout));
    console.error(`compare: process ${p + 1}/${a.processes} done (${processes[p].clock})`);
  }
  const ids = Object.keys(processes[0].result);
  const rows = ids.map((id) => {
    const per = processes.map((p) => p.result[id]);
    const ratios = per.map(([o, n]) => n / o);
    return { id, old: median(per.map((x) => x[0])), new: median(per.map((x) => x[1])), ratio: median(ratios), ratios };
  });
  const us = (ns) => (ns / 1000).toFixed(ns < 10_000 ? 3 : 1);
  console.log(`| call | old µs/call | new µs/call | new / old (median of ${a.processes} processes) | per process |`);
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) {
    const ratios = r.ratios.map((x) => x.toFixed(3)).join(' ');
    console.log(`| ${r.id} | ${us(r.old)} | ${us(r.new)} | ${r.ratio.toFixed(3)} | ${ratios} |`);
  }
  const worst = rows.reduce((w, r) => (r.ratio > w.ratio ? r : w));
  console.log(`\nworst: ${worst.id} ${worst.ratio.toFixed(3)}`);
}

const args = parseArgs(process.argv.slice(2));
if (args.dirs.length !== 2) {
  console.error('usage: node tests/bench/compare.js OLD_DIST NEW_DIST [--processes 5] [--rounds 9] [--rep-ms 30]');
  process.exit(2);
}
if (args.child) await child(args);
else parent(args);
