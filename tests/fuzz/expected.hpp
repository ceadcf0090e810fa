// Which inputs each core function should refuse (the Errors of the header's contract), and the fuzzers' arguments as
// the tests' float64 reference (tests/common/reference.hpp) takes them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

#include "logitlab.hpp"
#include "reference.hpp"
#include "splitmix64.hpp"

namespace fuzz {

// The oracle's own loops need no coverage feedback (it steers by the core's branches and the decoders'), and
// instrumenting them would slow every run several times over.
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))

using logitlab::Error;

// A set of Error codes, as a bit mask.
using Errors = uint64_t;
inline Errors bit(Error e) { return Errors{1} << static_cast<int>(e); }

// Every rule of the header's contract that the batch breaks (empty when valid).
FUZZ_NO_COVERAGE inline Errors batch_errors(std::span<const float> z, std::size_t rows, float temperature,
                                            bool check_temperature = true) {
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
      if (std::isnan(v))
        e |= bit(Error::logit_nan);
      else if (v == INFINITY)
        e |= bit(Error::logit_pos_inf);
      if (v != -INFINITY) all_masked = false;
    }
    if (all_masked) e |= bit(Error::row_all_masked);
  }
  return e;
}

// The arguments of cross_entropy, cross_entropy_grad and fit_temperature.
struct CrossEntropyArgs {
  std::span<const float> z;
  std::size_t rows = 1;
  float temperature = 1;
  std::span<const int32_t> indices;  // used when probabilities is empty
  std::span<const float> probabilities;
  int reduction = 0;  // 0 mean, 1 sum, 2 none
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
      if (!entries_ok)
        e |= bit(Error::soft_target_invalid);
      else if (std::fabs(sum - 1.0) > 1e-3)
        e |= bit(Error::soft_target_sum);
    }
  } else {
    if (a.indices.size() != a.rows) return e | bit(Error::target_count);
    for (int32_t y : a.indices)
      if (y != a.ignore_index && (y < 0 || static_cast<std::size_t>(y) >= C)) e |= bit(Error::target_out_of_range);
  }
  return e;
}

// The reference's cross-entropy of valid arguments.
FUZZ_NO_COVERAGE inline ref::CeParts cross_entropy_ref(const CrossEntropyArgs& a) {
  ref::CeTargets t{{a.indices.begin(), a.indices.end()}, {a.probabilities.begin(), a.probabilities.end()}};
  if (!t.soft.empty()) t.indices.clear();
  ref::CeOptions o;
  o.reduction = static_cast<ref::Reduction>(a.reduction);
  o.smoothing = a.label_smoothing;
  o.ignore_index = a.ignore_index;
  o.weight.assign(a.weight.begin(), a.weight.end());
  return ref::cross_entropy_parts(a.z.data(), a.rows, a.z.size() / a.rows, a.temperature, t, o);
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

// The reference's sampling filters for valid options: the kept set, and the range of kept-set sizes rounding allows.
FUZZ_NO_COVERAGE inline ref::Kept sample_ref(std::span<const float> z, const logitlab::SampleOptions& o) {
  ref::SampleOptions r;
  r.temperature = o.temperature;
  r.top_k = o.top_k;
  r.top_p = o.top_p;
  r.min_p = o.min_p;
  r.penalty = o.repetition_penalty;
  r.history.assign(o.history.begin(), o.history.end());
  r.temperature_last = o.temperature_last;
  return ref::sample_distribution(z, r);
}

// The sampler's first uniform draw for a seed.
FUZZ_NO_COVERAGE inline double first_uniform(uint32_t seed) { return ref::SplitMix64(seed).uniform(); }

}  // namespace fuzz
