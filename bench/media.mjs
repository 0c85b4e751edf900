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
//   2. `Call.accept` -> two-way audio: from calling accept on a ringing inbound call to the agent's
//      voice reaching the customer and the customer's voice reaching the agent, against a bare
//      RTCPeerConnection pair in one page (offer, answer, trickle ICE in-process, both with a
//      microphone track) from createOffer to audio arriving on both.
//
// The customer behaves as web/sim/caller.js does where the server anchors media: it offers to the
// server as soon as `customer.dial` answers (`mediaAnchored: true`) and hears the queue's music; the
// agent accepts once the call rings and the customer hears that music, plus 200 ms (a person clicks
// later still). The server connects the agent's leg while the call rings (docs/media.md, "Ringing"),
// so what accept still costs is joining that leg to the call and opening the agent's microphone.
// "Audio arrived" is always the arrival of the first RTP packet, never its playout:
//   - the agent hears the customer when the first audio packet arrives on the call's peer
//     connection. The server sends the agent nothing else while the call is not held (no music, and
//     nothing at all to a leg that is only ringing), so it is the customer's voice. A remote track starts muted and Chrome unmutes it on its first
//     packet, about 1 ms later; getStats() is no use for this: Chrome serves one cached report for
//     50 ms, which would add up to 50 ms to any figure read from it.
//   - the customer hears the agent when the agent's first packet arrives. The customer's connection
//     has carried the server's music since before accept, so its first packet, or its byte count,
//     proves nothing. Its page counts every audio packet as it arrives (an RTCRtpScriptTransform on
//     its receiver sees each Opus frame, one per packet, before the jitter buffer) with the time of
//     each. Once the call has run 300 ms the bench reads that count, the server's GET
//     /sim/sessions/<id> and the count again, until both counts agree (no packet in flight): the
//     agent leg's packetsIn there counts every packet the server received from the agent, each
//     forwarded to the customer's leg at once; the server stops the music when it attaches the agent's
//     leg, so the customer's other packets are music, and the packet after them is the agent's
//     first. It must have arrived after accept and after the server's agent leg connected (checked).
// The floor is timed the same way, from the first packet on each of its two connections.
//
// Real server (build/native/server/tccc-server) on loopback, Debian's Chromium with fake devices, ICE
// restricted to 127.0.0.1; the customer runs in a second browser, as it would on another device (a
// background tab is throttled). Medians over TCCC_BENCH_RUNS runs (default 11); the first run of each
// kind warms the HTTP cache and the browser and is not counted. TCCC_BENCH_DEBUG=1 prints each call's
// timeline (the accept's request and response, the server's offer and the SDK's answer, getUserMedia,
// ICE, DTLS, the server's leg, first audio on each side) and, at the end, the median time of each step
// for the calls and for the floor (the debug hooks wrap the agent page's WebSocket and
// RTCPeerConnection, so the figures of a debug run are not the headline). TCCC_BENCH_ONLY=ready or
// =accept runs one of the two parts. Prints figures, never fails on a number.
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
const DEBUG = Boolean(process.env.TCCC_BENCH_DEBUG);
const ONLY = process.env.TCCC_BENCH_ONLY || '';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Timing helpers, injected after the tests' loopback-only ICE filter (tests/e2e/media-kit.mjs).
const TIMING = `
// Time comparable across the pages of one browser and across the two browsers (one machine's clock,
// 1 ms resolution): performance.timeOrigin differs between pages by tens of ms.
window.__now = () => Date.now();
// Every peer connection notes when the first RTP packet of each remote track arrived: a remote track
// starts muted and Chrome unmutes it when its first packet is received (about 1 ms later, on the
// page's thread). getStats() would not do: Chrome serves the same cached report for 50 ms.
(() => {
  const Prev = window.RTCPeerConnection;
  if (!Prev) return;
  window.RTCPeerConnection = function (...args) {
    const pc = new Prev(...args);
    pc.__firstIn = {};
    pc.__waiting = [];
    pc.addEventListener('track', ({ track }) => {
      const note = () => {
        if (track.kind in pc.__firstIn) return;
        pc.__firstIn[track.kind] = window.__now();
        pc.__waiting.filter(([kind]) => kind === track.kind).forEach(([, resolve]) => resolve(pc.__firstIn[track.kind]));
      };
      if (track.muted) track.addEventListener('unmute', note, { once: true });
      else note();
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Prev.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Prev); // its statics too (generateCertificate)
})();
// Resolves with the time the first inbound audio RTP packet arrived on pc.
window.__firstAudio = (pc) => new Promise((resolve) => {
  if ('audio' in pc.__firstIn) resolve(pc.__firstIn.audio);
  else pc.__waiting.push(['audio', resolve]);
});`;

