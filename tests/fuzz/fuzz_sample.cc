// sample: the index is kept by the filters, is the class whose cumulative probability bucket holds the seed's first
// uniform draw, and is the same on a second call with the same seed.
#include "sampling.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fuzz;
  Reader r(data, size);
  Logits l = logits_from(r, true);
  SamplingOptions s = sampling_from(r, l.values.size(), l.temperature);
  overrides_from(r, l.values);
  const std::vector<float> input = l.values;
  int32_t index = -7;
  const logitlab::Status st = logitlab::sample(l.values, s.o, index);
  check_status("sample", st, sample_errors(input, s.o));
  FUZZ_CHECK(unchanged(l.values, input), "sample changed its logits");
  if (!st.ok()) {
    check_status_location("sample", st, input, input.size());
    FUZZ_CHECK(index == -7, "sample wrote its index although it failed");
    return 0;
  }
  int32_t again = -7;
  FUZZ_CHECK(logitlab::sample(l.values, s.o, again).ok() && again == index,
             "sample is not deterministic: seed %u gave %d then %d", s.o.seed, index, again);
  const std::size_t C = input.size();
  FUZZ_CHECK(index >= 0 && static_cast<std::size_t>(index) < C, "sample returned %d for C = %zu", index, C);
  std::vector<uint8_t> kept(C);
  std::vector<float> probabilities(C);
  FUZZ_CHECK(logitlab::sample_distribution(l.values, s.o, kept, probabilities).ok(),
             "sample_distribution refused what sample accepted");
  FUZZ_CHECK(kept[index], "sample drew class %d, which the filters dropped (C %zu, top_k %zu, top_p %g, min_p %g)",
             index, C, s.o.top_k, s.o.top_p, s.o.min_p);
  // The draw: u in [0, 1) against cumulative probabilities in class order.
  const std::vector<double> p = ref::kept_probabilities(sample_ref(input, s.o).scaled, kept);
  const double u = first_uniform(s.o.seed);
  double before = 0;
  for (int32_t c = 0; c < index; ++c) before += p[c];
  FUZZ_CHECK(before <= u + 1e-9 && (before + p[index] >= u - 1e-9),
             "sample drew class %d whose bucket [%.12g, %.12g) does not hold u = %.12g (seed %u)", index, before,
             before + p[index], u, s.o.seed);
  return 0;
}
