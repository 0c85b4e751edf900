// SPDX-License-Identifier: Apache-2.0
// Loads the built-in UI chunk (tccc-ui.js) lazily: only in a browser, only after `ready`, and only
// while tccc.UI says something is to be shown (headless mode never fetches it). Written as one small
// closure because it ships in the headless payload; returns the function that removes the UI.
import type { EventBus } from './EventBus';
import { loadScript } from './loadScript';
import type { UiState } from './UiState';
import { type MediaStreamSource, UI_GLOBAL_KEY, type UiHost, type UiModule } from './uiHost';
import type { Tccc } from './types';

export function uiLoader(
  url: string,
  crossOrigin: string | null,
  tccc: Tccc,
  ui: UiState,
  bus: EventBus,
  sessions: UiHost['sessions'],
  mediaAdapter?: object,
): () => void {
  const media = mediaAdapter as MediaStreamSource | undefined; // the getters are optional: duck-typed
  let ready = false;
  let started = false;
  let destroyed = false;
  let unmount: (() => void) | undefined;
  const key = Symbol.for(UI_GLOBAL_KEY);
  const mount = () => {
    if (destroyed) return;
    try {
      const mod = (globalThis as Record<symbol, UiModule>)[key];
      const streams = (id: string) => ({ remote: media?.remoteStream?.(id), local: media?.localStream?.(id) });
      unmount = mod.mount({
        tccc,
        sessions,
        streams,
        visibility: () => ui.get(),
        config: () => ui.config(),
        onChange: (w) => ui.onChange(w),
      });
    } catch (err) {
      // also a chunk that did not register itself
      console.error(`[tccc] UI ${url} did not start (${String(err)}); the SDK works on without it.`);
    }
  };
  const maybeLoad = () => {
    const doc = (globalThis as { document?: Document }).document;
    // (A page without a real DOM, e.g. a test harness, simply gets no UI.)
    if (started || destroyed || !ready || !ui.wanted() || !doc || !doc.createElement) return;
    started = true;
    if ((globalThis as Record<symbol, unknown>)[key]) return mount(); // another instance loaded it
    loadScript(doc, url, crossOrigin, mount, () =>
      console.error(`[tccc] UI ${url} could not be fetched; the SDK works on without it.`),
    );
  };
  // A task later: the integrator's own `ready` listeners run first, not behind the UI's script tag
  // (bench/media.mjs measures script load -> the integrator's `ready`).
  bus.on('ready', () => {
    ready = true;
    setTimeout(maybeLoad, 0);
  });
  const unwatch = ui.onChange(maybeLoad);
  return () => {
    destroyed = true;
    unwatch();
    try {
      unmount?.();
    } catch (err) {
      console.error('[tccc]', err);
    }
  };
}
