// Writes the seed corpus: for each fuzzer a few dozen inputs, in input.hpp's byte layout, that reach the cases worth
// starting from (C = 1, vocabulary sizes around block and vector widths, 32000/50257/70000 classes, logits in
// [90, 100], +-1e38, subnormals, -Infinity masks, NaN and +Infinity, extreme temperatures, every option and target
// kind, and every kind of invalid argument). With a second folder, also the regression inputs: one small input per
// bug the fuzzers found, built here from its description and checked by decoding it, which scripts/fuzz.sh replays.
//   build/fuzz/tests/fuzz/fuzz_seeds tests/fuzz/corpus tests/fuzz/regressions
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "ce.hpp"
#include "input.hpp"

namespace {

struct Bytes {
  std::vector<uint8_t> b;
  Bytes& u8(unsigned v) {
    b.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  Bytes& u16(unsigned v) { return u8(v & 0xff).u8(v >> 8); }
  Bytes& u32(uint32_t v) { return u16(v & 0xffff).u16(v >> 16); }
  Bytes& append(const Bytes& o) {
    b.insert(b.end(), o.b.begin(), o.b.end());
    return *this;
  }
};

// input.hpp's logits_from header. size_class: 0 (C <= 64), 1 (<= 300), 2 (<= 2100), 3 (<= 4500); big: C <= 70,000.
struct Batch {
  unsigned rows = 1, size_class = 0, classes = 8;
  unsigned fault = 0;  // 0 none, else 1 + kind (empty, rows 0, mismatch, huge rows)
  bool big = false;
  unsigned t_kind = 0;  // temperature_from kind (0 -> 1.0, 4 -> 1e-3, 5 -> 1e3, 6 log-uniform, 10 bits, 11 table)
  uint32_t t_raw = 0;
  unsigned mode = 0, mask = 0, specials = 0;  // generator, mask rate index, special values injected
  uint32_t seed = 1;
  bool with_temperature = true;
  Bytes bytes() const {
    Bytes o;
    unsigned shape = ((rows - 1) & 7) | (size_class << 3) | (fault ? 7u << 5 : big ? 6u << 5 : 0u);
    unsigned size = (classes - 1) & 0xffff;
    if (fault) size = (size & 0x3fff) | ((fault - 1) << 14);
    o.u8(shape).u16(size);
    if (with_temperature) o.u8(t_kind).u32(t_raw);
    o.u8(mode | (mask << 3) | (specials << 5)).u32(seed);
    return o;
  }
};

// overrides_from: (position, selector) pairs; selector < 128 is a special value (input.hpp's table), else raw bits.
Bytes special_at(unsigned position, unsigned table_index) { return Bytes().u16(position).u8(table_index); }
Bytes bits_at(unsigned position, uint32_t bits) { return Bytes().u16(position).u8(200).u32(bits); }
constexpr unsigned kNaN = 0, kPosInf = 1, kNegInf = 2;

Bytes unit(unsigned kind, unsigned raw = 0) { return Bytes().u8(kind).u16(raw); }  // unit_option
// unit_option kinds: 0 = the option's "off" value, 5 = 0, 6 = 1, 7 = NaN, 8 = -1e-7, 9 = 1.0000001, 10 = inf,
// 13 = raw/65535

std::vector<Batch> batches(bool with_temperature) {
  std::vector<Batch> list;
  auto add = [&](Batch b) {
    b.with_temperature = with_temperature;
    list.push_back(b);
  };
  add({});
  add({.classes = 1});
  add({.classes = 2, .mode = 1});
  for (unsigned c : {3u, 4u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 64u}) add({.classes = c, .mode = c % 8, .seed = c});
  add({.rows = 3, .size_class = 2, .classes = 1000, .mode = 2});  // [90, 100]
  add({.rows = 2, .size_class = 2, .classes = 1001, .mode = 2, .mask = 1});
  add({.rows = 8, .classes = 64, .mode = 1, .mask = 2});                     // 30% masked
  add({.rows = 4, .classes = 40, .mode = 0, .mask = 3});                     // 90% masked: some rows all -inf
  add({.classes = 33, .mode = 3});                                           // +-1e30..1e38
  add({.rows = 2, .size_class = 2, .classes = 1025, .mode = 4, .seed = 7});  // constant offset + noise
  add({.classes = 17, .mode = 5, .seed = 3});                                // all equal
  add({.classes = 50, .t_kind = 4, .mode = 6});                              // peaked at T = 1e-3
  add({.classes = 50, .t_kind = 5, .mode = 0});                              // T = 1e3
  add({.classes = 20, .t_kind = 6, .t_raw = 12345, .mode = 1});              // log-uniform T
  add({.classes = 29, .mode = 7});                                           // subnormal .. 1e38
  add({.classes = 12, .mode = 0, .specials = 3, .seed = 99});                // special values injected
  add({.size_class = 3, .classes = 4096, .mode = 1});
  add({.classes = 32000, .big = true, .mode = 1, .mask = 1});
  add({.classes = 50257, .big = true, .mode = 2});
  add({.rows = 2, .classes = 70000, .big = true, .mode = 0});
  add({.classes = 8, .fault = 1});             // empty
  add({.classes = 8, .fault = 2});             // rows = 0
  add({.rows = 3, .classes = 8, .fault = 3});  // length not divisible
  add({.classes = 8, .fault = 4});             // rows = SIZE_MAX
  if (with_temperature) {
    for (uint32_t i : {0u, 2u, 3u, 4u, 7u, 8u, 10u, 11u}) add({.classes = 6, .t_kind = 11, .t_raw = i});
    add({.classes = 6, .t_kind = 10, .t_raw = 0x7fc00000});  // NaN bits
  }
  return list;
}

// The bytes a batch needs for special values: NaN, +inf, a row of -inf.
std::vector<Bytes> poisons(unsigned classes) {
  std::vector<Bytes> p;
  p.push_back(special_at(classes / 2, kNaN));
  p.push_back(special_at(0, kPosInf));
  Bytes masked;
  for (unsigned c = 0; c < classes && c < 64; ++c) masked.append(special_at(c, kNegInf));
  p.push_back(masked);
  p.push_back(bits_at(1, 0x00000001));                       // a subnormal
  p.push_back(special_at(1, 16).append(special_at(2, 17)));  // 3e38 and -3e38: spread beyond FLT_MAX
  return p;
}

class Corpus {
 public:
  explicit Corpus(std::filesystem::path root) : root_(std::move(root)) {}
  void add(const std::string& target, const Bytes& b) {
    const auto dir = root_ / target;
    std::filesystem::create_directories(dir);
    char name[32];
    std::snprintf(name, sizeof name, "seed-%03d", count_[target]++);
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(b.b.data()), static_cast<std::streamsize>(b.b.size()));
  }
  int total() const {
    int n = 0;
    for (auto& [k, v] : count_) n += v;
    return n;
  }

