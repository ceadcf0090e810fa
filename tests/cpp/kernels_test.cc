// The row kernels of kernels.hpp: every SIMD variant against its scalar twin and a double-precision reference, at
// sizes around the vector width and at real vocabulary sizes, with the start misaligned by 0..3 floats, the input
// ending exactly at its allocation's end (ASan sees any over-read) or followed by NaN poison (any over-read changes the
// result), and guard values around every output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "exp_scalar.hpp"
#include "kernels.hpp"
#include "support.hpp"

namespace {

namespace kn = logitlab::kernels;
using test::kNaN;
using test::kNegInf;

struct Variant {
  const char* name;
  const kn::Kernels* table;
};
const Variant kVariants[] = {{"simd", &kn::kSimd}, {"scalar", &kn::kScalar}};
constexpr std::size_t kOffsets = 4;  // start pointer +0, +1, +2, +3 floats

// A family of rows every kernel is fed, with the temperature used for x = (z - max) / T.
struct Data {
  std::string name;
  float temperature;
  bool above_cutoff;  // every u = x log2(e) >= kExp2Cutoff: the *_unmasked kernels apply
  std::function<std::vector<float>(test::Rng&, std::size_t)> make;
};

std::vector<Data> data_families() {
  using test::Rng;
  return {
      {"normal(0, 4), T = 1", 1.0f, true, [](Rng& r, std::size_t n) { return test::normal_logits(r, n, 4); }},
      {"uniform [90, 100] (naive exp overflows), T = 0.5", 0.5f, true,
       [](Rng& r, std::size_t n) { return test::uniform_logits(r, n, 90, 100); }},
      {"uniform [-60, 0], T = 0.7 (x down to -86, just above the cut-off)", 0.7f, true,
       [](Rng& r, std::size_t n) {
    auto z = test::uniform_logits(r, n, -60, 0);
    z[r.below(n)] = 0;  // x = (z - max) / T >= -60 / 0.7
    return z;
       }},
      {"normal(0, 8) with 30% -inf masks, T = 1.7", 1.7f, false,
       [](Rng& r, std::size_t n) {
    auto z = test::normal_logits(r, n, 8);
    test::mask(r, z, n, 0.3);
    return z;
       }},
      {"normal(0, 3) with 10% -inf masks, T = 1", 1.0f, false,
       [](Rng& r, std::size_t n) {
    auto z = test::normal_logits(r, n, 3);
    test::mask(r, z, n, 0.1);
    return z;
       }},
      {"uniform [-200, 50] (exp underflows), T = 1", 1.0f, false,
       [](Rng& r, std::size_t n) { return test::uniform_logits(r, n, -200, 50); }},
      };
}

// One row laid out twice, `offset` floats into its buffers: ending exactly at the end of its allocation, and followed
// by NaN poison. NaN poison also precedes the start. Kernels must give the same bits on both.
class Input {
 public:
  Input(const std::vector<float>& row, std::size_t offset)
      : n_(row.size()), offset_(offset), exact_(offset + n_, kNaN), poisoned_(offset + n_ + 67, kNaN) {
    std::copy(row.begin(), row.end(), exact_.begin() + static_cast<std::ptrdiff_t>(offset));
    std::copy(row.begin(), row.end(), poisoned_.begin() + static_cast<std::ptrdiff_t>(offset));
  }
  const float* at(bool poisoned) const { return (poisoned ? poisoned_.data() : exact_.data()) + offset_; }

 private:
  std::size_t n_, offset_;
  std::vector<float> exact_, poisoned_;
};

// Collects what went wrong for one (kernel, data, size); reported with one CHECK so a failure names all of it.
class Problems {
 public:
  template <class Describe>
  void expect(bool ok, Describe describe) {
    if (ok) return;
    if (count_++ < 8) text_ += "\n  " + describe();
  }
  bool empty() const { return count_ == 0; }
  std::string text() const { return std::to_string(count_) + " problem(s):" + text_; }

