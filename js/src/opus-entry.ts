// SPDX-License-Identifier: Apache-2.0
// Entry of dist/tccc-opus.js, the Opus chunk of the WebSocket media path (docs/opus.md), loaded
// only when a call's audio goes over the WebSocket; the headless SDK never loads it. It runs as a
// classic script or as a module (an AudioWorklet's addModule) and registers the codec, and in an
// AudioWorklet the WebSocket leg's processor too; its wasm (dist/tccc-opus.wasm) is compiled by
// whoever loads it and handed to OpusWasm.instantiate().
import * as opus from './opus/OpusWasm';
import { JitterBuffer } from './media/JitterBuffer';
import { inAudioWorklet, registerWsAudioProcessor } from './media/WsAudioProcessor';

/** The global the chunk registers itself under (a Symbol.for key, as the media chunk's). */
export const OPUS_GLOBAL_KEY = 'tccc.opus';

(globalThis as Record<symbol, unknown>)[Symbol.for(OPUS_GLOBAL_KEY)] = { ...opus, JitterBuffer };

if (inAudioWorklet()) registerWsAudioProcessor();
