// Decoding shared by the cross-entropy fuzzers: a batch, reduction, label smoothing, ignore index, class weights, and
// index or soft targets.
#pragma once

#include "expected.hpp"
#include "input.hpp"

namespace fuzz {

struct CrossEntropyCase {
  Logits l;
  std::vector<float> input;  // the logits as decoded, to check nothing changed them
  std::vector<int32_t> indices;
  std::vector<float> probabilities;
  std::vector<float> weight;
  logitlab::CrossEntropyOptions options;
  bool soft = false, in_place = false, wrong_out = false;
  CrossEntropyArgs args() const {
    CrossEntropyArgs a;
    a.z = input;
    a.rows = l.rows;
    a.temperature = l.temperature;
    a.indices = indices;
    a.probabilities = probabilities;
    a.reduction = static_cast<int>(options.reduction);
    a.label_smoothing = options.label_smoothing;
    a.ignore_index = options.ignore_index;
    a.weight = weight;
    return a;
  }
  logitlab::Targets targets() const {
    logitlab::Targets t;
    if (soft)
      t.probabilities = probabilities;
    else
      t.indices = indices;
    return t;
  }
};

inline CrossEntropyCase cross_entropy_case(const uint8_t* data, std::size_t size) {
  CrossEntropyCase k;
  Reader r(data, size);
  k.l = logits_from(r);
  const uint8_t flags = r.u8();
  const int reduction = flags % 8 < 3 ? flags % 8 : flags % 8 == 7 ? 7 : flags % 3;
  k.options.reduction = static_cast<logitlab::Reduction>(reduction);
  k.soft = (flags >> 3) & 1;
  k.in_place = (flags >> 4) & 1;
  k.wrong_out = (flags >> 5) == 7;
  k.options.label_smoothing = unit_option(r, 0.0f);
  const std::size_t C = k.l.classes;
  switch (r.u8() % 8) {
    case 1: k.options.ignore_index = -1; break;
    case 2: k.options.ignore_index = 0; break;
    case 3: k.options.ignore_index = C ? static_cast<int32_t>(C - 1) : 0; break;
    default: k.options.ignore_index = -100;
  }
  k.weight = weights_from(r, C);
  k.options.weight = k.weight;
  // A layout fault may make rows absurd: targets then follow the length, not rows.
  const std::size_t rows = k.l.rows <= kMaxElements ? k.l.rows : 1;
  if (k.soft) {
    k.probabilities = probabilities_from(r, rows, C);
    if (k.probabilities.empty()) k.soft = false;  // an empty span means index targets to the core
  }
  if (!k.soft) k.indices = indices_from(r, rows, C, k.options.ignore_index);
  overrides_from(r, k.l.values);
  k.input = k.l.values;
  return k;
}

}  // namespace fuzz
