// A strict total order on class indices (larger value first, then lower index), so selections and sorted prefixes are
// the same on every platform and standard library.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace logitlab::detail {

template <typename T>
struct ByValueDesc {
  const T* values;
  bool operator()(int32_t a, int32_t b) const { return values[a] > values[b] || (values[a] == values[b] && a < b); }
};

// Moves the k first elements in `order` to the front, sorted: O(n log k) for small k, O(n + k log k) otherwise.
template <typename Less>
void select_largest(std::vector<int32_t>& order, std::size_t k, Less less) {
  if (k == 0) return;
  if (k * 16 < order.size()) {
    std::partial_sort(order.begin(), order.begin() + k, order.end(), less);
  } else {
    if (k < order.size()) std::nth_element(order.begin(), order.begin() + (k - 1), order.end(), less);
    std::sort(order.begin(), order.begin() + k, less);
  }
}

}  // namespace logitlab::detail
