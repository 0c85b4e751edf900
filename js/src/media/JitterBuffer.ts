// SPDX-License-Identifier: Apache-2.0
// The receive side's jitter buffer of the WebSocket media path (docs/opus.md "Jitter buffer"):
// Opus packets go in as they arrive (u16 sequence number, u32 48 kHz timestamp), and the player
// pulls one 20 ms frame every 20 ms of its audio clock and is told what to play: a packet to
// decode, a packet whose in-band FEC rebuilds a lost frame, or concealment.
// Pure: no timers, no clock of its own (every call is given the time), no decoding.
//
// The rules, in the order pull() applies them:
// - The sequence number orders packets; the timestamp only tells a pause from a loss. A sender in
//   DTX sends nothing during silence and does not count the frames it skips, so the next packet
//   has the next sequence number and a later timestamp: that gap is played as comfort noise and is
//   not loss. A missing sequence number is loss.
// - A lost frame is rebuilt from the next packet's FEC when that packet is here, else concealed.
// - When nothing is buffered the play-out position holds (an underrun: the frame is concealed and
//   the delay grows by 20 ms). Over a WebSocket, packets are late rather than lost, so a stall
//   adds delay at once; the packets it held back then play, none is dropped.
// - A packet that arrives after its frame was played or concealed is late: dropped and counted.
// - The target delay follows the measured jitter: at once upwards, over seconds downwards. Extra
//   delay is removed one frame per second (a frame skipped; at once above maxDelayMs), and a new
//   talk spurt after a pause starts after the target delay.

/** Samples of one frame: 20 ms at 48 kHz. */
const FRAME_TS = 960;
const FRAME_MS = 20;
const TS_PER_MS = 48;
/** The largest Opus packet of one frame (RFC 6716 3.2.1). */
const MAX_PACKET = 1275;
/** How many recent sequence numbers are remembered to tell a duplicate from a late packet. */
const HISTORY = 1024;
/** The jitter peak decays towards new samples by 1/256 a packet: about 5 s at 50 packets/s. */
const PEAK_DECAY = 1 / 256;
/** The minimum transit time is taken over two windows of this many packets (follows clock drift). */
const BASE_WINDOW = 500;
/** Packets in sequence far behind the play-out position that make the buffer follow them. */
const RESTART_RUN = 5;

export interface JitterBufferOptions {
  /** Lower bound of the target delay in ms (default 40). */
  minDelayMs?: number;
  /** Upper bound of the target delay, and of the delay ever held, in ms (default 300). */
  maxDelayMs?: number;
  /** Target delay before any jitter is measured, in ms (default 60). */
  initialDelayMs?: number;
  /** At most one frame is skipped to shrink the delay per this many ms (default 1000). */
  shrinkIntervalMs?: number;
}

/** What to play for the next 20 ms. The object is reused: read it before the next pull(). */
export interface JitterPull {
  /**
   * - `frame`: decode `payload`.
   * - `fec`: the frame was lost; decode it from `payload`'s in-band FEC (OpusDecoder.decodeFec).
   *   `payload` is the next packet, which a later pull returns as a `frame`.
   * - `conceal`: nothing to decode; let the decoder conceal (OpusDecoder.conceal: PLC, or comfort
   *   noise after a DTX packet). `reason` says why.
   * - `idle`: nothing received yet: play silence.
   */
  kind: 'frame' | 'fec' | 'conceal' | 'idle';
  /** `loss`: the packet is missing; `underrun`: nothing is buffered (a stall, or a pause not yet
   *  known as one); `dtx`: the sender paused (or a talk spurt waits for its delay). */
  reason: 'loss' | 'underrun' | 'dtx' | null;
  payload: Uint8Array | null;
}

/** What push() did with a packet. */
export type JitterPushResult = 'accepted' | 'duplicate' | 'late' | 'invalid';

