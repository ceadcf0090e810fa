// Scalar twins of the row kernels (see kernels.hpp). The derivation lives here, in plain C++.
#include <algorithm>
#include <cmath>
#include <limits>

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

double exp_sum_scalar(const float* in, std::size_t n, float max, float inv_t) {
  // Max subtraction makes every x <= 0, so exp never overflows; the largest term is exactly 1.
  return block_sum(n, [&](std::size_t i) { return exp_nonpositive((in[i] - max) * inv_t); });
}

double exp_store_sum_scalar(const float* in, float* out, std::size_t n, float max, float inv_t) {
  return block_sum(n, [&](std::size_t i) { return out[i] = exp_nonpositive((in[i] - max) * inv_t); });
}

double exp_sum_unmasked_scalar(const float* in, std::size_t n, float max, float inv_t) {
  return block_sum(n, [&](std::size_t i) { return exp_unmasked((in[i] - max) * inv_t); });
}

double exp_store_sum_unmasked_scalar(const float* in, float* out, std::size_t n, float max, float inv_t) {
  return block_sum(n, [&](std::size_t i) { return out[i] = exp_unmasked((in[i] - max) * inv_t); });
}

void exp_scale_unmasked_scalar(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  for (std::size_t i = 0; i < n; ++i) out[i] = exp_unmasked((in[i] - max) * inv_t) * factor;
}

ExpMoments exp_moments_scalar(const float* in, std::size_t n, float max, float inv_t) {
  double sum = 0.0, weighted = 0.0;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    float s = 0, w = 0;
    for (std::size_t i = start; i < end; ++i) {
      const float x = (in[i] - max) * inv_t;
      const float e = exp_nonpositive(x);
      s += e;
      // 0 * -inf would be NaN: a class with probability 0 contributes 0 to the entropy.
      w += e == 0.0f ? 0.0f : e * x;
    }
    sum += s;
    weighted += w;
  }
  return {sum, weighted};
}

void exp_scale_scalar(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  for (std::size_t i = 0; i < n; ++i) out[i] = exp_nonpositive((in[i] - max) * inv_t) * factor;
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

}  // namespace logitlab::kernels
