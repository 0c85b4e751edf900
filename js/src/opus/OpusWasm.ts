// SPDX-License-Identifier: Apache-2.0
// The Opus codec of the WebSocket media path: libopus 1.3.1 in tccc-opus.wasm (src/opus/TcccOpus.h,
// docs/opus.md). The module imports nothing and is instantiated synchronously, so this file runs
// the same in Node (tests, bench) and in an AudioWorkletGlobalScope, which has neither the DOM nor
// fetch: the page compiles the wasm (WebAssembly.compile) and posts the WebAssembly.Module to the
// worklet, which calls OpusWasm.instantiate(module). encode() and decode() copy into and out of
// buffers fixed in the wasm heap and into arrays the caller owns: a 20 ms frame allocates nothing.

/** Samples in one 20 ms frame at 48 kHz mono: the only frame size the wire carries. */
export const OPUS_FRAME_SAMPLES = 960;
/** The largest Opus packet of one frame (RFC 6716 3.2.1). */
export const OPUS_MAX_PACKET = 1275;

/** Encoder settings; every field may be changed later with OpusEncoder.configure(). */
export interface OpusEncoderOptions {
  /** 0 (cheapest) .. 10 (best); default DEFAULT_OPUS_COMPLEXITY. */
  complexity?: number;
  /** Target bit rate in bit/s, 6000 .. 510000; default 32000 (wideband speech with room for FEC). */
  bitrate?: number;
  /** Expected packet loss in percent, 0 .. 100: how much in-band FEC the encoder spends; default 10. */
  expectedLossPercent?: number;
}

/**
 * The complexity the SDK encodes with unless told otherwise: 9, as WebRTC's Opus encoder on
 * desktops. About 0.45 ms of CPU per 20 ms frame here, about opusscript's speed (bench/opus.mjs,
 * docs/opus.md); the adapter may go lower on a machine whose audio thread overruns.
 */
export const DEFAULT_OPUS_COMPLEXITY = 9;

/** libopus's error codes, and ours (src/opus/TcccOpus.h). */
const ERROR_TEXT: Record<number, string> = {
  [-1]: 'bad argument',
  [-2]: 'buffer too small',
  [-3]: 'internal error',
  [-4]: 'invalid packet',
  [-5]: 'unimplemented',
  [-6]: 'invalid state',
  [-7]: 'out of memory',
  [-100]: 'packet is not one 20 ms frame',
  [-101]: 'packet length out of range',
};

/** A refused packet or setting, or an exhausted heap; `code` is the negative number from the wasm. */
export class OpusError extends Error {
  readonly code: number;
  constructor(code: number, context: string) {
    super(`Opus ${context}: ${ERROR_TEXT[code] ?? 'error'} (${code})`);
    this.name = 'OpusError';
    this.code = code;
    Object.setPrototypeOf(this, OpusError.prototype);
  }
}

/** The C exports of tccc-opus.wasm; pointers are byte offsets into its memory. */
interface OpusExports {
  memory: WebAssembly.Memory;
  ['_initialize']?: () => void;
  tccc_opus_encoder_create(complexity: number, bitrate: number, lossPercent: number): number;
  tccc_opus_encoder_configure(enc: number, complexity: number, bitrate: number, lossPercent: number): number;
  tccc_opus_encoder_input(enc: number): number;
  tccc_opus_encoder_output(enc: number): number;
  tccc_opus_encode(enc: number): number;
  tccc_opus_encoder_destroy(enc: number): void;
  tccc_opus_decoder_create(): number;
  tccc_opus_decoder_input(dec: number): number;
  tccc_opus_decoder_output(dec: number): number;
  tccc_opus_decode(dec: number, packetBytes: number, fec: number): number;
  tccc_opus_decoder_destroy(dec: number): void;
}

/** One instance of the module: its own heap, any number of encoders and decoders in it. */
export class OpusWasm {
  private readonly _exports: OpusExports;

  private constructor(exports: OpusExports) {
    this._exports = exports;
  }

