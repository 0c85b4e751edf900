// SPDX-License-Identifier: Apache-2.0
// The AudioWorklet processor of the WebSocket audio leg. It is part of the Opus chunk
// (dist/tccc-opus.js): adding that one script to a call's AudioContext registers it, so the page's
// Content-Security-Policy only has to allow the SDK's own origin (a processor made from a blob: URL
// needs `script-src blob:`, which strict policies refuse).
//
// On the audio thread, every render quantum (128 samples at 48 kHz):
//   microphone -> 20 ms frames -> Opus (FEC, DTX) -> port {t:'packet', ts, bytes}   (main thread frames it)
//   port {t:'packet', seq, ts, bytes} -> JitterBuffer -> decode / FEC / PLC -> speaker
// and every 200 ms port {t:'levels', agent, remote, stats}: the peaks of what was sent and played,
// and the jitter buffer's figures (the meters and the one-way audio watch read them).
// Commands from the page: {t:'init', module}, {t:'send', on, silent} (hold: nothing is encoded and
// the timestamps run on, as in a DTX pause; mute: silence is encoded and every packet sent, DTX ones
// included, so the far end hears, and measures, silence rather than a stalled stream),
// {t:'play', on} (hold: the far end is not played).

import { JitterBuffer } from './JitterBuffer';
import { OpusWasm, type OpusDecoder, type OpusEncoder } from '../opus/OpusWasm';

/** The name the processor registers under. */
export const WS_AUDIO_PROCESSOR = 'tccc-ws-audio';

// The AudioWorkletGlobalScope's own names (lib.dom does not declare them).
interface WorkletProcessor {
  readonly port: MessagePort;
}
declare const AudioWorkletProcessor: { new (): WorkletProcessor };
declare function registerProcessor(name: string, processor: unknown): void;
declare const currentTime: number;

interface Command {
  t?: unknown;
  module?: unknown;
  complexity?: unknown;
  seq?: unknown;
  ts?: unknown;
  bytes?: unknown;
  on?: unknown;
  silent?: unknown;
}

const FRAME = 960; // 20 ms at 48 kHz

/** True in an AudioWorkletGlobalScope: the only place the processor can be registered. */
export function inAudioWorklet(): boolean {
  const scope = globalThis as Record<string, unknown>;
  return typeof scope['registerProcessor'] === 'function' && typeof scope['AudioWorkletProcessor'] === 'function';
}

function peakOf(pcm: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) {
    const v = Math.abs(pcm[i]);
    if (v > peak) peak = v;
  }
  return peak;
}

/** Registers the processor; call it only where inAudioWorklet() is true. */
export function registerWsAudioProcessor(): void {
  class TcccWsAudio extends AudioWorkletProcessor {
    private readonly frame = new Float32Array(FRAME);
    private fill = 0;
    private readonly packet = new Uint8Array(1275);
    private readonly out = new Float32Array(FRAME);
    private outPos = FRAME;
    private frames = 0;
    private sending = true;
    private silent = false;
    private playing = true;
    private agentPeak = 0;
    private remotePeak = 0;
    private enc: OpusEncoder | null = null;
    private dec: OpusDecoder | null = null;
    private jb: JitterBuffer | null = null;

    constructor() {
      super();
      this.port.onmessage = (e: MessageEvent) => this.command(e.data as Command);
    }

    private command(m: Command): void {
      if (!m || typeof m !== 'object') return;
      if (m.t === 'init') {
        try {
          const opus = OpusWasm.instantiate(m.module as WebAssembly.Module);
          this.enc = opus.createEncoder({ complexity: typeof m.complexity === 'number' ? m.complexity : undefined });
          this.dec = opus.createDecoder();
          this.jb = new JitterBuffer({});
          this.port.postMessage({ t: 'ready' });
        } catch (err) {
          this.port.postMessage({ t: 'error', message: String((err as Error)?.message ?? err) });
        }
      } else if (m.t === 'packet' && this.jb && m.bytes instanceof Uint8Array) {
        this.jb.push(Number(m.seq), Number(m.ts), m.bytes, currentTime * 1000);
      } else if (m.t === 'send') {
        this.sending = !!m.on;
        this.silent = !!m.silent;
      } else if (m.t === 'play') {
        this.playing = !!m.on;
      }
    }

    process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      if (!this.enc) return true;
      const input = inputs[0]?.[0];
      const out = outputs[0];
      const quantum = out?.[0] ? out[0].length : 128;
      for (let i = 0; i < quantum; i++) {
        this.frame[this.fill++] = input ? input[i] : 0;
        if (this.fill === FRAME) {
          this.fill = 0;
          this.encodeFrame();
        }
      }
      if (out?.[0]) {
        const ch = out[0];
        for (let i = 0; i < ch.length; i++) {
          if (this.outPos === FRAME) this.decodeFrame();
          ch[i] = this.out[this.outPos++];
        }
        for (let c = 1; c < out.length; c++) out[c].set(ch);
      }
      return true;
    }

    private encodeFrame(): void {
      const ts = (this.frames * FRAME) >>> 0;
      this.frames++;
      if (this.sending && this.enc) {
        if (this.silent) this.frame.fill(0);
        this.agentPeak = Math.max(this.agentPeak, peakOf(this.frame));
        let n: number;
        try {
          n = this.enc.encode(this.frame, this.packet);
        } catch {
          n = 0; // an encoder error loses this frame, never the audio thread
        }
        // 1 or 2 bytes: a DTX pause with nothing new to say (sent while muted: the far end measures
        // silence rather than a stalled stream).
        if (n > 2 || (n > 0 && this.silent)) this.port.postMessage({ t: 'packet', ts, bytes: this.packet.slice(0, n) });
      }
      if (this.frames % 10 === 0 && this.jb) {
        this.port.postMessage({ t: 'levels', agent: this.agentPeak, remote: this.remotePeak, stats: this.jb.stats() });
        this.agentPeak = 0;
        this.remotePeak = 0;
      }
    }

    private decodeFrame(): void {
      this.outPos = 0;
      if (!this.jb || !this.dec) {
        this.out.fill(0);
        return;
      }
      const p = this.jb.pull(currentTime * 1000);
      try {
        if (p.kind === 'frame' && p.payload) this.dec.decode(p.payload, this.out);
        else if (p.kind === 'fec' && p.payload) this.dec.decodeFec(p.payload, this.out);
        else if (p.kind === 'conceal') this.dec.conceal(this.out);
        else this.out.fill(0);
      } catch {
        this.out.fill(0); // a packet the decoder refuses: one frame of silence, never a dead thread
      }
      this.remotePeak = Math.max(this.remotePeak, peakOf(this.out));
      if (!this.playing) this.out.fill(0);
    }
  }
  registerProcessor(WS_AUDIO_PROCESSOR, TcccWsAudio);
}
