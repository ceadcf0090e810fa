// Shared driver for the four per-row functions (softmax, log_softmax, log_sum_exp, entropy): decode a batch, call the
// function into a sentinel-filled output (or in place), check the Status, untouched outputs on failure, the kernels'
// twins, and hand a successful result to the function's own checks.
#pragma once

#include <functional>

#include "input.hpp"
#include "oracle.hpp"

namespace fuzz {

struct RowCall {
  const char* name;
  bool per_row;  // output has one value per row (log_sum_exp, entropy) rather than one per logit
  std::function<logitlab::Status(const logitlab::Batch&, std::span<float>)> call;
  // Checks row r of a successful result against the reference.
  std::function<void(std::size_t r, const float* z, const float* out, const ref::Row& ref, float temperature)> check;
};

inline int run_rows(const uint8_t* data, std::size_t size, const RowCall& f) {
  Reader reader(data, size);
  Logits l = logits_from(reader);
  const uint8_t flags = reader.u8();
  overrides_from(reader, l.values);
  const bool in_place = !f.per_row && (flags & 1);
  const bool wrong_out = !in_place && (flags >> 1) % 16 == 15;

  const std::vector<float> input = l.values;
  std::size_t out_length = f.per_row ? l.rows : input.size();
  if (l.rows == std::numeric_limits<std::size_t>::max()) out_length = 1;  // a layout fault: don't allocate rows
  if (wrong_out) out_length += 1;
  std::vector<float> out(out_length, kSentinel);
  std::span<float> out_span = in_place ? std::span<float>(l.values) : std::span<float>(out);
  const logitlab::Batch batch{l.values, l.rows, l.temperature};

  Errors expected = batch_errors(input, l.rows, l.temperature);
  if (!in_place && out_length != (f.per_row ? l.rows : input.size())) expected |= bit(Error::out_length);
  const logitlab::Status s = f.call(batch, out_span);
  check_status(f.name, s, expected);
  check_twins_batch(input, l.rows, l.temperature);
  if (!s.ok()) {
    check_status_location(f.name, s, input, l.classes);
    FUZZ_CHECK(unchanged(l.values, input), "%s changed its input although it failed", f.name);
    FUZZ_CHECK(in_place || all_sentinel(out), "%s wrote its output although it failed with error %d", f.name,
               static_cast<int>(s.error));
    return 0;
  }
  if (!in_place) FUZZ_CHECK(unchanged(l.values, input), "%s changed its input", f.name);
  const std::size_t C = l.classes;
  for (std::size_t r = 0; r < l.rows; ++r) {
    const ref::Row ref = ref::row(input.data() + r * C, C, l.temperature);
    f.check(r, input.data() + r * C, out_span.data() + (f.per_row ? r : r * C), ref, l.temperature);
  }
  return 0;
}

}  // namespace fuzz
