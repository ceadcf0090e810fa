// cross_entropy and cross_entropy_grad with PyTorch's semantics (API.md): index and soft targets, mean/sum/none,
// label smoothing, ignore index, class weights, temperature; losses against the double reference built from the
// formula, gradients against that reference's finite differences and its analytic gradient.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#include "logitlab.hpp"
#include "reference.hpp"
#include "support.hpp"

namespace {

namespace ll = logitlab;
using test::kNegInf;

const char* name_of(ll::Reduction r) {
  return r == ll::Reduction::mean ? "mean" : r == ll::Reduction::sum ? "sum" : "none";
}

// One configuration of cross_entropy, held both as core arguments and as the reference's.
struct Case {
  std::vector<float> z;
  std::size_t rows = 1, C = 1;
  float T = 1;
  std::vector<int32_t> indices;  // index targets, or
  std::vector<float> soft;       // soft targets (rows * C)
  ll::Reduction reduction = ll::Reduction::mean;
  float smoothing = 0;
  int32_t ignore = -100;
  std::vector<float> weight;

  ll::Batch batch() const { return {z, rows, T}; }
  ll::Targets targets() const { return soft.empty() ? ll::Targets{indices, {}} : ll::Targets{{}, soft}; }
  ll::CrossEntropyOptions options() const { return {reduction, smoothing, ignore, weight}; }
  ref::CeTargets ref_targets() const { return {indices, {soft.begin(), soft.end()}}; }
  ref::CeOptions ref_options() const {
    const ref::Reduction r = reduction == ll::Reduction::mean  ? ref::Reduction::mean
                             : reduction == ll::Reduction::sum ? ref::Reduction::sum
                                                               : ref::Reduction::none;
    return {r, smoothing, ignore, {weight.begin(), weight.end()}};
  }
  std::size_t loss_size() const { return reduction == ll::Reduction::none ? rows : 1; }
  std::string describe() const {
    return "rows " + std::to_string(rows) + ", C " + std::to_string(C) + ", T " + test::show(T) + ", " +
           (soft.empty() ? "index" : "soft") + " targets, reduction " + name_of(reduction) + ", smoothing " +
           test::show(smoothing) + ", ignore_index " + std::to_string(ignore) + ", " +
           (weight.empty() ? "no weights" : "class weights");
  }
};

std::vector<float> loss_of(const Case& c) {
  std::vector<float> loss(c.loss_size(), test::guard_float());
  const ll::Status s = ll::cross_entropy(c.batch(), c.targets(), c.options(), loss);
  INFO(c.describe() << ": cross_entropy error " << static_cast<int>(s.error) << " row " << s.row << " index " << s.index
                    << " value " << s.value);
  REQUIRE(s.ok());
  return loss;
}

std::vector<float> grad_of(const Case& c) {
  test::Guarded<float> g(c.z.size(), 1, test::guard_float());
  const ll::Status s = ll::cross_entropy_grad(c.batch(), c.targets(), c.options(), {g.data(), g.size()});
  INFO(c.describe() << ": cross_entropy_grad error " << static_cast<int>(s.error) << " row " << s.row << " index "
                    << s.index << " value " << s.value);
  REQUIRE(s.ok());
  CHECK(g.guards_intact());
  return g.values();
}

std::vector<double> ref_loss(const Case& c) {
  return ref::cross_entropy(c.z.data(), c.rows, c.C, c.T, c.ref_targets(), c.ref_options());
}

// The gradient contract follows from the probabilities': g = (p A - a) / (T d), so each entry may be off by the
// probability tolerance times A / (T d), the largest row's total target weight over T and the mean's denominator.
double grad_scale(const Case& c) {
  const ref::CeTargets t = c.ref_targets();
  const ref::CeOptions o = c.ref_options();
  const double d = c.reduction == ll::Reduction::mean ? ref::mean_denominator(t, o, c.rows) : 1.0;
  double scale = 0;
  for (std::size_t r = 0; r < c.rows; ++r) {
    if (ref::ignored(t, o, r)) continue;
    double total = 0;
    for (double a : ref::coefficients(t, o, r, c.C)) total += a;
    scale = std::max(scale, total / (c.T * (d == 0 ? 1 : d)));
  }
  return scale;
}

bool grad_close(double got, double want, double scale) {
  return std::fabs(got - want) <= scale * 2e-6 + 2e-5 * std::fabs(want) + 1e-9;
}

// Random targets for a case: some rows ignored (index targets), soft rows with a few exact zeros.
void add_targets(test::Rng& rng, Case& c, bool soft, bool with_ignored) {
  if (!soft) {
    for (std::size_t r = 0; r < c.rows; ++r) {
      int32_t y = static_cast<int32_t>(rng.below(c.C));
      if (with_ignored && r % 3 == 1) y = c.ignore;
      c.indices.push_back(y);
    }
    return;
  }
  for (std::size_t r = 0; r < c.rows; ++r) {
    std::vector<double> t(c.C);
    double sum = 0;
    for (double& v : t) sum += v = rng.uniform() < 0.3 ? 0.0 : rng.uniform();
    if (sum == 0) t[0] = sum = 1;
    for (double v : t) c.soft.push_back(static_cast<float>(v / sum));
  }
}

std::vector<float> random_weights(test::Rng& rng, std::size_t C) {
  std::vector<float> w(C);
  for (float& v : w) v = rng.uniform() < 0.2 ? 0.0f : static_cast<float>(rng.uniform(0.1, 3));
  return w;
}

// Every combination of options on one shape.
std::vector<Case> option_grid(test::Rng& rng, std::size_t rows, std::size_t C, bool masks) {
  std::vector<Case> cases;
  for (bool soft : {false, true})
    for (ll::Reduction reduction : {ll::Reduction::mean, ll::Reduction::sum, ll::Reduction::none})
      for (float smoothing : {0.0f, 0.1f, 1.0f})
        for (bool weighted : {false, true})
          for (float T : {1.0f, 0.7f}) {
            Case c;
            c.rows = rows, c.C = C, c.T = T, c.reduction = reduction, c.smoothing = smoothing;
            c.z = test::normal_logits(rng, rows * C, 3);
            if (cases.size() % 4 == 3) c.ignore = static_cast<int32_t>(C / 2);  // an ignore index that is a class
            add_targets(rng, c, soft, true);
            if (weighted) c.weight = random_weights(rng, C);
            // Masks only where every target coefficient on them is 0 (finite loss): no smoothing, soft target 0,
            // index target elsewhere, or weight 0.
            if (masks && smoothing == 0)
              for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t k = 0; k < C; ++k) {
                  // Class 0 stays unmasked where the row is ignored, so no row is entirely -inf.
                  const bool target_here = soft                       ? c.soft[r * C + k] != 0
                                           : c.indices[r] == c.ignore ? k == 0
                                                                      : static_cast<std::size_t>(c.indices[r]) == k;
                  if (!target_here && rng.uniform() < 0.25) c.z[r * C + k] = kNegInf;
                }
            cases.push_back(c);
          }
  return cases;
}

