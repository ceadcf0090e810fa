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

#include "exp_scalar.hpp"
#include "kernels.hpp"

namespace logitlab::kernels {
namespace hn = hwy::HWY_NAMESPACE;

bool simd_available() { return HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128; }

namespace {

using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// The vector twin of exp_unmasked / exp_nonpositive (exp_scalar.hpp): same constants, same steps. kCut applies the
// underflow cut-off (needed for -inf masks and x < kExpCutoff).
template <bool kCut>
HWY_INLINE V exp_vec(D d, V x) {
  const hn::RebindToSigned<D> di;
  V n = hn::MulAdd(x, hn::Set(d, kLog2e), hn::Set(d, kMagicBias));
  const V s = hn::BitCast(d, hn::ShiftLeft<23>(hn::BitCast(di, n)));
  n = hn::Sub(n, hn::Set(d, kMagicBias));
  V t = hn::MulAdd(n, hn::Set(d, kMinusLn2), x);
  V p = hn::MulAdd(hn::Set(d, kC5), t, hn::Set(d, kC4));
  p = hn::MulAdd(p, t, hn::Set(d, kC3));
  p = hn::MulAdd(p, t, hn::Set(d, kC2));
  p = hn::MulAdd(p, t, hn::Set(d, kC1));
  t = hn::Mul(t, s);
  const V f = hn::MulAdd(t, p, s);
  if constexpr (kCut) return hn::IfThenZeroElse(hn::Lt(x, hn::Set(d, kExpCutoff)), f);
  return f;
}

// x = (v - max) * inv_t, the multiply skipped at T = 1 (the common case).
template <bool kUnitT>
HWY_INLINE V shift(V v, V vmax, V vinv) {
  const V x = hn::Sub(v, vmax);
  if constexpr (kUnitT) return x;
  return hn::Mul(x, vinv);
}

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
  auto nan = hn::Zero(d);  // lanes become all-ones where a NaN was seen
  std::size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const V v0 = hn::LoadU(d, in + i);
    const V v1 = hn::LoadU(d, in + i + N);
    nan = hn::Or(nan, hn::VecFromMask(d, hn::IsNaN(v0)));
    nan = hn::Or(nan, hn::VecFromMask(d, hn::IsNaN(v1)));
    m0 = hn::Max(m0, v0);
    m1 = hn::Max(m1, v1);
    lo0 = hn::Min(lo0, v0);
    lo1 = hn::Min(lo1, v1);
  }
  if (i < n) {
    for (; i + N <= n; i += N) {
      const V v = hn::LoadU(d, in + i);
      nan = hn::Or(nan, hn::VecFromMask(d, hn::IsNaN(v)));
      m0 = hn::Max(m0, v);
      lo0 = hn::Min(lo0, v);
    }
    if (i < n) {
      // Pad with a real element so the padding changes neither max nor min.
      const V v = load_tail(d, in + i, n - i, in[i]);
      nan = hn::Or(nan, hn::VecFromMask(d, hn::IsNaN(v)));
      m0 = hn::Max(m0, v);
      lo0 = hn::Min(lo0, v);
    }
  }
  const bool has_nan = !hn::AllTrue(d, hn::Eq(nan, hn::Zero(d)));
  // With a NaN, lane-wise max/min are unspecified: the scalar scan gives the NaN-ignoring answer.
  if (has_nan) return max_scan_scalar(in, n);
  return {hn::GetLane(hn::MaxOfLanes(d, hn::Max(m0, m1))), hn::GetLane(hn::MinOfLanes(d, hn::Min(lo0, lo1))), false};
}

namespace {

// Sum of exp(x), optionally storing each exp. The tail always takes the cut-off (its padding is -inf).
template <bool kCut, bool kUnitT, bool kStore>
HWY_INLINE double exp_sum_loop(const float* in, float* out, std::size_t n, float max, float inv_t) {
  const D d;
  const V vmax = hn::Set(d, max), vinv = hn::Set(d, inv_t);
  return block_sum(
      n,
      [&](std::size_t i) {
        const V e = exp_vec<kCut>(d, shift<kUnitT>(hn::LoadU(d, in + i), vmax, vinv));
        if constexpr (kStore) hn::StoreU(e, d, out + i);
        return e;
      },
      [&](std::size_t i, std::size_t c) {
        const V e = exp_vec<true>(d, shift<kUnitT>(load_tail(d, in + i, c, kNegInf), vmax, vinv));
        if constexpr (kStore) store_tail(d, e, out + i, c);
        return e;
      });
}

template <bool kCut, bool kStore>
HWY_INLINE double exp_sum_any(const float* in, float* out, std::size_t n, float max, float inv_t) {
  return inv_t == 1.0f ? exp_sum_loop<kCut, true, kStore>(in, out, n, max, inv_t)
                       : exp_sum_loop<kCut, false, kStore>(in, out, n, max, inv_t);
}

template <bool kCut, bool kUnitT>
HWY_INLINE void exp_scale_loop(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  const D d;
  const V vmax = hn::Set(d, max), vinv = hn::Set(d, inv_t), vf = hn::Set(d, factor);
  // Tail padding with max gives x = 0, harmless for either variant (the padding is never stored).
  map(in, out, n, max, [&](V v) { return hn::Mul(exp_vec<kCut>(d, shift<kUnitT>(v, vmax, vinv)), vf); });
}

template <bool kCut>
HWY_INLINE void exp_scale_any(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  if (inv_t == 1.0f) exp_scale_loop<kCut, true>(in, out, n, max, inv_t, factor);
  else exp_scale_loop<kCut, false>(in, out, n, max, inv_t, factor);
}

}  // namespace

double exp_sum_simd(const float* in, std::size_t n, float max, float inv_t) {
  return exp_sum_any<true, false>(in, nullptr, n, max, inv_t);
}
double exp_sum_unmasked_simd(const float* in, std::size_t n, float max, float inv_t) {
  return exp_sum_any<false, false>(in, nullptr, n, max, inv_t);
}
double exp_store_sum_simd(const float* in, float* out, std::size_t n, float max, float inv_t) {
  return exp_sum_any<true, true>(in, out, n, max, inv_t);
}
double exp_store_sum_unmasked_simd(const float* in, float* out, std::size_t n, float max, float inv_t) {
  return exp_sum_any<false, true>(in, out, n, max, inv_t);
}
void exp_scale_simd(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  exp_scale_any<true>(in, out, n, max, inv_t, factor);
}
void exp_scale_unmasked_simd(const float* in, float* out, std::size_t n, float max, float inv_t, float factor) {
  exp_scale_any<false>(in, out, n, max, inv_t, factor);
}

ExpMoments exp_moments_simd(const float* HWY_RESTRICT in, std::size_t n, float max, float inv_t) {
  const D d;
  const V vmax = hn::Set(d, max), vinv = hn::Set(d, inv_t);
  // Two sums in one pass: the second reads the exp computed for the first from this cache.
  double weighted = 0.0;
  V w_acc = hn::Zero(d);
  std::size_t in_block = 0;
  auto term = [&](V v) {
    const V x = hn::Mul(hn::Sub(v, vmax), vinv);
    const V e = exp_vec<true>(d, x);
    // A class with probability 0 (x = -inf) contributes 0, not 0 * -inf.
    w_acc = hn::Add(w_acc, hn::IfThenZeroElse(hn::Eq(e, hn::Zero(d)), hn::Mul(e, x)));
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
  return {sum, weighted + lane_sum(d, w_acc)};
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

}  // namespace logitlab::kernels
