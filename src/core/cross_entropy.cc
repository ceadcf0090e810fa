// Cross-entropy and its gradient with PyTorch's semantics (label smoothing, ignore index, class weights, reductions),
// fused: each row needs one max scan and one exp-sum pass; probabilities are never stored.
//
// With t' = (1 - eps) t + eps / C the smoothed target, w the class weights (1 when absent) and x the shifted scaled
// logits (z - max) / T, the row loss is  sum_c w_c t'_c (lse - x_c),  lse = log sum_c exp(x_c),  and its gradient
// w.r.t. z_c is  (p_c sum_k w_k t'_k - w_c t'_c) / T.  Terms whose coefficient is 0 are skipped (0 log 0 = 0).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "dispatch.hpp"

namespace logitlab {
using detail::k;

namespace {

struct Plan {
  detail::Layout l;
  std::vector<detail::Row> stats;  // filled by scan_batch (gradient) or per row (loss)
  float inv_t;
  float eps;
  double weight_sum;  // sum_c w_c
  double weight_max;  // max_c w_c (1 without weights)
  bool weighted;
};

Status check_options(const Batch& batch, const Targets& targets, const CrossEntropyOptions& o, Plan& plan) {
  if (Status s = detail::check_layout(batch.logits.size(), batch.rows, batch.temperature, plan.l); !s) return s;
  const std::size_t C = plan.l.classes, rows = plan.l.rows;
  if (o.reduction != Reduction::mean && o.reduction != Reduction::sum && o.reduction != Reduction::none)
    return fail(Error::reduction_invalid, 0, 0, static_cast<double>(o.reduction));
  if (!(o.label_smoothing >= 0.0f && o.label_smoothing <= 1.0f))
    return fail(Error::label_smoothing_invalid, 0, 0, o.label_smoothing);
  plan.weighted = !o.weight.empty();
  plan.weight_sum = static_cast<double>(C);
  plan.weight_max = 1.0;
  if (plan.weighted) {
    if (o.weight.size() != C) return fail(Error::weight_length, 0, 0, static_cast<double>(o.weight.size()));
    plan.weight_sum = 0;
    plan.weight_max = 0;
    for (std::size_t c = 0; c < C; ++c) {
      if (!(std::isfinite(o.weight[c]) && o.weight[c] >= 0)) return fail(Error::weight_invalid, 0, c, o.weight[c]);
      plan.weight_sum += o.weight[c];
      plan.weight_max = std::max(plan.weight_max, static_cast<double>(o.weight[c]));
    }
  }
  if (targets.soft()) {
    if (targets.probabilities.size() != rows * C)
      return fail(Error::soft_target_length, 0, 0, static_cast<double>(targets.probabilities.size()));
    for (std::size_t r = 0; r < rows; ++r) {
      double sum = 0;
      for (std::size_t c = 0; c < C; ++c) {
        const float t = targets.probabilities[r * C + c];
        if (!(std::isfinite(t) && t >= 0)) return fail(Error::soft_target_invalid, r, c, t);
        sum += t;
      }
      if (std::fabs(sum - 1.0) > 1e-3) return fail(Error::soft_target_sum, r, 0, sum);
    }
  } else {
    if (targets.indices.size() != rows)
      return fail(Error::target_count, 0, 0, static_cast<double>(targets.indices.size()));
    for (std::size_t r = 0; r < rows; ++r) {
      const int32_t y = targets.indices[r];
      if (y == o.ignore_index) continue;
      if (y < 0 || static_cast<std::size_t>(y) >= C) return fail(Error::target_out_of_range, r, 0, y);
    }
  }
  plan.inv_t = 1.0f / batch.temperature;
  plan.eps = o.label_smoothing;
  return {};
}

bool ignored(const Targets& targets, const CrossEntropyOptions& o, std::size_t r) {
  return !targets.soft() && targets.indices[r] == o.ignore_index;
}

double weight_of(const CrossEntropyOptions& o, std::size_t c) { return o.weight.empty() ? 1.0 : o.weight[c]; }

// w_c t'_c: class c's weight times its smoothed target t' = (1 - eps) t + eps / C.
double coef_of(const CrossEntropyOptions& o, std::size_t c, double t, double eps, std::size_t C) {
  return weight_of(o, c) * ((1 - eps) * t + eps / C);
}

// The denominator of 'mean': counted rows' target weights for index targets, the row count for soft targets (as
// PyTorch). 1 for 'sum' and 'none'.
double denominator(const Targets& targets, const CrossEntropyOptions& o, const Plan& plan) {
  if (o.reduction != Reduction::mean) return 1.0;
  if (targets.soft()) return static_cast<double>(plan.l.rows);
  double d = 0;
  for (std::size_t r = 0; r < plan.l.rows; ++r)
    if (!ignored(targets, o, r)) d += weight_of(o, targets.indices[r]);
  return d;
}

// sum_c w_c x_c over the row, x_c = (z_c - max) / T, in double: the shift is applied per term (a float sum of raw
// logits would cancel catastrophically against max * sum w), zero weights drop their term, and a weighted masked class
// gives -inf. Only label smoothing needs it.
double weighted_shifted_sum(const float* in, const Plan& plan, const CrossEntropyOptions& o, float max) {
  double total = 0;
  const double m = max;
  for (std::size_t c = 0; c < plan.l.classes; ++c) {
    const double w = weight_of(o, c);
    if (w != 0) total += w * (static_cast<double>(in[c]) - m);
  }
  return total * plan.inv_t;
}

// One row's loss given lse = log sum exp(x); the target's x in double, so a loss beyond float range before the
// mean stays finite when the mean is not.
double row_loss(const float* in, std::size_t r, double lse, float max, const Targets& targets,
                const CrossEntropyOptions& o, const Plan& plan) {
  const std::size_t C = plan.l.classes;
  const double eps = plan.eps;
  if (targets.soft()) {
    double loss = 0;
    for (std::size_t c = 0; c < C; ++c) {
      const double coef = coef_of(o, c, targets.probabilities[r * C + c], eps, C);
      if (coef == 0) continue;
      loss += coef * (lse - (static_cast<double>(in[c]) - max) * plan.inv_t);
    }
    return loss;
  }
  const int32_t y = targets.indices[r];
  double loss = 0;
  // A zero coefficient removes the term, even where the target class is masked (0 * inf counts as 0).
  const double target_coef = (1 - eps) * weight_of(o, y);
  if (target_coef > 0) loss += target_coef * (lse - (static_cast<double>(in[y]) - max) * plan.inv_t);
  if (eps > 0) loss += eps / C * (plan.weight_sum * lse - weighted_shifted_sum(in, plan, o, max));
  return loss;
}

}  // namespace

Status cross_entropy(const Batch& batch, const Targets& targets, const CrossEntropyOptions& o, std::span<float> loss) {
  Plan plan;
  if (Status s = check_options(batch, targets, o, plan); !s) return s;
  const std::size_t rows = plan.l.rows, C = plan.l.classes;
  if (Status s = detail::check_out(loss, o.reduction == Reduction::none ? rows : 1); !s) return s;
  // Row by row, scan and exp-sum while the row is in cache; results are staged so a bad later row writes nothing.
  std::vector<double> per_row(rows, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = batch.logits.data() + r * C;
    detail::Row row;
    if (Status s = detail::scan_row(in, C, r, row); !s) return s;
    if (ignored(targets, o, r)) continue;
    const double lse = std::log(detail::exp_sum(in, C, row, plan.inv_t));
    per_row[r] = row_loss(in, r, lse, row.max, targets, o, plan);
  }
  if (o.reduction == Reduction::none) {
    for (std::size_t r = 0; r < rows; ++r) loss[r] = static_cast<float>(per_row[r]);
    return {};
  }
  double total = 0;
  for (double v : per_row) total += v;
  const double d = denominator(targets, o, plan);
  loss[0] = d == 0 ? 0.0f : static_cast<float>(total / d);  // nothing counted: 0, not PyTorch's NaN
  return {};
}

Status cross_entropy_grad(const Batch& batch, const Targets& targets, const CrossEntropyOptions& o,
                          std::span<float> grad) {
  Plan plan;
  if (Status s = check_options(batch, targets, o, plan); !s) return s;
  if (Status s = detail::scan_batch(batch, plan.l, plan.stats); !s) return s;
  if (Status s = detail::check_out(grad, batch.logits.size()); !s) return s;
  const std::size_t rows = plan.l.rows, C = plan.l.classes;
  const double d = denominator(targets, o, plan);
  const double eps = plan.eps, inv_t = plan.inv_t;
  // Every gradient term is at most inv_t * (largest weight) / d in size. While that is well inside float's range the
  // fast path's float factors are finite; past it (T near FLT_MIN with large weights, or a tiny 'mean' denominator)
  // each entry is computed in double instead.
  const bool wide = !(inv_t * plan.weight_max / d <= std::numeric_limits<float>::max() / 16);
  std::vector<double> coef(wide ? C : 0);  // the wide path's w_c t'_c, one row at a time
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = batch.logits.data() + r * C;
    float* g = grad.data() + r * C;
    if (d == 0 || ignored(targets, o, r)) {
      std::fill(g, g + C, 0.0f);
      continue;
    }
    const detail::Row& row = plan.stats[r];
    const double sum = detail::exp_sum(in, C, row, plan.inv_t);
    if (wide) {
      // g_c = (p_c sum_k w_k t'_k - w_c t'_c) / (T d), each in double from p and rounded once: a class with p = 0
      // gets exactly -w_c t'_c / (T d), where the fast path's float factor would be infinite and 0 * inf NaN.
      detail::exp_scale(in, g, C, row, plan.inv_t, static_cast<float>(1.0 / sum));
      double w_total = 0;
      for (std::size_t c = 0; c < C; ++c) {
        const double t = targets.soft() ? static_cast<double>(targets.probabilities[r * C + c])
                                        : static_cast<double>(c == static_cast<std::size_t>(targets.indices[r]));
        coef[c] = coef_of(o, c, t, eps, C);
        w_total += coef[c];
      }
      for (std::size_t c = 0; c < C; ++c) g[c] = static_cast<float>((g[c] * w_total - coef[c]) * inv_t / d);
      continue;
    }
    if (targets.soft()) {
      double w_total = 0;  // sum_k w_k t'_k
      for (std::size_t c = 0; c < C; ++c) w_total += coef_of(o, c, targets.probabilities[r * C + c], eps, C);
      detail::exp_scale(in, g, C, row, plan.inv_t, static_cast<float>(inv_t * w_total / (d * sum)));
      for (std::size_t c = 0; c < C; ++c)
        g[c] = static_cast<float>(g[c] - inv_t * coef_of(o, c, targets.probabilities[r * C + c], eps, C) / d);
      continue;
    }
    const int32_t y = targets.indices[r];
    const double w_total = (1 - eps) * weight_of(o, y) + eps / C * plan.weight_sum;
    detail::exp_scale(in, g, C, row, plan.inv_t, static_cast<float>(inv_t * w_total / (d * sum)));
    if (eps > 0) {
      const float smooth = static_cast<float>(inv_t * eps / (C * d));
      if (plan.weighted)
        k().axpy(o.weight.data(), g, C, -smooth);
      else
        k().shift_scale(g, g, C, 0.0f, 1.0f, smooth);
    }
    g[y] = static_cast<float>(g[y] - inv_t * (1 - eps) * weight_of(o, y) / d);
  }
  return {};
}

}  // namespace logitlab
