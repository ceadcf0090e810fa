// Shared checks for a batch of logits: its layout, its temperature, and one scan per row that finds the row's max and
// rejects NaN, +Infinity and all-masked rows before anything is written. (Which kernels then run: dispatch.hpp.)
#pragma once

#include <span>
#include <vector>

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

}  // namespace logitlab::detail
