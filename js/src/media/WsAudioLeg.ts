// SPDX-License-Identifier: Apache-2.0
// One call's audio over the WebSocket (docs/protocol.md, "Media over the WebSocket"), for agents
// whose network blocks UDP. The leg asks the SDK for a ticket (media.ws), opens
// ws(s)://<signalling origin>/ws/media?token=…, and runs the call's audio through an AudioWorklet
// (WsAudioProcessor.ts: Opus in wasm, jitter buffer, FEC and concealment):
//
//   microphone -> worklet (encode) -> {ts, bytes} -> audio frame (seq here) -> socket
//   socket -> parse (WsMediaFrame) -> worklet (jitter buffer, decode) -> speaker
//
// The sequence numbers are counted here, shared by audio and telephone-event frames (DTMF travels
// in the audio numbering). Own frames are dropped while the socket holds more than 200 ms of
// them: late audio is worth nothing, and a queue without bound would only add delay.
// A ping every second measures the round trip; the server's report (0x04) says what it lost of
// ours. Both, with the worklet's levels and jitter buffer, feed the meters (MeterSource) and the
// one-way audio watch, as getStats() does for WebRTC.
import { AudioWatch, type AudioWatchOptions } from '../AudioWatch';
import type { MediaHost } from '../MediaAdapter';
import { dtmfCode, toneSteps } from './DtmfEvents';
import type { JitterStats } from './JitterBuffer';
import type { MeterSample, MeterSource } from './MeterSample';
import type { OpusChunk } from './OpusChunk';
import { WS_AUDIO_PROCESSOR } from './WsAudioProcessor';
import { audioFrame, eventFrame, parseServerFrame, pingFrame } from './WsMediaFrame';

export type WsLegState = 'connecting' | 'connected' | 'closed' | 'failed' | 'autoplayBlocked' | 'playing';

export interface WsAudioLegOptions {
  sessionId: string;
  host: MediaHost;
  chunk: OpusChunk;
  /** Opens the microphone (the chosen device) for this call. */
  openMicrophone(): Promise<MediaStream>;
  /** The leg's state, for mediaStateChanged. */
  onState(state: WsLegState, reason?: string): void;
  audioWatch?: (AudioWatchOptions & { intervalMs?: number }) | false;
  WebSocket?: typeof WebSocket;
  /** Opus encoder complexity (0-10; default the codec's). */
  complexity?: number;
}

/** Own audio the socket may hold before frames are dropped. */
const BACKLOG_MS = 200;
const PING_MS = 1000;
/** A socket that closes without the call ending is reopened this many times at most. */
const MAX_REOPENS = 3;

export class WsAudioLeg implements MeterSource {
  private readonly _o: WsAudioLegOptions;
  private _ws: WebSocket | undefined;
  private _context: AudioContext | undefined;
  private _speaker = ''; // the audio output ('' = the default)
  private _node: AudioWorkletNode | undefined;
  private _mic: MediaStream | undefined;
  private _micSource: MediaStreamAudioSourceNode | undefined;
  private _closed = false;
  private _muted = false;
  private _held = false;
  private _seq = Math.floor(Math.random() * 0x10000);
  private _tsBase = Math.floor(Math.random() * 0x100000000);
  private _lastTs = 0;
  /** Bytes of a sent frame, smoothed: the 200 ms backlog in bytes. */
  private _frameBytes = 80;
  private _pings = new Map<number, number>();
  private _pingId = 0;
  private _pingTimer: ReturnType<typeof setInterval> | undefined;
  private _rttMs: number | undefined;
  private _remoteFractionLost: number | undefined;
  private _agentLevel = 0;
  private _remoteLevel = 0;
  private _jb: JitterStats | undefined;
  private _reopens = 0;
  private _watch: AudioWatch | undefined;
  private _watchTimer: ReturnType<typeof setInterval> | undefined;
  private _dtmf: Promise<void> = Promise.resolve();
  /** Whether the audio plays ('playing' or 'autoplayBlocked'), told only once the socket is connected. */
  private _audioState: WsLegState | undefined;
  private _audioReason: string | undefined;
  /** The socket said 'connected' and has not closed since. */
  private _connected = false;
  /** Own frames dropped for backpressure, and server frames refused (for diagnostics). */
  readonly counters = { sent: 0, backpressureDrops: 0, received: 0, invalid: 0 };

