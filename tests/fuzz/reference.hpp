// The fuzzers' float64 reference: what each core function should return for the same float inputs, written from the
// definitions (PyTorch semantics, API.md) rather than from the core's code, and which inputs it should refuse.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

#include "logitlab.hpp"

namespace fuzz {

// The oracle's own loops need no coverage feedback (it steers by the core's branches and the decoders'), and
// instrumenting them would slow every run several times over.
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))

using logitlab::Error;

// A set of Error codes, as a bit mask.
using Errors = uint64_t;
inline Errors bit(Error e) { return Errors{1} << static_cast<int>(e); }

// Every rule of the header's contract that the batch breaks (empty when valid).
FUZZ_NO_COVERAGE inline Errors batch_errors(std::span<const float> z, std::size_t rows, float temperature, bool check_temperature = true) {
  Errors e = 0;
  if (z.empty()) e |= bit(Error::empty_logits);
  if (rows == 0) e |= bit(Error::rows_invalid);
  if (rows != 0 && z.size() % rows != 0) e |= bit(Error::rows_mismatch);
  // Normal floats only (the core's choice: 1 / T must be finite too, so subnormal temperatures are refused).
  if (check_temperature && !(std::isnormal(temperature) && temperature > 0)) e |= bit(Error::temperature_invalid);
  if (e & (bit(Error::empty_logits) | bit(Error::rows_invalid) | bit(Error::rows_mismatch))) return e;
  const std::size_t C = z.size() / rows;
  for (std::size_t r = 0; r < rows; ++r) {
    bool all_masked = true;
    for (std::size_t c = 0; c < C; ++c) {
      const float v = z[r * C + c];
      if (std::isnan(v)) e |= bit(Error::logit_nan);
      else if (v == INFINITY) e |= bit(Error::logit_pos_inf);
      if (v != -INFINITY) all_masked = false;
    }
    if (all_masked) e |= bit(Error::row_all_masked);
  }
  return e;
}

// One row's softmax quantities in double, from the same float logits and temperature.
struct RowRef {
  double max = 0;                    // the largest logit
  std::vector<double> x;             // (z - max) / T, -inf where masked
  double sum = 0;                    // sum exp(x)
  double lse = 0;                    // max / T + log sum
  std::vector<double> p, logp;       // probabilities, log-probabilities
  double entropy = 0;
};

