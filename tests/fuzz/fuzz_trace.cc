// trace: every intermediate of one row, equal (bit for bit) to what the public functions return for the same input,
// and nothing written when the input is refused.
#include "sampling.hpp"

namespace {

struct Buffers {
  std::vector<float> scaled, shifted, exps, probabilities, log_probabilities, gradient, kept_probabilities;
  std::vector<uint8_t> kept;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fuzz;
  Reader r(data, size);
  Logits l = logits_from(r, true);
  const std::size_t C = l.values.size();
  logitlab::TraceOptions o;
  o.temperature = l.temperature;
  const uint8_t tk = r.u8();
  const uint16_t tv = r.u16();
  switch (tk % 8) {
    case 0:
    case 1: o.target = -1; break;
    case 2: o.target = static_cast<int32_t>(C); break;
    case 3: o.target = -5; break;
    default: o.target = static_cast<int32_t>(C ? tv % C : 0);
  }
  o.label_smoothing = unit_option(r, 0.0f);
  o.with_sampling = (tk >> 3) & 1;
  SamplingOptions s = sampling_from(r, C, l.temperature);
  o.sampling = s.o;
  o.sampling.temperature = 77.0f;     // ignored in favour of o.temperature
  const uint8_t fault = r.u8() % 64;  // 0..8: one output span of the wrong length
  overrides_from(r, l.values);
  const std::vector<float> input = l.values;

  Buffers b;
  auto sized = [&](int which) { return C + (fault == which ? 1 : 0); };
  b.scaled.assign(sized(0), kSentinel);
  b.shifted.assign(sized(1), kSentinel);
  b.exps.assign(sized(2), kSentinel);
  b.probabilities.assign(sized(3), kSentinel);
  b.log_probabilities.assign(sized(4), kSentinel);
  b.gradient.assign(o.target >= 0 ? sized(5) : 0, kSentinel);
  b.kept_probabilities.assign(o.with_sampling ? sized(6) : 0, kSentinel);
  b.kept.assign(o.with_sampling ? sized(7) : 0, 0xAB);
  if (fault == 8 && o.target >= 0) b.gradient.clear();
  logitlab::TraceResult t;
  t.scaled = b.scaled;
  t.shifted = b.shifted;
  t.exps = b.exps;
  t.probabilities = b.probabilities;
  t.log_probabilities = b.log_probabilities;
  t.gradient = b.gradient;
  t.kept_probabilities = b.kept_probabilities;
  t.kept = b.kept;
  t.max = t.sum = t.log_sum_exp = t.entropy = t.loss = kSentinel;

  Errors expected = batch_errors(input, 1, l.temperature);
  if (o.target >= 0 && static_cast<std::size_t>(o.target) >= C) expected |= bit(Error::target_out_of_range);
  if (!(o.label_smoothing >= 0 && o.label_smoothing <= 1)) expected |= bit(Error::label_smoothing_invalid);
  if (fault <= 4 || (fault == 5 && o.target >= 0) || (fault == 8 && o.target >= 0) ||
      ((fault == 6 || fault == 7) && o.with_sampling))
    expected |= bit(Error::out_length);
  logitlab::SampleOptions so = s.o;
  so.temperature = l.temperature;
  if (o.with_sampling) expected |= sample_errors(input, so);

  const logitlab::Status st = logitlab::trace(l.values, o, t);
  check_status("trace", st, expected);
  FUZZ_CHECK(unchanged(l.values, input), "trace changed its logits");
  if (!st.ok()) {
    check_status_location("trace", st, input, C);
    const char* written = !all_sentinel(b.scaled)               ? "scaled"
                          : !all_sentinel(b.shifted)            ? "shifted"
                          : !all_sentinel(b.exps)               ? "exps"
                          : !all_sentinel(b.probabilities)      ? "probabilities"
                          : !all_sentinel(b.log_probabilities)  ? "log_probabilities"
                          : !all_sentinel(b.gradient)           ? "gradient"
                          : !all_sentinel(b.kept_probabilities) ? "kept_probabilities"
                                                                : nullptr;
    for (uint8_t k : b.kept)
      if (k != 0xAB) written = "kept";
    for (float v : {t.max, t.sum, t.log_sum_exp, t.entropy, t.loss})
      if (!same_bits(v, kSentinel)) written = "a scalar";
    FUZZ_CHECK(!written, "trace wrote %s although it failed with error %d (C %zu, target %d, sampling %d)", written,
               static_cast<int>(st.error), C, o.target, o.with_sampling);
    return 0;
  }

