// SPDX-License-Identifier: Apache-2.0
// The browser's media: one RTCPeerConnection per session, audio, plus the camera for video sessions
// (docs/protocol.md, "Media"):
//
//   core "offer" {sessionId, sdp, iceServers}  -> new RTCPeerConnection, setRemote, answer -> signal('answer');
//                                                 getUserMedia (camera too when the offer has video) runs
//                                                 beside it and the tracks join by replaceTrack when ready
//   core "offer" {…, ringing: true}            -> the same while the call still rings, but no device is
//                                                 opened and no state shown until "prepare" (the accept):
//                                                 the connection is up when the agent answers
//   core "prepare" {sessionId, video}          -> the agent accepted: open the devices now
//   core "start" {sessionId, iceServers}       -> this side offers (the caller of an internal call)
//   core "answer" {sessionId, sdp}             -> setRemote on our own offer
//   core "candidate" {sessionId, candidate}    -> addIceCandidate (queued until a remote description)
//   local ICE candidates                       -> signal('candidate')
//   a later "offer" on the same session        -> renegotiation / ICE restart: answer on the same pc
//   "mute"/"unmute"                            -> the mic track is disabled (the far side hears silence)
//   "hold"/"unHold"                            -> the sender's track becomes music on hold (replaceTrack,
//                                                 no renegotiation) and the far side is not played
//   "muteVideo"/"unmuteVideo"                  -> the camera sender sends nothing (replaceTrack(null))
//   "sendDigits"                               -> RFC 4733 tones through the audio sender's RTCDTMFSender
//   "end", close()                             -> close the pc, stop the tracks, drop the elements
//
// ICE restart: when a session's connection stays `disconnected` or `failed` for iceRestartDelayMs, or
// the browser reports `online` again, this side offers with iceRestart (the far side answers on its
// own pc). An offer that crosses ours is taken (we roll ours back): the agent is the polite peer.
//
// The remote audio plays through an <audio> element. Browsers may refuse play() without a user
// gesture (autoplay policy): the adapter then says so (`mediaStateChanged` {state:
// 'autoplayBlocked'}) and retries on the next click or key press.
//
// One-way audio: while a call is connected, its statistics are read about once a second and
// `mediaWarning` {sessionId, warning: 'noInboundAudio'|'microphoneSilent', active} says when audio
// stops arriving or the microphone goes dead, and when that ends (AudioWatch.ts).
//
// Meters: while a call is connected and the page listens to `audioVolume` or `networkQuality`
// (MediaHost.metering), media/CallMeters reads its getStats() every 300 ms (media/WebRtcStats.ts)
// and emits both events; nobody listening, nothing is read.
import { AudioWatch, type AudioWatchOptions } from './AudioWatch';
import { HoldMusic } from './HoldMusic';
import { CallMeters } from './media/CallMeters';
import { webRtcSource } from './media/WebRtcStats';
import type { MediaAdapter, MediaHost } from './MediaAdapter';
import type { MediaAction } from './vocabulary.generated';

/** Options for the built-in adapter (all optional; the defaults are the browser's own objects). */
export interface WebRtcMediaOptions {
  /** Audio constraints for getUserMedia (default `true`). */
  audio?: MediaTrackConstraints | boolean;
  /** Camera constraints for video sessions (default `true`). */
  video?: MediaTrackConstraints | boolean;
  /** Music on hold: a file the browser can decode, looped (default: a built-in melody). */
  holdMusicUrl?: string;
  /** Only these local ICE candidates are sent to the far side (default: all). */
  candidateFilter?: (candidate: RTCIceCandidateInit) => boolean;
  /**
   * Testing and debugging only — never in production: drops every ICE candidate both ways (the
   * candidate lines of the far side's SDP, its trickled candidates and this side's own), so no
   * connection can ever be established: the SDK sees what an agent whose network blocks UDP sees
   * (a leg that stays `connecting` until ICE fails).
   */
  debugDropIceCandidates?: boolean;
  /** Extra RTCPeerConnection settings merged over the server's ICE servers (e.g. iceTransportPolicy). */
  rtcConfiguration?: RTCConfiguration;
  /** How long a connection may stay disconnected/failed before this side restarts ICE (default 4000 ms). */
  iceRestartDelayMs?: number;
  /** One-way audio warnings (`mediaWarning`): thresholds and sampling period, or false for none. */
  audioWatch?: (AudioWatchOptions & { intervalMs?: number }) | false;
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  RTCPeerConnection?: typeof RTCPeerConnection;
  /** Makes the element the remote audio plays through (default: a hidden <audio> in <body>). */
  createAudioElement?: () => HTMLAudioElement;
  /** Makes the element the remote video of a video session shows in (default: a <video> in <body>). */
  createVideoElement?: () => HTMLVideoElement;
  /**
   * What the remote audio element plays instead of the far end's stream itself, e.g. the stream
   * through a Web Audio gain (the TCCCWorkstation's playout volume); `release` runs when the call ends.
   */
  playbackStream?: (remote: MediaStream, sessionId: string) => { stream: MediaStream; release(): void };
}

