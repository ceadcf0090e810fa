// Turns fuzzer bytes into arguments for the core: a batch of logits (NaN, +-Infinity, subnormals, +-1e38, logits in
// [90, 100], large constant offsets, -Infinity masks), its layout and temperature, targets, and options.
//
// Bytes are read front to back by Reader (zeros once exhausted), so a seed written by seeds.cc decodes the same way.
// A fixed header chooses shapes and generators; the bytes left at the end overwrite single logits with special values.
// Big vocabularies come from a seeded generator, so a short input can describe a 70,000-class row.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "splitmix64.hpp"

namespace fuzz {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr std::size_t kMaxElements = 140000;  // two 70,000-class rows

class Reader {
 public:
  Reader(const uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  uint8_t u8() { return n_ ? (--n_, *p_++) : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16()) | (static_cast<uint32_t>(u16()) << 16); }
  float bits() {
    const uint32_t b = u32();
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
  }
  // Uniform in [0, 1] from 16 bits.
  double unit() { return u16() / 65535.0; }
  std::size_t left() const { return n_; }

 private:
  const uint8_t* p_;
  std::size_t n_;
};

// SplitMix64, for the generated part of big inputs.
class Gen : public ref::SplitMix64 {
 public:
  using SplitMix64::SplitMix64;
  double unit() { return uniform(); }
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
};

// Values that break naive code, chosen by index.
inline float special(uint8_t i) {
  using F = std::numeric_limits<float>;
  // clang-format off
  static const float table[] = {
      kNaN, kInf, -kInf, 1e38f, -1e38f, F::max(), -F::max(), F::denorm_min(), -F::denorm_min(), 0.0f, -0.0f, F::min(),
      1.0f, -1.0f, 90.0f, 100.0f, 3e38f, -3e38f, 88.7f, -87.4f, 1e-30f, -F::quiet_NaN(), 16777217.0f, -16777216.0f,
  };
  // clang-format on
  return table[i % (sizeof table / sizeof table[0])];
}

inline float temperature_from(Reader& r) {
  const uint8_t kind = r.u8() % 16;
  const uint32_t raw = r.u32();
  const double u = (raw & 0xffff) / 65535.0;
  switch (kind) {
    case 4: return 1e-3f;
    case 5: return 1e3f;
    // clang-format off
    case 6: case 7: case 8: case 9: return static_cast<float>(std::pow(10.0, -3.0 + 6.0 * u));
    case 10: { float f; std::memcpy(&f, &raw, sizeof f); return f; }  // any bits: NaN, negative, subnormal
    case 11: {
      using F = std::numeric_limits<float>;
      static const float table[] = {0.0f, -0.0f, -1.0f, kNaN, kInf, -kInf, F::min(), F::denorm_min(), F::max(), 1e-38f,
                                    3e-39f, 1e38f, 1e-30f, 1e30f};
      return table[raw % (sizeof table / sizeof table[0])];
    }
    case 12: case 13: case 14: case 15: return static_cast<float>(0.5 + 4 * u);
    // clang-format on
    default: return 1.0f;
  }
}

// A batch of logits as the core sees it: a flat vector, the rows argument, the classes per row (0 when the length
// does not split), and a temperature.
struct Logits {
  std::vector<float> values;
  std::size_t rows = 1;
  std::size_t classes = 0;
  float temperature = 1.0f;
};

inline float generated(Gen& g, uint8_t mode, double offset) {
  const double u = g.unit(), v = g.unit();
  switch (mode & 7) {
    case 0: return static_cast<float>(-10 + 20 * u);
    case 1: return static_cast<float>(std::sqrt(-2 * std::log(u + 1e-300)) * std::cos(6.283185307179586 * v));
    case 2: return static_cast<float>(90 + 10 * u);  // float exp overflows here without max subtraction
    case 3: return static_cast<float>((v < 0.5 ? -1 : 1) * std::pow(10.0, 30 + 8.5 * u));
    case 4: return static_cast<float>(offset + (u - 0.5));  // cancellation in sums of raw logits
    case 5: return static_cast<float>(offset);
    case 6: return u < 0.1 ? 0.0f : -30.0f;
    default: return static_cast<float>((v < 0.5 ? -1 : 1) * std::pow(10.0, -45 + 83 * u));  // subnormal .. 1e38
  }
}

// Header: shape(1) size(2) temperature(5) fill(1) seed(4). shape: bits 0-2 rows - 1; bits 3-4 a size class (C up to
// 64, 300, 2100 or 4500); top bits 6: a big vocabulary (C up to 70,000), 7: a layout fault. `single_row` forces
// rows = 1 (functions on one row). Batches stay under 20,000 logits (140,000 for big vocabularies) to keep runs fast.
inline Logits logits_from(Reader& r, bool single_row = false, bool with_temperature = true) {
  Logits l;
  const uint8_t shape = r.u8();
  const uint16_t size = r.u16();
  static const std::size_t limits[] = {64, 300, 2100, 4500};
  const bool big = (shape >> 5) == 6;
  std::size_t rows = single_row ? 1 : 1 + (shape & 7);
  std::size_t classes = 1 + size % (big ? 70000 : limits[(shape >> 3) & 3]);
  const std::size_t cap = big ? kMaxElements : 20000;
  if (rows * classes > cap) rows = std::max<std::size_t>(1, cap / classes);
  std::size_t length = rows * classes;
  if ((shape >> 5) == 7) {  // a layout fault
    switch (size >> 14) {
      case 0: length = 0; break;
      case 1: rows = 0; break;
      case 2: length += 1; break;
      default: rows = std::numeric_limits<std::size_t>::max(); break;
    }
  }
  l.temperature = with_temperature ? temperature_from(r) : 1.0f;
  const uint8_t fill = r.u8();
  Gen g(r.u32());
  const double offset = std::pow(10.0, g.below(8)) * (g.unit() < 0.5 ? -1 : 1);
  static const double mask_rates[] = {0, 0.01, 0.3, 0.9};
  const double mask_rate = mask_rates[(fill >> 3) & 3];
  l.values.resize(length);
  for (float& v : l.values) v = g.unit() < mask_rate ? -kInf : generated(g, fill, offset);
  // fill >> 5: a few special values at generated positions.
  for (int i = 0, n = fill >> 5; i < n && length; ++i)
    l.values[g.below(length)] = special(static_cast<uint8_t>(g.next()));
  l.rows = rows;
  l.classes = rows && length % rows == 0 ? length / rows : 0;
  return l;
}

// The accuracy contract covers logits whose finite values span less than float's range (max - min < FLT_MAX; beyond,
// z - max itself overflows and the far tail rounds to 0 / -inf). Halving keeps +-1e38 and FLT_MAX-sized values while
// bringing the span of the whole batch (and so of every row) inside it.
inline void within_spread_contract(std::vector<float>& values) {
  for (;;) {
    float lo = INFINITY, hi = -INFINITY;
    for (float v : values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(hi - lo > 0.9f * std::numeric_limits<float>::max())) return;
    for (float& v : values)
      if (std::isfinite(v)) v *= 0.5f;
  }
}

// The bytes left at the end: (position u16, value selector u8) pairs; selector < 128 picks a special value, otherwise
// the next 4 bytes are the float's bits.
inline void overrides_from(Reader& r, std::vector<float>& values) {
  for (int i = 0; i < 64 && r.left() >= 3 && !values.empty(); ++i) {
    const std::size_t at = r.u16() % values.size();
    const uint8_t sel = r.u8();
    values[at] = sel < 128 ? special(sel) : r.bits();
  }
  within_spread_contract(values);
}

// A value in [0, 1] most of the time, sometimes just outside, NaN or infinite: for label smoothing, top-p, min-p.
inline float unit_option(Reader& r, float off_value) {
  const uint8_t kind = r.u8();
  const double u = r.unit();
  switch (kind % 16) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4: return off_value;
    case 5: return 0.0f;
    case 6: return 1.0f;
    case 7: return kNaN;
    case 8: return -1e-7f;
    case 9: return 1.0000001f;
    case 10: return kInf;
    case 11: return 1e-30f;
    case 12: return 0.999999f;
    default: return static_cast<float>(u);
  }
}

