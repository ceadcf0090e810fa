// One benchmark process: loads every JS/WebAssembly peer, checks each peer's output on each workload against the
// float64 reference, then times all cells round-robin (every cell once per round, rounds rotated), warm, each timed
// repetition long enough to swamp timer noise. Each repetition is timed by this thread's CPU time (wall time where
// there is no thread clock) and by wall time; the CPU time is the figure reported, as it does not count time spent
// descheduled. Writes its figures as JSON to the path given as the last argument.
//
//   node tests/bench/worker.js [--rep-ms 40] [--warm-ms 200] [--rounds 7] [--only id,id] out.json
import { writeFileSync } from 'node:fs';
import { threadCpuClock } from './clock.js';
import { loadPeers, PEERS } from './peers.js';
import { logitsOf, makeInput, maxRelativeError, reference, WORKLOADS } from './workloads.js';

function parseArgs(argv) {
  const a = { repMs: 40, warmMs: 200, rounds: 7, only: null, out: null };
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    if (k === '--rep-ms') a.repMs = Number(argv[++i]);
    else if (k === '--warm-ms') a.warmMs = Number(argv[++i]);
    else if (k === '--rounds') a.rounds = Number(argv[++i]);
    else if (k === '--only') a.only = argv[++i].split(',');
    else a.out = k;
  }
  return a;
}

const SAMPLE_DRAWS = 64;
let sink = 0;  // results flow here so no call is dead code

let cpuClock = null;

// Runs a cell `iterations` times; returns { wall, cpu } in ms (cpu = wall where there is no thread clock).
async function repeat(cell, iterations) {
  const c0 = cpuClock?.();
  const t0 = performance.now();
  if (cell.async) {
    for (let i = 0; i < iterations; ++i) sink ^= (await cell.run()) ? 1 : 0;
  } else {
    for (let i = 0; i < iterations; ++i) sink ^= cell.run() ? 1 : 0;
  }
  const wall = performance.now() - t0;
  return { wall, cpu: cpuClock ? (cpuClock() - c0) / 1e6 : wall };
}

async function verify(cell, workload, ref) {
  if (workload.op === 'sample') {
    let inside = 0;
    for (let s = 1; s <= SAMPLE_DRAWS; ++s) {
      const index = await cell.draw(s);
      if (Number.isInteger(index) && ref.allowed[index]) ++inside;
    }
    return { error: inside === SAMPLE_DRAWS ? 0 : Infinity, check: `${inside}/${SAMPLE_DRAWS} draws in the nucleus` };
  }
  const got = await cell.output();
  return { error: maxRelativeError(workload, got, ref) };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  cpuClock = await threadCpuClock();
  const { makers, versions, missing, labs } = await loadPeers();

  // Build the cells and check them before any timing.
  const cells = [];
  for (const workload of WORKLOADS) {
    const input = makeInput(workload);
    const ref = reference(workload, input);
    for (const peer of PEERS) {
      const make = makers[peer.id];
      if (!make || (args.only && !args.only.includes(peer.id))) continue;
      const cell = make(workload, input);
      if (!cell) continue;
      const entry = { workload: workload.id, peer: peer.id, logits: logitsOf(workload), cell };
      try {
        Object.assign(entry, await verify(cell, workload, ref));
      } catch (e) {
        entry.error = Infinity;
        entry.failure = String(e?.message ?? e);
      }
      if (workload.op === 'sample' && workload.id.includes('topp')) entry.nucleus = ref.size;
      cells.push(entry);
    }
  }

  // Warm each cell (JIT tier-up, scratch buffers grown) and size its repetition.
  for (const c of cells) {
    if (c.failure) continue;
    let calls = 0;
    let elapsed = 0;
    while (elapsed < args.warmMs || calls < 5) {
      const n = Math.max(1, calls);
      elapsed += (await repeat(c.cell, n)).wall;
      calls += n;
    }
    c.iterations = Math.max(1, Math.round(args.repMs / (elapsed / calls)));
  }
  const memoryBefore = { simd: labs.simd.memoryBytes, scalar: labs.scalar.memoryBytes };
  const tensorsBefore = versions.tfjsNumTensors?.();

  const timed = cells.filter((c) => !c.failure);
  for (const c of timed) {
    c.ns = [];
    c.wallNs = [];
  }
  for (let round = 0; round < args.rounds; ++round) {
    const offset = Math.floor((round * timed.length) / args.rounds);
    for (let k = 0; k < timed.length; ++k) {
      const c = timed[(k + offset) % timed.length];
      const { wall, cpu } = await repeat(c.cell, c.iterations);
      c.ns.push((cpu * 1e6) / c.iterations / c.logits);
      c.wallNs.push((wall * 1e6) / c.iterations / c.logits);
    }
  }

  const memoryAfter = { simd: labs.simd.memoryBytes, scalar: labs.scalar.memoryBytes };
  const tensorsAfter = versions.tfjsNumTensors?.();
  delete versions.tfjsNumTensors;
  const result = {
    versions,
    missing,
    clock: cpuClock ? 'thread-cpu' : 'wall',
    memory: { before: memoryBefore, after: memoryAfter },
    tfjsTensorLeak: tensorsBefore === undefined ? null : tensorsAfter - tensorsBefore,
    seconds: (performance.now() - started) / 1000,
    sink,
    cells: cells.map(({ cell, ...rest }) =>
      ({ ...rest, error: Number.isFinite(rest.error) ? rest.error : 'Infinity' })),
  };
  writeFileSync(args.out, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  },
);
