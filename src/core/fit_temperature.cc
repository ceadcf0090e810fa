// Temperature scaling (Guo et al., 2017): the T minimising mean NLL of softmax(z / T). In b = 1 / T the mean loss
//   L(b) = mean_r [ (sum_c t_rc) log sum_c exp(b z_rc) - b sum_c t_rc z_rc ]
// is convex, with L'(b) = mean_r (m_t E_p[z] - sum t z) and L''(b) = mean_r m_t Var_p[z] >= 0, so a safeguarded Newton
// iteration on L'(b) = 0 inside a shrinking bracket converges in a handful of passes.
#include <cmath>
#include <vector>

#include "batch.hpp"

namespace logitlab {
namespace {

constexpr double kMinT = 1e-3, kMaxT = 1e3;

struct Slope {
  double first = 0, second = 0;
};

Status check(std::span<const float> logits, std::size_t rows, const Targets& t, detail::Layout& l,
             std::vector<detail::Row>& maxes) {
  if (Status s = detail::scan_batch(Batch{logits, rows, 1.0f}, l, maxes); !s) return s;
  CrossEntropyOptions none;
  none.reduction = Reduction::none;
  std::vector<float> unused(l.rows);
  // The same target checks (and messages) as cross_entropy.
  return cross_entropy(Batch{logits, rows, 1.0f}, t, none, unused);
}

// Rows whose target puts weight on a masked class have infinite loss at every T: they cannot move the minimum.
bool counts(std::span<const float> z, const Targets& t, std::size_t r, std::size_t C) {
  if (!t.soft()) {
    const int32_t y = t.indices[r];
    return y >= 0 && z[r * C + y] != -INFINITY;
  }
  for (std::size_t c = 0; c < C; ++c)
    if (t.probabilities[r * C + c] > 0 && z[r * C + c] == -INFINITY) return false;
  return true;
}

// The rows' target masses m_t = sum_c t_c (soft targets may sum to 1 +- 1e-3; index targets 1), fixed for the fit.
std::vector<double> target_masses(const Targets& t, const detail::Layout& l) {
  std::vector<double> mass(l.rows, 1.0);
  if (t.soft())
    for (std::size_t r = 0; r < l.rows; ++r) {
      mass[r] = 0;
      for (std::size_t c = 0; c < l.classes; ++c) mass[r] += t.probabilities[r * l.classes + c];
    }
  return mass;
}

Slope slope(std::span<const float> z, const Targets& t, const detail::Layout& l, const std::vector<detail::Row>& maxes,
            const std::vector<uint8_t>& counted, const std::vector<double>& target_mass, double b) {
  Slope total;
  std::size_t n = 0;
  const std::size_t C = l.classes;
  for (std::size_t r = 0; r < l.rows; ++r) {
    if (!counted[r]) continue;
    ++n;
    const double m = maxes[r].max;
    // Moments of the centred logits d = z - m under p, so Var_p is free of cancellation at large logits.
    double s0 = 0, s1 = 0, s2 = 0, target_mean = 0;
    for (std::size_t c = 0; c < C; ++c) {
      const double zc = z[r * C + c];
      if (zc == -INFINITY) continue;
      const double dc = zc - m;
      const double e = std::exp(b * dc);
      s0 += e;
      s1 += e * dc;
      s2 += e * dc * dc;
      if (t.soft()) target_mean += t.probabilities[r * C + c] * dc;
    }
    if (!t.soft()) target_mean = z[r * C + t.indices[r]] - m;
    const double mean = s1 / s0;
    // d/db [ m_t lse(b z) - b sum_c t_c z_c ] with m_t = sum_c t_c, and its derivative.
    total.first += target_mass[r] * mean - target_mean;
    total.second += target_mass[r] * std::max(0.0, s2 / s0 - mean * mean);
  }
  if (n > 0) {
    total.first /= n;
    total.second /= n;
  }
  return total;
}

}  // namespace

Status fit_temperature(std::span<const float> logits, std::size_t rows, const Targets& targets, float& temperature) {
  detail::Layout l;
  std::vector<detail::Row> maxes;
  if (Status s = check(logits, rows, targets, l, maxes); !s) return s;
  std::vector<uint8_t> counted(l.rows);
  for (std::size_t r = 0; r < l.rows; ++r) counted[r] = counts(logits, targets, r, l.classes);
  const std::vector<double> mass = target_masses(targets, l);
  auto slope_at = [&](double b) { return slope(logits, targets, l, maxes, counted, mass, b); };

  double lo = 1 / kMaxT, hi = 1 / kMinT;  // bracket on b = 1 / T
  const Slope at_lo = slope_at(lo), at_hi = slope_at(hi);
  // The loss does not depend on T (no counted row, or flat rows): any T minimises it, 1 is the neutral answer.
  if (at_lo.second == 0 && at_hi.second == 0 && at_lo.first == 0 && at_hi.first == 0) {
    temperature = 1;
    return {};
  }
  if (at_lo.first >= 0) {
    temperature = kMaxT;
    return {};
  }
  if (at_hi.first <= 0) {
    temperature = kMinT;
    return {};
  }
  double b = 1.0;
  for (int it = 0; it < 100; ++it) {
    const Slope g = slope_at(b);
    if (g.first > 0)
      hi = b;
    else
      lo = b;
    double next = g.second > 0 ? b - g.first / g.second : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);  // Newton left the bracket: bisect
    if (std::fabs(next - b) <= 1e-9 * b || hi - lo <= 1e-12 * b) {
      b = next;
      break;
    }
    b = next;
  }
  temperature = static_cast<float>(1 / b);
  return {};
}

}  // namespace logitlab
