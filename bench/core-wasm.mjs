#!/usr/bin/env node
// WebAssembly half of the core benchmarks (see CoreWorkload.md), run under Node:
//  - instantiate: compile + instantiate the release tccc-core.wasm with its glue (median of 15 cold runs);
//  - throughput: the same workload as bench/CoreThroughputBench.cpp through Module.TcccCore,
//    including what the shim does with each drain() (JSON.parse), then the ratio to the native figure.
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeBench } from './nativeBench.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const gluePath = join(root, 'build/wasm/tccc-core.js');
const wasmPath = join(root, 'build/wasm/tccc-core.wasm');
for (const p of [gluePath, wasmPath]) {
  if (!existsSync(p)) {
    console.error(`core-wasm: ${p} missing — run npm run build first`);
    process.exit(1);
  }
}
const calls = Number(process.argv[2] || 20000);
const createTcccCore = require(gluePath);
const wasmBinary = readFileSync(wasmPath);

// --- instantiate ---
const times = [];
let mod;
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  mod = await createTcccCore({ wasm: new Uint8Array(wasmBinary) });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const compileOnly = [];
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  await WebAssembly.compile(wasmBinary);
  compileOnly.push(performance.now() - t0);
}
compileOnly.sort((a, b) => a - b);
console.log(
  `core wasm instantiate: median ${times[7].toFixed(2)} ms (compile alone ${compileOnly[7].toFixed(2)} ms), ${wasmBinary.length} bytes`,
);

// --- throughput ---
const core = new mod.TcccCore(
  JSON.stringify({ sdkAppId: 1400000001, userId: 'alice@example.com', token: 'token', randomSeed: 7 }),
);
const lastRequestId = (cmds) => {
  let id = 0;
  for (const c of cmds) if (c.kind === 'send') id = JSON.parse(c.text).id;
  return id;
};
const now = 1000;
core.start(now);
core.onOpen(now);
const loginId = lastRequestId(JSON.parse(core.drain()));
core.onMessage(
  JSON.stringify({
    v: 1,
    type: 'res',
    id: loginId,
    ok: true,
    data: {
      resumeToken: 'r-1',
      heartbeatMs: 600000,
      serverTime: 0,
      seq: 0,
      agent: { userId: 'alice@example.com', sdkAppId: 1400000001, status: 'free', restReason: '' },
      sessions: [],
      iceServers: [],
    },
  }),
  now,
);
JSON.parse(core.drain());

const frame = (seq, i, state, ended) => {
  const s = {
    sessionId: `s-${i}`,
    type: 'phone',
    direction: 'in',
    state,
    timeout: 30,
    createdAt: 1732400000000,
    calleePhoneNumber: '4008001000',
    callerPhoneNumber: '13800138000',
    callerLocation: 'Shenzhen',
    remark: '',
    ivrPath: [{ key: '1', label: 'Sales' }],
    serverType: 'staffSeat',
    skillGroupId: '1',
    muted: false,
    held: false,
  };
  if (ended) Object.assign(s, { endReason: 'hangup', closeBy: 'client', duration: 12 });
  return JSON.stringify({ v: 1, type: 'evt', seq, event: 'session.state', data: { session: s } });
};
const frames = [];
let seq = 0;
for (let i = 0; i < calls * 3; i++) {
  frames.push(frame(++seq, i, 'ringing', false), frame(++seq, i, 'talking', false), frame(++seq, i, 'ended', true));
}
const args = [];
for (let i = 0; i < calls * 3; i++) args.push(JSON.stringify({ sessionId: `s-${i}` }));

// Two passes over fresh sessions: "core" hands drain()'s JSON string to JavaScript as the native
// bench does with commandsToJson; "shim" also JSON.parses it, as the shim must before emitting events.
// Frames go in the way the shim feeds them (js/src/CoreAdapter.ts): UTF-8 encoded straight into
// the core's input buffer.
const utf8 = new TextEncoder();
let inputPtr = 0;
let inputCapacity = 0;
function feed(text) {
  const capacity = text.length * 3;
  if (capacity > inputCapacity) {
    inputCapacity = Math.max(capacity, 4096);
    inputPtr = core.inputBuffer(inputCapacity);
  }
  const { written } = utf8.encodeInto(text, mod.HEAPU8.subarray(inputPtr, inputPtr + capacity));
  core.onMessageInput(written, now);
}
function pass(offset, parse) {
  let events = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    for (let k = 0; k < 3; k++) {
      feed(frames[offset + i * 3 + k]);
      const out = core.drain();
      if (parse) events += JSON.parse(out).length;
    }
    core.call('Call.deleteCall', args[offset / 3 + i], now);
    const sentText = core.drain();
    const id = Number(/"id\\?":(\d+)/.exec(sentText)[1]);
    feed(`{"v":1,"type":"res","id":${id},"ok":true,"data":{}}`);
    const out = core.drain();
    if (parse) events += JSON.parse(out).length;
  }
  const cpu = process.cpuUsage(cpu0);
  return { rate: (4 * calls) / ((cpu.user + cpu.system) / 1e6), cpuSec: (cpu.user + cpu.system) / 1e6, events };
}
pass(0, true); // warm-up: lets the JIT settle so neither measured pass pays for it
const coreOnly = pass(calls * 3, false);
const withShim = pass(calls * 6, true);
console.log(`core wasm: ${calls} calls, ${coreOnly.rate.toFixed(0)} frames/s (cpu ${coreOnly.cpuSec.toFixed(3)} s)`);
console.log(
  `core wasm + JSON.parse in JS: ${withShim.rate.toFixed(0)} frames/s (cpu ${withShim.cpuSec.toFixed(3)} s, ${withShim.events} commands)`,
);
const wasmRate = coreOnly.rate;
core.delete();

// The native baseline: the same core (on the same lite JSON) that the wasm runs, compiled by g++ —
// the like-for-like ratio quoted against the goal. The native SDK links this very library.
const baselines = [
  [
    'native (same code as the wasm)',
    process.env.TCCC_NATIVE_BENCH || nativeBench('tccc_core_bench') || join(root, 'build/native/bench/tccc_core_bench'),
  ],
];
for (const [label, bin] of baselines) {
  if (!existsSync(bin)) {
    console.log(`core ${label}: ${bin} missing — configure build/native (npm run setup) first`);
    continue;
  }
  const out = execFileSync(bin, [String(calls)], { encoding: 'utf8' }).trim();
  const m = /([\d.]+) frames\/s/.exec(out);
  console.log(`${out.replace(/^core native/, `core ${label}`)}`);
  if (m) {
    const base = Number(m[1]);
    console.log(
      `core wasm / ${label}: ${(wasmRate / base).toFixed(2)}x (goal >= 0.5x); with JSON.parse in JS ${(withShim.rate / base).toFixed(2)}x`,
    );
  }
}