type MediaState =
  'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed' | 'autoplayBlocked' | 'playing' | 'iceRestart';

interface Leg {
  sessionId: string;
  pc?: RTCPeerConnection;
  local?: MediaStream;
  remote?: MediaStream;
  audio?: HTMLAudioElement;
  video?: HTMLVideoElement;
  /** What `audio` plays when `playbackStream` is given (made once, from `remote`). */
  playback?: { stream: MediaStream; release(): void };
  /** The microphone and camera tracks (kept while the sender carries music or nothing). */
  mic?: MediaStreamTrack;
  cam?: MediaStreamTrack;
  audioSender?: RTCRtpSender;
  videoSender?: RTCRtpSender;
  /** The music-on-hold track while held. */
  holdTrack?: MediaStreamTrack;
  wantsVideo: boolean;
  iceServers: RTCIceServer[];
  /** Candidates that arrived before the remote description could take them. */
  pendingCandidates: RTCIceCandidateInit[];
  /** Operations on one pc run one after another (offer, candidates, answer, hold). */
  chain: Promise<void>;
  muted: boolean;
  held: boolean;
  videoMuted: boolean;
  closed: boolean;
  lastState?: string;
  restartTimer?: ReturnType<typeof setTimeout>;
  /** The one-way audio watch and its next sample, while the call is connected. */
  watch?: AudioWatch;
  watchTimer?: ReturnType<typeof setTimeout>;
  /** Levels and quality (`audioVolume`, `networkQuality`): from the first connection to the end of the call. */
  meters?: CallMeters;
  /** Devices opened on "prepare" (the agent accepted), before the far side's offer arrived. */
  prepared?: { video: boolean; stream: Promise<MediaStream>; timer: ReturnType<typeof setTimeout> };
  /** Connected while the call rings: no devices, no state shown, until "prepare". */
  ringing: boolean;
  /** The states a ringing call went through, shown in order once it is answered. */
  unshown: [MediaState, string | undefined][];
}

/** A prepared microphone that no negotiation has used after this long is closed again. */
const PREPARE_TTL_MS = 15000;

const GESTURES = ['pointerdown', 'keydown', 'touchstart'] as const;

export class WebRtcMediaAdapter implements MediaAdapter {
  private _options: WebRtcMediaOptions;
  private _host: MediaHost | undefined;
  private _legs = new Map<string, Leg>();
  private _blocked = new Set<HTMLMediaElement>();
  private _gestureListener: (() => void) | undefined;
  private _music: HoldMusic;
  private _onlineListener: (() => void) | undefined;
  private _micDeviceId: string | undefined;
  private _speaker = ''; // the audio output calls play on ('' = the default)
  /** One DTLS certificate for this adapter's connections, made ahead (a new pc would make its own). */
  private _certificate: Promise<RTCCertificate | undefined> | undefined;

  constructor(options: WebRtcMediaOptions = {}) {
    this._options = options;
    this._music = new HoldMusic(options.holdMusicUrl);
  }

  attach(host: MediaHost): void {
    this._host = host;
  }

  /** The remote media of a session, for integrators that want their own meters, players or recorders. */
  remoteStream(sessionId: string): MediaStream | undefined {
    return this._legs.get(sessionId)?.remote;
  }

  /** The local microphone (and camera) stream of a session, e.g. for a self-view. */
  localStream(sessionId: string): MediaStream | undefined {
    return this._legs.get(sessionId)?.local;
  }

  /** The <video> element a video session's remote video shows in. */
  remoteVideoElement(sessionId: string): HTMLVideoElement | undefined {
    return this._legs.get(sessionId)?.video;
  }

  /** The session's RTCPeerConnection (getStats() and diagnostics). */
  peerConnection(sessionId: string): RTCPeerConnection | undefined {
    return this._legs.get(sessionId)?.pc;
  }

  /**
   * Plays calls on this output from now on: every call's <audio> element now (a call under way
   * moves without a gap) and those of later calls as they are made.
   */
  async setSpeaker(deviceId: string): Promise<void> {
    this._speaker = deviceId;
    await Promise.all([...this._legs.values()].filter((l) => l.audio && !l.closed).map((l) => this._sink(l.audio!)));
  }

