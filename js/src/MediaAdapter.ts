// SPDX-License-Identifier: Apache-2.0
// Receives the core's media commands ("mute", "unmute", "muteVideo", "unmuteVideo", "hold",
// "unHold", "sendDigits", "end", each for data.sessionId). Real WebRTC (getUserMedia,
// RTCPeerConnection, RTCDTMFSender) arrives in a later issue; until then the default adapter does
// nothing, and signalling (which the server acts on) is unaffected.
export interface MediaAdapter {
  handle(action: string, data: Record<string, unknown>): void;
  /** Releases devices and peer connections (destroy()). */
  close(): void;
}

export class NoopMediaAdapter implements MediaAdapter {
  handle(): void {}
  close(): void {}
}
