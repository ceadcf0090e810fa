// Every intermediate of one row, computed by the same kernels as the public functions, for the lessons.
#include <cmath>

#include "dispatch.hpp"

namespace logitlab {
using detail::k;

Status trace(std::span<const float> logits, const TraceOptions& o, TraceResult& r) {
  detail::Layout l;
  if (Status s = detail::check_layout(logits.size(), 1, o.temperature, l); !s) return s;
  detail::Row row;
  if (Status s = detail::scan_row(logits.data(), l.classes, 0, row); !s) return s;
  const std::size_t C = l.classes;
  if (o.target >= 0 && static_cast<std::size_t>(o.target) >= C) return fail(Error::target_out_of_range, 0, 0, o.target);
  if (!(o.label_smoothing >= 0.0f && o.label_smoothing <= 1.0f))
    return fail(Error::label_smoothing_invalid, 0, 0, o.label_smoothing);
  for (std::span<float> s : {r.scaled, r.shifted, r.exps, r.probabilities, r.log_probabilities})
    if (Status st = detail::check_out(s, C); !st) return st;
  if (o.target >= 0)
    if (Status st = detail::check_out(r.gradient, C); !st) return st;
  // Sampling first: it checks its own options and writes kept / kept_probabilities only when they all pass, so every
  // check is done before any output is written.
  if (o.with_sampling) {
    SampleOptions so = o.sampling;
    so.temperature = o.temperature;
    if (Status s = sample_distribution(logits, so, r.kept, r.kept_probabilities); !s) return s;
  }

  const float inv_t = 1.0f / o.temperature;
  k().scale(logits.data(), r.scaled.data(), C, inv_t);
  const float max = row.max;
  k().shift_scale(logits.data(), r.shifted.data(), C, max, inv_t, 0.0f);
  const double sum = detail::exp_store_sum(logits.data(), r.exps.data(), C, row, inv_t);
  k().scale(r.exps.data(), r.probabilities.data(), C, static_cast<float>(1.0 / sum));
  k().shift_scale(logits.data(), r.log_probabilities.data(), C, max, inv_t, static_cast<float>(std::log(sum)));
  float h;
  if (Status s = entropy(Batch{logits, 1, o.temperature}, std::span<float>(&h, 1)); !s) return s;
  r.max = max * inv_t;
  r.sum = static_cast<float>(sum);
  r.log_sum_exp = static_cast<float>(static_cast<double>(max) / o.temperature + std::log(sum));
  r.entropy = h;

  if (o.target >= 0) {
    const int32_t target = o.target;
    const Targets t{std::span<const int32_t>(&target, 1)};
    CrossEntropyOptions ce;
    ce.label_smoothing = o.label_smoothing;
    const Batch b{logits, 1, o.temperature};
    if (Status s = cross_entropy(b, t, ce, std::span<float>(&r.loss, 1)); !s) return s;
    if (Status s = cross_entropy_grad(b, t, ce, r.gradient); !s) return s;
  }
  return {};
}

}  // namespace logitlab
