#!/usr/bin/env bash
# Builds the package into dist/: the two WebAssembly builds (SIMD and scalar) from one CMake project, the ES module,
# the inline entry (WebAssembly embedded) and the types. Incremental: a second run only redoes what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs  # Debian's em++ finds acorn here

# em++ sees only the third-party headers it needs, never all of /usr/include.
mkdir -p build/include dist
ln -sfn /usr/include/hwy build/include/hwy
ln -sfn /usr/include/catch2 build/include/catch2

jobs=$(nproc 2>/dev/null || echo 2)
for variant in simd scalar; do
  dir=build/wasm-$variant
  simd=$([ "$variant" = simd ] && echo ON || echo OFF)
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DLOGITLAB_SIMD=$simd \
      -DLOGITLAB_THIRD_PARTY_INCLUDE="$PWD/build/include" > "$dir.configure.log" 2>&1 ||
      { cat "$dir.configure.log"; exit 1; }
  fi
  # A failed compile stops here: an older glue.wasm left in $dir must never be shipped as the new build.
  if ! cmake --build "$dir" --target logitlab_wasm -j"$jobs" > "$dir.build.log" 2>&1; then
    grep -v '^\[' "$dir.build.log" >&2
    echo "build: compiling the $variant WebAssembly build failed (log: $dir.build.log)" >&2
    exit 1
  fi
  grep -v '^\[' "$dir.build.log" || true
  test -f "$dir/glue.wasm" -a -f "$dir/glue.js"
  cp "$dir/glue.wasm" "dist/logitlab-$variant.wasm"
  # The glue's own fallback URL would make bundlers look for a file we never ship: we always pass the compiled module.
  sed 's/new URL("glue.wasm",import.meta.url).toString()/"logitlab-'"$variant"'.wasm"/' "$dir/glue.js" > "build/glue-$variant.js"
  if grep -q 'glue.wasm",import.meta.url' "build/glue-$variant.js"; then echo "glue rewrite failed" >&2; exit 1; fi
done

node scripts/bundle.js
# The lessons site (web/ plus the built module), when the lessons exist.
if [ -f scripts/site.js ]; then node scripts/site.js; fi