FUZZ_NO_COVERAGE inline RowRef row_ref(const float* z, std::size_t C, float temperature) {
  RowRef r;
  const double T = temperature;
  r.max = -INFINITY;
  for (std::size_t c = 0; c < C; ++c) r.max = std::max(r.max, static_cast<double>(z[c]));
  r.x.resize(C);
  for (std::size_t c = 0; c < C; ++c) r.x[c] = z[c] == -INFINITY ? -INFINITY : (z[c] - r.max) / T;
  for (double v : r.x) r.sum += std::exp(v);
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

// Cross-entropy in double with torch.nn.functional.cross_entropy's semantics (API.md).
struct CrossEntropyArgs {
  std::span<const float> z;
  std::size_t rows = 1;
  float temperature = 1;
  std::span<const int32_t> indices;      // used when probabilities is empty
  std::span<const float> probabilities;
  int reduction = 0;                      // 0 mean, 1 sum, 2 none
  float label_smoothing = 0;
  int32_t ignore_index = -100;
  std::span<const float> weight;
};

FUZZ_NO_COVERAGE inline Errors cross_entropy_errors(const CrossEntropyArgs& a) {
  Errors e = batch_errors(a.z, a.rows, a.temperature);
  if (a.reduction < 0 || a.reduction > 2) e |= bit(Error::reduction_invalid);
  if (!(a.label_smoothing >= 0 && a.label_smoothing <= 1)) e |= bit(Error::label_smoothing_invalid);
  if (a.z.empty() || a.rows == 0 || a.z.size() % a.rows != 0) return e;
  const std::size_t C = a.z.size() / a.rows;
  if (!a.weight.empty()) {
    if (a.weight.size() != C) e |= bit(Error::weight_length);
    for (float w : a.weight)
      if (!(std::isfinite(w) && w >= 0)) e |= bit(Error::weight_invalid);
  }
  if (!a.probabilities.empty()) {
    if (a.probabilities.size() != a.rows * C) return e | bit(Error::soft_target_length);
    for (std::size_t r = 0; r < a.rows; ++r) {
      double sum = 0;
      bool entries_ok = true;
      for (std::size_t c = 0; c < C; ++c) {
        const float t = a.probabilities[r * C + c];
        if (!(std::isfinite(t) && t >= 0)) entries_ok = false;
        sum += t;
      }
      if (!entries_ok) e |= bit(Error::soft_target_invalid);
      else if (std::fabs(sum - 1.0) > 1e-3) e |= bit(Error::soft_target_sum);
    }
  } else {
    if (a.indices.size() != a.rows) return e | bit(Error::target_count);
    for (int32_t y : a.indices)
      if (y != a.ignore_index && (y < 0 || static_cast<std::size_t>(y) >= C)) e |= bit(Error::target_out_of_range);
  }
  return e;
}

struct CrossEntropyRef {
  std::vector<double> row_loss;          // each row's own loss (0 when ignored)
  std::vector<uint8_t> ignored;
  double denominator = 1;                // of 'mean'
  double loss = 0;                       // mean or sum (unused for none)
  std::vector<double> grad;              // d(loss)/dz for the chosen reduction
  std::vector<double> grad_scale;        // per row: sum_k w_k t'_k / (T d), the size of the gradient's p term
  std::vector<RowRef> refs;
};

FUZZ_NO_COVERAGE inline CrossEntropyRef cross_entropy_ref(const CrossEntropyArgs& a) {
  CrossEntropyRef out;
  const std::size_t rows = a.rows, C = a.z.size() / rows;
  const double eps = a.label_smoothing, T = a.temperature;
  const bool soft = !a.probabilities.empty();
  auto w = [&](std::size_t c) { return a.weight.empty() ? 1.0 : static_cast<double>(a.weight[c]); };
  // t'_c: the smoothed target of row r.
  auto target = [&](std::size_t r, std::size_t c) {
    const double y = soft ? a.probabilities[r * C + c] : (static_cast<std::size_t>(a.indices[r]) == c ? 1.0 : 0.0);
    return (1 - eps) * y + eps / static_cast<double>(C);
  };
  out.row_loss.assign(rows, 0.0);
  out.ignored.assign(rows, 0);
  out.grad.assign(rows * C, 0.0);
  out.grad_scale.assign(rows, 0.0);
  double d = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    out.refs.push_back(row_ref(a.z.data() + r * C, C, a.temperature));
    out.ignored[r] = !soft && a.indices[r] == a.ignore_index;
    if (out.ignored[r]) continue;
    d += soft ? 1.0 : w(static_cast<std::size_t>(a.indices[r]));
    const RowRef& ref = out.refs[r];
    double loss = 0;
    for (std::size_t c = 0; c < C; ++c) {
      const double coef = w(c) * target(r, c);
      if (coef != 0) loss += coef * -ref.logp[c];  // 0 * log 0 counts as 0
    }
    out.row_loss[r] = loss;
  }
  out.denominator = a.reduction == 0 ? d : 1.0;
  double total = 0;
  for (double v : out.row_loss) total += v;
  out.loss = a.reduction == 0 ? (d == 0 ? 0.0 : total / d) : total;
  for (std::size_t r = 0; r < rows; ++r) {
    if (out.ignored[r] || out.denominator == 0) continue;
    double mass = 0;
    for (std::size_t c = 0; c < C; ++c) mass += w(c) * target(r, c);
    const double k = 1.0 / (T * out.denominator);
    out.grad_scale[r] = mass * k;
    for (std::size_t c = 0; c < C; ++c)
      out.grad[r * C + c] = (out.refs[r].p[c] * mass - w(c) * target(r, c)) * k;
  }
  return out;
}

