// SPDX-License-Identifier: Apache-2.0
// The workstation's own audio processing, on one AudioContext:
//
//   microphone ─▶ capture gain ─┬─▶ track sent to the far end     (setAudioCaptureVolume, mute by the
//   music (startPlayMusic) ─────┘                                  media adapter disabling that track)
//   far end ─▶ playout gain ─▶ track the <audio> element plays     (setAudioPlayoutVolume)
//
// It plugs into WebRtcMediaAdapter through two of its options, so the adapter (shared with `tccc`)
// stays as it is: `getUserMedia` (processCapture wraps what the browser returns) and
// `playbackStream` (processPlayback, for each call's remote audio).
//
// Web Audio may only start in a user gesture (autoplay policy). A context that cannot run would
// make the call silent, so then the raw microphone and the raw far end are used instead and
// `warn` says the volumes are not applied: a call without volume control beats a mute call.
import { renderHoldMelody } from '../HoldMusic';

type AudioContextCtor = new () => AudioContext;

interface CaptureChain {
  gain: GainNode;
  dest: MediaStreamAudioDestinationNode;
}

/** How long processCapture waits for a suspended context to start before giving up on it. */
const RESUME_WAIT_MS = 400;

export class AudioGraph {
  private _Ctx: AudioContextCtor | undefined;
  private _ctx: AudioContext | undefined;
  private _captureVolume = 100;
  private _playoutVolume = 100;
  private _captures = new Set<CaptureChain>();
  private _playouts = new Set<GainNode>();
  private _music: { source: AudioBufferSourceNode; out: GainNode } | undefined;
  private _warn: (message: string) => void;
  private _remoteMeter: (() => number) | undefined;

  constructor(warn: (message: string) => void, AudioContextImpl?: AudioContextCtor) {
    this._warn = warn;
    this._Ctx = AudioContextImpl ?? (globalThis as { AudioContext?: AudioContextCtor }).AudioContext;
  }

  /** Creates or resumes the context; call it from the API calls a user gesture makes (call, answer). */
  unlock(): void {
    const ctx = this._context();
    if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  }

  get captureVolume(): number {
    return this._captureVolume;
  }

  get playoutVolume(): number {
    return this._playoutVolume;
  }

  setCaptureVolume(volume: number): void {
    this._captureVolume = volume;
    for (const c of this._captures) c.gain.gain.value = volume / 100;
  }

  setPlayoutVolume(volume: number): void {
    this._playoutVolume = volume;
    for (const g of this._playouts) g.gain.value = volume / 100;
  }

  /**
   * The stream a call sends: the microphone through the capture gain, with the music mixed in while
   * it plays. Stopping its audio track releases the microphone (the adapter stops tracks at the end).
   */
  async processCapture(stream: MediaStream): Promise<MediaStream> {
    const raw = stream.getAudioTracks()[0];
    const ctx = raw ? await this._running() : undefined;
    if (!raw || !ctx) return stream;
    const source = ctx.createMediaStreamSource(new MediaStream([raw]));
    const gain = ctx.createGain();
    gain.gain.value = this._captureVolume / 100;
    const dest = ctx.createMediaStreamDestination();
    source.connect(gain).connect(dest);
    const chain: CaptureChain = { gain, dest };
    this._captures.add(chain);
    this._music?.out.connect(dest);
    const sent = dest.stream.getAudioTracks()[0];
    // The adapter stops the track it was given; that must release the real microphone too.
    const stop = sent.stop.bind(sent);
    sent.stop = () => {
      stop();
      raw.stop();
      source.disconnect();
      gain.disconnect();
      this._music?.out.disconnect(dest);
      this._captures.delete(chain);
    };
    return new MediaStream([sent, ...stream.getVideoTracks()]);
  }

