// SPDX-License-Identifier: Apache-2.0
// Entry 3: the script tag of the uni-app API (dist/tccc-workstation.js, served as
// /sdk/tccc-workstation.js). Unlike tccc.js, loading it logs nobody in: it defines
// window.TCCCWorkstation (and the seed's spelling TcccWorkstation) with the enums and TcccErrorCode;
// the page calls TCCCWorkstation.sharedInstance().login(…). The server defaults to the origin this
// script came from, the wasm to the content-named tccc-core.<hash>.wasm next to it. The media
// adapter is bundled (a workstation exists to make calls), not fetched lazily as tccc.js does.
import { ASSETS } from './assets';
import { wasmAt } from './Settings';
import * as workstation from './workstation';
import { configureWorkstation } from './workstation/environment';

function install(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const src = new URL(script?.src || location.href, document.baseURI);
  configureWorkstation({
    wasm: () => wasmAt(ASSETS.wasm, src.href),
    defaultServerUrl: () => src.origin,
  });
  const w = window as unknown as Record<string, unknown>;
  for (const name of [
    'TCCCWorkstation',
    'TcccWorkstation',
    'TCCCLoginType',
    'TCCCAudioRoute',
    'TCCCEndReason',
    'TCCCSessionDirection',
    'TCCCQuality',
    'TCCCServerType',
    'TCCCWarningCode',
    'TCCCLogLevel',
    'TcccErrorCode',
  ] as const) {
    // A page that loaded the script twice keeps its first copy (and its live instance).
    if (w[name] === undefined) w[name] = workstation[name];
  }
}

install();
