// SPDX-License-Identifier: Apache-2.0
// The browser's media: one RTCPeerConnection per session, audio only. The far side (the customer's
// page) offers once the agent has accepted; this adapter answers (docs/protocol.md, "Media"):
//
//   core "offer" {sessionId, sdp, iceServers}  -> getUserMedia(audio), new RTCPeerConnection,
//                                                 setRemote, answer -> host.signal('answer')
//   core "candidate" {sessionId, candidate}    -> addIceCandidate (queued until the offer is applied)
//   local ICE candidates                       -> host.signal('candidate')
//   a later "offer" on the same session        -> renegotiation / ICE restart: answer on the same pc
//   "mute"/"unmute"                            -> local track.enabled (the far side hears silence)
//   "hold"/"unHold"                            -> both directions silent while held
//   "sendDigits"                               -> RFC 4733 tones when the pc has a DTMF sender
//   "end", close()                             -> close the pc, stop the tracks, drop the <audio>
//
// The remote track plays through an <audio> element. Browsers may refuse play() without a user
// gesture (autoplay policy): the adapter then says so (`mediaStateChanged` {state:
// 'autoplayBlocked'}) and retries on the next click or key press.
import type { MediaAdapter, MediaHost } from './MediaAdapter';

/** Options for the built-in adapter (all optional; the defaults are the browser's own objects). */
export interface WebRtcMediaOptions {
  /** Audio constraints for getUserMedia (default `true`). */
  audio?: MediaTrackConstraints | boolean;
  /** Only these local ICE candidates are sent to the far side (default: all). */
  candidateFilter?: (candidate: RTCIceCandidateInit) => boolean;
  /** Extra RTCPeerConnection settings merged over the server's ICE servers (e.g. iceTransportPolicy). */
  rtcConfiguration?: RTCConfiguration;
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  RTCPeerConnection?: typeof RTCPeerConnection;
  /** Makes the element the remote audio plays through (default: a hidden <audio> in <body>). */
  createAudioElement?: () => HTMLAudioElement;
}

type MediaState = 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed' | 'autoplayBlocked' | 'playing';

interface Leg {
  sessionId: string;
  pc?: RTCPeerConnection;
  local?: MediaStream;
  remote?: MediaStream;
  audio?: HTMLAudioElement;
  /** Candidates that arrived before the remote description could take them. */
  pendingCandidates: RTCIceCandidateInit[];
  /** Operations on one pc run one after another (offer, candidates, answer). */
  chain: Promise<void>;
  muted: boolean;
  held: boolean;
  closed: boolean;
  lastState?: string;
}

const GESTURES = ['pointerdown', 'keydown', 'touchstart'] as const;

export class WebRtcMediaAdapter implements MediaAdapter {
  private _options: WebRtcMediaOptions;
  private _host: MediaHost | undefined;
  private _legs = new Map<string, Leg>();
  private _blocked = new Set<HTMLAudioElement>();
  private _gestureListener: (() => void) | undefined;

  constructor(options: WebRtcMediaOptions = {}) {
    this._options = options;
  }

  attach(host: MediaHost): void {
    this._host = host;
  }

  /** The remote audio of a session, for integrators that want their own meters or recorders. */
  remoteStream(sessionId: string): MediaStream | undefined {
    return this._legs.get(sessionId)?.remote;
  }

  /** The session's RTCPeerConnection (getStats() and diagnostics). */
  peerConnection(sessionId: string): RTCPeerConnection | undefined {
    return this._legs.get(sessionId)?.pc;
  }

