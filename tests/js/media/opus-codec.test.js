// SPDX-License-Identifier: Apache-2.0
// The Opus chunk (dist/tccc-opus.js + dist/tccc-opus.wasm, docs/opus.md) through the real wasm, on
// real speech (espeak-ng, resampled to 48 kHz by sox): what survives encoding, what FEC rebuilds,
// what DTX costs, and what bad packets get. Build first: scripts/build.sh wasm && scripts/build.sh js.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');
const { speech, FRAME } = require('../helpers/speech');

const ROOT = join(__dirname, '../../..');
const CHUNK_JS = join(ROOT, 'dist/tccc-opus.js');
const CHUNK_WASM = join(ROOT, 'dist/tccc-opus.wasm');

/** Runs the chunk's script in a fresh context that has only what an AudioWorkletGlobalScope has of
 *  use here (no document, no fetch, no require) and returns what it registered. */
function loadChunk() {
  const context = vm.createContext({
    WebAssembly,
    Symbol,
    Object,
    Math,
    Number,
    Array,
    Uint8Array,
    Float32Array,
    Float64Array,
    Error,
    TypeError,
    RangeError,
  });
  vm.runInContext(readFileSync(CHUNK_JS, 'utf8'), context);
  return vm.runInContext('globalThis[Symbol.for("tccc.opus")]', context);
}

const chunk = loadChunk();
const { OpusWasm, OpusError, OPUS_MAX_PACKET } = chunk;
// As a page does: compile once, hand the module over; the worklet instantiates synchronously.
const wasmModule = new WebAssembly.Module(readFileSync(CHUNK_WASM));
const opus = OpusWasm.instantiate(wasmModule);

const talk = speech('Thank you for calling. Could you please tell me your account number and your address?', {
  silenceBeforeMs: 200,
  silenceAfterMs: 2000,
});

/** Encodes every frame of `pcm`; returns the packets (copies). */
function encodeAll(pcm, options) {
  const enc = opus.createEncoder(options);
  const packet = new Uint8Array(OPUS_MAX_PACKET);
  const packets = [];
  for (let f = 0; f < pcm.length / FRAME; f++) {
    const n = enc.encode(pcm.subarray(f * FRAME, (f + 1) * FRAME), packet);
    packets.push(packet.slice(0, n));
  }
  enc.destroy();
  return packets;
}

/** Decodes packets in order; `lost` frames are rebuilt with `repair` ('fec' from the next packet, or 'plc'). */
function decodeAll(packets, { lost = new Set(), repair = 'plc' } = {}) {
  const dec = opus.createDecoder();
  const out = new Float32Array(packets.length * FRAME);
  const frame = new Float32Array(FRAME);
  packets.forEach((p, f) => {
    if (!lost.has(f)) dec.decode(p, frame);
    else if (repair === 'fec' && f + 1 < packets.length && !lost.has(f + 1)) dec.decodeFec(packets[f + 1], frame);
    else dec.conceal(frame);
    out.set(frame, f * FRAME);
  });
  dec.destroy();
  return out;
}

