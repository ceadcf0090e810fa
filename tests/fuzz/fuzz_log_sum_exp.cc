// log_sum_exp: between max/T and max/T + log C, matching float64.
#include "rows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::run_rows(data, size,
                        {"log_sum_exp", true, logitlab::log_sum_exp,
                         [](std::size_t r, const float*, const float* lse, const ref::Row& ref, float temperature) {
    const double lo = ref.max / temperature, hi = lo + std::log(static_cast<double>(ref.x.size()));
    const double slack = 2e-5 * std::max(1.0, std::fabs(lo));
    FUZZ_CHECK(std::fabs(ref.lse) > fuzz::kFloatMax || (*lse >= lo - slack && *lse <= hi + slack),
               "log_sum_exp: row %zu = %.9g outside [%.9g, %.9g]", r, *lse, lo, hi);
    FUZZ_CHECK(fuzz::log_close(*lse, ref.lse), "log_sum_exp: row %zu = %.9g, reference %.9g (max %g, T %g, C=%zu)", r,
               *lse, ref.lse, ref.max, temperature, ref.x.size());
                         }});
}
