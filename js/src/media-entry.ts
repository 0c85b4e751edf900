// SPDX-License-Identifier: Apache-2.0
// Entry of dist/tccc-media.js, the WebRTC media chunk the script-tag SDK loads after `ready`
// (LazyMediaAdapter.ts). Running it only registers the adapter class.
import { WebRtcMediaAdapter } from './WebRtcMediaAdapter';
import { MEDIA_GLOBAL_KEY } from './webrtcSupport';

(globalThis as Record<symbol, unknown>)[Symbol.for(MEDIA_GLOBAL_KEY)] = WebRtcMediaAdapter;
