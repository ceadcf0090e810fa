// Scalar twins of the row kernels (see kernels.hpp): what the scalar WebAssembly build runs, and what the tests hold
// the SIMD variants to. The exp they share, with its derivation (range reduction, polynomial, underflow cut-off), is
// in exp_scalar.hpp; exact_exp, for seeded sampling, in exact.hpp. Here: max subtraction, the blocked sums, how NaN and
// -Infinity pass through, and the loops.
#include <algorithm>
#include <cmath>
#include <limits>

#include "exact.hpp"
#include "exp_scalar.hpp"
#include "kernels.hpp"

namespace logitlab::kernels {

MaxScan max_scan_scalar(const float* in, std::size_t n) {
  // NaN compares false both ways, so it never becomes the max; it is flagged separately.
  float max = -std::numeric_limits<float>::infinity();
  float min = std::numeric_limits<float>::infinity();
  bool has_nan = false;
  for (std::size_t i = 0; i < n; ++i) {
    const float v = in[i];
    has_nan |= v != v;
    max = v > max ? v : max;
    min = v < min ? v : min;
  }
  return {max, min, has_nan};
}

// Sums run in float over blocks of kBlock with four independent accumulators, then in double across blocks: the
// float error stays that of a 256-term sum while the loop stays as fast as a plain float loop.
template <typename Term>
static double block_sum(std::size_t n, Term term) {
  double total = 0.0;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    std::size_t i = start;
    for (; i + 4 <= end; i += 4) {
      a0 += term(i);
      a1 += term(i + 1);
      a2 += term(i + 2);
      a3 += term(i + 3);
    }
    for (; i < end; ++i) a0 += term(i);
    total += static_cast<double>((a0 + a1) + (a2 + a3));
  }
  return total;
}

// u = (z - max) * k with k = log2(e) / T, and exp(x) = 2^u (exp_scalar.hpp). Max subtraction makes every u <= 0, so
// exp never overflows; the largest term is exactly 1.
double exp_sum_scalar(const float* in, std::size_t n, float max, float inv_t) {
  const float k = exp2_factor(inv_t);
  return block_sum(n, [&](std::size_t i) { return exp2_nonpositive(exp2_arg(in[i], max, k)); });
}

double exp_store_sum_scalar(const float* in, float* out, std::size_t n, float max, float inv_t) {
  const float k = exp2_factor(inv_t);
  return block_sum(n, [&](std::size_t i) { return out[i] = exp2_nonpositive(exp2_arg(in[i], max, k)); });
}

double exp_sum_unmasked_scalar(const float* in, std::size_t n, float max, float inv_t) {
  const float k = exp2_factor(inv_t);
  return block_sum(n, [&](std::size_t i) { return exp2_unmasked(exp2_arg(in[i], max, k)); });
}

double exp_store_sum_unmasked_scalar(const float* in, float* out, std::size_t n, float max, float inv_t) {
  const float k = exp2_factor(inv_t);
  return block_sum(n, [&](std::size_t i) { return out[i] = exp2_unmasked(exp2_arg(in[i], max, k)); });
}

void exp_scale_unmasked_scalar(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  const float k = exp2_factor(inv_t);
  for (std::size_t i = 0; i < n; ++i) out[i] = exp2_unmasked(exp2_arg(in[i], max, k)) * factor;
}

ExpMoments exp_moments_scalar(const float* in, std::size_t n, float max, float inv_t) {
  const float k = exp2_factor(inv_t);
  double sum = 0.0, weighted = 0.0;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    float s = 0, w = 0;
    for (std::size_t i = start; i < end; ++i) {
      const float u = exp2_arg(in[i], max, k);
      const float e = exp2_nonpositive(u);
      s += e;
      // 0 * -inf would be NaN: a class with probability 0 contributes 0 to the entropy.
      w += e == 0.0f ? 0.0f : e * u;
    }
    sum += s;
    weighted += w;
  }
  // sum e x = ln 2 * sum e u.
  return {sum, weighted * kLn2};
}

void exp_scale_scalar(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  const float k = exp2_factor(inv_t);
  for (std::size_t i = 0; i < n; ++i) out[i] = exp2_nonpositive(exp2_arg(in[i], max, k)) * factor;
}

void scale_scalar(const float* in, float* out, std::size_t n, float factor) {
  for (std::size_t i = 0; i < n; ++i) out[i] = in[i] * factor;
}

void shift_scale_scalar(const float* in, float* out, std::size_t n, float max, float inv_t, float minus) {
  // -inf stays -inf: (-inf - max) * inv_t - minus.
  for (std::size_t i = 0; i < n; ++i) out[i] = (in[i] - max) * inv_t - minus;
}

void axpy_scalar(const float* w, float* out, std::size_t n, float a) {
  for (std::size_t i = 0; i < n; ++i) out[i] += a * w[i];
}

void exact_exp_shift_scalar(const double* s, double max, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = detail::exact_exp(s[i] - max);
}

}  // namespace logitlab::kernels