void check_loss_and_grad(const Case& c) {
  INFO(c.describe());
  const std::vector<float> loss = loss_of(c);
  const std::vector<double> want = ref_loss(c);
  const std::string bad = test::log_mismatches(loss, want, 1);
  INFO("loss (class = row): " << bad);
  CHECK(bad.empty());

  const std::vector<float> g = grad_of(c);
  const std::vector<double> want_g =
      ref::cross_entropy_grad(c.z.data(), c.rows, c.C, c.T, c.ref_targets(), c.ref_options());
  const double scale = grad_scale(c);
  const std::string bad_g =
      test::mismatches(g, want_g, c.C, [&](double got, double w, std::size_t) { return grad_close(got, w, scale); });
  INFO("gradient against the analytic formula (scale " << scale << "): " << bad_g);
  CHECK(bad_g.empty());
}

}  // namespace

TEST_CASE("cross_entropy: worked examples", "[cross_entropy]") {
  const std::vector<float> z{std::log(0.8f), std::log(0.19f), std::log(0.01f)};
  float loss = 0;
  SECTION("-log 0.80 = 0.223 and -log 0.01 = 4.605") {
    const int32_t y0 = 0, y2 = 2;
    REQUIRE(ll::cross_entropy({z}, {{&y0, 1}}, {}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, 0.22314355131420976));
    REQUIRE(ll::cross_entropy({z}, {{&y2, 1}}, {}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, 4.605170185988091));
  }
  SECTION("class weights: 'mean' divides by the targets' total weight, as PyTorch") {
    // Two rows of equal logits (p = 1/2), targets 0 and 1, weights 1 and 3: losses log 2 and 3 log 2.
    const std::vector<float> zz(4, 0.0f), w{1.0f, 3.0f};
    const std::vector<int32_t> y{0, 1};
    std::vector<float> none(2);
    REQUIRE(ll::cross_entropy({zz, 2}, {y}, {ll::Reduction::mean, 0, -100, w}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, std::log(2.0)));  // (1 + 3) log 2 / (1 + 3)
    REQUIRE(ll::cross_entropy({zz, 2}, {y}, {ll::Reduction::sum, 0, -100, w}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, 4 * std::log(2.0)));
    REQUIRE(ll::cross_entropy({zz, 2}, {y}, {ll::Reduction::none, 0, -100, w}, none).ok());
    CHECK(test::log_close(none[0], std::log(2.0)));
    CHECK(test::log_close(none[1], 3 * std::log(2.0)));
  }
  SECTION("label smoothing mixes the target as (1 - eps) y + eps / C") {
    // p = (1/4, 3/4), target 1, eps 0.2: target (0.1, 0.9).
    const std::vector<float> zz{0.0f, std::log(3.0f)};
    const int32_t y = 1;
    REQUIRE(ll::cross_entropy({zz}, {{&y, 1}}, {ll::Reduction::mean, 0.2f}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, -(0.1 * std::log(0.25) + 0.9 * std::log(0.75))));
  }
  SECTION("ignored rows count neither in the sum nor in the mean's denominator") {
    const std::vector<float> zz{0, 0, 5, -5, 0, std::log(3.0f)};
    const std::vector<int32_t> y{0, -100, 1};
    REQUIRE(ll::cross_entropy({zz, 3}, {y}, {}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, (std::log(2.0) - std::log(0.75)) / 2));
  }
  SECTION("soft targets: -sum t log p; 'mean' divides by the row count") {
    const std::vector<float> zz{0, 0, 0, 0};
    const std::vector<float> t{0.25f, 0.75f, 1.0f, 0.0f};
    REQUIRE(ll::cross_entropy({zz, 2}, {{}, t}, {}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, std::log(2.0)));
  }
  SECTION("temperature divides the logits first") {
    const std::vector<float> zz{0.0f, 2 * std::log(3.0f)};  // at T = 2: p = (1/4, 3/4)
    const int32_t y = 0;
    REQUIRE(ll::cross_entropy({zz, 1, 2.0f}, {{&y, 1}}, {}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, std::log(4.0)));
  }
}

