#!/usr/bin/env node
// The Opus chunk of the WebSocket media path (docs/opus.md): encode and decode speed of our wasm
// build (dist/tccc-opus.js + .wasm, loaded as the browser loads it) against opusscript 0.1.1 (the
// peers' Emscripten build of libopus, from node_modules) and native libopus (Debian's, through
// the same C API: build/native/bench/tccc_opus_bench) in the same run, on espeak-ng speech at
// 48 kHz mono, 20 ms frames, 32 kbit/s, FEC for 10 % loss, DTX. CPU time (user + system) per
// 20 ms frame and "x real time" (audio seconds per CPU second); then the chunk's size.
// Goals: encode >= opusscript and >= 0.7x native; chunk <= 120 KB gzip -9.
// TCCC_OPUS_WASM=a.wasm,b.wasm benches other builds of tccc-opus.wasm in the same run (the
// variants measured in docs/opus.md), TCCC_OPUS_COMPLEXITY=0,5,9 other complexities than 10 and
// the default, TCCC_OPUS_REPEAT the runs per figure (3). It prints figures, never fails on one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { nativeBench as nativeBenchBinary } from './nativeBench.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { speech } = require('../tests/js/helpers/speech.js');

const FRAME = 960;
const BITRATE = 32000;
const LOSS = 10;
const REPEAT = Number(process.env.TCCC_OPUS_REPEAT || 3);

const chunkJs = join(root, 'dist/tccc-opus.js');
const chunkWasm = join(root, 'dist/tccc-opus.wasm');
const nativeBench = nativeBenchBinary('tccc_opus_bench') ?? join(root, 'build/native/bench/tccc_opus_bench');
for (const f of [chunkJs, chunkWasm]) {
  if (!existsSync(f)) {
    console.error(`opus: ${relative(root, f)} is missing: run scripts/build.sh wasm && scripts/build.sh js`);
    process.exit(1);
  }
}
// The chunk registers itself as it does in a page or a worklet.
require(chunkJs);
const { OpusWasm, DEFAULT_OPUS_COMPLEXITY } = globalThis[Symbol.for('tccc.opus')];

const variants = (process.env.TCCC_OPUS_WASM ? process.env.TCCC_OPUS_WASM.split(',') : [chunkWasm]).map((p) => ({
  label: p === chunkWasm ? 'tccc' : `tccc(${relative(root, p)})`,
  opus: OpusWasm.instantiate(readFileSync(p)),
}));

const text =
  'Thank you for calling the support line. My name is Alex and I will be helping you today. ' +
  'Could you please tell me your account number, and the address we have on file for you? ' +
  'I can see the payment from last week. It will be on your statement within three working days.';
const { pcm, s16, frames } = speech(text, { silenceAfterMs: 1000 });
const audioMs = frames * 20;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Best of REPEAT runs (after one warm-up run, so that V8 has tiered the wasm up). */
function measure(run) {
  run();
  let best = { encodeMs: Infinity, decodeMs: Infinity, bytes: 0 };
  for (let r = 0; r < REPEAT; r++) {
    const m = run();
    best = {
      encodeMs: Math.min(best.encodeMs, m.encodeMs),
      decodeMs: Math.min(best.decodeMs, m.decodeMs),
      bytes: m.bytes,
    };
  }
  return best;
}

function ours(opus, complexity) {
  return measure(() => {
    const enc = opus.createEncoder({ complexity, bitrate: BITRATE, expectedLossPercent: LOSS });
    const dec = opus.createDecoder();
    const packet = new Uint8Array(1275);
    const out = new Float32Array(FRAME);
    const packets = [];
    let bytes = 0;
    const t0 = cpuMs();
    for (let f = 0; f < frames; f++) {
      const n = enc.encode(pcm.subarray(f * FRAME, (f + 1) * FRAME), packet);
      packets.push(packet.slice(0, n));
      bytes += n;
    }
    const t1 = cpuMs();
    for (const p of packets) dec.decode(p, out);
    const t2 = cpuMs();
    enc.destroy();
    dec.destroy();
    return { encodeMs: t1 - t0, decodeMs: t2 - t1, bytes };
  });
}

