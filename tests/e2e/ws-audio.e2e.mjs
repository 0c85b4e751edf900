// SPDX-License-Identifier: Apache-2.0
// Audio over the WebSocket (docs/media.md "Transports"), end to end with the real server and Chromium:
// - in the no-UDP namespace (no-udp.mjs) with `auto`, a /sim/inbound call's WebRTC leg cannot connect,
//   the SDK switches to the WebSocket and says so (`mediaTransportChanged`); then audio flows both
//   ways (the server hears the agent's fake microphone, a recorded voice, and the agent's worklet
//   plays the server's voice: `audioVolume`), through mute (the server hears nothing), hold, DTMF and
//   20 % injected loss (audio still flows, networkQuality worsens);
// - outside it, a call connected over WebRTC whose UDP stops mid-call (the server's leg blocked with
//   `impair {blockUdp}`) moves to the WebSocket (`reason: 'iceLost'`) and is heard both ways;
// - `data-media-transport="websocket"` never makes a peer connection; a microphone switch
//   keeps the audio flowing, and a transfer closes the leg without an error and the next agent gets
//   a leg of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, startCrm, assert, assertEqual, waitFor } from './harness.mjs';
import { CRM_PAGE, acceptSimCall, makeAudio } from './media-kit.mjs';
import { launchNoUdpBrowser } from './no-udp.mjs';

const AUTOPLAY = '--autoplay-policy=no-user-gesture-required';
// Counts the page's peer connections, to tell that the `websocket` transport never made one.
const COUNT_PCS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcCount = 0;
  if (!Native) return;
  window.RTCPeerConnection = function (...args) { window.__pcCount++; return new Native(...args); };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
})();`;

async function simSession(ctx, sessionId) {
  const res = await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}`);
  assertEqual(res.status, 200, 'GET /sim/sessions/<id>');
  return res.json();
}
const simMedia = async (ctx, sessionId) => (await simSession(ctx, sessionId)).media;

/** POST /sim/sessions/<id>/impair: `loss` (0..1) of the agent side's audio; `blockUdp` cuts its UDP leg. */
async function impair(ctx, sessionId, loss, { blockUdp = false } = {}) {
  const res = await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}/impair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loss, blockUdp }),
  });
  assertEqual(res.status, 200, `impair ${loss} ${blockUdp}: ${await res.text()}`);
}

/** Logs `userId` in from `browser` with the script tag's `dataset`, rings a /sim/inbound call and accepts it. */
async function acceptedCall(ctx, browser, userId, dataset) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.__paths = [];
  page.on('request', (r) => page.__paths.push(new URL(r.url()).pathname));
  await page.goto(ctx.crm.url);
  assertEqual(
    await page.evaluate(
      ([u, d]) => {
        window.__logMeters = true;
        return loadSdk(u, d);
      },
      [userId, dataset],
    ),
    'loaded',
    'SDK script',
  );
  await page.evaluate(() => waitEvent('ready'));
  // An agent of an earlier test may still be in after-call work: free it, so the call rings it.
  await waitFor(
    () =>
      page.evaluate(
        () => tccc.Agent.getStatus() === 'free' || (tccc.Agent.setStatus({ status: 'free' }).catch(() => {}), false),
      ),
    `${userId} free`,
  );
  const sessionId = await acceptSimCall(ctx.server.baseUrl, page);
  return { page, sessionId };
}

/** The highest `remote` of the session's audioVolume events over the next `ms`. */
async function remoteVolume(page, sessionId, ms = 1500) {
  return page.evaluate(
    async ([id, wait]) => {
      const from = window.__log.length;
      await new Promise((r) => setTimeout(r, wait));
      return Math.max(
        0,
        ...window.__log
          .slice(from)
          .filter(([k, d]) => k === 'audioVolume' && d.sessionId === id)
          .map(([, d]) => d.remote),
      );
    },
    [sessionId, ms],
  );
}

/** The server's packet count from the agent grows by at least `n` within a few seconds. */
async function packetsFlow(ctx, sessionId, n, what) {
  const before = (await simMedia(ctx, sessionId)).packetsIn;
  await waitFor(async () => (await simMedia(ctx, sessionId)).packetsIn >= before + n, what, 8000);
}

