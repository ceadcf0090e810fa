#include "batch.hpp"

#include <cmath>
#include <limits>

#include "dispatch.hpp"

namespace logitlab::detail {

Status check_layout(std::size_t length, std::size_t rows, float temperature, Layout& layout) {
  if (length == 0) return fail(Error::empty_logits);
  if (rows == 0) return fail(Error::rows_invalid);
  if (length % rows != 0) return fail(Error::rows_mismatch, 0, 0, static_cast<double>(length));
  // Normal floats only: 1 / T must be finite too.
  if (!(std::isnormal(temperature) && temperature > 0)) return fail(Error::temperature_invalid, 0, 0, temperature);
  layout = {rows, length / rows};
  return {};
}

Status scan_row(const float* p, std::size_t classes, std::size_t row, Row& stats) {
  const kernels::MaxScan scan = k().max_scan(p, classes);
  constexpr float inf = std::numeric_limits<float>::infinity();
  if (scan.has_nan || scan.max == inf) {
    // The slow path runs only on bad input: name the first offender.
    for (std::size_t i = 0; i < classes; ++i) {
      if (std::isnan(p[i])) return fail(Error::logit_nan, row, i);
      if (p[i] == inf) return fail(Error::logit_pos_inf, row, i);
    }
  }
  if (scan.max == -inf) return fail(Error::row_all_masked, row);
  stats = {scan.max, scan.min};
  return {};
}

Status scan_batch(const Batch& batch, Layout& layout, std::vector<Row>& rows) {
  if (Status s = check_layout(batch.logits.size(), batch.rows, batch.temperature, layout); !s) return s;
  rows.resize(layout.rows);
  for (std::size_t r = 0; r < layout.rows; ++r) {
    if (Status s = scan_row(batch.logits.data() + r * layout.classes, layout.classes, r, rows[r]); !s) return s;
  }
  return {};
}

}  // namespace logitlab::detail
