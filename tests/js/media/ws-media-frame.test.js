// SPDX-License-Identifier: Apache-2.0
// The /ws/media frames as the SDK writes and reads them (js/src/media/WsMediaFrame.ts, docs/protocol.md
// "Media over the WebSocket"): byte layouts of what it sends, and what it makes of anything the
// server (or a hostile peer) sends, which must never throw.
const { loadTs } = require('../helpers/tsModule');

const { audioFrame, eventFrame, pingFrame, parseServerFrame } = loadTs('js/src/media/WsMediaFrame.ts');
const { dtmfCode, toneSteps } = loadTs('js/src/media/DtmfEvents.ts');

const bytes = (...b) => new Uint8Array(b).buffer;
const hex = (u8) => Buffer.from(u8).toString('hex');

describe('frames the SDK sends', () => {
  test.each([
    [
      'audio, seq and timestamp big-endian',
      () => audioFrame(0x1234, 0xdeadbeef, new Uint8Array([9, 8, 7])),
      '011234deadbeef090807',
    ],
    [
      'audio, only the first `length` bytes',
      () => audioFrame(1, 2, new Uint8Array([1, 2, 3, 4]), 2),
      '0100010000000201 02'.replace(' ', ''),
    ],
    ['audio, u16 and u32 wrap', () => audioFrame(0xffff, 0xffffffff, new Uint8Array([1])), '01ffffffffffff01'],
    [
      'telephone-event: code, end bit + volume, duration',
      () => eventFrame(7, 960, { code: 11, end: true, volume: 10, duration: 4800 }),
      '050007000003c00b8a12c0',
    ],
    [
      'telephone-event, not ended',
      () => eventFrame(7, 960, { code: 1, end: false, volume: 10, duration: 960 }),
      '050007000003c0010a03c0',
    ],
    ['ping', () => pingFrame(0x01020304), '0201020304'],
  ])('%s', (_name, make, expected) => {
    expect(hex(make())).toBe(expected);
  });

  test.each([[0], [1276], [5]])('an Opus length of %p out of range throws before anything is sent', (length) => {
    expect(() => audioFrame(1, 1, new Uint8Array(1276).subarray(0, 4), length)).toThrow(RangeError);
  });
});

describe('frames the server sends', () => {
  test.each([
    [
      'audio',
      bytes(1, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0xfc, 0xff),
      { type: 'audio', seq: 0x1234, timestamp: 0xdeadbeef, payload: new Uint8Array([0xfc, 0xff]) },
    ],
    [
      'telephone-event',
      bytes(5, 0, 1, 0, 0, 0, 2, 3, 0x8a, 0, 160),
      { type: 'event', seq: 1, timestamp: 2, payload: new Uint8Array([3, 0x8a, 0, 160]) },
    ],
    ['pong', bytes(3, 0, 0, 1, 0), { type: 'pong', id: 256 }],
    [
      'report',
      bytes(4, 51, 0, 0, 0, 9, 0, 0, 1, 0, 0, 0, 0x01, 0xf4),
      { type: 'report', fractionLost: 51, cumulativeLost: 9, jitter: 256, packetsReceived: 500 },
    ],
  ])('%s', (_name, data, expected) => {
    expect(parseServerFrame(data)).toEqual(expected);
  });

  test.each([
    ['a text message', 'hello', 'not a binary message'],
    ['a Blob-like object', { byteLength: 3 }, 'not a binary message'],
    ['nothing', bytes(), 'empty'],
    ['an unknown type', bytes(9, 0, 0, 0, 0), 'unknown type 9'],
    ['a ping (client-only)', bytes(2, 0, 0, 0, 1), 'unknown type 2'],
    ['a header without Opus', bytes(1, 0, 1, 0, 0, 0, 1), 'short media frame'],
    ['a short header', bytes(1, 0, 1), 'short media frame'],
    ['Opus over 1,275 bytes', new Uint8Array(7 + 1276).fill(1).buffer, 'Opus packet too long'],
    ['an event of 3 bytes', bytes(5, 0, 1, 0, 0, 0, 1, 1, 2, 3), 'event is not 4 bytes'],
    ['an event of 5 bytes', bytes(5, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4, 5), 'event is not 4 bytes'],
    ['a short pong', bytes(3, 0, 0, 1), 'pong is not 5 bytes'],
    ['a long report', new Uint8Array(15).fill(4).buffer, 'report is not 14 bytes'],
  ])('%s is invalid, not thrown', (_name, data, why) => {
    expect(parseServerFrame(data)).toEqual({ type: 'invalid', why });
  });

  test('the largest Opus packet is accepted, and its payload is a copy', () => {
    const data = new Uint8Array(7 + 1275).fill(2);
    data[0] = 1;
    const frame = parseServerFrame(data.buffer);
    expect(frame.type).toBe('audio');
    expect(frame.payload.length).toBe(1275);
    data[7] = 99;
    expect(frame.payload[0]).toBe(2);
  });

  test('random bytes never throw', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 5000; i++) {
      const b = new Uint8Array(Math.floor(rnd() * 40));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 7);
      expect(() => parseServerFrame(b.buffer)).not.toThrow();
    }
  });
});

describe('DTMF as RFC 4733 events', () => {
  test.each([
    ['0', 0],
    ['9', 9],
    ['*', 10],
    ['#', 11],
    ['A', 12],
    ['d', 15],
    ['E', undefined],
    ['12', undefined],
  ])('%p is event %p', (digit, code) => {
    expect(dtmfCode(digit)).toBe(code);
  });

  test.each([
    [100, [960, 1920, 2880, 3840, 'end 4800', 'end 4800', 'end 4800']],
    [20, ['end 960', 'end 960', 'end 960']],
    [0, ['end 960', 'end 960', 'end 960']],
  ])('a %p ms tone is sent as %p', (ms, expected) => {
    expect(toneSteps(ms).map((s) => (s.end ? `end ${s.duration}` : s.duration))).toEqual(expected);
  });
});
