// Double-precision reference for the core, written from the formulas of shared/API.md (softmax of z / T, PyTorch's
// cross_entropy, the sampling filters in their documented order), never from the implementation: plain loops in
// double with max subtraction, so it is exact to ~1e-15 where float results are checked to ~1e-6.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace ref {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// The largest entry of a row (-inf for an all-masked row).
template <class F>
double row_max(const F* z, std::size_t C) {
  double m = -kInf;
  for (std::size_t c = 0; c < C; ++c) m = std::max(m, static_cast<double>(z[c]));
  return m;
}

// sum_c exp((z_c - m) / T): masked classes (z = -inf) add exp(-inf) = 0.
template <class F>
double shifted_exp_sum(const F* z, std::size_t C, double T, double m) {
  double s = 0;
  for (std::size_t c = 0; c < C; ++c) s += std::exp((static_cast<double>(z[c]) - m) / T);
  return s;
}

template <class F>
double log_sum_exp(const F* z, std::size_t C, double T) {
  const double m = row_max(z, C);
  return m / T + std::log(shifted_exp_sum(z, C, T, m));
}

template <class F>
std::vector<double> softmax(const F* z, std::size_t C, double T) {
  const double m = row_max(z, C), s = shifted_exp_sum(z, C, T, m);
  std::vector<double> p(C);
  for (std::size_t c = 0; c < C; ++c) p[c] = std::exp((static_cast<double>(z[c]) - m) / T) / s;
  return p;
}

// log p_c = (z_c - m) / T - log sum: -inf exactly where z_c = -inf.
template <class F>
std::vector<double> log_softmax(const F* z, std::size_t C, double T) {
  const double m = row_max(z, C), log_s = std::log(shifted_exp_sum(z, C, T, m));
  std::vector<double> lp(C);
  for (std::size_t c = 0; c < C; ++c) lp[c] = (static_cast<double>(z[c]) - m) / T - log_s;
  return lp;
}

