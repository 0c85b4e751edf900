#!/usr/bin/env bash
# Incremental builds. Usage: scripts/build.sh [native|wasm|js|demos|all]   (default: all)
#   native -> build/native  (server, GoogleTest suites, native benchmarks)
#   wasm   -> build/wasm    (tccc-core.js + tccc-core.wasm, tccc-opus.wasm via Debian's Emscripten)
#   js     -> dist/         (tccc.js script-tag bundle, ESM/CJS entries, typings, wasm copy)
#   demos  -> demo-vue/dist, demo-react/dist (Vite; each skipped while up to date)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=$(nproc 2>/dev/null || echo 2)

build_native() {
  if [ ! -f build/native/CMakeCache.txt ]; then
    cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build build/native -j"$jobs"
}

build_wasm() {
  # Debian's emcc needs Debian's acorn for its JS optimizer.
  export NODE_PATH=/usr/share/nodejs
  # libopus sources for the Opus chunk (cached in build/deps; fetched once from the npm registry).
  bash scripts/fetch-opus.sh
  if [ ! -f build/wasm/CMakeCache.txt ]; then
    emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build build/wasm -j"$jobs"
}

build_js() {
  if [ -f scripts/build-js.mjs ]; then
    node scripts/build-js.mjs
  fi
}

build_demos() {
  node scripts/build-demos.mjs
}

# Each step's wall time, so a slow fresh-clone run shows where its minutes went.
timed() {
  local start=$SECONDS
  "$@"
  echo "build: ${1#build_} took $((SECONDS - start)) s"
}

case "$what" in
  native) build_native ;;
  wasm) build_wasm ;;
  js) build_js ;;
  demos) build_demos ;;
  all) timed build_native; timed build_wasm; timed build_js; timed build_demos ;;
  *) echo "usage: $0 [native|wasm|js|demos|all]" >&2; exit 2 ;;
esac
