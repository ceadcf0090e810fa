// SplitMix64 (Steele, Lea and Flood, 2014), the tests' seeded generator: the sampler's generator as API.md documents
// it, written here from its published definition, independently of the core's copy (src/core/exact.hpp), and the
// source of the tests' and fuzzers' generated data.
#pragma once

#include <cstdint>

namespace ref {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // A uniform double in [0, 1) from the top 53 bits: what the sampler draws for a seed.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }

 private:
  uint64_t state_;
};

}  // namespace ref