 private:
  std::size_t count_ = 0;
  std::string text_;
};

std::string where(const Variant& v, std::size_t offset, bool poisoned) {
  return std::string(v.name) + " offset " + std::to_string(offset) + (poisoned ? " (NaN poison after)" : "");
}

#define REPORT(problems, context) \
  do {                            \
    INFO(context);                \
    INFO((problems).text());      \
    CHECK((problems).empty());    \
  } while (0)

float row_max(const std::vector<float>& z) { return *std::max_element(z.begin(), z.end()); }

// The double reference of x = (z - max) / T (the kernels compute u = x log2(e) in float, exp_scalar.hpp).
double x_double(float z, float max, float inv_t) { return (static_cast<double>(z) - max) * static_cast<double>(inv_t); }

// exp(x) of every entry of a row: the double reference, and whether the float u the kernels compute is below the
// cut-off (then the result must be exactly 0).
struct ExpWant {
  std::vector<double> x, e;
  std::vector<uint8_t> cut;
  ExpWant(const std::vector<float>& z, float max, float inv_t) : x(z.size()), e(z.size()), cut(z.size()) {
    for (std::size_t i = 0; i < z.size(); ++i) {
      x[i] = x_double(z[i], max, inv_t);
      e[i] = std::exp(x[i]);
      cut[i] = kn::exp2_arg(z[i], max, kn::exp2_factor(inv_t)) < kn::kExp2Cutoff;
    }
  }
  // exp(x) * factor against double: the float u = (z - max) * (log2(e) / T) carries three roundings, ~1.8e-7 |x|
  // relative error in exp(x); the polynomial and its evaluation a few ulp.
  bool ok(std::size_t i, float got, double factor) const {
    if (cut[i]) return got == 0.0f;
    const double want = e[i] * factor;
    return std::fabs(got - want) <= std::fabs(want) * (1e-6 + 2.5e-7 * std::fabs(x[i])) + 1.2e-38 * std::fabs(factor);
  }
};

// Sums carry float rounding inside each block of 1024 and the per-term exp error: well inside the 2e-5 budget the
// probabilities have.
constexpr double kSumTolerance = 5e-6;

struct ExpReference {
  double sum = 0;       // sum exp(x)
  double weighted = 0;  // sum exp(x) x over terms with exp(x) > 0
  double weighted_abs = 0;
};

ExpReference exp_reference(const std::vector<float>& z, float max, float inv_t) {
  ExpReference r;
  for (float v : z) {
    const double x = x_double(v, max, inv_t), e = std::exp(x);
    r.sum += e;
    if (e > 0) r.weighted += e * x, r.weighted_abs += e * std::fabs(x);
  }
  return r;
}

// The two variants' exp of the same float u: bit for bit in WebAssembly, where neither has fused multiply-adds;
// natively the vector polynomial fuses them: a few ulps apart.
bool twins_agree(float simd, float scalar, double factor) {
#if defined(__wasm__)
  (void)factor;
  return test::same_bits(simd, scalar);
#else
  return simd == scalar || std::fabs(simd - scalar) <= std::fabs(scalar) * 1e-6 + 1.2e-38 * std::fabs(factor);
#endif
}

// Runs `body(data, n, z)` for every data family and kernel size, with fresh seeded data.
void for_each_row(uint64_t seed, const std::function<void(const Data&, std::size_t, const std::vector<float>&)>& body) {
  test::Rng rng(seed);
  for (const Data& data : data_families())
    for (std::size_t n : test::kernel_sizes()) body(data, n, data.make(rng, n));
}

std::string context(const char* kernel, const Data& data, std::size_t n) {
  return std::string(kernel) + " on " + data.name + ", size " + std::to_string(n);
}

}  // namespace

TEST_CASE("simd_available is true in this (SIMD) build", "[kernels]") {
#if defined(__wasm__) && !defined(__wasm_simd128__)
  CHECK_FALSE(kn::simd_available());
#else
  // The suite is built natively (Highway's widest static target) and with em++ -msimd128: the SIMD kernels must run
  // on real vectors, or the "simd" half of this file would only test Highway's emulation.
  CHECK(kn::simd_available());
#endif
}