function opusscript(complexity) {
  const OpusScript = require('opusscript');
  return measure(() => {
    const codec = new OpusScript(48000, 1, OpusScript.Application.VOIP);
    // The same settings as ours: complexity, bitrate, in-band FEC, expected loss, DTX, voice.
    codec.encoderCTL(4010, complexity);
    codec.setBitrate(BITRATE);
    codec.encoderCTL(4012, 1);
    codec.encoderCTL(4014, LOSS);
    codec.encoderCTL(4016, 1);
    codec.encoderCTL(4024, 3001);
    const packets = [];
    let bytes = 0;
    const t0 = cpuMs();
    for (let f = 0; f < frames; f++) {
      const p = codec.encode(s16.subarray(f * FRAME, (f + 1) * FRAME), FRAME);
      packets.push(p);
      bytes += p.length;
    }
    const t1 = cpuMs();
    for (const p of packets) codec.decode(p);
    const t2 = cpuMs();
    codec.delete();
    return { encodeMs: t1 - t0, decodeMs: t2 - t1, bytes };
  });
}

function native(complexity, file) {
  if (!existsSync(nativeBench)) return null;
  const r = spawnSync(nativeBench, [file, String(complexity), String(REPEAT + 1), String(BITRATE), String(LOSS)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return null;
  const j = JSON.parse(r.stdout);
  // The native program sums its runs; report the mean (it has no JIT to warm up).
  return { encodeMs: j.encodeCpuMs / j.repeat, decodeMs: j.decodeCpuMs / j.repeat, bytes: j.bytes };
}

const dir = mkdtempSync(join(tmpdir(), 'tccc-opus-bench-'));
try {
  const rawFile = join(dir, 'speech.s16le');
  writeFileSync(rawFile, Buffer.from(s16.buffer, s16.byteOffset, s16.byteLength));
  console.log(
    `opus: ${(audioMs / 1000).toFixed(1)} s of espeak-ng speech, ${frames} frames of 20 ms, ${BITRATE / 1000} kbit/s, FEC ${LOSS} %, DTX; best of ${REPEAT} (native: mean of ${REPEAT + 1})`,
  );
  if (!existsSync(nativeBench))
    console.log('opus: native baseline missing (cmake --build build/native --target tccc_opus_bench)');
  const complexities = process.env.TCCC_OPUS_COMPLEXITY
    ? process.env.TCCC_OPUS_COMPLEXITY.split(',').map(Number)
    : [...new Set([10, DEFAULT_OPUS_COMPLEXITY])];
  for (const complexity of complexities) {
    const rows = [
      ...variants.map((v) => [v.label, ours(v.opus, complexity)]),
      ['opusscript', opusscript(complexity)],
      ['native', native(complexity, rawFile)],
    ].filter(([, m]) => m);
    const byName = Object.fromEntries(rows);
    for (const what of ['encode', 'decode']) {
      const key = `${what}Ms`;
      const cells = rows.map(
        ([name, m]) =>
          `${name} ${(audioMs / m[key]).toFixed(1)}x real time (${((m[key] / frames) * 1000).toFixed(0)} us/frame)`,
      );
      console.log(
        `opus complexity ${complexity}${complexity === DEFAULT_OPUS_COMPLEXITY ? ' (default)' : ''} ${what}: ${cells.join(', ')}`,
      );
      const ratios = [];
      for (const v of variants) {
        const m = byName[v.label];
        const peers = ['opusscript', 'native'].filter((p) => byName[p]);
        ratios.push(...peers.map((p) => `${v.label}/${p} ${(byName[p][key] / m[key]).toFixed(2)}x`));
      }
      const goal = what === 'encode' ? ' (goals: >= 1.00x opusscript, >= 0.70x native)' : '';
      console.log(`opus complexity ${complexity} ${what} speed ratio: ${ratios.join(', ')}${goal}`);
    }
    console.log(
      `opus complexity ${complexity} bit rate: ${rows.map(([name, m]) => `${name} ${((m.bytes * 8) / audioMs).toFixed(1)} kbit/s`).join(', ')}`,
    );
  }
  const js = gzipSync(readFileSync(chunkJs), { level: 9 }).length;
  const wasm = gzipSync(readFileSync(chunkWasm), { level: 9 }).length;
  const total = js + wasm;
  console.log(
    `opus chunk: tccc-opus.js ${js} B + tccc-opus.wasm ${wasm} B = ${total} B gzip -9 (${(total / 1024).toFixed(1)} KB; goal <= 120 KB: ${total <= 120 * 1024 ? 'met' : 'NOT met'})`,
  );
  for (const v of process.env.TCCC_OPUS_WASM ? process.env.TCCC_OPUS_WASM.split(',') : []) {
    const b = readFileSync(v);
    console.log(`opus variant ${relative(root, v)}: ${b.length} B raw, ${gzipSync(b, { level: 9 }).length} B gzip -9`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
