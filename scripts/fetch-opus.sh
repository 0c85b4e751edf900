#!/usr/bin/env bash
# Puts the libopus 1.3.1 sources into build/deps/opus-1.3.1 for the WebAssembly Opus chunk
# (src/opus, docs/opus.md). Idempotent: does nothing once the stamp is there.
# The sources come from the npm registry (the only registry this project may reach): the `deps/opus`
# tree of @discordjs/opus@0.10.0, fetched with `npm pack` (no install script runs, no binary is
# used) and checked against the tarball's pinned SHA-256 before anything is unpacked.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=@discordjs/opus@0.10.0
TARBALL_SHA256=f1db4f4ed6df3e2e4ae06d9cf07c5ef1e447f76189777caa1e556bcf1bad4d3f
DEST=build/deps/opus-1.3.1
STAMP=$DEST/.tccc-fetched

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$TARBALL_SHA256" ]; then
  exit 0
fi

mkdir -p build/deps
work=$(mktemp -d build/deps/.opus-fetch.XXXXXX)
trap 'rm -rf "$work"' EXIT

tarball=build/deps/discordjs-opus-0.10.0.tgz
if [ ! -f "$tarball" ] || [ "$(sha256sum "$tarball" | cut -d' ' -f1)" != "$TARBALL_SHA256" ]; then
  echo "fetch-opus: npm pack $PACKAGE"
  (cd "$work" && npm pack "$PACKAGE" --silent --no-audit --no-fund >/dev/null)
  mv "$work"/discordjs-opus-0.10.0.tgz "$tarball"
fi
got=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$got" != "$TARBALL_SHA256" ]; then
  echo "fetch-opus: $tarball has SHA-256 $got, expected $TARBALL_SHA256" >&2
  rm -f "$tarball"
  exit 1
fi

# Only the libopus tree; the package's own (node-gyp) binding is of no use here.
tar -xzf "$tarball" -C "$work" package/deps/opus
grep -q 'PACKAGE_VERSION="1.3.1"' "$work/package/deps/opus/package_version"
rm -rf "$DEST"
mv "$work/package/deps/opus" "$DEST"
echo "$TARBALL_SHA256" > "$STAMP"
echo "fetch-opus: libopus 1.3.1 sources in $DEST"
