// SPDX-License-Identifier: Apache-2.0
// Entry 2: the npm package (dist/index.mjs, dist/index.cjs). `init()` returns the same object the
// script tag installs as window.tccc, without touching window unless asked to.
import type { WasmSource } from './CoreAdapter';
import { readWasmFile } from './nodeWasm';
import { Sdk } from './Sdk';
import { VERSION } from './version';
import { buildSettings, type LoginParams, paramsFromUrl, wasmAt } from './Settings';
import type { InitOptions, Tccc } from './types';
import { type MediaAdapter, NoopMediaAdapter } from './MediaAdapter';
import { TransportMediaAdapter } from './media/TransportMediaAdapter';
import { webRtcAvailable } from './webrtcSupport';
import { configureWorkstation } from './workstation/environment';

export * from './types';
export { TcccError } from './TcccError';
export { ErrorCode, type ErrorCodeName, errorsByCode, type ErrorInfo, type ErrorKind } from './errors.generated';
export { events } from './events';
export { NoopMediaAdapter, type MediaHost, type MediaWsTicket } from './MediaAdapter';
export { WebRtcMediaAdapter, type WebRtcMediaOptions } from './WebRtcMediaAdapter';
export { TransportMediaAdapter, type TransportMediaOptions } from './media/TransportMediaAdapter';
export { VERSION as version };
// The uni-app TCCCWorkstation API (README, "TCCCWorkstation"), on the same core and media.
export * from './workstation';

declare global {
  interface Window {
    /** The SDK, installed by the script tag (or by `init({global: true})`). */
    tccc: Tccc;
  }
}

// This module's own URL: import.meta.url in the ESM builds; build-js.mjs defines it for the CJS one.
// The default files are written `new URL('./file', import.meta.url)` in the output, the pattern
// bundlers (Vite, webpack 5, Rollup) recognise: they copy the wasm and the UI chunk into the build.
declare const __TCCC_MODULE_URL__: string;

function defaultWasm(options: InitOptions, sdkUrl: URL | undefined): () => Promise<WasmSource> | WasmSource {
  if (options.wasmBinary) {
    const bytes = options.wasmBinary;
    return () => ({ kind: 'bytes', bytes });
  }
  return () => {
    const url =
      options.wasmUrl !== undefined
        ? new URL(String(options.wasmUrl), sdkUrl ?? __TCCC_MODULE_URL__)
        : new URL('./tccc-core.wasm', __TCCC_MODULE_URL__);
    return url.protocol === 'file:' ? readWasmFile(url.toString()) : wasmAt(url);
  };
}

function uiSettings(
  options: InitOptions,
  sdkUrl: URL | undefined,
): { url: string; crossOrigin: string | null } | undefined {
  if (typeof (globalThis as { document?: unknown }).document === 'undefined') {
    console.warn('[tccc] init({ui: true}) outside a browser: there is no page to show the UI on.');
    return undefined;
  }
  const url =
    options.uiUrl !== undefined
      ? new URL(String(options.uiUrl), sdkUrl ?? __TCCC_MODULE_URL__)
      : new URL('./tccc-ui.js', __TCCC_MODULE_URL__);
  return { url: url.toString(), crossOrigin: null };
}

/**
 * Creates an SDK instance and starts logging in. Listen for `ready` (or `tokenExpired`) next.
 *
 * Give either `sdkUrl` (the `SdkURL` from `CreateSDKLoginToken`) or `sdkAppId`, `userId`, `token` and
 * `serverUrl`. Never throws: a missing or malformed parameter is logged, and every API call of the
 * returned object then rejects with `ERR_INVALID_ARGUMENT` naming it.
 *
 * @example
 * const tccc = init({ sdkUrl, WebSocket: require('ws') });
 * tccc.on('ready', () => tccc.Call.startOutboundCall({ phoneNumber: '19999999999' }));
 */
export function init(options: InitOptions): Tccc {
  const opts: InitOptions = options && typeof options === 'object' ? options : {};
  let params: LoginParams = { sdkAppId: opts.sdkAppId, userId: opts.userId, token: opts.token, server: opts.serverUrl };
  let sdkUrl: URL | undefined;
  let urlError: string | undefined;
  if (opts.sdkUrl !== undefined) {
    try {
      sdkUrl = new URL(opts.sdkUrl);
      const q = paramsFromUrl(sdkUrl);
      params = {
        sdkAppId: q.sdkAppId ?? params.sdkAppId,
        userId: q.userId ?? params.userId,
        token: q.token ?? params.token,
        server: params.server ?? q.server ?? sdkUrl.origin,
      };
    } catch {
      urlError = `sdkUrl ${JSON.stringify(opts.sdkUrl)} is not a URL`;
    }
  }
  const settings = buildSettings(
    params,
    {
      wasm: defaultWasm(opts, sdkUrl),
      WebSocket: opts.WebSocket,
      tuning: opts.tuning,
      // `media` is an adapter of the integrator's, or the built-in one's transport options.
      media: isAdapter(opts.media) ? opts.media : undefined,
      mediaFactory: () =>
        webRtcAvailable()
          ? new TransportMediaAdapter({
              ...(isAdapter(opts.media) ? {} : opts.media),
              // Both spelled out: bundlers (Vite) copy each as an asset under a name of their own.
              opusUrl: new URL('./tccc-opus.js', __TCCC_MODULE_URL__).toString(),
              opusWasmUrl: new URL('./tccc-opus.wasm', __TCCC_MODULE_URL__).toString(),
            })
          : new NoopMediaAdapter(),
      ui: opts.ui ? uiSettings(opts, sdkUrl) : undefined,
      onDestroy: () => {
        const w = (globalThis as { window?: { tccc?: Tccc } }).window;
        if (w && w.tccc === sdk.api) delete w.tccc; // called by destroy(), after sdk is set
      },
    },
    urlError ? [urlError] : [],
  );
  const sdk = new Sdk(settings);
  if (opts.global) {
    const w = (globalThis as { window?: { tccc?: Tccc } }).window;
    if (!w) console.warn('[tccc] init({global: true}) outside a browser: there is no window to install on.');
    else if (w.tccc) console.warn('[tccc] window.tccc already exists and was left alone.');
    else w.tccc = sdk.api;
  }
  return sdk.api;
}

// The workstation loads the wasm from next to this module, as init() does; its server comes from
// login({serverUrl}) or callExperimentalAPI setServerUrl (an npm bundle does not know the server).
configureWorkstation({ wasm: defaultWasm({}, undefined) });

/** `init({media})` is an integrator's adapter (it has handle()), or transport options. */
function isAdapter(media: InitOptions['media']): media is MediaAdapter {
  return !!media && typeof (media as MediaAdapter).handle === 'function';
}
