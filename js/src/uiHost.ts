// SPDX-License-Identifier: Apache-2.0
// The contract between the SDK (uiLoader.ts) and the lazily loaded UI chunk (web/ui → tccc-ui.js).
// The chunk, when its script runs, installs `window[Symbol.for('tccc.ui')]`; the loader then calls
// `mount(host)` once per SDK instance. The UI acts only through `host.tccc` (the public API and
// events) and reads two things the public API does not offer: the UI options/visibility of
// tccc.UI, and the core's session table (so sessions that began before the chunk arrived — a call
// ringing while it loads, a call the integrator placed — show up, with the numbers of the wire form).
import type { UiConfig, UiVisibility } from './UiState';
import type { Tccc } from './types';

export const UI_GLOBAL_KEY = 'tccc.ui';

export interface UiHost {
  tccc: Tccc;
  visibility(): UiVisibility;
  config(): UiConfig;
  /** Called after every change of visibility or options; returns the unsubscribe function. */
  onChange(watcher: () => void): () => void;
  /** The core's sessions in their wire form (docs/protocol.md "Sessions"), live and recently ended. */
  sessions(): Array<Record<string, unknown>>;
  /**
   * A session's media streams, from the media adapter's public methods (`remoteStream(id)`,
   * `localStream(id)`) when it has them; the video pane shows them. Empty before media is up.
   */
  streams(sessionId: string): { remote?: MediaStream; local?: MediaStream };
}

/** The optional stream getters a media adapter may offer (WebRtcMediaAdapter, LazyMediaAdapter, custom). */
export interface MediaStreamSource {
  remoteStream?(sessionId: string): MediaStream | undefined;
  localStream?(sessionId: string): MediaStream | undefined;
}

export interface UiModule {
  /** Builds the UI for one SDK instance; the returned function removes it again. */
  mount(host: UiHost): () => void;
}
