// SPDX-License-Identifier: Apache-2.0
// The browser build's stand-in for nodeWasm.ts (build-js.mjs swaps it in for dist/index.browser.mjs):
// a page has no file system, and importing node:fs there makes bundlers warn or fail. A file: URL only
// reaches it when an integrator passes one as `wasmUrl`, so the error says what to pass instead.
import type { WasmSource } from './CoreAdapter';

export function readWasmFile(url: string): Promise<WasmSource> {
  return Promise.reject(new Error(`cannot read ${url} in a browser: give wasmUrl an http(s) URL, or pass wasmBinary`));
}
