// The tests' one double-precision reference for the core (the Catch2 suite, the fuzzers' oracle and the native
// benchmark use it), written from the formulas of shared/API.md (softmax of z / T, PyTorch's cross_entropy, the
// sampling filters in their documented order), never from the implementation: plain loops in double with max
// subtraction, so it is exact to ~1e-15 where float results are checked to ~1e-6.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

// A fuzzer that includes this needs no coverage feedback from the reference (it steers by the core's branches), and
// instrumenting its loops would slow every run several times over.
#if defined(__clang__)
#define REF_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define REF_NO_COVERAGE
#endif

namespace ref {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// The largest entry of a row (-inf for an all-masked row).
template <class F>
REF_NO_COVERAGE double row_max(const F* z, std::size_t C) {
  double m = -kInf;
  for (std::size_t c = 0; c < C; ++c) m = std::max(m, static_cast<double>(z[c]));
  return m;
}

// One row's softmax quantities at temperature T.
struct Row {
  double max = -kInf;           // the largest logit
  std::vector<double> x;        // (z - max) / T, -inf where masked
  double sum = 0;               // sum exp(x): masked classes add exp(-inf) = 0
  double lse = 0;               // log sum exp(z / T) = max / T + log sum
  std::vector<double> p, logp;  // probabilities; log-probabilities x - log sum, -inf exactly where z is -inf
  double entropy = 0;           // -sum p log p in nats; a class of probability 0 contributes 0
};

template <class F>
REF_NO_COVERAGE Row row(const F* z, std::size_t C, double T) {
  Row r;
  r.max = row_max(z, C);
  r.x.resize(C);
  for (std::size_t c = 0; c < C; ++c) {
    const double v = static_cast<double>(z[c]);
    r.x[c] = v == -kInf ? -kInf : (v - r.max) / T;
    r.sum += std::exp(r.x[c]);
  }
  const double log_sum = std::log(r.sum);
  r.lse = r.max / T + log_sum;
  r.p.resize(C);
  r.logp.resize(C);
  for (std::size_t c = 0; c < C; ++c) {
    r.p[c] = std::exp(r.x[c]) / r.sum;
    r.logp[c] = r.x[c] - log_sum;
    if (r.p[c] > 0) r.entropy -= r.p[c] * r.logp[c];
  }
  return r;
}

template <class F>
double log_sum_exp(const F* z, std::size_t C, double T) {
  return row(z, C, T).lse;
}

template <class F>
std::vector<double> softmax(const F* z, std::size_t C, double T) {
  return row(z, C, T).p;
}

template <class F>
std::vector<double> log_softmax(const F* z, std::size_t C, double T) {
  return row(z, C, T).logp;
}

template <class F>
double entropy(const F* z, std::size_t C, double T) {
  return row(z, C, T).entropy;
}

// torch.nn.functional.cross_entropy(z / T, target, reduction, label_smoothing, ignore_index, weight).
enum class Reduction { mean, sum, none };
struct CeOptions {
  Reduction reduction = Reduction::mean;
  double smoothing = 0;
  int32_t ignore_index = -100;
  std::vector<double> weight;  // empty: every class weighs 1
};
struct CeTargets {
  std::vector<int32_t> indices;  // one per row, or empty when soft is given
  std::vector<double> soft;      // rows * C probabilities
};

REF_NO_COVERAGE inline bool ignored(const CeTargets& t, const CeOptions& o, std::size_t r) {
  return t.soft.empty() && t.indices[r] == o.ignore_index;
}

REF_NO_COVERAGE inline double class_weight(const CeOptions& o, std::size_t c) {
  return o.weight.empty() ? 1.0 : o.weight[c];
}

// Row r's loss is sum_c a_c (-log p_c) with a_c = w_c ((1 - eps) y_c + eps / C), y the one-hot or soft target. This is
// PyTorch's (1 - eps) nll(w) + eps / C sum_c w_c (-log p_c) for index targets, and its weighted soft-target loss.
REF_NO_COVERAGE inline std::vector<double> coefficients(const CeTargets& t, const CeOptions& o, std::size_t r,
                                                        std::size_t C) {
  std::vector<double> a(C);
  for (std::size_t c = 0; c < C; ++c) {
    const double y = t.soft.empty() ? (static_cast<std::size_t>(t.indices[r]) == c ? 1.0 : 0.0) : t.soft[r * C + c];
    a[c] = class_weight(o, c) * ((1 - o.smoothing) * y + o.smoothing / static_cast<double>(C));
  }
  return a;
}

// What 'mean' divides by: the counted rows' target-class weights (index targets), the row count (soft targets).
REF_NO_COVERAGE inline double mean_denominator(const CeTargets& t, const CeOptions& o, std::size_t rows) {
  if (!t.soft.empty()) return static_cast<double>(rows);
  double d = 0;
  for (std::size_t r = 0; r < rows; ++r)
    if (!ignored(t, o, r)) d += class_weight(o, static_cast<std::size_t>(t.indices[r]));
  return d;
}

// Everything of one cross-entropy call.
struct CeParts {
  std::vector<double> row_loss;  // each row's own loss (0 when ignored)
  std::vector<uint8_t> ignored;
  double denominator = 1;          // what the reduction divides by: mean_denominator for 'mean', else 1
  std::vector<double> loss;        // rows values for 'none', one for 'mean' / 'sum'
  std::vector<double> grad;        // d(loss)/dz w.r.t. the raw logits, for the reduction
  std::vector<double> grad_scale;  // per row: sum_k a_k / (T d), the size of the gradient's p term
  std::vector<Row> rows;
};

// Row losses sum_c a_c (-log p_c) (a zero coefficient contributes 0 even on a masked class: 0 log 0 = 0); a 'mean'
// over nothing counted is 0 (API.md), not NaN. The analytic gradient: d/dz_c of sum_k a_k (-log p_k) is
// (p_c sum_k a_k - a_c) / T, divided by the denominator for 'mean'; 0 for ignored rows.
template <class F>
REF_NO_COVERAGE CeParts cross_entropy_parts(const F* z, std::size_t rows, std::size_t C, double T, const CeTargets& t,
                                            const CeOptions& o) {
  CeParts out;
  out.row_loss.assign(rows, 0.0);
  out.ignored.assign(rows, 0);
  out.grad.assign(rows * C, 0.0);
  out.grad_scale.assign(rows, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    out.rows.push_back(row(z + r * C, C, T));
    out.ignored[r] = ignored(t, o, r);
    if (out.ignored[r]) continue;
    const std::vector<double> a = coefficients(t, o, r, C);
    for (std::size_t c = 0; c < C; ++c)
      if (a[c] != 0) out.row_loss[r] -= a[c] * out.rows[r].logp[c];
  }
  const double total = std::accumulate(out.row_loss.begin(), out.row_loss.end(), 0.0);
  const double d = mean_denominator(t, o, rows);
  out.denominator = o.reduction == Reduction::mean ? d : 1.0;
  if (o.reduction == Reduction::none)
    out.loss = out.row_loss;
  else
    out.loss = {o.reduction == Reduction::sum ? total : d == 0 ? 0.0 : total / d};
  if (out.denominator == 0) return out;
  for (std::size_t r = 0; r < rows; ++r) {
    if (out.ignored[r]) continue;
    const std::vector<double> a = coefficients(t, o, r, C);
    const double k = 1.0 / (T * out.denominator);
    out.grad_scale[r] = std::accumulate(a.begin(), a.end(), 0.0) * k;
    for (std::size_t c = 0; c < C; ++c) out.grad[r * C + c] = out.rows[r].p[c] * out.grad_scale[r] - a[c] * k;
  }
  return out;
}

template <class F>
std::vector<double> cross_entropy(const F* z, std::size_t rows, std::size_t C, double T, const CeTargets& t,
                                  const CeOptions& o) {
  return cross_entropy_parts(z, rows, C, T, t, o).loss;
}

template <class F>
std::vector<double> cross_entropy_grad(const F* z, std::size_t rows, std::size_t C, double T, const CeTargets& t,
                                       const CeOptions& o) {
  return cross_entropy_parts(z, rows, C, T, t, o).grad;
}

// The k largest values, largest first, ties to the lower index.
REF_NO_COVERAGE inline std::vector<int32_t> top_k(const std::vector<float>& z, std::size_t k) {
  std::vector<int32_t> order(z.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return z[a] > z[b]; });
  order.resize(k);
  return order;
}

