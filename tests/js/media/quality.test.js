// SPDX-License-Identifier: Apache-2.0
// The network quality of a call, whatever carries it (js/src/media/): the TCCC scale over one
// interval's figures (loss, jitter and round-trip time each graded, the worst wins, a stalled stream
// is Down), the meter that turns cumulative counters into intervals, and the figures WebRTC's
// getStats() gives (scripted reports).
const { loadTs } = require('../helpers/tsModule');

const { qualityOf, TCCCQuality: Q } = loadTs('js/src/media/QualityScale.ts');
const { QualityMeter } = loadTs('js/src/media/QualityMeter.ts');
const { sampleOf } = loadTs('js/src/media/WebRtcStats.ts');
const { TCCCQuality: WorkstationQ } = loadTs('js/src/workstation/enums.ts');

test('the workstation and the tccc events share one scale', () => {
  expect(WorkstationQ).toEqual({ Unknown: 0, Excellent: 1, Good: 2, Poor: 3, Bad: 4, Vbad: 5, Down: 6 });
  expect(Q).toEqual(WorkstationQ);
});

test.each([
  [{}, Q.Unknown],
  [{ lossPercent: 0, jitterMs: 5, rttMs: 20 }, Q.Excellent],
  [{ lossPercent: 0.99, jitterMs: 19, rttMs: 149 }, Q.Excellent],
  [{ lossPercent: 1, jitterMs: 5, rttMs: 20 }, Q.Good],
  [{ lossPercent: 2, jitterMs: 5, rttMs: 20 }, Q.Good],
  [{ lossPercent: 0, jitterMs: 20, rttMs: 20 }, Q.Good],
  [{ lossPercent: 0, jitterMs: 5, rttMs: 150 }, Q.Good],
  [{ lossPercent: 5, jitterMs: 5, rttMs: 20 }, Q.Poor],
  [{ lossPercent: 0, jitterMs: 50, rttMs: 20 }, Q.Poor],
  [{ lossPercent: 0, jitterMs: 5, rttMs: 400 }, Q.Poor],
  [{ lossPercent: 10, jitterMs: 5, rttMs: 20 }, Q.Bad],
  [{ lossPercent: 0, jitterMs: 5, rttMs: 600 }, Q.Bad],
  [{ lossPercent: 20, jitterMs: 5, rttMs: 20 }, Q.Vbad],
  [{ lossPercent: 0, jitterMs: 200 }, Q.Vbad],
  [{ rttMs: 1000 }, Q.Vbad],
  [{ lossPercent: 30 }, Q.Down],
  [{ lossPercent: 40 }, Q.Down],
  [{ jitterMs: 300 }, Q.Down],
  [{ rttMs: 2000 }, Q.Down],
  [{ lossPercent: 0, stalled: true }, Q.Down],
  [{ lossPercent: 5, jitterMs: 100, rttMs: 200 }, Q.Bad], // the worst figure wins
  [{ lossPercent: -1, jitterMs: NaN, rttMs: Infinity }, Q.Unknown], // nonsense is not a measurement
])('%j -> %i', (figures, expected) => {
  expect(qualityOf(figures)).toBe(expected);
});

// Readings of a connected call: cumulative counters as a transport gives them.
const reading = (received, lost, extra = {}) => ({
  connected: true,
  packetsReceived: received,
  packetsLost: lost,
  ...extra,
});

test('loss is measured between gradings, not since the start of the call', () => {
  const m = new QualityMeter();
  m.mark(reading(100, 50)); // half lost before the first interval: not counted
  expect(m.grade(reading(200, 50, { rttMs: 20, jitterMs: 4 }))).toEqual({
    quality: Q.Excellent,
    lossPercent: 0,
    jitterMs: 4,
    rttMs: 20,
  });
  expect(m.grade(reading(290, 60))).toEqual({ quality: Q.Bad, lossPercent: 10 }); // 10 of 100
  expect(m.grade(reading(390, 60))).toEqual({ quality: Q.Excellent, lossPercent: 0 }); // recovered
  expect(m.grade(reading(490, 58))).toEqual({ quality: Q.Excellent, lossPercent: 0 }); // late packets: no negative loss
});

