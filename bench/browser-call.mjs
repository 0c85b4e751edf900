#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// One agent call in Chromium on each media transport, in the same run (issue 16's goals: the
// WebSocket call <= 3 % of one core; its mouth-to-ear latency <= WebRTC's + 40 ms):
//
//   node bench/browser-call.mjs [--seconds 15] [--beeps 10]
//
// Two browsers on loopback against tccc-server (build/native): the agent's, whose fake microphone
// says a 60 ms beep every second, and a customer's (web/sim/caller.html, WebRTC as always). For each
// agent transport (data-media-transport="webrtc", then "websocket"), the customer calls, the agent
// accepts, and then:
// - mouth to ear, agent -> customer: the beep's onset in the agent's microphone (a capture of the
//   same fake device in the agent's page) and in what the customer receives, each found by an
//   AudioWorklet and put on the machine's clock (performance.timeOrigin + the context's output
//   timestamp), so the two browsers compare; the median over --beeps beeps. It counts everything
//   from capture to the customer's decoded audio (encode, socket, server, jitter buffer, decode),
//   not the audio devices, which are fake here;
// - CPU: every process of the agent's browser (its /proc tree) over --seconds of talking, against
//   the same browser logged in and idle for as long, as % of one core and ms per call-second; beside
//   it the floor any WebRTC call costs this browser (a bare RTCPeerConnection pair in one page), and
//   the floor of the WebSocket transport's audio path with nothing of ours in it (the microphone
//   through a pass-through AudioWorklet to the speakers: no codec, no network), so that what the
//   SDK adds on each transport shows apart from what the browser's audio costs anyway; and the
//   call's busiest threads of that browser by name (audio, worklet, renderer, network service…).
// Prints figures, never fails on one; stops by itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, ROOT, startCrm, startServer } from '../tests/e2e/harness.mjs';
import { CRM_PAGE, LOOPBACK_ONLY, PROBES } from '../tests/e2e/media-kit.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', 15));
const BEEPS = Number(arg('beeps', 10));
const TRANSPORTS = ['webrtc', 'websocket'];
const log = (line) => console.log(`browser-call: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;

/** The CPU ticks (user + system) in a /proc/…/stat line. */
function statTicks(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Every process of the machine: pid -> {parent, ticks}. */
function processes() {
  const all = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      all.set(Number(name), {
        parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]),
        ticks: statTicks(stat),
      });
    } catch {
      /* gone meanwhile */
    }
  }
  return all;
}

/** The pids of `pid` and every process below it, with their ticks. */
function processTree(pid) {
  const all = processes();
  const below = (p) => {
    for (let q = p; q > 1; q = all.get(q)?.parent ?? 0) if (q === pid) return true;
    return false;
  };
  return [...all].filter(([p]) => below(p));
}

/** CPU seconds (user + system) of `pid` and every process below it. */
function treeCpuSeconds(pid) {
  return processTree(pid).reduce((sum, [, p]) => sum + p.ticks, 0) / TICKS;
}

/**
 * CPU seconds per "process type/thread name" of `pid` and every process below it: where a call's CPU
 * goes.
 */
function treeThreadCpu(pid) {
  const byThread = new Map();
  for (const [p] of processTree(pid)) {
    let tasks;
    let kind = 'browser'; // the process's --type (renderer, utility, …), so its threads tell apart
    try {
      tasks = readdirSync(`/proc/${p}/task`);
      // Chromium rewrites its process title: the arguments may be one string joined by spaces.
      const type = readFileSync(`/proc/${p}/cmdline`, 'utf8')
        .split(/[\0 ]/)
        .find((a) => a.startsWith('--type='));
      if (type) kind = type.slice('--type='.length);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const stat = readFileSync(`/proc/${p}/task/${t}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const key = `${kind}/${comm}`;
        byThread.set(key, (byThread.get(key) ?? 0) + statTicks(stat) / TICKS);
      } catch {
        /* gone meanwhile */
      }
    }
  }
  return byThread;
}

/** The threads that spent the most between two treeThreadCpu() readings, as "name 1.2 %" over `seconds`. */
function busiestThreads(before, after, seconds, most = 6) {
  return [...after]
    .map(([name, cpu]) => [name, cpu - (before.get(name) ?? 0)])
    .filter(([, cpu]) => cpu > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, most)
    .map(([name, cpu]) => `${name} ${((100 * cpu) / seconds).toFixed(1)} %`)
    .join(', ');
}

/** The browser's main process: the one started with this profile directory. */
function browserPid(profile) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (cmd.includes(`--user-data-dir=${profile}`) && !cmd.some((a) => a.startsWith('--type='))) return Number(name);
    } catch {
      /* gone meanwhile */
    }
  }
  throw new Error(`no browser process for ${profile}`);
}