/** The figures behind networkQuality. */
export interface JitterStats {
  /** Distinct packets received (late ones included). */
  received: number;
  /** Packets never received, by sequence number (RFC 3550 "cumulative lost", never negative). */
  lost: number;
  /** lost / expected, in percent. */
  lossPercent: number;
  /** RFC 3550 interarrival jitter, in ms. */
  jitterMs: number;
  /** Packets that came after their frame was played or concealed, dropped. */
  late: number;
  duplicates: number;
  /** Packets refused: a bad sequence number, timestamp or payload. */
  invalid: number;
  /** Frames played by concealment for a lost packet or an underrun (not DTX pauses). */
  concealed: number;
  /** Lost frames rebuilt from the next packet's FEC. */
  recoveredByFec: number;
  /** Frames skipped to shrink the delay. */
  skipped: number;
  /** Times the buffer started over (a jump in the sequence numbers too large to be loss). */
  resyncs: number;
  targetDelayMs: number;
  /** Audio buffered ahead of the play-out position now, in ms. */
  delayMs: number;
  /** Packets held now (never more than the capacity fixed by maxDelayMs). */
  bufferedPackets: number;
}

const isU16 = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffff;
const isU32 = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff;
/** a - b for u32 timestamps, as a signed 32-bit difference (wraps). */
const tsDiff = (a: number, b: number): number => (a - b) | 0;

export class JitterBuffer {
  private readonly _minDelay: number;
  private readonly _maxDelay: number;
  private readonly _shrinkInterval: number;
  /** Slots indexed by extended sequence number modulo capacity; a slot is free when its seq is -1. */
  private readonly _capacity: number;
  private readonly _slotSeq: Float64Array;
  private readonly _slotTs: Float64Array;
  private readonly _slotPayload: Array<Uint8Array | null>;
  private _count = 0;
  /** Extended sequence numbers (u16 unwrapped) of every packet ever seen, for duplicates. */
  private readonly _history = new Float64Array(HISTORY).fill(-1);

  private _started = false; // any packet received
  private _playing = false; // false while a talk spurt waits for the target delay
  private _playedAny = false;
  private _bufferingSince = 0; // ms: arrival of the first packet of the waiting talk spurt
  private _nextSeq = 0; // extended sequence number of the next packet to play
  private _playTs = 0; // u32 timestamp of the next frame to play
  private _highestSeq = 0; // highest extended sequence number received
  private _firstSeq = 0;
  private _heldFrames = 0; // underrun frames not yet known as stall or pause
  private _restartSeq = -1; // the last packet far behind, and how many came in sequence there
  private _restartRun = 0;
  private _lastShrinkMs = -Infinity;

  // Delay estimation (ms): transit = arrival - timestamp; its minimum is the fastest path.
  private _baseMin = Infinity;
  private _basePrevMin = Infinity;
  private _baseCount = 0;
  private _peakJitter = 0;
  private _target: number;
  private _lastTransit = NaN;
  private _jitter = 0;
  private _extTsBase = 0; // extended timestamp of the highest packet (u32 unwrapped), in samples
  private _tsOfHighest = 0;

  private readonly _stats = {
    received: 0,
    late: 0,
    duplicates: 0,
    invalid: 0,
    concealed: 0,
    recoveredByFec: 0,
    skipped: 0,
    resyncs: 0,
  };
  private readonly _pull: JitterPull = { kind: 'idle', reason: null, payload: null };

  constructor(options: JitterBufferOptions = {}) {
    const ms = (v: number | undefined, fallback: number, name: string) => {
      const x = v ?? fallback;
      if (!Number.isFinite(x) || x < FRAME_MS || x > 10000)
        throw new TypeError(`${name} must be in ${FRAME_MS}..10000 ms`);
      return x;
    };
    this._minDelay = ms(options.minDelayMs, 40, 'minDelayMs');
    this._maxDelay = ms(options.maxDelayMs, 300, 'maxDelayMs');
    if (this._maxDelay < this._minDelay) throw new TypeError('maxDelayMs must not be below minDelayMs');
    this._target = Math.min(this._maxDelay, Math.max(this._minDelay, ms(options.initialDelayMs, 60, 'initialDelayMs')));
    this._shrinkInterval = ms(options.shrinkIntervalMs, 1000, 'shrinkIntervalMs');
    // The initial delay decays like a measured peak: a clean stream brings it down over seconds.
    this._peakJitter = this._target - 2 * FRAME_MS;
    // Room for twice the largest delay: anything further ahead is a jump, not a late stream.
    this._capacity = Math.ceil((2 * this._maxDelay) / FRAME_MS) + 8;
    this._slotSeq = new Float64Array(this._capacity).fill(-1);
    this._slotTs = new Float64Array(this._capacity);
    this._slotPayload = new Array<Uint8Array | null>(this._capacity).fill(null);
  }

