// SPDX-License-Identifier: Apache-2.0
// The browser's media adapter with a choice of transport (`media.transport`, docs/media.md): WebRTC
// (WebRtcMediaAdapter, unchanged) or, for agents whose network blocks UDP, the call's audio over a
// WebSocket (WsAudioLeg). TransportChooser decides per call; this class carries it out: it routes
// the core's actions, runs the fallback timer, watches the WebRTC leg's state through the host it
// gives it, and hides that leg's events once the call has left it.
import { CallMeters } from './CallMeters';
import { opusChunk, type OpusChunk } from './OpusChunk';
import { type ChooserEvent, type Effect, TransportChooser, type TransportMode } from './TransportChooser';
import { WsAudioLeg, type WsLegState } from './WsAudioLeg';
import type { MediaAdapter, MediaHost } from '../MediaAdapter';
import type { MediaAction } from '../vocabulary.generated';
import { WebRtcMediaAdapter, type WebRtcMediaOptions } from '../WebRtcMediaAdapter';

export interface TransportMediaOptions extends WebRtcMediaOptions {
  /** Default `auto`. */
  transport?: TransportMode;
  /** `auto`: how long ICE may take before the audio moves to the WebSocket (default 4000 ms). */
  fallbackAfterMs?: number;
  /** Where dist/tccc-opus.js is (its .wasm next to it); fetched only when a call uses the WebSocket. */
  opusUrl?: string;
  /** Where tccc-opus.wasm is, when not next to `opusUrl` under the same name. */
  opusWasmUrl?: string;
}

interface Call {
  chooser: TransportChooser;
  queued: Array<[MediaAction, Record<string, unknown>]>;
  timer?: ReturnType<typeof setTimeout>;
  ws?: WsAudioLeg;
  meters?: CallMeters;
  muted: boolean;
  held: boolean;
  /** Tickets refused because the call was not connected yet. */
  notYet: number;
  /** The WebSocket leg's socket opened: its states are the call's media states from then on. */
  wsShown?: boolean;
}

export const DEFAULT_FALLBACK_AFTER_MS = 4000;
/** How often a ticket refused as "not connected yet" is asked for again. */
const MAX_NOT_YET = 3;

export class TransportMediaAdapter implements MediaAdapter {
  private readonly _options: TransportMediaOptions;
  private readonly _mode: TransportMode;
  private readonly _webrtc: WebRtcMediaAdapter;
  private _host: MediaHost | undefined;
  private _calls = new Map<string, Call>();
  private _chunk: OpusChunk | undefined;
  private _micDeviceId: string | undefined;
  private _speaker = '';

  constructor(options: TransportMediaOptions = {}) {
    this._options = options;
    this._mode = options.transport === 'webrtc' || options.transport === 'websocket' ? options.transport : 'auto';
    this._webrtc = new WebRtcMediaAdapter(options);
  }

  /** The WebRTC adapter behind this one (its streams and peer connections). */
  get webrtc(): WebRtcMediaAdapter {
    return this._webrtc;
  }

  /** The transport a session's audio takes now. */
  transport(sessionId: string): 'webrtc' | 'websocket' {
    return this._calls.get(sessionId)?.chooser.phase === 'websocket' ? 'websocket' : 'webrtc';
  }

  /** The WebSocket leg of a session (diagnostics: its counters). */
  webSocketLeg(sessionId: string): WsAudioLeg | undefined {
    return this._calls.get(sessionId)?.ws;
  }

  remoteStream(sessionId: string): MediaStream | undefined {
    return this._webrtc.remoteStream(sessionId);
  }

  localStream(sessionId: string): MediaStream | undefined {
    return this._webrtc.localStream(sessionId);
  }

  attach(host: MediaHost): void {
    this._host = host;
    this._webrtc.attach({
      ...host,
      emit: (name, data) => {
        const sessionId = typeof data.sessionId === 'string' ? data.sessionId : '';
        const call = this._calls.get(sessionId);
        // The WebRTC leg of a call that moved to the WebSocket: its closing is no news to the page.
        if (call?.chooser.phase === 'websocket') return;
        if (name === 'mediaStateChanged' && call) {
          if (data.state === 'connected') this._step(sessionId, call, 'iceConnected');
          else if (data.state === 'disconnected' || data.state === 'failed') this._step(sessionId, call, 'iceLost');
        }
        host.emit(name, data);
      },
    });
  }

