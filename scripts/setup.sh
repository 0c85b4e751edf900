#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine, run first by `npm start` and `npm test`:
# Debian packages (only the missing ones), npm dependencies (only when the lockfile changed), then an
# incremental build of everything (native, WebAssembly, JS bundle). Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(
  build-essential cmake pkg-config git ca-certificates openssl
  nlohmann-json3-dev libboost-dev libboost-system-dev libssl-dev libsqlite3-dev
  libspdlog-dev libcli11-dev libgtest-dev libgmock-dev libopus-dev libsrtp2-dev libjemalloc-dev
  libogg-dev libopusenc-dev libopusfile-dev
  portaudio19-dev
  emscripten
  chromium espeak-ng sox brotli fonts-noto-cjk iproute2
  pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev
  clang-format clang-tidy
  clang libclang-rt-14-dev
)

missing=()
for pkg in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  apt_start=$SECONDS
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "setup: Debian packages took $((SECONDS - apt_start)) s"
fi

# npm ci only when package-lock.json differs from what was last installed.
stamp=node_modules/.tccc-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm_start=$SECONDS
  npm ci --no-audit --no-fund --loglevel=error
  echo "setup: npm ci took $((SECONDS - npm_start)) s"
  echo "$want" > "$stamp"
fi

bash scripts/build.sh all
