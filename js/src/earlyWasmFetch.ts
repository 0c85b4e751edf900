// SPDX-License-Identifier: Apache-2.0
// The script tag's first statement: start downloading and compiling tccc-core.wasm before the rest
// of tccc.js is evaluated and the SDK is built, so both overlap that work instead of following it
// (bench/media.mjs, script load -> ready). script-entry.ts imports this module first, which makes
// esbuild place it at the top of the bundle. A copy of the SDK that finds window.tccc taken starts
// no download; a compilation nobody claims is simply dropped.
import { ASSETS } from './assets';
import { compileWasmFromUrl } from './wasmCompile';

export interface EarlyWasm {
  url: string;
  module: Promise<WebAssembly.Module>;
}

function start(): EarlyWasm | undefined {
  try {
    const script = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
    if (!script || !script.src || typeof fetch !== 'function') return undefined;
    if ((window as { tccc?: unknown }).tccc) return undefined; // this copy will do nothing (script-entry.ts)
    if (typeof WebAssembly !== 'object') return undefined;
    const url = new URL(ASSETS.wasm, new URL(script.src, document.baseURI)).toString();
    const module = compileWasmFromUrl(url);
    module.catch(() => {}); // reported by whoever claims it
    return { url, module };
  } catch {
    return undefined;
  }
}

let early = start();

/** The early compilation of `url`, once: later loads (after destroy) fetch anew. */
export function claimEarlyWasm(url: string): Promise<WebAssembly.Module> | undefined {
  if (!early || early.url !== url) return undefined;
  const { module } = early;
  early = undefined;
  return module;
}