  /**
   * A packet arrived at `nowMs` (the caller's clock, ms). `payload` is kept as it is (not copied):
   * the caller must not reuse the array. Anything malformed is refused and counted, never thrown.
   */
  push(seq: number, timestamp: number, payload: Uint8Array, nowMs: number): JitterPushResult {
    checkClock(nowMs);
    if (
      !isU16(seq) ||
      !isU32(timestamp) ||
      !(payload instanceof Uint8Array) ||
      payload.length < 1 ||
      payload.length > MAX_PACKET
    ) {
      this._stats.invalid++;
      return 'invalid';
    }
    if (!this._started) {
      // Extended numbers start one cycle up, so that a reordered packet from before a wrap
      // (65535 after 0) still has a non-negative number.
      const ext = seq + 0x10000;
      this._started = true;
      this._nextSeq = this._highestSeq = this._firstSeq = ext;
      this._playTs = timestamp;
      this._extTsBase = timestamp;
      this._tsOfHighest = timestamp;
      this._bufferingSince = nowMs;
      return this._accept(ext, timestamp, payload, nowMs);
    }
    // Unwrap: the u16 closest to the highest number seen.
    const delta = ((seq - (this._highestSeq & 0xffff) + 0x8000) & 0xffff) - 0x8000;
    const ext = this._highestSeq + delta;
    if (this._nextSeq - ext > this._capacity) {
      // Far behind: a straggler, or a sender that started over with other numbers (a jump of more
      // than half the u16 space looks like this too). RFC 3550's probation, in short: after
      // RESTART_RUN packets in sequence there, follow them instead of dropping every one as late.
      this._restartRun = ext === this._restartSeq + 1 ? this._restartRun + 1 : 1;
      this._restartSeq = ext;
      if (this._restartRun >= RESTART_RUN) {
        this._restartRun = 0;
        this._resync(ext, timestamp, nowMs);
        return this._accept(ext, timestamp, payload, nowMs);
      }
    } else {
      this._restartRun = 0;
    }
    if (ext >= 0 && this._history[ext % HISTORY] === ext) {
      this._stats.duplicates++;
      return 'duplicate';
    }
    if (ext < this._nextSeq) {
      // Before the first frame is played a reordered earlier packet can still lead.
      if (!this._playedAny && !this._playing && ext >= this._nextSeq - this._capacity / 2 && ext >= 0) {
        this._nextSeq = ext;
        this._playTs = timestamp;
        if (ext < this._firstSeq) this._firstSeq = ext;
        return this._accept(ext, timestamp, payload, nowMs);
      }
      if (ext >= 0) this._remember(ext);
      this._stats.received++;
      this._stats.late++;
      // Its lateness is jitter all the same: the target delay must learn from it.
      this._measure(ext, timestamp, nowMs);
      return 'late';
    }
    if (ext - this._nextSeq >= this._capacity) {
      // Far beyond anything the buffer could hold: the stream jumped (a new source, or a sender
      // gone wrong). Start over from this packet rather than conceal thousands of frames.
      this._resync(ext, timestamp, nowMs);
      return this._accept(ext, timestamp, payload, nowMs);
    }
    // A talk spurt after a pause: nothing buffered, the next number, a later timestamp (or the
    // first packet after a long underrun). It plays after the target delay, which is where the
    // delay shrinks or grows for free.
    if (this._count === 0 && ext === this._nextSeq && this._playing && tsDiff(timestamp, this._playTs) > 0) {
      this._heldFrames = 0; // they were a pause, not a stall
      this._playing = false;
      this._playTs = timestamp;
      this._bufferingSince = nowMs;
    }
    return this._accept(ext, timestamp, payload, nowMs);
  }

