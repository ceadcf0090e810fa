// Turns the per-process figures into the results: medians across processes, the issue's target ratios, the markdown
// table, the console table and the SVG chart.
import { PEERS } from './peers.js';
import { WORKLOADS } from './workloads.js';

export const ERROR_BOUND = 2e-5;
export const GZIP_BUDGET = 60_000;  // bytes: "60 KB", read strictly

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

// cells: the `cells` of every process (worker and native) -> Map "workload|peer" -> aggregated cell.
export function aggregate(processes) {
  const byKey = new Map();
  processes.forEach((p, index) => {
    for (const c of p.cells) {
      const key = `${c.workload}|${c.peer}`;
      let a = byKey.get(key);
      if (!a) {
        a = { workload: c.workload, peer: c.peer, logits: c.logits, perProcess: [], processIndex: [],
          bestPerProcess: [], wallPerProcess: [], error: 0, failures: [] };
        byKey.set(key, a);
      }
      const error = c.error === 'Infinity' ? Infinity : c.error;
      a.error = Math.max(a.error, error);
      if (c.check) a.check = c.check;
      if (c.nucleus) a.nucleus = c.nucleus;
      if (c.failure) a.failures.push(c.failure);
      if (c.ns?.length) {
        a.perProcess.push(median(c.ns));
        a.processIndex.push(index);
        a.bestPerProcess.push(Math.min(...c.ns));
        if (c.wallNs?.length) a.wallPerProcess.push(median(c.wallNs));
      }
    }
  });
  for (const a of byKey.values()) {
    if (a.perProcess.length) {
      a.ns = median(a.perProcess);
      a.spread = [Math.min(...a.perProcess), Math.max(...a.perProcess)];
      a.microsecondsPerCall = (a.ns * a.logits) / 1000;
      a.best = Math.min(...a.bestPerProcess);
      if (a.wallPerProcess.length) a.wallNs = median(a.wallPerProcess);
    }
  }
  return byKey;
}

const cellOf = (agg, workload, peer) => agg.get(`${workload}|${peer}`);

// a / b: the median over processes of the ratio measured within each process (both cells ran interleaved there, so
// load and JIT luck hit both alike); the ratio of the medians where the cells never shared a process.
export function ratioOf(a, b) {
  const ratios = [];
  a.processIndex?.forEach((p, i) => {
    const j = b.processIndex?.indexOf(p) ?? -1;
    if (j >= 0) ratios.push(a.perProcess[i] / b.perProcess[j]);
  });
  return ratios.length ? median(ratios) : a.ns / b.ns;
}

// The targets of issue 4, each a ratio of two cells measured in the same run.
const RATIO_TARGETS = [
  ['softmax-1x50257', 'll-simd-out', 'tfjs-kernel', 0.9, 'softmax 1×50,257 into `out` vs tfjs kernel (tensor made)'],
  ['softmax-1x50257', 'll-simd-alloc', 'tfjs-kernel', 0.9, 'softmax 1×50,257 `alloc` vs tfjs kernel (tensor made)'],
  ['softmax-1x262144', 'll-simd-out', 'tfjs-kernel', 0.9, 'softmax 1×262,144 into `out` vs tfjs kernel (tensor made)'],
  ['softmax-1x262144', 'll-simd-alloc', 'tfjs-kernel', 0.9, 'softmax 1×262,144 `alloc` vs tfjs kernel (tensor made)'],
  ['softmax-1x50257', 'll-simd', 'tfjs', 0.6, 'softmax 1×50,257 from a Float32Array vs tfjs, same call'],
  ['softmax-1x1000', 'll-simd', 'tfjs', 0.3, 'softmax 1×1,000 from a Float32Array vs tfjs, same call'],
  ['logsoftmax-1x50257', 'll-simd', 'ort', 0.35, 'log-softmax 1×50,257, plain call vs onnxruntime-web session.run'],
  ['ce-64x50257', 'll-simd', 'ort', 0.4, 'mean cross-entropy 64×50,257, plain call vs onnxruntime-web fused op'],
  ['ce-64x50257', 'll-simd', 'tfjs', 0.1, 'mean cross-entropy 64×50,257 vs tfjs, same call'],
  ['softmax-1x50257', 'll-scalar', 'js', 0.6, 'scalar build, softmax 1×50,257 vs tuned JS'],
];

// How busy the machine was: the median over cells of wall time / CPU time (1 = this benchmark had a core to itself).
export function busyFactor(agg) {
  const r = [...agg.values()].filter((c) => c.ns && c.wallNs).map((c) => c.wallNs / c.ns);
  return r.length ? median(r) : null;
}