// The order the sampling filters keep classes in: larger value first, then lower index.
FUZZ_NO_COVERAGE inline std::vector<int32_t> sorted_classes(const std::vector<double>& s) {
  std::vector<int32_t> order;
  for (std::size_t c = 0; c < s.size(); ++c)
    if (s[c] != -INFINITY) order.push_back(static_cast<int32_t>(c));
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return s[a] > s[b]; });
  return order;
}

FUZZ_NO_COVERAGE inline Errors sample_errors(std::span<const float> z, const logitlab::SampleOptions& o) {
  Errors e = batch_errors(z, 1, o.temperature);
  if (z.empty()) return e;
  const std::size_t C = z.size();
  if (o.top_k > C) e |= bit(Error::k_invalid);
  if (!(o.top_p > 0 && o.top_p <= 1)) e |= bit(Error::top_p_invalid);
  if (!(o.min_p >= 0 && o.min_p <= 1)) e |= bit(Error::min_p_invalid);
  if (!(std::isfinite(o.repetition_penalty) && o.repetition_penalty > 0)) e |= bit(Error::repetition_penalty_invalid);
  for (int32_t t : o.history)
    if (t < 0 || static_cast<std::size_t>(t) >= C) e |= bit(Error::history_out_of_range);
  return e;
}

// What the sampling filters must keep: the kept set is a prefix of `order` whose length lies in [min_keep, max_keep]
// (the ends differ only where a probability sits on a top-p or min-p boundary within rounding).
struct SampleRef {
  std::vector<double> scaled;     // logits after penalty and temperature
  std::vector<double> filtered;   // the values the filters compare (before temperature when temperature_last)
  std::vector<int32_t> order;     // unmasked classes, best first
  std::size_t min_keep = 0, max_keep = 0;
};

FUZZ_NO_COVERAGE inline SampleRef sample_ref(std::span<const float> z, const logitlab::SampleOptions& o) {
  SampleRef out;
  const std::size_t C = z.size();
  std::vector<double> s(z.begin(), z.end());
  std::vector<uint8_t> penalised(C, 0);
  for (int32_t t : o.history) penalised[t] = 1;
  for (std::size_t c = 0; c < C; ++c)
    if (penalised[c] && o.repetition_penalty != 1.0f)
      s[c] = s[c] > 0 ? s[c] / o.repetition_penalty : s[c] * o.repetition_penalty;
  out.scaled = s;
  for (double& v : out.scaled) v /= o.temperature;
  out.filtered = o.temperature_last ? s : out.scaled;
  out.order = sorted_classes(out.filtered);
  const std::size_t n = out.order.size();
  std::size_t k0 = o.top_k > 0 ? std::min(o.top_k, n) : n;
  // weights relative to the best class
  std::vector<double> w(k0);
  for (std::size_t i = 0; i < k0; ++i) w[i] = std::exp(out.filtered[out.order[i]] - out.filtered[out.order[0]]);
  std::size_t p_lo = k0, p_hi = k0;
  if (o.top_p < 1.0f) {
    double total = 0;
    for (double v : w) total += v;
    auto shortest = [&](double goal) {
      double cum = 0;
      std::size_t i = 0;
      for (; i < k0 && cum < goal; ++i) cum += w[i];
      return std::max<std::size_t>(i, 1);
    };
    p_lo = shortest(o.top_p * total * (1 - 1e-9));
    p_hi = shortest(o.top_p * total * (1 + 1e-9));
  }
  std::size_t m_lo = k0, m_hi = k0;
  if (o.min_p > 0.0f) {
    m_lo = m_hi = 0;
    for (std::size_t i = 0; i < k0; ++i) {
      if (w[i] >= o.min_p * (1 + 1e-9)) ++m_lo;
      if (w[i] >= o.min_p * (1 - 1e-9)) ++m_hi;
    }
  }
  out.min_keep = std::min(p_lo, m_lo);
  out.max_keep = std::min(p_hi, m_hi);
  return out;
}

// The sampler's generator, SplitMix64, as the core documents it: uniform doubles with 53 bits from a 32-bit seed.
FUZZ_NO_COVERAGE inline double first_uniform(uint32_t seed) {
  uint64_t z = static_cast<uint64_t>(seed) + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1p-53;
}

}  // namespace fuzz
