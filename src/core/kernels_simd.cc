// SIMD row kernels (see kernels.hpp), written once with Highway's static dispatch: WebAssembly SIMD128 under
// `em++ -msimd128`, the native target's widest vectors natively, Highway's scalar emulation otherwise (where
// simd_available() is false and the scalar twins are used instead).
//
// Each loop runs four independent vector accumulators over blocks of kBlock elements, adds each block's float sum in
// double, and finishes with a tail copied through a stack buffer, so nothing is read or written past [p, p + n).
#include <hwy/highway.h>

#include <algorithm>
#include <cstring>
#include <limits>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "exact.hpp"
#include "exp_scalar.hpp"
#include "kernels.hpp"

namespace logitlab::kernels {
namespace hn = hwy::HWY_NAMESPACE;

bool simd_available() { return HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128; }

namespace {

using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// The vector twin of exp2_unmasked / exp2_nonpositive (exp_scalar.hpp): same constants, same steps. kCut applies the
// underflow cut-off (needed for -inf masks and u < kExp2Cutoff).
template <bool kCut>
HWY_INLINE V exp2_vec(D d, V u) {
  const hn::RebindToSigned<D> di;
  const V biased = hn::Add(u, hn::Set(d, kMagicBias));
  const V s = hn::BitCast(d, hn::ShiftLeft<23>(hn::BitCast(di, biased)));
  const V f = hn::Sub(u, hn::Sub(biased, hn::Set(d, kMagicBias)));
  V p = hn::MulAdd(hn::Set(d, kC5), f, hn::Set(d, kC4));
  p = hn::MulAdd(p, f, hn::Set(d, kC3));
  p = hn::MulAdd(p, f, hn::Set(d, kC2));
  p = hn::MulAdd(p, f, hn::Set(d, kC1));
  const V r = hn::MulAdd(hn::Mul(f, s), p, s);
  if constexpr (kCut) return hn::IfThenZeroElse(hn::Lt(u, hn::Set(d, kExp2Cutoff)), r);
  return r;
}

// u = (v - max) * k, k = log2(e) / T.
HWY_INLINE V exp2_arg(V v, V vmax, V vk) { return hn::Mul(hn::Sub(v, vmax), vk); }

// The last n % lanes elements, padded with `fill` (chosen so padding contributes nothing).
HWY_INLINE V load_tail(D d, const float* p, std::size_t count, float fill) {
  HWY_ALIGN float buf[hn::MaxLanes(D())];
  std::fill(buf, buf + hn::Lanes(d), fill);
  std::memcpy(buf, p, count * sizeof(float));
  return hn::Load(d, buf);
}

HWY_INLINE void store_tail(D d, V v, float* p, std::size_t count) {
  HWY_ALIGN float buf[hn::MaxLanes(D())];
  hn::Store(v, d, buf);
  std::memcpy(p, buf, count * sizeof(float));
}

HWY_INLINE double lane_sum(D d, V v) { return static_cast<double>(hn::GetLane(hn::SumOfLanes(d, v))); }

// Sum of term(i) over full vectors and tail(i, count) over the remainder, block by block.
template <class Term, class Tail>
HWY_INLINE double block_sum(std::size_t n, Term term, Tail tail) {
  const D d;
  const std::size_t N = hn::Lanes(d);
  double total = 0.0;
  std::size_t i = 0;
  while (i + 4 * N <= n) {
    const std::size_t block_end = std::min(n, i + kBlock);
    V a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
    for (; i + 4 * N <= block_end; i += 4 * N) {
      a0 = hn::Add(a0, term(i));
      a1 = hn::Add(a1, term(i + N));
      a2 = hn::Add(a2, term(i + 2 * N));
      a3 = hn::Add(a3, term(i + 3 * N));
    }
    total += lane_sum(d, hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)));
  }
  V a = hn::Zero(d);
  for (; i + N <= n; i += N) a = hn::Add(a, term(i));
  if (i < n) a = hn::Add(a, tail(i, n - i));
  return total + lane_sum(d, a);
}

// out[i] = f(in[i]) elementwise, with a padded tail.
template <class F>
HWY_INLINE void map(const float* HWY_RESTRICT in, float* out, std::size_t n, float fill, F f) {
  const D d;
  const std::size_t N = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const V v0 = f(hn::LoadU(d, in + i));
    const V v1 = f(hn::LoadU(d, in + i + N));
    hn::StoreU(v0, d, out + i);
    hn::StoreU(v1, d, out + i + N);
  }
  for (; i + N <= n; i += N) hn::StoreU(f(hn::LoadU(d, in + i)), d, out + i);
  if (i < n) store_tail(d, f(load_tail(d, in + i, n - i, fill)), out + i, n - i);
}

}  // namespace