  constructor(options: WsAudioLegOptions) {
    this._o = options;
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Opens the socket, the microphone and the worklet; resolves once the socket is open. */
  async start(): Promise<void> {
    this._o.onState('connecting');
    const audio = this._startAudio();
    audio.catch(() => {}); // reported below, after the socket
    await this._open();
    try {
      await audio;
    } catch (err) {
      this._fail(`the WebSocket audio could not start: ${(err as Error)?.message ?? err}`);
      throw err;
    }
  }

  setMuted(muted: boolean): void {
    this._muted = muted;
    this._applySending();
  }

  setHeld(held: boolean): void {
    this._held = held;
    this._applySending();
    // The agent does not hear a held customer (the server plays the music to the customer).
    this._node?.port.postMessage({ t: 'play', on: !held });
  }

  /** Plays on this output (tccc.Devices.setSpeaker), where the browser can (AudioContext.setSinkId). */
  async setSpeaker(deviceId: string): Promise<void> {
    this._speaker = deviceId;
    await this._sink();
  }

  private async _sink(): Promise<void> {
    const context = this._context as unknown as
      { setSinkId?: (id: string) => Promise<void>; state: AudioContextState } | undefined;
    if (context && typeof context.setSinkId === 'function' && context.state !== 'closed')
      await context.setSinkId(this._speaker);
  }

  /** Reroutes another microphone into the worklet (tccc.Devices.setMicrophone). */
  setMicrophone(stream: MediaStream): void {
    if (this._closed || !this._context || !this._node) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    const old = this._mic;
    this._micSource?.disconnect();
    this._mic = stream;
    this._micSource = this._context.createMediaStreamSource(stream);
    this._micSource.connect(this._node);
    old?.getTracks().forEach((t) => t.stop());
  }

  /** RFC 4733 events in the audio numbering: 100 ms tones, 70 ms apart, as the WebRTC path sends. */
  sendDigits(digits: string): void {
    for (const d of digits) {
      const code = dtmfCode(d);
      if (code === undefined) continue;
      this._dtmf = this._dtmf.then(() => this._tone(code));
    }
  }

  close(): void {
    if (this._closed) return;
    this._release();
    this._o.onState('closed');
  }

  /** Stops everything the leg holds: timers, socket, microphone, worklet and audio context. */
  private _release(): void {
    this._closed = true;
    this._stopTimers();
    try {
      this._ws?.close(1000);
    } catch {
      /* closing already */
    }
    this._micSource?.disconnect();
    this._mic?.getTracks().forEach((t) => t.stop());
    this._node?.disconnect();
    void this._context?.close().catch(() => {});
  }

  read(): Promise<MeterSample | undefined> {
    if (this._closed || !this._jb) return Promise.resolve(undefined);
    return Promise.resolve({
      connected: this._ws?.readyState === 1,
      agentLevel: this._agentLevel,
      remoteLevel: this._remoteLevel,
      packetsReceived: this._jb.received,
      packetsLost: this._jb.lost,
      jitterMs: this._jb.jitterMs,
      remoteFractionLost: this._remoteFractionLost,
      rttMs: this._rttMs,
    });
  }

  // --- socket -----------------------------------------------------------------------------------

  private async _open(): Promise<void> {
    const ticket = await this._o.host.mediaWs(this._o.sessionId);
    if (this._closed) return;
    const url = new URL(ticket.url ?? ticket.path);
    url.searchParams.set('token', ticket.token);
    const Ws = this._o.WebSocket ?? WebSocket;
    const ws = new Ws(url.toString());
    ws.binaryType = 'arraybuffer';
    this._ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onclose = (ev) => reject(new Error(`the media socket closed (${ev.code})`));
    });
    if (this._closed) return ws.close(1000);
    ws.onmessage = (ev) => this._onMessage(ev.data);
    ws.onclose = (ev) => this._onSocketClosed(ws, ev.code);
    this._connected = true;
    this._o.onState('connected');
    if (this._audioState) this._o.onState(this._audioState, this._audioReason);
    this._pingTimer ??= setInterval(() => this._ping(), PING_MS);
    this._ping();
  }

  private _onSocketClosed(ws: WebSocket, code: number): void {
    if (this._closed || ws !== this._ws) return;
    this._connected = false;
    // 4401: the token was refused; a transfer or a hang-up closes the socket and then ends the
    // session here. Otherwise (a proxy cut it) a fresh ticket reopens it, a few times.
    if (code === 4401 || this._reopens >= MAX_REOPENS) return this._fail(`the media socket closed (${code})`);
    this._reopens++;
    setTimeout(() => {
      if (this._closed) return;
      this._open().catch((err) => {
        // The call is gone (transferred, ended) or the server says no: the leg ends quietly.
        console.warn(`[tccc] the media socket of ${this._o.sessionId} was not reopened:`, err);
        if (!this._closed) this.close();
      });
    }, 1000);
  }

  private _onMessage(data: unknown): void {
    const frame = parseServerFrame(data);
    switch (frame.type) {
      case 'audio':
        this.counters.received++;
        this._node?.port.postMessage({ t: 'packet', seq: frame.seq, ts: frame.timestamp, bytes: frame.payload }, [
          frame.payload.buffer,
        ]);
        break;
      case 'pong': {
        const sentAt = this._pings.get(frame.id);
        if (sentAt !== undefined) this._rttMs = performance.now() - sentAt;
        this._pings.delete(frame.id);
        break;
      }
      case 'report':
        this._remoteFractionLost = frame.fractionLost / 256;
        break;
      case 'event':
        break; // the far end's DTMF: the digits come through signalling too
      default:
        this.counters.invalid++;
    }
  }

  private _ping(): void {
    if (this._ws?.readyState !== 1) return;
    const id = (this._pingId = (this._pingId + 1) >>> 0);
    this._pings.set(id, performance.now());
    if (this._pings.size > 8) this._pings.delete(this._pings.keys().next().value as number);
    this._ws.send(pingFrame(id));
  }

  /** Sends a media frame unless the socket already holds 200 ms of them. */
  private _send(frame: Uint8Array, audio: boolean): void {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1) return;
    if (audio) this._frameBytes += (frame.length - this._frameBytes) / 16;
    if (ws.bufferedAmount > (BACKLOG_MS / 20) * this._frameBytes) {
      this.counters.backpressureDrops++;
      return;
    }
    this._seq = (this._seq + 1) & 0xffff;
    ws.send(frame);
    this.counters.sent++;
  }

  // --- audio ------------------------------------------------------------------------------------

  private async _startAudio(): Promise<void> {
    const [module, mic] = await Promise.all([this._o.chunk.module(), this._o.openMicrophone()]);
    if (this._closed) return mic.getTracks().forEach((t) => t.stop());
    this._mic = mic;
    const context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
    this._context = context;
    if (this._speaker) await this._sink().catch(() => undefined);
    await this._o.chunk.install(context);
    if (this._closed) return void context.close().catch(() => {});
    const node = new AudioWorkletNode(context, WS_AUDIO_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    this._node = node;
    await new Promise<void>((resolve, reject) => {
      node.port.onmessage = (ev: MessageEvent) => {
        const m = ev.data as { t?: string; message?: string };
        if (m?.t === 'ready') resolve();
        else if (m?.t === 'error') reject(new Error(m.message));
      };
      node.port.postMessage({ t: 'init', module, complexity: this._o.complexity });
    });
    node.port.onmessage = (ev: MessageEvent) => this._fromWorklet(ev.data as WorkletMessage);
    this._applySending();
    node.port.postMessage({ t: 'play', on: !this._held });
    this._micSource = context.createMediaStreamSource(mic);
    this._micSource.connect(node);
    node.connect(context.destination);
    await this._resume(context);
    this._startWatch();
  }

  private _fromWorklet(m: WorkletMessage): void {
    if (this._closed) return;
    if (m.t === 'packet' && m.bytes && typeof m.ts === 'number') {
      const ts = (this._tsBase + m.ts) >>> 0;
      this._lastTs = ts;
      this._send(audioFrame(this._seq, ts, m.bytes), true);
    } else if (m.t === 'levels') {
      this._agentLevel = this._muted || this._held ? 0 : (m.agent ?? 0);
      this._remoteLevel = m.remote ?? 0;
      this._jb = m.stats;
    }
  }

  private _applySending(): void {
    this._node?.port.postMessage({ t: 'send', on: !this._held, silent: this._muted });
  }

  /** Browsers may start an AudioContext suspended until a user gesture (autoplay policy). */
  private async _resume(context: AudioContext): Promise<void> {
    await context.resume().catch(() => {});
    if (context.state === 'running') return this._audio('playing');
    this._audio('autoplayBlocked', 'the browser needs a click or key press before it plays audio');
    const gesture = () => {
      void context.resume().then(() => {
        if (!this._closed && context.state === 'running') this._audio('playing');
      });
      for (const g of ['pointerdown', 'keydown'] as const) document.removeEventListener(g, gesture, true);
    };
    for (const g of ['pointerdown', 'keydown'] as const) document.addEventListener(g, gesture, true);
  }

  /** The audio's state; the microphone may be ready before the socket, and 'connected' comes first. */
  private _audio(state: WsLegState, reason?: string): void {
    this._audioState = state;
    this._audioReason = reason;
    if (this._connected) this._o.onState(state, reason);
  }

  private async _tone(code: number): Promise<void> {
    const start = (this._lastTs + 960) >>> 0;
    for (const step of toneSteps(100)) {
      if (this._closed) return;
      this._send(eventFrame(this._seq, start, { code, end: step.end, volume: 10, duration: step.duration }), false);
      if (!step.end) await sleep(20);
    }
    await sleep(70);
  }

  // --- one-way audio ----------------------------------------------------------------------------

  private _startWatch(): void {
    const options = this._o.audioWatch;
    if (options === false || this._watch) return;
    const watch = (this._watch = new AudioWatch(options));
    this._watchTimer = setInterval(() => {
      if (this._closed || !this._jb) return;
      for (const { warning, active } of watch.sample({
        atMs: Date.now(),
        connected: this._ws?.readyState === 1,
        packetsReceived: this._jb.received,
        micLevel: this._agentLevel,
        micLive: !this._muted && !this._held && this._mic?.getAudioTracks()[0]?.readyState !== 'ended',
      }))
        this._o.host.emit('mediaWarning', { sessionId: this._o.sessionId, warning, active });
    }, options?.intervalMs ?? 1000);
  }

  private _stopTimers(): void {
    if (this._pingTimer !== undefined) clearInterval(this._pingTimer);
    if (this._watchTimer !== undefined) clearInterval(this._watchTimer);
    this._pingTimer = this._watchTimer = undefined;
  }

  private _fail(reason: string): void {
    if (this._closed) return;
    this._o.onState('failed', reason);
    if (!this._closed) this._release(); // the listener may have closed the leg already
  }
}

/** What the processor posts (WsAudioProcessor.ts). */
interface WorkletMessage {
  t?: string;
  ts?: number;
  bytes?: Uint8Array;
  agent?: number;
  remote?: number;
  stats?: JitterStats;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
