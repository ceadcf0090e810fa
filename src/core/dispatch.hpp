// Kernel dispatch: which variant of a row kernel runs. The SIMD variants where the build has vectors, the scalar twins
// otherwise; and, per row, the cheaper unmasked exp kernels where no value of the row can reach the exp cut-off.
#pragma once

#include <cstddef>

#include "batch.hpp"
#include "exp_scalar.hpp"
#include "kernels.hpp"

namespace logitlab::detail {

inline const kernels::Kernels& k() { return kernels::simd_available() ? kernels::kSimd : kernels::kScalar; }

// True when no u = (z - max) log2(e) / T of the row can fall below the exp cut-off (no -inf, no underflow): then the
// cheaper unmasked kernels give the same result. The row's min gives the smallest u, computed as the kernels do.
inline bool unmasked(const Row& r, float inv_t) {
  return kernels::exp2_arg(r.min, r.max, kernels::exp2_factor(inv_t)) >= kernels::kExp2Cutoff;
}

inline double exp_sum(const float* in, std::size_t n, const Row& r, float inv_t) {
  return unmasked(r, inv_t) ? k().exp_sum_unmasked(in, n, r.max, inv_t) : k().exp_sum(in, n, r.max, inv_t);
}
inline double exp_store_sum(const float* in, float* out, std::size_t n, const Row& r, float inv_t) {
  return unmasked(r, inv_t) ? k().exp_store_sum_unmasked(in, out, n, r.max, inv_t)
                            : k().exp_store_sum(in, out, n, r.max, inv_t);
}
inline void exp_scale(const float* in, float* out, std::size_t n, const Row& r, float inv_t, float factor) {
  if (unmasked(r, inv_t))
    k().exp_scale_unmasked(in, out, n, r.max, inv_t, factor);
  else
    k().exp_scale(in, out, n, r.max, inv_t, factor);
}

}  // namespace logitlab::detail
