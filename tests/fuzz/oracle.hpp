// The fuzzers' oracle: either the core refuses the input with an error the input really has, or the result obeys the
// invariants, matches the float64 reference within the header's documented accuracy, and the SIMD kernels match
// their scalar twins. A broken rule prints what broke (function, row, class, values) and aborts, which libFuzzer
// records as a crash with the input that caused it.
#pragma once

#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "exp_scalar.hpp"  // kExp2Cutoff: where the unmasked kernels stop being valid
#include "expected.hpp"
#include "kernels.hpp"
#include "logitlab.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const char* format, ...) {
  std::fprintf(stderr, "\n*** ORACLE FAILURE: ");
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n");
  std::abort();
}

#define FUZZ_CHECK(cond, ...)               \
  do {                                      \
    if (!(cond)) ::fuzz::fail(__VA_ARGS__); \
  } while (0)

constexpr float kSentinel = -12345.678f;
constexpr double kFloatMax = std::numeric_limits<float>::max();

FUZZ_NO_COVERAGE inline bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Bitwise equality of two float arrays (NaN-aware, empty-safe): inputs must come back untouched.
FUZZ_NO_COVERAGE inline bool unchanged(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

FUZZ_NO_COVERAGE inline bool all_sentinel(std::span<const float> v) {
  for (float x : v)
    if (!same_bits(x, kSentinel)) return false;
  return true;
}

// The Status must be exactly one of the errors the input has, and present exactly when it has one.
FUZZ_NO_COVERAGE inline void check_status(const char* fn, const logitlab::Status& s, Errors expected) {
  if (s.ok()) {
    FUZZ_CHECK(expected == 0, "%s accepted invalid input (expected error mask 0x%" PRIx64 ")", fn, expected);
    return;
  }
  FUZZ_CHECK(expected != 0, "%s refused valid input with error %d (row %zu, index %zu, value %g)", fn,
             static_cast<int>(s.error), s.row, s.index, s.value);
  FUZZ_CHECK(expected & bit(s.error),
             "%s reported error %d, which the input does not have (expected mask 0x%" PRIx64 ")", fn,
             static_cast<int>(s.error), expected);
}

// The Status names the offending logit: for NaN/+Infinity the element at (row, index) is one; for an all-masked row,
// that row is entirely -Infinity.
FUZZ_NO_COVERAGE inline void check_status_location(const char* fn, const logitlab::Status& s, std::span<const float> z,
                                                   std::size_t C) {
  if (s.error == Error::logit_nan || s.error == Error::logit_pos_inf) {
    FUZZ_CHECK(C > 0 && s.index < C && s.row * C + s.index < z.size(), "%s: error location (%zu, %zu) out of range", fn,
               s.row, s.index);
    const float v = z[s.row * C + s.index];
    FUZZ_CHECK(s.error == Error::logit_nan ? std::isnan(v) : v == INFINITY,
               "%s: error %d names logit (row %zu, class %zu) = %g", fn, static_cast<int>(s.error), s.row, s.index, v);
  } else if (s.error == Error::row_all_masked) {
    for (std::size_t c = 0; c < C; ++c)
      FUZZ_CHECK(z[s.row * C + c] == -INFINITY, "%s: row %zu reported all -Infinity, but class %zu is %g", fn, s.row, c,
                 z[s.row * C + c]);
  }
}

// got vs a double reference, allowing abs + rel * |want|; values beyond float range must come back infinite with the
// reference's sign, and values beyond half of it may (two roundings near the end of the range can overflow).
FUZZ_NO_COVERAGE inline bool close(double got, double want, double abs, double rel) {
  if (std::isnan(got) || std::isnan(want)) return false;
  if (std::isinf(want) || std::fabs(want) > kFloatMax * (1 + 1e-6)) return got == (want > 0 ? INFINITY : -INFINITY);
  if (std::isinf(got) && std::fabs(want) > 0.5 * kFloatMax) return (got > 0) == (want > 0);
  return std::fabs(got - want) <= abs + rel * std::fabs(want);
}

// The header's accuracy: probabilities within 1e-6 + 2e-5 |p|; log-values and losses within 2e-5 max(1, |L|).
FUZZ_NO_COVERAGE inline bool prob_close(double got, double want) { return close(got, want, 1e-6, 2e-5); }
FUZZ_NO_COVERAGE inline bool log_close(double got, double want) { return close(got, want, 2e-5, 2e-5); }

// Every kernel in kernels::kSimd against its scalar twin in kernels::kScalar on one validated row (finite or -Infinity,
// not all -Infinity). Bitwise where both do the same IEEE operations; within rounding where sums run in another order
// or the vector exp uses fused multiply-adds.
FUZZ_NO_COVERAGE inline void check_twins(const float* row, std::size_t n, float max, float temperature) {
  namespace k = logitlab::kernels;
  const k::Kernels& v = k::kSimd;
  const k::Kernels& s = k::kScalar;
  const float inv_t = 1.0f / temperature;
  // Both compute u = (z - max) k and its split u = n + f with the same IEEE operations; the vector polynomial and final
  // step use fused multiply-adds where the target has them (native x86), the scalar twin rounded products: a few ulps
  // (exp_scalar.hpp documents the bound).
  auto exp_rel = [&](std::size_t) { return 4e-7; };
  auto exp_close = [&](float a, float b, std::size_t i) {
    return same_bits(a, b) ||
           std::fabs(static_cast<double>(a) - b) <= exp_rel(i) * std::fabs(static_cast<double>(b)) + 1e-38;
  };
  // Float sums over blocks of kBlock with `acc` independent accumulators (1 for exp_moments' scalar twin, 4 otherwise)
  // err by at most about (terms per accumulator) * 2^-24 * sum |term|, each side; the rest is elementwise exp error.
  const double u = 0x1p-24, per_acc = static_cast<double>(std::min(n, k::kBlock));
  auto sum_close = [&](double a, double b, double abs_sum, double exp_err, double acc) {
    return a == b || std::fabs(a - b) <= 2 * (per_acc / acc + 2) * u * abs_sum + exp_err + 1e-30;
  };

  const k::MaxScan ms = v.max_scan(row, n), ss = s.max_scan(row, n);
  // == rather than bits: which of 0 and -0 a lane-wise max keeps is unspecified, and the sign of a zero max changes
  // no result (z - max is the same).
  FUZZ_CHECK(ms.max == ss.max && ms.min == ss.min && ms.has_nan == ss.has_nan,
             "max_scan: simd (max %g, min %g, nan %d) vs scalar (max %g, min %g, nan %d), n=%zu", ms.max, ms.min,
             ms.has_nan, ss.max, ss.min, ss.has_nan, n);
  // The kernels' domain: 1 / T and log2(e) / T finite, as for every normal T the public functions accept.
  if (!std::isfinite(k::exp2_factor(inv_t)) || inv_t <= 0) return;
  // The unmasked variants are valid only where every x is above the exp cut-off (no -inf, no underflow).
  const bool unmasked = k::exp2_arg(ss.min, max, k::exp2_factor(inv_t)) >= k::kExp2Cutoff;

  // Scalar exps and the sizes the tolerances need.
  std::vector<float> e(n);
  s.exp_scale(row, e.data(), n, max, inv_t, 1.0f);
  double e_sum = 0, e_err = 0, ex_sum = 0, ex_err = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (e[i] == 0.0f) continue;  // masked or underflowed: no term (and x may be -inf)
    const double x = (row[i] - max) * inv_t, ex = std::fabs(e[i] * x);
    e_sum += e[i];
    e_err += exp_rel(i) * e[i];
    ex_sum += ex;
    ex_err += exp_rel(i) * ex;
  }

  std::vector<float> a(n), b(n);
  struct SumKernel {
    const char* name;
    double (*simd)(const float*, std::size_t, float, float);
    double (*scalar)(const float*, std::size_t, float, float);
    bool valid;
  };
  for (const SumKernel& f : {SumKernel{"exp_sum", v.exp_sum, s.exp_sum, true},
                             SumKernel{"exp_sum_unmasked", v.exp_sum_unmasked, s.exp_sum_unmasked, unmasked}}) {
    if (!f.valid) continue;
    const double x = f.simd(row, n, max, inv_t), y = f.scalar(row, n, max, inv_t);
    FUZZ_CHECK(sum_close(x, y, e_sum, e_err, 4), "%s: simd %.9g vs scalar %.9g, n=%zu max=%g T=%g", f.name, x, y, n,
               max, temperature);
  }
  struct StoreKernel {
    const char* name;
    double (*simd)(const float*, float*, std::size_t, float, float);
    double (*scalar)(const float*, float*, std::size_t, float, float);
    bool valid;
  };
  for (const StoreKernel& f :
       {StoreKernel{"exp_store_sum", v.exp_store_sum, s.exp_store_sum, true},
        StoreKernel{"exp_store_sum_unmasked", v.exp_store_sum_unmasked, s.exp_store_sum_unmasked, unmasked}}) {
    if (!f.valid) continue;
    const double x = f.simd(row, a.data(), n, max, inv_t), y = f.scalar(row, b.data(), n, max, inv_t);
    FUZZ_CHECK(sum_close(x, y, e_sum, e_err, 4), "%s: simd %.9g vs scalar %.9g, n=%zu", f.name, x, y, n);
    for (std::size_t i = 0; i < n; ++i)
      FUZZ_CHECK(exp_close(a[i], b[i], i), "%s[%zu]: simd %.9g vs scalar %.9g (x=%g), n=%zu", f.name, i, a[i], b[i],
                 (row[i] - max) * inv_t, n);
  }
  struct ScaleKernel {
    const char* name;
    void (*simd)(const float*, float*, std::size_t, float, float, float);
    void (*scalar)(const float*, float*, std::size_t, float, float, float);
    bool valid;
  };
  for (const ScaleKernel& f :
       {ScaleKernel{"exp_scale", v.exp_scale, s.exp_scale, true},
        ScaleKernel{"exp_scale_unmasked", v.exp_scale_unmasked, s.exp_scale_unmasked, unmasked}}) {
    if (!f.valid) continue;
    f.simd(row, a.data(), n, max, inv_t, 0.37f);
    f.scalar(row, b.data(), n, max, inv_t, 0.37f);
    for (std::size_t i = 0; i < n; ++i)
      FUZZ_CHECK(exp_close(a[i], b[i], i), "%s[%zu]: simd %.9g vs scalar %.9g (x=%g), n=%zu", f.name, i, a[i], b[i],
                 (row[i] - max) * inv_t, n);
  }

  const k::ExpMoments mv = v.exp_moments(row, n, max, inv_t), mw = s.exp_moments(row, n, max, inv_t);
  FUZZ_CHECK(sum_close(mv.sum, mw.sum, e_sum, e_err, 1) && sum_close(mv.weighted, mw.weighted, ex_sum, ex_err, 1),
             "exp_moments: simd (%.9g, %.9g) vs scalar (%.9g, %.9g), n=%zu", mv.sum, mv.weighted, mw.sum, mw.weighted,
             n);

  v.scale(row, a.data(), n, inv_t);
  s.scale(row, b.data(), n, inv_t);
  for (std::size_t i = 0; i < n; ++i)
    FUZZ_CHECK(same_bits(a[i], b[i]), "scale[%zu]: simd %.9g vs scalar %.9g, n=%zu", i, a[i], b[i], n);

  v.shift_scale(row, a.data(), n, max, inv_t, 0.25f);
  s.shift_scale(row, b.data(), n, max, inv_t, 0.25f);
  for (std::size_t i = 0; i < n; ++i)
    FUZZ_CHECK(same_bits(a[i], b[i]), "shift_scale[%zu]: simd %.9g vs scalar %.9g, n=%zu", i, a[i], b[i], n);

  // axpy takes weights: use the row's own exps (finite, >= 0, some exactly 0).
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = static_cast<float>(i % 7) - 3.0f;
  v.axpy(e.data(), a.data(), n, -0.5f);
  s.axpy(e.data(), b.data(), n, -0.5f);
  for (std::size_t i = 0; i < n; ++i)
    FUZZ_CHECK(same_bits(a[i], b[i]), "axpy[%zu]: simd %.9g vs scalar %.9g, n=%zu", i, a[i], b[i], n);
}