TEST_CASE("cross_entropy and its gradient: every option against the double reference", "[cross_entropy]") {
  test::Rng rng(201);
  for (std::size_t C : {1, 2, 5, 16, 37, 1001})
    for (std::size_t rows : {1, 7, 64})
      for (bool masks : {false, true})
        if (!(C > 100 && rows > 7))
          for (const Case& c : option_grid(rng, rows, C, masks)) check_loss_and_grad(c);
}

TEST_CASE("cross_entropy at vocabulary sizes, logits in [90, 100]", "[cross_entropy]") {
  test::Rng rng(202);
  for (std::size_t C : {32000, 50257, 262144}) {
    const std::size_t rows = C == 262144 ? 1 : 3;
    for (float smoothing : {0.0f, 0.1f}) {
      Case c;
      c.rows = rows, c.C = C, c.smoothing = smoothing, c.T = 0.8f;
      c.z = test::uniform_logits(rng, rows * C, 90, 100);
      add_targets(rng, c, false, false);
      c.weight = random_weights(rng, C);
      c.reduction = ll::Reduction::none;
      check_loss_and_grad(c);
      Case soft = c;
      soft.indices.clear();
      add_targets(rng, soft, true, false);
      soft.reduction = ll::Reduction::mean;
      check_loss_and_grad(soft);
    }
  }
}