  handle(action: string, data: Record<string, unknown>): void {
    const sessionId = typeof data.sessionId === 'string' ? data.sessionId : '';
    if (!sessionId) return;
    switch (action) {
      case 'offer':
        if (typeof data.sdp === 'string') {
          const ice = Array.isArray(data.iceServers) ? (data.iceServers as RTCIceServer[]) : [];
          this._queue(this._leg(sessionId), (leg) => this._answer(leg, data.sdp as string, ice));
        }
        break;
      case 'answer':
        if (typeof data.sdp === 'string') {
          const sdp = data.sdp;
          this._queue(this._leg(sessionId), async (leg) => {
            if (leg.pc && leg.pc.signalingState === 'have-local-offer') await leg.pc.setRemoteDescription({ type: 'answer', sdp });
          });
        }
        break;
      case 'candidate': {
        const c = data.candidate as RTCIceCandidateInit | undefined;
        if (c && typeof c === 'object') this._queue(this._leg(sessionId), (leg) => this._addCandidate(leg, c));
        break;
      }
      case 'mute':
      case 'unmute': {
        const leg = this._leg(sessionId);
        leg.muted = action === 'mute';
        this._applySending(leg);
        break;
      }
      case 'hold':
      case 'unHold': {
        const leg = this._leg(sessionId);
        leg.held = action === 'hold';
        this._applySending(leg);
        if (leg.audio) leg.audio.muted = leg.held;
        break;
      }
      case 'sendDigits': {
        const leg = this._legs.get(sessionId);
        const digits = typeof data.digits === 'string' ? data.digits : '';
        const sender = leg?.pc?.getSenders().find((s) => s.track?.kind === 'audio');
        // The server relays the digits too (signalling); in-band tones are for far ends that listen.
        if (digits && sender?.dtmf && sender.dtmf.canInsertDTMF) sender.dtmf.insertDTMF(digits.replace(/[^0-9A-D*#]/g, ''));
        break;
      }
      case 'end':
        this._end(sessionId);
        break;
      default:
        break;  // muteVideo/unmuteVideo: no video in this adapter yet
    }
  }

  close(): void {
    for (const id of [...this._legs.keys()]) this._end(id);
    this._stopGestureWatch();
  }

  // --- negotiation ----------------------------------------------------------------------------

  private _leg(sessionId: string): Leg {
    let leg = this._legs.get(sessionId);
    if (!leg) {
      leg = { sessionId, pendingCandidates: [], chain: Promise.resolve(), muted: false, held: false, closed: false };
      this._legs.set(sessionId, leg);
    }
    return leg;
  }

  private _queue(leg: Leg, step: (leg: Leg) => Promise<void>): void {
    leg.chain = leg.chain.then(async () => {
      if (leg.closed) return;
      try {
        await step(leg);
      } catch (err) {
        if (leg.closed) return;
        console.error(`[tccc] media negotiation for ${leg.sessionId} failed:`, err);
        this._state(leg, 'failed', String((err as Error)?.message ?? err));
      }
    });
  }

  private async _answer(leg: Leg, sdp: string, iceServers: RTCIceServer[]): Promise<void> {
    if (!leg.pc) {
      this._state(leg, 'connecting');
      const gum = this._options.getUserMedia ??
        ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
      let local: MediaStream;
      try {
        local = await gum({ audio: this._options.audio ?? true, video: false });
      } catch (err) {
        const e = err as Error;
        throw new Error(`the microphone is not available (${e?.name ?? 'Error'}: ${e?.message ?? String(err)})`);
      }
      if (leg.closed) {  // the call ended while the permission prompt was up
        local.getTracks().forEach((t) => t.stop());
        return;
      }
      leg.local = local;
      const Pc = this._options.RTCPeerConnection ?? RTCPeerConnection;
      const pc = new Pc({ ...(this._options.rtcConfiguration ?? {}), iceServers: this._options.rtcConfiguration?.iceServers ?? iceServers });
      leg.pc = pc;
      for (const track of local.getAudioTracks()) pc.addTrack(track, local);
      this._applySending(leg);
      pc.onicecandidate = (ev) => {
        if (leg.closed || !ev.candidate) return;
        const c = ev.candidate.toJSON();
        if (this._options.candidateFilter && !this._options.candidateFilter(c)) return;
        this._signal('candidate', { sessionId: leg.sessionId, candidate: c });
      };
      pc.ontrack = (ev) => {
        if (leg.closed) return;
        leg.remote = ev.streams[0] ?? new MediaStream([ev.track]);
        this._play(leg);
      };
      pc.onconnectionstatechange = () => {
        if (leg.closed) return;
        const s = pc.connectionState;
        if (s === 'connected' || s === 'disconnected' || s === 'failed') this._state(leg, s);
      };
    }
    const pc = leg.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    // Candidates that raced ahead of the offer can be applied now.
    const early = leg.pendingCandidates.splice(0);
    for (const c of early) await this._addCandidate(leg, c);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (leg.closed) return;
    await this._signal('answer', { sessionId: leg.sessionId, sdp: pc.localDescription?.sdp ?? answer.sdp ?? '' });
  }

  private async _addCandidate(leg: Leg, c: RTCIceCandidateInit): Promise<void> {
    if (!leg.pc || !leg.pc.remoteDescription) {
      leg.pendingCandidates.push(c);
      return;
    }
    try {
      await leg.pc.addIceCandidate(c.candidate ? c : null as unknown as RTCIceCandidateInit);
    } catch (err) {
      // One bad candidate (e.g. an address family this host lacks) must not end the call.
      console.warn(`[tccc] ignored an ICE candidate for ${leg.sessionId}:`, err);
    }
  }

  private async _signal(kind: 'offer' | 'answer' | 'candidate', data: Record<string, unknown>): Promise<void> {
    if (!this._host) return;
    try {
      await this._host.signal(kind, data);
    } catch (err) {
      // The call may just have ended (ERR_INVALID_STATE / ERR_SESSION_NOT_FOUND): nothing to repair.
      console.warn(`[tccc] media.${kind} was not delivered:`, err);
    }
  }

  /** Sends the microphone unless muted or held: a disabled track sends silence, not nothing. */
  private _applySending(leg: Leg): void {
    for (const t of leg.local?.getAudioTracks() ?? []) t.enabled = !leg.muted && !leg.held;
  }

  // --- playback -------------------------------------------------------------------------------

  private _play(leg: Leg): void {
    if (!leg.audio) {
      const make = this._options.createAudioElement ?? (() => {
        const el = document.createElement('audio');
        el.autoplay = true;
        el.style.display = 'none';
        el.dataset.tcccSession = leg.sessionId;
        document.body.appendChild(el);
        return el;
      });
      leg.audio = make();
    }
    const audio = leg.audio;
    audio.muted = leg.held;
    if (audio.srcObject !== leg.remote) audio.srcObject = leg.remote ?? null;
    const p = audio.play();
    if (p && typeof p.then === 'function') {
      p.then(() => this._state(leg, 'playing'), (err: Error) => {
        if (leg.closed) return;
        if (err?.name === 'NotAllowedError') {
          this._blocked.add(audio);
          this._state(leg, 'autoplayBlocked', 'the browser needs a click or key press before it plays audio');
          this._watchGestures();
        } else if (err?.name !== 'AbortError') {
          this._state(leg, 'failed', `audio playback failed: ${err?.message ?? String(err)}`);
        }
      });
    }
  }

  private _watchGestures(): void {
    if (this._gestureListener || typeof document === 'undefined') return;
    this._gestureListener = () => {
      this._stopGestureWatch();
      const blocked = [...this._blocked];
      this._blocked.clear();
      for (const leg of this._legs.values()) if (leg.audio && blocked.includes(leg.audio)) this._play(leg);
    };
    for (const g of GESTURES) document.addEventListener(g, this._gestureListener, { capture: true });
  }

  private _stopGestureWatch(): void {
    if (!this._gestureListener) return;
    for (const g of GESTURES) document.removeEventListener(g, this._gestureListener, { capture: true });
    this._gestureListener = undefined;
  }

  // --- teardown -------------------------------------------------------------------------------

  private _end(sessionId: string): void {
    const leg = this._legs.get(sessionId);
    if (!leg) return;
    this._legs.delete(sessionId);
    leg.closed = true;
    try { leg.pc?.close(); } catch { /* already closed */ }
    leg.local?.getTracks().forEach((t) => t.stop());
    if (leg.audio) {
      this._blocked.delete(leg.audio);
      leg.audio.pause();
      leg.audio.srcObject = null;
      if (!this._options.createAudioElement) leg.audio.remove();
    }
    if (leg.pc) this._emit(leg, 'closed');
  }

  private _state(leg: Leg, state: MediaState, reason?: string): void {
    if (leg.lastState === state && state !== 'failed') return;
    leg.lastState = state;
    this._emit(leg, state, reason);
  }

  private _emit(leg: Leg, state: MediaState, reason?: string): void {
    const data: Record<string, unknown> = { sessionId: leg.sessionId, state };
    if (reason) data.reason = reason;
    this._host?.emit('mediaStateChanged', data);
  }
}

export { webRtcAvailable } from './webrtcSupport';
