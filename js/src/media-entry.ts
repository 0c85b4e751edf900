// SPDX-License-Identifier: Apache-2.0
// Entry of dist/tccc-media.js, the media chunk the script-tag SDK loads after `ready`
// (LazyMediaAdapter.ts). Running it only registers the adapter class: WebRTC, with the WebSocket
// transport for networks that block UDP (TransportMediaAdapter.ts), whose Opus chunk
// (tccc-opus.js) is next to this script and fetched only when a call uses it.
import { TransportMediaAdapter, type TransportMediaOptions } from './media/TransportMediaAdapter';
import { MEDIA_GLOBAL_KEY } from './webrtcSupport';

const script = (globalThis as { document?: Document }).document?.currentScript as HTMLScriptElement | null | undefined;
const defaultOpusUrl = script?.src ? new URL('tccc-opus.js', script.src).toString() : undefined;

class MediaChunkAdapter extends TransportMediaAdapter {
  constructor(options: TransportMediaOptions = {}) {
    super({ ...options, opusUrl: options.opusUrl ?? defaultOpusUrl });
  }
}

(globalThis as Record<symbol, unknown>)[Symbol.for(MEDIA_GLOBAL_KEY)] = MediaChunkAdapter;