  // What the public functions say for the same row.
  const logitlab::Batch batch{input, 1, l.temperature};
  std::vector<float> p(C), lp(C);
  float lse, h;
  FUZZ_CHECK(logitlab::softmax(batch, p).ok() && logitlab::log_softmax(batch, lp).ok() &&
                 logitlab::log_sum_exp(batch, std::span<float>(&lse, 1)).ok() &&
                 logitlab::entropy(batch, std::span<float>(&h, 1)).ok(),
             "trace accepted a row the public functions refuse");
  const float inv_t = 1.0f / l.temperature;
  float max = -INFINITY;
  for (float v : input) max = std::max(max, v);
  for (std::size_t c = 0; c < C; ++c) {
    FUZZ_CHECK(same_bits(b.scaled[c], input[c] * inv_t), "trace: scaled[%zu] = %g, not logit * (1/T)", c, b.scaled[c]);
    FUZZ_CHECK(b.shifted[c] == (input[c] - max) * inv_t, "trace: shifted[%zu] = %g", c, b.shifted[c]);
    FUZZ_CHECK(same_bits(b.probabilities[c], p[c]), "trace: probabilities[%zu] = %.9g, softmax says %.9g", c,
               b.probabilities[c], p[c]);
    FUZZ_CHECK(same_bits(b.log_probabilities[c], lp[c]), "trace: log_probabilities[%zu] = %.9g, log_softmax says %.9g",
               c, b.log_probabilities[c], lp[c]);
    FUZZ_CHECK(b.exps[c] >= 0 && b.exps[c] <= 1 && prob_close(b.exps[c] / t.sum, p[c]),
               "trace: exps[%zu] = %.9g with sum %.9g, softmax %.9g", c, b.exps[c], t.sum, p[c]);
  }
  FUZZ_CHECK(t.max == max * inv_t, "trace: max = %g, expected %g", t.max, max * inv_t);
  FUZZ_CHECK(t.sum >= 1.0f && t.sum <= static_cast<float>(C) * 1.0001f, "trace: sum = %g outside [1, C]", t.sum);
  FUZZ_CHECK(same_bits(t.log_sum_exp, lse), "trace: log_sum_exp = %.9g, log_sum_exp() says %.9g", t.log_sum_exp, lse);
  FUZZ_CHECK(same_bits(t.entropy, h), "trace: entropy = %.9g, entropy() says %.9g", t.entropy, h);
  if (o.target >= 0) {
    const int32_t y = o.target;
    logitlab::CrossEntropyOptions ce;
    ce.label_smoothing = o.label_smoothing;
    const logitlab::Targets targets{std::span<const int32_t>(&y, 1)};
    float loss;
    std::vector<float> g(C);
    FUZZ_CHECK(logitlab::cross_entropy(batch, targets, ce, std::span<float>(&loss, 1)).ok() &&
                   logitlab::cross_entropy_grad(batch, targets, ce, g).ok(),
               "trace: cross-entropy refused the row");
    FUZZ_CHECK(same_bits(t.loss, loss), "trace: loss = %.9g, cross_entropy says %.9g", t.loss, loss);
    for (std::size_t c = 0; c < C; ++c)
      FUZZ_CHECK(same_bits(b.gradient[c], g[c]), "trace: gradient[%zu] = %.9g, cross_entropy_grad says %.9g", c,
                 b.gradient[c], g[c]);
  }
  if (o.with_sampling) {
    std::vector<uint8_t> kept(C);
    std::vector<float> kp(C);
    FUZZ_CHECK(logitlab::sample_distribution(input, so, kept, kp).ok(), "trace: sample_distribution refused the row");
    for (std::size_t c = 0; c < C; ++c)
      FUZZ_CHECK(b.kept[c] == kept[c] && same_bits(b.kept_probabilities[c], kp[c]),
                 "trace: kept[%zu] = %d (p %.9g), sample_distribution says %d (p %.9g)", c, b.kept[c],
                 b.kept_probabilities[c], kept[c], kp[c]);
    check_distribution("trace", input, so, b.kept, b.kept_probabilities);
  }
  return 0;
}
