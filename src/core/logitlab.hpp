// logitlab: the last step of a language model, logits -> softmax(z / T) -> loss -> gradient -> sample.
//
// Every function takes a flat row-major batch of `rows` rows of C = logits.size() / rows classes, validates all of it
// before writing anything, and reports bad input as a Status instead of a result (outputs untouched on failure).
// Accepted logits: finite values and -Infinity (a masked class, probability exactly 0); NaN, +Infinity and an entirely
// -Infinity row are errors. Temperature must be finite and > 0.
// Accuracy (float32 in, float32 out, sums in double): probabilities within 1e-6 + 2e-5 |p| of float64, log-values and
// losses within 2e-5 max(1, |L|), for rows whose finite logits span less than FLT_MAX (wider, z - max overflows and the
// far tail rounds to 0 / -inf). A result whose true value lies beyond float's range (a loss, log-value or gradient
// scaled by 1 / T near 1 / FLT_MIN) comes back as the infinity of its sign, never NaN. SIMD and scalar builds agree
// within that; seeded sampling is bit-identical everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "status.hpp"

namespace logitlab {

// A batch of logits: `rows` rows, each of logits.size() / rows classes, divided by `temperature` before use.
struct Batch {
  std::span<const float> logits;
  std::size_t rows = 1;
  float temperature = 1.0f;
};

// out[r, c] = softmax(z[r] / T)[c]. out may alias logits (in place). out.size() == logits.size().
Status softmax(const Batch& batch, std::span<float> out);
// out[r, c] = log softmax(z[r] / T)[c]; -Infinity where z is -Infinity.
Status log_softmax(const Batch& batch, std::span<float> out);
// out[r] = log sum_c exp(z[r, c] / T). out.size() == rows.
Status log_sum_exp(const Batch& batch, std::span<float> out);
// out[r] = -sum_c p_c log p_c in nats, p = softmax(z[r] / T); masked classes contribute 0.
Status entropy(const Batch& batch, std::span<float> out);

enum class Reduction : int32_t { mean = 0, sum = 1, none = 2 };

// torch.nn.functional.cross_entropy(z / T, target, reduction, label_smoothing, ignore_index, weight), except that a
// 'mean' over no counted rows (all ignored, or zero total weight) is 0 instead of NaN.
struct CrossEntropyOptions {
  Reduction reduction = Reduction::mean;
  float label_smoothing = 0.0f;        // in [0, 1]: target becomes (1 - eps) y + eps / C
  int32_t ignore_index = -100;         // rows with this index target have loss 0 and gradient 0
  std::span<const float> weight = {};  // empty, or C finite non-negative class weights
};

// Targets are either one class index per row, or rows * C probabilities (each row summing to 1 within 1e-3).
struct Targets {
  std::span<const int32_t> indices = {};
  std::span<const float> probabilities = {};
  bool soft() const { return !probabilities.empty(); }
};

// loss: 1 value for mean/sum, rows values for none.
Status cross_entropy(const Batch& batch, const Targets& targets, const CrossEntropyOptions& options,
                     std::span<float> loss);
// grad = d(loss)/d(z) with respect to the raw logits (the 1/T factor included); for 'none', row r holds the gradient
// of row r's own loss. grad may alias logits.
Status cross_entropy_grad(const Batch& batch, const Targets& targets, const CrossEntropyOptions& options,
                          std::span<float> grad);

// The k largest logits of one row, largest first, ties to the lower index. indices.size() == values.size() == k.
Status top_k(std::span<const float> logits, std::size_t k, std::span<int32_t> indices, std::span<float> values);

struct SampleOptions {
  float temperature = 1.0f;
  std::size_t top_k = 0;                  // 0 = off
  float top_p = 1.0f;                     // (0, 1]; 1 = off
  float min_p = 0.0f;                     // [0, 1]; 0 = off
  float repetition_penalty = 1.0f;        // > 0; 1 = off
  std::span<const int32_t> history = {};  // tokens the penalty applies to (each once, however often repeated)
  bool temperature_last = false;          // apply temperature after the filters (llama.cpp order)
  uint32_t seed = 0;
};

// Draws one index from one row after penalty, temperature, top-k, top-p and min-p, in that order (or with temperature
// last). Runs in a fixed scalar order in double precision: the same seed gives the same index on every build.
Status sample(std::span<const float> logits, const SampleOptions& options, int32_t& index);

// The set `sample` draws from, and its renormalised probabilities: kept[c] is 1 for kept classes, probabilities[c]
// is 0 outside the kept set. Both of length C.
Status sample_distribution(std::span<const float> logits, const SampleOptions& options, std::span<uint8_t> kept,
                           std::span<float> probabilities);

// The temperature T > 0 minimising mean cross-entropy of softmax(z / T) against the targets (temperature scaling).
// Searched on [1e-3, 1e3]; where the loss keeps falling past an end (targets always the unique argmax, or anti-
// correlated with the logits) that end is returned. Ignored rows (index -100) do not count; where the loss does not
// depend on T at all (no counted row, or every counted row flat), 1 is returned.
Status fit_temperature(std::span<const float> logits, std::size_t rows, const Targets& targets, float& temperature);

// Every intermediate of one row, for teaching. Each span has C entries (or is empty when not wanted).
struct TraceOptions {
  float temperature = 1.0f;
  int32_t target = -1;  // < 0: no loss or gradient
  float label_smoothing = 0.0f;
  SampleOptions sampling = {};  // its temperature is ignored in favour of `temperature`
  bool with_sampling = false;
};
struct TraceResult {
  std::span<float> scaled;              // z / T
  std::span<float> shifted;             // z / T - max
  std::span<float> exps;                // exp(shifted)
  std::span<float> probabilities;       // exps / sum
  std::span<float> log_probabilities;   // shifted - log(sum)
  std::span<float> gradient;            // (with target) p - y, w.r.t. raw logits
  std::span<uint8_t> kept;              // (with sampling) 1 for kept classes
  std::span<float> kept_probabilities;  // (with sampling) renormalised over the kept set
  float max = 0, sum = 0, log_sum_exp = 0, entropy = 0, loss = 0;
};
Status trace(std::span<const float> logits, const TraceOptions& options, TraceResult& result);

// True when this build's row kernels run on SIMD vectors (false for WebAssembly built without -msimd128).
bool simd_available();

}  // namespace logitlab