export function targets(agg, { memory, gzipBytes }) {
  const list = [];
  for (const [workload, mine, theirs, max, name] of RATIO_TARGETS) {
    const a = cellOf(agg, workload, mine);
    const b = cellOf(agg, workload, theirs);
    if (!a?.ns || !b?.ns) {
      list.push({ name, target: `≤ ${max}`, measured: 'n/a', met: null, note: `${theirs} not measured` });
      continue;
    }
    const ratio = ratioOf(a, b);
    let note = `${fmtNs(a.ns)} vs ${fmtNs(b.ns)} ns/logit`;
    // Where the target is on the plain call, say what the zero-copy `alloc` call reaches as well.
    const alloc = mine === 'll-simd' && cellOf(agg, workload, 'll-simd-alloc');
    if (alloc?.ns) note += `; with \`alloc\` buffers ${ratioOf(alloc, b).toFixed(3)}`;
    list.push({ name, target: `≤ ${max}`, measured: ratio.toFixed(3), ratio, met: ratio <= max, note });
  }
  const mine = [...agg.values()].filter((c) => c.peer.startsWith('ll-'));
  const worst = mine.reduce((w, c) => (c.error > w.error ? c : w), { error: 0 });
  for (const size of ['softmax-1x50257', 'softmax-1x262144']) {
    const errs = mine.filter((c) => c.workload === size).map((c) => c.error);
    const e = Math.max(...errs);
    const label = WORKLOADS.find((w) => w.id === size).label;
    list.push({ name: `${label}: max relative error, every logitlab variant`,
      target: `≤ ${ERROR_BOUND}`, measured: fmtErr(e), met: e <= ERROR_BOUND });
  }
  list.push({ name: 'max relative error, every logitlab cell (both builds, all workloads)', target: `≤ ${ERROR_BOUND}`,
    measured: fmtErr(worst.error), met: worst.error <= ERROR_BOUND,
    note: worst.workload ? `worst: ${worst.workload} ${worst.peer}` : '' });
  const growth = Math.max(...memory.map((m) => Math.max(m.after.simd - m.before.simd,
    m.after.scalar - m.before.scalar)));
  list.push({ name: 'WebAssembly memory growth during the timed calls', target: '0 bytes', measured: `${growth} bytes`,
    met: growth === 0 });
  list.push({ name: 'SIMD .wasm gzipped (gzip -9)', target: `≤ ${GZIP_BUDGET} bytes`, measured: `${gzipBytes} bytes`,
    met: gzipBytes <= GZIP_BUDGET });
  return list;
}

export function fmtNs(ns) {
  if (ns === undefined) return '–';
  if (ns >= 100) return ns.toFixed(0);
  if (ns >= 10) return ns.toFixed(1);
  return ns.toFixed(2);
}

export function fmtErr(e) {
  if (e === undefined) return '–';
  if (!Number.isFinite(e)) return 'WRONG';
  if (e === 0) return '0';
  return e.toExponential(1);
}

const present = (agg) => PEERS.filter((p) => [...agg.values()].some((c) => c.peer === p.id));

function errorCell(c) {
  if (!c) return '–';
  if (c.failures.length) return 'failed';
  if (c.check) return Number.isFinite(c.error) ? `✓ ${c.check.split(' ')[0]}` : `✗ ${c.check.split(' ')[0]}`;
  return fmtErr(c.error);
}

function nucleusNote(agg) {
  const c = [...agg.values()].find((x) => x.nucleus);
  return c ? ` (top-p 0.9 keeps ${c.nucleus.toLocaleString('en-US')} of ${c.logits.toLocaleString('en-US')} classes)`
    : '';
}

export function markdown(agg, list, meta) {
  const peers = present(agg);
  const head = `| work | ${peers.map((p) => p.label).join(' | ')} |\n|---|${peers.map(() => '---:').join('|')}|\n`;
  const rows = (cell) => WORKLOADS.map((w) =>
    `| ${w.label} | ${peers.map((p) => cell(cellOf(agg, w.id, p.id))).join(' | ')} |`).join('\n');
  const speed = head + rows((c) => (c?.ns !== undefined ? fmtNs(c.ns) : '–'));
  const accuracy = head + rows(errorCell);
  const tgt = '| target | measured | goal | met |\n|---|---:|---:|:---:|\n' +
    list.map((t) => `| ${t.name}${t.note ? ` (${t.note})` : ''} | ${t.measured} | ${t.target} | ` +
      `${t.met === null ? 'n/a' : t.met ? 'met' : '**not met**'} |`).join('\n');
  return `# logitlab benchmark results

${meta.summary}

## Time, ns per logit (median over ${meta.processes} process${meta.processes > 1 ? 'es' : ''}; lower is better)

${speed}

## Accuracy: max relative error against float64

Probabilities: |got − ref| / |ref|. Log-probabilities and losses: |got − ref| / max(1, |ref|). \
Sampling: ${'`'}✓ 64/64${'`'}
means every one of 64 seeded draws fell in the float64 top-p nucleus${nucleusNote(agg)}.

${accuracy}

## Targets of issue 4 (ratios from this run: the median over processes of each process's ratio)

${tgt}

![ns per logit, log scale](chart.svg)
`;
}

