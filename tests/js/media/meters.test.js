// SPDX-License-Identifier: Apache-2.0
// CallMeters (js/src/media/CallMeters.ts) over a scripted source of figures, on Jest's clock: the
// volumes at every reading (300 ms), the quality every 7th (about 2 s) with the figures behind it,
// nothing read while nobody wants the figures, nothing reported of a connection that is down but
// its quality, and stop() stopping. The TCCC volume scale in a table.
const { loadTs } = require('../helpers/tsModule');

const { CallMeters, volumeOf } = loadTs('js/src/media/CallMeters.ts');

test.each([
  [undefined, 0],
  [NaN, 0],
  [-0.5, 0],
  [0, 0],
  [0.004, 0],
  [0.005, 1],
  [0.25, 25],
  [0.999, 100],
  [1, 100],
  [3, 100], // a level over full scale is clipped
])('volumeOf(%p) = %i', (level, volume) => {
  expect(volumeOf(level)).toBe(volume);
});

// A source that plays back `script`, one reading per read() (the last one repeats).
function scripted(script) {
  const source = {
    reads: 0,
    async read() {
      const s = script[Math.min(source.reads, script.length - 1)];
      source.reads++;
      return typeof s === 'function' ? s() : s;
    },
  };
  return source;
}

function run(source, options) {
  const out = [];
  const meters = new CallMeters(
    source,
    {
      volume: (agent, remote) => out.push(['volume', agent, remote]),
      quality: (report) => out.push(['quality', report]),
    },
    options,
  );
  return { meters, out };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

// Speech from the agent on even readings, from the far end on odd ones; 50 packets per reading
// of which the far end's link loses `lost(i)`.
const call = (lost = () => 0) => {
  let received = 0;
  let lostTotal = 0;
  let i = 0;
  return () => {
    const l = lost(i);
    received += 50 - l;
    lostTotal += l;
    const even = i++ % 2 === 0;
    return {
      connected: true,
      agentLevel: even ? 0.6 : 0,
      remoteLevel: even ? 0 : 0.3,
      packetsReceived: received,
      packetsLost: lostTotal,
      jitterMs: 3,
      rttMs: 2,
    };
  };
};

test('volumes at every reading, quality every 7th with its figures', async () => {
  const { meters, out } = run(scripted([call()]));
  meters.start();
  await jest.advanceTimersByTimeAsync(299);
  expect(out).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  expect(out).toEqual([['volume', 60, 0]]);
  await jest.advanceTimersByTimeAsync(300 * 6);
  expect(out.filter(([k]) => k === 'volume').map(([, a, r]) => [a, r])).toEqual([
    [60, 0],
    [0, 30],
    [60, 0],
    [0, 30],
    [60, 0],
    [0, 30],
    [60, 0],
  ]);
  expect(out.filter(([k]) => k === 'quality')).toEqual([
    ['quality', { quality: 1, lossPercent: 0, jitterMs: 3, rttMs: 2 }],
  ]);
  await jest.advanceTimersByTimeAsync(300 * 14);
  expect(out.filter(([k]) => k === 'quality')).toHaveLength(3);
  meters.stop();
});

test('loss over an interval worsens the quality, and its end recovers it', async () => {
  // Readings 8-14 lose 10 of 50 (20 %), then clean again.
  const { meters, out } = run(scripted([call((i) => (i >= 7 && i < 14 ? 10 : 0))]));
  meters.start();
  await jest.advanceTimersByTimeAsync(300 * 21);
  meters.stop();
  const q = out.filter(([k]) => k === 'quality').map(([, r]) => [r.quality, r.lossPercent]);
  expect(q).toEqual([
    [1, 0],
    [5, 20], // Vbad: 15-30 % lost
    [1, 0],
  ]);
});

test('nothing is read while nobody wants the figures; wanted again, the quality starts afresh', async () => {
  let wanted = false;
  const source = scripted([call((i) => (i < 3 ? 50 : 0))]); // the first readings lose everything
  const { meters, out } = run(source, { wanted: () => wanted });
  meters.start();
  await jest.advanceTimersByTimeAsync(3000);
  expect(source.reads).toBe(0);
  expect(out).toEqual([]);
  wanted = true;
  await jest.advanceTimersByTimeAsync(300 * 3);
  wanted = false; // readings 1-3 lost everything; nobody listens
  await jest.advanceTimersByTimeAsync(3000);
  expect(source.reads).toBe(3);
  wanted = true;
  await jest.advanceTimersByTimeAsync(300 * 7);
  // The first quality after the pause covers only the readings since: clean.
  expect(out.filter(([k]) => k === 'quality').map(([, r]) => r.quality)).toEqual([1]);
  meters.stop();
});

test('a connection that is down reports no volume, and Down at the quality reading', async () => {
  const { meters, out } = run(scripted([{ connected: false, agentLevel: 0.5, remoteLevel: 0.5 }]), { qualityEvery: 2 });
  meters.start();
  await jest.advanceTimersByTimeAsync(600);
  expect(out).toEqual([['quality', { quality: 6 }]]);
  meters.stop();
});

test('no figures yet (no connection): nothing is reported; stop() stops reading', async () => {
  const source = scripted([undefined]);
  const { meters, out } = run(source);
  meters.start();
  expect(meters.running).toBe(true);
  await jest.advanceTimersByTimeAsync(3000);
  expect(out).toEqual([]);
  expect(source.reads).toBe(10);
  meters.stop();
  expect(meters.running).toBe(false);
  await jest.advanceTimersByTimeAsync(3000);
  expect(source.reads).toBe(10);
  expect(jest.getTimerCount()).toBe(0);
});

test('a slow source is never read twice at once', async () => {
  let pending = 0;
  let most = 0;
  const source = {
    read: () => {
      pending++;
      most = Math.max(most, pending);
      return new Promise((resolve) =>
        setTimeout(() => {
          pending--;
          resolve({ connected: true, agentLevel: 0.1, remoteLevel: 0.1 });
        }, 1000),
      );
    },
  };
  const { meters, out } = run(source);
  meters.start();
  await jest.advanceTimersByTimeAsync(6500);
  meters.stop();
  expect(most).toBe(1);
  expect(out.length).toBe(5); // one reading per 1.3 s
});
