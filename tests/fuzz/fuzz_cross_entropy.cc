// cross_entropy: loss >= 0 (+Infinity only where a positive target sits on a masked class), matching float64 for
// every reduction, label smoothing, ignore index, class weights and soft targets.
#include "ce.hpp"
#include "oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fuzz;
  CrossEntropyCase k = cross_entropy_case(data, size);
  const bool none = k.options.reduction == logitlab::Reduction::none;
  std::size_t count = none ? (k.l.rows <= kMaxElements ? k.l.rows : 1) : 1;
  if (k.wrong_out) count += 1;
  std::vector<float> loss(count, kSentinel);
  const CrossEntropyArgs args = k.args();
  Errors expected = cross_entropy_errors(args);
  if (k.wrong_out || (none && count != k.l.rows)) expected |= bit(Error::out_length);
  const logitlab::Status s =
      logitlab::cross_entropy({k.l.values, k.l.rows, k.l.temperature}, k.targets(), k.options, loss);
  check_status("cross_entropy", s, expected);
  FUZZ_CHECK(unchanged(k.l.values, k.input), "cross_entropy changed its logits");
  check_twins_batch(k.input, k.l.rows, k.l.temperature);
  if (!s.ok()) {
    check_status_location("cross_entropy", s, k.input, k.l.classes);
    FUZZ_CHECK(all_sentinel(loss), "cross_entropy wrote its output although it failed with error %d",
               static_cast<int>(s.error));
    return 0;
  }
  const ref::CeParts ref = cross_entropy_ref(args);
  auto check = [&](float got, double want, const char* what, std::size_t row) {
    FUZZ_CHECK(got >= 0.0f, "cross_entropy (%s, row %zu) = %g < 0 (or NaN)", what, row, got);
    FUZZ_CHECK(log_close(got, want),
               "cross_entropy (%s, row %zu) = %.9g, reference %.9g (rows %zu, C %zu, T %g, eps %g, %s targets, %s)",
               what, row, got, want, k.l.rows, k.l.classes, k.l.temperature, k.options.label_smoothing,
               k.soft ? "soft" : "index", k.weight.empty() ? "unweighted" : "weighted");
  };
  if (none) {
    for (std::size_t r = 0; r < k.l.rows; ++r) {
      check(loss[r], ref.row_loss[r], "none", r);
      if (ref.ignored[r]) FUZZ_CHECK(loss[r] == 0.0f, "cross_entropy: ignored row %zu has loss %g", r, loss[r]);
    }
  } else {
    check(loss[0], ref.loss[0], k.options.reduction == logitlab::Reduction::mean ? "mean" : "sum", 0);
  }
  return 0;
}
