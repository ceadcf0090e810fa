// top_k, sample and sample_distribution: kept sets and renormalised probabilities against the double reference for
// every filter and both orders, seeded determinism, and draw frequencies (chi-square) that follow the distribution.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "exact.hpp"
#include "kernels.hpp"
#include "logitlab.hpp"
#include "reference.hpp"
#include "support.hpp"

namespace {

namespace ll = logitlab;
using test::kNegInf;

std::string describe(const ll::SampleOptions& o) {
  std::string h;
  for (int32_t t : o.history) h += std::to_string(t) + " ";
  return "T " + test::show(o.temperature) + ", top_k " + std::to_string(o.top_k) + ", top_p " + test::show(o.top_p) +
         ", min_p " + test::show(o.min_p) + ", penalty " + test::show(o.repetition_penalty) + ", history [" + h +
         "], temperature_last " + std::to_string(o.temperature_last) + ", seed " + std::to_string(o.seed);
}

ref::SampleOptions to_ref(const ll::SampleOptions& o) {
  return {o.temperature,     o.top_k, o.top_p, o.min_p, o.repetition_penalty, {o.history.begin(), o.history.end()},
          o.temperature_last};
}

struct Distribution {
  std::vector<uint8_t> kept;
  std::vector<float> p;
};

Distribution distribution_of(const std::vector<float>& z, const ll::SampleOptions& o) {
  Distribution d{std::vector<uint8_t>(z.size(), 7), std::vector<float>(z.size(), test::guard_float())};
  const ll::Status s = ll::sample_distribution(z, o, d.kept, d.p);
  if (!s.ok()) FAIL(describe(o) << ": sample_distribution error " << static_cast<int>(s.error) << " value " << s.value);
  return d;
}

int32_t draw(const std::vector<float>& z, ll::SampleOptions o, uint32_t seed) {
  o.seed = seed;
  int32_t index = -7;
  const ll::Status s = ll::sample(z, o, index);
  if (!s.ok()) FAIL(describe(o) << ": sample error " << static_cast<int>(s.error) << " value " << s.value);
  return index;
}

// The chi-square statistic's upper 1e-4 quantile for `df` degrees of freedom (Wilson-Hilferty). The draws are seeded,
// so the test is deterministic; the threshold only says how surprising a failure would be.
double chi_square_limit(std::size_t df) {
  const double k = static_cast<double>(df), z = 3.719;
  const double a = 1 - 2 / (9 * k) + z * std::sqrt(2 / (9 * k));
  return k * a * a * a;
}

// Draws n times with seeds first..first+n-1 and compares the counts with n * p by Pearson's chi-square over the classes
// with p > 0; any draw outside the kept set fails outright.
void check_frequencies(const std::vector<float>& z, const ll::SampleOptions& o, std::size_t n, uint32_t first) {
  const Distribution d = distribution_of(z, o);
  std::vector<std::size_t> count(z.size(), 0);
  std::size_t outside = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int32_t k = draw(z, o, first + static_cast<uint32_t>(i));
    if (k < 0 || static_cast<std::size_t>(k) >= z.size() || !d.kept[k])
      ++outside;
    else
      ++count[k];
  }
  double chi2 = 0;
  std::size_t df = 0;
  std::string table;
  for (std::size_t c = 0; c < z.size(); ++c) {
    if (d.p[c] <= 0) continue;
    const double expected = static_cast<double>(n) * d.p[c];
    chi2 += (count[c] - expected) * (count[c] - expected) / expected;
    ++df;
    table += " " + std::to_string(c) + ":" + std::to_string(count[c]) + "/" + test::show(expected);
  }
  INFO(describe(o) << ": " << n << " draws; class:count/expected" << table << "; chi2 " << chi2 << " over " << df - 1
                   << " dof, limit " << (df > 1 ? chi_square_limit(df - 1) : 0.0) << "; outside kept set " << outside);
  CHECK(outside == 0);
  if (df > 1) CHECK(chi2 <= chi_square_limit(df - 1));
}

}  // namespace