TEST_CASE("max_scan finds max and min, flags NaN, and ignores it", "[kernels]") {
  for_each_row(11, [](const Data& data, std::size_t n, const std::vector<float>& z) {
    Problems p;
    const float want_max = row_max(z), want_min = *std::min_element(z.begin(), z.end());
    for (const Variant& v : kVariants)
      for (std::size_t off = 0; off < kOffsets; ++off) {
        const Input in(z, off);
        for (bool poisoned : {false, true}) {
          const kn::MaxScan s = v.table->max_scan(in.at(poisoned), n);
          p.expect(s.max == want_max && s.min == want_min && !s.has_nan, [&] {
            return where(v, off, poisoned) + ": max " + test::show(s.max) + " min " + test::show(s.min) + " has_nan " +
                   std::to_string(s.has_nan) + ", want " + test::show(want_max) + " / " + test::show(want_min) + " / 0";
          });
        }
      }
    REPORT(p, context("max_scan", data, n));
  });
}

TEST_CASE("max_scan with a NaN or +inf at the start, middle and end", "[kernels]") {
  test::Rng rng(12);
  for (std::size_t n : test::kernel_sizes()) {
    Problems p;
    const std::vector<float> base = test::normal_logits(rng, n, 5);
    for (std::size_t pos : {std::size_t{0}, n / 2, n - 1}) {
      std::vector<float> z = base;
      z[pos] = kNaN;
      std::vector<float> rest = base;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(pos));
      const float want_max = rest.empty() ? kNegInf : row_max(rest);
      const float want_min = rest.empty() ? test::kInf : *std::min_element(rest.begin(), rest.end());
      std::vector<float> with_inf = base;
      with_inf[pos] = test::kInf;
      for (const Variant& v : kVariants)
        for (std::size_t off = 0; off < kOffsets; ++off) {
          const Input in(z, off), inf_in(with_inf, off);
          const kn::MaxScan s = v.table->max_scan(in.at(false), n);
          p.expect(s.has_nan && s.max == want_max && s.min == want_min, [&] {
            return where(v, off, false) + ": NaN at " + std::to_string(pos) + ": has_nan " + std::to_string(s.has_nan) +
                   " max " + test::show(s.max) + " min " + test::show(s.min) + ", want 1 / " + test::show(want_max) +
                   " / " + test::show(want_min);
          });
          const kn::MaxScan si = v.table->max_scan(inf_in.at(true), n);
          p.expect(!si.has_nan && si.max == test::kInf, [&] {
            return where(v, off, true) + ": +inf at " + std::to_string(pos) + ": max " + test::show(si.max);
          });
        }
    }
    REPORT(p, "max_scan with NaN / +inf, size " + std::to_string(n));
  }
  SECTION("an all -inf row has max -inf") {
    for (const Variant& v : kVariants) {
      const std::vector<float> z(37, kNegInf);
      const kn::MaxScan s = v.table->max_scan(z.data(), z.size());
      INFO(v.name);
      CHECK(s.max == kNegInf);
      CHECK(s.min == kNegInf);
      CHECK_FALSE(s.has_nan);
    }
  }
}

