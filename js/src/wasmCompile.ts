// SPDX-License-Identifier: Apache-2.0
// Fetches and compiles tccc-core.wasm in the browser, streaming (compilation runs while the bytes
// arrive, off the main thread) when the server sends application/wasm. Kept apart from the
// Emscripten glue so that the script tag can start it as its very first statement
// (earlyWasmFetch.ts), before the glue has even been evaluated.
export function compileWasmFromUrl(url: string): Promise<WebAssembly.Module> {
  const get = () =>
    fetch(url, { credentials: 'same-origin' }).then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
      return response;
    });
  const fromBytes = (response: Response) => response.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
  if (typeof WebAssembly.compileStreaming !== 'function') return get().then(fromBytes);
  // The response goes to the compiler untouched: a clone() kept for a fallback would tee the body
  // through the main thread, which the page is busy with while the SDK starts (bench/media.mjs).
  const response = get();
  return WebAssembly.compileStreaming(response).catch((streamingError: unknown) =>
    // A failed download is reported as it is. A server that sends the wasm with another
    // Content-Type makes streaming refuse it: fetch it again (from the cache, normally) and compile
    // the bytes, which also reports a file that is not WebAssembly at all.
    response.then(
      () => get().then(fromBytes),
      () => {
        throw streamingError;
      },
    ),
  );
}
