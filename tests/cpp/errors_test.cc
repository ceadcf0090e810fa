// Every error of status.hpp that the core returns, from every function that can return it, with the row, index and
// value it must report, and every output left exactly as it was (filled with a sentinel before the call).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "logitlab.hpp"
#include "support.hpp"

namespace {

namespace ll = logitlab;
using ll::Error;
using test::kInf;
using test::kNaN;
using test::kNegInf;

// Everything a call can take. Batch functions see z as `rows` rows; one-row functions (top_k, sample,
// sample_distribution, trace) see all of z as one row.
struct Args {
  std::vector<float> z{1, 2, 3, 4, 5, 6};
  std::size_t rows = 2;
  float T = 1;
  std::vector<int32_t> y{0, 2};
  std::vector<float> soft;  // used when not empty
  ll::Reduction reduction = ll::Reduction::mean;
  float smoothing = 0;
  std::vector<float> weight;
  std::size_t k = 2;
  ll::SampleOptions sampling;
  std::vector<int32_t> history;
  int32_t trace_target = -1;
  bool trace_sampling = false;
  int out_delta = 0;         // added to the first output's correct length
  int second_out_delta = 0;  // added to the second output's (top_k values, sample_distribution probabilities,
                             // trace gradient / kept)
};

const int32_t kSentinelIndex = -12345;

std::size_t sized(std::size_t n, int delta) { return static_cast<std::size_t>(static_cast<long>(n) + delta); }

// Calls one function with sentinel-filled outputs; `touched` says whether any output changed.
using Call = std::function<ll::Status(const Args&, bool& touched)>;

template <class T>
bool changed(const std::vector<T>& v, T sentinel) {
  for (const T& x : v)
    if (std::memcmp(&x, &sentinel, sizeof(T)) != 0) return true;
  return false;
}

ll::Targets targets(const Args& a) { return a.soft.empty() ? ll::Targets{a.y, {}} : ll::Targets{{}, a.soft}; }
ll::CrossEntropyOptions ce(const Args& a) { return {a.reduction, a.smoothing, -100, a.weight}; }
ll::SampleOptions sampling(const Args& a) {
  ll::SampleOptions o = a.sampling;
  o.temperature = a.T;
  o.history = a.history;
  return o;
}

// A function that writes `n` floats per call.
Call vector_call(std::function<ll::Status(const Args&, std::span<float>)> f,
                 std::function<std::size_t(const Args&)> n) {
  return [f, n](const Args& a, bool& touched) {
    const float g = test::guard_float();
    std::vector<float> out(sized(n(a), a.out_delta), g);
    const ll::Status s = f(a, out);
    touched = changed(out, g);
    return s;
  };
}

struct Function {
  std::string name;
  Call call;
};

Function softmax_fn() {
  return {"softmax", vector_call(
                         [](const Args& a, std::span<float> o) {
    return ll::softmax({a.z, a.rows, a.T}, o);
                         },
                         [](const Args& a) { return a.z.size(); })};
}
Function log_softmax_fn() {
  return {"log_softmax", vector_call(
                             [](const Args& a, std::span<float> o) {
    return ll::log_softmax({a.z, a.rows, a.T}, o);
                             },
                             [](const Args& a) { return a.z.size(); })};
}
Function log_sum_exp_fn() {
  return {"log_sum_exp", vector_call(
                             [](const Args& a, std::span<float> o) {
    return ll::log_sum_exp({a.z, a.rows, a.T}, o);
                             },
                             [](const Args& a) { return a.rows; })};
}
Function entropy_fn() {
  return {"entropy", vector_call(
                         [](const Args& a, std::span<float> o) {
    return ll::entropy({a.z, a.rows, a.T}, o);
                         },
                         [](const Args& a) { return a.rows; })};
}
Function cross_entropy_fn() {
  return {"cross_entropy", vector_call(
                               [](const Args& a, std::span<float> o) {
    return ll::cross_entropy({a.z, a.rows, a.T}, targets(a), ce(a), o);
                               },
                               [](const Args& a) { return a.reduction == ll::Reduction::none ? a.rows : 1; })};
}
Function cross_entropy_grad_fn() {
  return {"cross_entropy_grad", vector_call(
                                    [](const Args& a, std::span<float> o) {
    return ll::cross_entropy_grad({a.z, a.rows, a.T}, targets(a), ce(a), o);
                                    },
                                    [](const Args& a) { return a.z.size(); })};
}
Function top_k_fn() {
  return {"top_k", [](const Args& a, bool& touched) {
            std::vector<int32_t> idx(sized(a.k, a.out_delta), kSentinelIndex);
            std::vector<float> val(sized(a.k, a.second_out_delta), test::guard_float());
            const ll::Status s = ll::top_k(a.z, a.k, idx, val);
            touched = changed(idx, kSentinelIndex) || changed(val, test::guard_float());
            return s;
          }};
}
Function sample_fn() {
  return {"sample", [](const Args& a, bool& touched) {
            int32_t index = kSentinelIndex;
            const ll::Status s = ll::sample(a.z, sampling(a), index);
            touched = index != kSentinelIndex;
            return s;
          }};
}
Function sample_distribution_fn() {
  return {"sample_distribution", [](const Args& a, bool& touched) {
            std::vector<uint8_t> kept(sized(a.z.size(), a.out_delta), 77);
            std::vector<float> p(sized(a.z.size(), a.second_out_delta), test::guard_float());
            const ll::Status s = ll::sample_distribution(a.z, sampling(a), kept, p);
            touched = changed(kept, uint8_t{77}) || changed(p, test::guard_float());
            return s;
          }};
}
Function fit_temperature_fn() {
  return {"fit_temperature", [](const Args& a, bool& touched) {
            float T = -7;
            const ll::Status s = ll::fit_temperature(a.z, a.rows, targets(a), T);
            touched = T != -7;
            return s;
          }};
}
Function trace_fn() {
  return {"trace", [](const Args& a, bool& touched) {
            const std::size_t C = a.z.size();
            const float g = test::guard_float();
            std::vector<float> scaled(sized(C, a.out_delta), g), shifted(C, g), exps(C, g), p(C, g), lp(C, g);
            std::vector<float> grad(a.trace_target >= 0 ? sized(C, a.second_out_delta) : 0, g);
            std::vector<uint8_t> kept(a.trace_sampling ? sized(C, a.second_out_delta) : 0, 77);
            std::vector<float> kept_p(a.trace_sampling ? C : 0, g);
            ll::TraceResult r{scaled, shifted, exps, p, lp, grad, kept, kept_p};
            r.max = r.sum = r.log_sum_exp = r.entropy = r.loss = g;
            ll::TraceOptions o{a.T, a.trace_target, a.smoothing, sampling(a), a.trace_sampling};
            const ll::Status s = ll::trace(a.z, o, r);
            touched = changed(scaled, g) || changed(shifted, g) || changed(exps, g) || changed(p, g) ||
                      changed(lp, g) || changed(grad, g) || changed(kept, uint8_t{77}) || changed(kept_p, g) ||
                      !test::same_bits(r.max, g) || !test::same_bits(r.sum, g) || !test::same_bits(r.log_sum_exp, g) ||
                      !test::same_bits(r.entropy, g) || !test::same_bits(r.loss, g);
            return s;
          }};
}

std::vector<Function> batch_functions() {
  return {softmax_fn(), log_softmax_fn(), log_sum_exp_fn(), entropy_fn(), cross_entropy_fn(), cross_entropy_grad_fn()};
}
std::vector<Function> row_functions() { return {top_k_fn(), sample_fn(), sample_distribution_fn(), trace_fn()}; }
std::vector<Function> target_functions() { return {cross_entropy_fn(), cross_entropy_grad_fn(), fit_temperature_fn()}; }
std::vector<Function> sampling_functions() { return {sample_fn(), sample_distribution_fn()}; }

struct Want {
  Error error;
  std::size_t row = 0, index = 0;
  double value = 0;
};

// Checks the status and that no output changed.
void expect(const Function& f, const Args& a, const Want& w, const std::string& what) {
  bool touched = false;
  const ll::Status s = f.call(a, touched);
  INFO(f.name << " with " << what << ": got error " << static_cast<int>(s.error) << " row " << s.row << " index "
              << s.index << " value " << s.value << "; want error " << static_cast<int>(w.error) << " row " << w.row
              << " index " << w.index << " value " << w.value);
  CHECK(s.error == w.error);
  CHECK(s.row == w.row);
  CHECK(s.index == w.index);
  if (std::isnan(w.value))
    CHECK(std::isnan(s.value));
  else
    CHECK(s.value == Approx(w.value).epsilon(1e-6));
  INFO("outputs changed on error");
  CHECK_FALSE(touched);
}

void expect_all(const std::vector<Function>& fs, const Args& a, const Want& w, const std::string& what) {
  for (const Function& f : fs) expect(f, a, w, what);
}

std::vector<Function> concat(std::vector<Function> a, const std::vector<Function>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("errors: layout of the logits", "[errors]") {
  const auto all = concat(concat(batch_functions(), row_functions()), {fit_temperature_fn()});
  Args empty;
  empty.z.clear(), empty.rows = 1, empty.y = {0}, empty.k = 0;
  expect_all(all, empty, {Error::empty_logits}, "empty logits");

  Args zero_rows;
  zero_rows.rows = 0;
  expect_all(concat(batch_functions(), {fit_temperature_fn()}), zero_rows, {Error::rows_invalid}, "rows = 0");

  Args mismatch;
  mismatch.rows = 4, mismatch.y = {0, 0, 0, 0};
  expect_all(concat(batch_functions(), {fit_temperature_fn()}), mismatch, {Error::rows_mismatch, 0, 0, 6},
             "6 logits in 4 rows");
}

TEST_CASE("errors: temperature", "[errors]") {
  const auto fs = concat(concat(batch_functions(), sampling_functions()), {trace_fn()});
  for (float T : {0.0f, -1.0f, kInf, -kInf, 1e-40f}) {
    Args a;
    a.T = T;
    expect_all(fs, a, {Error::temperature_invalid, 0, 0, T}, "T = " + test::show(T));
  }
  Args nan;
  nan.T = kNaN;
  expect_all(fs, nan, {Error::temperature_invalid, 0, 0, kNaN}, "T = NaN");
}

TEST_CASE("errors: NaN, +inf and all-masked rows name the row and index", "[errors]") {
  const auto batch = concat(batch_functions(), {fit_temperature_fn()});
  for (std::size_t at : {0, 4, 5}) {
    Args a;
    a.z[at] = kNaN;
    expect_all(batch, a, {Error::logit_nan, at / 3, at % 3}, "NaN at row " + std::to_string(at / 3));
    expect_all(row_functions(), a, {Error::logit_nan, 0, at}, "NaN at " + std::to_string(at));
    a.z[at] = kInf;
    expect_all(batch, a, {Error::logit_pos_inf, at / 3, at % 3}, "+inf at row " + std::to_string(at / 3));
    expect_all(row_functions(), a, {Error::logit_pos_inf, 0, at}, "+inf at " + std::to_string(at));
  }
  SECTION("the first offender in the row is named") {
    Args a;
    a.z = {1, 2, 3, 4, kInf, kNaN};
    expect_all(batch, a, {Error::logit_pos_inf, 1, 1}, "+inf then NaN in row 1");
  }
  SECTION("a row entirely -inf") {
    Args a;
    a.z = {1, kNegInf, 3, kNegInf, kNegInf, kNegInf};
    expect_all(batch, a, {Error::row_all_masked, 1}, "row 1 all -inf");
    a.z.assign(6, kNegInf);
    expect_all(row_functions(), a, {Error::row_all_masked, 0}, "every logit -inf");
  }
}

TEST_CASE("errors: targets", "[errors]") {
  Args count;
  count.y = {0, 1, 2};
  expect_all(target_functions(), count, {Error::target_count, 0, 0, 3}, "3 targets for 2 rows");
  for (const auto& [y, row, value] :
       {std::tuple{std::vector<int32_t>{0, 3}, 1, 3}, std::tuple{std::vector<int32_t>{-1, 0}, 0, -1},
        std::tuple{std::vector<int32_t>{-100, 7}, 1, 7}}) {
    Args a;
    a.y = y;
    expect_all(target_functions(), a,
               {Error::target_out_of_range, static_cast<std::size_t>(row), 0, static_cast<double>(value)},
               "targets " + std::to_string(y[0]) + ", " + std::to_string(y[1]));
  }
  Args trace_target;
  trace_target.trace_target = 6;
  expect(trace_fn(), trace_target, {Error::target_out_of_range, 0, 0, 6}, "trace target 6 of 6 classes");

  Args length;
  length.soft = {0.5f, 0.5f, 0.0f, 1.0f, 0.0f};
  expect_all(target_functions(), length, {Error::soft_target_length, 0, 0, 5}, "5 soft targets for 2 x 3");
  for (float bad : {-0.1f, kNaN, kInf}) {
    Args a;
    a.soft = {0.5f, 0.5f, 0.0f, 1.0f, bad, 0.0f};
    expect_all(target_functions(), a, {Error::soft_target_invalid, 1, 1, bad}, "soft target " + test::show(bad));
  }
  Args sum;
  sum.soft = {0.5f, 0.5f, 0.0f, 0.5f, 0.5f, 0.01f};
  expect_all(target_functions(), sum, {Error::soft_target_sum, 1, 0, 1.01}, "soft row 1 summing to 1.01");
  Args within;  // 1e-3 is allowed
  within.soft = {0.5f, 0.5f, 0.0f, 0.5f, 0.5f, 0.0009f};
  for (const Function& f : target_functions()) {
    bool touched = false;
    INFO(f.name << " with a soft row summing to 1.0009");
    CHECK(f.call(within, touched).ok());
  }
}

TEST_CASE("errors: cross-entropy options", "[errors]") {
  const std::vector<Function> ce{cross_entropy_fn(), cross_entropy_grad_fn()};
  for (float eps : {-0.1f, 1.5f, kNaN}) {
    Args a;
    a.smoothing = eps;
    expect_all(ce, a, {Error::label_smoothing_invalid, 0, 0, eps}, "label smoothing " + test::show(eps));
    a.trace_target = 1;
    expect(trace_fn(), a, {Error::label_smoothing_invalid, 0, 0, eps}, "label smoothing " + test::show(eps));
  }
  Args wl;
  wl.weight = {1, 2};
  expect_all(ce, wl, {Error::weight_length, 0, 0, 2}, "2 weights for 3 classes");
  for (float bad : {-1.0f, kNaN, kInf}) {
    Args a;
    a.weight = {1, bad, 1};
    expect_all(ce, a, {Error::weight_invalid, 0, 1, bad}, "weight " + test::show(bad));
  }
  Args red;
  red.reduction = static_cast<ll::Reduction>(7);
  expect_all(ce, red, {Error::reduction_invalid, 0, 0, 7}, "reduction 7");
}

TEST_CASE("errors: top-k and sampling options", "[errors]") {
  Args k;
  k.k = 7;
  expect(top_k_fn(), k, {Error::k_invalid, 0, 0, 7}, "k = 7 of 6 classes");
  Args sk;
  sk.sampling.top_k = 7;
  expect_all(sampling_functions(), sk, {Error::k_invalid, 0, 0, 7}, "top_k = 7 of 6 classes");
  sk.trace_sampling = true;
  expect(trace_fn(), sk, {Error::k_invalid, 0, 0, 7}, "sampling top_k = 7 of 6 classes");

  for (float p : {0.0f, -0.1f, 1.5f, kNaN}) {
    Args a;
    a.sampling.top_p = p;
    expect_all(sampling_functions(), a, {Error::top_p_invalid, 0, 0, p}, "top_p " + test::show(p));
    a.trace_sampling = true;
    expect(trace_fn(), a, {Error::top_p_invalid, 0, 0, p}, "sampling top_p " + test::show(p));
  }
  for (float p : {-0.1f, 1.5f, kNaN}) {
    Args a;
    a.sampling.min_p = p;
    expect_all(sampling_functions(), a, {Error::min_p_invalid, 0, 0, p}, "min_p " + test::show(p));
  }
  for (float penalty : {0.0f, -1.0f, kInf, kNaN}) {
    Args a;
    a.sampling.repetition_penalty = penalty;
    expect_all(sampling_functions(), a, {Error::repetition_penalty_invalid, 0, 0, penalty},
               "repetition penalty " + test::show(penalty));
  }
  Args h;
  h.history = {1, 5, 6};
  expect_all(sampling_functions(), h, {Error::history_out_of_range, 0, 2, 6}, "history token 6 of 6 classes");
  h.history = {-1};
  expect_all(sampling_functions(), h, {Error::history_out_of_range, 0, 0, -1}, "history token -1");
  h.history = {1, 6};
  h.trace_sampling = true;
  expect(trace_fn(), h, {Error::history_out_of_range, 0, 1, 6}, "sampling history token 6 of 6 classes");
}

TEST_CASE("errors: outputs of the wrong length report their length", "[errors]") {
  for (int delta : {-1, 1}) {
    Args a;
    a.out_delta = delta;
    for (const Function& f : batch_functions()) {
      const std::size_t right = f.name == "log_sum_exp" || f.name == "entropy" ? 2 : f.name == "cross_entropy" ? 1 : 6;
      expect(f, a, {Error::out_length, 0, 0, static_cast<double>(sized(right, delta))},
             "out length off by " + std::to_string(delta));
    }
    Args none = a;
    none.reduction = ll::Reduction::none;
    expect(cross_entropy_fn(), none, {Error::out_length, 0, 0, static_cast<double>(sized(2, delta))},
           "'none' loss length off by " + std::to_string(delta));
    expect(top_k_fn(), a, {Error::out_length, 0, 0, static_cast<double>(sized(2, delta))},
           "indices length off by " + std::to_string(delta));
    expect(sample_distribution_fn(), a, {Error::out_length, 0, 0, static_cast<double>(sized(6, delta))},
           "kept length off by " + std::to_string(delta));
    expect(trace_fn(), a, {Error::out_length, 0, 0, static_cast<double>(sized(6, delta))},
           "scaled length off by " + std::to_string(delta));

    Args second;
    second.second_out_delta = delta;
    expect(top_k_fn(), second, {Error::out_length, 0, 0, static_cast<double>(sized(2, delta))},
           "values length off by " + std::to_string(delta));
    expect(sample_distribution_fn(), second, {Error::out_length, 0, 0, static_cast<double>(sized(6, delta))},
           "probabilities length off by " + std::to_string(delta));
    second.trace_target = 1;
    expect(trace_fn(), second, {Error::out_length, 0, 0, static_cast<double>(sized(6, delta))},
           "gradient length off by " + std::to_string(delta));
    second.trace_target = -1;
    second.trace_sampling = true;
    expect(trace_fn(), second, {Error::out_length, 0, 0, static_cast<double>(sized(6, delta))},
           "kept length off by " + std::to_string(delta));
  }
}