// Twins on the first and last valid rows of a batch (enough to cover every row length and tail).
FUZZ_NO_COVERAGE inline void check_twins_batch(std::span<const float> z, std::size_t rows, float temperature) {
  if (rows == 0 || z.empty() || z.size() % rows) return;
  const std::size_t C = z.size() / rows;
  for (std::size_t r : {std::size_t{0}, rows - 1}) {
    const float* row = z.data() + r * C;
    float max = -INFINITY;
    bool valid = true;
    for (std::size_t c = 0; c < C; ++c) {
      if (std::isnan(row[c]) || row[c] == INFINITY)
        valid = false;
      else
        max = std::max(max, row[c]);
    }
    if (valid && max != -INFINITY)
      check_twins(row, C, max, temperature);
    else
      check_twins(row, C, 0.0f, -1.0f);  // max_scan only
  }
}

// A row of probabilities: each in [0, 1], summing to 1, each matching the reference.
FUZZ_NO_COVERAGE inline void check_probability_row(const char* fn, std::size_t r, const float* p, const ref::Row& ref) {
  const std::size_t C = ref.p.size();
  double sum = 0;
  for (std::size_t c = 0; c < C; ++c) {
    FUZZ_CHECK(p[c] >= 0.0f && p[c] <= 1.0f, "%s: p[row %zu, class %zu] = %g outside [0, 1] (C=%zu)", fn, r, c, p[c],
               C);
    FUZZ_CHECK(prob_close(p[c], ref.p[c]), "%s: p[row %zu, class %zu] = %.9g, reference %.9g (x=%g, C=%zu)", fn, r, c,
               p[c], ref.p[c], ref.x[c], C);
    sum += p[c];
  }
  FUZZ_CHECK(std::fabs(sum - 1.0) <= 3e-5, "%s: row %zu sums to %.9g (C=%zu)", fn, r, sum, C);
}

}  // namespace fuzz