async function launch(audio) {
  const profile = mkdtempSync(join(tmpdir(), 'tccc-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.TCCC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--use-file-for-fake-audio-capture=${audio}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  await context.addInitScript(LOOPBACK_ONLY + PROBES + ONSETS);
  return {
    context,
    pid: browserPid(profile),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// In every page: window.__onsets(stream, ms) resolves with the machine-clock times (ms) at which a
// beep starts in `stream`: loud after at least 300 ms of quiet, found per 128-sample block.
const ONSETS = `
window.__onsets = async (stream, ms) => {
  const ctx = new AudioContext();
  await ctx.resume();
  const code = 'class O extends AudioWorkletProcessor { constructor() { super(); this.quiet = 0; }' +
    ' process(inputs) { const ch = inputs[0][0]; if (!ch) return true; let s = 0; for (const v of ch) s += v * v;' +
    ' const rms = Math.sqrt(s / ch.length); if (rms > 0.05) { if (this.quiet > 0.3 * sampleRate) this.port.postMessage(currentTime);' +
    ' this.quiet = 0; } else if (rms < 0.02) this.quiet += ch.length; return true; } } registerProcessor("onsets", O);';
  await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  const node = new AudioWorkletNode(ctx, 'onsets');
  const src = ctx.createMediaStreamSource(stream);
  src.connect(node).connect(ctx.destination);
  const times = [];
  node.port.onmessage = (e) => {
    const t = ctx.getOutputTimestamp();
    times.push(performance.timeOrigin + t.performanceTime + (e.data - t.contextTime) * 1000);
  };
  await new Promise((r) => setTimeout(r, ms));
  src.disconnect();
  await ctx.close();
  return times;
};`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

const dir = mkdtempSync(join(tmpdir(), 'tccc-browser-call-'));
const beep = join(dir, 'beep.wav');
const quiet = join(dir, 'quiet.wav');
// 60 ms of 1 kHz at half scale, then silence, every second; the customer says nothing.
execFileSync('sox', [
  '-n',
  '-r',
  '48000',
  '-c',
  '1',
  '-b',
  '16',
  join(dir, 'one.wav'),
  'synth',
  '0.06',
  'sine',
  '1000',
  'vol',
  '0.5',
  'pad',
  '0',
  '0.94',
]);
execFileSync('sox', [join(dir, 'one.wav'), beep, 'repeat', '19']);
execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', quiet, 'trim', '0', '5']);

const server = await startServer({ args: ['--web-dir', join(ROOT, 'web'), '--log-level', 'error'] });
const crm = await startCrm(server, CRM_PAGE);
const agentBrowser = await launch(beep);
const customerBrowser = await launch(quiet);
try {
  const agent = await agentBrowser.context.newPage();
  let idleShare;
  for (const transport of TRANSPORTS) {
    await agent.goto(crm.url);
    const loaded = await agent.evaluate(([u, t]) => loadSdk(u, { mediaTransport: t }), [server.agents[0], transport]);
    if (loaded !== 'loaded') throw new Error(`the SDK did not load: ${loaded}`);
    await agent.evaluate(() => waitEvent('ready'));
    // The login replays the agent's recently ended sessions: this call's events start here.
    await agent.evaluate(() => markLog());
    await agent.evaluate(() => tccc.Agent.setStatus({ status: 'free' }).catch(() => undefined));
    if (idleShare === undefined) {
      await sleep(2000);
      const c0 = treeCpuSeconds(agentBrowser.pid);
      await sleep(SECONDS * 1000);
      idleShare = (treeCpuSeconds(agentBrowser.pid) - c0) / SECONDS;
      log(`agent's browser logged in, idle: ${(100 * idleShare).toFixed(2)} % of one core`);
      // The floor: what any WebRTC call costs this browser, with no SDK: the same microphone sent
      // over a bare RTCPeerConnection pair in one page and played by an <audio> element.
      const floor = await agentBrowser.context.newPage();
      await floor.goto(crm.url);
      await floor.evaluate(async () => {
        const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
        const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
        a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
        b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
        b.ontrack = (e) => {
          const el = new Audio();
          el.srcObject = e.streams[0];
          void el.play();
          window.__floor.push(el);
        };
        window.__floor = [a, b, mic];
        mic.getTracks().forEach((t) => a.addTrack(t, mic));
        await a.setLocalDescription();
        await b.setRemoteDescription(a.localDescription);
        await b.setLocalDescription();
        await a.setRemoteDescription(b.localDescription);
      });
      await sleep(2000);
      const f0 = treeCpuSeconds(agentBrowser.pid);
      await sleep(SECONDS * 1000);
      const floorShare = (treeCpuSeconds(agentBrowser.pid) - f0) / SECONDS;
      log(
        `floor, a bare RTCPeerConnection pair with the microphone and an <audio> element: ` +
          `${(100 * (floorShare - idleShare)).toFixed(2)} % of one core above idle`,
      );
      await floor.close();

      // The WebSocket transport's floor: capture, an AudioWorklet and playback, doing nothing else.
      const audioFloor = await agentBrowser.context.newPage();
      await audioFloor.goto(crm.url);
      await audioFloor.evaluate(async () => {
        const code =
          'registerProcessor("pass", class extends AudioWorkletProcessor {' +
          '  process(inputs, outputs) {' +
          '    const i = inputs[0], o = outputs[0];' +
          '    for (let c = 0; c < o.length; c++) if (i[c]) o[c].set(i[c]);' +
          '    return true;' +
          '  }' +
          '});';
        const ctx = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
        await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
        const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
        const node = new AudioWorkletNode(ctx, 'pass');
        ctx.createMediaStreamSource(mic).connect(node).connect(ctx.destination);
        await ctx.resume();
        window.__audioFloor = [ctx, mic, node];
      });
      await sleep(2000);
      const w0 = treeCpuSeconds(agentBrowser.pid);
      await sleep(SECONDS * 1000);
      const audioShare = (treeCpuSeconds(agentBrowser.pid) - w0) / SECONDS;
      log(
        `floor, the microphone through a pass-through AudioWorklet to the speakers (no codec, no network): ` +
          `${(100 * (audioShare - idleShare)).toFixed(2)} % of one core above idle`,
      );
      await audioFloor.close();
    }
    const customer = await customerBrowser.context.newPage();
    await customer.goto(`${server.baseUrl}/sim/caller.html`);
    await customer.fill('#service', '4008002000');
    await customer.click('#call');
    const ringing = await agent.evaluate(() => waitEvent('callIn', () => true, 20000));
    await agent.evaluate((id) => tccc.Call.accept({ sessionId: id }), ringing.sessionId);
    await agent.evaluate(
      (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'connected', 20000),
      ringing.sessionId,
    );
    for (let i = 0; i < 100 && (await customer.evaluate(() => window.tcccCaller.state)) !== 'connected'; i++)
      await sleep(100);
    await sleep(2000); // the jitter buffers settle

    // Mouth to ear: the agent's microphone (a second capture of the same fake device) and the customer's ear.
    const window_ = (BEEPS + 1) * 1000;
    const [said, heard] = await Promise.all([
      agent.evaluate(
        async (ms) => window.__onsets(await navigator.mediaDevices.getUserMedia({ audio: true }), ms),
        window_,
      ),
      customer.evaluate((ms) => window.__onsets(window.tcccCaller.remoteStream, ms), window_),
    ]);
    const delays = [];
    for (const h of heard) {
      const before = said.filter((s) => s <= h && h - s < 800);
      if (before.length) delays.push(h - before[before.length - 1]);
    }
    const actual = await agent.evaluate(() =>
      logSince()
        .filter(([n]) => n === 'mediaTransportChanged')
        .pop(),
    );
    log(
      `${transport}: mouth to ear, agent -> customer: median ${median(delays).toFixed(1)} ms ` +
        `(min ${Math.min(...delays).toFixed(1)}, max ${Math.max(...delays).toFixed(1)}; ${delays.length} of ${said.length} beeps)` +
        (actual ? `; transport ${JSON.stringify(actual[1])}` : ''),
    );

    const c0 = treeCpuSeconds(agentBrowser.pid);
    const t0 = treeThreadCpu(agentBrowser.pid);
    await sleep(SECONDS * 1000);
    const share = (treeCpuSeconds(agentBrowser.pid) - c0) / SECONDS;
    const threads = busiestThreads(t0, treeThreadCpu(agentBrowser.pid), SECONDS);
    log(
      `${transport}: agent's browser in a call: ${(100 * share).toFixed(2)} % of one core, ` +
        `${(100 * (share - idleShare)).toFixed(2)} % above idle = ${(1000 * (share - idleShare)).toFixed(1)} ms CPU per call-second`,
    );
    log(`${transport}: its busiest threads: ${threads}`);
    await agent.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), ringing.sessionId);
    await agent.evaluate(() => waitEvent('sessionEnded', () => true, 10000));
    await customer.close();
  }
} finally {
  await agentBrowser.close();
  await customerBrowser.close();
  await crm.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