export function consoleTable(agg) {
  const peers = present(agg);
  const names = peers.map((p) => p.id.replace('ll-', ''));
  const widths = names.map((n) => Math.max(n.length + 2, 9));
  const row = (label, cell) => label.padEnd(21) + peers.map((p, i) => String(cell(p)).padStart(widths[i])).join('');
  const lines = [row('', (p) => names[peers.indexOf(p)])];
  for (const w of WORKLOADS) {
    lines.push(row(w.id, (p) => fmtNs(cellOf(agg, w.id, p.id)?.ns)));
    lines.push(row('  max rel. error', (p) => errorCell(cellOf(agg, w.id, p.id)).replace(/ .*/, '')));
  }
  return lines.join('\n');
}

// Grouped horizontal bars, ns per logit on a log axis, one group per workload.
const CHART_PEERS = [
  ['ll-simd', '#1f6feb', 'logitlab SIMD, plain call'], ['ll-simd-alloc', '#0a3d91', 'logitlab SIMD, alloc buffers'],
  ['ll-scalar', '#7fb2ff', 'logitlab scalar, plain call'], ['js', '#8b949e', 'tuned JS loop'],
  ['tfjs', '#f0883e', 'tfjs-wasm SIMD, from Float32Array'], ['tfjs-kernel', '#bd561d', 'tfjs-wasm SIMD, tensor made'],
  ['ort', '#8957e5', 'onnxruntime-web wasm'], ['native', '#2da44e', 'native C++ (-march=native)'],
];

export function svg(agg, meta) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/`/g, '');
  const peers = CHART_PEERS.filter(([id]) => [...agg.values()].some((c) => c.peer === id && c.ns !== undefined));
  const values = [...agg.values()].map((c) => c.ns).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const left = 210, right = 60, plot = 620, width = left + plot + right;
  const bar = 11, gap = 2, groupGap = 16, titleH = 18;
  const legendH = 22 * Math.ceil(peers.length / 4) + 8;
  const top = 48 + legendH;
  const groupH = titleH + peers.length * (bar + gap) + groupGap;
  const height = top + WORKLOADS.length * groupH + 40;
  const x = (v) => left + (Math.log10(v / lo) / Math.log10(hi / lo)) * plot;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" ` +
    `font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<title>ns per logit, median, log scale</title><rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${left}" y="20" font-size="14" font-weight="600">` +
    'Time per logit (ns, median, log scale; lower is better)</text>');
  out.push(`<text x="${left}" y="36" fill="#57606a">${esc(meta.chartCaption)}</text>`);
  peers.forEach(([, color, label], i) => {
    const lx = left - 200 + (i % 4) * 220, ly = 48 + Math.floor(i / 4) * 22;
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${color}"/>` +
      `<text x="${lx + 17}" y="${ly + 10}">${esc(label)}</text>`);
  });
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v > hi * 1.0001) break;
      const gx = x(v).toFixed(1);
      const stroke = m === 1 ? '#d0d7de' : '#eef1f4';
      out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${height - 34}" stroke="${stroke}"/>`);
      const tick = +v.toPrecision(3);
      out.push(`<text x="${gx}" y="${height - 20}" text-anchor="middle" fill="#57606a">${tick}</text>`);
    }
  }
  WORKLOADS.forEach((w, g) => {
    const gy = top + g * groupH;
    out.push(`<text x="${left}" y="${gy + 12}" font-weight="600">${esc(w.label)}</text>`);
    peers.forEach(([id, color], i) => {
      const c = cellOf(agg, w.id, id);
      const by = gy + titleH + i * (bar + gap);
      const name = PEERS.find((p) => p.id === id).short;
      out.push(`<text x="${left - 8}" y="${by + bar - 2}" text-anchor="end" fill="#57606a">${esc(name)}</text>`);
      if (c?.ns === undefined) {
        out.push(`<text x="${left + 4}" y="${by + bar - 2}" fill="#8c959f">n/a</text>`);
        return;
      }
      const bw = Math.max(1, x(c.ns) - left);
      out.push(`<rect x="${left}" y="${by}" width="${bw.toFixed(1)}" height="${bar}" fill="${color}">` +
        `<title>${esc(name)}: ${fmtNs(c.ns)} ns/logit</title></rect>`);
      out.push(`<text x="${(left + bw + 4).toFixed(1)}" y="${by + bar - 2}">${fmtNs(c.ns)}</text>`);
    });
  });
  out.push(`<text x="${left + plot / 2}" y="${height - 6}" text-anchor="middle" fill="#57606a">ns per logit</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
