// SPDX-License-Identifier: Apache-2.0
// Receives the core's media commands (MediaAction, src/protocol/vocabulary.json), each for
// data.sessionId: the SDK's own actions ("mute", "unmute", "muteVideo", "unmuteVideo", "hold",
// "unHold", "sendDigits", "end", "prepare" {video}: open the devices of a call being accepted, and
// "start" {iceServers}: offer, as the caller of an internal call) and the far side's signalling
// ("offer" {sdp, iceServers, ringing?}, "answer" {sdp}, "candidate" {candidate}); an offer with
// `ringing: true` comes while the call rings: answer it without opening devices, which "prepare"
// then opens (docs/protocol.md, "Media"). Browsers get the
// WebRtcMediaAdapter by default; elsewhere (Node) the NoopMediaAdapter, and signalling (which the
// server acts on) is unaffected.
import type { MediaAction } from './vocabulary.generated';

export interface MediaAdapter {
  /** One media command of the core; a newer core's unknown action is ignored. */
  handle(action: MediaAction, data: Record<string, unknown>): void;
  /** Releases devices and peer connections (destroy()). */
  close(): void;
  /** Called once by the SDK before any handle(): how the adapter talks back. */
  attach?(host: MediaHost): void;
  /** Uses this microphone from now on, also in calls under way (tccc.Devices.setMicrophone). */
  setMicrophone?(deviceId: string): Promise<void>;
  /** Plays calls on this audio output from now on, also calls under way ('' = the system's default;
   *  tccc.Devices.setSpeaker). */
  setSpeaker?(deviceId: string): Promise<void>;
}

/** Where a call's audio WebSocket is: `wss://<signalling origin><path>?token=<token>`. */
export interface MediaWsTicket {
  path: string;
  token: string;
  /** The socket's URL without the token: `path` on the signalling origin, ws: or wss: as it is. */
  url?: string;
}

/** What the SDK offers a media adapter. */
export interface MediaHost {
  /** Sends media.offer / media.answer / media.candidate ({sessionId, sdp} or {sessionId, candidate})
   *  through the core; rejects with a TcccError (e.g. the session ended meanwhile). */
  signal(kind: 'offer' | 'answer' | 'candidate', data: Record<string, unknown>): Promise<unknown>;
  /**
   * Asks the server for the call's audio WebSocket (media.ws, docs/protocol.md "Media over the
   * WebSocket"): resolves with the path to open on the signalling origin and its single-use token
   * (valid 30 s); rejects with a TcccError (ERR_SESSION_NOT_FOUND, ERR_INVALID_STATE, …).
   */
  mediaWs(sessionId: string): Promise<MediaWsTicket>;
  /**
   * Emits an SDK event: `mediaStateChanged` {sessionId, state, reason?}, `mediaWarning`
   * {sessionId, warning, active}, `audioVolume` {sessionId, agent, remote} or `networkQuality`
   * {sessionId, quality, lossPercent?, jitterMs?, rttMs?} or `mediaTransportChanged` {sessionId,
   * transport, reason}.
   */
  emit(
    name: 'mediaStateChanged' | 'mediaWarning' | 'audioVolume' | 'networkQuality' | 'mediaTransportChanged',
    data: Record<string, unknown>,
  ): void;
  /**
   * Whether the page listens to `audioVolume` or `networkQuality` now: an adapter measures its
   * connected calls only while it does (it asks at every reading, so a listener added during a
   * call is served at once and a removed one stops the work).
   */
  metering?(): boolean;
}

export class NoopMediaAdapter implements MediaAdapter {
  handle(): void {}
  close(): void {}
}
