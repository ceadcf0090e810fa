// softmax, log_softmax, log_sum_exp and entropy through the public API (logitlab.hpp), against the double reference,
// with the accuracy contract: probabilities within 1e-6 + 2e-5 |p|, log-values within 2e-5 max(1, |L|), masked
// classes exactly 0 (probability) and -inf (log-probability).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "logitlab.hpp"
#include "reference.hpp"
#include "support.hpp"

namespace {

namespace ll = logitlab;
using test::kNegInf;

std::string error_text(const ll::Status& s) {
  return "error " + std::to_string(static_cast<int>(s.error)) + " row " + std::to_string(s.row) + " index " +
         std::to_string(s.index) + " value " + test::show(s.value);
}

// Runs the four functions on one batch into guarded, misaligned outputs, and checks every value against double.
void check_batch(const std::vector<float>& z, std::size_t rows, float T, const std::string& what) {
  const std::size_t C = z.size() / rows;
  const ll::Batch batch{z, rows, T};
  const float g = test::guard_float();
  test::Guarded<float> p(z.size(), 1, g), lp(z.size(), 2, g), lse(rows, 3, g), h(rows, 1, g);
  INFO(what << ": rows " << rows << ", C " << C << ", T " << T);
  const ll::Status s1 = ll::softmax(batch, {p.data(), p.size()});
  const ll::Status s2 = ll::log_softmax(batch, {lp.data(), lp.size()});
  const ll::Status s3 = ll::log_sum_exp(batch, {lse.data(), lse.size()});
  const ll::Status s4 = ll::entropy(batch, {h.data(), h.size()});
  INFO("softmax " << error_text(s1) << "; log_softmax " << error_text(s2) << "; log_sum_exp " << error_text(s3)
                  << "; entropy " << error_text(s4));
  REQUIRE((s1.ok() && s2.ok() && s3.ok() && s4.ok()));
  CHECK(p.guards_intact());
  CHECK(lp.guards_intact());
  CHECK(lse.guards_intact());
  CHECK(h.guards_intact());

  std::vector<double> want_p, want_lp, want_lse, want_h, row_sum_error;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = z.data() + r * C;
    const auto rp = ref::softmax(row, C, T), rlp = ref::log_softmax(row, C, T);
    want_p.insert(want_p.end(), rp.begin(), rp.end());
    want_lp.insert(want_lp.end(), rlp.begin(), rlp.end());
    want_lse.push_back(ref::log_sum_exp(row, C, T));
    want_h.push_back(ref::entropy(row, C, T));
    double sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += p[r * C + c];
    row_sum_error.push_back(sum - 1);
  }
  const std::string bad_p = test::prob_mismatches(p.values(), want_p, C);
  const std::string masked_p = test::masked_not_zero(p.values(), z, C);
  const std::string bad_lp = test::log_mismatches(lp.values(), want_lp, C);
  const std::string bad_lse = test::log_mismatches(lse.values(), want_lse, 1);
  const std::string bad_h = test::log_mismatches(h.values(), want_h, 1);
  const std::string bad_sum = test::mismatches(row_sum_error, std::vector<double>(rows, 0.0), 1,
                                               [](double got, double, std::size_t) { return std::fabs(got) <= 2e-5; });
  INFO("softmax: " << bad_p);
  CHECK(bad_p.empty());
  INFO("softmax of masked classes: " << masked_p);
  CHECK(masked_p.empty());
  INFO("log_softmax: " << bad_lp);
  CHECK(bad_lp.empty());
  INFO("log_sum_exp (class = row): " << bad_lse);
  CHECK(bad_lse.empty());
  INFO("entropy (class = row): " << bad_h);
  CHECK(bad_h.empty());
  INFO("softmax row sum - 1 (class = row): " << bad_sum);
  CHECK(bad_sum.empty());
}

struct Family {
  std::string name;
  float temperature;
  std::function<std::vector<float>(test::Rng&, std::size_t)> make;
};