export async function setup() {
  const server = await startServer();
  const crm = await startCrm(server, CRM_PAGE);
  const dir = mkdtempSync(join(tmpdir(), 'tccc-ws-audio-'));
  const audio = makeAudio(dir);
  return { server, crm, dir, audio };
}

export async function teardown(ctx) {
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

export const tests = [
  {
    name: 'ws-audio: with auto and no UDP, the call falls back to the WebSocket; audio both ways, mute, hold, DTMF, loss',
    timeoutMs: 120000,
    async run(ctx) {
      const crmPort = Number(new URL(ctx.crm.url).port);
      const agent = await launchNoUdpBrowser(
        [ctx.server.port, crmPort],
        [AUTOPLAY, `--use-file-for-fake-audio-capture=${ctx.audio.speech}`],
      );
      try {
        const { page, sessionId } = await acceptedCall(ctx, agent, ctx.server.agents[0], {
          mediaFallbackAfterMs: '3000',
        });
        const changed = await page.evaluate(
          (id) => waitEvent('mediaTransportChanged', (d) => d.sessionId === id, 20000),
          sessionId,
        );
        assertEqual(changed, { sessionId, transport: 'websocket', reason: 'iceTimeout' }, 'mediaTransportChanged');

        // The server hears the agent's voice over the socket.
        await waitFor(
          async () => {
            const m = await simMedia(ctx, sessionId);
            return (
              m && m.transport === 'websocket' && m.state === 'connected' && m.packetsIn > 50 && m.peakRmsIn > 0.01
            );
          },
          'the server leg on the WebSocket hears the agent',
          15000,
        );
        // The agent's worklet plays the server's voice.
        const heard = await remoteVolume(page, sessionId, 2000);
        assert(heard > 0, `the agent hears the far end (audioVolume remote ${heard})`);
        const states = await page.evaluate((id) => mediaStates(id), sessionId);
        assert(!states.includes('failed'), `no failure shown: ${JSON.stringify(states)}`);

        // Mute: the agent sends silence, so the level the server measures drops to nothing.
        assertEqual(
          (await page.evaluate((id) => tccc.Call.muteMic({ sessionId: id }), sessionId)).status,
          'success',
          'muteMic',
        );
        await waitFor(async () => (await simMedia(ctx, sessionId)).rmsIn < 0.002, 'the server hears silence', 5000);
        await page.evaluate((id) => tccc.Call.unmuteMic({ sessionId: id }), sessionId);
        await packetsFlow(ctx, sessionId, 25, 'audio again after unmute');

        // Hold: the server holds (music to the caller); the same leg carries on after unHold.
        const legs = (await simMedia(ctx, sessionId)).legs;
        assertEqual(
          (await page.evaluate((id) => tccc.Call.hold({ sessionId: id }), sessionId)).status,
          'success',
          'hold',
        );
        await waitFor(async () => (await simMedia(ctx, sessionId)).held === true, 'the server leg is held');
        assertEqual(
          (await page.evaluate((id) => tccc.Call.unHold({ sessionId: id }), sessionId)).status,
          'success',
          'unHold',
        );
        await waitFor(async () => (await simMedia(ctx, sessionId)).held === false, 'the server leg is not held');
        await packetsFlow(ctx, sessionId, 25, 'audio again after unHold');
        assertEqual((await simMedia(ctx, sessionId)).legs, legs, 'hold kept the leg');

        // DTMF: the digits reach the server, and the event frames are valid (nothing dropped).
        assertEqual(
          (await page.evaluate((id) => tccc.Call.sendDigits({ sessionId: id, dtmfText: '12#' }), sessionId)).status,
          'success',
          'sendDigits',
        );
        await waitFor(
          async () => (await simSession(ctx, sessionId)).digitsReceived === '12#',
          'the server got the digits',
        );
        await new Promise((r) => setTimeout(r, 800)); // the three tones' frames
        assertEqual((await simMedia(ctx, sessionId)).dropped, 0, 'frames the server refused');

        // 20 % loss both ways: audio keeps flowing, networkQuality worsens.
        await page.evaluate(() => markLog());
        await impair(ctx, sessionId, 0.2);
        const bad = await page.evaluate(
          // The first reading after the loss starts may cover a window that is partly clean: wait
          // for one that has seen it (each is graded from the last ~2 s).
          (id) => waitEvent('networkQuality', (d) => d.sessionId === id && d.quality >= 3 && d.lossPercent >= 8, 15000),
          sessionId,
        );
        assert(bad.lossPercent >= 8, `graded from the loss: ${JSON.stringify(bad)}`);
        await packetsFlow(ctx, sessionId, 25, 'audio flows under loss');
        const heardUnderLoss = await remoteVolume(page, sessionId, 1500);
        assert(heardUnderLoss > 0, `the agent still hears the far end under loss (${heardUnderLoss})`);
        await impair(ctx, sessionId, 0);

        await page.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);
        await page.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sessionId);
        await page.evaluate(
          (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'closed'),
          sessionId,
        );
        await page.close();
      } finally {
        await agent.close();
      }
    },
  },
  {
    name: 'ws-audio: with auto, a call whose UDP stops mid-call moves to the WebSocket and is heard both ways',
    timeoutMs: 90000,
    async run(ctx) {
      const browser = await launchBrowser([AUTOPLAY, `--use-file-for-fake-audio-capture=${ctx.audio.speech}`]);
      try {
        const { page, sessionId } = await acceptedCall(ctx, browser, ctx.server.agents[0], {
          mediaFallbackAfterMs: '3000',
        });
        await waitFor(
          async () => {
            const m = await simMedia(ctx, sessionId);
            return m && m.transport === 'webrtc' && m.state === 'connected' && m.packetsIn > 25;
          },
          'the call connected over WebRTC first',
          15000,
        );
        const legs = (await simMedia(ctx, sessionId)).legs;
        await page.evaluate(() => markLog());

        // The network stops passing UDP: the server's WebRTC leg loses everything, ICE checks
        // included. The browser sees its connection drop, restarts ICE in vain, and moves the call.
        await impair(ctx, sessionId, 0, { blockUdp: true });
        const changed = await page.evaluate(
          (id) => waitEvent('mediaTransportChanged', (d) => d.sessionId === id, 45000),
          sessionId,
        );
        assertEqual(changed, { sessionId, transport: 'websocket', reason: 'iceLost' }, 'mediaTransportChanged');
        const lost = await page.evaluate((id) => mediaStates(id), sessionId);
        assert(
          lost.includes('disconnected') || lost.includes('failed'),
          `the WebRTC connection was seen to drop: ${JSON.stringify(lost)}`,
        );
        let last;
        await waitFor(
          async () => {
            const m = (last = await simMedia(ctx, sessionId));
            return m.legs > legs && m.transport === 'websocket' && m.state === 'connected' && m.peakRmsIn > 0.01;
          },
          'the server hears the agent over the WebSocket',
          15000,
        ).catch((e) => {
          throw new Error(`${e.message}: ${JSON.stringify(last)}`);
        });
        await packetsFlow(ctx, sessionId, 25, 'audio over the socket after the move');
        const heard = await remoteVolume(page, sessionId, 2000);
        assert(heard > 0, `the agent hears the far end after the move (audioVolume remote ${heard})`);
        assertEqual((await simSession(ctx, sessionId)).agentUserId, ctx.server.agents[0], 'the same call, same agent');

        await page.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);
        await page.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sessionId);
        await page.close();
      } finally {
        await browser.close();
      }
    },
  },
  {
    name: 'ws-audio: data-media-transport="websocket" outside the namespace: no peer connection, audio over the socket',
    timeoutMs: 60000,
    async run(ctx) {
      const browser = await launchBrowser([AUTOPLAY, `--use-file-for-fake-audio-capture=${ctx.audio.speech}`]);
      try {
        await browser.context.addInitScript(COUNT_PCS);
        const { page, sessionId } = await acceptedCall(ctx, browser, ctx.server.agents[1], {
          mediaTransport: 'websocket',
        });
        const changed = await page.evaluate(
          (id) => waitEvent('mediaTransportChanged', (d) => d.sessionId === id, 10000),
          sessionId,
        );
        assertEqual(changed, { sessionId, transport: 'websocket', reason: 'configured' }, 'mediaTransportChanged');
        await waitFor(
          async () => {
            const m = await simMedia(ctx, sessionId);
            return m && m.transport === 'websocket' && m.packetsIn > 25 && m.peakRmsIn > 0.01;
          },
          'the server hears the agent over the socket',
          10000,
        );
        const heard = await remoteVolume(page, sessionId, 1500);
        assert(heard > 0, `the agent hears the far end (${heard})`);
        assertEqual(await page.evaluate(() => window.__pcCount), 0, 'peer connections made');
        // The Opus wasm came from next to the SDK, once (the worklet's own script fetches are not
        // the page's requests).
        const opus = page.__paths.filter((p) => p.includes('tccc-opus'));
        assertEqual(opus, ['/sdk/tccc-opus.wasm'], 'Opus wasm requests');
        await page.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);
        await page.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sessionId);
        await page.close();
      } finally {
        await browser.close();
      }
    },
  },
  {
    name: 'ws-audio: on the WebSocket a microphone switch keeps the audio; a transfer closes the leg quietly',
    timeoutMs: 90000,
    async run(ctx) {
      const browser = await launchBrowser([AUTOPLAY, `--use-file-for-fake-audio-capture=${ctx.audio.speech}`]);
      try {
        // A is in the skill group the simulated call rings; B (agents[2]) need not be.
        const { page, sessionId } = await acceptedCall(ctx, browser, ctx.server.agents[1], {
          mediaTransport: 'websocket',
        });
        await page.evaluate((id) => waitEvent('mediaTransportChanged', (d) => d.sessionId === id, 10000), sessionId);
        await packetsFlow(ctx, sessionId, 25, 'audio over the socket');

        const mics = await page.evaluate(async () => (await tccc.Devices.getMicrophones()).map((d) => d.deviceId));
        const target = mics.find((id) => id && id !== 'default') || mics[0];
        const switched = await page.evaluate((id) => tccc.Devices.setMicrophone({ deviceId: id }), target);
        assertEqual(switched, { status: 'success', data: { deviceId: target } }, 'setMicrophone');
        await packetsFlow(ctx, sessionId, 25, 'audio after the microphone switch');
        await waitFor(async () => (await simMedia(ctx, sessionId)).rmsIn > 0.01, 'the server hears the new microphone');

        // B: another agent, free, in a page of its own.
        const b = await browser.context.newPage();
        await b.goto(ctx.crm.url);
        assertEqual(
          await b.evaluate((u) => loadSdk(u, { mediaTransport: 'websocket' }), ctx.server.agents[2]),
          'loaded',
          'B',
        );
        await b.evaluate(() => waitEvent('ready'));
        // B may still be in after-call work from the test before: free it (a transfer rings a free agent).
        await waitFor(
          () =>
            b.evaluate(
              () =>
                tccc.Agent.getStatus() === 'free' || (tccc.Agent.setStatus({ status: 'free' }).catch(() => {}), false),
            ),
          'agent B free',
        );
        await b.evaluate(() => markLog());

        const legsOfA = (await simMedia(ctx, sessionId)).legs;
        const moved = await page.evaluate(
          ([id, to]) => tccc.Call.transfer({ sessionId: id, userId: to }),
          [sessionId, ctx.server.agents[2]],
        );
        assertEqual(moved.status, 'success', 'transfer');
        await page.evaluate(
          (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'closed', 10000),
          sessionId,
        );
        await new Promise((r) => setTimeout(r, 1500)); // past the leg's reopen delay
        const states = await page.evaluate((id) => mediaStates(id), sessionId);
        assert(!states.includes('failed'), `no error shown to A: ${JSON.stringify(states)}`);

        await b.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id, 15000), sessionId);
        assertEqual(
          (await b.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId)).status,
          'success',
          'B accepts',
        );
        let last;
        await waitFor(
          async () => {
            const m = (last = await simMedia(ctx, sessionId));
            return m.legs > legsOfA && m.transport === 'websocket' && m.state === 'connected' && m.packetsIn > 25;
          },
          "B's own leg over the socket",
          15000,
        ).catch((e) => {
          throw new Error(`${e.message}: ${JSON.stringify(last)}`);
        });
        assertEqual((await simSession(ctx, sessionId)).agentUserId, ctx.server.agents[2], 'the call is with B');
        await b.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);
        await b.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sessionId);
      } finally {
        await browser.close();
      }
    },
  },
];