TEST_CASE("top_k: the k largest, largest first, ties to the lower index", "[sampling]") {
  test::Rng rng(301);
  std::vector<std::size_t> sizes;
  for (std::size_t n = 1; n <= 40; ++n) sizes.push_back(n);
  for (std::size_t n : {1000, 50257}) sizes.push_back(n);
  for (std::size_t C : sizes)
    for (bool ties : {false, true}) {
      // With ties: few distinct values (many equal logits) and some -inf.
      std::vector<float> z = ties ? std::vector<float>(C) : test::normal_logits(rng, C, 3);
      if (ties) {
        for (float& v : z) v = static_cast<float>(rng.below(5));
        test::mask(rng, z, C, 0.2);
      }
      std::set<std::size_t> ks{0, 1, 2, 5, C / 2, C - 1, C};
      for (std::size_t k : ks) {
        if (k > C) continue;
        const std::vector<int32_t> want = ref::top_k(z, k);
        test::Guarded<int32_t> idx(k, 1, -77);
        test::Guarded<float> val(k, 3, test::guard_float());
        const ll::Status s = ll::top_k(z, k, {idx.data(), k}, {val.data(), k});
        INFO("C " << C << ", k " << k << (ties ? ", with ties and -inf" : ""));
        REQUIRE(s.ok());
        CHECK(idx.guards_intact());
        CHECK(val.guards_intact());
        std::vector<float> want_values;
        for (int32_t i : want) want_values.push_back(z[i]);
        CHECK(test::exact_mismatches(idx.values(), want, 1) == "");
        CHECK(test::exact_mismatches(val.values(), want_values, 1) == "");
      }
    }
}

TEST_CASE("sample_distribution: kept set and probabilities for every filter, both orders", "[sampling]") {
  test::Rng rng(302);
  for (std::size_t C : {1, 2, 10, 100, 1000}) {
    std::vector<float> z = test::normal_logits(rng, C, 2.5);
    if (C >= 10) test::mask(rng, z, C, 0.1);
    std::vector<int32_t> history;
    for (std::size_t i = 0; i < 3 * C / 4 + 1; ++i) history.push_back(static_cast<int32_t>(rng.below(C)));
    for (float T : {0.5f, 1.0f, 2.0f})
      for (std::size_t top_k : {0, 1, 5, 50})
        for (float top_p : {1.0f, 0.9f, 0.5f, 0.05f})
          for (float min_p : {0.0f, 0.05f, 0.3f})
            for (float penalty : {1.0f, 1.3f, 0.8f})
              for (bool last : {false, true}) {
                if (top_k > C) continue;
                const ll::SampleOptions o{T, top_k, top_p, min_p, penalty, history, last, 0};
                const Distribution d = distribution_of(z, o);
                const ref::Kept want = ref::sample_distribution(z, to_ref(o));
                INFO("C " << C << ": " << describe(o));
                CHECK(test::exact_mismatches(d.kept, want.kept, C) == "");
                CHECK(test::prob_mismatches(d.p, want.p, C) == "");
                CHECK(test::masked_not_zero(d.p, z, C) == "");
              }
  }
  SECTION("vocabulary size") {
    std::vector<float> z = test::normal_logits(rng, 50257, 3);
    test::mask(rng, z, 50257, 0.02);
    const std::vector<int32_t> history{5, 17, 17, 4000, 50256};
    for (const ll::SampleOptions& o : {ll::SampleOptions{0.8f, 40, 0.95f, 0.0f, 1.2f, history, false, 0},
                                       ll::SampleOptions{1.5f, 0, 0.9f, 0.02f, 1.0f, {}, true, 0},
                                       ll::SampleOptions{1.0f, 0, 1.0f, 0.0f, 1.0f, {}, false, 0}}) {
      const Distribution d = distribution_of(z, o);
      const ref::Kept want = ref::sample_distribution(z, to_ref(o));
      INFO(describe(o));
      CHECK(test::exact_mismatches(d.kept, want.kept, z.size()) == "");
      CHECK(test::prob_mismatches(d.p, want.p, z.size()) == "");
    }
  }
}

