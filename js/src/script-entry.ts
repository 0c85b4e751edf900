// SPDX-License-Identifier: Apache-2.0
// Entry 1: the script tag (dist/tccc.js). Loading the script IS the initialisation, as with the
// TCCC SdkURL: it reads the login parameters from its own URL (fragment or query: Settings.ts) or
// from data-* attributes of its <script> element, loads tccc-core.wasm from next to itself, connects
// and logs in, then emits `ready` (or `tokenExpired`). window.tccc is installed synchronously, so
// the script's load handler can call tccc.on() at once.
// First, so that it is the first code the bundle runs (see earlyWasmFetch.ts).
import { claimEarlyWasm } from './earlyWasmFetch';
import { ASSETS } from './assets';
import { Sdk } from './Sdk';
import { buildSettings, paramsFromUrl, wasmAt } from './Settings';
import { LazyMediaAdapter, type LazyMediaOptions } from './LazyMediaAdapter';
import { NoopMediaAdapter } from './MediaAdapter';
import { webRtcAvailable } from './webrtcSupport';

declare global {
  interface Window {
    tccc: import('./types').Tccc;
  }
}

function install(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script || !script.src) {
    console.error('[tccc] tccc.js must be loaded with a <script src=…> tag.');
    return;
  }
  if ((window as { tccc?: unknown }).tccc) {
    // Integrators guard against double initialisation themselves; never clobber a live instance.
    console.warn(
      '[tccc] window.tccc already exists: this copy of the SDK does nothing. ' +
        'Call tccc.destroy() first to load it again.',
    );
    return;
  }
  const src = new URL(script.src, document.baseURI);
  const query = paramsFromUrl(src);
  const data = script.dataset;
  const settings = buildSettings(
    {
      sdkAppId: query.sdkAppId ?? data.sdkAppId ?? data.sdkappid,
      userId: query.userId ?? data.userId ?? data.userid,
      token: query.token ?? data.token,
      server: query.server ?? data.server ?? src.origin,
    },
    {
      wasm: () => {
        // Downloading and compiling since the bundle's first statement (earlyWasmFetch.ts).
        const source = wasmAt(ASSETS.wasm, src.href);
        const module = source.kind === 'url' ? claimEarlyWasm(source.url) : undefined;
        return module ? { ...source, module } : source;
      },
      // The built-in UI is on by default for the script tag (as in TCCC); tccc.UI.hide() keeps it unloaded.
      ui: { url: new URL(ASSETS.ui, src.href).toString(), crossOrigin: script.crossOrigin ?? null },
      // WebRTC code is fetched after ready (tccc-media.js next to this script): see LazyMediaAdapter.
      mediaFactory: () =>
        webRtcAvailable()
          ? new LazyMediaAdapter(
              new URL(ASSETS.media, src.href).toString(),
              script.crossOrigin ?? null,
              mediaOptions(data),
            )
          : new NoopMediaAdapter(),
      onDestroy: () => {
        // Only remove ourselves: a later SDK may already have taken the name.
        if (window.tccc === sdk.api) delete (window as { tccc?: unknown }).tccc;
      },
    },
  );
  const sdk = new Sdk(settings);
  window.tccc = sdk.api;
}

/**
 * What the script tag says about media: <script data-hold-music-url="…"> (the integrator's own music
 * on hold), data-media-transport="auto|webrtc|websocket" and data-media-fallback-after-ms="…".
 */
function mediaOptions(data: DOMStringMap): LazyMediaOptions {
  const options: LazyMediaOptions = {};
  if (data.holdMusicUrl) options.holdMusicUrl = new URL(data.holdMusicUrl, location.href).toString();
  const transport = data.mediaTransport;
  if (transport === 'auto' || transport === 'webrtc' || transport === 'websocket') options.transport = transport;
  else if (transport)
    console.warn(`[tccc] data-media-transport="${transport}" is not auto, webrtc or websocket: auto.`);
  const after = Number(data.mediaFallbackAfterMs);
  if (data.mediaFallbackAfterMs && Number.isFinite(after) && after >= 0) options.fallbackAfterMs = after;
  return options;
}

install();

// An ES module, not a script: package.json says "type": "commonjs", so esbuild takes an entry with
// no export for CommonJS and wraps every module it imports in a lazy initialiser (__esm), plus a
// "use strict" each; as a module they are concatenated in import order, which runs the same code
// in the same order (earlyWasmFetch.ts still first) in 0.3 KB less gzip.
export {};
