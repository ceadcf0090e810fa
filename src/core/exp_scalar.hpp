// exp(x) for x <= 0 in float, the scalar twin of the vector exp in kernels_simd.cc: same constants, same operations,
// same order, so the two differ only where the vector code has fused multiply-adds (native AVX2; never in WebAssembly).
#pragma once

#include <cstdint>
#include <cstring>

namespace logitlab::kernels {

// Below this, exp(x) is under FLT_MIN: flush to 0 (also catches x = -inf, a masked class).
inline constexpr float kExpCutoff = -87.33654f;
inline constexpr float kLog2e = 0x1.715476p+0f;
// 1.5 * 2^23 + 127: adding it rounds x * log2(e) to an integer n held in the low mantissa bits, biased for the exponent.
inline constexpr float kMagicBias = 0x1.8000FEp23f;
// -ln 2 in one float: t = x - n ln2 then carries an absolute error below ulp(|n ln2|) / 2 + |n| 2e-9, i.e. a relative
// error of exp(x) under 4e-6 even at x = -87 and under 3e-7 for x > -10 (where probabilities are not negligible).
// A two-constant (Cody-Waite) split would be exact but costs two more vector operations per element.
inline constexpr float kMinusLn2 = -0x1.62e430p-1f;
// exp(t) ~ 1 + t (c1 + t (c2 + t (c3 + t (c4 + t c5)))) on |t| <= ln2 / 2: our relative-error fit (max 9.2e-8).
inline constexpr float kC1 = 0x1.fffff6p-1f;
inline constexpr float kC2 = 0x1.fffdc6p-2f;
inline constexpr float kC3 = 0x1.555a6ap-3f;
inline constexpr float kC4 = 0x1.573a56p-5f;
inline constexpr float kC5 = 0x1.0fa822p-7f;

// Without the cut-off: for x >= kExpCutoff only.
inline float exp_unmasked(float x) {
  // Range reduction: x = n ln2 + t, |t| <= ln2/2, and s = 2^n built directly in the exponent bits.
  float n = x * kLog2e + kMagicBias;
  uint32_t bits;
  std::memcpy(&bits, &n, sizeof bits);
  bits <<= 23;
  float s;
  std::memcpy(&s, &bits, sizeof s);
  n -= kMagicBias;
  float t = n * kMinusLn2 + x;
  // Polynomial: exp(t) = 1 + t p(t); then exp(x) = s + (s t) p(t).
  float p = kC5 * t + kC4;
  p = p * t + kC3;
  p = p * t + kC2;
  p = p * t + kC1;
  t *= s;
  return t * p + s;
}

inline float exp_nonpositive(float x) {
  // Underflow cut-off (and -inf -> 0). NaN never reaches here: max_scan rejects it first.
  return x < kExpCutoff ? 0.0f : exp_unmasked(x);
}

}  // namespace logitlab::kernels
