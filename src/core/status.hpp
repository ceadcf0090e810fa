// What a core call reports instead of a result: which check failed and where.
#pragma once

#include <cstddef>
#include <cstdint>

namespace logitlab {

// Bound by name (enum_ in src/bindings/bindings.cc); the ES module keys its messages by the same names
// (src/js/errors.js), and tests/js/errors-vocabulary.test.js holds the three lists together.
// Append only; never renumber. In brackets: what the Status carries besides the code.
enum class Error : int32_t {
  none = 0,
  empty_logits = 1,                 // logits has length 0
  rows_invalid = 2,                 // rows is 0
  rows_mismatch = 3,                // length not divisible by rows             (value = length)
  temperature_invalid = 4,          // temperature not finite or <= 0          (value = temperature)
  logit_nan = 5,                    // NaN                                      (row, index)
  logit_pos_inf = 6,                // +Infinity                                (row, index)
  row_all_masked = 7,               // every entry of the row is -Infinity      (row)
  target_count = 8,                 // wrong number of index targets            (value = count)
  target_out_of_range = 9,          // target index outside [0, C)              (row, value = target)
  soft_target_length = 10,          // soft targets not of length rows * C      (value = length)
  soft_target_invalid = 11,         // negative, NaN or infinite soft target    (row, index, value)
  soft_target_sum = 12,             // soft target row not summing to 1 (1e-3)  (row, value = sum)
  label_smoothing_invalid = 13,     // label smoothing outside [0, 1]           (value)
  weight_length = 14,               // class weights not of length C            (value = length)
  weight_invalid = 15,              // negative, NaN or infinite class weight   (index, value)
  k_invalid = 16,                   // k outside [0, C]                         (value = k)
  top_p_invalid = 17,               // top_p outside (0, 1]                     (value)
  min_p_invalid = 18,               // min_p outside [0, 1]                     (value)
  repetition_penalty_invalid = 19,  // penalty not finite or <= 0               (value)
  history_out_of_range = 20,        // history token outside [0, C)             (index = position, value = token)
  out_length = 21,                  // an output span of the wrong length       (value = length)
  reduction_invalid = 22,           // not mean, sum or none                    (value = reduction)
};

struct Status {
  Error error = Error::none;
  std::size_t row = 0;
  std::size_t index = 0;
  double value = 0;

  bool ok() const { return error == Error::none; }
  explicit operator bool() const { return ok(); }
};

inline Status fail(Error e, std::size_t row = 0, std::size_t index = 0, double value = 0) {
  return Status{e, row, index, value};
}

}  // namespace logitlab
