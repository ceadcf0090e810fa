// Embind: maps the core's names and types onto JavaScript, nothing else. Data arrives as pointers into WebAssembly
// memory (the ES module copies or allocates it once); each call returns the Error code, and the failing Status stays
// readable through _errorRow/_errorIndex/_errorValue for the module's message.
#include <emscripten/bind.h>

#include <cstdint>
#include <span>

#include "kernels.hpp"
#include "logitlab.hpp"

namespace {

using logitlab::Status;
using Ptr = std::uintptr_t;

Status last;

int report(Status s) {
  last = s;
  return static_cast<int>(s.error);
}

template <typename T>
std::span<T> view(Ptr p, std::size_t n) {
  return {reinterpret_cast<T*>(p), n};
}

logitlab::Batch batch(Ptr in, std::size_t n, std::size_t rows, float t) {
  return {view<const float>(in, n), rows, t};
}

logitlab::Targets targets(Ptr p, int soft, std::size_t n) {
  logitlab::Targets t;
  if (soft) t.probabilities = view<const float>(p, n);
  else t.indices = view<const int32_t>(p, n);
  return t;
}

logitlab::CrossEntropyOptions ce_options(int reduction, float eps, int ignore, Ptr w, std::size_t wn) {
  return {static_cast<logitlab::Reduction>(reduction), eps, ignore, view<const float>(w, wn)};
}

int softmax(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return report(logitlab::softmax(batch(in, n, rows, t), view<float>(out, n)));
}
int log_softmax(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return report(logitlab::log_softmax(batch(in, n, rows, t), view<float>(out, n)));
}
int log_sum_exp(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return report(logitlab::log_sum_exp(batch(in, n, rows, t), view<float>(out, rows)));
}
int entropy(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return report(logitlab::entropy(batch(in, n, rows, t), view<float>(out, rows)));
}
int cross_entropy(Ptr in, std::size_t n, std::size_t rows, float t, Ptr target, int soft, std::size_t target_n,
                  int reduction, float eps, int ignore, Ptr w, std::size_t wn, Ptr out, std::size_t out_n) {
  return report(logitlab::cross_entropy(batch(in, n, rows, t), targets(target, soft, target_n),
                                        ce_options(reduction, eps, ignore, w, wn), view<float>(out, out_n)));
}
int cross_entropy_grad(Ptr in, std::size_t n, std::size_t rows, float t, Ptr target, int soft, std::size_t target_n,
                       int reduction, float eps, int ignore, Ptr w, std::size_t wn, Ptr out) {
  return report(logitlab::cross_entropy_grad(batch(in, n, rows, t), targets(target, soft, target_n),
                                             ce_options(reduction, eps, ignore, w, wn), view<float>(out, n)));
}
int top_k(Ptr in, std::size_t n, std::size_t k, Ptr indices, Ptr values) {
  return report(logitlab::top_k(view<const float>(in, n), k, view<int32_t>(indices, k), view<float>(values, k)));
}
logitlab::SampleOptions sample_options(float t, std::size_t top_k, float top_p, float min_p, float penalty, Ptr history,
                                       std::size_t history_n, bool temperature_last, std::uint32_t seed) {
  return {t, top_k, top_p, min_p, penalty, view<const int32_t>(history, history_n), temperature_last, seed};
}
int sample(Ptr in, std::size_t n, float t, std::size_t top_k, float top_p, float min_p, float penalty, Ptr history,
           std::size_t history_n, bool temperature_last, std::uint32_t seed, Ptr out_index) {
  return report(logitlab::sample(
      view<const float>(in, n),
      sample_options(t, top_k, top_p, min_p, penalty, history, history_n, temperature_last, seed),
      *reinterpret_cast<int32_t*>(out_index)));
}
int fit_temperature(Ptr in, std::size_t n, std::size_t rows, Ptr target, int soft, std::size_t target_n, Ptr out) {
  return report(logitlab::fit_temperature(view<const float>(in, n), rows, targets(target, soft, target_n),
                                          *reinterpret_cast<float*>(out)));
}
// out holds 8 rows of n floats (scaled, shifted, exps, probabilities, log-probabilities, gradient, kept
// probabilities, unused), kept n bytes, scalars 5 floats (max, sum, log-sum-exp, entropy, loss).
int trace(Ptr in, std::size_t n, float t, int target, float eps, bool with_sampling, std::size_t top_k, float top_p,
          float min_p, float penalty, Ptr history, std::size_t history_n, bool temperature_last, Ptr out, Ptr kept,
          Ptr scalars) {
  logitlab::TraceOptions o;
  o.temperature = t;
  o.target = target;
  o.label_smoothing = eps;
  o.with_sampling = with_sampling;
  o.sampling = sample_options(t, top_k, top_p, min_p, penalty, history, history_n, temperature_last, 0);
  logitlab::TraceResult r;
  float* f = reinterpret_cast<float*>(out);
  r.scaled = {f, n};
  r.shifted = {f + n, n};
  r.exps = {f + 2 * n, n};
  r.probabilities = {f + 3 * n, n};
  r.log_probabilities = {f + 4 * n, n};
  r.gradient = {f + 5 * n, n};
  r.kept_probabilities = {f + 6 * n, n};
  r.kept = view<std::uint8_t>(kept, n);
  const int code = report(logitlab::trace(view<const float>(in, n), o, r));
  float* s = reinterpret_cast<float*>(scalars);
  s[0] = r.max;
  s[1] = r.sum;
  s[2] = r.log_sum_exp;
  s[3] = r.entropy;
  s[4] = r.loss;
  return code;
}

double error_row() { return static_cast<double>(last.row); }
double error_index() { return static_cast<double>(last.index); }
double error_value() { return last.value; }
bool simd() { return logitlab::kernels::simd_available(); }

}  // namespace

EMSCRIPTEN_BINDINGS(logitlab) {
  emscripten::function("_softmax", &softmax);
  emscripten::function("_logSoftmax", &log_softmax);
  emscripten::function("_logSumExp", &log_sum_exp);
  emscripten::function("_entropy", &entropy);
  emscripten::function("_crossEntropy", &cross_entropy);
  emscripten::function("_crossEntropyGrad", &cross_entropy_grad);
  emscripten::function("_topK", &top_k);
  emscripten::function("_sample", &sample);
  emscripten::function("_fitTemperature", &fit_temperature);
  emscripten::function("_trace", &trace);
  emscripten::function("_errorRow", &error_row);
  emscripten::function("_errorIndex", &error_index);
  emscripten::function("_errorValue", &error_value);
  emscripten::function("_simd", &simd);
}
