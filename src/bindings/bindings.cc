// Embind: maps the core's names and types onto JavaScript, nothing else. Arrays cross as the address and length of
// their data in WebAssembly memory (the ES module copies or allocates them once); the options of the long calls and
// the trace's arrays and scalars as named structs (value_object); errors as the named enum Error. Each call returns
// whether it succeeded; after a failure, _status() returns
// the failing Status, so the success path never builds one.
#include <emscripten/bind.h>

#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include "logitlab.hpp"

namespace {

namespace ll = logitlab;
using Ptr = std::uintptr_t;

template <typename T>
std::span<T> view(Ptr p, std::size_t n) {
  return {reinterpret_cast<T*>(p), n};
}

// Binds a span member of a struct as two plain fields, its address (`name`) and its length (`name` + "Length"): no
// object is allocated per call for it, as a nested value_array would be.
template <auto Member, typename Struct>
void span_fields(emscripten::value_object<Struct>& object, const char* name, const char* length) {
  using Element = typename std::remove_reference_t<decltype(std::declval<Struct>().*Member)>::element_type;
  Ptr (*get_data)(const Struct&) = [](const Struct& s) { return reinterpret_cast<Ptr>((s.*Member).data()); };
  void (*set_data)(Struct&, Ptr) = [](Struct& s, Ptr p) { s.*Member = view<Element>(p, (s.*Member).size()); };
  std::size_t (*get_size)(const Struct&) = [](const Struct& s) { return (s.*Member).size(); };
  void (*set_size)(Struct&, std::size_t) = [](Struct& s, std::size_t n) { s.*Member = {(s.*Member).data(), n}; };
  object.field(name, get_data, set_data);
  object.field(length, get_size, set_size);
}

ll::Status last;

bool ok(ll::Status s) {
  if (!s) last = s;
  return s.ok();
}

ll::Status status() { return last; }

ll::Batch batch(Ptr in, std::size_t n, std::size_t rows, float t) { return {view<const float>(in, n), rows, t}; }

bool softmax(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return ok(ll::softmax(batch(in, n, rows, t), view<float>(out, n)));
}
bool log_softmax(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return ok(ll::log_softmax(batch(in, n, rows, t), view<float>(out, n)));
}
bool log_sum_exp(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return ok(ll::log_sum_exp(batch(in, n, rows, t), view<float>(out, rows)));
}
bool entropy(Ptr in, std::size_t n, std::size_t rows, float t, Ptr out) {
  return ok(ll::entropy(batch(in, n, rows, t), view<float>(out, rows)));
}
bool cross_entropy(Ptr in, std::size_t n, std::size_t rows, float t, const ll::Targets& targets,
                   const ll::CrossEntropyOptions& options, Ptr out, std::size_t out_n) {
  return ok(ll::cross_entropy(batch(in, n, rows, t), targets, options, view<float>(out, out_n)));
}
bool cross_entropy_grad(Ptr in, std::size_t n, std::size_t rows, float t, const ll::Targets& targets,
                        const ll::CrossEntropyOptions& options, Ptr out) {
  return ok(ll::cross_entropy_grad(batch(in, n, rows, t), targets, options, view<float>(out, n)));
}
bool top_k(Ptr in, std::size_t n, std::size_t k, Ptr indices, Ptr values) {
  return ok(ll::top_k(view<const float>(in, n), k, view<int32_t>(indices, k), view<float>(values, k)));
}
// The one long call kept positional: as a SampleOptions struct, its options cost ~0.45 us more per call (+33% on a
// draw from 6 logits, +9% on the sampling lesson's 30,000 draws: tests/bench/compare.js, issue 11), where the other
// long calls do work enough to hide it.
bool sample(Ptr in, std::size_t n, float t, std::size_t top_k, float top_p, float min_p, float penalty, Ptr history,
            std::size_t history_n, bool temperature_last, std::uint32_t seed, Ptr index) {
  const ll::SampleOptions o{
      t, top_k, top_p, min_p, penalty, view<const int32_t>(history, history_n), temperature_last, seed};
  return ok(ll::sample(view<const float>(in, n), o, *reinterpret_cast<int32_t*>(index)));
}
bool fit_temperature(Ptr in, std::size_t n, std::size_t rows, const ll::Targets& targets, Ptr temperature) {
  return ok(ll::fit_temperature(view<const float>(in, n), rows, targets, *reinterpret_cast<float*>(temperature)));
}

// Where _trace writes each intermediate: the address of n entries, or 0 for one not wanted.
struct TraceArrays {
  Ptr scaled = 0, shifted = 0, exps = 0, probabilities = 0, log_probabilities = 0, gradient = 0, kept = 0,
      kept_probabilities = 0;
};

// What _trace returns: whether it succeeded, and the result's scalars by name.
struct TraceScalars {
  bool ok = false;
  float max = 0, sum = 0, log_sum_exp = 0, entropy = 0, loss = 0;
};

TraceScalars trace(Ptr in, std::size_t n, const ll::TraceOptions& options, const TraceArrays& a) {
  const auto array = [n](Ptr p) { return view<float>(p, p ? n : 0); };
  ll::TraceResult r;
  r.scaled = array(a.scaled);
  r.shifted = array(a.shifted);
  r.exps = array(a.exps);
  r.probabilities = array(a.probabilities);
  r.log_probabilities = array(a.log_probabilities);
  r.gradient = array(a.gradient);
  r.kept = view<std::uint8_t>(a.kept, a.kept ? n : 0);
  r.kept_probabilities = array(a.kept_probabilities);
  const bool done = ok(ll::trace(view<const float>(in, n), options, r));
  return {done, r.max, r.sum, r.log_sum_exp, r.entropy, r.loss};
}

}  // namespace

