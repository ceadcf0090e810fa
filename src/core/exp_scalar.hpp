// exp in float for the row kernels, written as 2^u with u = x log2(e): the scalar twin of the vector exp in
// kernels_simd.cc, with the same constants and operations in the same order, so the two differ only where the vector
// code has fused multiply-adds (native AVX2 and up; never in WebAssembly).
//
// Kernels compute u = (z - max) * k with k = log2(e) / T (one multiply, the temperature folded in), split u = n + f
// with n an integer and |f| <= 1/2 (exactly: f = u - n loses nothing), and evaluate 2^f with a polynomial: 2^u =
// 2^n (1 + f p(f)). The only rounding before the polynomial is that of u itself, ~6e-8 |u| relative, the same as
// that of the shifted, scaled logit x = (z - max) / T the result is the exp of.
#pragma once

#include <cstdint>
#include <cstring>

namespace logitlab::kernels {

inline constexpr float kLog2e = 0x1.715476p+0f;
inline constexpr double kLn2 = 0.693147180559945309;
// Below this u, 2^u is under FLT_MIN: flush to 0 (also catches u = -inf, a masked class).
inline constexpr float kExp2Cutoff = -126.0f;
// 1.5 * 2^23 + 127: adding it rounds u to an integer n held in the low mantissa bits, biased for the exponent.
inline constexpr float kMagicBias = 0x1.8000FEp23f;
// 2^f ~ 1 + f (c1 + f (c2 + f (c3 + f (c4 + f c5)))) on |f| <= 1/2: our relative-error fit (9.1e-8 with exact
// coefficients, 1.1e-7 rounded to float, 1.9e-7 with float evaluation over every float u in [-126, 0]).
inline constexpr float kC1 = 0x1.62e42ap-1f;
inline constexpr float kC2 = 0x1.ebf9bcp-3f;
inline constexpr float kC3 = 0x1.c6b754p-5f;
inline constexpr float kC4 = 0x1.3cea8ap-7f;
inline constexpr float kC5 = 0x1.5bb9fep-10f;

// k = log2(e) / T from inv_t = 1 / T, as every kernel computes it (exactly log2(e) at T = 1).
inline float exp2_factor(float inv_t) { return kLog2e * inv_t; }

// u = (z - max) * k, as every kernel computes it: monotone in z, so a row's min gives its smallest u.
inline float exp2_arg(float z, float max, float k) { return (z - max) * k; }

// Without the cut-off: for u >= kExp2Cutoff only.
inline float exp2_unmasked(float u) {
  const float biased = u + kMagicBias;
  uint32_t bits;
  std::memcpy(&bits, &biased, sizeof bits);
  bits <<= 23;
  float s;  // 2^n, built directly in the exponent bits
  std::memcpy(&s, &bits, sizeof s);
  const float f = u - (biased - kMagicBias);
  float p = kC5 * f + kC4;
  p = p * f + kC3;
  p = p * f + kC2;
  p = p * f + kC1;
  return (f * s) * p + s;
}

inline float exp2_nonpositive(float u) {
  // Underflow cut-off (and -inf -> 0). NaN never reaches here: max_scan rejects it first.
  return u < kExp2Cutoff ? 0.0f : exp2_unmasked(u);
}

}  // namespace logitlab::kernels
