// Sampling one token: repetition penalty, temperature, top-k, top-p, min-p, then one seeded draw.
// Everything here runs in double in a fixed order (classes visited by ascending index, sorted prefixes under a strict
// total order, exact_exp instead of libm, its vector form giving the scalar function's bits lane by lane), so a seed
// gives the same index on every build and platform.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "dispatch.hpp"
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

// Zeroes the weights of removed classes and sums the rest in ascending class order. weigh ends with it; after filters
// that only removed classes (s unchanged, the most likely class kept, so the same max) it is all that is needed.
void retotal(Distribution& d) {
  d.total = 0;
  for (std::size_t c = 0; c < d.kept.size(); ++c) {
    const double w = d.kept[c] ? d.weight[c] : 0.0;
    d.weight[c] = w;
    d.total += w;
  }
}

double weigh(Distribution& d, const std::vector<double>& s) {
  double max = -INFINITY;
  std::size_t count = 0;
  for (std::size_t c = 0; c < s.size(); ++c) {
    if (!d.kept[c]) continue;
    ++count;
    if (s[c] > max) max = s[c];
  }
  d.weight.resize(s.size());
  // Either way the same bits: removed classes weigh +0, and adding +0 changes no sum.
  if (count * 4 >= s.size()) {
    // Most classes kept: vectorised over every class, then a branch-free pass.
    detail::k().exact_exp_shift(s.data(), max, d.weight.data(), s.size());
    retotal(d);
  } else {
    // Few kept (top-k): only theirs.
    d.total = 0;
    for (std::size_t c = 0; c < s.size(); ++c) {
      d.weight[c] = d.kept[c] ? detail::exact_exp(s[c] - max) : 0.0;
      if (d.kept[c]) d.total += d.weight[c];
    }
  }
  return max;
}

// The nucleus: the shortest prefix of `order` sorted by `before` whose weight reaches `goal`. Classes go into buckets
// by how far below the max they are (bucket order agrees with `before`); bucket masses, summed in `order`'s order,
// locate the bucket where the running mass reaches the goal, and only that bucket's classes are sorted: linear time
// unless most classes share that bucket (then n log n, as a full sort). Clears kept[] past the nucleus.
void keep_nucleus(const std::vector<int32_t>& order, const std::vector<double>& s, double max, const double* weight,
                  const detail::ByValueDesc<double>& before, double goal, std::vector<uint8_t>& kept) {
  constexpr std::size_t kBuckets = 2048;
  constexpr double kSpan = 64.0;  // buckets cover s in [max - 64, max]; e^-64 ~ 1.6e-28 of the max's weight
  double spread = 0;
  for (int32_t c : order) spread = std::max(spread, max - s[c]);
  const double per_unit = spread > 0 ? static_cast<double>(kBuckets) / std::min(spread, kSpan) : 0.0;
  std::vector<uint16_t> bucket(order.size());
  std::vector<double> mass(kBuckets, 0.0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const double scaled = (max - s[order[i]]) * per_unit;
    const std::size_t b = scaled < static_cast<double>(kBuckets - 1) ? static_cast<std::size_t>(scaled) : kBuckets - 1;
    bucket[i] = static_cast<uint16_t>(b);
    mass[b] += weight[order[i]];
  }
  std::size_t edge = 0;
  double cum = 0;
  while (edge + 1 < kBuckets && cum + mass[edge] < goal) cum += mass[edge++];
  std::vector<int32_t> boundary;
  for (std::size_t i = 0; i < order.size(); ++i)
    if (bucket[i] == edge) boundary.push_back(order[i]);
  std::sort(boundary.begin(), boundary.end(), before);
  std::size_t taken = 0;
  for (; taken < boundary.size() && cum < goal; ++taken) cum += weight[boundary[taken]];  // at least one: cum < goal
  for (std::size_t i = 0; i < order.size(); ++i)
    if (bucket[i] > edge) kept[order[i]] = 0;
  for (std::size_t j = taken; j < boundary.size(); ++j) kept[boundary[j]] = 0;
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
  if (!o.temperature_last && o.temperature != 1.0f)  // v / 1 = v
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
    // Nucleus: the shortest prefix of the sorted kept set whose probability reaches p, found in O(C) (keep_nucleus),
    // with sums in a fixed order so the decision does not depend on the standard library.
    const double max = weigh(d, s);
    weighed = true;
    keep_nucleus(order, s, max, d.weight.data(), by_value, static_cast<double>(o.top_p) * d.total, d.kept);
  }

  if (o.min_p > 0.0f) {
    // Relative to the most likely token, so renormalisation does not matter: keep p_c >= min_p * p_max.
    if (!weighed) weigh(d, s);
    weighed = true;
    for (std::size_t c = 0; c < C; ++c)
      if (d.kept[c] && d.weight[c] < static_cast<double>(o.min_p)) d.kept[c] = 0;
  }

  if (o.temperature_last) {
    if (o.temperature != 1.0f)
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
