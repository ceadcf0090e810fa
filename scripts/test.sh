#!/usr/bin/env bash
# Runs every test suite (after scripts/build.sh): C++ natively, under ASan+UBSan and as WebAssembly in Node; the JS
# API through node:test; the packed package in consumer projects; the lessons in Chromium; short fuzz runs.
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

cpp_native() {
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ > build/native.configure.log &&
    cmake --build build/native -j"$jobs" --target logitlab_tests | grep -v '^\[' ;
  build/native/tests/cpp/logitlab_tests
}
cpp_sanitized() {
  cmake -S . -B build/native-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ -DLOGITLAB_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" > build/native-asan.configure.log &&
    cmake --build build/native-asan -j"$jobs" --target logitlab_tests | grep -v '^\[' ;
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 build/native-asan/tests/cpp/logitlab_tests
}
cpp_wasm() {
  cmake --build build/wasm-simd -j"$jobs" --target logitlab_tests | grep -v '^\[' ;
  node build/wasm-simd/tests/cpp/logitlab_tests.js
}

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
