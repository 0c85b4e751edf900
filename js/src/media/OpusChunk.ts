// SPDX-License-Identifier: Apache-2.0
// Fetches the Opus chunk (dist/tccc-opus.js + tccc-opus.wasm, docs/opus.md) for the WebSocket audio
// leg, only when a call's audio goes that way: the wasm is compiled once per page off the main
// thread (compileStreaming) and the compiled module is posted to each call's worklet, which cannot
// fetch; the script, which also registers the processor there, is added to each call's AudioContext.

/** Where the chunk is: its script URL (the wasm is next to it, same name). */
export interface OpusChunk {
  scriptUrl: string;
  /** The compiled tccc-opus.wasm. */
  module(): Promise<WebAssembly.Module>;
  /** Adds the codec and the processor to `context`'s worklet scope. */
  install(context: AudioContext): Promise<void>;
}

/** `wasmUrl` defaults to the script's URL with .wasm for .js (a bundler that renames assets gives both). */
export function opusChunk(scriptUrl: string, wasmUrl = scriptUrl.replace(/\.js(?=$|[?#])/, '.wasm')): OpusChunk {
  let compiled: Promise<WebAssembly.Module> | undefined;
  return {
    scriptUrl,
    module() {
      if (!compiled) {
        compiled = (async () => {
          const res = await fetch(wasmUrl, { credentials: 'same-origin' });
          if (!res.ok) throw new Error(`${wasmUrl}: HTTP ${res.status}`);
          // compileStreaming wants application/wasm; a server that says otherwise still works.
          return WebAssembly.compile(await res.arrayBuffer());
        })();
        compiled.catch(() => {
          compiled = undefined; // a later call tries again
        });
      }
      return compiled;
    },
    async install(context) {
      await context.audioWorklet.addModule(scriptUrl);
    },
  };
}
