// Sampling one token: repetition penalty, temperature, top-k, top-p, min-p, then one seeded draw.
// Everything here runs in double in a fixed scalar order (classes visited by ascending index, sorted prefixes under a
// strict total order, exact_exp instead of libm), so a seed gives the same index on every build and platform.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "batch.hpp"
#include "exact.hpp"
#include "order.hpp"

namespace logitlab {
namespace {

struct Distribution {
  std::vector<uint8_t> kept;   // 1 for classes that survive the filters
  std::vector<double> weight;  // exp(s_c - max) for kept classes, 0 elsewhere
  double total = 0;            // sum of weight, in ascending class order
};

Status check(std::span<const float> logits, const SampleOptions& o, detail::Layout& l) {
  if (Status s = detail::check_layout(logits.size(), 1, o.temperature, l); !s) return s;
  detail::Row row;
  if (Status s = detail::scan_row(logits.data(), l.classes, 0, row); !s) return s;
  if (o.top_k > l.classes) return fail(Error::k_invalid, 0, 0, static_cast<double>(o.top_k));
  if (!(o.top_p > 0.0f && o.top_p <= 1.0f)) return fail(Error::top_p_invalid, 0, 0, o.top_p);
  if (!(o.min_p >= 0.0f && o.min_p <= 1.0f)) return fail(Error::min_p_invalid, 0, 0, o.min_p);
  if (!(std::isfinite(o.repetition_penalty) && o.repetition_penalty > 0))
    return fail(Error::repetition_penalty_invalid, 0, 0, o.repetition_penalty);
  for (std::size_t i = 0; i < o.history.size(); ++i)
    if (o.history[i] < 0 || static_cast<std::size_t>(o.history[i]) >= l.classes)
      return fail(Error::history_out_of_range, 0, i, o.history[i]);
  return {};
}

double weigh(Distribution& d, const std::vector<double>& s) {
  double max = -INFINITY;
  for (std::size_t c = 0; c < s.size(); ++c)
    if (d.kept[c] && s[c] > max) max = s[c];
  d.weight.assign(s.size(), 0.0);
  d.total = 0;
  for (std::size_t c = 0; c < s.size(); ++c) {
    if (!d.kept[c]) continue;
    d.weight[c] = detail::exact_exp(s[c] - max);
    d.total += d.weight[c];
  }
  return max;
}

// About how many of the largest classes (in by_value order) it takes to reach `goal` mass: a quickselect that
// partitions around a pivot and keeps the side where the running mass crosses the goal. Reorders `order`.
std::size_t nucleus_size(std::vector<int32_t>& order, const double* weight, const detail::ByValueDesc<double>& before,
                         double goal) {
  std::size_t lo = 0, hi = order.size();
  double mass = 0;  // of order[0, lo), all before the cut
  while (hi - lo > 32) {
    int32_t a = order[lo], b = order[lo + (hi - lo) / 2], c = order[hi - 1];
    if (before(b, a)) std::swap(a, b);
    if (before(c, b)) std::swap(b, c);
    if (before(b, a)) std::swap(a, b);
    const int32_t pivot = b;  // median of three
    auto mid = std::partition(order.begin() + lo, order.begin() + hi, [&](int32_t x) { return before(x, pivot); });
    std::iter_swap(mid, std::find(mid, order.begin() + hi, pivot));
    const std::size_t m = static_cast<std::size_t>(mid - order.begin());
    double upper = 0;
    for (std::size_t i = lo; i < m; ++i) upper += weight[order[i]];
    if (mass + upper >= goal) {
      hi = m;
    } else if (mass + upper + weight[pivot] >= goal) {
      return m + 1;
    } else {
      mass += upper + weight[pivot];
      lo = m + 1;
    }
  }
  return hi;
}

// After filters that only removed classes (s unchanged, the most likely class kept, so the same max): the weights
// stand; the removed ones drop out of the total, summed in the same order as weigh.
void retotal(Distribution& d) {
  d.total = 0;
  for (std::size_t c = 0; c < d.kept.size(); ++c) {
    if (!d.kept[c]) d.weight[c] = 0;
    d.total += d.weight[c];
  }
}

Status build(std::span<const float> logits, const SampleOptions& o, Distribution& d) {
  detail::Layout l;
  if (Status s = check(logits, o, l); !s) return s;
  const std::size_t C = l.classes;
  std::vector<double> s(logits.begin(), logits.end());
  if (o.repetition_penalty != 1.0f) {
    // Each penalised token once, however often it appears (as Hugging Face's gather/scatter): positive logits are
    // divided, negative ones multiplied, so the token always becomes less likely.
    std::vector<uint8_t> seen(C, 0);
    for (int32_t token : o.history) {
      if (seen[token]) continue;
      seen[token] = 1;
      s[token] = s[token] > 0 ? s[token] / o.repetition_penalty : s[token] * o.repetition_penalty;
    }
  }
  if (!o.temperature_last)
    for (double& v : s) v /= o.temperature;

  d.kept.assign(C, 0);
  std::vector<int32_t> order;
  order.reserve(C);
  for (std::size_t c = 0; c < C; ++c)
    if (s[c] != -INFINITY) order.push_back(static_cast<int32_t>(c));
  const detail::ByValueDesc<double> by_value{s.data()};

  if (o.top_k > 0 && o.top_k < order.size()) {
    detail::select_largest(order, o.top_k, by_value);
    order.resize(o.top_k);
  }
  for (int32_t c : order) d.kept[c] = 1;

  bool weighed = false;  // d.weight holds exp(s - max) of the kept classes
  if (o.top_p < 1.0f) {
    // Nucleus: the shortest prefix of the sorted kept set whose probability reaches p. A weighted quickselect finds
    // about how long it is in O(C); only that prefix is then sorted, and the prefix is walked in sorted order so the
    // decision does not depend on the standard library's partition order.
    weigh(d, s);
    weighed = true;
    const double goal = static_cast<double>(o.top_p) * d.total;
    std::size_t keep = order.size();
    std::size_t sorted = std::min(order.size(), nucleus_size(order, d.weight.data(), by_value, goal) + 16);
    for (;; sorted = std::min(sorted * 4, order.size())) {
      detail::select_largest(order, sorted, by_value);
      double cum = 0;
      std::size_t i = 0;
      for (; i < sorted && cum < goal; ++i) cum += d.weight[order[i]];
      if (cum >= goal || sorted == order.size()) {
        keep = std::max<std::size_t>(i, 1);
        break;
      }
    }
    for (std::size_t i = keep; i < order.size(); ++i) d.kept[order[i]] = 0;
    order.resize(keep);
  }

  if (o.min_p > 0.0f) {
    // Relative to the most likely token, so renormalisation does not matter: keep p_c >= min_p * p_max.
    if (!weighed) weigh(d, s);
    weighed = true;
    for (std::size_t c = 0; c < C; ++c)
      if (d.kept[c] && d.weight[c] < static_cast<double>(o.min_p)) d.kept[c] = 0;
  }

  if (o.temperature_last) {
    for (double& v : s) v /= o.temperature;
    weigh(d, s);
  } else if (weighed) {
    retotal(d);
  } else {
    weigh(d, s);
  }
  return {};
}

}  // namespace

Status sample(std::span<const float> logits, const SampleOptions& o, int32_t& index) {
  Distribution d;
  if (Status s = build(logits, o, d); !s) return s;
  detail::Rng rng(o.seed);
  const double u = rng.uniform() * d.total;
  double cum = 0;
  int32_t last = -1;
  for (std::size_t c = 0; c < d.kept.size(); ++c) {
    if (!d.kept[c]) continue;
    last = static_cast<int32_t>(c);
    cum += d.weight[c];
    if (u < cum) break;
  }
  index = last;  // the last kept class also catches u rounding up to the total
  return {};
}

Status sample_distribution(std::span<const float> logits, const SampleOptions& o, std::span<uint8_t> kept,
                           std::span<float> probabilities) {
  Distribution d;
  if (Status s = build(logits, o, d); !s) return s;
  if (kept.size() != logits.size()) return fail(Error::out_length, 0, 0, static_cast<double>(kept.size()));
  if (probabilities.size() != logits.size())
    return fail(Error::out_length, 0, 0, static_cast<double>(probabilities.size()));
  for (std::size_t c = 0; c < d.kept.size(); ++c) {
    kept[c] = d.kept[c];
    probabilities[c] = static_cast<float>(d.weight[c] / d.total);
  }
  return {};
}

}  // namespace logitlab
