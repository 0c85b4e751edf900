// SPDX-License-Identifier: Apache-2.0
// Fetches and compiles tccc-core.wasm in the browser, streaming (compilation runs while the bytes
// arrive, off the main thread) when the server sends application/wasm. Kept apart from the
// Emscripten glue so that the script tag can start it as its very first statement
// (earlyWasmFetch.ts), before the glue has even been evaluated.
export function compileWasmFromUrl(url: string): Promise<WebAssembly.Module> {
  return fetch(url, { credentials: 'same-origin' }).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    const fromBytes = (r: Response) => r.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
    if (typeof WebAssembly.compileStreaming !== 'function') return fromBytes(response);
    // A wrong Content-Type makes streaming fail: compile the bytes of a copy instead.
    const copy = response.clone();
    return WebAssembly.compileStreaming(response).catch(() => fromBytes(copy));
  });
}
