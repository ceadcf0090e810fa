// trace: every intermediate of one row against the double reference, and identical (bit for bit) to what softmax,
// log_softmax, log_sum_exp, entropy, cross_entropy, cross_entropy_grad and sample_distribution return for the same row:
// what the lessons show is what the library computes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "logitlab.hpp"
#include "reference.hpp"
#include "support.hpp"

namespace {

namespace ll = logitlab;

// Owns the buffers a TraceResult points into, each guarded.
struct TraceBuffers {
  explicit TraceBuffers(std::size_t C, bool target, bool sampling)
      : scaled(C, 1, g()),
        shifted(C, 2, g()),
        exps(C, 3, g()),
        p(C, 1, g()),
        lp(C, 2, g()),
        grad(target ? C : 0, 3, g()),
        kept(sampling ? C : 0, 1, 9),
        kept_p(sampling ? C : 0, 2, g()) {
    r.scaled = {scaled.data(), C};
    r.shifted = {shifted.data(), C};
    r.exps = {exps.data(), C};
    r.probabilities = {p.data(), C};
    r.log_probabilities = {lp.data(), C};
    r.gradient = {grad.data(), grad.size()};
    r.kept = {kept.data(), kept.size()};
    r.kept_probabilities = {kept_p.data(), kept_p.size()};
  }
  static float g() { return test::guard_float(); }
  bool guards_intact() const {
    return scaled.guards_intact() && shifted.guards_intact() && exps.guards_intact() && p.guards_intact() &&
           lp.guards_intact() && grad.guards_intact() && kept.guards_intact() && kept_p.guards_intact();
  }
  test::Guarded<float> scaled, shifted, exps, p, lp, grad;
  test::Guarded<uint8_t> kept;
  test::Guarded<float> kept_p;
  ll::TraceResult r;
};

void check_trace(const std::vector<float>& z, const ll::TraceOptions& o) {
  const std::size_t C = z.size();
  const bool target = o.target >= 0;
  TraceBuffers b(C, target, o.with_sampling);
  INFO("C " << C << ", T " << o.temperature << ", target " << o.target << ", smoothing " << o.label_smoothing
            << ", sampling " << o.with_sampling);
  const ll::Status s = ll::trace(z, o, b.r);
  INFO("trace error " << static_cast<int>(s.error) << " row " << s.row << " index " << s.index << " value " << s.value);
  REQUIRE(s.ok());
  CHECK(b.guards_intact());

  const float T = o.temperature, inv_t = 1.0f / T;
  const double max = ref::row_max(z.data(), C);
  std::vector<double> want_scaled(C), want_shifted(C), want_exps(C);
  double want_sum = 0;
  for (std::size_t c = 0; c < C; ++c) {
    want_scaled[c] = z[c] / static_cast<double>(T);
    want_shifted[c] = (z[c] - max) / T;
    want_sum += want_exps[c] = std::exp(want_shifted[c]);
  }
  // Against double, within the contract.
  CHECK(test::log_mismatches(b.scaled.values(), want_scaled, C) == "");
  CHECK(test::log_mismatches(b.shifted.values(), want_shifted, C) == "");
  CHECK(test::prob_mismatches(b.exps.values(), want_exps, C) == "");
  CHECK(test::prob_mismatches(b.p.values(), ref::softmax(z.data(), C, T), C) == "");
  CHECK(test::log_mismatches(b.lp.values(), ref::log_softmax(z.data(), C, T), C) == "");
  CHECK(test::log_close(b.r.max, max / T));
  CHECK(std::fabs(b.r.sum - want_sum) <= 2e-5 * want_sum);
  CHECK(test::log_close(b.r.log_sum_exp, ref::log_sum_exp(z.data(), C, T)));
  CHECK(test::log_close(b.r.entropy, ref::entropy(z.data(), C, T)));
  // The intermediates chain: shifted = scaled - max, exps = exp(shifted), probabilities = exps / sum.
  double sum_exps = 0;
  for (std::size_t c = 0; c < C; ++c) sum_exps += b.exps[c];
  CHECK(std::fabs(sum_exps - b.r.sum) <= 1e-6 * b.r.sum);
  CHECK(test::log_mismatches(
            b.shifted.values(),
            [&] {
    std::vector<double> v(C);
    for (std::size_t c = 0; c < C; ++c) v[c] = static_cast<double>(b.scaled[c]) - b.r.max;
    return v;
            }(),
            C) == "");

  // Identical to the other functions on the same row.
  const ll::Batch batch{z, 1, T};
  std::vector<float> p(C), lp(C), one(1);
  REQUIRE(ll::softmax(batch, p).ok());
  CHECK(test::exact_mismatches(b.p.values(), p, C) == "");
  REQUIRE(ll::log_softmax(batch, lp).ok());
  CHECK(test::exact_mismatches(b.lp.values(), lp, C) == "");
  REQUIRE(ll::log_sum_exp(batch, one).ok());
  CHECK(b.r.log_sum_exp == one[0]);
  REQUIRE(ll::entropy(batch, one).ok());
  CHECK(b.r.entropy == one[0]);
  std::vector<float> scaled_float(C);
  for (std::size_t c = 0; c < C; ++c) scaled_float[c] = z[c] * inv_t;
  CHECK(test::exact_mismatches(b.scaled.values(), scaled_float, C) == "");
  if (target) {
    const ll::Targets t{{&o.target, 1}};
    const ll::CrossEntropyOptions ce{ll::Reduction::mean, o.label_smoothing};
    std::vector<float> g(C);
    REQUIRE(ll::cross_entropy(batch, t, ce, one).ok());
    CHECK(b.r.loss == one[0]);
    REQUIRE(ll::cross_entropy_grad(batch, t, ce, g).ok());
    CHECK(test::exact_mismatches(b.grad.values(), g, C) == "");
    const ref::CeTargets rt{{o.target}, {}};
    const ref::CeOptions ro{ref::Reduction::mean, o.label_smoothing};
    CHECK(test::log_close(b.r.loss, ref::cross_entropy(z.data(), 1, C, T, rt, ro)[0]));
  }
  if (o.with_sampling) {
    ll::SampleOptions so = o.sampling;
    so.temperature = T;
    std::vector<uint8_t> kept(C);
    std::vector<float> kp(C);
    REQUIRE(ll::sample_distribution(z, so, kept, kp).ok());
    CHECK(test::exact_mismatches(b.kept.values(), kept, C) == "");
    CHECK(test::exact_mismatches(b.kept_p.values(), kp, C) == "");
  }
}

}  // namespace

