// softmax: probabilities in [0, 1], each row summing to 1, 0 exactly where a class is masked, matching float64.
#include "rows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::run_rows(
      data, size,
      {"softmax", false, logitlab::softmax,
       [](std::size_t r, const float* z, const float* p, const ref::Row& ref, float) FUZZ_NO_COVERAGE {
    for (std::size_t c = 0; c < ref.p.size(); ++c)
      FUZZ_CHECK(z[c] != -INFINITY || p[c] == 0.0f, "softmax: masked class (row %zu, class %zu) got p = %g", r, c,
                 p[c]);
    fuzz::check_probability_row("softmax", r, p, ref);
       }});
}