  /**
   * Instantiates the module synchronously: from a compiled WebAssembly.Module (what a worklet is
   * handed) or from the .wasm bytes (Node; a browser's main thread refuses to compile large modules
   * synchronously, so compile there with WebAssembly.compile first).
   */
  static instantiate(source: WebAssembly.Module | ArrayBuffer | ArrayBufferView): OpusWasm {
    const module =
      source instanceof WebAssembly.Module
        ? source
        : new WebAssembly.Module(
            (ArrayBuffer.isView(source)
              ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
              : new Uint8Array(source)) as Uint8Array<ArrayBuffer>,
          );
    const instance = new WebAssembly.Instance(module, {});
    const exports = instance.exports as unknown as OpusExports;
    if (typeof exports.tccc_opus_encode !== 'function' || !(exports.memory instanceof WebAssembly.Memory))
      throw new TypeError('not the tccc Opus module');
    // A standalone (reactor) module sets up its stack and runs its static constructors here,
    // once. Quoted: the browser bundles mangle `._x` members (scripts/build-js.mjs).
    exports['_initialize']?.();
    return new OpusWasm(exports);
  }

  /** A 48 kHz mono VOIP encoder, 20 ms frames, in-band FEC and DTX on. */
  createEncoder(options: OpusEncoderOptions = {}): OpusEncoder {
    return new OpusEncoder(this._exports, options);
  }

  createDecoder(): OpusDecoder {
    return new OpusDecoder(this._exports);
  }
}

const setting = (value: number | undefined, fallback: number, name: string, min: number, max: number): number => {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new TypeError(`${name} must be an integer in ${min}..${max}`);
  return v;
};

export class OpusEncoder {
  private _wasm: OpusExports | null;
  private readonly _handle: number;
  private readonly _input: Float32Array;
  private readonly _output: Uint8Array;
  private _settings: Required<OpusEncoderOptions>;

  /** @internal use OpusWasm.createEncoder() */
  constructor(wasm: OpusExports, options: OpusEncoderOptions) {
    this._settings = OpusEncoder._check(options, {
      complexity: DEFAULT_OPUS_COMPLEXITY,
      bitrate: 32000,
      expectedLossPercent: 10,
    });
    const { complexity, bitrate, expectedLossPercent } = this._settings;
    const handle = wasm.tccc_opus_encoder_create(complexity, bitrate, expectedLossPercent);
    if (!handle) throw new OpusError(-7, 'encoder');
    this._wasm = wasm;
    this._handle = handle;
    // The heap never grows (a fixed-size module), so these views stay valid for the encoder's life.
    this._input = new Float32Array(wasm.memory.buffer, wasm.tccc_opus_encoder_input(handle), OPUS_FRAME_SAMPLES);
    this._output = new Uint8Array(wasm.memory.buffer, wasm.tccc_opus_encoder_output(handle), OPUS_MAX_PACKET);
  }

  private static _check(options: OpusEncoderOptions, base: Required<OpusEncoderOptions>): Required<OpusEncoderOptions> {
    return {
      complexity: setting(options.complexity, base.complexity, 'complexity', 0, 10),
      bitrate: setting(options.bitrate, base.bitrate, 'bitrate', 6000, 510000),
      expectedLossPercent: setting(
        options.expectedLossPercent,
        base.expectedLossPercent,
        'expectedLossPercent',
        0,
        100,
      ),
    };
  }

  /** The settings in force. */
  get settings(): Readonly<Required<OpusEncoderOptions>> {
    return this._settings;
  }

  /** Changes some settings from the next frame on (e.g. more FEC when the far end reports loss). */
  configure(options: OpusEncoderOptions): void {
    const wasm = this._live();
    const next = OpusEncoder._check(options, this._settings);
    const err = wasm.tccc_opus_encoder_configure(this._handle, next.complexity, next.bitrate, next.expectedLossPercent);
    if (err < 0) throw new OpusError(err, 'configure');
    this._settings = next;
  }