TEST_CASE("trace: every intermediate, consistent with the other functions", "[trace]") {
  test::Rng rng(501);
  for (std::size_t C : {1, 5, 17, 1000, 50257}) {
    const std::vector<int32_t> history{0, static_cast<int32_t>(C / 2), static_cast<int32_t>(C / 2)};
    std::vector<float> z = C == 5 ? test::uniform_logits(rng, C, 90, 100) : test::normal_logits(rng, C, 3);
    if (C > 5) test::mask(rng, z, C, 0.1);
    const int32_t target = static_cast<int32_t>(rng.below(C));
    for (float T : {1.0f, 0.6f, 2.5f}) {
      check_trace(z, {T});
      if (z[target] != test::kNegInf) check_trace(z, {T, target});
      if (z[target] != test::kNegInf) check_trace(z, {T, target, 0.0f, {1.0f, 0, 0.9f, 0.02f, 1.2f, history}, true});
      check_trace(z, {T, -1, 0.1f, {1.0f, std::min<std::size_t>(3, C), 1.0f, 0.0f, 1.0f, {}, true}, true});
    }
    // With label smoothing, a mask anywhere makes the loss +inf; trace must still agree with cross_entropy.
    check_trace(z, {1.0f, target, 0.1f});
  }
  SECTION("the lesson's example") {
    const std::vector<float> z{12.4f, -3.2f, 0.1f};
    check_trace(z, {1.0f, 0});
    check_trace(z, {4.0f, 2, 0.0f, {1.0f, 2}, true});
  }
}