MaxScan max_scan_simd(const float* HWY_RESTRICT in, std::size_t n) {
  const D d;
  const std::size_t N = hn::Lanes(d);
  V m0 = hn::Set(d, kNegInf), m1 = m0;
  V lo0 = hn::Set(d, -kNegInf), lo1 = lo0;
  // A NaN anywhere makes its lane's sum NaN for good (one add per vector where a NaN test costs two). -inf masks or
  // overflow only make sums infinite; +inf and -inf together make NaN too, and then the scalar scan decides.
  V sum0 = hn::Zero(d), sum1 = sum0;
  std::size_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    const V v0 = hn::LoadU(d, in + i);
    const V v1 = hn::LoadU(d, in + i + N);
    const V v2 = hn::LoadU(d, in + i + 2 * N);
    const V v3 = hn::LoadU(d, in + i + 3 * N);
    sum0 = hn::Add(sum0, hn::Add(v0, v2));
    sum1 = hn::Add(sum1, hn::Add(v1, v3));
    m0 = hn::Max(m0, hn::Max(v0, v2));
    m1 = hn::Max(m1, hn::Max(v1, v3));
    lo0 = hn::Min(lo0, hn::Min(v0, v2));
    lo1 = hn::Min(lo1, hn::Min(v1, v3));
  }
  if (i < n) {
    for (; i + N <= n; i += N) {
      const V v = hn::LoadU(d, in + i);
      sum0 = hn::Add(sum0, v);
      m0 = hn::Max(m0, v);
      lo0 = hn::Min(lo0, v);
    }
    if (i < n) {
      // Pad with a real element so the padding changes neither max nor min (nor whether a sum is NaN).
      const V v = load_tail(d, in + i, n - i, in[i]);
      sum0 = hn::Add(sum0, v);
      m0 = hn::Max(m0, v);
      lo0 = hn::Min(lo0, v);
    }
  }
  // With a NaN, lane-wise max/min are unspecified: the scalar scan gives the NaN-ignoring answer and the flag.
  if (!hn::AllFalse(d, hn::IsNaN(sum0)) || !hn::AllFalse(d, hn::IsNaN(sum1))) return max_scan_scalar(in, n);
  return {hn::GetLane(hn::MaxOfLanes(d, hn::Max(m0, m1))), hn::GetLane(hn::MinOfLanes(d, hn::Min(lo0, lo1))), false};
}

namespace {

// Sum of exp(x), optionally storing each exp. The tail always takes the cut-off (its padding is -inf).
template <bool kCut, bool kStore>
HWY_INLINE double exp_sum_loop(const float* in, float* out, std::size_t n, float max, float inv_t) {
  const D d;
  const V vmax = hn::Set(d, max), vk = hn::Set(d, exp2_factor(inv_t));
  return block_sum(
      n,
      [&](std::size_t i) {
    const V e = exp2_vec<kCut>(d, exp2_arg(hn::LoadU(d, in + i), vmax, vk));
    if constexpr (kStore) hn::StoreU(e, d, out + i);
    return e;
      },
      [&](std::size_t i, std::size_t c) {
    const V e = exp2_vec<true>(d, exp2_arg(load_tail(d, in + i, c, kNegInf), vmax, vk));
    if constexpr (kStore) store_tail(d, e, out + i, c);
    return e;
  });
}

template <bool kCut>
HWY_INLINE void exp_scale_loop(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  const D d;
  const V vmax = hn::Set(d, max), vk = hn::Set(d, exp2_factor(inv_t)), vf = hn::Set(d, factor);
  // Tail padding with max gives u = 0, harmless for either variant (the padding is never stored).
  map(in, out, n, max, [&](V v) { return hn::Mul(exp2_vec<kCut>(d, exp2_arg(v, vmax, vk)), vf); });
}

}  // namespace

double exp_sum_simd(const float* in, std::size_t n, float max, float inv_t) {
  return exp_sum_loop<true, false>(in, nullptr, n, max, inv_t);
}
double exp_sum_unmasked_simd(const float* in, std::size_t n, float max, float inv_t) {
  return exp_sum_loop<false, false>(in, nullptr, n, max, inv_t);
}
double exp_store_sum_simd(const float* in, float* out, std::size_t n, float max, float inv_t) {
  return exp_sum_loop<true, true>(in, out, n, max, inv_t);
}
double exp_store_sum_unmasked_simd(const float* in, float* out, std::size_t n, float max, float inv_t) {
  return exp_sum_loop<false, true>(in, out, n, max, inv_t);
}
void exp_scale_simd(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  exp_scale_loop<true>(in, out, n, max, inv_t, factor);
}
void exp_scale_unmasked_simd(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  exp_scale_loop<false>(in, out, n, max, inv_t, factor);
}