// exp_sum, exp_store_sum, exp_scale and their *_unmasked twins, against double and against each other.
TEST_CASE("exp kernels against double, their twins, and every layout", "[kernels]") {
  for_each_row(13, [](const Data& data, std::size_t n, const std::vector<float>& z) {
    Problems p;
    const float max = row_max(z), inv_t = 1.0f / data.temperature;
    const ExpReference want = exp_reference(z, max, inv_t);
    const ExpWant each(z, max, inv_t);
    const float factor = static_cast<float>(1.0 / want.sum);  // as softmax uses exp_scale
    const float g = test::guard_float();
    std::vector<float> first_store[2], first_scale[2];  // per variant, offset 0 exact layout
    double first_sum[2] = {0, 0};

    for (std::size_t vi = 0; vi < 2; ++vi) {
      const Variant& v = kVariants[vi];
      for (std::size_t off = 0; off < kOffsets; ++off) {
        const Input in(z, off);
        for (bool poisoned : {false, true}) {
          const std::string at = where(v, off, poisoned);
          const double sum = v.table->exp_sum(in.at(poisoned), n, max, inv_t);
          p.expect(std::fabs(sum - want.sum) <= kSumTolerance * want.sum,
                   [&] { return at + ": exp_sum " + test::show(sum) + ", want " + test::show(want.sum); });

          test::Guarded<float> store(n, off, g);
          const double stored_sum = v.table->exp_store_sum(in.at(poisoned), store.data(), n, max, inv_t);
          p.expect(store.guards_intact(), [&] { return at + ": exp_store_sum wrote outside its output"; });
          p.expect(stored_sum == sum, [&] {
            return at + ": exp_store_sum returned " + test::show(stored_sum) + " but exp_sum " + test::show(sum);
          });
          double resum = 0;
          for (std::size_t i = 0; i < n; ++i) {
            resum += store[i];
            p.expect(each.ok(i, store[i], 1.0), [&] {
              return at + ": exp_store_sum[" + std::to_string(i) + "] = " + test::show(store[i]) + " for z " +
                     test::show(z[i]) + ", want " + test::show(each.e[i]);
            });
          }
          p.expect(std::fabs(resum - stored_sum) <= 1e-6 * stored_sum, [&] {
            return at + ": exp_store_sum returned " + test::show(stored_sum) + " but its outputs sum to " +
                   test::show(resum);
          });

          test::Guarded<float> scaled(n, off, g);
          v.table->exp_scale(in.at(poisoned), scaled.data(), n, max, inv_t, factor);
          p.expect(scaled.guards_intact(), [&] { return at + ": exp_scale wrote outside its output"; });
          for (std::size_t i = 0; i < n; ++i)
            p.expect(each.ok(i, scaled[i], factor), [&] {
              return at + ": exp_scale[" + std::to_string(i) + "] = " + test::show(scaled[i]) + " for z " +
                     test::show(z[i]) + ", want " + test::show(each.e[i] * factor);
            });

          // Where every x is above the cut-off, the unmasked kernels must give exactly the same bits.
          if (data.above_cutoff) {
            const double u = v.table->exp_sum_unmasked(in.at(poisoned), n, max, inv_t);
            p.expect(u == sum,
                     [&] { return at + ": exp_sum_unmasked " + test::show(u) + " != exp_sum " + test::show(sum); });
            test::Guarded<float> ustore(n, off, g), uscaled(n, off, g);
            const double us = v.table->exp_store_sum_unmasked(in.at(poisoned), ustore.data(), n, max, inv_t);
            v.table->exp_scale_unmasked(in.at(poisoned), uscaled.data(), n, max, inv_t, factor);
            p.expect(us == sum && ustore.guards_intact() && uscaled.guards_intact(), [&] {
              return at + ": exp_store_sum_unmasked returned " + test::show(us) + " (exp_sum " + test::show(sum) +
                     "), guards intact " + std::to_string(ustore.guards_intact()) + "/" +
                     std::to_string(uscaled.guards_intact());
            });
            p.expect(
                test::exact_mismatches(ustore, store, n).empty() && test::exact_mismatches(uscaled, scaled, n).empty(),
                [&] {
              return at + ": unmasked outputs differ from masked ones: store " +
                     test::exact_mismatches(ustore, store, n) + "; scale " + test::exact_mismatches(uscaled, scaled, n);
                });
          }

          // Offsets and layouts must not change a single bit.
          if (off == 0 && !poisoned) {
            first_store[vi] = store.values(), first_scale[vi] = scaled.values(), first_sum[vi] = sum;
          } else {
            const std::string d1 = test::exact_mismatches(store, first_store[vi], n);
            const std::string d2 = test::exact_mismatches(scaled, first_scale[vi], n);
            p.expect(d1.empty() && d2.empty() && sum == first_sum[vi], [&] {
              return at + ": result differs from offset 0: exp_sum " + test::show(sum) + " vs " +
                     test::show(first_sum[vi]) + "; store " + d1 + "; scale " + d2;
            });
          }
        }
      }
    }
    // SIMD against its scalar twin.
    p.expect(std::fabs(first_sum[0] - first_sum[1]) <= kSumTolerance * want.sum,
             [&] { return "exp_sum simd " + test::show(first_sum[0]) + " vs scalar " + test::show(first_sum[1]); });
    for (std::size_t i = 0; i < n; ++i) {
      p.expect(twins_agree(first_store[0][i], first_store[1][i], 1.0) &&
                   twins_agree(first_scale[0][i], first_scale[1][i], factor),
               [&] {
        return "simd vs scalar at " + std::to_string(i) + " (z " + test::show(z[i]) + "): exp " +
               test::show(first_store[0][i]) + " vs " + test::show(first_store[1][i]) + ", scaled " +
               test::show(first_scale[0][i]) + " vs " + test::show(first_scale[1][i]);
      });
    }
    REPORT(p, context("exp_sum / exp_store_sum / exp_scale", data, n));
  });
}

