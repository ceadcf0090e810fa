// fit_temperature: a T in [1e-3, 1e3] where the mean cross-entropy (float64, counted rows only) is no larger than at
// T * 1.02 or T / 1.02: a minimum of the convex loss, or the end of the range the loss falls towards.
#include "input.hpp"
#include "oracle.hpp"

namespace {

// Mean loss over the rows that can move the minimum: not ignored, finite loss.
double mean_loss(const fuzz::CrossEntropyArgs& base, float temperature) {
  fuzz::CrossEntropyArgs a = base;
  a.temperature = temperature;
  a.reduction = 2;
  const ref::CeParts ref = fuzz::cross_entropy_ref(a);
  double total = 0;
  std::size_t n = 0;
  for (std::size_t r = 0; r < a.rows; ++r) {
    if (ref.ignored[r] || !std::isfinite(ref.row_loss[r])) continue;
    total += ref.row_loss[r];
    ++n;
  }
  return n ? total / n : 0.0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fuzz;
  Reader r(data, size);
  Logits l = logits_from(r, false, false);
  const uint8_t flags = r.u8();
  const std::size_t rows = l.rows <= kMaxElements ? l.rows : 1;
  std::vector<int32_t> indices;
  std::vector<float> probabilities;
  if (flags & 1) probabilities = probabilities_from(r, rows, l.classes);
  if (probabilities.empty()) indices = indices_from(r, rows, l.classes, -100);
  overrides_from(r, l.values);
  const std::vector<float> input = l.values;
  CrossEntropyArgs args;
  args.z = input;
  args.rows = l.rows;
  args.reduction = 2;
  args.indices = indices;
  args.probabilities = probabilities;
  logitlab::Targets targets;
  targets.indices = indices;
  targets.probabilities = probabilities;
  float t = kSentinel;
  const logitlab::Status s = logitlab::fit_temperature(l.values, l.rows, targets, t);
  check_status("fit_temperature", s, cross_entropy_errors(args));
  FUZZ_CHECK(unchanged(l.values, input), "fit_temperature changed its logits");
  if (!s.ok()) {
    check_status_location("fit_temperature", s, input, l.classes);
    FUZZ_CHECK(same_bits(t, kSentinel), "fit_temperature wrote T although it failed");
    return 0;
  }
  FUZZ_CHECK(t >= 1e-3f && t <= 1e3f, "fit_temperature returned T = %g outside [1e-3, 1e3]", t);
  const double at = mean_loss(args, t);
  const double tol = 1e-6 * (1 + std::fabs(at));
  for (float other : {t * 1.02f, t / 1.02f}) {
    if (other < 1e-3f || other > 1e3f) continue;
    const double there = mean_loss(args, other);
    FUZZ_CHECK(at <= there + tol,
               "fit_temperature returned T = %.9g with mean loss %.12g, but T = %.9g gives %.12g (rows %zu, C %zu, %s)",
               t, at, other, there, l.rows, l.classes, probabilities.empty() ? "index targets" : "soft targets");
  }
  return 0;
}