TEST_CASE("sample_distribution: each filter on a worked example", "[sampling]") {
  // Probabilities at T = 1: 0.5, 0.25, 0.125, 0.0625, 0.0625 (logits are their logs).
  const std::vector<float> z{std::log(0.5f), std::log(0.25f), std::log(0.125f), std::log(0.0625f), std::log(0.0625f)};
  auto kept = [&](const ll::SampleOptions& o) { return distribution_of(z, o).kept; };
  using K = std::vector<uint8_t>;
  CHECK(kept({1.0f, 2}) == K{1, 1, 0, 0, 0});
  CHECK(kept({1.0f, 4}) == K{1, 1, 1, 1, 0});         // tie at the cut: the lower index stays
  CHECK(kept({1.0f, 0, 0.74f}) == K{1, 1, 0, 0, 0});  // 0.5 + 0.25 reaches 0.74
  CHECK(kept({1.0f, 0, 0.45f}) == K{1, 0, 0, 0, 0});  // 0.5 alone reaches 0.45
  CHECK(kept({1.0f, 0, 0.76f}) == K{1, 1, 1, 0, 0});
  CHECK(kept({1.0f, 0, 0.01f}) == K{1, 0, 0, 0, 0});       // never empty
  CHECK(kept({1.0f, 0, 1.0f, 0.2f}) == K{1, 1, 1, 0, 0});  // p >= 0.2 * 0.5
  CHECK(kept({1.0f, 0, 1.0f, 0.3f}) == K{1, 1, 0, 0, 0});
  CHECK(kept({1.0f, 0, 1.0f, 1.0f}) == K{1, 0, 0, 0, 0});
  // Temperature first: at T = 0.5 the probabilities are 16:4:1:1/4:1/4 (/21.5), so min_p 0.2 keeps 2 classes; with
  // temperature last, min_p sees the T = 1 ratios and keeps 3.
  CHECK(kept({0.5f, 0, 1.0f, 0.2f}) == K{1, 1, 0, 0, 0});
  CHECK(kept({0.5f, 0, 1.0f, 0.2f, 1.0f, {}, true}) == K{1, 1, 1, 0, 0});
  // Repetition penalty 4 on class 0 (logit log 0.5 < 0: multiplied): 0.5^4 = 0.0625.
  const std::vector<int32_t> h{0, 0};
  const Distribution d = distribution_of(z, {1.0f, 0, 1.0f, 0.0f, 4.0f, h});
  const double total = 0.0625 + 0.25 + 0.125 + 0.0625 + 0.0625;
  CHECK(test::prob_mismatches(
            d.p, std::vector<double>{0.0625 / total, 0.25 / total, 0.125 / total, 0.0625 / total, 0.0625 / total}, 5) ==
        "");
  // A positive logit is divided by the penalty.
  const std::vector<float> pos{2.0f, 1.0f};
  const std::vector<int32_t> h0{0};
  const Distribution dp = distribution_of(pos, {1.0f, 0, 1.0f, 0.0f, 2.0f, h0});
  CHECK(test::prob_mismatches(dp.p, std::vector<double>{0.5, 0.5}, 2) == "");
}

TEST_CASE("sample: seeded draws are deterministic, in the kept set, and vary with the seed", "[sampling]") {
  test::Rng rng(303);
  std::vector<float> z = test::normal_logits(rng, 1000, 2);
  test::mask(rng, z, 1000, 0.3);
  const std::vector<int32_t> history{1, 2, 3};
  for (const ll::SampleOptions& o : {ll::SampleOptions{}, ll::SampleOptions{0.7f, 20, 0.9f, 0.01f, 1.1f, history},
                                     ll::SampleOptions{1.3f, 0, 0.8f, 0.0f, 1.0f, {}, true}}) {
    const Distribution d = distribution_of(z, o);
    std::set<int32_t> seen;
    for (uint32_t seed : {0u, 1u, 2u, 42u, 4294967295u, 123456789u}) {
      const int32_t a = draw(z, o, seed), b = draw(z, o, seed);
      INFO(describe(o) << ", seed " << seed << ": " << a << " then " << b);
      CHECK(a == b);
      REQUIRE((a >= 0 && a < 1000));
      CHECK(d.kept[a] == 1);
    }
    for (uint32_t seed = 0; seed < 200; ++seed) seen.insert(draw(z, o, seed));
    INFO(describe(o) << ": " << seen.size() << " distinct indices in 200 seeds");
    CHECK(seen.size() > 5);
  }
  SECTION("a masked class is never drawn, and a tiny temperature draws the argmax") {
    const std::vector<float> zz{1.0f, kNegInf, 3.0f, 2.9f, kNegInf};
    for (uint32_t seed = 0; seed < 500; ++seed) {
      const int32_t k = draw(zz, {}, seed);
      INFO("seed " << seed << " drew " << k);
      CHECK((k != 1 && k != 4));
      CHECK(draw(zz, {1e-3f}, seed) == 2);
    }
  }
}