TEST_CASE("exp_moments: sum exp(x) and sum exp(x) x, masked terms 0", "[kernels]") {
  for_each_row(14, [](const Data& data, std::size_t n, const std::vector<float>& z) {
    Problems p;
    const float max = row_max(z), inv_t = 1.0f / data.temperature;
    const ExpReference want = exp_reference(z, max, inv_t);
    const double scale = want.sum + want.weighted_abs;
    kn::ExpMoments first[2] = {};
    for (std::size_t vi = 0; vi < 2; ++vi) {
      const Variant& v = kVariants[vi];
      for (std::size_t off = 0; off < kOffsets; ++off) {
        const Input in(z, off);
        for (bool poisoned : {false, true}) {
          const kn::ExpMoments m = v.table->exp_moments(in.at(poisoned), n, max, inv_t);
          const std::string at = where(v, off, poisoned);
          p.expect(std::fabs(m.sum - want.sum) <= kSumTolerance * want.sum &&
                       std::fabs(m.weighted - want.weighted) <= kSumTolerance * scale,
                   [&] {
            return at + ": sum " + test::show(m.sum) + " weighted " + test::show(m.weighted) + ", want " +
                   test::show(want.sum) + " / " + test::show(want.weighted);
          });
          if (off == 0 && !poisoned) first[vi] = m;
          p.expect(m.sum == first[vi].sum && m.weighted == first[vi].weighted,
                   [&] { return at + ": result differs from offset 0"; });
        }
      }
    }
    p.expect(std::fabs(first[0].sum - first[1].sum) <= kSumTolerance * want.sum &&
                 std::fabs(first[0].weighted - first[1].weighted) <= kSumTolerance * scale,
             [&] {
      return "simd " + test::show(first[0].sum) + " / " + test::show(first[0].weighted) + " vs scalar " +
             test::show(first[1].sum) + " / " + test::show(first[1].weighted);
    });
    REPORT(p, context("exp_moments", data, n));
  });
}

// exp(0) is exactly 1 (the max term of every row), so rows of 0 and -inf count their unmasked entries exactly: a
// skipped, doubled or leaked element, in any tail or block, changes the integer.
TEST_CASE("exp kernels count every element exactly once", "[kernels]") {
  test::Rng rng(15);
  for (std::size_t n : test::kernel_sizes()) {
    Problems p;
    for (float value : {95.25f, -3.0f}) {
      std::vector<float> z(n, value);
      test::mask(rng, z, n, n % 3 == 0 ? 0.0 : 0.4);
      const double count = static_cast<double>(std::count(z.begin(), z.end(), value));
      for (const Variant& v : kVariants)
        for (float inv_t : {1.0f, 1.0f / 0.6f})
          for (std::size_t off = 0; off < kOffsets; ++off) {
            const Input in(z, off);
            const std::string at = where(v, off, true) + " value " + test::show(value) + " inv_t " + test::show(inv_t);
            const double s = v.table->exp_sum(in.at(true), n, value, inv_t);
            const kn::ExpMoments m = v.table->exp_moments(in.at(true), n, value, inv_t);
            test::Guarded<float> out(n, off, test::guard_float());
            const double ss = v.table->exp_store_sum(in.at(true), out.data(), n, value, inv_t);
            p.expect(s == count && ss == count && m.sum == count && m.weighted == 0, [&] {
              return at + ": exp_sum " + test::show(s) + ", exp_store_sum " + test::show(ss) + ", exp_moments " +
                     test::show(m.sum) + " / " + test::show(m.weighted) + ", want " + test::show(count) + " / 0";
            });
            for (std::size_t i = 0; i < n; ++i)
              p.expect(out[i] == (z[i] == value ? 1.0f : 0.0f),
                       [&] { return at + ": exp_store_sum[" + std::to_string(i) + "] = " + test::show(out[i]); });
            if (count == static_cast<double>(n)) {
              const double u = v.table->exp_sum_unmasked(in.at(true), n, value, inv_t);
              p.expect(u == count, [&] { return at + ": exp_sum_unmasked " + test::show(u); });
            }
          }
    }
    REPORT(p, "exact counts, size " + std::to_string(n));
  }
}