  /** The next 20 ms to play, at `nowMs` (the player's clock, called every 20 ms of audio). */
  pull(nowMs: number): JitterPull {
    checkClock(nowMs);
    const out = this._pull;
    out.payload = null;
    out.reason = null;
    if (!this._started) {
      out.kind = 'idle';
      return out;
    }
    if (!this._playing) {
      if (this._count > 0 && (this._delayMs() >= this._target || nowMs - this._bufferingSince >= this._target)) {
        this._playing = true;
      } else {
        out.kind = this._playedAny ? 'conceal' : 'idle';
        if (this._playedAny) out.reason = 'dtx';
        return out;
      }
    }
    this._shrink(nowMs);
    if (this._count === 0) {
      // Underrun: hold the position. Whether it was a stall or a pause is known at the next packet.
      this._heldFrames++;
      out.kind = 'conceal';
      out.reason = 'underrun';
      return out;
    }
    if (this._heldFrames > 0) {
      this._stats.concealed += this._heldFrames; // packets came back without a new talk spurt: a stall
      this._heldFrames = 0;
    }
    this._playedAny = true;
    const slot = this._slot(this._nextSeq);
    if (slot >= 0) {
      const ts = this._slotTs[slot];
      const gap = tsDiff(ts, this._playTs);
      if (gap > 0 && gap <= this._maxDelay * TS_PER_MS) {
        // The sender skipped frames (DTX) before this packet: comfort noise until its time. (A
        // real gap here is at most the delay buffered; a longer one is a timestamp gone wrong,
        // and the packet plays now.)
        this._playTs = (this._playTs + FRAME_TS) >>> 0;
        out.kind = 'conceal';
        out.reason = 'dtx';
        return out;
      }
      out.kind = 'frame';
      out.payload = this._take(slot);
      this._nextSeq++;
      this._playTs = (ts + FRAME_TS) >>> 0;
      return out;
    }
    // The packet is missing while later ones are here: lost (or so late it will be dropped).
    this._stats.concealed++;
    const next = this._slot(this._nextSeq + 1);
    this._nextSeq++;
    this._playTs = (this._playTs + FRAME_TS) >>> 0;
    if (next >= 0 && tsDiff(this._slotTs[next], this._playTs) === 0) {
      this._stats.concealed--;
      this._stats.recoveredByFec++;
      out.kind = 'fec';
      out.payload = this._slotPayload[next];
      return out;
    }
    out.kind = 'conceal';
    out.reason = 'loss';
    return out;
  }

  /** A snapshot of the figures (allocates: for networkQuality, not every frame). */
  stats(): JitterStats {
    const expected = this._started ? this._highestSeq - this._firstSeq + 1 : 0;
    const lost = Math.max(0, expected - this._stats.received);
    return {
      ...this._stats,
      lost,
      lossPercent: expected > 0 ? (100 * lost) / expected : 0,
      jitterMs: this._jitter,
      targetDelayMs: this._target,
      delayMs: this._delayMs(),
      bufferedPackets: this._count,
    };
  }

  private _accept(ext: number, timestamp: number, payload: Uint8Array, nowMs: number): JitterPushResult {
    this._remember(ext);
    this._stats.received++;
    const slot = ext % this._capacity;
    this._slotSeq[slot] = ext;
    this._slotTs[slot] = timestamp;
    this._slotPayload[slot] = payload;
    this._count++;
    this._measure(ext, timestamp, nowMs);
    return 'accepted';
  }

