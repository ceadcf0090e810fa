// Shared checks for a batch of logits: its layout, its temperature, and one scan per row that finds the row's max and
// rejects NaN, +Infinity and all-masked rows before anything is written.
#pragma once

#include <span>
#include <vector>

#include "exp_scalar.hpp"
#include "kernels.hpp"
#include "logitlab.hpp"

namespace logitlab::detail {

struct Layout {
  std::size_t rows;
  std::size_t classes;
};

Status check_layout(std::size_t length, std::size_t rows, float temperature, Layout& layout);

// What the validating scan learns of a row: its max (subtracted before exp) and its min.
struct Row {
  float max;
  float min;
};

// Max and min of one row; NaN, +Infinity or an all -Infinity row is an error naming the row and the first bad index.
Status scan_row(const float* row_begin, std::size_t classes, std::size_t row, Row& stats);

// Checks layout and temperature, then scans every row (rows resized to the row count).
Status scan_batch(const Batch& batch, Layout& layout, std::vector<Row>& rows);

inline Status check_out(std::span<float> out, std::size_t expected) {
  return out.size() == expected ? Status{} : fail(Error::out_length, 0, 0, static_cast<double>(out.size()));
}

inline const kernels::Kernels& k() { return kernels::active(); }

// True when no u = (z - max) log2(e) / T of the row can fall below the exp cut-off (no -inf, no underflow): then the
// cheaper unmasked kernels give the same result. The row's min gives the smallest u, computed exactly as the kernels do.
inline bool unmasked(const Row& r, float inv_t) {
  return kernels::exp2_arg(r.min, r.max, kernels::exp2_factor(inv_t)) >= kernels::kExp2Cutoff;
}

inline double exp_sum(const float* in, std::size_t n, const Row& r, float inv_t) {
  return unmasked(r, inv_t) ? k().exp_sum_unmasked(in, n, r.max, inv_t) : k().exp_sum(in, n, r.max, inv_t);
}
inline double exp_store_sum(const float* in, float* out, std::size_t n, const Row& r, float inv_t) {
  return unmasked(r, inv_t) ? k().exp_store_sum_unmasked(in, out, n, r.max, inv_t)
                            : k().exp_store_sum(in, out, n, r.max, inv_t);
}
inline void exp_scale(const float* in, float* out, std::size_t n, const Row& r, float inv_t, float factor) {
  if (unmasked(r, inv_t)) k().exp_scale_unmasked(in, out, n, r.max, inv_t, factor);
  else k().exp_scale(in, out, n, r.max, inv_t, factor);
}

}  // namespace logitlab::detail
