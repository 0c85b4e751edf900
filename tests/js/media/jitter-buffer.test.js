// SPDX-License-Identifier: Apache-2.0
// The WebSocket media path's jitter buffer (js/src/media/JitterBuffer.ts) over scripted arrival
// sequences: which frame each 20 ms pull plays, and the figures it reports. A packet's payload is
// its sequence number (2 bytes), so the play-out log names packets.
const { loadTs } = require('../helpers/tsModule');

const { JitterBuffer } = loadTs('js/src/media/JitterBuffer.ts');

const FRAME = 960;
const payloadOf = (seq) => new Uint8Array([seq & 0xff, seq >> 8]);
const seqOf = (payload) => payload[0] | (payload[1] << 8);

/** A steady sender: packets `from`..`to` (u16 wrap applied), one per 20 ms from `startMs`,
 *  timestamps 960 apart from `ts0` (u32 wrap applied). */
function stream(from, to, { startMs = 0, ts0 = 0, seq0 = from } = {}) {
  const out = [];
  for (let i = from; i <= to; i++) {
    out.push({ seq: i & 0xffff, ts: (ts0 + (i - seq0) * FRAME) >>> 0, at: startMs + (i - from) * 20 });
  }
  return out;
}

/**
 * Pushes every packet at its arrival time and pulls every 20 ms from `pullFromMs` to `untilMs`.
 * Returns the log, one entry per pull: `f<seq>` a frame, `x<seq>` FEC from packet seq (rebuilding
 * the one before it), `c:<reason>` concealment, `-` idle. Packets arriving at the same time as a
 * pull are pushed before it.
 */