  async setMicrophone(deviceId: string): Promise<void> {
    await this._webrtc.setMicrophone(deviceId);
    this._micDeviceId = deviceId;
    for (const call of this._calls.values())
      if (call.ws && !call.ws.closed) call.ws.setMicrophone(await this._openMic());
  }

  /** Plays calls on this output: the WebRTC legs' <audio> elements and the WebSocket legs' audio. */
  async setSpeaker(deviceId: string): Promise<void> {
    this._speaker = deviceId;
    await this._webrtc.setSpeaker(deviceId);
    for (const c of this._calls.values()) if (c.ws && !c.ws.closed) await c.ws.setSpeaker(deviceId);
  }

  handle(action: MediaAction, data: Record<string, unknown>): void {
    const sessionId = typeof data.sessionId === 'string' ? data.sessionId : '';
    if (!sessionId || this._mode === 'webrtc') return this._webrtc.handle(action, data);
    const call = this._call(sessionId);
    switch (action) {
      case 'offer':
        return this._step(sessionId, call, data.ringing === true ? 'ringingOffer' : 'offer', [action, data]);
      case 'start':
      case 'prepare':
        return this._step(sessionId, call, action, [action, data]);
      case 'answer':
      case 'candidate':
        return this._step(sessionId, call, 'signal', [action, data]);
      case 'end':
        this._end(sessionId);
        return this._webrtc.handle(action, data);
      case 'mute':
      case 'unmute':
        call.muted = action === 'mute';
        call.ws?.setMuted(call.muted);
        break;
      case 'hold':
      case 'unHold':
        call.held = action === 'hold';
        call.ws?.setHeld(call.held);
        break;
      case 'sendDigits':
        if (call.ws && typeof data.digits === 'string') return call.ws.sendDigits(data.digits);
        break;
      default:
        break;
    }
    // State of the call (mute, hold, video) that WebRTC keeps too, unless the call has left it.
    if (call.chooser.phase === 'websocket') return;
    if (call.chooser.phase === 'webrtc' || this._mode === 'auto') this._webrtc.handle(action, data);
    else call.queued.push([action, data]);
  }

  close(): void {
    for (const id of [...this._calls.keys()]) this._end(id);
    this._webrtc.close();
  }

  // --- the chooser's effects --------------------------------------------------------------------

  private _call(sessionId: string): Call {
    let call = this._calls.get(sessionId);
    if (!call) {
      call = { chooser: new TransportChooser(this._mode), queued: [], muted: false, held: false, notYet: 0 };
      this._calls.set(sessionId, call);
    }
    return call;
  }

  private _step(
    sessionId: string,
    call: Call,
    event: ChooserEvent,
    action?: [MediaAction, Record<string, unknown>],
  ): void {
    for (const effect of call.chooser.step(event)) this._apply(sessionId, call, effect, action);
  }

  private _apply(sessionId: string, call: Call, effect: Effect, action?: [MediaAction, Record<string, unknown>]): void {
    switch (effect) {
      case 'forward':
        if (action) this._webrtc.handle(action[0], action[1]);
        break;
      case 'queue':
        if (action) call.queued.push(action);
        break;
      case 'drop':
        break;
      case 'startTimer':
        clearTimeout(call.timer);
        call.timer = setTimeout(() => {
          call.timer = undefined;
          if (this._calls.get(sessionId) === call) this._step(sessionId, call, 'timeout');
        }, this._options.fallbackAfterMs ?? DEFAULT_FALLBACK_AFTER_MS);
        break;
      case 'cancelTimer':
        clearTimeout(call.timer);
        call.timer = undefined;
        break;
      case 'askWebSocket':
        this._openWebSocket(sessionId, call);
        break;
      case 'replay':
        for (const [a, d] of call.queued.splice(0)) this._webrtc.handle(a, d);
        break;
      case 'discard':
        call.queued = [];
        break;
      case 'endWebRtc':
        this._webrtc.handle('end', { sessionId });
        break;
      case 'closeWebSocket': {
        // Detached first: the call stays on WebRTC, so this leg's closing is no news to the page.
        const leg = call.ws;
        call.ws = undefined;
        call.meters?.stop();
        leg?.close();
        break;
      }
      case 'announce':
        this._host?.emit('mediaTransportChanged', {
          sessionId,
          transport: 'websocket',
          reason: call.chooser.reason,
        });
        break;
    }
  }

