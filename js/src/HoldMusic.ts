// SPDX-License-Identifier: Apache-2.0
// Music on hold: a MediaStreamTrack the media adapter sends instead of the microphone while a call is
// held (RTCRtpSender.replaceTrack, so no renegotiation and it works with any far end). The built-in
// music is a short, calm melody synthesised here (no download, no licence question); an integrator
// may give `holdMusicUrl` (any format the browser decodes) and it loops instead. If that file cannot
// be fetched or decoded, the built-in melody plays and a warning says why: a held customer must
// never hear dead air.

/** The built-in melody's notes (Hz) in order: C5 E5 G5 A5 G5 E5 D5 E5, all well above a speaking
 *  voice's fundamental, so tests (and the curious) can tell the music from the agent's voice. */
export const HOLD_MELODY_HZ = [523.25, 659.25, 783.99, 880.0, 783.99, 659.25, 587.33, 659.25];
const NOTE_SECONDS = 0.45;
const GAIN = 0.25;

type AudioContextCtor = new (options?: AudioContextOptions) => AudioContext;

/** Renders the melody once into a loopable buffer: a sine with a soft octave partial and a gentle
 *  attack/release per note, so it is pleasant and has no clicks at the loop point. */
export function renderHoldMelody(ac: BaseAudioContext): AudioBuffer {
  const rate = ac.sampleRate;
  const perNote = Math.round(NOTE_SECONDS * rate);
  const buffer = ac.createBuffer(1, perNote * HOLD_MELODY_HZ.length, rate);
  const out = buffer.getChannelData(0);
  const attack = Math.round(0.03 * rate);
  const release = Math.round(0.12 * rate);
  HOLD_MELODY_HZ.forEach((hz, n) => {
    const base = n * perNote;
    for (let i = 0; i < perNote; i++) {
      const t = i / rate;
      let env = 1;
      if (i < attack) env = i / attack;
      else if (i > perNote - release) env = Math.max(0, (perNote - i) / release);
      out[base + i] = (GAIN * env * (Math.sin(2 * Math.PI * hz * t) + 0.2 * Math.sin(4 * Math.PI * hz * t))) / 1.2;
    }
  });
  return buffer;
}

/** One looping music source, shared by every held call of the page. */
export class HoldMusic {
  private _url: string | undefined;
  private _ctx: AudioContext | undefined;
  private _dest: MediaStreamAudioDestinationNode | undefined;
  private _source: AudioBufferSourceNode | undefined;
  private _starting: Promise<MediaStreamTrack> | undefined;
  private _users = 0;
  private _Ctx: AudioContextCtor | undefined;

  constructor(url?: string, AudioContextImpl?: AudioContextCtor) {
    this._url = url || undefined;
    this._Ctx = AudioContextImpl ?? (globalThis as { AudioContext?: AudioContextCtor }).AudioContext;
  }

  /** A track playing the music; call release() once per acquire() when the hold ends. */
  async acquire(): Promise<MediaStreamTrack> {
    this._users++;
    if (!this._starting) this._starting = this._start();
    try {
      return await this._starting;
    } catch (err) {
      this._users--;
      this._starting = undefined;
      throw err;
    }
  }

  release(): void {
    if (this._users > 0) this._users--;
    if (this._users === 0) this._stop();
  }

  close(): void {
    this._users = 0;
    this._stop();
  }

  private async _start(): Promise<MediaStreamTrack> {
    if (!this._Ctx) throw new Error('this browser has no Web Audio (AudioContext): no music on hold');
    const ctx = new this._Ctx();
    this._ctx = ctx;
    // A context made outside a user gesture starts suspended; resume() is allowed right after the
    // agent's click on "hold", and harmless otherwise (the track then carries silence, not noise).
    void ctx.resume().catch(() => undefined);
    let buffer: AudioBuffer | undefined;
    if (this._url) {
      try {
        const res = await fetch(this._url);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        buffer = await ctx.decodeAudioData(await res.arrayBuffer());
      } catch (err) {
        console.warn(
          `[tccc] holdMusicUrl ${this._url} could not be played (${(err as Error)?.message ?? err}); ` +
            'using the built-in music on hold',
        );
      }
    }
    if (this._ctx !== ctx) throw new Error('music on hold stopped while it was starting');
    const source = ctx.createBufferSource();
    source.buffer = buffer ?? renderHoldMelody(ctx);
    source.loop = true;
    const dest = ctx.createMediaStreamDestination();
    source.connect(dest);
    source.start();
    this._source = source;
    this._dest = dest;
    return dest.stream.getAudioTracks()[0];
  }

  private _stop(): void {
    const ctx = this._ctx;
    this._ctx = undefined;
    this._starting = undefined;
    try {
      this._source?.stop();
    } catch {
      /* never started */
    }
    this._source = undefined;
    this._dest?.stream.getTracks().forEach((t) => t.stop());
    this._dest = undefined;
    if (ctx) void ctx.close().catch(() => undefined);
  }
}