function simulate(packets, { untilMs, pullFromMs = 0, options, jb = new JitterBuffer(options), results = [] }) {
  const queue = packets.map((p, i) => ({ ...p, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const log = [];
  let next = 0;
  for (let t = pullFromMs; t <= untilMs; t += 20) {
    while (next < queue.length && queue[next].at <= t) {
      const p = queue[next++];
      results.push(jb.push(p.seq, p.ts, p.payload ?? payloadOf(p.seq), p.at));
    }
    const r = jb.pull(t);
    if (r.kind === 'frame') log.push(`f${seqOf(r.payload)}`);
    else if (r.kind === 'fec') log.push(`x${seqOf(r.payload)}`);
    else if (r.kind === 'conceal') log.push(`c:${r.reason}`);
    else log.push('-');
  }
  return { log, jb, results, stats: jb.stats() };
}

/** The packets played in order, FEC-rebuilt ones included (x<n> rebuilds n-1). */
const played = (log) =>
  log.filter((e) => /^[fx]/.test(e)).map((e) => (e[0] === 'f' ? Number(e.slice(1)) : Number(e.slice(1)) - 1));

const without = (packets, ...seqs) => packets.filter((p) => !seqs.includes(p.seq));
const moved = (packets, seq, at) => packets.map((p) => (p.seq === seq ? { ...p, at } : p));

describe('JitterBuffer play-out', () => {
  test.each([
    ['in order, no jitter', stream(0, 49), { concealed: 0, recoveredByFec: 0, late: 0, lost: 0 }, 50],
    ['two packets swapped within the delay', moved(stream(0, 49), 10, 225), { concealed: 0, late: 0, lost: 0 }, 50],
    [
      'a lost packet rebuilt by FEC from the next one',
      without(stream(0, 49), 20),
      { recoveredByFec: 1, concealed: 0, lost: 1 },
      50,
    ],
    [
      'two lost in a row: PLC, then FEC',
      without(stream(0, 49), 20, 21),
      { recoveredByFec: 1, concealed: 1, lost: 2 },
      50,
    ],
    // At a 40 ms delay the gap is first an underrun (nothing buffered: the position holds one
    // frame), then 23 arrives: 20 and 21 are concealed, 22 is rebuilt from it.
    [
      'three lost in a row: an underrun, PLC twice, then FEC',
      without(stream(0, 49), 20, 21, 22),
      { recoveredByFec: 1, concealed: 3, lost: 3 },
      51,
    ],
  ])('%s', (_name, packets, expected, frames) => {
    const { log, stats } = simulate(packets, { untilMs: 2000 });
    expect(stats).toMatchObject(expected);
    // Every sequence number is played (or rebuilt) exactly once, in order, except the concealed;
    // the last column counts played + concealed frames (an underrun conceals one more).
    const seqs = played(log);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.length + stats.concealed).toBe(frames);
    // It waits for the initial target delay (60 ms: three frames) before the first frame.
    expect(log.slice(0, 2)).toEqual(['-', '-']);
    expect(log[2]).toBe('f0');
  });

  test('a lost frame plays as FEC from the packet after it, then that packet as usual', () => {
    const { log } = simulate(without(stream(0, 30), 12), { untilMs: 800 });
    const i = log.indexOf('x13');
    expect(log.slice(i - 1, i + 2)).toEqual(['f11', 'x13', 'f13']);
  });

  test('a packet that comes after its frame was rebuilt is late: dropped and counted', () => {
    const { log, stats, results } = simulate(moved(stream(0, 40), 15, 15 * 20 + 200), { untilMs: 1200 });
    expect(log).toContain('x16');
    expect(log).not.toContain('f15');
    expect(stats).toMatchObject({ late: 1, lost: 0, recoveredByFec: 1 });
    expect(results.filter((r) => r === 'late')).toHaveLength(1);
  });

  test('a packet already played, sent again, is a duplicate, as is one still buffered', () => {
    const packets = stream(0, 20);
    const { stats, results } = simulate(
      [...packets, { seq: 3, ts: 3 * FRAME, at: 300 }, { seq: 20, ts: 20 * FRAME, at: 400 }],
      {
        untilMs: 600,
      },
    );
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(2);
    expect(stats).toMatchObject({ duplicates: 2, late: 0, lost: 0, received: 21 });
  });

  test('the first packets reordered: play-out starts from the lowest', () => {
    const packets = [
      { seq: 101, ts: 101 * FRAME, at: 0 },
      { seq: 100, ts: 100 * FRAME, at: 5 },
      ...stream(102, 120, { startMs: 40, seq0: 0 }),
    ];
    const { log, stats } = simulate(packets, { untilMs: 600 });
    expect(played(log).slice(0, 4)).toEqual([100, 101, 102, 103]);
    expect(stats).toMatchObject({ lost: 0, late: 0, concealed: 0 });
  });

  test.each([
    ['sequence numbers', 65500, 0],
    ['timestamps', 65500, 0xffffffff - 30 * FRAME + 1],
    ['both at once', 65530, 0xffffffff - 5 * FRAME + 1],
  ])('%s wrap without a glitch', (_name, seq0, ts0) => {
    const packets = stream(seq0, seq0 + 80, { ts0 });
    const { log, stats } = simulate(packets, { untilMs: 2000 });
    expect(played(log)).toEqual(packets.map((p) => p.seq).filter((s) => played(log).includes(s)));
    expect(played(log).length).toBe(81);
    expect(stats).toMatchObject({ lost: 0, late: 0, concealed: 0, resyncs: 0, lossPercent: 0 });
  });

  test('a loss across the sequence wrap is rebuilt by FEC and counted once', () => {
    const packets = without(stream(65530, 65545), 0);
    const { log, stats } = simulate(packets, { untilMs: 600 });
    expect(log).toContain('x1');
    expect(stats).toMatchObject({ lost: 1, recoveredByFec: 1 });
    expect(stats.lossPercent).toBeCloseTo(100 / 16, 5);
  });
});

describe('JitterBuffer DTX and stalls', () => {
  // Ten frames of speech, a pause of 20 frames (the sender sends nothing and does not count them),
  // then speech again: the next sequence number with a timestamp 21 frames later.
  const dtx = [...stream(0, 9), ...stream(10, 29, { startMs: 30 * 20, ts0: 30 * FRAME, seq0: 10 })];

  test('a DTX pause is played as comfort noise and is not loss', () => {
    const { log, stats } = simulate(dtx, { untilMs: 2000 });
    expect(played(log)).toEqual([...Array(30).keys()]);
    expect(stats).toMatchObject({ lost: 0, lossPercent: 0, concealed: 0, late: 0, recoveredByFec: 0 });
    expect(log).not.toContain('c:loss');
    // The talk spurt after the pause waits for the target delay again, under comfort noise.
    const resume = log.indexOf('f10');
    expect(log.slice(resume - 2, resume)).toEqual(['c:dtx', 'c:dtx']);
  });

  test('a short DTX gap inside the buffered audio keeps the timeline: comfort noise for the gap', () => {
    const packets = [...stream(0, 9), ...stream(10, 29, { startMs: 10 * 20 + 40, ts0: 12 * FRAME, seq0: 10 })];
    const { log, stats } = simulate(packets, { untilMs: 1500, options: { initialDelayMs: 120 } });
    const i = log.indexOf('f10');
    expect(log.slice(i - 3, i)).toEqual(['f9', 'c:dtx', 'c:dtx']);
    expect(stats).toMatchObject({ lost: 0, concealed: 0 });
  });

  test('a stall (a WebSocket held back 220 ms) loses nothing: the delay grows, then shrinks slowly', () => {
    // Packets 20..30 are delivered together at 620 ms instead of from 400 ms on.
    const packets = stream(0, 400).map((p) => (p.seq >= 20 && p.seq <= 30 ? { ...p, at: 620 } : p));
    const jb = new JitterBuffer();
    const first = simulate(packets, { untilMs: 760, jb });
    expect(first.stats).toMatchObject({ late: 0, lost: 0, recoveredByFec: 0 });
    expect(first.stats.concealed).toBeGreaterThan(0); // the underrun while nothing came
    expect(first.stats.delayMs).toBeGreaterThan(200);
    expect(first.stats.targetDelayMs).toBeGreaterThanOrEqual(240); // the stall's 220 ms of jitter
    // One second later the delay is still well above its start (one frame a second goes) ...
    const later = simulate(
      packets.filter((p) => p.at > 760),
      { pullFromMs: 780, untilMs: 1800, jb },
    );
    expect(later.stats.delayMs).toBeGreaterThan(150);
    const seqs = [...played(first.log), ...played(later.log)];
    expect(seqs.slice(0, 40)).toEqual([...Array(40).keys()]);
    // ... and eight seconds on, it has shrunk (frames skipped), still without loss or late packets.
    const end = simulate(
      packets.filter((p) => p.at > 1800),
      { pullFromMs: 1820, untilMs: 8000, jb },
    );
    expect(end.stats.skipped).toBeGreaterThan(3);
    expect(end.stats.delayMs).toBeLessThan(first.stats.delayMs);
    expect(end.stats).toMatchObject({ late: 0, lost: 0 });
  });

  test('more than maxDelayMs arriving at once is cut to the target at the next pull', () => {
    const packets = stream(0, 200).map((p) => (p.seq >= 20 && p.seq < 80 ? { ...p, at: 80 * 20 } : p));
    const jb = new JitterBuffer({ maxDelayMs: 300 });
    const { stats } = simulate(packets, { untilMs: 80 * 20, jb });
    expect(stats.skipped).toBeGreaterThan(0);
    expect(stats.delayMs).toBeLessThanOrEqual(300);
  });
});

describe('JitterBuffer target delay', () => {
  // Every 10th packet 80-100 ms late for the first 5 s, then a clean stream.
  const jittery = stream(0, 1999).map((p) =>
    p.seq < 250 && p.seq % 10 === 5 ? { ...p, at: p.at + 80 + (p.seq % 3) * 10 } : p,
  );

  test('grows at once under jitter, shrinks slowly after, stays within its bounds', () => {
    const jb = new JitterBuffer();
    simulate(jittery.slice(0, 6), { untilMs: 200, jb });
    expect(jb.stats().targetDelayMs).toBeGreaterThanOrEqual(100); // after the first late packet
    simulate(
      jittery.filter((p) => p.at > 200 && p.at <= 5300),
      { pullFromMs: 220, untilMs: 5300, jb },
    );
    const high = jb.stats().targetDelayMs;
    expect(high).toBeGreaterThanOrEqual(120);
    expect(high).toBeLessThanOrEqual(300);
    simulate(
      jittery.filter((p) => p.at > 5300 && p.at <= 6300),
      { pullFromMs: 5320, untilMs: 6300, jb },
    );
    expect(jb.stats().targetDelayMs).toBeGreaterThan(60); // a second later: still up
    simulate(
      jittery.filter((p) => p.at > 6300),
      { pullFromMs: 6320, untilMs: 40000, jb },
    );
    expect(jb.stats().targetDelayMs).toBe(40); // back to the floor
    expect(jb.stats().late).toBeLessThanOrEqual(2);
  });

  test.each([
    [{}, 40, 300],
    [{ minDelayMs: 80, maxDelayMs: 200 }, 80, 200],
  ])('jitter of seconds is capped at maxDelayMs (%j)', (options, min, max) => {
    const packets = stream(0, 300).map((p) => (p.seq % 50 === 25 ? { ...p, at: p.at + 2000 } : p));
    const { jb } = simulate(packets, { untilMs: 6000, options });
    expect(jb.stats().targetDelayMs).toBeLessThanOrEqual(max);
    expect(jb.stats().targetDelayMs).toBeGreaterThanOrEqual(min);
    expect(jb.stats().delayMs).toBeLessThanOrEqual(max);
  });

  test('interarrival jitter follows RFC 3550: 0 for a clean stream, about the swing otherwise', () => {
    expect(simulate(stream(0, 100), { untilMs: 2100 }).stats.jitterMs).toBe(0);
    // Alternately 0 and 10 ms late: |D| is 10 ms every packet, so J converges to 10.
    const swing = stream(0, 300).map((p) => (p.seq % 2 ? { ...p, at: p.at + 10 } : p));
    expect(simulate(swing, { untilMs: 6100 }).stats.jitterMs).toBeCloseTo(10, 1);
  });
});

describe('JitterBuffer against hostile input', () => {
  test.each([
    ['a negative sequence number', -1, 0, payloadOf(1)],
    ['a sequence number over 16 bits', 65536, 0, payloadOf(1)],
    ['a fractional sequence number', 1.5, 0, payloadOf(1)],
    ['NaN as the sequence number', NaN, 0, payloadOf(1)],
    ['a string as the sequence number', '3', 0, payloadOf(1)],
    ['a negative timestamp', 1, -960, payloadOf(1)],
    ['a timestamp over 32 bits', 1, 2 ** 32, payloadOf(1)],
    ['an empty payload', 1, 0, new Uint8Array(0)],
    ['a payload over 1,275 bytes', 1, 0, new Uint8Array(1276)],
    ['a payload that is not bytes', 1, 0, [1, 2, 3]],
    ['no payload', 1, 0, null],
  ])('%s is refused and counted', (_name, seq, ts, payload) => {
    const jb = new JitterBuffer();
    expect(jb.push(seq, ts, payload, 0)).toBe('invalid');
    expect(jb.stats()).toMatchObject({ invalid: 1, received: 0, bufferedPackets: 0 });
    expect(jb.pull(20).kind).toBe('idle');
  });

  test('a clock that is not a number throws TypeError (a programming error, not the network)', () => {
    const jb = new JitterBuffer();
    expect(() => jb.push(1, 0, payloadOf(1), NaN)).toThrow(TypeError);
    expect(() => jb.pull(Infinity)).toThrow(TypeError);
  });

  test.each([
    [{ minDelayMs: 5 }],
    [{ maxDelayMs: NaN }],
    [{ minDelayMs: 200, maxDelayMs: 100 }],
    [{ shrinkIntervalMs: -1 }],
  ])('bad options %j throw TypeError', (options) => {
    expect(() => new JitterBuffer(options)).toThrow(TypeError);
  });

  test('a jump in the sequence numbers starts over instead of concealing the gap', () => {
    const packets = [...stream(0, 20), ...stream(30000, 30040, { startMs: 420, ts0: 5_000_000, seq0: 30000 })];
    const { log, stats } = simulate(packets, { untilMs: 1500 });
    expect(stats.resyncs).toBe(1);
    expect(stats.lost).toBe(0);
    expect(played(log)).toContain(30040);
    expect(log.filter((e) => e === 'c:loss')).toHaveLength(0);
  });

  test.each([
    ['a jump of more than half the u16 space (it unwraps as far behind)', 40000],
    ['a jump back to numbers already received (in the duplicate history)', 1010],
    ['a jump back to numbers never seen', 0],
  ])('a sender that starts over with other numbers, %s, is followed after five packets', (_name, seq0) => {
    const packets = [...stream(1000, 1100), ...stream(seq0, seq0 + 100, { startMs: 101 * 20, ts0: 777 * FRAME, seq0 })];
    const { log, stats, results } = simulate(packets, { untilMs: 5000 });
    expect(stats.resyncs).toBe(1);
    // Four dropped (late, or duplicates of old numbers) while it could still be a straggler, then
    // the new stream plays, none of it taken for a duplicate.
    const dropped = results.slice(101).filter((r) => r !== 'accepted');
    expect(dropped).toHaveLength(4);
    expect(results.slice(105).every((r) => r === 'accepted')).toBe(true);
    expect(played(log)).toEqual(expect.arrayContaining([seq0 + 4, seq0 + 50, seq0 + 100]));
    expect(stats.lost).toBe(0);
  });

  test('a single straggler from far behind is late, not a restart', () => {
    const packets = [...stream(0, 100), { seq: 3, ts: 3 * FRAME, at: 1000 }, { seq: 60, ts: 60 * FRAME, at: 1900 }];
    const { stats } = simulate(
      packets.filter((p, i) => !(p.seq === 60 && i === 60)),
      { untilMs: 2500 },
    );
    expect(stats.resyncs).toBe(0);
    expect(stats.late + stats.duplicates).toBe(2);
  });

  test('a flood of random packets keeps memory bounded and never throws', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const jb = new JitterBuffer();
    const payload = new Uint8Array(10);
    let maxBuffered = 0;
    for (let i = 0; i < 20000; i++) {
      const t = i * 2;
      jb.push(Math.floor(rnd() * 65536), Math.floor(rnd() * 2 ** 32), payload, t);
      if (i % 10 === 0) {
        const r = jb.pull(t);
        expect(['frame', 'fec', 'conceal', 'idle']).toContain(r.kind);
      }
      maxBuffered = Math.max(maxBuffered, jb.stats().bufferedPackets);
    }
    // The capacity: twice maxDelayMs of frames plus a few (38 for 300 ms).
    expect(maxBuffered).toBeLessThanOrEqual(38);
    const s = jb.stats();
    expect(Number.isFinite(s.jitterMs) && Number.isFinite(s.delayMs) && Number.isFinite(s.lossPercent)).toBe(true);
    expect(s.targetDelayMs).toBeLessThanOrEqual(300);
  });

  test('timestamps that jump wildly within a steady sequence: never stuck, delay bounded', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const packets = stream(0, 300).map((p) => ({ ...p, ts: Math.floor(rnd() * 2 ** 32) }));
    const { log, stats } = simulate(packets, { untilMs: 8000 });
    // Many are skipped (each looks like hours of delay), but the stream is not stuck.
    expect(played(log).length).toBeGreaterThan(50);
    expect(played(log).length + stats.skipped + stats.concealed).toBeGreaterThanOrEqual(300);
    expect(stats.delayMs).toBeLessThanOrEqual(300);
  });
});