TEST_CASE("cross_entropy_grad against finite differences of the double reference", "[cross_entropy]") {
  test::Rng rng(203);
  for (std::size_t C : {1, 2, 3, 7})
    for (std::size_t rows : {1, 3})
      for (const Case& c : option_grid(rng, rows, C, false)) {
        INFO(c.describe());
        const std::vector<float> g = grad_of(c);
        const ref::CeTargets t = c.ref_targets();
        const ref::CeOptions o = c.ref_options();
        std::vector<double> z(c.z.begin(), c.z.end()), fd(z.size());
        // Central differences in double: truncation ~h^2 / T^3, cancellation ~1e-16 L / h, both below 1e-9.
        for (std::size_t i = 0; i < z.size(); ++i) {
          const double h = 1e-5, keep = z[i];
          // 'none': row r's gradient is that of row r's own loss.
          const std::size_t out = c.reduction == ll::Reduction::none ? i / c.C : 0;
          z[i] = keep + h;
          const double up = ref::cross_entropy(z.data(), c.rows, c.C, c.T, t, o)[out];
          z[i] = keep - h;
          const double down = ref::cross_entropy(z.data(), c.rows, c.C, c.T, t, o)[out];
          z[i] = keep;
          fd[i] = (up - down) / (2 * h);
        }
        const double scale = grad_scale(c);
        const std::string bad =
            test::mismatches(g, fd, c.C, [&](double got, double w, std::size_t) { return grad_close(got, w, scale); });
        INFO("gradient against finite differences (scale " << scale << "): " << bad);
        CHECK(bad.empty());
        // The analytic reference itself agrees with the finite differences to ~1e-8.
        const std::vector<double> analytic = ref::cross_entropy_grad(c.z.data(), c.rows, c.C, c.T, t, o);
        const std::string ref_bad = test::mismatches(analytic, fd, c.C, [&](double got, double w, std::size_t) {
          return std::fabs(got - w) <= 1e-7 * std::max(1.0, scale);
        });
        INFO("reference analytic gradient against finite differences: " << ref_bad);
        CHECK(ref_bad.empty());
      }
}

TEST_CASE("cross_entropy_grad in place gives the same bits", "[cross_entropy]") {
  test::Rng rng(204);
  for (const Case& c : option_grid(rng, 5, 33, true)) {
    INFO(c.describe());
    const std::vector<float> g = grad_of(c);
    std::vector<float> in_place = c.z;
    REQUIRE(ll::cross_entropy_grad({in_place, c.rows, c.T}, c.targets(), c.options(), in_place).ok());
    CHECK(test::exact_mismatches(in_place, g, c.C) == "");
  }
}