// TCCC_BENCH_DEBUG only, in the agent's page: timestamps of the signalling frames that matter, of
// getUserMedia and of every peer connection's steps (pc.__tl), for the per-step breakdown.
const DEBUG_HOOKS = `(() => {
  window.__wtl = [];
  const mark = (k) => window.__wtl.push([k, Date.now()]);
  const NativeWs = window.WebSocket;
  window.WebSocket = class extends NativeWs {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        if (typeof ev.data !== 'string') return;
        let f;
        try { f = JSON.parse(ev.data); } catch { return; }
        if (f.type === 'evt' && /^(media\\.|session\\.state)/.test(f.event)) mark('ws in ' + f.event + (f.data && f.data.state ? ':' + f.data.state : ''));
        else if (f.type === 'res' && f.id === window.__acceptId) mark('ws in accept response');
      });
    }
    send(d) {
      if (typeof d === 'string' && d.includes('"method"')) {
        try {
          const f = JSON.parse(d);
          if (f.method === 'session.accept') { window.__acceptId = f.id; mark('ws out session.accept'); }
          else if (/^media\\./.test(f.method)) mark('ws out ' + f.method);
        } catch {}
      }
      return super.send(d);
    }
  };
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = async (c) => { mark('getUserMedia start'); const s = await gum(c); mark('getUserMedia done'); return s; };
  const Pc = window.RTCPeerConnection;
  const at = (pc, k) => pc.__tl && pc.__tl.push([k, Date.now()]);
  const watchDtls = (pc) => {
    for (const t of [...pc.getSenders(), ...pc.getReceivers()].map((x) => x.transport)) {
      if (!t || t.__watched) continue;
      t.__watched = true;
      t.addEventListener('statechange', () => at(pc, 'dtls ' + t.state));
    }
  };
  window.RTCPeerConnection = function (...args) {
    const pc = new Pc(...args);
    pc.__tl = [['pc created', Date.now()]];
    pc.addEventListener('iceconnectionstatechange', () => at(pc, 'ice ' + pc.iceConnectionState));
    pc.addEventListener('connectionstatechange', () => at(pc, 'pc ' + pc.connectionState));
    return pc;
  };
  window.RTCPeerConnection.prototype = Pc.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Pc); // its statics too (generateCertificate)
  for (const name of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']) {
    const f = Pc.prototype[name];
    Pc.prototype[name] = async function (...args) {
      const d = args[0];
      const k = name + (d && d.type ? '(' + d.type + ')' : '');
      at(this, k + ' start');
      const r = await f.apply(this, args);
      at(this, k + ' done');
      watchDtls(this);
      return r;
    };
  }
})();`;

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
  const [t1, t2] = await both;
  const tl = [
    ...(p1.__tl || []).map(([k, t]) => ['offerer ' + k, t]),
    ...(p2.__tl || []).map(([k, t]) => ['answerer ' + k, t]),
    ['offerer first audio in', t1],
    ['answerer first audio in', t2],
  ];
  p1.close(); p2.close();
  [...a.getTracks(), ...b.getTracks()].forEach((t) => t.stop());
  return { ms: Math.max(t1, t2) - t0, t0, tl };
};
// One callIn handler for all runs; armCall resolves with the sessionId of the next call that rings.
window.armCall = () => new Promise((resolve) => {
  window.__onCall = resolve;
  if (window.__listening) return;
  window.__listening = true;
  window.__atl = [];
  tccc.on('mediaStateChanged', ({ data }) => window.__atl.push(['SDK mediaStateChanged ' + data.state, window.__now()]));
  tccc.on('userAccessed', () => window.__atl.push(['SDK userAccessed', window.__now()]));
  tccc.on('callIn', ({ data }) => {
    window.__pcsAtRing = window.__pcs.length;
    if (window.__onCall) window.__onCall(data.sessionId);
  });
});
// Accepts the ringing call; resolves once the call's peer connection has received audio (the
// customer's voice, forwarded by the server). The connection may be older than the accept: the
// server connects the agent while the call rings (docs/media.md, "Ringing").
window.acceptCall = async (sessionId) => {
  const before = window.__pcsAtRing;
  window.__atl = [];
  if (window.__wtl) window.__wtl.length = 0;
  const t0 = window.__now();
  await tccc.Call.accept({ sessionId });
  const tAccepted = window.__now();
  while (window.__pcs.length === before) await new Promise((r) => setTimeout(r, 2));
  const pc = window.__pcs[window.__pcs.length - 1];
  const t = await window.__firstAudio(pc);
  const tl = [...(pc.__tl || []), ...window.__atl, ...(window.__wtl || []), ['Call.accept resolved', tAccepted]];
  return { t0, t, tl };
};
</script></body>`;

// A minimal caller page over /ws/customer (docs/protocol.md, "Customer side" and "Media") that does
// what web/sim/caller.js does with its media: when `customer.dial` answers with mediaAnchored it
// opens its microphone and offers to the server at once (it hears the queue's music); answers and
// candidates are applied as they come; `held` silences the microphone; `ended` closes everything.
// (caller.js would offer on `connected` instead if the server did not anchor media; this bench needs
// the anchor's statistics, so it stops there.)
const CUSTOMER_PAGE = `<!doctype html><meta charset="utf-8"><body><script>
const WORKER = \`
let times = [];
onrtctransform = ({ transformer: { readable, writable } }) => {
  readable.pipeThrough(new TransformStream({ transform(frame, out) { times.push(Date.now()); out.enqueue(frame); } })).pipeTo(writable);
};
onmessage = (e) => postMessage({ count: times.length, times: e.data ? times : undefined });\`;
window.dial = (wsUrl, serviceNumber) => new Promise((resolve, reject) => {
  const ws = new WebSocket(wsUrl);
  let id = 0, dialId = 0, pc = null, mic = null, worker = null, sessionId = '', iceServers = [];
  const early = [];
  const tl = (window.__tl = []);
  const mark = (k) => tl.push([k, window.__now()]);
  const req = (method, data) => { ws.send(JSON.stringify({ v: 1, type: 'req', id: ++id, method, data })); return id; };
  let heard;
  window.__music = new Promise((r) => (heard = r));
  const end = () => {
    if (pc) pc.close();
    if (worker) worker.terminate();
    if (mic) mic.getTracks().forEach((t) => t.stop());
    ws.close();
  };
  window.__hangUp = () => req('customer.hangUp', {});
  const startMedia = async () => {
    const thisPc = (pc = new RTCPeerConnection({ iceServers }));
    pc.onicecandidate = (e) => e.candidate && req('media.candidate', { sessionId, candidate: e.candidate.toJSON() });
    pc.onconnectionstatechange = () => mark('pc ' + thisPc.connectionState);
    window.__firstAudio(pc).then((t) => { tl.push(['first audio in (music)', t]); heard(t); });
    mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    mic.getTracks().forEach((t) => thisPc.addTrack(t, mic));
    // Counts every audio packet as it arrives (an encoded transform sees each frame before the
    // jitter buffer; one Opus frame per packet), with its arrival time.
    worker = new Worker(URL.createObjectURL(new Blob([WORKER], { type: 'text/javascript' })));
    thisPc.getReceivers().find((r) => r.track.kind === 'audio').transform = new RTCRtpScriptTransform(worker, {});
    await pc.setLocalDescription(await pc.createOffer());
    mark('media.offer sent');
    req('media.offer', { sessionId, sdp: pc.localDescription.sdp });
  };
  // The number of audio packets received so far and, if asked, when each arrived.
  window.__frames = (withTimes) => new Promise((r) => {
    worker.onmessage = (e) => r(e.data);
    worker.postMessage(withTimes);
  });
  ws.onopen = () => { dialId = req('customer.dial', { serviceNumber, caller: '13800138000' }); };
  ws.onmessage = async (m) => {
    const f = JSON.parse(m.data);
    if (f.type === 'ping') return ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
    if (f.type === 'res' && !f.ok) return reject(new Error(JSON.stringify(f.error)));
    if (f.type === 'res' && f.id === dialId) {
      sessionId = f.data.sessionId;
      iceServers = Array.isArray(f.data.iceServers) ? f.data.iceServers : [];
      mark('customer.dial answered');
      if (f.data.mediaAnchored !== true) return reject(new Error('the server does not anchor media (--media-mode p2p?)'));
      startMedia().catch(reject);
      return resolve(sessionId);
    }
    if (f.type !== 'evt') return;
    const d = f.data;
    if (f.event !== 'media.candidate') mark(f.event + (d.state ? ':' + d.state : ''));
    if (f.event === 'customer.state') {
      if (mic) mic.getAudioTracks().forEach((t) => (t.enabled = d.state !== 'held'));
      if (d.state === 'ended') end();
    } else if (f.event === 'media.answer' && pc && pc.signalingState === 'have-local-offer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
      for (const c of early.splice(0)) await pc.addIceCandidate(c);
    } else if (f.event === 'media.candidate' && d.candidate && d.candidate.candidate) {
      if (pc && pc.remoteDescription) await pc.addIceCandidate(d.candidate);
      else early.push(d.candidate);
    }
  };
});
</script></body>`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Prints, for each step of a timeline ([name, ms after the start]), its median over the calls. */
function printSteps(title, timelines) {
  const byName = new Map();
  for (const tl of timelines) {
    const seen = new Set();
    for (const [k, ms] of tl) {
      if (seen.has(k) || !Number.isFinite(ms)) continue; // a step's first occurrence in each call
      seen.add(k);
      if (!byName.has(k)) byName.set(k, []);
      byName.get(k).push(ms);
    }
  }
  console.log(title);
  const rows = [...byName].map(([k, xs]) => [k, median(xs), xs.length]).sort((x, y) => x[1] - y[1]);
  for (const [k, ms, n] of rows)
    console.log(`${ms.toFixed(1).padStart(8)} ${k}${n < timelines.length ? ` (in ${n} of ${timelines.length})` : ''}`);
}

