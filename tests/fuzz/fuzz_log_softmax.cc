// log_softmax: every value <= 0, -Infinity exactly where a class is masked, matching float64 log-probabilities.
#include "rows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::run_rows(
      data, size,
      {"log_softmax", false, logitlab::log_softmax,
       [](std::size_t r, const float* z, const float* lp, const ref::Row& ref, float temperature) FUZZ_NO_COVERAGE {
    for (std::size_t c = 0; c < ref.logp.size(); ++c) {
      FUZZ_CHECK(lp[c] <= 0.0f, "log_softmax: (row %zu, class %zu) = %g > 0", r, c, lp[c]);
      // Near the end of float's range, (z - max) and the division by T round twice and may overflow to -inf
      // where the exact value is just inside: the contract allows -inf for log-probabilities below -FLT_MAX / 2.
      FUZZ_CHECK((z[c] == -INFINITY) == (lp[c] == -INFINITY) || std::fabs(ref.logp[c]) > 0.5 * fuzz::kFloatMax,
                 "log_softmax: (row %zu, class %zu) logit %g gave %g, reference %g (max %g, T %g)", r, c, z[c], lp[c],
                 ref.logp[c], ref.max, temperature);
      FUZZ_CHECK(fuzz::log_close(lp[c], ref.logp[c]),
                 "log_softmax: (row %zu, class %zu) = %.9g, reference %.9g (logit %g, max %g, C=%zu)", r, c, lp[c],
                 ref.logp[c], z[c], ref.max, ref.logp.size());
    }
       }});
}
