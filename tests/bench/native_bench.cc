// The native limit: the same C++ core the WebAssembly builds run, compiled with -O3 -march=native, on the workloads of
// tests/bench/workloads.js (same generator, so the same logits), checked against the tests' float64 reference and then
// timed round-robin like the JS worker (by this thread's CPU time, and wall time beside it). Writes the worker's JSON
// format to the path given as the last argument.
//
//   logitlab_bench [--rep-ms 40] [--warm-ms 200] [--rounds 7] out.json
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>

#include "logitlab.hpp"
#include "reference.hpp"

namespace {

struct Workload {
  const char* id;
  enum Op { softmax, log_softmax, cross_entropy, sample } op;
  std::size_t rows, classes;
  float top_p = 1.0f;
};

const Workload kWorkloads[] = {
    {"softmax-1x1000", Workload::softmax, 1, 1000},
    {"softmax-1x50257", Workload::softmax, 1, 50257},
    {"softmax-1x262144", Workload::softmax, 1, 262144},
    {"softmax-64x50257", Workload::softmax, 64, 50257},
    {"logsoftmax-1x50257", Workload::log_softmax, 1, 50257},
    {"ce-64x50257", Workload::cross_entropy, 64, 50257},
    {"sample-topp-1x50257", Workload::sample, 1, 50257, 0.9f},
};

constexpr double kProbabilityFloor = 1e-30;  // as workloads.js
constexpr double kLogFloor = 1;
constexpr int kSampleDraws = 64;

// mulberry32, bit for bit as workloads.js.
struct Mulberry32 {
  uint32_t a;
  double operator()() {
    a += 0x6d2b79f5u;
    uint32_t t = a;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
};

struct Input {
  std::vector<float> logits;
  std::vector<int32_t> targets;
};

Input make_input(const Workload& w, uint32_t seed = 20250) {
  Mulberry32 random{static_cast<uint32_t>(seed + w.rows * 7919 + w.classes)};
  const std::size_t n = w.rows * w.classes;
  Input in{std::vector<float>(n), std::vector<int32_t>(w.rows)};
  for (std::size_t i = 0; i < n; i += 2) {
    const double r = std::sqrt(-2 * std::log(1 - random()));
    const double a = 2 * std::numbers::pi * random();
    in.logits[i] = static_cast<float>(5 + 3 * r * std::cos(a));
    if (i + 1 < n) in.logits[i + 1] = static_cast<float>(5 + 3 * r * std::sin(a));
  }
  for (auto& t : in.targets) t = static_cast<int32_t>(std::floor(random() * static_cast<double>(w.classes)));
  return in;
}

double relative(double got, double ref, double floor) {
  const double e = std::fabs(got - ref) / std::max(std::fabs(ref), floor);
  return std::isnan(e) ? INFINITY : e;
}

// Checks one workload against the tests' float64 reference; returns the max relative error (0/inf for sampling) and
// a note.
double verify(const Workload& w, const Input& in, std::string& note) {
  const std::size_t C = w.classes, n = w.rows * C;
  const logitlab::Batch batch{in.logits, w.rows, 1.0f};
  double worst = 0;
  if (w.op == Workload::softmax || w.op == Workload::log_softmax) {
    std::vector<float> out(n);
    const auto status = w.op == Workload::softmax ? logitlab::softmax(batch, out) : logitlab::log_softmax(batch, out);
    if (!status) return INFINITY;
    for (std::size_t r = 0; r < w.rows; ++r) {
      const ref::Row row = ref::row(in.logits.data() + r * C, C, 1.0);
      const std::vector<double>& want = w.op == Workload::softmax ? row.p : row.logp;
      const double floor = w.op == Workload::softmax ? kProbabilityFloor : kLogFloor;
      for (std::size_t i = 0; i < C; ++i) worst = std::max(worst, relative(out[r * C + i], want[i], floor));
    }
    return worst;
  }
  if (w.op == Workload::cross_entropy) {
    float loss = 0;
    if (!logitlab::cross_entropy(batch, {in.targets, {}}, {}, {&loss, 1})) return INFINITY;
    const ref::CeTargets targets{in.targets, {}};
    const double want = ref::cross_entropy(in.logits.data(), w.rows, C, 1.0, targets, {})[0];
    return relative(loss, want, kLogFloor);
  }
  // Sampling: every draw must land in the float64 nucleus (with the relative 1e-6 slack of workloads.js).
  ref::SampleOptions nucleus;
  nucleus.top_p = w.top_p;
  const ref::Kept k = ref::sample_distribution(in.logits, nucleus, 1e-6);
  std::vector<uint8_t> allowed(C, 0);
  for (std::size_t i = 0; i < k.max_keep; ++i) allowed[k.order[i]] = 1;
  int inside = 0;
  for (int s = 1; s <= kSampleDraws; ++s) {
    logitlab::SampleOptions o;
    o.top_p = w.top_p;
    o.seed = static_cast<uint32_t>(s);
    int32_t index = -1;
    if (logitlab::sample(in.logits, o, index) && index >= 0 && allowed[index]) ++inside;
  }
  note = std::to_string(inside) + "/" + std::to_string(kSampleDraws) + " draws in the nucleus";
  return inside == kSampleDraws ? 0 : INFINITY;
}

struct Cell {
  const Workload* w;
  Input in;
  std::vector<float> out;
  uint32_t seed = 1;
  double error = 0;
  std::string note;
  long iterations = 1;
  std::vector<double> ns, wall_ns;