  private _sink(el: HTMLMediaElement): Promise<void> {
    const sink = el as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };
    if (typeof sink.setSinkId !== 'function' || (sink.sinkId ?? '') === this._speaker) return Promise.resolve();
    return sink.setSinkId(this._speaker);
  }

  /**
   * Switches the microphone, also in calls under way: the new device's track replaces the old one
   * on every sender (no renegotiation, the call goes on), and later calls open this device. Rejects
   * (and keeps the old microphone) when the device cannot be opened.
   */
  async setMicrophone(deviceId: string): Promise<void> {
    const legs = [...this._legs.values()].filter((l) => l.mic && !l.closed);
    const gum = this._gum();
    const opened: Array<[Leg, MediaStream]> = [];
    try {
      for (const leg of legs) opened.push([leg, await gum({ audio: this._audioConstraints(deviceId), video: false })]);
      // No call right now: open the device once anyway, so a wrong or refused one is reported now
      // and not as a failed next call.
      if (legs.length === 0)
        (await gum({ audio: this._audioConstraints(deviceId), video: false })).getTracks().forEach((t) => t.stop());
    } catch (err) {
      for (const [, s] of opened) s.getTracks().forEach((t) => t.stop());
      throw micError(err);
    }
    this._micDeviceId = deviceId;
    for (const [leg, stream] of opened) {
      const track = stream.getAudioTracks()[0];
      const old = leg.mic;
      if (leg.closed || !track) {
        stream.getTracks().forEach((t) => t.stop());
        continue;
      }
      track.enabled = !leg.muted;
      leg.mic = track;
      if (leg.local && old) {
        leg.local.removeTrack(old);
        leg.local.addTrack(track);
      }
      if (!leg.held && leg.audioSender) await leg.audioSender.replaceTrack(track);
      old?.stop();
    }
  }

  handle(action: MediaAction, data: Record<string, unknown>): void {
    const sessionId = typeof data.sessionId === 'string' ? data.sessionId : '';
    if (!sessionId) return;
    const ice = Array.isArray(data.iceServers) ? (data.iceServers as RTCIceServer[]) : undefined;
    switch (action) {
      case 'offer':
        if (typeof data.sdp === 'string') {
          const sdp = this._remoteSdp(data.sdp);
          const leg = this._leg(sessionId);
          // An accept that came first (prepare) makes the call answered whatever the offer says.
          if (data.ringing === true && !leg.pc && !leg.prepared) leg.ringing = true;
          this._queue(this._leg(sessionId), (leg) => this._answer(leg, sdp, ice));
        }
        break;
      case 'prepare':
        this._prepare(this._leg(sessionId), data.video === true);
        break;
      case 'start':
        this._queue(this._leg(sessionId), (leg) => this._offer(leg, ice, data.video === true, false));
        break;
      case 'answer':
        if (typeof data.sdp === 'string') {
          const sdp = this._remoteSdp(data.sdp);
          this._queue(this._leg(sessionId), async (leg) => {
            if (!leg.pc || leg.pc.signalingState !== 'have-local-offer') return;
            await leg.pc.setRemoteDescription({ type: 'answer', sdp });
            await this._flushCandidates(leg);
          });
        }
        break;
      case 'candidate': {
        const c = data.candidate as RTCIceCandidateInit | undefined;
        if (c && typeof c === 'object' && !this._options.debugDropIceCandidates)
          this._queue(this._leg(sessionId), (leg) => this._addCandidate(leg, c));
        break;
      }
      case 'mute':
      case 'unmute': {
        const leg = this._leg(sessionId);
        leg.muted = action === 'mute';
        if (leg.mic) leg.mic.enabled = !leg.muted;
        break;
      }
      case 'hold':
      case 'unHold': {
        const leg = this._leg(sessionId);
        const held = action === 'hold';
        if (leg.held === held) break;
        leg.held = held;
        if (leg.audio) leg.audio.muted = held; // the agent does not hear a held customer
        this._queue(leg, (l) => this._applyHold(l));
        break;
      }
      case 'muteVideo':
      case 'unmuteVideo': {
        const leg = this._leg(sessionId);
        leg.videoMuted = action === 'muteVideo';
        this._queue(leg, async (l) => {
          // replaceTrack(null): no frames at all (a disabled track would still send black ones).
          if (l.videoSender) await l.videoSender.replaceTrack(l.videoMuted ? null : (l.cam ?? null));
        });
        break;
      }
      case 'sendDigits': {
        const leg = this._legs.get(sessionId);
        const digits = typeof data.digits === 'string' ? data.digits.replace(/[^0-9A-D*#]/g, '') : '';
        const dtmf = leg?.audioSender?.dtmf;
        // The server relays the digits too (signalling); in-band tones are for far ends that listen.
        // 100 ms tones with 70 ms gaps: RFC 4733 receivers and PSTN gateways both accept that.
        if (digits && dtmf && dtmf.canInsertDTMF) dtmf.insertDTMF(digits, 100, 70);
        break;
      }
      case 'end':
        this._end(sessionId);
        break;
      default: {
        // Every action of this build is handled above (a new one fails to compile here); a newer
        // core's action is ignored at run time.
        const unhandled: never = action;
        void unhandled;
        break;
      }
    }
  }

  close(): void {
    for (const id of [...this._legs.keys()]) this._end(id);
    this._stopGestureWatch();
    this._music.close();
  }

  // --- negotiation ----------------------------------------------------------------------------

  private _leg(sessionId: string): Leg {
    let leg = this._legs.get(sessionId);
    if (!leg) {
      leg = {
        sessionId,
        pendingCandidates: [],
        chain: Promise.resolve(),
        muted: false,
        held: false,
        videoMuted: false,
        closed: false,
        wantsVideo: false,
        iceServers: [],
        ringing: false,
        unshown: [],
      };
      this._legs.set(sessionId, leg);
      this._watchOnline();
    }
    return leg;
  }

  private _queue(leg: Leg, step: (leg: Leg) => Promise<void>): void {
    leg.chain = leg.chain.then(async () => {
      if (leg.closed) return;
      try {
        await step(leg);
      } catch (err) {
        // A closed pc has said why already (its devices failed); what fails after it is noise.
        if (leg.closed || leg.pc?.signalingState === 'closed') return;
        console.error(`[tccc] media for ${leg.sessionId} failed:`, err);
        this._state(leg, 'failed', String((err as Error)?.message ?? err));
      }
    });
  }

  private _gum(): (c: MediaStreamConstraints) => Promise<MediaStream> {
    return this._options.getUserMedia ?? ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
  }

  /** What a call asks getUserMedia for: the chosen microphone, and the camera on video calls. */
  private _constraints(video: boolean): MediaStreamConstraints {
    return { audio: this._audioConstraints(), video: video ? (this._options.video ?? true) : false };
  }

  private _audioConstraints(deviceId = this._micDeviceId): MediaTrackConstraints | boolean {
    const base = this._options.audio ?? true;
    if (!deviceId) return base;
    return { ...(typeof base === 'object' ? base : {}), deviceId: { exact: deviceId } };
  }

  /**
   * Opens the pc and the devices on first use; later calls reuse them. When this side offers
   * (`devicesFirst`), the tracks are in the pc before the offer is made. When it answers, the
   * negotiation does not wait for getUserMedia: the answer claims the offer's transceivers
   * (_claimTransceivers) and the tracks take their senders when they are ready (_attachDevices).
   */
  private async _ensurePc(
    leg: Leg,
    iceServers: RTCIceServer[] | undefined,
    video: boolean,
    devicesFirst: boolean,
  ): Promise<boolean> {
    if (leg.pc) return true;
    if (iceServers) leg.iceServers = iceServers;
    leg.wantsVideo = video;
    this._state(leg, 'connecting');
    // A ringing call's devices open when it is accepted (_prepare).
    const devices = leg.ringing && !devicesFirst ? undefined : this._openDevices(leg, video);
    devices?.catch(() => {}); // handled below; this only keeps it from counting as unhandled meanwhile
    if (devicesFirst && !(await devices)) return false;
    const certificate = await this._dtlsCertificate();
    if (leg.closed) return false;
    const Pc = this._options.RTCPeerConnection ?? RTCPeerConnection;
    const configuration: RTCConfiguration = {
      ...(this._options.rtcConfiguration ?? {}),
      iceServers: this._options.rtcConfiguration?.iceServers ?? leg.iceServers,
    };
    if (certificate && !configuration.certificates) configuration.certificates = [certificate];
    const pc = new Pc(configuration);
    leg.pc = pc;
    if (devicesFirst) {
      if (leg.mic) leg.audioSender = pc.addTrack(leg.mic, leg.local!);
      if (leg.cam) leg.videoSender = pc.addTrack(leg.cam, leg.local!);
      if (leg.held) await this._applyHold(leg);
      if (leg.videoMuted && leg.videoSender) await leg.videoSender.replaceTrack(null);
    } else if (devices) {
      this._attachWhenOpen(leg, devices);
    } else if (!leg.ringing) {
      // Accepted while this pc was being made (_answered found none to give the devices to).
      this._attachWhenOpen(leg, this._openDevices(leg, video));
    }
    pc.onicecandidate = (ev) => {
      if (leg.closed || !ev.candidate || this._options.debugDropIceCandidates) return;
      const c = ev.candidate.toJSON();
      if (this._options.candidateFilter && !this._options.candidateFilter(c)) return;
      void this._signal('candidate', { sessionId: leg.sessionId, candidate: c });
    };
    pc.ontrack = (ev) => {
      if (leg.closed) return;
      if (!leg.remote) leg.remote = ev.streams[0] ?? new MediaStream();
      if (!leg.remote.getTracks().includes(ev.track)) leg.remote.addTrack(ev.track);
      if (ev.track.kind === 'video') this._showVideo(leg);
      else this._play(leg);
    };
    pc.onconnectionstatechange = () => {
      if (leg.closed) return;
      const s = pc.connectionState;
      if (s === 'connected' || s === 'disconnected' || s === 'failed') this._state(leg, s);
      if (s === 'connected') {
        this._cancelRestart(leg);
        this._watchAudio(leg);
        this._meter(leg);
      } else if (s === 'disconnected' || s === 'failed') {
        this._scheduleRestart(leg);
      }
    };
    return true;
  }

  /**
   * The microphone (and camera) of a call, from "prepare" or asked for now. False when the call
   * ended meanwhile (the tracks are stopped); rejects with the device's error.
   */
  private async _openDevices(leg: Leg, video: boolean): Promise<boolean> {
    let local: MediaStream;
    try {
      local = (await this._takePrepared(leg, video)) ?? (await this._gum()(this._constraints(video)));
    } catch (err) {
      throw micError(err, video);
    }
    if (leg.closed) {
      // the call ended while the permission prompt was up
      local.getTracks().forEach((t) => t.stop());
      return false;
    }
    leg.local = local;
    leg.mic = local.getAudioTracks()[0];
    leg.cam = local.getVideoTracks()[0];
    if (leg.mic) leg.mic.enabled = !leg.muted;
    return true;
  }

  /** The devices of an answering pc join it when open; if they cannot, its media fails. */
  private _attachWhenOpen(leg: Leg, devices: Promise<boolean>): void {
    devices.then(
      (open) => (open ? this._attachDevices(leg) : undefined),
      (err) => {
        if (leg.closed) return;
        // As when this side offers: no microphone, no media (the far side is not left listening
        // to an agent who cannot speak while the agent hears them).
        console.error(`[tccc] media for ${leg.sessionId} failed:`, err);
        this._state(leg, 'failed', String((err as Error)?.message ?? err));
        leg.pc?.close();
      },
    );
  }

  /** An answering pc's devices are open: they take the senders the answer claimed. */
  private async _attachDevices(leg: Leg): Promise<void> {
    if (leg.closed) return;
    if (leg.audioSender && !leg.held && leg.mic) await leg.audioSender.replaceTrack(leg.mic);
    if (leg.videoSender && !leg.videoMuted && leg.cam) await leg.videoSender.replaceTrack(leg.cam);
  }

  /**
   * After the first remote offer: this side sends on the offer's audio (and video) transceivers,
   * with whatever tracks it has now (none yet, or the music while held).
   */
  private async _claimTransceivers(leg: Leg): Promise<void> {
    const pc = leg.pc!;
    for (const t of pc.getTransceivers()) {
      if (t.direction === 'stopped') continue; // an m-line the offer rejected
      const kind = t.receiver.track?.kind;
      if (kind === 'audio' && !leg.audioSender) {
        t.direction = 'sendrecv';
        leg.audioSender = t.sender;
        if (leg.held) await this._applyHold(leg);
        else if (leg.mic) await t.sender.replaceTrack(leg.mic);
      } else if (kind === 'video' && leg.wantsVideo && !leg.videoSender) {
        t.direction = 'sendrecv';
        leg.videoSender = t.sender;
        if (leg.cam && !leg.videoMuted) await t.sender.replaceTrack(leg.cam);
      }
    }
  }

  /** A DTLS certificate made once per adapter (renewed a day before it expires), if the browser can. */
  private _dtlsCertificate(): Promise<RTCCertificate | undefined> {
    const Pc = (this._options.RTCPeerConnection ?? globalThis.RTCPeerConnection) as
      (typeof RTCPeerConnection & { generateCertificate?: typeof RTCPeerConnection.generateCertificate }) | undefined;
    if (!Pc || typeof Pc.generateCertificate !== 'function') return Promise.resolve(undefined);
    const current = this._certificate;
    if (current) {
      return current.then((cert) => {
        if (!cert || cert.expires > Date.now() + 86400000) return cert; // none possible, or still good
        if (this._certificate === current) this._certificate = undefined;
        return this._dtlsCertificate();
      });
    }
    const ecdsa: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }; // fast to make, the WebRTC default
    const made = Pc.generateCertificate(ecdsa).catch(
      () => undefined, // the pc makes its own
    );
    this._certificate = made;
    return made;
  }

  /**
   * Opens the devices as soon as the agent accepts, so getUserMedia overlaps the accept's round trip
   * and the far side's offer instead of following them. A failure here is not reported: the
   * negotiation asks again and reports its own.
   */
  private _prepare(leg: Leg, video: boolean): void {
    if (leg.ringing) {
      this._answered(leg);
      return;
    }
    if (leg.pc || leg.prepared || leg.closed) return;
    void this._dtlsCertificate(); // made while the accept travels, not when the offer arrives
    const stream = this._gum()(this._constraints(video));
    stream.catch(() => {});
    const timer = setTimeout(() => {
      if (leg.prepared?.stream !== stream || leg.pc) return;
      leg.prepared = undefined;
      void stream.then(
        (s) => s.getTracks().forEach((t) => t.stop()),
        () => {},
      );
      if (this._legs.get(leg.sessionId) === leg && !leg.pc) this._legs.delete(leg.sessionId);
    }, PREPARE_TTL_MS);
    leg.prepared = { video, stream, timer };
  }

  /**
   * The call that connected while it rang is answered: its devices open and take their senders,
   * and what happened to its connection meanwhile is shown now.
   */
  private _answered(leg: Leg): void {
    leg.ringing = false;
    if (leg.closed) return;
    for (const [state, reason] of leg.unshown.splice(0)) this._emit(leg, state, reason);
    if (leg.pc) {
      this._attachWhenOpen(leg, this._openDevices(leg, leg.wantsVideo));
      if (leg.pc.connectionState === 'connected') this._watchAudio(leg);
      this._meter(leg);
    }
  }

  /** The prepared stream if it suits this negotiation; undefined when there is none (or it failed). */
  private async _takePrepared(leg: Leg, video: boolean): Promise<MediaStream | undefined> {
    const prepared = leg.prepared;
    if (!prepared) return undefined;
    leg.prepared = undefined;
    clearTimeout(prepared.timer);
    let stream: MediaStream;
    try {
      stream = await prepared.stream;
    } catch {
      return undefined; // ask again; that attempt's error is the one reported
    }
    if (prepared.video === video) return stream;
    stream.getTracks().forEach((t) => t.stop());
    return undefined;
  }

  private async _answer(leg: Leg, sdp: string, iceServers: RTCIceServer[] | undefined): Promise<void> {
    if (!(await this._ensurePc(leg, iceServers, /\r?\nm=video /.test('\n' + sdp), false))) return;
    const pc = leg.pc!;
    // An offer that crosses our own (both sides restarting at once): ours gives way.
    if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await this._claimTransceivers(leg);
    await this._flushCandidates(leg);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (leg.closed || pc.signalingState === 'closed') return;
    await this._signal('answer', { sessionId: leg.sessionId, sdp: pc.localDescription?.sdp ?? answer.sdp ?? '' });
  }

  /** This side offers: the first offer of a call we place, or an ICE restart. */
  private async _offer(
    leg: Leg,
    iceServers: RTCIceServer[] | undefined,
    video: boolean,
    iceRestart: boolean,
  ): Promise<void> {
    if (!(await this._ensurePc(leg, iceServers, video, true))) return;
    const pc = leg.pc!;
    if (pc.signalingState !== 'stable') return; // a negotiation is already under way
    const offer = await pc.createOffer(iceRestart ? { iceRestart: true } : {});
    await pc.setLocalDescription(offer);
    if (leg.closed) return;
    await this._signal('offer', { sessionId: leg.sessionId, sdp: pc.localDescription?.sdp ?? offer.sdp ?? '' });
  }

  private async _flushCandidates(leg: Leg): Promise<void> {
    const early = leg.pendingCandidates.splice(0);
    for (const c of early) await this._addCandidate(leg, c);
  }

  private async _addCandidate(leg: Leg, c: RTCIceCandidateInit): Promise<void> {
    if (!leg.pc || !leg.pc.remoteDescription) {
      leg.pendingCandidates.push(c);
      return;
    }
    try {
      await leg.pc.addIceCandidate(c.candidate ? c : null);
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

  // --- hold -------------------------------------------------------------------------------------

  /** Puts the music (held) or the microphone (not held) on the audio sender. */
  private async _applyHold(leg: Leg): Promise<void> {
    if (!leg.audioSender) return; // no media yet: _ensurePc applies the state when it starts
    if (leg.held && !leg.holdTrack) {
      let track: MediaStreamTrack | undefined;
      try {
        track = await this._music.acquire();
      } catch (err) {
        // No music possible: the customer hears silence rather than the agent.
        console.warn('[tccc] no music on hold:', err);
      }
      if (leg.closed) {
        if (track) this._music.release();
        return;
      }
      if (!leg.held) {
        // unHold came in while the music was starting
        if (track) this._music.release();
        return;
      }
      if (track) leg.holdTrack = track;
      await leg.audioSender.replaceTrack(track ?? null);
    } else if (!leg.held) {
      if (leg.holdTrack) {
        leg.holdTrack = undefined;
        this._music.release();
      }
      await leg.audioSender.replaceTrack(leg.mic ?? null);
    }
  }

  // --- ICE restart ------------------------------------------------------------------------------

  private _scheduleRestart(leg: Leg): void {
    if (leg.restartTimer !== undefined) return;
    const delay = this._options.iceRestartDelayMs ?? 4000;
    leg.restartTimer = setTimeout(() => {
      leg.restartTimer = undefined;
      const s = leg.pc?.connectionState;
      if (leg.closed || (s !== 'disconnected' && s !== 'failed')) return;
      this._restart(leg);
    }, delay);
  }

  private _cancelRestart(leg: Leg): void {
    if (leg.restartTimer !== undefined) clearTimeout(leg.restartTimer);
    leg.restartTimer = undefined;
  }

  private _restart(leg: Leg): void {
    this._state(leg, 'iceRestart');
    this._queue(leg, (l) => this._offer(l, undefined, l.wantsVideo, true));
  }

  /** The network came back (a new Wi-Fi, a VPN): every connection that is not healthy restarts ICE. */
  private _watchOnline(): void {
    if (this._onlineListener || typeof addEventListener !== 'function') return;
    this._onlineListener = () => {
      for (const leg of this._legs.values())
        if (leg.pc && leg.pc.connectionState !== 'connected' && leg.pc.connectionState !== 'closed') this._restart(leg);
    };
    addEventListener('online', this._onlineListener);
  }

  /** The far side's SDP as applied: without its candidates under `debugDropIceCandidates`. */
  private _remoteSdp(sdp: string): string {
    if (!this._options.debugDropIceCandidates) return sdp;
    return sdp.replace(/^a=(candidate:|end-of-candidates).*\r?\n/gm, '');
  }

  // --- meters -----------------------------------------------------------------------------------

  /**
   * Starts a leg's meters once it is answered and connected (once per call: they stop when it
   * ends); each reading first asks the host whether anyone listens.
   */
  private _meter(leg: Leg): void {
    if (leg.closed || leg.ringing || leg.meters || leg.pc?.connectionState !== 'connected') return;
    const host = this._host;
    if (!host?.metering) return; // a host that cannot say whether anyone listens is never measured
    const sessionId = leg.sessionId;
    leg.meters = new CallMeters(
      webRtcSource(() => leg.pc),
      {
        volume: (agent, remote) => host.emit('audioVolume', { sessionId, agent, remote }),
        quality: (report) => host.emit('networkQuality', { sessionId, ...report }),
      },
      { wanted: () => host.metering?.() === true },
    );
    leg.meters.start();
  }

  // --- one-way audio ----------------------------------------------------------------------------

  /** Starts sampling the call's audio statistics (once per call; it stops when the call ends). */
  private _watchAudio(leg: Leg): void {
    const options = this._options.audioWatch;
    if (leg.ringing) return; // nothing flows to a call not answered yet (_answered starts it)
    if (options === false || leg.watch || typeof leg.pc?.getStats !== 'function') return;
    leg.watch = new AudioWatch(options);
    const period = options?.intervalMs ?? 1000;
    const next = () => {
      leg.watchTimer = setTimeout(() => {
        void this._sampleAudio(leg).then(() => {
          if (!leg.closed) next();
        });
      }, period);
    };
    next();
  }

  private async _sampleAudio(leg: Leg): Promise<void> {
    const pc = leg.pc;
    if (!pc || !leg.watch) return;
    let packets: number | undefined;
    let level: number | undefined;
    try {
      (await pc.getStats()).forEach(
        (r: { type?: string; kind?: string; packetsReceived?: number; audioLevel?: number }) => {
          if (r.kind !== 'audio') return;
          if (r.type === 'inbound-rtp' && typeof r.packetsReceived === 'number')
            packets = (packets ?? 0) + r.packetsReceived;
          if (r.type === 'media-source' && typeof r.audioLevel === 'number') level = Math.max(level ?? 0, r.audioLevel);
        },
      );
    } catch {
      return; // a closing pc: the next sample (or the end of the call) settles it
    }
    if (leg.closed) return;
    const changes = leg.watch.sample({
      atMs: Date.now(),
      connected: pc.connectionState === 'connected',
      packetsReceived: packets,
      micLevel: level,
      micLive: !leg.muted && !leg.held && leg.mic?.readyState !== 'ended',
    });
    for (const { warning, active } of changes)
      this._host?.emit('mediaWarning', { sessionId: leg.sessionId, warning, active });
  }

  // --- playback -------------------------------------------------------------------------------

  private _play(leg: Leg): void {
    if (!leg.audio) {
      const make =
        this._options.createAudioElement ??
        (() => {
          const el = document.createElement('audio');
          el.autoplay = true;
          el.style.display = 'none';
          el.dataset.tcccSession = leg.sessionId;
          document.body.appendChild(el);
          return el;
        });
      leg.audio = make();
      if (this._speaker)
        this._sink(leg.audio).catch((err: Error) =>
          console.warn(`[tccc] the chosen audio output could not be used: ${err?.message ?? err}`),
        );
    }
    const audio = leg.audio;
    audio.muted = leg.held;
    const filter = this._options.playbackStream;
    if (filter && leg.remote && !leg.playback) leg.playback = filter(leg.remote, leg.sessionId);
    const played = leg.playback?.stream ?? leg.remote ?? null;
    if (audio.srcObject !== played) audio.srcObject = played;
    this._start(leg, audio);
  }

  private _showVideo(leg: Leg): void {
    if (!leg.video) {
      const make =
        this._options.createVideoElement ??
        (() => {
          const el = document.createElement('video');
          el.autoplay = true;
          el.playsInline = true;
          el.dataset.tcccSession = leg.sessionId;
          el.style.maxWidth = '100%';
          document.body.appendChild(el);
          return el;
        });
      leg.video = make();
    }
    // Sound comes through the <audio> element; the video element only shows the picture.
    leg.video.muted = true;
    if (leg.video.srcObject !== leg.remote) leg.video.srcObject = leg.remote ?? null;
    this._start(leg, leg.video);
  }

  private _start(leg: Leg, el: HTMLMediaElement): void {
    // Older browsers return nothing from play().
    const p = el.play() as Promise<void> | undefined;
    if (p && typeof p.then === 'function') {
      p.then(
        () => {
          if (el === leg.audio) this._state(leg, 'playing');
        },
        (err: Error) => {
          if (leg.closed) return;
          if (err?.name === 'NotAllowedError') {
            this._blocked.add(el);
            this._state(leg, 'autoplayBlocked', 'the browser needs a click or key press before it plays audio');
            this._watchGestures();
          } else if (err?.name !== 'AbortError') {
            this._state(leg, 'failed', `playback failed: ${err?.message ?? String(err)}`);
          }
        },
      );
    }
  }

  private _watchGestures(): void {
    if (this._gestureListener || typeof document === 'undefined') return;
    this._gestureListener = () => {
      this._stopGestureWatch();
      const blocked = [...this._blocked];
      this._blocked.clear();
      for (const leg of this._legs.values()) {
        if (leg.audio && blocked.includes(leg.audio)) this._play(leg);
        if (leg.video && blocked.includes(leg.video)) this._showVideo(leg);
      }
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
    this._cancelRestart(leg);
    if (leg.watchTimer !== undefined) clearTimeout(leg.watchTimer);
    leg.meters?.stop();
    if (leg.prepared) {
      const { stream, timer } = leg.prepared;
      leg.prepared = undefined;
      clearTimeout(timer);
      void stream.then(
        (s) => s.getTracks().forEach((t) => t.stop()),
        () => {},
      );
    }
    try {
      leg.pc?.close();
    } catch {
      /* already closed */
    }
    leg.local?.getTracks().forEach((t) => t.stop());
    if (leg.holdTrack) {
      leg.holdTrack = undefined;
      this._music.release();
    }
    for (const el of [leg.audio, leg.video]) {
      if (!el) continue;
      this._blocked.delete(el);
      el.pause();
      el.srcObject = null;
    }
    leg.playback?.release();
    if (leg.audio && !this._options.createAudioElement) leg.audio.remove();
    if (leg.video && !this._options.createVideoElement) leg.video.remove();
    if (leg.pc) this._emit(leg, 'closed');
    if (this._legs.size === 0 && this._onlineListener) {
      removeEventListener('online', this._onlineListener);
      this._onlineListener = undefined;
    }
  }

  private _state(leg: Leg, state: MediaState, reason?: string): void {
    if (leg.lastState === state && state !== 'failed' && state !== 'iceRestart') return;
    leg.lastState = state;
    if (leg.ringing) {
      leg.unshown.push([state, reason]); // shown once the call is answered (_answered)
      return;
    }
    this._emit(leg, state, reason);
  }

  private _emit(leg: Leg, state: MediaState, reason?: string): void {
    const data: Record<string, unknown> = { sessionId: leg.sessionId, state };
    if (reason) data.reason = reason;
    this._host?.emit('mediaStateChanged', data);
  }
}

function micError(err: unknown, video = false): Error {
  const e = err as Error;
  const what = video ? 'the microphone or camera is' : 'the microphone is';
  return new Error(`${what} not available (${e?.name ?? 'Error'}: ${e?.message ?? String(err)})`);
}

export { webRtcAvailable } from './webrtcSupport';
