// SPDX-License-Identifier: Apache-2.0
// Subresource Integrity for the files tccc.js loads after itself (the core's wasm, the media and UI
// chunks). An integrator who pins tccc.js with `integrity` pins them too: build-js.mjs defines
// __TCCC_SRI__ for the script tag's bundles as {content-hashed file name: "sha256-…"}, and the
// loaders ask here by the name at the end of the URL. Elsewhere (npm, tests) it is undefined and
// nothing is pinned.
declare const __TCCC_SRI__: Record<string, string> | undefined;

export function integrityFor(url: string): string | undefined {
  if (typeof __TCCC_SRI__ === 'undefined') return undefined;
  return __TCCC_SRI__[url.replace(/[?#].*/, '').replace(/.*\//, '')];
}
