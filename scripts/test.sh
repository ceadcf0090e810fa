#!/usr/bin/env bash
# Runs every test suite (after scripts/build.sh): the formatting check; C++ natively, under ASan+UBSan and as
# WebAssembly in Node; the JS API through node:test; the packed package in consumer projects; the lessons in Chromium;
# short fuzz runs.
# Every suite runs even when an earlier one fails; the summary lists each suite's result.
set -uo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc 2>/dev/null || echo 2)
results=()
failed=0

run() {
  local name=$1; shift
  echo
  echo "=== $name"
  local start=$SECONDS
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - start)) s)")
    failed=1
  fi
}

# Builds a target, showing the compiler's output; fails (so the suite fails) when compiling fails, rather than letting
# an older binary run.
build_target() {
  local dir=$1 target=$2
  if ! cmake --build "$dir" -j"$jobs" --target "$target" > "$dir.build.log" 2>&1; then
    grep -v '^\[' "$dir.build.log"
    echo "compiling $target in $dir failed (log: $dir.build.log)"
    return 1
  fi
  grep -v '^\[' "$dir.build.log" || true
}

cpp_native() {
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ > build/native.configure.log &&
    build_target build/native logitlab_tests &&
    build/native/tests/cpp/logitlab_tests
}
cpp_sanitized() {
  cmake -S . -B build/native-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ -DLOGITLAB_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" > build/native-asan.configure.log &&
    build_target build/native-asan logitlab_tests &&
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 build/native-asan/tests/cpp/logitlab_tests
}
cpp_wasm() {
  build_target build/wasm-simd logitlab_tests &&
    node build/wasm-simd/tests/cpp/logitlab_tests.js
}

run "Formatting (clang-format for C++, the house style for JS)" node scripts/check-format.js
run "C++ core, native (Catch2)" cpp_native
run "C++ core, native under ASan+UBSan (Catch2)" cpp_sanitized
run "C++ core, WebAssembly SIMD in Node (Catch2)" cpp_wasm
run "JS API against the built package (node:test)" node --test --test-reporter=spec tests/js/
[ -f tests/package/run.js ] && run "Package consumers (Node ESM/CJS, TypeScript, esbuild, Vite, browser, worker, inline, size)" node tests/package/run.js
[ -f tests/browser/run.js ] && run "Lessons in headless Chromium" node tests/browser/run.js
[ -f scripts/fuzz.sh ] && run "Fuzzing, short runs" bash scripts/fuzz.sh 3

echo
echo "=== Summary"
printf '%s\n' "${results[@]}"
exit $failed