const energy = (x, from = 0, to = x.length) => {
  let e = 0;
  for (let i = from; i < to; i++) e += x[i] * x[i];
  return e;
};
const db = (ratio) => 10 * Math.log10(ratio);
// Opus delays its output by 6.5 ms (312 samples at 48 kHz): compare the input with the output shifted back.
const DELAY = 312;
const envelope = (x, shift) => {
  const env = [];
  for (let f = 0; (f + 1) * FRAME + shift <= x.length; f++)
    env.push(db(energy(x, f * FRAME + shift, (f + 1) * FRAME + shift) / FRAME + 1e-10));
  return env;
};
const correlation = (a, b) => {
  const n = Math.min(a.length, b.length);
  const ma = a.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const mb = b.slice(0, n).reduce((s, v) => s + v, 0) / n;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

describe('Opus chunk on real speech', () => {
  test('speech encoded and decoded keeps its energy and its envelope', () => {
    const packets = encodeAll(talk.pcm);
    const decoded = decodeAll(packets);
    const input = talk.pcm.subarray(0, decoded.length - DELAY);
    const output = decoded.subarray(DELAY);
    // Total energy within 1.5 dB, and loud and quiet 20 ms frames where they were.
    expect(Math.abs(db(energy(output) / energy(input)))).toBeLessThan(1.5);
    expect(correlation(envelope(input, 0), envelope(output, 0))).toBeGreaterThan(0.95);
    // Not the input passed through: 32 kbit/s is ~80 bytes a frame of speech.
    const speechBytes = packets.filter((p) => p.length > 2).map((p) => p.length);
    expect(speechBytes.reduce((s, n) => s + n, 0) / speechBytes.length).toBeLessThan(200);
  });

  test('a lost frame rebuilt by FEC from the next packet is closer to the original than PLC', () => {
    const packets = encodeAll(talk.pcm, { expectedLossPercent: 20 });
    const reference = decodeAll(packets);
    // Every 7th frame of speech (loud enough to matter) is lost, never two in a row.
    const lost = new Set();
    const ref = envelope(reference, 0);
    for (let f = 15; f < packets.length - 2; f += 7) if (ref[f] > -45) lost.add(f);
    expect(lost.size).toBeGreaterThan(10);
    const errorOf = (decoded) => {
      let err = 0,
        sig = 0;
      for (const f of lost) {
        for (let i = f * FRAME; i < (f + 1) * FRAME; i++) {
          err += (decoded[i] - reference[i]) ** 2;
          sig += reference[i] ** 2;
        }
      }
      return db(sig / err); // SNR against the lossless decode, dB
    };
    const fecSnr = errorOf(decodeAll(packets, { lost, repair: 'fec' }));
    const plcSnr = errorOf(decodeAll(packets, { lost, repair: 'plc' }));
    expect(fecSnr).toBeGreaterThan(plcSnr + 3);
  });

  test('DTX makes silence cheap: (almost) nothing to send while nobody speaks', () => {
    const packets = encodeAll(talk.pcm);
    const silenceFrames = packets.slice(-90); // the last 1.8 s are silence
    const sent = silenceFrames.filter((p) => p.length > 2);
    // A comfort-noise update every 400 ms at most; everything else is a 1-2 byte "nothing new".
    expect(sent.length).toBeLessThanOrEqual(silenceFrames.length / 10);
    const silentBytes = silenceFrames.reduce((s, p) => s + p.length, 0);
    const speechBytes = packets.slice(20, 110).reduce((s, p) => s + p.length, 0);
    expect(silentBytes * 10).toBeLessThan(speechBytes);
  });
});

describe('Opus chunk against bad input', () => {
  const frame = new Float32Array(FRAME);
  const good = encodeAll(talk.pcm.subarray(20 * FRAME, 22 * FRAME));

  test.each([
    ['an empty packet', new Uint8Array(0), -101],
    ['a packet one byte over 1,275', new Uint8Array(1276), -101],
    ['a 100 KB packet', new Uint8Array(100000), -101],
    ['a code-3 packet without its frame count', new Uint8Array([0x03]), -4],
    ['a code-3 packet of zero frames (no audio at all)', new Uint8Array([0x03, 0x00]), -100],
    ['a 40 ms SILK packet', new Uint8Array([0x10, 1, 2, 3]), -100],
    ['three 20 ms frames in one packet', new Uint8Array([0x0b, 0x03, 0, 0, 0]), -100],
  ])('%s is refused with OpusError, and the decoder goes on', (_name, packet, code) => {
    const dec = opus.createDecoder();
    let error;
    try {
      dec.decode(packet, frame);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OpusError);
    expect(error.code).toBe(code);
    expect(dec.decode(good[1], frame)).toBe(FRAME);
    dec.destroy();
  });

  test('ten thousand random packets: each decodes or is refused with OpusError, nothing else', () => {
    let seed = 99;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const dec = opus.createDecoder();
    let refused = 0;
    for (let i = 0; i < 10000; i++) {
      const packet = new Uint8Array(1 + Math.floor(rnd() * 300));
      for (let j = 0; j < packet.length; j++) packet[j] = Math.floor(rnd() * 256);
      try {
        expect(dec.decode(packet, frame)).toBe(FRAME);
        for (const x of frame) if (!Number.isFinite(x) || Math.abs(x) > 1) throw new Error(`sample ${x}`);
      } catch (e) {
        if (!(e instanceof OpusError)) throw e;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(dec.decode(good[0], frame)).toBe(FRAME);
    dec.destroy();
  });

  test('bad settings and frames throw TypeError; a destroyed codec throws', () => {
    expect(() => opus.createEncoder({ complexity: 11 })).toThrow(TypeError);
    expect(() => opus.createEncoder({ bitrate: 1000 })).toThrow(TypeError);
    expect(() => opus.createEncoder({ expectedLossPercent: 1.5 })).toThrow(TypeError);
    const enc = opus.createEncoder();
    expect(() => enc.encode(new Float32Array(480), new Uint8Array(OPUS_MAX_PACKET))).toThrow(TypeError);
    expect(() => enc.configure({ complexity: -1 })).toThrow(TypeError);
    enc.configure({ complexity: 2, expectedLossPercent: 30 });
    expect(enc.settings).toMatchObject({ complexity: 2, expectedLossPercent: 30 });
    enc.destroy();
    enc.destroy();
    expect(() => enc.encode(frame, new Uint8Array(OPUS_MAX_PACKET))).toThrow('destroyed');
    const dec = opus.createDecoder();
    expect(() => dec.decode(good[0], new Float32Array(100))).toThrow(TypeError);
    dec.destroy();
    expect(() => dec.conceal(frame)).toThrow('destroyed');
  });

  test('samples out of range or NaN are clipped, not undefined behaviour', () => {
    const enc = opus.createEncoder();
    const wild = new Float32Array(FRAME).map((_, i) => (i % 3 === 0 ? NaN : i % 3 === 1 ? 1e9 : -Infinity));
    expect(enc.encode(wild, new Uint8Array(OPUS_MAX_PACKET))).toBeGreaterThan(0);
    enc.destroy();
  });

  test('the heap is returned: a thousand encoders and decoders made and destroyed in turn', () => {
    // Without the frees, 1 MB of heap would run out after a few dozen.
    for (let i = 0; i < 1000; i++) {
      opus.createEncoder().destroy();
      opus.createDecoder().destroy();
    }
    const live = [];
    let error;
    try {
      for (let i = 0; i < 1000; i++) live.push(opus.createEncoder());
    } catch (e) {
      error = e;
    }
    // ... and when it does run out, that is an OpusError, not a crash.
    expect(error).toBeInstanceOf(OpusError);
    expect(error.code).toBe(-7);
    for (const e of live) e.destroy();
    opus.createEncoder().destroy();
  });
});

describe('Opus chunk loading', () => {
  test('the headless SDK carries none of it and never loads it', () => {
    expect(readFileSync(join(ROOT, 'dist/tccc.js'), 'utf8')).not.toMatch(/tccc-opus|tccc_opus_|tccc\.opus/);
    // The media chunk and the npm bundles name it (the WebSocket transport fetches it when a call
    // uses it) but do not carry the codec.
    for (const f of ['dist/index.cjs', 'dist/index.mjs', 'dist/tccc-media.js']) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      expect(text).not.toMatch(/tccc_opus_|OpusEncoder|instantiate\(source/);
    }
    const sdk = require(join(ROOT, 'dist/index.cjs'));
    expect(sdk).toBeDefined();
    expect(globalThis[Symbol.for('tccc.opus')]).toBeUndefined();
  });

  test('the chunk needs no DOM and no fetch: it ran above in a bare context and encodes there', () => {
    const enc = opus.createEncoder({ complexity: 0 });
    expect(enc.encode(talk.pcm.subarray(30 * FRAME, 31 * FRAME), new Uint8Array(OPUS_MAX_PACKET))).toBeGreaterThan(2);
    enc.destroy();
    expect(Object.keys(chunk)).toEqual(expect.arrayContaining(['OpusWasm', 'JitterBuffer', 'OpusError']));
  });

  test('the wasm imports nothing, so a worklet can instantiate it synchronously', () => {
    expect(WebAssembly.Module.imports(wasmModule)).toEqual([]);
    // Bytes work too (Node), as does a second, independent instance.
    const other = OpusWasm.instantiate(readFileSync(CHUNK_WASM));
    other.createDecoder().destroy();
    expect(() => OpusWasm.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).toThrow(TypeError);
  });
});
