// top_k: the k largest logits, largest first, ties to the lower index: exactly a stable sort's first k.
#include <algorithm>
#include <numeric>

#include "input.hpp"
#include "oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fuzz;
  Reader r(data, size);
  Logits l = logits_from(r, true, false);
  const std::size_t C = l.values.size();
  const uint8_t kind = r.u8();
  const uint16_t kv = r.u16();
  std::size_t k;
  switch (kind % 8) {
    case 0: k = 0; break;
    case 1: k = C; break;
    case 2: k = C + 1; break;
    case 3: k = std::numeric_limits<std::size_t>::max(); break;
    case 4: k = std::min<std::size_t>(C, 1); break;
    default: k = kv % (C + 1);
  }
  const bool wrong_out = (kind >> 3) % 16 == 15;
  overrides_from(r, l.values);
  const std::vector<float> input = l.values;
  const std::size_t n = std::min(k, C + 1) + (wrong_out ? 1 : 0);
  std::vector<int32_t> indices(n, -7);
  std::vector<float> values(n, kSentinel);
  Errors expected = batch_errors(input, 1, 1.0f);
  if (k > C && C > 0) expected |= bit(Error::k_invalid);
  if (n != k) expected |= bit(Error::out_length);
  const logitlab::Status s = logitlab::top_k(l.values, k, indices, values);
  check_status("top_k", s, expected);
  FUZZ_CHECK(unchanged(l.values, input), "top_k changed its logits");
  if (!s.ok()) {
    check_status_location("top_k", s, input, C);
    for (int32_t i : indices) FUZZ_CHECK(i == -7, "top_k wrote indices although it failed");
    FUZZ_CHECK(all_sentinel(values), "top_k wrote values although it failed");
    return 0;
  }
  std::vector<int32_t> order(C);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return input[a] > input[b]; });
  for (std::size_t i = 0; i < k; ++i) {
    FUZZ_CHECK(indices[i] == order[i], "top_k: rank %zu is class %d (%g), expected class %d (%g); C %zu, k %zu", i,
               indices[i], indices[i] >= 0 && static_cast<std::size_t>(indices[i]) < C ? input[indices[i]] : 0.0f,
               order[i], input[order[i]], C, k);
    FUZZ_CHECK(same_bits(values[i], input[order[i]]), "top_k: value at rank %zu is %g, logit is %g", i, values[i],
               input[order[i]]);
  }
  return 0;
}
