#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Two latency figures of the SDK in a real browser, each as a ratio to the floor that the same
// browser measures in the same run (issue 4's goals: <= 1.5x each):
//
//   1. script load -> `ready`: from the moment the browser has the SdkURL script (Resource Timing
//      responseEnd of the <script> an integrator page appends) to the `ready` event, against the
//      floor "instantiate the core's wasm (fetched from the server) + open a WebSocket to the server
//      and do one ping/pong round trip" done by hand in the same page. The floor holds no script, so
//      the interval starts once the script is loaded; the time from appending the tag (the script's
//      own download and the browser's handling of a new script, which any script-tag SDK pays) is
//      printed beside it. The headline is a returning agent (the browser has loaded the SDK before:
//      HTTP cache and V8's code cache warm, though each run has a new SdkURL, as every login does);
//      a first visit (fresh browser profile, nothing cached, for the floor as well) is printed after it.
//   2. `Call.accept` -> two-way audio: from calling accept on a ringing inbound call to RTP audio
//      arriving on both the agent's and the customer's peer connection, against a bare
//      RTCPeerConnection pair in one page (offer, answer, trickle ICE in-process, both with a
//      microphone track) from createOffer to audio arriving on both.
//
// Real server (build/native/server/tccc-server) on loopback, Debian's Chromium with fake devices, ICE
// restricted to 127.0.0.1; the customer runs in a second browser, as it would on another device (a
// background tab is throttled). Medians over TCCC_BENCH_RUNS runs (default 11); the first run of each
// kind warms the HTTP cache and the browser and is not counted. TCCC_BENCH_DEBUG=1 prints each call's
// timeline (accept, customer states, offer/answer, media states, first audio on each side). Prints
// figures, never fails on a number.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startCrm } from '../tests/e2e/harness.mjs';
import { LOOPBACK_ONLY } from '../tests/e2e/media-kit.mjs';

const require = createRequire(import.meta.url);
const { startServer } = require('../tests/js/helpers/server.js');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.TCCC_BENCH_RUNS || 11);
const COLD_RUNS = Number(process.env.TCCC_BENCH_COLD_RUNS || 3);

// Timing helpers, injected after the tests' loopback-only ICE filter (tests/e2e/media-kit.mjs).
const TIMING = `
// Time comparable across the pages of one browser (1 ms resolution): performance.timeOrigin differs
// between pages by tens of ms.
window.__now = () => Date.now();
// Resolves with the time the first inbound audio RTP bytes were seen on pc (polled every 5 ms).
window.__firstAudio = (pc) => new Promise((resolve) => {
  (async function poll() {
    let bytes = 0;
    try { (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') bytes += r.bytesReceived || 0; }); } catch {}
    if (bytes > 0) return resolve(window.__now());
    setTimeout(poll, 5);
  })();
});`;