  void run() {
    const logitlab::Batch batch{in.logits, w->rows, 1.0f};
    switch (w->op) {
      case Workload::softmax: logitlab::softmax(batch, out); break;
      case Workload::log_softmax: logitlab::log_softmax(batch, out); break;
      case Workload::cross_entropy: logitlab::cross_entropy(batch, {in.targets, {}}, {}, {out.data(), 1}); break;
      case Workload::sample: {
        logitlab::SampleOptions o;
        o.top_p = w->top_p;
        o.seed = seed++;
        int32_t index;
        logitlab::sample(in.logits, o, index);
        out[0] = static_cast<float>(index);
        break;
      }
    }
  }
};

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// This thread's CPU time, as the JS worker measures it (time spent descheduled does not count).
double cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Times {
  double wall, cpu;
};

Times repeat(Cell& c, long n) {
  const double c0 = cpu_ms(), t0 = now_ms();
  for (long i = 0; i < n; ++i) c.run();
  return {now_ms() - t0, cpu_ms() - c0};
}

}  // namespace

int main(int argc, char** argv) {
  double rep_ms = 40, warm_ms = 200;
  int rounds = 7;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rep-ms") && i + 1 < argc)
      rep_ms = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--warm-ms") && i + 1 < argc)
      warm_ms = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else
      path = argv[i];
  }
  if (!path) {
    std::fprintf(stderr, "usage: %s [--rep-ms ms] [--warm-ms ms] [--rounds n] out.json\n", argv[0]);
    return 2;
  }

  std::vector<Cell> cells;
  for (const Workload& w : kWorkloads) {
    Cell c;
    c.w = &w;
    c.in = make_input(w);
    c.out.resize(std::max<std::size_t>(w.rows * w.classes, 1));
    c.error = verify(w, c.in, c.note);
    cells.push_back(std::move(c));
  }
  for (Cell& c : cells) {
    long calls = 0;
    double elapsed = 0;
    while (elapsed < warm_ms || calls < 5) {
      const long n = std::max(1L, calls);
      elapsed += repeat(c, n).wall;
      calls += n;
    }
    c.iterations = std::max(1L, std::lround(rep_ms / (elapsed / static_cast<double>(calls))));
  }
  const std::size_t m = cells.size();
  for (int round = 0; round < rounds; ++round) {
    const std::size_t offset = static_cast<std::size_t>(round) * m / static_cast<std::size_t>(rounds);
    for (std::size_t k = 0; k < m; ++k) {
      Cell& c = cells[(k + offset) % m];
      const Times t = repeat(c, c.iterations);
      const double per = 1e6 / static_cast<double>(c.iterations) / static_cast<double>(c.w->rows * c.w->classes);
      c.ns.push_back(t.cpu * per);
      c.wall_ns.push_back(t.wall * per);
    }
  }

  FILE* f = std::fopen(path, "w");
  if (!f) {
    std::perror(path);
    return 1;
  }
  std::fprintf(f, "{\"cells\":[");
  for (std::size_t k = 0; k < m; ++k) {
    const Cell& c = cells[k];
    std::fprintf(f, "%s{\"workload\":\"%s\",\"peer\":\"native\",\"logits\":%zu,\"iterations\":%ld,", k ? "," : "",
                 c.w->id, c.w->rows * c.w->classes, c.iterations);
    if (std::isfinite(c.error))
      std::fprintf(f, "\"error\":%.6g,", c.error);
    else
      std::fprintf(f, "\"error\":\"Infinity\",");
    if (!c.note.empty()) std::fprintf(f, "\"check\":\"%s\",", c.note.c_str());
    for (const auto* series : {&c.ns, &c.wall_ns}) {
      std::fprintf(f, "%s\"%s\":[", series == &c.ns ? "" : ",", series == &c.ns ? "ns" : "wallNs");
      for (std::size_t i = 0; i < series->size(); ++i) std::fprintf(f, "%s%.6g", i ? "," : "", (*series)[i]);
      std::fprintf(f, "]");
    }
    std::fprintf(f, "}");
  }
  std::fprintf(f, "]}\n");
  std::fclose(f);
  return 0;
}
