// The "tuned JS" peer: what a careful developer writes over Float32Arrays without WebAssembly. Monomorphic typed-array
// loops, max subtraction, one fused exp + store + sum pass, sums in double (JS numbers), Math.exp (accurate), four
// independent accumulators where a loop is a plain reduction, and O(C) selection instead of a sort for top-p.

function rowMax(x, s, e) {
  let m0 = -Infinity, m1 = -Infinity, m2 = -Infinity, m3 = -Infinity;
  let i = s;
  for (; i + 3 < e; i += 4) {
    const a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
    if (a > m0) m0 = a;
    if (b > m1) m1 = b;
    if (c > m2) m2 = c;
    if (d > m3) m3 = d;
  }
  for (; i < e; ++i) if (x[i] > m0) m0 = x[i];
  return Math.max(m0, m1, m2, m3);
}

function rowExpSum(x, s, e, max) {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = s;
  for (; i + 3 < e; i += 4) {
    s0 += Math.exp(x[i] - max);
    s1 += Math.exp(x[i + 1] - max);
    s2 += Math.exp(x[i + 2] - max);
    s3 += Math.exp(x[i + 3] - max);
  }
  for (; i < e; ++i) s0 += Math.exp(x[i] - max);
  return s0 + s1 + s2 + s3;
}

// softmax of each row of x (rows × C) into a new Float32Array.
export function softmax(x, rows, C) {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; ++r) {
    const s = r * C, e = s + C;
    const max = rowMax(x, s, e);
    let sum = 0;
    for (let i = s; i < e; ++i) {
      const v = Math.exp(x[i] - max);
      out[i] = v;
      sum += v;
    }
    const inv = 1 / sum;
    for (let i = s; i < e; ++i) out[i] *= inv;
  }
  return out;
}

export function logSoftmax(x, rows, C) {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; ++r) {
    const s = r * C, e = s + C;
    const max = rowMax(x, s, e);
    const lse = max + Math.log(rowExpSum(x, s, e, max));
    for (let i = s; i < e; ++i) out[i] = x[i] - lse;
  }
  return out;
}

// Mean cross-entropy with class-index targets: mean over rows of logSumExp(row) - row[target]; no probabilities stored.
export function crossEntropy(x, targets, rows, C) {
  let total = 0;
  for (let r = 0; r < rows; ++r) {
    const s = r * C, e = s + C;
    const max = rowMax(x, s, e);
    total += max + Math.log(rowExpSum(x, s, e, max)) - x[s + targets[r]];
  }
  return total / rows;
}

// Top-p sampling from one row: weights exp(x - max), then a quickselect on probability mass finds the nucleus (the
// smallest set of largest weights reaching topP of the total) in expected O(C) without sorting, then one draw.
export function makeSampler(C) {
  const w = new Float64Array(C);
  const idx = new Int32Array(C);
  return function sample(x, topP, random) {
    const max = rowMax(x, 0, C);
    let total = 0;
    for (let i = 0; i < C; ++i) {
      const v = Math.exp(x[i] - max);
      w[i] = v;
      total += v;
      idx[i] = i;
    }
    const goal = topP * total;
    // idx[0, lo) is in the nucleus with mass `acc` < goal; the boundary lies within idx[lo, hi).
    let lo = 0, hi = C, acc = 0, keep = C;
    while (hi > lo) {
      const pivot = w[idx[lo + ((random() * (hi - lo)) | 0)]];
      // Three-way partition of idx[lo, hi): [lo, a) above the pivot, [a, b) equal, [b, hi) below.
      let a = lo, b = lo, c = hi, above = 0, equal = 0;
      while (b < c) {
        const k = idx[b], v = w[k];
        if (v > pivot) {
          idx[b] = idx[a];
          idx[a++] = k;
          ++b;
          above += v;
        } else if (v < pivot) {
          idx[b] = idx[--c];
          idx[c] = k;
        } else {
          ++b;
          equal += v;
        }
      }
      if (acc + above >= goal) {
        hi = a;
      } else if (acc + above + equal >= goal) {
        keep = Math.min(b, a + Math.max(1, Math.ceil((goal - acc - above) / pivot)));
        break;
      } else {
        acc += above + equal;
        lo = b;
        keep = b;
      }
    }
    if (hi <= lo) keep = Math.max(lo, 1);
    let mass = 0;
    for (let i = 0; i < keep; ++i) mass += w[idx[i]];
    const u = random() * mass;
    let cum = 0;
    for (let i = 0; i < keep; ++i) {
      cum += w[idx[i]];
      if (u < cum) return idx[i];
    }
    return idx[keep - 1];
  };
}
