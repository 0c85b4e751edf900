// SPDX-License-Identifier: Apache-2.0
// The network quality scale (js/src/workstation/NetworkQuality.ts) over scripted getStats() reports:
// loss, jitter and round-trip time each graded, the worst wins, a stalled stream is Down.
const { loadTs } = require('../helpers/tsModule');

const { qualityOf, QualityMeter } = loadTs('js/src/workstation/NetworkQuality.ts');
const { TCCCQuality: Q } = loadTs('js/src/workstation/enums.ts');

test.each([
  [{}, Q.Unknown],
  [{ lossPercent: 0, jitterMs: 5, rttMs: 20 }, Q.Excellent],
  [{ lossPercent: 2, jitterMs: 5, rttMs: 20 }, Q.Good],
  [{ lossPercent: 0, jitterMs: 50, rttMs: 20 }, Q.Poor],
  [{ lossPercent: 0, jitterMs: 5, rttMs: 600 }, Q.Bad],
  [{ lossPercent: 20, jitterMs: 5, rttMs: 20 }, Q.Vbad],
  [{ lossPercent: 40 }, Q.Down],
  [{ rttMs: 2000 }, Q.Down],
  [{ lossPercent: 0, stalled: true }, Q.Down],
  [{ lossPercent: 5, jitterMs: 100, rttMs: 200 }, Q.Bad],
])('%j -> %i', (figures, expected) => {
  expect(qualityOf(figures)).toBe(expected);
});

// One getStats() report: inbound audio counters, the remote's rtt, the selected candidate pair.
const report = ({ received, lost, jitter = 0.004, rtt, pairRtt }) => [
  { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter },
  ...(rtt === undefined ? [] : [{ type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: rtt }]),
  ...(pairRtt === undefined
    ? []
    : [{ type: 'candidate-pair', selected: true, state: 'succeeded', currentRoundTripTime: pairRtt }]),
  { type: 'inbound-rtp', kind: 'video', packetsReceived: 999, packetsLost: 999 }, // not audio: ignored
];

test('loss is measured between reports, not since the start of the call', () => {
  const m = new QualityMeter();
  // The first report only sets the mark (jitter and rtt still count).
  expect(m.sample(report({ received: 100, lost: 50, rtt: 0.02 }))).toBe(Q.Excellent);
  expect(m.sample(report({ received: 200, lost: 50, rtt: 0.02 }))).toBe(Q.Excellent); // 0 of 100 lost
  expect(m.sample(report({ received: 290, lost: 60, rtt: 0.02 }))).toBe(Q.Bad); // 10 of 100 lost
  expect(m.sample(report({ received: 390, lost: 60, rtt: 0.02 }))).toBe(Q.Excellent);
});

test('no packet between two reports is Down; the candidate pair gives rtt when the remote does not', () => {
  const m = new QualityMeter();
  m.sample(report({ received: 100, lost: 0 }));
  expect(m.sample(report({ received: 100, lost: 0 }))).toBe(Q.Down);
  expect(m.sample(report({ received: 200, lost: 0, pairRtt: 0.35 }))).toBe(Q.Poor);
  expect(m.sample(report({ received: 300, lost: 0, jitter: 0.2 }))).toBe(Q.Vbad);
});
