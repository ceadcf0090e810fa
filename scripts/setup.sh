#!/usr/bin/env bash
# Installs what is missing, and nothing else: Debian packages through apt, JS packages from the lockfile through npm.
# Idempotent and quick when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v em++ >/dev/null 2>&1 || need+=(emscripten)
[ -f /usr/include/catch2/catch.hpp ] || need+=(catch2)
[ -f /usr/include/hwy/highway.h ] || need+=(libhwy-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v clang++ >/dev/null 2>&1 || need+=(clang)
command -v clang-format >/dev/null 2>&1 || need+=(clang-format)
# libFuzzer and the sanitizer runtimes for clang.
ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
command -v gzip >/dev/null 2>&1 || need+=(gzip)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile. No install scripts: the devDependency
# @huggingface/transformers pulls in onnxruntime-node, whose install script downloads binaries from outside npm (we
# use only transformers.js's JS classes); esbuild finds its platform package without its script.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing JS packages (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
