// Decoding and checks shared by the sampling fuzzers (sample, sample_distribution, trace with sampling options).
#pragma once

#include "input.hpp"
#include "oracle.hpp"

namespace fuzz {

struct SamplingOptions {
  logitlab::SampleOptions o;
  std::vector<int32_t> history;
};

// Filters, penalty, history and seed; the temperature is the caller's.
inline SamplingOptions sampling_from(Reader& r, std::size_t C, float temperature) {
  SamplingOptions s;
  s.o.temperature = temperature;
  const uint8_t k = r.u8();
  const uint16_t kv = r.u16();
  switch (k % 8) {
    case 0:
    case 1:
    case 2: s.o.top_k = 0; break;
    case 3:
    case 4: s.o.top_k = 1 + kv % 64; break;
    case 5: s.o.top_k = C ? 1 + kv % C : 0; break;
    case 6: s.o.top_k = C; break;
    default: s.o.top_k = (kv & 1) ? C + 1 : std::numeric_limits<std::size_t>::max(); break;
  }
  if (s.o.top_k > C && (k % 8) != 7) s.o.top_k = C;
  s.o.top_p = unit_option(r, 1.0f);
  s.o.min_p = unit_option(r, 0.0f);
  const uint8_t pk = r.u8();
  static const float penalties[] = {1.0f, 1.0f, 1.0f, 1.1f, 1.3f, 2.0f, 0.5f, 0.0f, -1.0f, kNaN, kInf, 1e-30f, 1e30f};
  s.o.repetition_penalty = penalties[pk % (sizeof penalties / sizeof penalties[0])];
  const uint8_t hk = r.u8();
  Gen g(r.u32());
  const std::size_t count = hk % 16 < 8 ? 0 : hk % 16 == 15 ? 200 : hk % 8;
  for (std::size_t i = 0; i < count; ++i) s.history.push_back(static_cast<int32_t>(g.below(C ? C : 1)));
  if ((hk >> 4) == 15 && !s.history.empty())
    s.history[g.below(s.history.size())] = (g.next() & 1) ? static_cast<int32_t>(C) : -1;
  s.o.history = s.history;
  s.o.temperature_last = (hk >> 4) & 1;
  s.o.seed = r.u32();
  return s;
}

// The kept set is a prefix of the filters' order, as long as the filters allow (top-k exactly; top-p and min-p up to
// rounding at their boundary), and the probabilities are the renormalised softmax over it.
FUZZ_NO_COVERAGE inline void check_distribution(const char* fn, std::span<const float> z,
                                                const logitlab::SampleOptions& o, std::span<const uint8_t> kept,
                                                std::span<const float> probabilities) {
  const ref::Kept ref = sample_ref(z, o);
  const std::size_t C = z.size();
  std::size_t n = 0;
  for (std::size_t c = 0; c < C; ++c) {
    FUZZ_CHECK(kept[c] == 0 || kept[c] == 1, "%s: kept[%zu] = %d", fn, c, kept[c]);
    n += kept[c];
  }
  FUZZ_CHECK(n >= ref.min_keep && n <= ref.max_keep,
             "%s kept %zu classes; the filters allow %zu..%zu (C %zu, top_k %zu, top_p %g, min_p %g, T %g%s)", fn, n,
             ref.min_keep, ref.max_keep, C, o.top_k, o.top_p, o.min_p, o.temperature,
             o.temperature_last ? ", temperature last" : "");
  for (std::size_t i = 0; i < n; ++i)
    FUZZ_CHECK(kept[ref.order[i]], "%s: class %d (rank %zu of the filters' order) is not kept although %zu are", fn,
               ref.order[i], i, n);
  const std::vector<double> want = ref::kept_probabilities(ref.scaled, kept);
  double sum = 0;
  for (std::size_t c = 0; c < C; ++c) {
    FUZZ_CHECK(kept[c] || probabilities[c] == 0.0f, "%s: class %zu is dropped but has probability %g", fn, c,
               probabilities[c]);
    FUZZ_CHECK(close(probabilities[c], want[c], 1e-6, 1e-5), "%s: probability of class %zu = %.9g, reference %.9g", fn,
               c, probabilities[c], want[c]);
    sum += probabilities[c];
  }
  FUZZ_CHECK(std::fabs(sum - 1) <= 1e-5, "%s: kept probabilities sum to %.9g", fn, sum);
}

}  // namespace fuzz