EMSCRIPTEN_BINDINGS(logitlab) {
  using emscripten::enum_;
  using emscripten::function;
  using emscripten::value_array;
  using emscripten::value_object;
  using ll::Error;

  enum_<Error>("Error")
      .value("none", Error::none)
      .value("empty_logits", Error::empty_logits)
      .value("rows_invalid", Error::rows_invalid)
      .value("rows_mismatch", Error::rows_mismatch)
      .value("temperature_invalid", Error::temperature_invalid)
      .value("logit_nan", Error::logit_nan)
      .value("logit_pos_inf", Error::logit_pos_inf)
      .value("row_all_masked", Error::row_all_masked)
      .value("target_count", Error::target_count)
      .value("target_out_of_range", Error::target_out_of_range)
      .value("soft_target_length", Error::soft_target_length)
      .value("soft_target_invalid", Error::soft_target_invalid)
      .value("soft_target_sum", Error::soft_target_sum)
      .value("label_smoothing_invalid", Error::label_smoothing_invalid)
      .value("weight_length", Error::weight_length)
      .value("weight_invalid", Error::weight_invalid)
      .value("k_invalid", Error::k_invalid)
      .value("top_p_invalid", Error::top_p_invalid)
      .value("min_p_invalid", Error::min_p_invalid)
      .value("repetition_penalty_invalid", Error::repetition_penalty_invalid)
      .value("history_out_of_range", Error::history_out_of_range)
      .value("out_length", Error::out_length)
      .value("reduction_invalid", Error::reduction_invalid);
  value_object<ll::Status>("Status")
      .field("error", &ll::Status::error)
      .field("row", &ll::Status::row)
      .field("index", &ll::Status::index)
      .field("value", &ll::Status::value);

  enum_<ll::Reduction>("Reduction")
      .value("mean", ll::Reduction::mean)
      .value("sum", ll::Reduction::sum)
      .value("none", ll::Reduction::none);
  value_object<ll::Targets> targets("Targets");
  span_fields<&ll::Targets::indices>(targets, "indices", "indicesLength");
  span_fields<&ll::Targets::probabilities>(targets, "probabilities", "probabilitiesLength");
  value_object<ll::CrossEntropyOptions> ce("CrossEntropyOptions");
  ce.field("reduction", &ll::CrossEntropyOptions::reduction)
      .field("labelSmoothing", &ll::CrossEntropyOptions::label_smoothing)
      .field("ignoreIndex", &ll::CrossEntropyOptions::ignore_index);
  span_fields<&ll::CrossEntropyOptions::weight>(ce, "weight", "weightLength");
  value_object<ll::SampleOptions> sampling("SampleOptions");
  sampling.field("temperature", &ll::SampleOptions::temperature)
      .field("topK", &ll::SampleOptions::top_k)
      .field("topP", &ll::SampleOptions::top_p)
      .field("minP", &ll::SampleOptions::min_p)
      .field("repetitionPenalty", &ll::SampleOptions::repetition_penalty)
      .field("temperatureLast", &ll::SampleOptions::temperature_last)
      .field("seed", &ll::SampleOptions::seed);
  span_fields<&ll::SampleOptions::history>(sampling, "history", "historyLength");
  value_object<ll::TraceOptions>("TraceOptions")
      .field("temperature", &ll::TraceOptions::temperature)
      .field("target", &ll::TraceOptions::target)
      .field("labelSmoothing", &ll::TraceOptions::label_smoothing)
      .field("sampling", &ll::TraceOptions::sampling)
      .field("withSampling", &ll::TraceOptions::with_sampling);
  value_object<TraceArrays>("TraceArrays")
      .field("scaled", &TraceArrays::scaled)
      .field("shifted", &TraceArrays::shifted)
      .field("exps", &TraceArrays::exps)
      .field("probabilities", &TraceArrays::probabilities)
      .field("logProbabilities", &TraceArrays::log_probabilities)
      .field("gradient", &TraceArrays::gradient)
      .field("kept", &TraceArrays::kept)
      .field("keptProbabilities", &TraceArrays::kept_probabilities);
  value_object<TraceScalars>("TraceScalars")
      .field("ok", &TraceScalars::ok)
      .field("max", &TraceScalars::max)
      .field("sum", &TraceScalars::sum)
      .field("logSumExp", &TraceScalars::log_sum_exp)
      .field("entropy", &TraceScalars::entropy)
      .field("loss", &TraceScalars::loss);

  function("_softmax", &softmax);
  function("_logSoftmax", &log_softmax);
  function("_logSumExp", &log_sum_exp);
  function("_entropy", &entropy);
  function("_crossEntropy", &cross_entropy);
  function("_crossEntropyGrad", &cross_entropy_grad);
  function("_topK", &top_k);
  function("_sample", &sample);
  function("_fitTemperature", &fit_temperature);
  function("_trace", &trace);
  function("_status", &status);
  function("_simd", &ll::simd_available);
}
