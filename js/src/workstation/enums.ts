// SPDX-License-Identifier: Apache-2.0
// The enums of the uni-app TCCCWorkstation API (seed guide, "座席端 SDK API 文档", uni-app). The guide
// names the members but never their numbers: compare by name (`reason == TCCCEndReason.LocalBye`),
// as its samples do. Plain frozen objects rather than TypeScript enums, so that the script-tag
// build can put them on `window` and plain JavaScript can read them the same way.

/** How `login` logs in. Only `Agent` exists on a tccc server (the agent's login token). */
export const TCCCLoginType = Object.freeze({ Agent: 0 } as const);
export type TCCCLoginType = (typeof TCCCLoginType)[keyof typeof TCCCLoginType];

/**
 * Where the far end's voice plays (`getDeviceManager().setAudioRoute`). On a phone: the loudspeaker
 * or the earpiece. In a browser there is no earpiece: `Speakerphone` plays through the system's
 * default output and `Earpiece` through the output device the page chose with
 * `callExperimentalAPI({api: 'setEarpieceDevice', params: {deviceId}})` (a headset, say), where the
 * browser can choose outputs (`HTMLMediaElement.setSinkId`); elsewhere it changes nothing and says
 * so with `onWarning`.
 */
export const TCCCAudioRoute = Object.freeze({ Speakerphone: 0, Earpiece: 1 } as const);
export type TCCCAudioRoute = (typeof TCCCAudioRoute)[keyof typeof TCCCAudioRoute];

/** Why a session ended (`onEnded(reason, reasonMessage, sessionId)`). */
export const TCCCEndReason = Object.freeze({
  /** The call failed (the network, the media, the far end's system). */
  Error: 0,
  /** Nobody answered in time: the far end of an outbound call, or this agent (the call moved on). */
  Timeout: 1,
  /** This agent hung up (also: rejected a ringing call, or transferred it away). */
  LocalBye: 2,
  /** The far end hung up a connected call (or the center ended it). */
  RemoteBye: 3,
  /** The far end refused an outbound call (busy, declined). */
  Rejected: 4,
  /** The caller gave up while the call rang here. */
  RemoteCancel: 5,
} as const);
export type TCCCEndReason = (typeof TCCCEndReason)[keyof typeof TCCCEndReason];

/** `onNewSession(info)`: `info.sessionDirection`. */
export const TCCCSessionDirection = Object.freeze({ CallIn: 0, CallOut: 1 } as const);
export type TCCCSessionDirection = (typeof TCCCSessionDirection)[keyof typeof TCCCSessionDirection];

// `onNetworkQuality({quality})`: the TRTC/TCCC scale, shared with the `tccc` events.
export { TCCCQuality } from '../media/QualityScale';

/** `onConnectionLost/onTryToReconnect/onConnectionRecovery(serverType)`: which connection. */
export const TCCCServerType = Object.freeze({
  /** The signalling WebSocket to the tccc server (login, calls, events). */
  Signalling: 0,
  /** A call's media connection (WebRTC to the server's media plane). */
  Media: 1,
} as const);
export type TCCCServerType = (typeof TCCCServerType)[keyof typeof TCCCServerType];

/** `onWarning(warningCode, warningMsg)`: tccc's warnings (the seed guide defines none). */
export const TCCCWarningCode = Object.freeze({
  /** The agent's microphone has given digital silence for seconds although the call is unmuted. */
  MicrophoneSilent: 1001,
  /** No audio from the far end for seconds although the connection is up. */
  NoInboundAudio: 1002,
  /** A volume, the music or the audio route cannot be applied here (e.g. Web Audio not allowed to start). */
  AudioNotApplied: 1003,
} as const);
export type TCCCWarningCode = (typeof TCCCWarningCode)[keyof typeof TCCCWarningCode];