  /**
   * Encodes one 20 ms frame (960 samples in [-1, 1]) into `packet` (room for OPUS_MAX_PACKET bytes
   * is always enough) and returns the packet's length. In a DTX pause the length is 1 or 2 bytes
   * (a comfort-noise update or nothing new): those need not be sent.
   */
  encode(pcm: Float32Array, packet: Uint8Array): number {
    const wasm = this._live();
    if (pcm.length !== OPUS_FRAME_SAMPLES) throw new TypeError(`a frame is ${OPUS_FRAME_SAMPLES} samples`);
    this._input.set(pcm);
    const n = wasm.tccc_opus_encode(this._handle);
    if (n < 0) throw new OpusError(n, 'encode');
    if (n > packet.length) throw new RangeError(`the packet needs ${n} bytes, the array has ${packet.length}`);
    // A loop, not set(subarray()): no view object per frame.
    const output = this._output;
    for (let i = 0; i < n; i++) packet[i] = output[i];
    return n;
  }

  /** Frees the encoder's memory in the wasm heap; any later call throws. Idempotent. */
  destroy(): void {
    if (!this._wasm) return;
    this._wasm.tccc_opus_encoder_destroy(this._handle);
    this._wasm = null;
  }

  private _live(): OpusExports {
    if (!this._wasm) throw new Error('Opus encoder destroyed');
    return this._wasm;
  }
}

export class OpusDecoder {
  private _wasm: OpusExports | null;
  private readonly _handle: number;
  private readonly _input: Uint8Array;
  private readonly _output: Float32Array;

  /** @internal use OpusWasm.createDecoder() */
  constructor(wasm: OpusExports) {
    const handle = wasm.tccc_opus_decoder_create();
    if (!handle) throw new OpusError(-7, 'decoder');
    this._wasm = wasm;
    this._handle = handle;
    this._input = new Uint8Array(wasm.memory.buffer, wasm.tccc_opus_decoder_input(handle), OPUS_MAX_PACKET);
    this._output = new Float32Array(wasm.memory.buffer, wasm.tccc_opus_decoder_output(handle), OPUS_FRAME_SAMPLES);
  }

  /** Decodes a packet of one 20 ms frame into `pcm` (960 samples); returns 960. Throws OpusError
   *  for a packet that is empty, over 1,275 bytes, malformed, or longer than 20 ms. */
  decode(packet: Uint8Array, pcm: Float32Array): number {
    return this._run(packet, pcm, 0);
  }

  /** The frame BEFORE `nextPacket` was lost: rebuilds it from the in-band FEC data `nextPacket`
   *  carries (concealment when it carries none). Decode `nextPacket` itself afterwards as usual. */
  decodeFec(nextPacket: Uint8Array, pcm: Float32Array): number {
    return this._run(nextPacket, pcm, 1);
  }

  /** A frame is missing and nothing can rebuild it: packet-loss concealment (PLC). */
  conceal(pcm: Float32Array): number {
    return this._run(null, pcm, 0);
  }

  /** Frees the decoder's memory in the wasm heap; any later call throws. Idempotent. */
  destroy(): void {
    if (!this._wasm) return;
    this._wasm.tccc_opus_decoder_destroy(this._handle);
    this._wasm = null;
  }

  private _run(packet: Uint8Array | null, pcm: Float32Array, fec: number): number {
    const wasm = this._wasm;
    if (!wasm) throw new Error('Opus decoder destroyed');
    if (pcm.length < OPUS_FRAME_SAMPLES) throw new TypeError(`the output needs ${OPUS_FRAME_SAMPLES} samples`);
    let bytes = 0;
    if (packet) {
      bytes = packet.length;
      // Checked here before anything is copied: the input buffer holds one packet of at most 1,275 bytes.
      if (bytes < 1 || bytes > OPUS_MAX_PACKET) throw new OpusError(-101, 'decode');
      this._input.set(packet);
    }
    const n = wasm.tccc_opus_decode(this._handle, bytes, fec);
    if (n < 0) throw new OpusError(n, 'decode');
    // Always a whole frame (the wasm refuses any other length), so the whole buffer is copied.
    pcm.set(this._output);
    return n;
  }
}
