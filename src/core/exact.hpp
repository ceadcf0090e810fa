// Arithmetic that must give the same bits on every platform and build (seeded sampling): a double exp from basic IEEE
// operations only (no libm, whose last bit varies between glibc and musl), and a seeded generator.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace logitlab::detail {

// exact_exp's constants, shared with its vector form (kernels_simd.cc), which must give the same bits.
inline constexpr double kExactMin = -708.0;  // below: under the smallest normal double, flushed to 0
inline constexpr double kExactLog2e = 1.4426950408889634;
inline constexpr double kExactLn2Hi = 0.6931471803691238;  // ln 2 split so n * hi is exact
inline constexpr double kExactLn2Lo = 1.9082149292705877e-10;
inline constexpr double kExact2nBias = 0x1p52 + 1023.0;  // n + this: in [2^52, 2^53), low bits n + 1023
// Taylor coefficients 1/10!, 1/9!, ..., 1/1!, 1/0!, highest first (Horner): the next term is below 3e-13 for
// |r| <= 0.347.
inline constexpr double kExactTaylor[] = {
    1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0,
    1.0 / 24.0,      1.0 / 6.0,      0.5,           1.0,          1.0};

// exp(x) for x <= 0, relative error below 1e-12; results under DBL_MIN flush to 0 (deterministically). Also reached
// through exact_exp_shift (kernels.hpp), whose vector variant repeats these steps lane by lane.
inline double exact_exp(double x) {
  if (!(x >= kExactMin)) return 0.0;  // also x = -inf
  // x = n ln2 + r with |r| <= ln2 / 2.
  const double n = std::floor(x * kExactLog2e + 0.5);
  const double r = (x - n * kExactLn2Hi) - n * kExactLn2Lo;
  double p = kExactTaylor[0];
  for (std::size_t i = 1; i < std::size(kExactTaylor); ++i) p = p * r + kExactTaylor[i];
  // 2^n built in the exponent bits (n >= -1022 here), an exact scaling: n + 2^52 + 1023 is an integer in [2^52, 2^53),
  // whose low bits hold n + 1023. No integer conversion, so any x (even x > 0, whose result is then discarded) is
  // defined behaviour, and the vector twin (kernels_simd.cc) does exactly the same.
  const double biased = n + kExact2nBias;
  uint64_t bits;
  std::memcpy(&bits, &biased, sizeof bits);
  bits <<= 52;
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// SplitMix64: a 64-bit state stepped by a constant and mixed; good uniform doubles from any 32-bit seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }

 private:
  uint64_t state_;
};

}  // namespace logitlab::detail