// sample(): repetition penalty, temperature, top-k, top-p, min-p (temperature after the filters when temperature_last),
// then the distribution over the kept set.
struct SampleOptions {
  double temperature = 1;
  std::size_t top_k = 0;
  double top_p = 1, min_p = 0, penalty = 1;
  std::vector<int32_t> history;
  bool temperature_last = false;
};
// What the filters keep. Exactly: `kept` and `p`. Up to rounding: a prefix of `order` whose length lies in
// [min_keep, max_keep], the lengths when top-p's goal and min-p's bound move by a relative `slack` (they differ only
// where a probability sits on a boundary).
struct Kept {
  std::vector<uint8_t> kept;   // 1 for kept classes
  std::vector<double> p;       // renormalised over the kept set, 0 elsewhere
  std::vector<double> scaled;  // logits after penalty and temperature
  std::vector<int32_t> order;  // unmasked classes by the value the filters compare, best first, ties to lower index
  std::size_t min_keep = 0, max_keep = 0;
};

// The probabilities `sample` draws from over a kept set given as flags: softmax of `scaled` over it.
REF_NO_COVERAGE inline std::vector<double> kept_probabilities(const std::vector<double>& scaled,
                                                              std::span<const uint8_t> kept) {
  double m = -kInf, total = 0;
  for (std::size_t c = 0; c < scaled.size(); ++c)
    if (kept[c]) m = std::max(m, scaled[c]);
  std::vector<double> p(scaled.size(), 0.0);
  for (std::size_t c = 0; c < scaled.size(); ++c)
    if (kept[c]) total += p[c] = std::exp(scaled[c] - m);
  for (double& v : p) v /= total;
  return p;
}

