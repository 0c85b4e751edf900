// SPDX-License-Identifier: Apache-2.0
// The AudioWorklet processor of the WebSocket audio leg, as source text: the leg adds it as a module
// after dist/tccc-opus.js (which registers OpusWasm and JitterBuffer in the worklet's global scope).
// It is a string rather than compiled TypeScript because it runs in another global scope: a bundled
// function would drag the bundle's helpers along and the minifier's renaming with it.
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

/** The name the processor registers under. */
export const WS_AUDIO_PROCESSOR = 'tccc-ws-audio';

export const WS_AUDIO_PROCESSOR_SOURCE = `
const opusApi = globalThis[Symbol.for('tccc.opus')];
class TcccWsAudio extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Float32Array(960);
    this.fill = 0;
    this.packet = new Uint8Array(1275);
    this.out = new Float32Array(960);
    this.outPos = 960;
    this.frames = 0;
    this.sending = true;
    this.silent = false;
    this.playing = true;
    this.agentPeak = 0;
    this.remotePeak = 0;
    this.port.onmessage = (e) => this.command(e.data);
  }
  command(m) {
    if (!m || typeof m !== 'object') return;
    if (m.t === 'init') {
      try {
        const opus = opusApi.OpusWasm.instantiate(m.module);
        this.enc = opus.createEncoder({ complexity: m.complexity });
        this.dec = opus.createDecoder();
        this.jb = new opusApi.JitterBuffer({});
        this.port.postMessage({ t: 'ready' });
      } catch (err) {
        this.port.postMessage({ t: 'error', message: String(err && err.message || err) });
      }
    } else if (m.t === 'packet' && this.jb && m.bytes instanceof Uint8Array) {
      this.jb.push(m.seq, m.ts, m.bytes, currentTime * 1000);
    } else if (m.t === 'send') {
      this.sending = !!m.on;
      this.silent = !!m.silent;
    } else if (m.t === 'play') {
      this.playing = !!m.on;
    }
  }
  process(inputs, outputs) {
    if (!this.enc) return true;
    const input = inputs[0] && inputs[0][0];
    const quantum = outputs[0] && outputs[0][0] ? outputs[0][0].length : 128;
    for (let i = 0; i < quantum; i++) {
      this.frame[this.fill++] = input ? input[i] : 0;
      if (this.fill === 960) { this.fill = 0; this.encodeFrame(); }
    }
    const out = outputs[0];
    if (out && out[0]) {
      const ch = out[0];
      for (let i = 0; i < ch.length; i++) {
        if (this.outPos === 960) this.decodeFrame();
        ch[i] = this.out[this.outPos++];
      }
      for (let c = 1; c < out.length; c++) out[c].set(ch);
    }
    return true;
  }
  encodeFrame() {
    const ts = (this.frames * 960) >>> 0;
    this.frames++;
    if (this.sending) {
      if (this.silent) this.frame.fill(0);
      let peak = 0;
      for (let i = 0; i < 960; i++) { const v = Math.abs(this.frame[i]); if (v > peak) peak = v; }
      if (peak > this.agentPeak) this.agentPeak = peak;
      let n = 0;
      try { n = this.enc.encode(this.frame, this.packet); } catch (err) { n = 0; }
      // 1 or 2 bytes: a DTX pause with nothing new to say.
      if (n > 2 || (n > 0 && this.silent)) this.port.postMessage({ t: 'packet', ts, bytes: this.packet.slice(0, n) });
    }
    if (this.frames % 10 === 0) {
      this.port.postMessage({ t: 'levels', agent: this.agentPeak, remote: this.remotePeak, stats: this.jb.stats() });
      this.agentPeak = 0;
      this.remotePeak = 0;
    }
  }
  decodeFrame() {
    this.outPos = 0;
    const p = this.jb.pull(currentTime * 1000);
    try {
      if (p.kind === 'frame') this.dec.decode(p.payload, this.out);
      else if (p.kind === 'fec') this.dec.decodeFec(p.payload, this.out);
      else if (p.kind === 'conceal') this.dec.conceal(this.out);
      else this.out.fill(0);
    } catch (err) {
      this.out.fill(0); // a packet the decoder refuses: one frame of silence, never a dead thread
    }
    let peak = 0;
    for (let i = 0; i < 960; i++) { const v = Math.abs(this.out[i]); if (v > peak) peak = v; }
    if (peak > this.remotePeak) this.remotePeak = peak;
    if (!this.playing) this.out.fill(0);
  }
}
registerProcessor('${WS_AUDIO_PROCESSOR}', TcccWsAudio);
`;
