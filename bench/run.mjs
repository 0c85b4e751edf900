#!/usr/bin/env node
// Runs every benchmark and prints their figures. Benchmarks never fail on a number; they fail only
// when they cannot run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeBench } from './nativeBench.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = [
  ['node', ['bench/payload.mjs']],
  ['node', ['bench/ui-size.mjs']],
  ['node', ['bench/core-wasm.mjs']],
  ['node', ['bench/media.mjs']],
  ['node', ['bench/chat.mjs']],
  ['node', ['bench/meters.mjs']],
  // The Opus chunk of the WebSocket media path against opusscript and native libopus: about 30 s.
  ['node', ['bench/opus.mjs']],
  // The WebSocket audio path per 20 ms frame (encode, jitter buffer, decode) and its latency: ~20 s.
  ['node', ['bench/ws-audio.mjs']],
  // A whole call in Chromium on each transport: CPU and mouth-to-ear latency (issue 16's goals).
  ['node', ['bench/browser-call.mjs']],
];
// A quick load run (a minute on a 2-core machine); `node bench/load.mjs` alone runs the full default
// (10,000 agents, 1,000 calls/s) and takes --baseline-bin to compare two server builds.
if (existsSync(join(root, 'bench/load.mjs')))
  benches.push(['node', ['bench/load.mjs', '--agents', '1000', '--rate', '200', '--seconds', '5']]);
// Real-time speech recognition (native, PocketSphinx on espeak-ng speech): about 30 s.
const asrBench = nativeBench('tccc_asr_bench');
if (asrBench) benches.push([asrBench, ['--streams', '1,8']]);
// Anchored calls per core (the media plane relaying recorded and unrecorded calls on one thread): about 40 s.
const anchorBench = nativeBench('tccc_anchor_bench');
if (anchorBench) benches.push([anchorBench, ['--calls', '100,300', '--seconds', '5']]);
// A supervisor on a call: the media thread's CPU per frame in each mode: about 2 s.
const monitorBench = nativeBench('tccc_monitor_bench');
if (monitorBench) benches.push([monitorBench, []]);
// The native agent SDK: library size, one tccc-agent's RSS and CPU per call, instances per core: ~1 min.
if (nativeBench('tccc_native_agents_bench'))
  benches.push(['node', ['bench/native-agent.mjs', '--instances', '1,20', '--seconds', '8']]);
let failed = 0;
for (const [cmd, args] of benches) {
  console.log(`\n# ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