ExpMoments exp_moments_simd(const float* HWY_RESTRICT in, std::size_t n, float max, float inv_t) {
  const D d;
  const V vmax = hn::Set(d, max), vk = hn::Set(d, exp2_factor(inv_t));
  // Two sums in one pass: the second reads the exp computed for the first from this cache.
  double weighted = 0.0;
  V w_acc = hn::Zero(d);
  std::size_t in_block = 0;
  auto term = [&](V v) {
    const V u = exp2_arg(v, vmax, vk);
    const V e = exp2_vec<true>(d, u);
    // A class with probability 0 (u = -inf) contributes 0, not 0 * -inf.
    w_acc = hn::Add(w_acc, hn::IfThenZeroElse(hn::Eq(e, hn::Zero(d)), hn::Mul(e, u)));
    if (++in_block * hn::Lanes(d) >= kBlock) {
      weighted += lane_sum(d, w_acc);
      w_acc = hn::Zero(d);
      in_block = 0;
    }
    return e;
  };
  const double sum = block_sum(
      n, [&](std::size_t i) { return term(hn::LoadU(d, in + i)); },
      [&](std::size_t i, std::size_t c) { return term(load_tail(d, in + i, c, kNegInf)); });
  // sum e x = ln 2 * sum e u.
  return {sum, (weighted + lane_sum(d, w_acc)) * kLn2};
}

void scale_simd(const float* in, float* out, std::size_t n, float factor) {
  const D d;
  const V vf = hn::Set(d, factor);
  map(in, out, n, 0.0f, [&](V v) { return hn::Mul(v, vf); });
}

void shift_scale_simd(const float* in, float* out, std::size_t n, float max, float inv_t, float minus) {
  const D d;
  const V vmax = hn::Set(d, max), vinv = hn::Set(d, inv_t), vminus = hn::Set(d, minus);
  map(in, out, n, 0.0f, [&](V v) { return hn::Sub(hn::Mul(hn::Sub(v, vmax), vinv), vminus); });
}

void axpy_simd(const float* HWY_RESTRICT w, float* out, std::size_t n, float a) {
  const D d;
  const std::size_t N = hn::Lanes(d);
  const V va = hn::Set(d, a);
  std::size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Add(hn::LoadU(d, out + i), hn::Mul(va, hn::LoadU(d, w + i))), d, out + i);
  for (; i < n; ++i) out[i] += a * w[i];
}

void exact_exp_shift_simd(const double* HWY_RESTRICT s, double max, double* out, std::size_t n) {
  std::size_t i = 0;
#if defined(__wasm_simd128__)
  // exact.hpp's exact_exp, two lanes at a time, with the same operations in the same order (WebAssembly has no fused
  // multiply-add), so every lane has the scalar function's bits. 2^n comes from n + 2^52 + 1023, whose low bits hold
  // n + 1023. Written with WebAssembly intrinsics: Highway 1.0.3 has no double vectors for WebAssembly.
  const auto splat = [](double v) { return wasm_f64x2_splat(v); };
  const v128_t vmax = splat(max);
  for (; i + 2 <= n; i += 2) {
    const v128_t x = wasm_f64x2_sub(wasm_v128_load(s + i), vmax);
    const v128_t k = wasm_f64x2_floor(wasm_f64x2_add(wasm_f64x2_mul(x, splat(detail::kExactLog2e)), splat(0.5)));
    const v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(x, wasm_f64x2_mul(k, splat(detail::kExactLn2Hi))),
                                    wasm_f64x2_mul(k, splat(detail::kExactLn2Lo)));
    v128_t p = splat(detail::kExactTaylor[0]);
    for (std::size_t j = 1; j < std::size(detail::kExactTaylor); ++j)
      p = wasm_f64x2_add(wasm_f64x2_mul(p, r), splat(detail::kExactTaylor[j]));
    const v128_t scale = wasm_i64x2_shl(wasm_f64x2_add(k, splat(detail::kExact2nBias)), 52);
    const v128_t in_range = wasm_f64x2_ge(x, splat(detail::kExactMin));  // also false for x = -inf
    wasm_v128_store(out + i, wasm_v128_and(wasm_f64x2_mul(p, scale), in_range));
  }
#endif
  // Natively (tests, benchmarks) and for the last odd element: the scalar function itself.
  for (; i < n; ++i) out[i] = detail::exact_exp(s[i] - max);
}

}  // namespace logitlab::kernels
