// sample_distribution: the kept set and renormalised probabilities that sample draws from (see sampling.hpp).
#include "sampling.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fuzz;
  Reader r(data, size);
  Logits l = logits_from(r, true);
  SamplingOptions s = sampling_from(r, l.values.size(), l.temperature);
  const uint8_t flags = r.u8();
  overrides_from(r, l.values);
  const std::vector<float> input = l.values;
  const std::size_t C = input.size();
  const bool wrong_kept = flags % 16 == 15, wrong_p = flags % 16 == 14;
  std::vector<uint8_t> kept(C + wrong_kept, 0xAB);
  std::vector<float> probabilities(C + wrong_p, kSentinel);
  Errors expected = sample_errors(input, s.o);
  if (wrong_kept || wrong_p) expected |= bit(Error::out_length);
  const logitlab::Status st = logitlab::sample_distribution(l.values, s.o, kept, probabilities);
  check_status("sample_distribution", st, expected);
  FUZZ_CHECK(unchanged(l.values, input), "sample_distribution changed its logits");
  if (!st.ok()) {
    check_status_location("sample_distribution", st, input, C);
    for (uint8_t k : kept) FUZZ_CHECK(k == 0xAB, "sample_distribution wrote kept although it failed");
    FUZZ_CHECK(all_sentinel(probabilities), "sample_distribution wrote probabilities although it failed");
    return 0;
  }
  check_distribution("sample_distribution", input, s.o, kept, probabilities);
  return 0;
}