TEST_CASE("scale, shift_scale and axpy round exactly as float arithmetic", "[kernels]") {
  for_each_row(16, [](const Data& data, std::size_t n, const std::vector<float>& z) {
    Problems p;
    test::Rng rng(n);
    const float max = row_max(z), inv_t = 1.0f / data.temperature, minus = 0.8125f + static_cast<float>(n % 7);
    const std::vector<float> w = test::normal_logits(rng, n, 2), acc = test::normal_logits(rng, n, 1);
    const float g = test::guard_float();
    std::vector<Input> inputs, weights;
    for (std::size_t off = 0; off < kOffsets; ++off) inputs.emplace_back(z, off), weights.emplace_back(w, off);
    for (float factor : {inv_t, -2.5f}) {
      // What float arithmetic gives, operation by operation.
      std::vector<float> want_scaled(n), want_shifted(n), want_axpy(n);
      for (std::size_t i = 0; i < n; ++i) {
        want_scaled[i] = z[i] * factor;
        want_shifted[i] = (z[i] - max) * factor - minus;
        want_axpy[i] = acc[i] + factor * w[i];
      }
      for (const Variant& v : kVariants)
        for (std::size_t off = 0; off < kOffsets; ++off) {
          const Input &in = inputs[off], &win = weights[off];
          const std::string at = where(v, off, true) + " factor " + test::show(factor);
          test::Guarded<float> scaled(n, off, g), shifted(n, off, g), axpy(n, off, g);
          v.table->scale(in.at(true), scaled.data(), n, factor);
          v.table->shift_scale(in.at(off % 2 == 1), shifted.data(), n, max, factor, minus);
          axpy.fill(acc);
          v.table->axpy(win.at(off % 2 == 0), axpy.data(), n, factor);
          p.expect(scaled.guards_intact() && shifted.guards_intact() && axpy.guards_intact(), [&] {
            return at + ": wrote outside the output (scale " + std::to_string(scaled.guards_intact()) +
                   ", shift_scale " + std::to_string(shifted.guards_intact()) + ", axpy " +
                   std::to_string(axpy.guards_intact()) + ")";
          });
          const std::string d1 = test::exact_mismatches(scaled, want_scaled, n);
          const std::string d2 = test::exact_mismatches(shifted, want_shifted, n);
          const std::string d3 = test::exact_mismatches(axpy, want_axpy, n);
          p.expect(d1.empty(), [&] { return at + ": scale: " + d1; });
          p.expect(d2.empty(), [&] { return at + ": shift_scale: " + d2; });
          p.expect(d3.empty(), [&] { return at + ": axpy: " + d3; });
        }
    }
    REPORT(p, context("scale / shift_scale / axpy", data, n));
  });
}

TEST_CASE("scale and shift_scale work in place", "[kernels]") {
  test::Rng rng(17);
  for (std::size_t n : test::kernel_sizes()) {
    const std::vector<float> z = test::normal_logits(rng, n, 3);
    for (const Variant& v : kVariants) {
      std::vector<float> a = z, b = z;
      v.table->scale(a.data(), a.data(), n, 0.3f);
      v.table->shift_scale(b.data(), b.data(), n, 1.5f, 2.0f, 0.25f);
      std::vector<float> wa(n), wb(n);
      for (std::size_t i = 0; i < n; ++i) wa[i] = z[i] * 0.3f, wb[i] = (z[i] - 1.5f) * 2.0f - 0.25f;
      INFO(v.name << " in place, size " << n);
      INFO(test::exact_mismatches(a, wa, n) << test::exact_mismatches(b, wb, n));
      CHECK((test::exact_mismatches(a, wa, n).empty() && test::exact_mismatches(b, wb, n).empty()));
    }
  }
}