std::vector<Family> families() {
  using test::Rng;
  return {
      {"normal(0, 4)", 1.0f, [](Rng& r, std::size_t n) { return test::normal_logits(r, n, 4); }},
      {"uniform [90, 100] (naive exp overflows)", 1.0f,
       [](Rng& r, std::size_t n) { return test::uniform_logits(r, n, 90, 100); }},
      {"uniform [90, 100] at T = 0.25", 0.25f,
       [](Rng& r, std::size_t n) { return test::uniform_logits(r, n, 90, 100); }},
      {"normal(0, 6) with 40% -inf masks, T = 1.7", 1.7f,
       [](Rng& r, std::size_t n) {
    auto z = test::normal_logits(r, n, 6);
    test::mask(r, z, n, 0.4);
    return z;
       }},
      {"uniform [-200, 50] (exp underflows)", 1.0f,
       [](Rng& r, std::size_t n) { return test::uniform_logits(r, n, -200, 50); }},
      {"normal(0, 2) at T = 0.05 (nearly one-hot)", 0.05f,
       [](Rng& r, std::size_t n) { return test::normal_logits(r, n, 2); }},
      {"normal(0, 30) at T = 40 (nearly uniform)", 40.0f,
       [](Rng& r, std::size_t n) { return test::normal_logits(r, n, 30); }},
      };
}

}  // namespace

TEST_CASE("softmax, log_softmax, log_sum_exp, entropy: one row at every kernel size", "[functions]") {
  test::Rng rng(101);
  for (const Family& f : families())
    for (std::size_t n : test::kernel_sizes()) check_batch(f.make(rng, n), 1, f.temperature, f.name);
}

TEST_CASE("softmax family: many rows of different scales, masks and lengths", "[functions]") {
  test::Rng rng(102);
  for (std::size_t C : {1, 2, 3, 17, 37, 64, 1001}) {
    const std::size_t rows = C == 1001 ? 40 : 513;
    std::vector<float> z;
    for (std::size_t r = 0; r < rows; ++r) {
      // Row r: its own scale and offset (some at [90, 100], some far negative), masks, or a single unmasked class.
      std::vector<float> row = test::normal_logits(rng, C, 0.1 + 3.0 * (r % 7), 40.0 * (r % 5) - 80.0);
      if (r % 4 == 1) test::mask(rng, row, C, 0.5);
      if (r % 11 == 3) {
        for (float& v : row) v = kNegInf;
        row[rng.below(C)] = static_cast<float>(rng.uniform(-5, 5));
      }
      z.insert(z.end(), row.begin(), row.end());
    }
    for (float T : {1.0f, 0.6f, 3.0f}) check_batch(z, rows, T, "mixed rows");
  }
  SECTION("C = 1: probability 1, log-probability 0, entropy 0, log-sum-exp z / T") {
    std::vector<float> z = test::normal_logits(rng, 1000, 50);
    check_batch(z, 1000, 0.5f, "C = 1");
    std::vector<float> p(1000), lp(1000), lse(1000), h(1000);
    const ll::Batch b{z, 1000, 0.5f};
    REQUIRE(ll::softmax(b, p).ok());
    REQUIRE(ll::log_softmax(b, lp).ok());
    REQUIRE(ll::log_sum_exp(b, lse).ok());
    REQUIRE(ll::entropy(b, h).ok());
    for (std::size_t r = 0; r < 1000; ++r) {
      INFO("row " << r << " z " << z[r] << ": p " << p[r] << " log p " << lp[r] << " lse " << lse[r] << " H " << h[r]);
      CHECK((p[r] == 1.0f && lp[r] == 0.0f && h[r] == 0.0f && test::log_close(lse[r], z[r] / 0.5)));
    }
  }
  SECTION("a few rows at vocabulary sizes") {
    std::vector<float> z = test::normal_logits(rng, 3 * 50257, 3);
    test::mask(rng, z, 50257, 0.05);
    check_batch(z, 3, 0.8f, "3 rows of 50257");
    check_batch(test::uniform_logits(rng, 2 * 262144, 90, 100), 2, 1.0f, "2 rows of 262144 in [90, 100]");
  }
}