// The integrator page: loads the SDK from an SdkURL its backend hands out; also measures the floor.
const CRM_PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title><body><script>
window.loadAndWaitReady = async (userId) => {
  const { sdkUrl } = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = document.createElement('script');
    s.src = sdkUrl;
    s.onerror = () => reject(new Error('script failed'));
    s.onload = () => tccc.on('ready', () => {
      const readyAt = performance.now();
      // When the browser had the whole script (the server sends Timing-Allow-Origin for /sdk/).
      const entry = performance.getEntriesByName(s.src).pop();
      const loadedAt = entry && entry.responseEnd > 0 ? entry.responseEnd : NaN;
      resolve({ ms: readyAt - t0, afterLoad: readyAt - loadedAt, download: loadedAt - t0 });
    });
    document.body.appendChild(s);
  });
};
window.floor = async (wasmUrl, wsUrl) => {
  const t0 = performance.now();
  const module = await WebAssembly.compileStreaming(fetch(wasmUrl));
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) {
    imports[i.module] = imports[i.module] || {};
    imports[i.module][i.name] = () => 0;  // never called: instantiation runs no code of ours
  }
  await WebAssembly.instantiate(module, imports);
  const t1 = performance.now();
  await new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    ws.onerror = () => reject(new Error('ws failed'));
    ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: 'ping', t: Date.now() }));
    ws.onmessage = (m) => { if (JSON.parse(m.data).type === 'pong') { ws.close(); resolve(); } };
  });
  const t2 = performance.now();
  return { wasm: t1 - t0, ws: t2 - t1, ms: t2 - t0 };
};
window.bareLoopback = async () => {
  const [a, b] = await Promise.all([0, 1].map(() => navigator.mediaDevices.getUserMedia({ audio: true })));
  const t0 = window.__now();
  const p1 = new RTCPeerConnection();
  const p2 = new RTCPeerConnection();
  p1.onicecandidate = (e) => e.candidate && p2.addIceCandidate(e.candidate);
  p2.onicecandidate = (e) => e.candidate && p1.addIceCandidate(e.candidate);
  a.getTracks().forEach((t) => p1.addTrack(t, a));
  b.getTracks().forEach((t) => p2.addTrack(t, b));
  const both = Promise.all([window.__firstAudio(p1), window.__firstAudio(p2)]);
  await p1.setLocalDescription(await p1.createOffer());
  await p2.setRemoteDescription(p1.localDescription);
  await p2.setLocalDescription(await p2.createAnswer());
  await p1.setRemoteDescription(p2.localDescription);
  const ms = Math.max(...await both) - t0;
  p1.close(); p2.close();
  [...a.getTracks(), ...b.getTracks()].forEach((t) => t.stop());
  return ms;
};
// One callIn handler for all runs; each run installs the resolver of its own call.
window.acceptNextCall = () => new Promise((resolve) => {
  window.__onCall = resolve;
  if (window.__listening) return;
  window.__listening = true;
  window.__atl = [];
  tccc.on('mediaStateChanged', ({ data }) => window.__atl.push(['media:' + data.state, window.__now()]));
  tccc.on('userAccessed', () => window.__atl.push(['userAccessed', window.__now()]));
  tccc.on('callIn', async ({ data }) => {
    const done = window.__onCall;
    const t0 = window.__now();
    const before = window.__pcs.length;
    await tccc.Call.accept({ sessionId: data.sessionId });
    (function wait() {
      if (window.__pcs.length === before) return setTimeout(wait, 2);
      window.__firstAudio(window.__pcs[window.__pcs.length - 1]).then((t) => done({ sessionId: data.sessionId, t0, t }));
    })();
  });
});
</script></body>`;

// A minimal customer leg over /ws/customer (docs/protocol.md, "Customer side" and "Media"): it holds
// its microphone from the moment it dials, as a good caller page does, and offers once connected.
const CUSTOMER_PAGE = `<!doctype html><meta charset="utf-8"><body><script>
window.dial = (wsUrl, serviceNumber) => new Promise(async (resolve, reject) => {
  const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
  const ws = new WebSocket(wsUrl);
  let id = 0, pc, sessionId;
  const req = (method, data) => ws.send(JSON.stringify({ v: 1, type: 'req', id: ++id, method, data }));
  ws.onopen = () => req('customer.dial', { serviceNumber, caller: '13800138000' });
  ws.onmessage = async (m) => {
    const f = JSON.parse(m.data);
    if (f.type === 'ping') return ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
    if (f.type === 'res' && !f.ok) return reject(new Error(JSON.stringify(f.error)));
    if (f.type !== 'evt') return;
    const d = f.data;
    (window.__tl = window.__tl || []).push([f.event + (d.state ? ':' + d.state : ''), window.__now()]);
    if (f.event === 'customer.state' && d.state === 'connected' && !pc) {
      sessionId = d.sessionId;
      pc = new RTCPeerConnection();
      mic.getTracks().forEach((t) => pc.addTrack(t, mic));
      pc.onicecandidate = (e) => e.candidate && req('media.candidate', { sessionId, candidate: e.candidate.toJSON() });
      window.__firstAudio(pc).then((t) => { resolve(t); setTimeout(() => { req('customer.hangUp', {}); pc.close(); mic.getTracks().forEach((t) => t.stop()); }, 50); });
      pc.onconnectionstatechange = () => window.__tl.push(['pc:' + pc.connectionState, window.__now()]);
      await pc.setLocalDescription(await pc.createOffer());
      window.__tl.push(['offer sent', window.__now()]);
      req('media.offer', { sessionId, sdp: pc.localDescription.sdp });
    } else if (f.event === 'media.answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
    } else if (f.event === 'media.candidate' && d.candidate && d.candidate.candidate) {
      await pc.addIceCandidate(d.candidate);
    }
  };
});
</script></body>`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

const server = await startServer({ args: ['--web-dir', join(ROOT, 'web')] });
const crm = await startCrm(server, CRM_PAGE);
const browser = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
const cleanup = [];
try {
  await browser.context.addInitScript(LOOPBACK_ONLY + TIMING);
  const wsBase = `ws://127.0.0.1:${server.port}`;
  // The floor fetches the very file the SDK fetches: its content-named copy (scripts/build-js.mjs),
  // which the server lets the browser keep, as it does for the SDK.
  const wasmFile = readdirSync(join(ROOT, 'dist')).find((f) => /^tccc-core\.[0-9a-f]{10}\.wasm$/.test(f));
  if (!wasmFile) throw new Error('dist/ has no tccc-core.<hash>.wasm: run scripts/build.sh js');
  const wasmUrl = `http://127.0.0.1:${server.port}/sdk/${wasmFile}`;

  // 1. script load -> ready, and its floor, alternating so both see the same machine state.
  const ready = [];
  const floors = [];
  for (let i = 0; i <= RUNS; i++) {
    const page = await browser.context.newPage();
    await page.goto(crm.url);
    const f = await page.evaluate(([w, s]) => window.floor(w, s), [wasmUrl, `${wsBase}/ws/agent`]);
    await page.close();
    const p2 = await browser.context.newPage();
    await p2.goto(crm.url);
    const r = await p2.evaluate((u) => window.loadAndWaitReady(u), server.agents[1]);
    await p2.evaluate(() => tccc.destroy());
    await p2.close();
    if (i === 0) continue; // warm-up
    ready.push(r);
    floors.push(f);
  }
  const afterLoad = ready.map((r) => r.afterLoad);
  const readyMs = median(afterLoad);
  const floorMs = median(floors.map((f) => f.ms));
  console.log(
    `script load -> ready: median ${fmt(readyMs)} over ${RUNS} runs (min ${fmt(Math.min(...afterLoad))}, max ${fmt(Math.max(...afterLoad))}), from the SdkURL script's responseEnd`,
  );
  console.log(
    `  floor (wasm fetch+instantiate ${fmt(median(floors.map((f) => f.wasm)))} + WebSocket open and one round trip ${fmt(median(floors.map((f) => f.ws)))}): median ${fmt(floorMs)}`,
  );
  console.log(`  ratio ${(readyMs / floorMs).toFixed(2)}x (goal <= 1.5x)`);
  console.log(
    `  from appending the <script> tag: median ${fmt(median(ready.map((r) => r.ms)))} (the script itself arrives after ${fmt(median(ready.map((r) => r.download)))}), ratio ${(median(ready.map((r) => r.ms)) / floorMs).toFixed(2)}x`,
  );

  // 1b. The same on a first visit: each measurement in a browser of its own with a fresh profile.
  const coldReady = [];
  const coldFloors = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const kind of ['floor', 'sdk']) {
      const fresh = await launchBrowser();
      try {
        await fresh.context.addInitScript(LOOPBACK_ONLY + TIMING);
        const page = await fresh.context.newPage();
        await page.goto(crm.url);
        if (kind === 'floor') {
          coldFloors.push(await page.evaluate(([w, s]) => window.floor(w, s), [wasmUrl, `${wsBase}/ws/agent`]));
        } else {
          coldReady.push(await page.evaluate((u) => window.loadAndWaitReady(u), server.agents[1]));
          await page.evaluate(() => tccc.destroy());
        }
      } finally {
        await fresh.close();
      }
    }
  }
  const coldMs = median(coldReady.map((r) => r.afterLoad));
  const coldFloorMs = median(coldFloors.map((f) => f.ms));
  console.log(
    `  first visit (fresh browser profile, nothing cached; median of ${COLD_RUNS}): ${fmt(coldMs)} from responseEnd, ` +
      `floor ${fmt(coldFloorMs)}, ratio ${(coldMs / coldFloorMs).toFixed(2)}x; from appending the tag ${fmt(median(coldReady.map((r) => r.ms)))}`,
  );

  // 2. accept -> two-way audio, against a bare RTCPeerConnection loopback in the same browser.
  const agentPage = await browser.context.newPage();
  if (process.env.TCCC_BENCH_DEBUG) {
    agentPage.on('console', (m) => console.log('agent console:', m.text()));
    agentPage.on('crash', () => console.log('agent page crashed'));
    agentPage.on('pageerror', (e) => console.log('agent pageerror', e));
    agentPage.on('response', (r) => {
      if (r.status() >= 400) console.log('agent', r.status(), r.url());
    });
    agentPage.on('close', () => console.log('agent page closed'));
    browser.context.on('close', () => console.log('context closed'));
    browser.context.browser()?.on('disconnected', () => console.log('browser disconnected'));
  }
  await agentPage.goto(crm.url);
  await agentPage.evaluate((u) => window.loadAndWaitReady(u), server.agents[1]); // agent2: Sales only
  // The customer is another device: its own browser, so neither page is a background tab.
  const customerBrowser = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
  cleanup.push(() => customerBrowser.close());
  await customerBrowser.context.addInitScript(LOOPBACK_ONLY + TIMING);
  const customerPage = await customerBrowser.context.newPage();
  if (process.env.TCCC_BENCH_DEBUG) console.log('customer page opened');
  await customerPage.goto(`http://127.0.0.1:${server.port}/sim/caller.html`);
  await customerPage.setContent(CUSTOMER_PAGE);
  const accepts = [];
  const bares = [];
  for (let i = 0; i <= RUNS; i++) {
    const agentDone = agentPage.evaluate(() => window.acceptNextCall());
    const customerDone = customerPage.evaluate(([u, n]) => window.dial(u, n), [`${wsBase}/ws/customer`, '4008002000']);
    agentDone.catch(() => {}); // a customer failure below is the one worth reporting
    const customerT = await customerDone.catch((e) => {
      throw new Error(`customer leg: ${e.message}`);
    });
    const a = await agentDone;
    // Wait out the after-call work so the agent is free for the next call.
    await agentPage.evaluate(
      () =>
        new Promise((resolve) => {
          (function poll() {
            if (tccc.Agent.getStatus && tccc.Agent.getStatus() === 'arrange') {
              tccc.Agent.setStatus({ status: 'free' }).then(resolve, resolve);
            } else if (tccc.Agent.getStatus && tccc.Agent.getStatus() === 'free') resolve();
            else setTimeout(poll, 20);
          })();
        }),
    );
    if (process.env.TCCC_BENCH_DEBUG) {
      const tl = await customerPage.evaluate(() => {
        const t = window.__tl;
        window.__tl = [];
        return t;
      });
      const ag = await agentPage.evaluate(() => {
        const t = window.__atl || [];
        window.__atl = [];
        return t;
      });
      const all = [
        ...tl.map(([k, t]) => ['customer ' + k, t]),
        ...ag.map(([k, t]) => ['agent ' + k, t]),
        ['agent accept', a.t0],
        ['agent audio', a.t],
        ['customer audio', customerT],
      ].sort((x, y) => x[1] - y[1]);
      console.log(all.map(([k, t]) => `${(t - a.t0).toFixed(1).padStart(7)} ${k}`).join('\n'));
    }
    const bare = await agentPage.evaluate(() => window.bareLoopback());
    if (i === 0) continue;
    accepts.push(Math.max(a.t, customerT) - a.t0);
    bares.push(bare);
  }
  const acceptMs = median(accepts);
  const bareMs = median(bares);
  console.log(
    `accept -> two-way audio: median ${fmt(acceptMs)} over ${RUNS} calls (min ${fmt(Math.min(...accepts))}, max ${fmt(Math.max(...accepts))})`,
  );
  console.log(`  bare RTCPeerConnection loopback (offer -> audio both ways): median ${fmt(bareMs)}`);
  console.log(`  ratio ${(acceptMs / bareMs).toFixed(2)}x (goal <= 1.5x)`);
} catch (e) {
  console.error(`bench failed: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  for (const f of cleanup) await f();
  await browser.close();
  await crm.close();
  await server.stop();
}
