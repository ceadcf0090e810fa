// softmax, log_softmax, log_sum_exp and entropy: one validating max scan per row, then one or two kernel passes.
#include <cmath>

#include "dispatch.hpp"

namespace logitlab {
using detail::k;

namespace {

// Scans and checks the whole batch (so nothing is written on failure), then calls
// f(row's logits, row's stats, row index, classes, 1 / T) for each row. `out` holds one value per row or per logit.
template <class F>
Status for_each_row(const Batch& batch, std::span<float> out, bool one_per_row, F f) {
  detail::Layout l;
  std::vector<detail::Row> stats;
  if (Status s = detail::scan_batch(batch, l, stats); !s) return s;
  if (Status s = detail::check_out(out, one_per_row ? l.rows : batch.logits.size()); !s) return s;
  const float inv_t = 1.0f / batch.temperature;
  for (std::size_t r = 0; r < l.rows; ++r) f(batch.logits.data() + r * l.classes, stats[r], r, l.classes, inv_t);
  return {};
}

}  // namespace

Status softmax(const Batch& batch, std::span<float> out) {
  return for_each_row(batch, out, false,
                      [&](const float* in, const detail::Row& row, std::size_t r, std::size_t C, float inv_t) {
    float* o = out.data() + r * C;
    // Two passes: exp(x - max) stored and summed at once, then one multiply by 1 / sum (sum >= 1: the max term is 1).
    const double sum = detail::exp_store_sum(in, o, C, row, inv_t);
    k().scale(o, o, C, static_cast<float>(1.0 / sum));
  });
}

Status log_softmax(const Batch& batch, std::span<float> out) {
  return for_each_row(batch, out, false,
                      [&](const float* in, const detail::Row& row, std::size_t r, std::size_t C, float inv_t) {
    // log p = x - log sum exp(x): never materialises p, so tiny probabilities keep their exact log.
    const double sum = detail::exp_sum(in, C, row, inv_t);
    k().shift_scale(in, out.data() + r * C, C, row.max, inv_t, static_cast<float>(std::log(sum)));
  });
}

Status log_sum_exp(const Batch& batch, std::span<float> out) {
  return for_each_row(batch, out, true,
                      [&](const float* in, const detail::Row& row, std::size_t r, std::size_t C, float inv_t) {
    const double sum = detail::exp_sum(in, C, row, inv_t);
    out[r] = static_cast<float>(static_cast<double>(row.max) / batch.temperature + std::log(sum));
  });
}

Status entropy(const Batch& batch, std::span<float> out) {
  return for_each_row(batch, out, true,
                      [&](const float* in, const detail::Row& row, std::size_t r, std::size_t C, float inv_t) {
    // H = -sum p log p = log S - sum e x / S, with e = exp(x), S = sum e, x the shifted scaled logit.
    const kernels::ExpMoments m = k().exp_moments(in, C, row.max, inv_t);
    const double h = std::log(m.sum) - m.weighted / m.sum;
    out[r] = static_cast<float>(h > 0 ? h : 0.0);  // rounding can dip below 0 for a one-hot distribution
  });
}

}  // namespace logitlab
