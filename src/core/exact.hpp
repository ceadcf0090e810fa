// Arithmetic that must give the same bits on every platform and build (seeded sampling): a double exp from basic IEEE
// operations only (no libm, whose last bit varies between glibc and musl), and a seeded generator.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace logitlab::detail {

// exp(x) for x <= 0, relative error below 1e-12; results under DBL_MIN flush to 0 (deterministically). Kernels reach
// it through exact_exp_shift (kernels.hpp), whose vector variant repeats these steps lane by lane.
inline double exact_exp(double x) {
  if (!(x >= -708.0)) return 0.0;  // below the smallest normal double (also x = -inf)
  // x = n ln2 + r with |r| <= ln2 / 2; ln2 split so n * ln2_hi is exact.
  const double n = std::floor(x * 1.4426950408889634 + 0.5);
  const double r = (x - n * 0.6931471803691238) - n * 1.9082149292705877e-10;
  // Taylor series to r^10 / 10!: the next term is below 3e-13 for |r| <= 0.347.
  double p = 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^n built in the exponent bits (n >= -1022 here), an exact scaling: n + 2^52 + 1023 is an integer in [2^52, 2^53),
  // whose low bits hold n + 1023. No integer conversion, so any x (even x > 0, whose result is then discarded) is
  // defined behaviour, and the vector twin (kernels_simd.cc) does exactly the same.
  const double biased = n + (0x1p52 + 1023.0);
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