 private:
  std::filesystem::path root_;
  std::map<std::string, int> count_;
};

// Regression inputs. Where a property depends on generated values, the generator seed is searched until decoding the
// input shows the property (so the file stays right if the generators change, or the search says it cannot).
void write(const std::filesystem::path& root, const std::string& target, const std::string& name, const Bytes& b) {
  std::filesystem::create_directories(root / target);
  std::ofstream(root / target / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.b.data()), static_cast<std::streamsize>(b.b.size()));
}

template <class Make, class Holds>
Bytes search(const char* what, Make make, Holds holds) {
  for (uint32_t seed = 1; seed < 2000000; ++seed) {
    const Bytes b = make(seed);
    if (holds(b)) return b;
  }
  std::fprintf(stderr, "fuzz_seeds: no input found for %s\n", what);
  std::exit(1);
}

// The inputs below are byte layouts written one to a line; clang-format would put each call on a line of its own.
// clang-format off
void regressions(const std::filesystem::path& root) {
  // Every logits-first target: NaN must be refused (x86 vector builds compared NaN with an ordered not-equal).
  const Bytes nan = Batch{.classes = 8, .mode = 1}.bytes().u8(0).append(special_at(3, kNaN));
  write(root, "fuzz_softmax", "nan-logit-accepted", nan);
  write(root, "fuzz_top_k", "nan-logit-accepted", Batch{.classes = 8, .mode = 1, .with_temperature = false}.bytes().u8(5).u16(3).append(special_at(3, kNaN)));

  // trace with an invalid sampling option: refused, but only after writing its outputs.
  write(root, "fuzz_trace", "writes-outputs-before-refusing",
        Batch{.classes = 30, .mode = 1}.bytes().u8(4 | 8).u16(2).append(unit(0)).u8(0).u16(0).append(unit(5))
            .append(unit(0)).u8(0).u8(0).u32(17).u32(1).u8(63));

  // Label smoothing on logits around a large offset (1e6 + noise): the raw-logit sum cancels catastrophically.
  write(root, "fuzz_cross_entropy", "label-smoothing-offset-logits",
        search("offset logits", [](uint32_t seed) {
          return Batch{.rows = 1, .size_class = 2, .classes = 2000, .mode = 4, .seed = seed}.bytes()
              .u8(0).append(unit(13, 6554)).u8(0).u8(0).u32(5).u8(0).u32(11);
        }, [](const Bytes& b) {
          const fuzz::CrossEntropyCase k = fuzz::cross_entropy_case(b.b.data(), b.b.size());
          return k.input.size() == 2000 && k.input[0] > 9e5 && k.input[0] < 1.1e6;
        }));

  // A masked target class with weight 0: its term is 0 * inf = NaN instead of 0.
  write(root, "fuzz_cross_entropy", "masked-target-zero-weight-nan",
        search("masked zero-weight target", [](uint32_t seed) {
          return Batch{.rows = 1, .classes = 6, .mode = 1, .mask = 2, .seed = seed}.bytes()
              .u8(2).append(unit(0)).u8(0).u8(3 | (1 << 6)).u32(seed * 7).u8(0).u32(seed * 13);
        }, [](const Bytes& b) {
          const fuzz::CrossEntropyCase k = fuzz::cross_entropy_case(b.b.data(), b.b.size());
          if (k.indices.size() != 1 || k.weight.size() != 6) return false;
          const int32_t y = k.indices[0];
          bool unmasked = false;
          for (float v : k.input) unmasked |= v != -fuzz::kInf;
          return y >= 0 && k.input[y] == -fuzz::kInf && k.weight[y] == 0.0f && unmasked;
        }));

  // Row losses near 1e39 whose mean (2e38) is a float: computed through (z - max) / T in float, which overflows.
  write(root, "fuzz_cross_entropy", "finite-mean-of-overflowing-rows",
        search("targets [1, 0]", [](uint32_t seed) {
          return Batch{.rows = 2, .classes = 2, .t_kind = 12, .t_raw = 0, .mode = 5}.bytes()
              .u8(0).append(unit(0)).u8(0).u8(0).u32(5).u8(0).u32(seed)
              .append(special_at(0, 3)).append(special_at(1, 4)).append(special_at(2, 9)).append(special_at(3, 9));
        }, [](const Bytes& b) {
          const fuzz::CrossEntropyCase k = fuzz::cross_entropy_case(b.b.data(), b.b.size());
          return k.indices.size() == 2 && k.indices[0] == 1 && k.indices[1] == 0 && k.l.temperature == 0.5f;
        }));

  // Logits 3e38 and -3e38 at T = 1e38: p = (0.9975, 0.0025), but z - max overflows to -inf and p becomes (1, 0).
  write(root, "fuzz_softmax", "spread-beyond-float-max",
        Batch{.classes = 2, .t_kind = 11, .t_raw = 11}.bytes().u8(0).append(special_at(0, 16)).append(special_at(1, 17)));
  // Logits 3e38 and -3e38 at T = 4: log p = -1.5e38 is a float, but z - max overflows to -inf first.
  write(root, "fuzz_log_softmax", "spread-beyond-float-max",
        Batch{.classes = 2, .t_kind = 12, .t_raw = 57344}.bytes().u8(0).append(special_at(0, 16)).append(special_at(1, 17)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s <corpus folder> [<regressions folder>]\n", argv[0]);
    return 2;
  }
  Corpus corpus(argv[1]);
  if (argc == 3) regressions(argv[2]);

  // softmax, log_softmax, log_sum_exp, entropy: batch, flags (bit 0 in place; 30 = wrong output length), overrides.
  for (const char* t : {"fuzz_softmax", "fuzz_log_softmax", "fuzz_log_sum_exp", "fuzz_entropy"}) {
    for (const Batch& b : batches(true)) corpus.add(t, b.bytes().u8(0));
    for (const Bytes& p : poisons(8)) corpus.add(t, Batch{.rows = 2}.bytes().u8(0).append(p));
    corpus.add(t, Batch{.rows = 2, .classes = 9}.bytes().u8(1));   // in place
    corpus.add(t, Batch{.rows = 2, .classes = 9}.bytes().u8(30));  // wrong output length
  }

  // cross_entropy and its gradient: batch, flags (reduction 0..2, 7 invalid; bit 3 soft; bit 4 in place; 7 << 5 wrong
  // output), label smoothing, ignore index kind, weights (mode, seed), targets (mode, seed), overrides.
  for (const char* t : {"fuzz_cross_entropy", "fuzz_cross_entropy_grad"}) {
    auto ce = [&](const Batch& b, unsigned flags, const Bytes& eps, unsigned ignore, unsigned weight_mode,
                  unsigned target_mode, const Bytes& tail = {}) {
      Bytes o = b.bytes();
      o.u8(flags).append(eps).u8(ignore).u8(weight_mode).u32(5).u8(target_mode).u32(11).append(tail);
      corpus.add(t, o);
    };
    const Bytes none = unit(0), smooth = unit(13, 6554), full = unit(6);
    for (const Batch& b : batches(true)) ce(b, 0, none, 0, 0, 0);
    const Batch rows{.rows = 4, .classes = 10, .mode = 1};
    for (unsigned reduction : {0u, 1u, 2u, 7u}) {
      ce(rows, reduction, none, 0, 0, 0);
      ce(rows, reduction, smooth, 0, 0, 0);
      ce(rows, reduction, smooth, 0, 3, 0);                  // weighted
      ce(rows, reduction | 8, none, 0, 0, 0 << 5);           // soft: one-hot
      ce(rows, reduction | 8, smooth, 0, 3, 1 << 5);         // soft: uniform, weighted
      ce(rows, reduction | 8, none, 0, 3 | (2 << 6), 2 << 5);  // soft: random; log-uniform weights
      ce(rows, reduction, none, 0, 0, 3 << 4);               // half the rows ignored
    }
    ce(rows, 0, full, 0, 0, 0);                               // label smoothing 1
    ce(rows, 0, unit(7), 0, 0, 0);                            // NaN smoothing
    ce(rows, 0, unit(9), 0, 0, 0);                            // smoothing just above 1
    ce(rows, 0, none, 2, 0, 0);                               // ignore index 0
    ce(rows, 0, none, 3, 0, 0);                               // ignore index C - 1
    ce(rows, 16, none, 0, 0, 0);                              // in place
    ce(rows, 7u << 5, none, 0, 0, 0);                         // wrong output length
    ce(rows, 0, none, 0, 3 | (15 << 2), 0);                   // weight of length C + 1
    ce(rows, 0, none, 0, 3 | (14 << 2), 0);                   // a negative weight
    ce(rows, 0, none, 0, 3 | (13 << 2), 0);                   // a NaN weight
    ce(rows, 0, none, 0, 3 | (11 << 2), 0);                   // all weights 0
    ce(rows, 0, none, 0, 3 | (1 << 6), 0);                    // some weights 0
    ce(rows, 0, none, 0, 0, 15);                              // one target too many
    ce(rows, 0, none, 0, 0, 14);                              // one too few
    ce(rows, 0, none, 0, 0, 3 << 6);                          // a target out of range
    for (unsigned broken : {31u, 30u, 29u, 28u, 27u, 26u}) ce(rows, 8, none, 0, 0, broken | (2 << 5));
    ce(Batch{.rows = 4, .classes = 10, .mode = 1, .mask = 2}, 0, smooth, 0, 0, 0);      // masked, smoothed: +inf
    ce(Batch{.rows = 4, .classes = 10, .mode = 1, .mask = 2}, 8, none, 0, 0, 2 << 5);   // masked, soft
    ce(Batch{.rows = 2, .size_class = 2, .classes = 1000, .mode = 4, .seed = 3}, 0, smooth, 0, 0, 0);  // offset
    ce(Batch{.rows = 2, .size_class = 2, .classes = 1000, .mode = 4, .seed = 3}, 0, smooth, 0, 3, 0);
    ce(Batch{.rows = 2, .classes = 10, .t_kind = 4, .mode = 3}, 8, none, 0, 0, 3 << 5);  // 1e38 logits, T = 1e-3
    for (const Bytes& p : poisons(10)) ce(rows, 0, none, 0, 0, 0, p);
  }

  // top_k: batch without temperature, k kind (0: 0, 1: C, 2: C + 1, 3: SIZE_MAX, 4: min(C, 1), else u16 % (C + 1);
  // 15 << 3 wrong output length), k value, overrides.
  for (const Batch& b : batches(false)) corpus.add("fuzz_top_k", b.bytes().u8(5).u16(3));
  for (unsigned kind : {0u, 1u, 2u, 3u, 4u, 15u << 3}) corpus.add("fuzz_top_k", Batch{.classes = 20, .with_temperature = false}.bytes().u8(kind).u16(0));
  corpus.add("fuzz_top_k", Batch{.classes = 20, .mode = 5, .with_temperature = false}.bytes().u8(5).u16(7));  // all ties
  corpus.add("fuzz_top_k", Batch{.classes = 20, .mask = 2, .with_temperature = false}.bytes().u8(1).u16(0));   // masks
  for (const Bytes& p : poisons(20)) corpus.add("fuzz_top_k", Batch{.classes = 20, .with_temperature = false}.bytes().u8(5).u16(3).append(p));

  // sample, sample_distribution, trace: sampling options = top-k kind + value, top-p, min-p, penalty kind, history kind
  // (bit 4: temperature last; 8..14: that many tokens; 15: 200 tokens; 0xF0: one bad token), history seed, seed.
  auto sampling = [](unsigned k_kind, unsigned k_value, const Bytes& top_p, const Bytes& min_p, unsigned penalty,
                     unsigned history, uint32_t seed) {
    return Bytes().u8(k_kind).u16(k_value).append(top_p).append(min_p).u8(penalty).u8(history).u32(17).u32(seed);
  };
  const Bytes off = unit(0);
  std::vector<Bytes> options = {
      sampling(0, 0, off, off, 0, 0, 1),
      sampling(3, 4, off, off, 0, 0, 2),                    // top-k 5
      sampling(0, 0, unit(13, 58982), off, 0, 0, 3),        // top-p 0.9
      sampling(0, 0, unit(13, 655), off, 0, 0, 4),          // top-p 0.01
      sampling(0, 0, off, unit(13, 3277), 0, 0, 5),         // min-p 0.05
      sampling(0, 0, off, unit(6), 0, 0, 6),                // min-p 1
      sampling(3, 9, unit(13, 52428), unit(13, 6554), 4, 12, 7),  // everything, penalty 1.3, 4 history tokens
      sampling(3, 9, unit(13, 52428), unit(13, 6554), 4, 12 | 16, 8),  // the same, temperature last
      sampling(0, 0, off, off, 5, 15, 9),                   // penalty 2 over 200 tokens
      sampling(6, 0, unit(6), unit(5), 6, 9, 0xffffffff),   // top-k C, top-p 1, min-p 0, penalty 0.5
      sampling(7, 1, off, off, 0, 0, 10),                   // top-k C + 1
      sampling(7, 0, off, off, 0, 0, 10),                   // top-k SIZE_MAX
      sampling(0, 0, unit(5), off, 0, 0, 11),               // top-p 0
      sampling(0, 0, unit(9), off, 0, 0, 11),               // top-p just above 1
      sampling(0, 0, off, unit(8), 0, 0, 11),               // min-p -1e-7
      sampling(0, 0, off, unit(7), 0, 0, 11),               // min-p NaN
      sampling(0, 0, off, off, 7, 0, 11),                   // penalty 0
      sampling(0, 0, off, off, 9, 0, 11),                   // penalty NaN
      sampling(0, 0, off, off, 4, 0xF9, 11),                // a history token out of range
  };
  for (const char* t : {"fuzz_sample", "fuzz_sample_distribution"}) {
    for (const Batch& b : batches(true)) corpus.add(t, b.bytes().append(options[2]).u8(0));
    for (const Bytes& o : options) {
      corpus.add(t, Batch{.classes = 40, .mode = 1}.bytes().append(o).u8(0));
      corpus.add(t, Batch{.classes = 40, .mode = 6, .mask = 2}.bytes().append(o).u8(0));
      corpus.add(t, Batch{.classes = 50257, .big = true, .mode = 1}.bytes().append(o).u8(0));
    }
    for (const Bytes& p : poisons(40)) corpus.add(t, Batch{.classes = 40}.bytes().append(options[6]).u8(0).append(p));
  }
  for (unsigned wrong : {14u, 15u})
    corpus.add("fuzz_sample_distribution", Batch{.classes = 40}.bytes().append(options[0]).u8(wrong));

  // fit_temperature: batch without temperature, flags (bit 0 soft), targets (mode, seed), overrides.
  for (const Batch& b : batches(false)) corpus.add("fuzz_fit_temperature", b.bytes().u8(0).u8(0).u32(3));
  for (unsigned mode : {0u, 1u, 2u, 3u}) {
    const Batch b{.rows = 6, .classes = 12, .mode = mode, .with_temperature = false};
    corpus.add("fuzz_fit_temperature", b.bytes().u8(0).u8(0).u32(mode));            // index targets
    corpus.add("fuzz_fit_temperature", b.bytes().u8(0).u8(2 << 4).u32(mode));       // some ignored
    corpus.add("fuzz_fit_temperature", b.bytes().u8(1).u8(2 << 5).u32(mode));       // soft, random
    corpus.add("fuzz_fit_temperature", b.bytes().u8(1).u8(1 << 5).u32(mode));       // soft, uniform
    corpus.add("fuzz_fit_temperature", b.bytes().u8(0).u8(3 << 6).u32(mode));       // a bad target
  }
  corpus.add("fuzz_fit_temperature", Batch{.rows = 6, .classes = 12, .mode = 6, .mask = 2, .with_temperature = false}.bytes().u8(0).u8(0).u32(1));
  corpus.add("fuzz_fit_temperature", Batch{.rows = 2, .size_class = 2, .classes = 1000, .mode = 2, .with_temperature = false}.bytes().u8(0).u8(0).u32(1));

  // trace: batch, target kind (0/1 none, 2 C, 3 -5, else u16 % C; bit 3 with sampling) + value, label smoothing,
  // sampling options, output fault (0..8 one output of the wrong length), overrides.
  auto trace = [&](const Batch& b, unsigned target_kind, unsigned target, const Bytes& eps, const Bytes& o,
                   unsigned fault, const Bytes& tail = {}) {
    corpus.add("fuzz_trace", b.bytes().u8(target_kind).u16(target).append(eps).append(o).u8(fault).append(tail));
  };
  for (const Batch& b : batches(true)) trace(b, 4, 1, off, options[0], 63);
  const Batch row{.classes = 30, .mode = 1};
  for (const Bytes& o : options) {
    trace(row, 4 | 8, 2, off, o, 63);
    trace(row, 0 | 8, 0, unit(13, 6554), o, 63);
  }
  for (unsigned fault = 0; fault <= 8; ++fault) trace(row, 4 | 8, 2, off, options[6], fault);
  trace(row, 2, 0, off, options[0], 63);        // target C
  trace(row, 3, 0, off, options[0], 63);        // target -5: no loss
  trace(row, 4, 3, unit(7), options[0], 63);    // NaN smoothing
  trace(row, 4 | 8, 3, off, options[12], 63);   // sampling with top-p 0
  trace(row, 4 | 8, 3, off, options[18], 63);   // a history token out of range
  for (const Bytes& p : poisons(30)) trace(row, 4 | 8, 1, off, options[6], 63, p);

  std::printf("wrote %d seeds under %s\n", corpus.total(), argv[1]);
  return 0;
}
// clang-format on
