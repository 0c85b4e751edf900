// SPDX-License-Identifier: Apache-2.0
// Kept apart from WebRtcMediaAdapter so the script-tag bundle can ask the question without carrying
// the adapter itself (which it loads lazily, see LazyMediaAdapter.ts).

/** Whether this environment can do WebRTC audio (a browser page, not Node). */
export function webRtcAvailable(): boolean {
  const g = globalThis as {
    RTCPeerConnection?: unknown;
    navigator?: { mediaDevices?: { getUserMedia?: unknown } };
    document?: unknown;
  };
  return (
    typeof g.RTCPeerConnection === 'function' &&
    typeof g.navigator?.mediaDevices?.getUserMedia === 'function' &&
    typeof g.document === 'object'
  );
}

/** Where the lazily loaded media chunk (dist/tccc-media.js) registers the adapter class. */
export const MEDIA_GLOBAL_KEY = 'tccc.media';