  /** The far end's audio through the playout gain, for one call; release() when the call ends. */
  processPlayback(remote: MediaStream): { stream: MediaStream; release(): void } {
    const ctx = this._ctx;
    if (!ctx || ctx.state !== 'running' || remote.getAudioTracks().length === 0) {
      if (this._playoutVolume !== 100) this._warn('the playout volume cannot be applied: Web Audio is not running');
      return { stream: remote, release: () => undefined };
    }
    // Chromium feeds a remote WebRTC stream into Web Audio only while a media element also plays it
    // (crbug.com/933677): a muted element keeps it flowing.
    const keepAlive = typeof Audio === 'function' ? new Audio() : undefined;
    if (keepAlive) {
      keepAlive.muted = true;
      keepAlive.srcObject = remote;
      void keepAlive.play().catch(() => undefined);
    }
    const source = ctx.createMediaStreamSource(remote);
    const gain = ctx.createGain();
    gain.gain.value = this._playoutVolume / 100;
    const dest = ctx.createMediaStreamDestination();
    source.connect(gain).connect(dest);
    this._playouts.add(gain);
    // The far end's level before the playout gain, for onAudioVolume: Chromium's inbound-rtp
    // audioLevel stays 0 while the call plays through Web Audio rather than an element.
    const meter = ctx.createAnalyser();
    meter.fftSize = 1024;
    source.connect(meter);
    const samples = new Float32Array(meter.fftSize);
    this._remoteMeter = () => {
      meter.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const v of samples) peak = Math.max(peak, Math.abs(v));
      return peak;
    };
    return {
      stream: dest.stream,
      release: () => {
        this._remoteMeter = undefined;
        meter.disconnect();
        source.disconnect();
        gain.disconnect();
        this._playouts.delete(gain);
        dest.stream.getTracks().forEach((t) => t.stop());
        if (keepAlive) {
          keepAlive.pause();
          keepAlive.srcObject = null;
        }
      },
    };
  }

  /** The far end's current peak level (0..1) while a call plays through the graph, else undefined. */
  remoteLevel(): number | undefined {
    return this._remoteMeter?.();
  }

  /**
   * Mixes music into what every call sends (and every call set up while it plays): the file at
   * `url` (any format the browser decodes), or the built-in melody of music on hold. Rejects when
   * Web Audio cannot run or the file cannot be fetched or decoded.
   */
  async startMusic(url: string | undefined, loop: boolean): Promise<void> {
    const ctx = await this._running();
    if (!ctx) throw new Error('Web Audio is not running (the page needs a user gesture first)');
    let buffer: AudioBuffer;
    if (url) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      buffer = await ctx.decodeAudioData(await res.arrayBuffer());
    } else {
      buffer = renderHoldMelody(ctx);
    }
    this.stopMusic();
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.loop = loop;
    const out = ctx.createGain();
    source.connect(out);
    for (const c of this._captures) out.connect(c.dest);
    source.onended = () => {
      if (this._music?.source === source) this.stopMusic();
    };
    source.start();
    this._music = { source, out };
  }

  stopMusic(): void {
    const music = this._music;
    if (!music) return;
    this._music = undefined;
    try {
      music.source.stop();
    } catch {
      /* already ended */
    }
    music.source.disconnect();
    music.out.disconnect();
  }

  get musicPlaying(): boolean {
    return this._music !== undefined;
  }

  close(): void {
    this.stopMusic();
    this._captures.clear();
    this._playouts.clear();
    const ctx = this._ctx;
    this._ctx = undefined;
    if (ctx) void ctx.close().catch(() => undefined);
  }

  private _context(): AudioContext | undefined {
    if (!this._ctx && this._Ctx) {
      try {
        this._ctx = new this._Ctx();
      } catch {
        return undefined;
      }
    }
    return this._ctx;
  }

  /** The context once it runs, or undefined (with a warning) if it will not start. */
  private async _running(): Promise<AudioContext | undefined> {
    const ctx = this._context();
    if (!ctx) {
      this._warn('this browser has no Web Audio: volumes and music are not applied');
      return undefined;
    }
    if (ctx.state !== 'running') {
      await Promise.race([
        ctx.resume().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, RESUME_WAIT_MS)),
      ]);
    }
    if ((ctx.state as string) === 'running') return ctx;
    this._warn('Web Audio may not start before a user gesture: volumes and music are not applied to this call');
    return undefined;
  }
}