test.each([
  ['nothing arrived while connected', [reading(100, 0), reading(100, 0)], { quality: Q.Down, lossPercent: 100 }],
  ['not connected', [reading(100, 0), { connected: false }], { quality: Q.Down }],
  [
    'the far end reports our loss',
    [reading(0, 0), reading(100, 0, { remoteFractionLost: 0.2 })],
    { quality: Q.Vbad, lossPercent: 20 },
  ],
  [
    'the worse direction counts',
    [reading(0, 0), reading(95, 5, { remoteFractionLost: 0.01 })],
    { quality: Q.Poor, lossPercent: 5 },
  ],
  [
    'no counters: only jitter and rtt',
    [{ connected: true }, { connected: true, jitterMs: 45.4, rttMs: 12.6 }],
    { quality: Q.Poor, jitterMs: 45, rttMs: 13 },
  ],
  ['first grading without a mark: no loss yet', [reading(500, 0, { rttMs: 30 })], { quality: Q.Excellent, rttMs: 30 }],
  [
    'a counter that went back (a new stream) only marks',
    [reading(500, 10), reading(20, 0, { rttMs: 5 })],
    { quality: Q.Excellent, rttMs: 5 },
  ],
  // Figures that may come from the network (the WebSocket transport's report frames): never NaN out.
  [
    'NaN counters are no counters',
    [reading(100, 0), reading(NaN, NaN, { rttMs: 3 })],
    { quality: Q.Excellent, rttMs: 3 },
  ],
  [
    'Infinity and negatives are not figures',
    [reading(100, 0), reading(Infinity, 0, { jitterMs: -5, rttMs: Infinity, remoteFractionLost: -1 })],
    { quality: Q.Unknown },
  ],
  [
    'a fraction lost over 1 is capped at 100 %',
    [reading(0, 0), reading(100, 0, { remoteFractionLost: 255 })],
    { quality: Q.Down, lossPercent: 100 },
  ],
  [
    'strings are not figures',
    [reading(0, 0), { connected: true, packetsReceived: '100', packetsLost: '5', jitterMs: '9', rttMs: '9' }],
    { quality: Q.Unknown },
  ],
])('%s', (_what, readings, expected) => {
  const m = new QualityMeter();
  const [first, ...rest] = readings;
  if (rest.length) m.mark(first);
  const last = rest.length ? rest[rest.length - 1] : first;
  expect(m.grade(last)).toEqual(expected);
});

// One getStats() report of a WebRTC call (entries as Chromium gives them).
const report = ({ received = 100, lost = 0, jitter = 0.004, micLevel, farLevel, rtt, fractionLost, pairRtt }) => [
  { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter, audioLevel: farLevel },
  { type: 'media-source', kind: 'audio', audioLevel: micLevel },
  ...(rtt === undefined ? [] : [{ type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: rtt, fractionLost }]),
  { type: 'candidate-pair', selected: false, state: 'succeeded', currentRoundTripTime: 9 }, // not the chosen pair
  ...(pairRtt === undefined
    ? []
    : [{ type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: pairRtt }]),
  { type: 'inbound-rtp', kind: 'video', packetsReceived: 999, packetsLost: 999, jitter: 5 }, // not audio
  { type: 'media-source', kind: 'video', audioLevel: 1 },
];

test.each([
  [
    'levels, counters, jitter; rtt from the far end',
    report({ received: 300, lost: 3, micLevel: 0.4, farLevel: 0.25, rtt: 0.031, fractionLost: 0.02, pairRtt: 0.05 }),
    {
      connected: true,
      agentLevel: 0.4,
      remoteLevel: 0.25,
      packetsReceived: 300,
      packetsLost: 3,
      jitterMs: 4,
      remoteFractionLost: 0.02,
      rttMs: 31,
    },
  ],
  [
    'rtt from the selected candidate pair when the far end sends no reports',
    report({ micLevel: 0, farLevel: 0, pairRtt: 0.002 }),
    { connected: true, agentLevel: 0, remoteLevel: 0, packetsReceived: 100, packetsLost: 0, jitterMs: 4, rttMs: 2 },
  ],
  [
    'negative packetsLost (duplicates) counts as none',
    report({ received: 50, lost: -4 }),
    { connected: true, packetsReceived: 50, packetsLost: 0, jitterMs: 4 },
  ],
  ['an empty report', [], { connected: true }],
])('sampleOf: %s', (_what, entries, expected) => {
  expect(sampleOf(entries, true)).toEqual(expected);
});

test('sampleOf passes the connection state on', () => {
  expect(sampleOf([], false)).toEqual({ connected: false });
});