TEST_CASE("cross_entropy: masks, ignored rows and empty means", "[cross_entropy]") {
  const std::vector<float> z{2.0f, kNegInf, 0.5f, 1.0f, 1.0f, kNegInf};
  std::vector<float> none(2);
  float loss = 0;
  SECTION("an index target on a masked class: loss +inf (not NaN) in every reduction") {
    const std::vector<int32_t> y{1, 0};
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::none}, none).ok());
    CHECK(none[0] == test::kInf);
    CHECK(test::log_close(none[1], ref_loss(Case{z, 2, 3, 1, y, {}, ll::Reduction::none})[1]));
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::mean}, {&loss, 1}).ok());
    CHECK(loss == test::kInf);
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::sum}, {&loss, 1}).ok());
    CHECK(loss == test::kInf);
  }
  SECTION("label smoothing puts weight on every class: a masked class makes the loss +inf") {
    const std::vector<int32_t> y{0, 1};
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::none, 0.1f}, none).ok());
    CHECK(none[0] == test::kInf);
    CHECK(none[1] == test::kInf);
  }
  SECTION("a zero class weight on a masked class removes it, smoothing or not") {
    const std::vector<int32_t> y{0, 1};
    const std::vector<float> w{1.0f, 0.0f, 1.0f};
    Case c{z, 2, 3, 1, y, {}, ll::Reduction::none, 0.0f, -100, w};
    const std::vector<float> z2{2.0f, kNegInf, 0.5f, 1.0f, 1.0f, 0.25f};
    for (float eps : {0.0f, 0.3f}) {
      c.smoothing = eps;
      c.z = z2;
      check_loss_and_grad(c);
      REQUIRE(ll::cross_entropy({z2, 2}, {y}, c.options(), none).ok());
      INFO("smoothing " << eps << ": losses " << none[0] << ", " << none[1]);
      CHECK(std::isfinite(none[0]));
    }
  }
  SECTION("an index target on a masked class whose weight is 0 contributes 0, not 0 * inf = NaN") {
    const std::vector<int32_t> y{1, 0};
    const std::vector<float> w{1.0f, 0.0f, 1.0f};
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::none, 0.0f, -100, w}, none).ok());
    INFO("losses " << none[0] << ", " << none[1]);
    CHECK(none[0] == 0.0f);
    CHECK(test::log_close(none[1], ref_loss(Case{z, 2, 3, 1, y, {}, ll::Reduction::none, 0.0f, -100, w})[1]));
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::sum, 0.0f, -100, w}, {&loss, 1}).ok());
    CHECK(test::log_close(loss, none[1]));
    std::vector<float> g(6);
    REQUIRE(ll::cross_entropy_grad({z, 2}, {y}, {ll::Reduction::none, 0.0f, -100, w}, g).ok());
    CHECK(std::vector<float>(g.begin(), g.begin() + 3) == std::vector<float>(3, 0.0f));
  }
  SECTION("soft targets: 0 on a masked class counts 0, a positive target makes +inf") {
    const std::vector<float> zero_on_mask{0.5f, 0.0f, 0.5f, 0.2f, 0.8f, 0.0f};
    REQUIRE(ll::cross_entropy({z, 2}, {{}, zero_on_mask}, {ll::Reduction::none}, none).ok());
    const std::vector<double> want = ref_loss(Case{z, 2, 3, 1, {}, zero_on_mask, ll::Reduction::none});
    CHECK(test::log_mismatches(none, want, 1) == "");
    CHECK(std::isfinite(none[0]));
    const std::vector<float> on_mask{0.5f, 0.1f, 0.4f, 0.2f, 0.8f, 0.0f};
    REQUIRE(ll::cross_entropy({z, 2}, {{}, on_mask}, {ll::Reduction::none}, none).ok());
    CHECK(none[0] == test::kInf);
    CHECK(std::isfinite(none[1]));
  }
  SECTION("every row ignored: mean 0 (not NaN), sum 0, none zeros, gradient zeros") {
    const std::vector<int32_t> y{-100, -100};
    std::vector<float> g(6, 7.0f);
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::mean}, {&loss, 1}).ok());
    CHECK(loss == 0.0f);
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::sum}, {&loss, 1}).ok());
    CHECK(loss == 0.0f);
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::none}, none).ok());
    CHECK(none == std::vector<float>{0, 0});
    REQUIRE(ll::cross_entropy_grad({z, 2}, {y}, {ll::Reduction::mean}, g).ok());
    CHECK(g == std::vector<float>(6, 0.0f));
  }
  SECTION("targets whose weights are all 0: 'mean' is 0, not NaN") {
    const std::vector<int32_t> y{0, 0};
    const std::vector<float> w{0.0f, 1.0f, 1.0f};
    std::vector<float> g(6, 7.0f);
    REQUIRE(ll::cross_entropy({z, 2}, {y}, {ll::Reduction::mean, 0, -100, w}, {&loss, 1}).ok());
    CHECK(loss == 0.0f);
    REQUIRE(ll::cross_entropy_grad({z, 2}, {y}, {ll::Reduction::mean, 0, -100, w}, g).ok());
    CHECK(g == std::vector<float>(6, 0.0f));
  }
  SECTION("an ignored row's gradient is 0 and the others are unchanged by it") {
    const std::vector<float> zz{1.0f, 2.0f, 3.0f, 0.5f, -1.0f, 4.0f};
    std::vector<float> g(6), g_one(3);
    REQUIRE(ll::cross_entropy_grad({zz, 2}, {std::vector<int32_t>{2, -100}}, {ll::Reduction::mean}, g).ok());
    REQUIRE(ll::cross_entropy_grad({{zz.data(), 3}, 1}, {std::vector<int32_t>{2}}, {ll::Reduction::mean}, g_one).ok());
    CHECK(std::vector<float>(g.begin(), g.begin() + 3) == g_one);
    CHECK(std::vector<float>(g.begin() + 3, g.end()) == std::vector<float>(3, 0.0f));
  }
}