  /** Jitter and target delay from one packet's transit time. */
  private _measure(ext: number, timestamp: number, nowMs: number): void {
    if (ext >= this._highestSeq) {
      this._extTsBase += tsDiff(timestamp, this._tsOfHighest);
      this._tsOfHighest = timestamp;
      this._highestSeq = ext;
    }
    // Timestamps of packets other than the highest are placed relative to it.
    const extTs = this._extTsBase + tsDiff(timestamp, this._tsOfHighest);
    const transit = nowMs - extTs / TS_PER_MS;
    if (!Number.isNaN(this._lastTransit)) {
      const d = Math.abs(transit - this._lastTransit);
      this._jitter += (d - this._jitter) / 16; // RFC 3550 A.8
    }
    this._lastTransit = transit;
    if (transit < this._baseMin) this._baseMin = transit;
    if (++this._baseCount >= BASE_WINDOW) {
      this._basePrevMin = this._baseMin;
      this._baseMin = transit;
      this._baseCount = 0;
    }
    const late = transit - Math.min(this._baseMin, this._basePrevMin);
    this._peakJitter = late > this._peakJitter ? late : this._peakJitter + (late - this._peakJitter) * PEAK_DECAY;
    // The frame must be here a frame before it plays, with a frame of margin for the pull phase.
    // (1 ms of tolerance: the decaying peak only approaches a value, it never reaches it.)
    const wanted = Math.ceil((this._peakJitter + 2 * FRAME_MS - 1) / FRAME_MS) * FRAME_MS;
    this._target = Math.min(this._maxDelay, Math.max(this._minDelay, wanted));
  }

  /** Removes extra delay: at once down to the target above maxDelayMs, else a frame per interval. */
  private _shrink(nowMs: number): void {
    if (this._delayMs() > this._maxDelay) {
      // Bounded even when a hostile timestamp makes the delay look like hours.
      for (let i = 0; i < this._capacity && this._count > 1 && this._delayMs() > this._target; i++) this._skipOne(true);
      this._lastShrinkMs = nowMs;
      return;
    }
    if (
      this._count > 1 &&
      this._delayMs() >= this._target + 2 * FRAME_MS &&
      nowMs - this._lastShrinkMs >= this._shrinkInterval
    ) {
      this._skipOne(false);
      this._lastShrinkMs = nowMs;
    }
  }

  /** Drops the frame at the play-out position; a DTX gap goes first (cheaper than a packet), by
   *  one frame or, when `wholeGap`, all of it. */
  private _skipOne(wholeGap: boolean): void {
    const slot = this._slot(this._nextSeq);
    if (slot >= 0 && tsDiff(this._slotTs[slot], this._playTs) > 0) {
      this._playTs = wholeGap ? this._slotTs[slot] : (this._playTs + FRAME_TS) >>> 0;
      return;
    }
    this._stats.skipped++;
    if (slot >= 0) this._take(slot);
    this._nextSeq++;
    this._playTs = (this._playTs + FRAME_TS) >>> 0;
  }

  private _resync(ext: number, timestamp: number, nowMs: number): void {
    this._stats.resyncs++;
    for (let i = 0; i < this._capacity; i++) {
      this._slotSeq[i] = -1;
      this._slotPayload[i] = null;
    }
    this._count = 0;
    // After a jump back, the old numbers would read as duplicates of the new ones.
    this._history.fill(-1);
    // Loss is counted from the new position on: the jump (either way) is not loss.
    this._firstSeq += ext - this._highestSeq - 1;
    this._nextSeq = this._highestSeq = ext;
    this._playTs = this._tsOfHighest = timestamp;
    this._heldFrames = 0;
    this._playing = false;
    this._bufferingSince = nowMs;
    this._lastTransit = NaN;
    this._baseMin = this._basePrevMin = Infinity;
    this._baseCount = 0;
    this._peakJitter = 0;
  }

  /** The slot holding extended sequence number `ext`, or -1. */
  private _slot(ext: number): number {
    const slot = ext % this._capacity;
    return this._slotSeq[slot] === ext ? slot : -1;
  }

  private _take(slot: number): Uint8Array {
    const payload = this._slotPayload[slot]!;
    this._slotSeq[slot] = -1;
    this._slotPayload[slot] = null;
    this._count--;
    return payload;
  }

  private _remember(ext: number): void {
    this._history[ext % HISTORY] = ext;
  }

  /** Audio buffered ahead of the play-out position: from it to the end of the newest packet. */
  private _delayMs(): number {
    if (this._count === 0) return 0;
    const slot = this._slot(this._highestSeq);
    if (slot < 0) return 0;
    return Math.max(0, tsDiff(this._slotTs[slot], this._playTs) + FRAME_TS) / TS_PER_MS;
  }
}

function checkClock(nowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new TypeError('the clock must be a finite number of ms');
}
