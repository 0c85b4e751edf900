// SPDX-License-Identifier: Apache-2.0
// Fetches and compiles tccc-core.wasm in the browser, streaming (compilation runs while the bytes
// arrive, off the main thread) when the server sends application/wasm. Kept apart from the
// Emscripten glue so that the script tag can start it as its very first statement
// (earlyWasmFetch.ts), before the glue has even been evaluated. The script tag's build pins the
// file's bytes (chunkIntegrity.ts): a cross-origin fetch is a CORS one anyway, so it can be checked.
import { integrityFor } from './chunkIntegrity';

export function compileWasmFromUrl(url: string): Promise<WebAssembly.Module> {
  const integrity = integrityFor(url);
  const checked = (response: Response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    return response;
  };
  const get = () =>
    fetch(url, { credentials: 'same-origin', integrity }).then(checked, (error: unknown) => {
      // A pinned fetch fails alike for a 404 and for bytes that do not match: ask again, unpinned
      // and without using the bytes, to say which.
      if (!integrity) throw error;
      return fetch(url, { credentials: 'same-origin' }).then(
        (response) => {
          checked(response);
          throw new Error(`${url} does not match its integrity ${integrity}`);
        },
        () => {
          throw error;
        },
      );
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
