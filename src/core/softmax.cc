// softmax, log_softmax, log_sum_exp and entropy: one validating max scan per row, then one or two kernel passes.
#include <cmath>

#include "batch.hpp"

namespace logitlab {
using detail::k;

Status softmax(const Batch& batch, std::span<float> out) {
  detail::Layout l;
  std::vector<detail::Row> stats;
  if (Status s = detail::scan_batch(batch, l, stats); !s) return s;
  if (Status s = detail::check_out(out, batch.logits.size()); !s) return s;
  const float inv_t = 1.0f / batch.temperature;
  for (std::size_t r = 0; r < l.rows; ++r) {
    const float* in = batch.logits.data() + r * l.classes;
    float* o = out.data() + r * l.classes;
    // Two passes: exp(x - max) stored and summed at once, then one multiply by 1 / sum (sum >= 1: the max term is 1).
    const double sum = detail::exp_store_sum(in, o, l.classes, stats[r], inv_t);
    k().scale(o, o, l.classes, static_cast<float>(1.0 / sum));
  }
  return {};
}

Status log_softmax(const Batch& batch, std::span<float> out) {
  detail::Layout l;
  std::vector<detail::Row> stats;
  if (Status s = detail::scan_batch(batch, l, stats); !s) return s;
  if (Status s = detail::check_out(out, batch.logits.size()); !s) return s;
  const float inv_t = 1.0f / batch.temperature;
  for (std::size_t r = 0; r < l.rows; ++r) {
    const float* in = batch.logits.data() + r * l.classes;
    // log p = x - log sum exp(x): never materialises p, so tiny probabilities keep their exact log.
    const double sum = detail::exp_sum(in, l.classes, stats[r], inv_t);
    k().shift_scale(in, out.data() + r * l.classes, l.classes, stats[r].max, inv_t, static_cast<float>(std::log(sum)));
  }
  return {};
}

Status log_sum_exp(const Batch& batch, std::span<float> out) {
  detail::Layout l;
  std::vector<detail::Row> stats;
  if (Status s = detail::scan_batch(batch, l, stats); !s) return s;
  if (Status s = detail::check_out(out, l.rows); !s) return s;
  const float inv_t = 1.0f / batch.temperature;
  for (std::size_t r = 0; r < l.rows; ++r) {
    const double sum = detail::exp_sum(batch.logits.data() + r * l.classes, l.classes, stats[r], inv_t);
    out[r] = static_cast<float>(static_cast<double>(stats[r].max) / batch.temperature + std::log(sum));
  }
  return {};
}

Status entropy(const Batch& batch, std::span<float> out) {
  detail::Layout l;
  std::vector<detail::Row> stats;
  if (Status s = detail::scan_batch(batch, l, stats); !s) return s;
  if (Status s = detail::check_out(out, l.rows); !s) return s;
  const float inv_t = 1.0f / batch.temperature;
  for (std::size_t r = 0; r < l.rows; ++r) {
    // H = -sum p log p = log S - sum e x / S, with e = exp(x), S = sum e, x the shifted scaled logit.
    const kernels::ExpMoments m = k().exp_moments(batch.logits.data() + r * l.classes, l.classes, stats[r].max, inv_t);
    const double h = std::log(m.sum) - m.weighted / m.sum;
    out[r] = static_cast<float>(h > 0 ? h : 0.0);  // rounding can dip below 0 for a one-hot distribution
  }
  return {};
}

}  // namespace logitlab
