// Row kernels: the hot loops behind every public function. Each has a SIMD variant (Highway, static dispatch: SIMD128
// in WebAssembly, the native target's widest vectors natively) and a scalar twin with the same signature and the same
// arithmetic, which the scalar WebAssembly build uses and the tests compare against.
//
// Inputs are finite or -Infinity (validated by max_scan first). Sums are accumulated in float over blocks of at most
// kBlock elements and the block sums added in double, so a 262,144-class row keeps ~1e-7 relative accuracy.
// Nothing reads or writes outside [p, p + n).
#pragma once

#include <cstddef>

namespace logitlab::kernels {

inline constexpr std::size_t kBlock = 1024;

struct MaxScan {
  float max;     // largest value (NaN ignored)
  float min;     // smallest value (NaN ignored)
  bool has_nan;  // any NaN seen
};

struct ExpMoments {
  double sum;       // sum exp(x)
  double weighted;  // sum exp(x) * x, masked (x = -inf) terms counted as 0
};

// x below means (in[i] - max) * inv_t, the max-shifted, temperature-scaled logit (<= 0). inv_t = 1 / T for a normal
// float T > 0 (the public functions check it), so log2(e) * inv_t, the factor the exp kernels scale by, is finite.
#define LOGITLAB_KERNELS(variant)                                                                                      \
  MaxScan max_scan_##variant(const float* in, std::size_t n);                                                          \
  double exp_sum_##variant(const float* in, std::size_t n, float max, float inv_t);                                    \
  double exp_store_sum_##variant(const float* in, float* out, std::size_t n, float max, float inv_t);                  \
  ExpMoments exp_moments_##variant(const float* in, std::size_t n, float max, float inv_t);                            \
  void exp_scale_##variant(const float* in, float* out, std::size_t n, float max, float inv_t, float factor);          \
  double exp_sum_unmasked_##variant(const float* in, std::size_t n, float max, float inv_t);                           \
  double exp_store_sum_unmasked_##variant(const float* in, float* out, std::size_t n, float max, float inv_t);         \
  void exp_scale_unmasked_##variant(const float* in, float* out, std::size_t n, float max, float inv_t, float factor); \
  void scale_##variant(const float* in, float* out, std::size_t n, float factor);                                      \
  void shift_scale_##variant(const float* in, float* out, std::size_t n, float max, float inv_t, float minus);         \
  void axpy_##variant(const float* w, float* out, std::size_t n, float a);                                             \
  void exact_exp_shift_##variant(const double* s, double max, double* out, std::size_t n);

LOGITLAB_KERNELS(simd)
LOGITLAB_KERNELS(scalar)
#undef LOGITLAB_KERNELS
// *_unmasked: the same without the underflow cut-off, valid only when every x log2(e) >= kExp2Cutoff (no -inf, no value
// whose exp underflows): the common case of real logits, and two vector operations cheaper per element.
// exp_scale: out = exp(x) * factor.      scale: out = in * factor.     shift_scale: out = x - minus.
// axpy: out += a * w.
// exact_exp_shift: out = exp(s - max) in double for s <= max, from basic IEEE operations only (exact.hpp's exact_exp),
// the same bits in every variant and build: seeded sampling depends on it.

// The variants as tables of one signature each; dispatch.hpp picks the one that runs.
struct Kernels {
  decltype(&max_scan_simd) max_scan;
  decltype(&exp_sum_simd) exp_sum;
  decltype(&exp_store_sum_simd) exp_store_sum;
  decltype(&exp_moments_simd) exp_moments;
  decltype(&exp_scale_simd) exp_scale;
  decltype(&scale_simd) scale;
  decltype(&shift_scale_simd) shift_scale;
  decltype(&axpy_simd) axpy;
  decltype(&exp_sum_unmasked_simd) exp_sum_unmasked;
  decltype(&exp_store_sum_unmasked_simd) exp_store_sum_unmasked;
  decltype(&exp_scale_unmasked_simd) exp_scale_unmasked;
  decltype(&exact_exp_shift_simd) exact_exp_shift;
};

inline constexpr Kernels kSimd{max_scan_simd,           exp_sum_simd,
                               exp_store_sum_simd,      exp_moments_simd,
                               exp_scale_simd,          scale_simd,
                               shift_scale_simd,        axpy_simd,
                               exp_sum_unmasked_simd,   exp_store_sum_unmasked_simd,
                               exp_scale_unmasked_simd, exact_exp_shift_simd};
inline constexpr Kernels kScalar{max_scan_scalar,           exp_sum_scalar,
                                 exp_store_sum_scalar,      exp_moments_scalar,
                                 exp_scale_scalar,          scale_scalar,
                                 shift_scale_scalar,        axpy_scalar,
                                 exp_sum_unmasked_scalar,   exp_store_sum_unmasked_scalar,
                                 exp_scale_unmasked_scalar, exact_exp_shift_scalar};

// True when the SIMD variants run on real vectors in this build (false for WebAssembly without -msimd128).
bool simd_available();

}  // namespace logitlab::kernels
