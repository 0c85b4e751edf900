// SPDX-License-Identifier: Apache-2.0
// The binary frames of /ws/media as the SDK writes and reads them (docs/protocol.md, "Media over
// the WebSocket"): one frame per message, big-endian. What the server sends comes off the network:
// parseServerFrame() checks every length and type and names anything it refuses instead of
// throwing, so a hostile or broken peer can only get its frames dropped and counted.

export const FRAME_AUDIO = 1;
export const FRAME_PING = 2;
export const FRAME_PONG = 3;
export const FRAME_REPORT = 4;
export const FRAME_EVENT = 5;

/** type, u16 seq, u32 timestamp. */
const MEDIA_HEADER = 7;
/** RFC 6716 3.2.1: the largest Opus packet of one frame. */
export const MAX_OPUS_BYTES = 1275;
/** RFC 4733 2.3: event, E/R/volume, u16 duration. */
export const EVENT_BYTES = 4;

/** A frame the server sent, as far as it could be read. */
export type ServerFrame =
  | { type: 'audio'; seq: number; timestamp: number; payload: Uint8Array }
  | { type: 'event'; seq: number; timestamp: number; payload: Uint8Array }
  | { type: 'pong'; id: number }
  | {
      type: 'report';
      /** RFC 3550 fraction lost, 0..255 (of 256). */
      fractionLost: number;
      cumulativeLost: number;
      /** Interarrival jitter in 48 kHz timestamp units. */
      jitter: number;
      packetsReceived: number;
    }
  | { type: 'invalid'; why: string };

const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u32 = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function mediaFrame(type: number, seq: number, timestamp: number, payload: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(MEDIA_HEADER + length);
  out[0] = type;
  out[1] = (seq >>> 8) & 0xff;
  out[2] = seq & 0xff;
  put32(out, 3, timestamp >>> 0);
  for (let i = 0; i < length; i++) out[MEDIA_HEADER + i] = payload[i];
  return out;
}

/** An audio frame of the first `length` bytes of `opus` (1..1275, checked by the caller's encoder). */
export function audioFrame(seq: number, timestamp: number, opus: Uint8Array, length = opus.length): Uint8Array {
  if (length < 1 || length > MAX_OPUS_BYTES || length > opus.length) throw new RangeError(`bad Opus length ${length}`);
  return mediaFrame(FRAME_AUDIO, seq, timestamp, opus, length);
}

/** A telephone-event frame: RFC 4733 `event` (0-15), `end` bit, `volume` (0-63, -dBm0) and duration in samples. */
export function eventFrame(
  seq: number,
  timestamp: number,
  event: { code: number; end: boolean; volume: number; duration: number },
): Uint8Array {
  const p = new Uint8Array(EVENT_BYTES);
  p[0] = event.code & 0xff;
  p[1] = (event.end ? 0x80 : 0) | (event.volume & 0x3f);
  p[2] = (event.duration >>> 8) & 0xff;
  p[3] = event.duration & 0xff;
  return mediaFrame(FRAME_EVENT, seq, timestamp, p, EVENT_BYTES);
}

export function pingFrame(id: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = FRAME_PING;
  put32(out, 1, id >>> 0);
  return out;
}

/** Reads one message from the server. Never throws; a text message or anything malformed is `invalid`. */
export function parseServerFrame(data: unknown): ServerFrame {
  if (!(data instanceof ArrayBuffer)) return { type: 'invalid', why: 'not a binary message' };
  const b = new Uint8Array(data);
  if (b.length === 0) return { type: 'invalid', why: 'empty' };
  switch (b[0]) {
    case FRAME_AUDIO:
    case FRAME_EVENT: {
      const audio = b[0] === FRAME_AUDIO;
      const size = b.length - MEDIA_HEADER;
      if (size < 1) return { type: 'invalid', why: 'short media frame' };
      if (audio ? size > MAX_OPUS_BYTES : size !== EVENT_BYTES)
        return { type: 'invalid', why: audio ? 'Opus packet too long' : 'event is not 4 bytes' };
      return {
        type: audio ? 'audio' : 'event',
        seq: u16(b, 1),
        timestamp: u32(b, 3),
        // A copy: the jitter buffer keeps payloads, and the message's buffer is not ours to keep.
        payload: b.slice(MEDIA_HEADER),
      };
    }
    case FRAME_PONG:
      return b.length === 5 ? { type: 'pong', id: u32(b, 1) } : { type: 'invalid', why: 'pong is not 5 bytes' };
    case FRAME_REPORT:
      if (b.length !== 14) return { type: 'invalid', why: 'report is not 14 bytes' };
      return {
        type: 'report',
        fractionLost: b[1],
        cumulativeLost: u32(b, 2),
        jitter: u32(b, 6),
        packetsReceived: u32(b, 10),
      };
    default:
      return { type: 'invalid', why: `unknown type ${b[0]}` };
  }
}