/**
 * When the agent's first packet reached the customer. The customer's packets are the server's music
 * until the agent's leg is attached, then the agent's voice. Reads the customer's packet count, the
 * server's statistics and the count again, until both counts agree (no packet arrived meanwhile):
 * each packet the agent's leg has received (packetsIn) was forwarded to the customer's leg
 * microseconds after it was counted and, on loopback, had arrived before the second count, so it is
 * among them; the others are music. The packet after the music is the agent's first.
 */
async function agentAtCustomer(customerPage, sessionId) {
  for (let k = 0; k < 50; k++) {
    const c1 = (await customerPage.evaluate(() => window.__frames(false))).count;
    const res = await fetch(`${server.baseUrl}/sim/sessions/${encodeURIComponent(sessionId)}`);
    const m = (await res.json()).media;
    const { count: c2, times } = await customerPage.evaluate(() => window.__frames(true));
    if (c1 === c2 && m && m.far && m.packetsIn > 0) {
      const music = c1 - m.packetsIn;
      return {
        t: times[music],
        lastMusic: times[music - 1],
        music,
        musicSent: m.far.packetsOut - m.packetsIn,
        fromAgent: m.packetsIn,
        agentLegConnectedAt: m.connectedAt,
      };
    }
    await sleep(3);
  }
  throw new Error(`${sessionId}: no agent audio at the server, or the customer's count never held still`);
}

