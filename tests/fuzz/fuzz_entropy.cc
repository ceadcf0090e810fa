// entropy: in [0, log C] nats, matching float64.
#include "rows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::run_rows(data, size,
                        {"entropy", true, logitlab::entropy,
                         [](std::size_t r, const float*, const float* h, const ref::Row& ref, float temperature) {
    const double log_c = std::log(static_cast<double>(ref.x.size()));
    FUZZ_CHECK(*h >= 0.0f && *h <= log_c * (1 + 2e-5) + 2e-5, "entropy: row %zu = %.9g outside [0, log C = %.9g]", r,
               *h, log_c);
    FUZZ_CHECK(fuzz::log_close(*h, ref.entropy), "entropy: row %zu = %.9g, reference %.9g (T %g, C=%zu)", r, *h,
               ref.entropy, temperature, ref.x.size());
                         }});
}
