// cross_entropy_grad: each row's gradient sums to 0 (softmax minus a target of the same total weight), ignored rows
// are exactly 0, signs follow p - y for plain index targets, values match float64 (infinite only past float's range);
// in place or not.
#include <cfloat>

#include "ce.hpp"
#include "oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fuzz;
  CrossEntropyCase k = cross_entropy_case(data, size);
  const bool wrong_out = k.wrong_out && !k.in_place;
  std::vector<float> grad(k.input.size() + (wrong_out ? 1 : 0), kSentinel);
  std::span<float> out = k.in_place ? std::span<float>(k.l.values) : std::span<float>(grad);
  const CrossEntropyArgs args = k.args();
  Errors expected = cross_entropy_errors(args);
  if (wrong_out) expected |= bit(Error::out_length);
  const logitlab::Status s =
      logitlab::cross_entropy_grad({k.l.values, k.l.rows, k.l.temperature}, k.targets(), k.options, out);
  check_status("cross_entropy_grad", s, expected);
  check_twins_batch(k.input, k.l.rows, k.l.temperature);
  if (!k.in_place || !s.ok()) FUZZ_CHECK(unchanged(k.l.values, k.input), "cross_entropy_grad changed its logits");
  if (!s.ok()) {
    check_status_location("cross_entropy_grad", s, k.input, k.l.classes);
    FUZZ_CHECK(k.in_place || all_sentinel(grad), "cross_entropy_grad wrote its output although it failed with error %d",
               static_cast<int>(s.error));
    return 0;
  }
  const ref::CeParts ref = cross_entropy_ref(args);
  const std::size_t C = k.l.classes;
  const bool plain = !k.soft && k.options.label_smoothing == 0.0f;
  for (std::size_t r = 0; r < k.l.rows; ++r) {
    const float* g = out.data() + r * C;
    const double scale = ref.grad_scale[r];
    double sum = 0, magnitude = 0;
    bool infinite = false;
    for (std::size_t c = 0; c < C; ++c) {
      const double want = ref.grad[r * C + c];
      const double own = want - ref.rows[r].p[c] * scale;  // -w_c t'_c / (T d), computed directly
      const double tol = (1e-6 + 2e-5 * ref.rows[r].p[c]) * scale + 1e-6 * std::fabs(own) + 1e-37;
      // Past float's range (T near FLT_MIN with large weights) the rounded result is an infinity of the reference's
      // sign; never NaN.
      const bool ok = std::isinf(g[c]) ? std::fabs(want) + tol >= FLT_MAX && (g[c] > 0) == (want > 0)
                                       : !std::isnan(g[c]) && std::fabs(g[c] - want) <= tol;
      infinite |= std::isinf(g[c]);
      FUZZ_CHECK(
          ok,
          "cross_entropy_grad: (row %zu, class %zu) = %.9g, reference %.9g, tolerance %.3g (C %zu, T %g, eps %g, "
          "reduction %d, %s targets, %s, logit %g, p %.9g)",
          r, c, g[c], want, tol, C, k.l.temperature, k.options.label_smoothing, static_cast<int>(k.options.reduction),
          k.soft ? "soft" : "index", k.weight.empty() ? "unweighted" : "weighted", k.input[r * C + c],
          ref.rows[r].p[c]);
      if (ref.ignored[r] || ref.denominator == 0)
        FUZZ_CHECK(g[c] == 0.0f, "cross_entropy_grad: ignored row %zu class %zu = %g, not 0", r, c, g[c]);
      if (plain && !ref.ignored[r]) {
        const bool is_target = static_cast<std::size_t>(k.indices[r]) == c;
        FUZZ_CHECK(is_target ? g[c] <= 1e-6 * scale : g[c] >= 0.0f,
                   "cross_entropy_grad: (row %zu, class %zu) = %g has the wrong sign (target %d)", r, c, g[c],
                   k.indices[r]);
      }
      sum += g[c];
      magnitude += std::fabs(g[c]);
    }
    FUZZ_CHECK(infinite || std::fabs(sum) <= 3e-5 * scale + 1e-6 * magnitude + 1e-37,
               "cross_entropy_grad: row %zu sums to %.9g, not 0 (scale %.3g, C %zu)", r, sum, scale, C);
  }
  return 0;
}
