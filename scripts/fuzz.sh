#!/usr/bin/env bash
# Fuzzes the C++ core: builds the libFuzzer targets of tests/fuzz (clang, -fsanitize=fuzzer,address,undefined) into
# build/fuzz, replays the saved reproducers of past failures (tests/fuzz/regressions/<target>/), then runs every target
# SECONDS seconds (default 60) from its seed corpus (tests/fuzz/corpus/<target>/) plus what earlier runs found
# (build/fuzz/corpus/<target>/). Targets run FUZZ_JOBS at a time (default: 2, or 1 on a single core).
#
#   bash scripts/fuzz.sh 600        # ten minutes per target
#   npm run fuzz -- 600             # the same, after setup
#   bash scripts/fuzz.sh 600 cross_entropy_grad trace   # only these targets
#
# Prints executions per target; exits non-zero when any target crashes, breaks an oracle invariant, trips a sanitizer,
# times out or runs out of memory. A failing input is saved under build/fuzz/artifacts/<target>/, with the command that
# replays it.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: bash scripts/fuzz.sh [SECONDS per target, default 60] [TARGET ...]" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))
only=("$@")  # target names, with or without the fuzz_ prefix; none: every target
cores=$(nproc 2>/dev/null || echo 2)
jobs=${FUZZ_JOBS:-$([ "$cores" -ge 2 ] && echo 2 || echo 1)}
build=build/fuzz

mkdir -p "$build"
if ! cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DLOGITLAB_FUZZ=ON -DLOGITLAB_SANITIZE=ON > "$build.configure.log" 2>&1; then
  cat "$build.configure.log"
  echo "fuzz: configuring $build failed" >&2
  exit 1
fi
if ! cmake --build "$build" -j"$jobs" --target fuzz_all > "$build.build.log" 2>&1; then
  grep -v '^\[' "$build.build.log" | tail -40
  echo "fuzz: building the fuzz targets failed" >&2
  exit 1
fi

targets=()
for source in tests/fuzz/fuzz_*.cc; do
  targets+=("$(basename "$source" .cc)")
done
if [ ${#only[@]} -gt 0 ]; then
  chosen=()
  for name in "${only[@]}"; do
    name=fuzz_${name#fuzz_}
    if [ ! -f "tests/fuzz/$name.cc" ]; then
      echo "fuzz: no target $name; the targets are: ${targets[*]}" >&2
      exit 2
    fi
    chosen+=("$name")
  done
  targets=("${chosen[@]}")
fi

# One target: replay its regressions, then fuzz. Writes a one-line summary to $build/logs/<target>.summary.
fuzz_one() {
  local target=$1 bin="$build/tests/fuzz/$1" log="$build/logs/$1.log" summary="$build/logs/$1.summary"
  local work="$build/corpus/$target" artifacts="$build/artifacts/$target/" seeds="tests/fuzz/corpus/$target"
  mkdir -p "$work" "$artifacts" "$seeds"
  local options=(-timeout=30 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts")
  : > "$log"
  local regressions=(tests/fuzz/regressions/"$target"/*)
  if [ -e "${regressions[0]}" ]; then
    local file
    for file in "${regressions[@]}"; do
      if ! "$bin" "${options[@]}" "$file" >> "$log" 2>&1; then
        {
          echo "FAIL  $target: the saved regression input $file fails"
          grep -E 'ORACLE FAILURE|runtime error|ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer)' "$log" | head -2 |
            sed 's/^/        /'
          echo "        replay: $bin $file"
        } > "$summary"
        return 1
      fi
    done
  fi
  local start=$SECONDS
  "$bin" "${options[@]}" -max_total_time="$seconds" "$work" "$seeds" >> "$log" 2>&1
  local rc=$?
  local runs
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  runs=${runs:-0}
  local elapsed=$((SECONDS - start))
  local rate=$((runs / (elapsed > 0 ? elapsed : 1)))
  if [ $rc -eq 0 ]; then
    printf 'ok    %-26s %10s executions in %4d s (%d/s), corpus %d inputs\n' "$target" "$runs" "$elapsed" "$rate" \
      "$(ls "$work" | wc -l)" > "$summary"
    return 0
  fi
  local artifact
  artifact=$(grep -o "Test unit written to .*" "$log" | tail -1 | sed 's/Test unit written to //')
  {
    printf 'FAIL  %-26s after %s executions (%d s)\n' "$target" "$runs" "$elapsed"
    grep -E 'ORACLE FAILURE|runtime error|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|SUMMARY' "$log" |
      head -4 | sed 's/^/        /'
    [ -n "$artifact" ] && echo "        input: $artifact   replay: $bin $artifact"
  } > "$summary"
  return 1
}

mkdir -p "$build/logs"
echo "fuzz: ${#targets[@]} targets, $seconds s each, $jobs at a time"
names=()
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
  rm -f "$build/logs/$target.summary"
  fuzz_one "$target" &
  names+=("$target")
done
wait
# Each target's verdict is its summary line: bash may already have reaped a job that ended early, so the job's exit
# status is not always there to be waited for.
failed=0
for name in "${names[@]}"; do
  summary="$build/logs/$name.summary"
  if [ -f "$summary" ]; then cat "$summary"; else echo "FAIL  $name: no summary written"; fi
  [ -f "$summary" ] && head -c 4 "$summary" | grep -q '^ok' || failed=1
done
if [ $failed -ne 0 ]; then
  echo "fuzz: FAILED (full logs in $build/logs/)"
  exit 1
fi
echo "fuzz: no crash, no sanitizer report, no invariant broken"
