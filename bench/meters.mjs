#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// What the call meters (js/src/media: audioVolume, networkQuality) cost: the CPU time of one reading
// of a WebRTC call's getStats() report (sampleOf + volumes + a quality grading, as CallMeters does it
// every 300 ms while someone listens), and the bytes they add to the lazily loaded tccc-media.js
// (the headless tccc.js carries only the two event names and the listener check).
// Prints figures, never fails on a number. TCCC_BENCH_READINGS (default 200000).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const { loadTs } = require('../tests/js/helpers/tsModule.js');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const READINGS = Number(process.env.TCCC_BENCH_READINGS || 200000);

const { sampleOf } = loadTs('js/src/media/WebRtcStats.ts');
const { QualityMeter } = loadTs('js/src/media/QualityMeter.ts');
const { volumeOf } = loadTs('js/src/media/CallMeters.ts');

// A Chromium audio call's report: the entries getStats() gives for one audio transceiver (ids,
// codec, transport, certificates, candidates), of which the meters read five.
const report = (i) => [
  { type: 'codec', mimeType: 'audio/opus' },
  { type: 'certificate' },
  { type: 'certificate' },
  { type: 'transport', bytesSent: i * 160 },
  { type: 'local-candidate', address: '127.0.0.1' },
  { type: 'remote-candidate', address: '127.0.0.1' },
  { type: 'candidate-pair', selected: false, state: 'waiting' },
  { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.001 },
  { type: 'media-source', kind: 'audio', audioLevel: (i % 7) / 10 },
  { type: 'outbound-rtp', kind: 'audio', packetsSent: i * 15 },
  { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.002, fractionLost: 0 },
  {
    type: 'inbound-rtp',
    kind: 'audio',
    packetsReceived: i * 15,
    packetsLost: i >> 4,
    jitter: 0.002,
    audioLevel: (i % 5) / 10,
  },
  { type: 'media-playout', kind: 'audio' },
  { type: 'peer-connection' },
];

const reports = Array.from({ length: 64 }, (_, i) => report(i + 1));
const meter = new QualityMeter();
let sink = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < READINGS; i++) {
  const s = sampleOf(reports[i & 63], true);
  sink += volumeOf(s.agentLevel) + volumeOf(s.remoteLevel);
  if (i % 7 === 0) sink += meter.grade(s).quality;
}
const ns = Number(process.hrtime.bigint() - t0) / READINGS;
console.log(
  `meters reading: ${(ns / 1000).toFixed(2)} us per reading (${READINGS} readings of a ${reports[0].length}-entry report; ` +
    `${((ns * (1000 / 300)) / 1e6).toFixed(4)} ms of CPU per second of call at 300 ms) [${sink > 0 ? 'ok' : '?'}]`,
);

// Bytes the meters add to tccc-media.js: the media/ modules minified on their own, as the chunk does.
const built = esbuild.buildSync({
  stdin: {
    contents:
      "export { CallMeters } from './js/src/media/CallMeters'; export { webRtcSource } from './js/src/media/WebRtcStats';",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome64', 'edge80', 'firefox62', 'safari15'], // as scripts/build-js.mjs
  write: false,
});
const bytes = built.outputFiles[0].contents;
console.log(
  `meters code in tccc-media.js: ${bytes.length} B raw, ${gzipSync(bytes, { level: 9 }).length} B gzip -9 (alone)`,
);