// -sum p log p in nats; a class of probability 0 contributes 0.
template <class F>
double entropy(const F* z, std::size_t C, double T) {
  const std::vector<double> p = softmax(z, C, T), lp = log_softmax(z, C, T);
  double h = 0;
  for (std::size_t c = 0; c < C; ++c)
    if (p[c] > 0) h -= p[c] * lp[c];
  return h;
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

inline bool ignored(const CeTargets& t, const CeOptions& o, std::size_t r) {
  return t.soft.empty() && t.indices[r] == o.ignore_index;
}

inline double class_weight(const CeOptions& o, std::size_t c) { return o.weight.empty() ? 1.0 : o.weight[c]; }

// Row r's loss is sum_c a_c (-log p_c) with a_c = w_c ((1 - eps) y_c + eps / C), y the one-hot or soft target. This is
// PyTorch's (1 - eps) nll(w) + eps / C sum_c w_c (-log p_c) for index targets, and its weighted soft-target loss.
inline std::vector<double> coefficients(const CeTargets& t, const CeOptions& o, std::size_t r, std::size_t C) {
  std::vector<double> a(C);
  for (std::size_t c = 0; c < C; ++c) {
    const double y = t.soft.empty() ? (static_cast<std::size_t>(t.indices[r]) == c ? 1.0 : 0.0) : t.soft[r * C + c];
    a[c] = class_weight(o, c) * ((1 - o.smoothing) * y + o.smoothing / static_cast<double>(C));
  }
  return a;
}

// What 'mean' divides by: the counted rows' target-class weights (index targets), the row count (soft targets).
inline double mean_denominator(const CeTargets& t, const CeOptions& o, std::size_t rows) {
  if (!t.soft.empty()) return static_cast<double>(rows);
  double d = 0;
  for (std::size_t r = 0; r < rows; ++r)
    if (!ignored(t, o, r)) d += class_weight(o, static_cast<std::size_t>(t.indices[r]));
  return d;
}

// Per-row losses (0 for ignored rows). A zero coefficient contributes 0 even on a masked class (0 log 0 = 0).
template <class F>
std::vector<double> cross_entropy_rows(const F* z, std::size_t rows, std::size_t C, double T, const CeTargets& t,
                                       const CeOptions& o) {
  std::vector<double> loss(rows, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    if (ignored(t, o, r)) continue;
    const std::vector<double> lp = log_softmax(z + r * C, C, T), a = coefficients(t, o, r, C);
    for (std::size_t c = 0; c < C; ++c)
      if (a[c] != 0) loss[r] -= a[c] * lp[c];
  }
  return loss;
}

// rows values for 'none', one for 'mean' / 'sum'; a 'mean' over nothing counted is 0 (API.md), not NaN.
template <class F>
std::vector<double> cross_entropy(const F* z, std::size_t rows, std::size_t C, double T, const CeTargets& t,
                                  const CeOptions& o) {
  const std::vector<double> loss = cross_entropy_rows(z, rows, C, T, t, o);
  if (o.reduction == Reduction::none) return loss;
  const double total = std::accumulate(loss.begin(), loss.end(), 0.0);
  if (o.reduction == Reduction::sum) return {total};
  const double d = mean_denominator(t, o, rows);
  return {d == 0 ? 0.0 : total / d};
}

// Analytic gradient w.r.t. the raw logits: d/dz_c of sum_k a_k (-log p_k) is (p_c sum_k a_k - a_c) / T, divided by
// the mean denominator for 'mean'; 0 for ignored rows.
template <class F>
std::vector<double> cross_entropy_grad(const F* z, std::size_t rows, std::size_t C, double T, const CeTargets& t,
                                       const CeOptions& o) {
  std::vector<double> g(rows * C, 0.0);
  const double d = o.reduction == Reduction::mean ? mean_denominator(t, o, rows) : 1.0;
  if (d == 0) return g;
  for (std::size_t r = 0; r < rows; ++r) {
    if (ignored(t, o, r)) continue;
    const std::vector<double> p = softmax(z + r * C, C, T), a = coefficients(t, o, r, C);
    const double total = std::accumulate(a.begin(), a.end(), 0.0);
    for (std::size_t c = 0; c < C; ++c) g[r * C + c] = (p[c] * total - a[c]) / (T * d);
  }
  return g;
}

// The k largest values, largest first, ties to the lower index.
inline std::vector<int32_t> top_k(const std::vector<float>& z, std::size_t k) {
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
struct Kept {
  std::vector<uint8_t> kept;
  std::vector<double> p;  // renormalised over the kept set, 0 elsewhere
};

// softmax of s over the classes with kept[c] set.
inline std::vector<double> kept_softmax(const std::vector<double>& s, const std::vector<uint8_t>& kept) {
  double m = -kInf, total = 0;
  for (std::size_t c = 0; c < s.size(); ++c)
    if (kept[c]) m = std::max(m, s[c]);
  std::vector<double> p(s.size(), 0.0);
  for (std::size_t c = 0; c < s.size(); ++c)
    if (kept[c]) total += p[c] = std::exp(s[c] - m);
  for (double& v : p) v /= total;
  return p;
}

inline Kept sample_distribution(const std::vector<float>& z, const SampleOptions& o) {
  const std::size_t C = z.size();
  std::vector<double> s(z.begin(), z.end());
  std::vector<uint8_t> penalised(C, 0);
  for (int32_t token : o.history) penalised[token] = 1;  // each token once, however often it appears
  for (std::size_t c = 0; c < C; ++c)
    if (penalised[c]) s[c] = s[c] > 0 ? s[c] / o.penalty : s[c] * o.penalty;
  if (!o.temperature_last)
    for (double& v : s) v /= o.temperature;

  // Candidates by decreasing score, ties to the lower index; masked classes never count.
  std::vector<int32_t> order;
  for (std::size_t c = 0; c < C; ++c)
    if (s[c] != -kInf) order.push_back(static_cast<int32_t>(c));
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return s[a] > s[b]; });
  if (o.top_k > 0 && o.top_k < order.size()) order.resize(o.top_k);

  Kept k{std::vector<uint8_t>(C, 0), {}};
  for (int32_t c : order) k.kept[c] = 1;
  if (o.top_p < 1) {
    // The smallest prefix of the most likely tokens whose probability reaches p.
    const std::vector<double> p = kept_softmax(s, k.kept);
    double cum = 0;
    std::size_t n = 0;
    while (n < order.size() && cum < o.top_p) cum += p[order[n++]];
    for (std::size_t i = n; i < order.size(); ++i) k.kept[order[i]] = 0;
  }
  if (o.min_p > 0) {
    const std::vector<double> p = kept_softmax(s, k.kept);
    const double top = *std::max_element(p.begin(), p.end());
    for (std::size_t c = 0; c < C; ++c)
      if (k.kept[c] && p[c] < o.min_p * top) k.kept[c] = 0;
  }
  if (o.temperature_last)
    for (double& v : s) v /= o.temperature;
  k.p = kept_softmax(s, k.kept);
  return k;
}

// Mean cross-entropy of softmax(z / T) against index targets (rows with a negative target not counted).
inline double mean_nll(const std::vector<float>& z, std::size_t rows, const std::vector<int32_t>& y, double T) {
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
inline double fit_temperature(const std::vector<float>& z, std::size_t rows, const std::vector<int32_t>& y,
                              double lo = 1e-3, double hi = 1e3) {
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