  private _openWebSocket(sessionId: string, call: Call): void {
    const host = this._host;
    if (!host) return this._step(sessionId, call, 'wsRefused');
    this._chunk ??= opusChunk(
      this._options.opusUrl ?? new URL('tccc-opus.js', location.href).toString(),
      this._options.opusWasmUrl,
    );
    const leg = new WsAudioLeg({
      sessionId,
      host,
      chunk: this._chunk,
      openMicrophone: () => this._openMic(),
      audioWatch: this._options.audioWatch,
      onState: (state, reason) => this._wsState(sessionId, leg, state, reason),
    });
    call.ws = leg;
    leg.setMuted(call.muted);
    leg.setHeld(call.held);
    if (this._speaker) void leg.setSpeaker(this._speaker).catch(() => undefined);
    leg.start().then(
      () => {
        if (this._calls.get(sessionId) !== call || call.ws !== leg) return leg.close();
        this._step(sessionId, call, 'wsOpened');
        if (call.ws === leg) this._meter(sessionId, call, leg);
      },
      (err) => {
        if (call.ws === leg) call.ws = undefined;
        leg.close();
        if (this._calls.get(sessionId) !== call) return;
        // Not connected yet (this side's call still rings): asked again later, a few times.
        if ((err as { name?: string })?.name === 'ERR_INVALID_STATE' && call.notYet++ < MAX_NOT_YET)
          return this._step(sessionId, call, 'wsNotYet');
        // Not anchored, the call already over, or the WebSocket unreachable: WebRTC goes on.
        console.warn(`[tccc] the WebSocket audio of ${sessionId} did not start:`, err);
        this._step(sessionId, call, 'wsRefused');
      },
    );
  }

  /** A WebSocket leg's states, as mediaStateChanged once the call is on it. */
  private _wsState(sessionId: string, leg: WsAudioLeg, state: WsLegState, reason: string | undefined): void {
    const call = this._calls.get(sessionId);
    if (!call || call.ws !== leg) return;
    if (state === 'connected') call.wsShown = true;
    if (state === 'closed' || state === 'failed') {
      if (call.chooser.phase === 'websocket' || call.wsShown) {
        call.meters?.stop();
        call.ws = undefined;
        this._step(sessionId, call, 'wsClosed');
        this._host?.emit('mediaStateChanged', reason ? { sessionId, state, reason } : { sessionId, state });
      }
      return;
    }
    if (call.wsShown) this._host?.emit('mediaStateChanged', { sessionId, state });
  }

  private _meter(sessionId: string, call: Call, leg: WsAudioLeg): void {
    const host = this._host;
    if (!host?.metering) return;
    call.meters = new CallMeters(
      leg,
      {
        volume: (agent, remote) => host.emit('audioVolume', { sessionId, agent, remote }),
        quality: (report) => host.emit('networkQuality', { sessionId, ...report }),
      },
      { wanted: () => host.metering?.() === true },
    );
    call.meters.start();
  }

  private _openMic(): Promise<MediaStream> {
    const base = this._options.audio ?? true;
    const audio =
      this._micDeviceId === undefined
        ? base
        : { ...(typeof base === 'object' ? base : {}), deviceId: { exact: this._micDeviceId } };
    const gum = this._options.getUserMedia ?? ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
    return gum({ audio, video: false });
  }

  private _end(sessionId: string): void {
    const call = this._calls.get(sessionId);
    if (!call) return;
    this._calls.delete(sessionId);
    clearTimeout(call.timer);
    call.meters?.stop();
    const leg = call.ws;
    call.ws = undefined;
    if (leg) {
      leg.close();
      this._host?.emit('mediaStateChanged', { sessionId, state: 'closed' });
    }
  }
}