async function acceptToAudio(wsBase) {
  const agentPage = await browser.context.newPage();
  if (DEBUG) {
    agentPage.on('console', (m) => console.log('agent console:', m.text()));
    agentPage.on('crash', () => console.log('agent page crashed'));
    agentPage.on('pageerror', (e) => console.log('agent pageerror', e));
    await agentPage.addInitScript(DEBUG_HOOKS);
  }
  await agentPage.goto(crm.url);
  await agentPage.evaluate((u) => window.loadAndWaitReady(u), server.agents[1]); // agent2: Sales only
  // The customer is another device: its own browser, so neither page is a background tab.
  const customerBrowser = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
  cleanup.push(() => customerBrowser.close());
  await customerBrowser.context.addInitScript(LOOPBACK_ONLY + TIMING);
  const customerPage = await customerBrowser.context.newPage();
  await customerPage.goto(`http://127.0.0.1:${server.port}/sim/caller.html`);
  await customerPage.setContent(CUSTOMER_PAGE);
  const accepts = [];
  const agentHears = [];
  const customerHears = [];
  const bares = [];
  const callSteps = [];
  const floorSteps = [];
  for (let i = 0; i <= RUNS; i++) {
    const ringing = agentPage.evaluate(() => window.armCall());
    ringing.catch(() => {}); // a customer failure below is the one worth reporting
    const sessionId = await customerPage
      .evaluate(([u, n]) => window.dial(u, n), [`${wsBase}/ws/customer`, '4008002000'])
      .catch((e) => {
        throw new Error(`customer leg: ${e.message}`);
      });
    // The agent accepts once the call rings at it and the customer hears the queue's music (its leg
    // to the server is up), and a little later, as a person clicking would.
    const [offered] = await Promise.all([ringing, customerPage.evaluate(() => window.__music)]);
    if (offered !== sessionId) throw new Error(`the agent was offered ${offered}, the customer placed ${sessionId}`);
    await sleep(200);
    const a = await agentPage.evaluate((sid) => window.acceptCall(sid), sessionId);
    await sleep(300); // both directions flow a while before the customer's packets are told apart
    const split = await agentAtCustomer(customerPage, sessionId);
    // The agent's first packet can only follow the accept and its own leg's DTLS handshake.
    if (!(split.t > a.t0 && split.t >= split.agentLegConnectedAt))
      throw new Error(`${sessionId}: the packet told apart as the agent's arrived before the agent's leg was up`);
    const customerT = split.t;
    const customerTl = await customerPage.evaluate(() => window.__tl);
    await customerPage.evaluate(() => window.__hangUp());
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
    const bare = await agentPage.evaluate(() => window.bareLoopback());
    const steps = [
      ...a.tl.map(([k, t]) => ['agent ' + k, t]),
      ...customerTl.filter(([, t]) => t >= a.t0).map(([k, t]) => ['customer ' + k, t]),
      ['server: agent leg connected (DTLS done)', split.agentLegConnectedAt],
      ['agent first audio in (customer voice)', a.t],
      ['customer last music packet in', split.lastMusic],
      ['customer first agent packet in', customerT],
    ]
      .map(([k, t]) => [k, t - a.t0])
      .sort((x, y) => x[1] - y[1]);
    if (DEBUG) {
      console.log(
        `call ${i}${i === 0 ? ' (warm-up)' : ''}: ${sessionId}; the customer counted ${split.music} music packets ` +
          `(the server sent ${split.musicSent}) and ${split.fromAgent} from the agent by the split`,
      );
      console.log(steps.map(([k, ms]) => `${ms.toFixed(1).padStart(8)} ${k}`).join('\n'));
      console.log(`  floor: ${fmt(bare.ms)}`);
    }
    if (i === 0) continue;
    accepts.push(Math.max(a.t, customerT) - a.t0);
    agentHears.push(a.t - a.t0);
    customerHears.push(customerT - a.t0);
    bares.push(bare.ms);
    callSteps.push(steps);
    floorSteps.push(bare.tl.map(([k, t]) => [k, t - bare.t0]));
  }
  const acceptMs = median(accepts);
  const bareMs = median(bares);
  console.log(
    `accept -> two-way audio: median ${fmt(acceptMs)} over ${RUNS} calls (min ${fmt(Math.min(...accepts))}, max ${fmt(Math.max(...accepts))}), ` +
      `the customer already connected to the server`,
  );
  console.log(
    `  the agent hears the customer after ${fmt(median(agentHears))}, the customer the agent after ${fmt(median(customerHears))} (medians)`,
  );
  console.log(`  bare RTCPeerConnection loopback (offer -> audio both ways): median ${fmt(bareMs)}`);
  console.log(`  ratio ${(acceptMs / bareMs).toFixed(2)}x (goal <= 1.5x)`);
  if (DEBUG) {
    printSteps('median step times of the calls, ms after Call.accept:', callSteps);
    printSteps('median step times of the floor, ms after its start:', floorSteps);
  }
}

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

  if (ONLY !== 'accept') {
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
  }

  // 2. accept -> two-way audio, against a bare RTCPeerConnection loopback in the same browser.
  if (ONLY !== 'ready') await acceptToAudio(wsBase);
} catch (e) {
  console.error(`bench failed: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  for (const f of cleanup) await f();
  await browser.close();
  await crm.close();
  await server.stop();
}