TEST_CASE("sample: draw frequencies follow the kept distribution (chi-square)", "[sampling]") {
  const std::vector<float> z{std::log(0.4f),  std::log(0.25f), std::log(0.15f), std::log(0.1f),
                             std::log(0.07f), std::log(0.03f), kNegInf};
  const std::vector<int32_t> history{1, 1, 3};
  check_frequencies(z, {}, 10000, 0);
  check_frequencies(z, {0.6f}, 10000, 100000);
  check_frequencies(z, {2.0f, 3}, 10000, 200000);
  check_frequencies(z, {1.0f, 0, 0.8f}, 10000, 300000);
  check_frequencies(z, {1.0f, 0, 1.0f, 0.2f}, 10000, 400000);
  check_frequencies(z, {0.8f, 0, 1.0f, 0.0f, 1.5f, history}, 10000, 500000);
  check_frequencies(z, {1.7f, 5, 0.9f, 0.1f, 1.2f, history, true}, 10000, 600000);
  test::Rng rng(304);
  check_frequencies(test::normal_logits(rng, 40, 1), {}, 20000, 700000);
}

TEST_CASE("seeded sampling primitives: SplitMix64 reference outputs, exact_exp accuracy", "[sampling]") {
  // The published first outputs of SplitMix64 from seed 1234567.
  logitlab::detail::Rng rng(1234567);
  CHECK(rng.next() == 6457827717110365317ull);
  CHECK(rng.next() == 3203168211198807973ull);
  CHECK(rng.next() == 9817491932198370423ull);
  CHECK(rng.next() == 4593380528125082431ull);
  CHECK(rng.next() == 16408922859458223821ull);
  // uniform() is in [0, 1).
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.uniform();
    CHECK((u >= 0 && u < 1));
  }
  // exact_exp (basic IEEE operations only, the same bits everywhere): within 1e-12 of libm's exp down to -708, where
  // results stay normal doubles, and exactly 0 below.
  double worst = 0, worst_x = 0;
  std::size_t not_flushed = 0;
  for (int i = 0; i <= 200000; ++i) {
    const double x = -745.0 * i / 200000.0;
    const double got = logitlab::detail::exact_exp(x);
    if (x < -708.0) {
      not_flushed += got != 0.0;
      continue;
    }
    const double rel = std::fabs(got - std::exp(x)) / std::exp(x);
    if (rel > worst) worst = rel, worst_x = x;
  }
  INFO("worst relative error " << worst << " at x " << worst_x << "; " << not_flushed << " results below -708 not 0");
  CHECK(worst < 1e-12);
  CHECK(not_flushed == 0);
  CHECK(logitlab::detail::exact_exp(0.0) == 1.0);
  CHECK(logitlab::detail::exact_exp(-INFINITY) == 0.0);
  CHECK(logitlab::detail::exact_exp(-800.0) == 0.0);
}

TEST_CASE("exact_exp_shift: every variant gives exact_exp's bits, at every length and alignment", "[sampling]") {
  // The sampling weights: the SIMD variant (two lanes in WebAssembly) must give the scalar function's bits exactly, or
  // a seed would draw different tokens in the SIMD and scalar builds.
  namespace kn = logitlab::kernels;
  test::Rng rng(305);
  for (std::size_t n :
       {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{64}, std::size_t{1001}}) {
    std::vector<double> s(n + 1);
    for (double& v : s) v = rng.uniform() * 1500.0 - 1400.0;  // s - max from 0 down to about -1500: past -708
    s[rng.below(n + 1)] = -INFINITY;                          // a masked class
    const double max = 100.0;
    for (std::size_t off : {std::size_t{0}, std::size_t{1}}) {
      std::vector<double> simd(n, -1.0), scalar(n, -1.0);
      kn::kSimd.exact_exp_shift(s.data() + off, max, simd.data(), n);
      kn::kScalar.exact_exp_shift(s.data() + off, max, scalar.data(), n);
      std::size_t mismatches = 0, wrong = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double want = logitlab::detail::exact_exp(s[off + i] - max);
        mismatches += !test::same_bits(simd[i], want);
        wrong += !test::same_bits(scalar[i], want);
      }
      INFO("n " << n << " offset " << off);
      CHECK(mismatches == 0);
      CHECK(wrong == 0);
    }
  }
}