TEST_CASE("softmax family: worked examples", "[functions]") {
  SECTION("softmax of logs of probabilities gives them back; their cross-entropy is -log p") {
    const std::vector<float> z{std::log(0.8f), std::log(0.19f), std::log(0.01f)};
    std::vector<float> p(3), lp(3), h(1);
    REQUIRE(ll::softmax({z}, p).ok());
    REQUIRE(ll::log_softmax({z}, lp).ok());
    REQUIRE(ll::entropy({z}, h).ok());
    CHECK(test::prob_close(p[0], 0.8));
    CHECK(test::prob_close(p[1], 0.19));
    CHECK(test::prob_close(p[2], 0.01));
    CHECK(test::log_close(lp[0], -0.22314355131420976));  // -log 0.80 = 0.223
    CHECK(test::log_close(lp[2], -4.605170185988091));    // -log 0.01 = 4.605
    // H = -(0.8 log 0.8 + 0.19 log 0.19 + 0.01 log 0.01)
    CHECK(test::log_close(h[0], 0.8 * 0.22314355131420976 + 0.19 * 1.6607312068216509 + 0.01 * 4.605170185988091));
  }
  SECTION("equal logits: uniform probabilities, log-sum-exp z + log C, entropy log C") {
    for (std::size_t C : {1, 2, 7, 1000, 50257}) {
      const std::vector<float> z(C, 95.5f);
      std::vector<float> p(C), lse(1), h(1);
      REQUIRE(ll::softmax({z}, p).ok());
      REQUIRE(ll::log_sum_exp({z}, lse).ok());
      REQUIRE(ll::entropy({z}, h).ok());
      INFO("C " << C << ": p[0] " << p[0] << " lse " << lse[0] << " H " << h[0]);
      CHECK(test::prob_mismatches(p, std::vector<double>(C, 1.0 / C), C).empty());
      CHECK(test::log_close(lse[0], 95.5 + std::log(static_cast<double>(C))));
      CHECK(test::log_close(h[0], std::log(static_cast<double>(C))));
    }
  }
  SECTION("temperature divides the logits") {
    test::Rng rng(103);
    const std::vector<float> z = test::normal_logits(rng, 1001, 5);
    std::vector<float> scaled(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) scaled[i] = z[i] / 2.5f;
    std::vector<float> a(z.size()), b(z.size());
    REQUIRE(ll::softmax({z, 1, 2.5f}, a).ok());
    REQUIRE(ll::softmax({scaled, 1, 1.0f}, b).ok());
    CHECK(test::prob_mismatches(a, b, z.size()).empty());
  }
  SECTION("far-apart logits: one-hot probabilities, exact log-probabilities") {
    const std::vector<float> z{1e6f, 0.0f, -1e6f, kNegInf};
    std::vector<float> p(4), lp(4);
    REQUIRE(ll::softmax({z}, p).ok());
    REQUIRE(ll::log_softmax({z}, lp).ok());
    CHECK(p == std::vector<float>{1, 0, 0, 0});
    CHECK(lp == std::vector<float>{0, -1e6f, -2e6f, kNegInf});
  }
  SECTION("tiny and huge temperatures") {
    const std::vector<float> z{1, 2, 3, 2.5f};
    std::vector<float> p(4);
    REQUIRE(ll::softmax({z, 1, 1e-3f}, p).ok());
    CHECK(p == std::vector<float>{0, 0, 1, 0});
    REQUIRE(ll::softmax({z, 1, 1e6f}, p).ok());
    CHECK(test::prob_mismatches(p, std::vector<double>(4, 0.25), 4).empty());
  }
}

TEST_CASE("softmax and log_softmax in place give the same bits as out of place", "[functions]") {
  test::Rng rng(104);
  for (std::size_t C : {1, 5, 16, 17, 1000, 50257}) {
    const std::size_t rows = C > 1000 ? 2 : 9;
    std::vector<float> z = test::normal_logits(rng, rows * C, 4);
    test::mask(rng, z, C, 0.2);
    for (float T : {1.0f, 0.7f}) {
      std::vector<float> p(z.size()), lp(z.size()), p_in = z, lp_in = z;
      REQUIRE(ll::softmax({z, rows, T}, p).ok());
      REQUIRE(ll::log_softmax({z, rows, T}, lp).ok());
      REQUIRE(ll::softmax({p_in, rows, T}, p_in).ok());
      REQUIRE(ll::log_softmax({lp_in, rows, T}, lp_in).ok());
      INFO("C " << C << " rows " << rows << " T " << T);
      CHECK(test::exact_mismatches(p_in, p, C) == "");
      CHECK(test::exact_mismatches(lp_in, lp, C) == "");
    }
  }
}