// How many of the best classes (weights w relative to the best, best first) top-p keeps: the shortest prefix whose
// weight reaches `goal`; and how many min-p keeps: those of weight at least `bound`.
REF_NO_COVERAGE inline std::size_t top_p_keep(const std::vector<double>& w, double goal) {
  double cum = 0;
  std::size_t i = 0;
  for (; i < w.size() && cum < goal; ++i) cum += w[i];
  return std::max<std::size_t>(i, 1);
}
REF_NO_COVERAGE inline std::size_t min_p_keep(const std::vector<double>& w, double bound) {
  std::size_t n = 0;
  for (double v : w) n += v >= bound;
  return n;
}

REF_NO_COVERAGE inline Kept sample_distribution(std::span<const float> z, const SampleOptions& o, double slack = 1e-9) {
  const std::size_t C = z.size();
  std::vector<double> s(z.begin(), z.end());
  std::vector<uint8_t> penalised(C, 0);
  for (int32_t token : o.history) penalised[token] = 1;  // each token once, however often it appears
  for (std::size_t c = 0; c < C; ++c)
    if (penalised[c]) s[c] = s[c] > 0 ? s[c] / o.penalty : s[c] * o.penalty;
  Kept k;
  k.scaled = s;
  for (double& v : k.scaled) v /= o.temperature;
  const std::vector<double>& filtered = o.temperature_last ? s : k.scaled;

  for (std::size_t c = 0; c < C; ++c)
    if (filtered[c] != -kInf) k.order.push_back(static_cast<int32_t>(c));
  std::stable_sort(k.order.begin(), k.order.end(), [&](int32_t a, int32_t b) { return filtered[a] > filtered[b]; });
  const std::size_t k0 = o.top_k > 0 ? std::min(o.top_k, k.order.size()) : k.order.size();
  std::vector<double> w(k0);  // relative to the best class
  for (std::size_t i = 0; i < k0; ++i) w[i] = std::exp(filtered[k.order[i]] - filtered[k.order[0]]);
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  auto keep = [&](double f) {
    const std::size_t by_p = o.top_p < 1 ? top_p_keep(w, o.top_p * total * f) : k0;
    const std::size_t by_min = o.min_p > 0 ? min_p_keep(w, o.min_p / f) : k0;
    return std::min(by_p, by_min);
  };
  k.min_keep = keep(1 - slack);
  k.max_keep = keep(1 + slack);
  k.kept.assign(C, 0);
  for (std::size_t i = 0, n = keep(1); i < n; ++i) k.kept[k.order[i]] = 1;
  k.p = kept_probabilities(k.scaled, k.kept);
  return k;
}

// Mean cross-entropy of softmax(z / T) against index targets (rows with a negative target not counted).
REF_NO_COVERAGE inline double mean_nll(const std::vector<float>& z, std::size_t rows, const std::vector<int32_t>& y,
                                       double T) {
  double total = 0;
  std::size_t n = 0;
  const std::size_t C = z.size() / rows;
  for (std::size_t r = 0; r < rows; ++r) {
    if (y[r] < 0) continue;
    total += log_sum_exp(z.data() + r * C, C, T) - z[r * C + y[r]] / T;
    ++n;
  }
  return n ? total / static_cast<double>(n) : 0.0;
}

// The T in [lo, hi] minimising mean_nll: golden-section search on b = 1 / T, where the loss is convex.
REF_NO_COVERAGE inline double fit_temperature(const std::vector<float>& z, std::size_t rows,
                                              const std::vector<int32_t>& y, double lo = 1e-3, double hi = 1e3) {
  const double g = (std::sqrt(5.0) - 1) / 2;
  double a = 1 / hi, b = 1 / lo;
  auto f = [&](double beta) { return mean_nll(z, rows, y, 1 / beta); };
  double x1 = b - g * (b - a), x2 = a + g * (b - a), f1 = f(x1), f2 = f(x2);
  for (int it = 0; it < 200 && b - a > 1e-12 * b; ++it) {
    if (f1 < f2) {
      b = x2, x2 = x1, f2 = f1, x1 = b - g * (b - a), f1 = f(x1);
    } else {
      a = x1, x1 = x2, f1 = f2, x2 = a + g * (b - a), f2 = f(x2);
    }
  }
  return 2 / (a + b);
}

}  // namespace ref
