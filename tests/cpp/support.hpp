// Test helpers: seeded data that is the same on every platform, guarded buffers that prove nothing is written outside
// [p, p + n), and comparisons that report the first bad entry with its row, index and values.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "splitmix64.hpp"

namespace test {

inline constexpr float kNegInf = -std::numeric_limits<float>::infinity();
inline constexpr float kInf = std::numeric_limits<float>::infinity();
inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The sizes every kernel is checked at: around the vector width (4 to 16 lanes, four accumulators), and real
// vocabulary sizes.
inline std::vector<std::size_t> kernel_sizes() {
  std::vector<std::size_t> sizes;
  for (std::size_t n = 1; n <= 40; ++n) sizes.push_back(n);
  for (std::size_t n : {63, 64, 65, 1000, 1001, 32000, 50257, 262144}) sizes.push_back(n);
  return sizes;
}

// Test data from SplitMix64 that does not depend on the standard library's distributions.
class Rng : public ref::SplitMix64 {
 public:
  using SplitMix64::SplitMix64;
  using SplitMix64::uniform;
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
  double normal() {  // Box-Muller
    const double u = 1.0 - uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
};

inline std::vector<float> normal_logits(Rng& rng, std::size_t n, double sigma, double mean = 0) {
  std::vector<float> z(n);
  for (float& v : z) v = static_cast<float>(mean + sigma * rng.normal());
  return z;
}

inline std::vector<float> uniform_logits(Rng& rng, std::size_t n, double lo, double hi) {
  std::vector<float> z(n);
  for (float& v : z) v = static_cast<float>(rng.uniform(lo, hi));
  return z;
}

// Masks about `fraction` of each row with -inf, leaving at least one class of every row unmasked.
inline void mask(Rng& rng, std::vector<float>& z, std::size_t C, double fraction) {
  for (std::size_t r = 0; r < z.size() / C; ++r) {
    const std::size_t keep = r * C + rng.below(C);
    for (std::size_t i = r * C; i < (r + 1) * C; ++i)
      if (i != keep && rng.uniform() < fraction) z[i] = kNegInf;
  }
}

inline std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// A buffer whose data starts `offset` floats past a 64-byte boundary (so offsets 1..3 are misaligned for every vector
// width), with guard values before and kTail after it: guards_intact() proves nothing outside [data(), data() + n)
// was written.
template <class T>
class Guarded {
 public:
  static constexpr std::size_t kTail = 67;
  Guarded(std::size_t n, std::size_t offset, T guard) : n_(n), guard_(guard), storage_(n + offset + 64 + kTail, guard) {
    std::size_t start = 16;  // at least 16 guards in front
    while (reinterpret_cast<std::uintptr_t>(storage_.data() + start) % 64 != 0) ++start;
    offset_ = start + offset;
    storage_.resize(offset_ + n + kTail, guard);
  }
  Guarded(const Guarded&) = delete;
  T* data() { return storage_.data() + offset_; }
  const T* data() const { return storage_.data() + offset_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& operator[](std::size_t i) const { return data()[i]; }
  std::vector<T> values() const { return {data(), data() + n_}; }
  void fill(const std::vector<T>& v) { std::memcpy(data(), v.data(), n_ * sizeof(T)); }
  // Bitwise, so a NaN guard compares equal to itself.
  bool guards_intact() const {
    auto intact = [&](std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to; ++i)
        if (std::memcmp(&storage_[i], &guard_, sizeof(T)) != 0) return false;
      return true;
    };
    return intact(0, offset_) && intact(offset_ + n_, storage_.size());
  }

 private:
  std::size_t n_, offset_ = 0;
  T guard_;
  std::vector<T> storage_;
};

// A distinctive NaN payload: never produced by arithmetic, so an overwritten guard cannot look intact.
inline float guard_float() {
  const uint32_t bits = 0x7FA5A5A5u;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// The accuracy contract of logitlab.hpp and API.md.
inline double prob_tolerance(double want) { return 1e-6 + 2e-5 * std::fabs(want); }
inline double log_tolerance(double want) { return 2e-5 * std::max(1.0, std::fabs(want)); }
inline bool prob_close(double got, double want) { return std::fabs(got - want) <= prob_tolerance(want); }
// Infinite values must match exactly (a masked class's log-probability is -inf, never a large finite number).
inline bool log_close(double got, double want) {
  if (std::isinf(want) || std::isinf(got)) return got == want;
  return std::fabs(got - want) <= log_tolerance(want);
}

inline std::string show(double v) {
  std::ostringstream s;
  s.precision(9);
  s << v;
  return s.str();
}

// "" when ok(got[i], want[i], i) holds for every i; otherwise the count of failures and the first and the worst
// (row, class, got, want) for a row length C.
template <class Got, class Want, class Ok>
std::string mismatches(const Got& got, const Want& want, std::size_t C, Ok ok) {
  std::size_t bad = 0, first = 0, worst = 0;
  double worst_diff = -1;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double g = static_cast<double>(got[i]), w = static_cast<double>(want[i]);
    if (ok(g, w, i)) continue;
    if (bad++ == 0) first = i;
    const double diff = std::isnan(g - w) ? kInf : std::fabs(g - w);
    if (diff > worst_diff) worst_diff = diff, worst = i;
  }
  if (bad == 0) return "";
  auto at = [&](std::size_t i) {
    return "row " + std::to_string(i / C) + " class " + std::to_string(i % C) + ": got " +
           show(static_cast<double>(got[i])) + ", want " + show(static_cast<double>(want[i]));
  };
  return std::to_string(bad) + " of " + std::to_string(want.size()) + " entries wrong; first at " + at(first) +
         "; worst at " + at(worst);
}

template <class Got, class Want>
std::string prob_mismatches(const Got& got, const Want& want, std::size_t C) {
  return mismatches(got, want, C, [](double g, double w, std::size_t) { return prob_close(g, w); });
}

template <class Got, class Want>
std::string log_mismatches(const Got& got, const Want& want, std::size_t C) {
  return mismatches(got, want, C, [](double g, double w, std::size_t) { return log_close(g, w); });
}

template <class Got, class Want>
std::string exact_mismatches(const Got& got, const Want& want, std::size_t C) {
  return mismatches(got, want, C, [](double g, double w, std::size_t) { return g == w || (g != g && w != w); });
}

// Masked classes (-inf logits) must have probability exactly 0.
template <class Got>
std::string masked_not_zero(const Got& got, const std::vector<float>& z, std::size_t C) {
  return mismatches(got, std::vector<double>(z.size(), 0.0), C,
                    [&](double g, double, std::size_t i) { return z[i] != kNegInf || g == 0.0; });
}

}  // namespace test