TEST_CASE("cross_entropy_grad when 1 / T, weights or a tiny mean push its factors past float's range",
          "[cross_entropy]") {
  // Found by fuzzing: T = 5e-35 with label smoothing and weights made the float factor of p infinite, and a masked
  // class (p = 0) got 0 * inf = NaN instead of its finite gradient -w_c t'_c / (T d).
  test::Rng rng(411);
  for (bool soft : {false, true})
    for (ll::Reduction reduction : {ll::Reduction::sum, ll::Reduction::mean})
      for (float T : {5e-35f, 2e-38f, 1.0f}) {
        Case c;
        c.rows = 3, c.C = 33, c.T = T, c.reduction = reduction, c.smoothing = 1.0f;
        c.z = test::normal_logits(rng, c.rows * c.C, 1e-30);  // differences small enough for exp to stay above 0
        c.z[0] = -test::kInf;                                 // a masked class: p = 0
        c.weight.resize(c.C);
        for (float& w : c.weight) w = T == 1.0f ? 1e-37f : static_cast<float>(rng.uniform(1, 1e4));  // tiny d at T = 1
        add_targets(rng, c, soft, false);
        INFO(c.describe());
        const std::vector<float> g = grad_of(c);
        const std::vector<double> want =
            ref::cross_entropy_grad(c.z.data(), c.rows, c.C, c.T, c.ref_targets(), c.ref_options());
        std::size_t nan = 0;
        for (float v : g) nan += std::isnan(v);
        CHECK(nan == 0);
        const double scale = grad_scale(c);
        const std::string bad = test::mismatches(g, want, c.C, [&](double got, double w, std::size_t) {
          // Beyond float's range the right float is the infinity of the same sign (or FLT_MAX, at the edge).
          if (std::fabs(w) >= FLT_MAX) return std::fabs(got) >= FLT_MAX && (got < 0) == (w < 0);
          return grad_close(got, w, scale);
        });
        INFO("gradient against the analytic formula (scale " << scale << "): " << bad);
        CHECK(bad.empty());
      }
}