// Class indices for `rows` rows of `classes` classes: mostly in range, sometimes ignore_index, sometimes out of range,
// sometimes the wrong count.
inline std::vector<int32_t> indices_from(Reader& r, std::size_t rows, std::size_t classes, int32_t ignore_index) {
  const uint8_t mode = r.u8();
  std::size_t count = rows;
  if (mode % 16 == 15) count = rows + 1;
  if (mode % 16 == 14 && rows > 0) count = rows - 1;
  Gen g(r.u32());
  std::vector<int32_t> out(count);
  const double ignore_rate = (mode >> 4) % 4 == 3 ? 0.5 : 0.05 * ((mode >> 4) % 4);
  for (auto& y : out) {
    const double u = g.unit();
    if (u < ignore_rate)
      y = ignore_index;
    else
      y = static_cast<int32_t>(g.below(classes ? classes : 1));
  }
  if ((mode >> 6) == 3 && !out.empty()) {  // one bad index
    using I = std::numeric_limits<int32_t>;
    static const int32_t bad[] = {-1, -100, I::min(), I::max(), 0};
    out[g.below(out.size())] = classes && (g.next() & 1) ? static_cast<int32_t>(classes) : bad[g.below(5)];
  }
  return out;
}

// Soft targets: each row a probability vector (one-hot, uniform, random, peaked), sometimes broken.
inline std::vector<float> probabilities_from(Reader& r, std::size_t rows, std::size_t classes) {
  const uint8_t mode = r.u8();
  Gen g(r.u32());
  std::size_t length = rows * classes;
  if (mode % 32 == 31) length += 1;
  std::vector<float> out(length, 0.0f);
  for (std::size_t row = 0; row < rows && classes; ++row) {
    float* t = out.data() + row * classes;
    switch ((mode >> 5) % 4) {
      case 0: t[g.below(classes)] = 1.0f; break;
      case 1:
        for (std::size_t c = 0; c < classes; ++c) t[c] = static_cast<float>(1.0 / classes);
        break;
      default: {
        double sum = 0;
        std::vector<double> w(classes);
        for (std::size_t c = 0; c < classes; ++c) {
          w[c] = g.unit() < 0.3 ? 0.0 : std::pow(g.unit(), (mode >> 5) % 4 == 3 ? 8 : 1);
          sum += w[c];
        }
        if (sum == 0) {
          w[0] = 1;
          sum = 1;
        }
        for (std::size_t c = 0; c < classes; ++c) t[c] = static_cast<float>(w[c] / sum);
      }
    }
  }
  if (!out.empty()) {
    switch (mode % 32) {
      case 30: out[g.below(length)] = -0.25f; break;
      case 29: out[g.below(length)] = kNaN; break;
      case 28: out[g.below(length)] += 0.01f; break;  // a row not summing to 1
      case 27: out[g.below(length)] = kInf; break;
      case 26: out[g.below(length)] += 0.0009f; break;  // within 1e-3: accepted
      default: break;
    }
  }
  return out;
}

// Class weights: absent, positive, some zero, huge, or invalid.
inline std::vector<float> weights_from(Reader& r, std::size_t classes) {
  const uint8_t mode = r.u8();
  Gen g(r.u32());
  if (mode % 4 != 3) return {};
  std::size_t length = classes;
  if ((mode >> 2) % 16 == 15) length = classes + 1;
  std::vector<float> w(length);
  const int kind = (mode >> 6);
  for (float& v : w) {
    const double u = g.unit();
    v = kind == 0   ? static_cast<float>(u * 2)
        : kind == 1 ? (u < 0.5 ? 0.0f : 1.0f)
        : kind == 2 ? static_cast<float>(std::pow(10.0, -6 + 12 * u))
                    : static_cast<float>(u);
  }
  if ((mode >> 2) % 16 == 14 && length) w[g.below(length)] = -1.0f;
  if ((mode >> 2) % 16 == 13 && length) w[g.below(length)] = kNaN;
  if ((mode >> 2) % 16 == 12 && length) w[g.below(length)] = kInf;
  if ((mode >> 2) % 16 == 11) std::fill(w.begin(), w.end(), 0.0f);
  return w;
}

}  // namespace fuzz
