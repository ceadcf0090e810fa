// The k largest logits of one row, ties to the lower index.
#include <algorithm>
#include <numeric>
#include <vector>

#include "batch.hpp"
#include "order.hpp"

namespace logitlab {

Status top_k(std::span<const float> logits, std::size_t k, std::span<int32_t> indices, std::span<float> values) {
  detail::Layout l;
  if (Status s = detail::check_layout(logits.size(), 1, 1.0f, l); !s) return s;
  detail::Row row;
  if (Status s = detail::scan_row(logits.data(), l.classes, 0, row); !s) return s;
  if (k > l.classes) return fail(Error::k_invalid, 0, 0, static_cast<double>(k));
  if (indices.size() != k) return fail(Error::out_length, 0, 0, static_cast<double>(indices.size()));
  if (values.size() != k) return fail(Error::out_length, 0, 0, static_cast<double>(values.size()));
  std::vector<int32_t> order(l.classes);
  std::iota(order.begin(), order.end(), 0);
  detail::select_largest(order, k, detail::ByValueDesc<float>{logits.data()});
  for (std::size_t i = 0; i < k; ++i) {
    indices[i] = order[i];
    values[i] = logits[order[i]];
  }
  return {};
}

}  // namespace logitlab
