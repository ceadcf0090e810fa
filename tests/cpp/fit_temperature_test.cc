// fit_temperature: recovers the temperature that generated the targets, and agrees with a golden-section search on the
// double reference's mean cross-entropy.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "logitlab.hpp"
#include "reference.hpp"
#include "support.hpp"

namespace {

namespace ll = logitlab;

float fit(const std::vector<float>& z, std::size_t rows, const ll::Targets& t) {
  float T = -1;
  const ll::Status s = ll::fit_temperature(z, rows, t, T);
  INFO("fit_temperature error " << static_cast<int>(s.error) << " row " << s.row << " value " << s.value);
  REQUIRE(s.ok());
  return T;
}

// Index targets drawn from softmax(z / T) with the test generator.
std::vector<int32_t> draw_targets(test::Rng& rng, const std::vector<float>& z, std::size_t rows, double T) {
  const std::size_t C = z.size() / rows;
  std::vector<int32_t> y(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::vector<double> p = ref::softmax(z.data() + r * C, C, T);
    double u = rng.uniform(), cum = 0;
    y[r] = static_cast<int32_t>(C - 1);
    for (std::size_t c = 0; c < C; ++c)
      if (u < (cum += p[c])) {
        y[r] = static_cast<int32_t>(c);
        break;
      }
  }
  return y;
}

}  // namespace

TEST_CASE("fit_temperature recovers T from soft targets softmax(z / T)", "[fit_temperature]") {
  test::Rng rng(401);
  for (double T : {0.25, 0.5, 1.0, 2.5, 8.0}) {
    const std::size_t rows = 200, C = 10;
    const std::vector<float> z = test::normal_logits(rng, rows * C, 3);
    std::vector<float> soft;
    for (std::size_t r = 0; r < rows; ++r)
      for (double p : ref::softmax(z.data() + r * C, C, T)) soft.push_back(static_cast<float>(p));
    const float got = fit(z, rows, {{}, soft});
    INFO("true T " << T << ", fitted " << got);
    CHECK(std::fabs(got - T) <= 1e-3 * T);
  }
}

TEST_CASE("fit_temperature on sampled labels: the minimiser of the mean cross-entropy", "[fit_temperature]") {
  test::Rng rng(402);
  for (double T : {0.6, 1.7}) {
    const std::size_t rows = 3000, C = 8;
    const std::vector<float> z = test::normal_logits(rng, rows * C, 2);
    const std::vector<int32_t> y = draw_targets(rng, z, rows, T);
    const float got = fit(z, rows, {y});
    const double want = ref::fit_temperature(z, rows, y);
    const double at = ref::mean_nll(z, rows, y, got);
    INFO("generating T " << T << ", fitted " << got << ", golden-section search on the reference " << want
                         << "; mean NLL there " << at << ", at 0.99 T " << ref::mean_nll(z, rows, y, 0.99 * got)
                         << ", at 1.01 T " << ref::mean_nll(z, rows, y, 1.01 * got));
    CHECK(std::fabs(got - want) <= 1e-3 * want);
    CHECK(at <= ref::mean_nll(z, rows, y, 0.99 * got));
    CHECK(at <= ref::mean_nll(z, rows, y, 1.01 * got));
    CHECK(std::fabs(got - T) <= 0.15 * T);  // 3000 labels pin T down to a few percent
  }
}

TEST_CASE("fit_temperature: ignored rows and rows with a masked target do not count", "[fit_temperature]") {
  test::Rng rng(403);
  const std::size_t rows = 500, C = 6;
  std::vector<float> z = test::normal_logits(rng, rows * C, 2);
  std::vector<int32_t> y = draw_targets(rng, z, rows, 1.3);
  const float base = fit(z, rows, {y});
  // Twenty extra rows: ten ignored, ten whose target class is masked (infinite loss at every T).
  for (std::size_t r = 0; r < 20; ++r) {
    std::vector<float> row = test::normal_logits(rng, C, 10);
    int32_t target = -100;
    if (r % 2 == 1) {
      target = static_cast<int32_t>(r % C);
      row[target] = test::kNegInf;
    }
    z.insert(z.end(), row.begin(), row.end());
    y.push_back(target);
  }
  const float with_extra = fit(z, rows + 20, {y});
  INFO("without extra rows " << base << ", with " << with_extra);
  CHECK(std::fabs(with_extra - base) <= 1e-5 * base);
}

TEST_CASE("fit_temperature: the ends of the search range", "[fit_temperature]") {
  test::Rng rng(404);
  const std::size_t rows = 100, C = 5;
  const std::vector<float> z = test::normal_logits(rng, rows * C, 2);
  std::vector<int32_t> argmax(rows), argmin(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto first = z.begin() + static_cast<std::ptrdiff_t>(r * C), last = first + static_cast<std::ptrdiff_t>(C);
    argmax[r] = static_cast<int32_t>(std::max_element(first, last) - first);
    argmin[r] = static_cast<int32_t>(std::min_element(first, last) - first);
  }
  // Targets always the (unique) argmax: the loss keeps falling as T -> 0; always the argmin: as T -> infinity.
  CHECK(fit(z, rows, {argmax}) == Approx(1e-3f));
  CHECK(fit(z, rows, {argmin}) == Approx(1e3f));
}

TEST_CASE("fit_temperature: 1 where the loss does not depend on T", "[fit_temperature]") {
  test::Rng rng(405);
  const std::vector<float> z = test::normal_logits(rng, 40, 2);
  CHECK(fit(z, 10, {std::vector<int32_t>(10, -100)}) == 1.0f);  // no counted row
  CHECK(fit(z, 40, {std::vector<int32_t>(40, 0)}) == 1.0f);     // C = 1: every probability is 1
  std::vector<float> flat(40);
  for (std::size_t r = 0; r < 10; ++r)
    for (std::size_t c = 0; c < 4; ++c) flat[r * 4 + c] = static_cast<float>(r) - 3.5f;  // equal logits in each row
  CHECK(fit(flat, 10, {std::vector<int32_t>{0, 1, 2, 3, 0, 1, 2, 3, 0, 1}}) == 1.0f);
}
