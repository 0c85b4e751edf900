// SPDX-License-Identifier: Apache-2.0
// The no-UDP browser (no-udp.mjs): an agent whose Chromium runs in a network namespace that only
// reaches the tccc server and the integrator page over bridged TCP logs in, gets a /sim/inbound call
// and accepts it, and its WebRTC leg never connects: the SDK reports `failed` (ICE gave up) and the
// server's leg never sees a packet (GET /sim/sessions/<id>). The same steps from a browser outside
// the namespace connect, so it is the namespace that blocks the media, not the test. A namespace
// left by a killed run is swept by the next.
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, startCrm, assert, assertEqual, waitFor } from './harness.mjs';
import { CRM_PAGE, acceptSimCall } from './media-kit.mjs';
import { launchNoUdpBrowser, runInside, startNoUdp, sweepStale } from './no-udp.mjs';

const namespaces = () =>
  execFileSync('ip', ['netns', 'list'])
    .toString()
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter(Boolean);

async function simMedia(ctx, sessionId) {
  const res = await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}`);
  assertEqual(res.status, 200, 'GET /sim/sessions/<id>');
  return (await res.json()).media;
}

/** Logs the server's agent `userId` in from `browser`, rings a /sim/inbound call at it and accepts it. */
async function acceptedCall(ctx, browser, userId) {
  const page = await browser.context.newPage();
  await page.goto(ctx.crm.url);
  // WebRTC only: the default (`auto`) would move the call to the WebSocket (ws-audio.e2e.mjs).
  assertEqual(await page.evaluate((u) => loadSdk(u, { mediaTransport: 'webrtc' }), userId), 'loaded', 'SDK script');
  await page.evaluate(() => waitEvent('ready'));
  const sessionId = await acceptSimCall(ctx.server.baseUrl, page);
  return { page, sessionId };
}

async function hangUp(page, sessionId) {
  await page.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);
  await page.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sessionId);
  await page.close();
}

export async function setup() {
  const server = await startServer();
  const crm = await startCrm(server, CRM_PAGE);
  return { server, crm };
}

export async function teardown(ctx) {
  await ctx.crm.close();
  await ctx.server.stop();
}

export const tests = [
  {
    name: 'no-udp: in a namespace with TCP only the WebRTC leg never connects; outside it does',
    timeoutMs: 90000,
    async run(ctx) {
      const crmPort = Number(new URL(ctx.crm.url).port);
      const inside = await launchNoUdpBrowser(
        [ctx.server.port, crmPort],
        ['--autoplay-policy=no-user-gesture-required'],
      );
      const ns = { name: inside.namespace };
      try {
        // The namespace has its loopback and nothing else.
        const links = runInside(ns.name, 'ip', ['-o', 'link']);
        assertEqual(
          links
            .trim()
            .split('\n')
            .map((l) => l.split(':')[1].trim()),
          ['lo'],
          'interfaces in the namespace',
        );
        const { page, sessionId } = await acceptedCall(ctx, inside, ctx.server.agents[0]);
        // HTTP and the WebSocket worked (logged in, call accepted); the media cannot: ICE gives up.
        await page.evaluate(
          (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'failed', 40000),
          sessionId,
        );
        const states = await page.evaluate((id) => mediaStates(id), sessionId);
        assert(!states.includes('connected'), `the SDK never connected: ${JSON.stringify(states)}`);
        const media = await simMedia(ctx, sessionId);
        assert(media && media.state !== 'connected', `the server leg is not connected: ${JSON.stringify(media)}`);
        assertEqual([media.packetsIn, media.connectedAt], [0, 0], 'the server leg never got a packet');
        await hangUp(page, sessionId);
      } finally {
        await inside.close();
      }
      assert(!namespaces().includes(ns.name), `${ns.name} is removed`);

      // The same steps from the host network connect (another agent: the first is in after-call work).
      const outside = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
      try {
        const { page, sessionId } = await acceptedCall(ctx, outside, ctx.server.agents[1]);
        await page.evaluate(
          (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'connected', 15000),
          sessionId,
        );
        await waitFor(async () => {
          const m = await simMedia(ctx, sessionId);
          return m && m.state === 'connected' && m.packetsIn > 0;
        }, 'the server leg connected and receiving');
        await hangUp(page, sessionId);
      } finally {
        await outside.close();
      }
    },
  },
  {
    name: 'no-udp: a namespace left by a killed run is swept; a live run keeps its own',
    async run() {
      // A pid that is certainly not running: past the kernel's pid_max.
      const pidMax = Number(execFileSync('cat', ['/proc/sys/kernel/pid_max']).toString());
      const stale = `tccc-noudp-${pidMax + 1}-1`;
      execFileSync('ip', ['netns', 'add', stale]);
      const mine = await startNoUdp([1]);
      try {
        assert(!namespaces().includes(stale), `the stale ${stale} was removed by the next start`);
        sweepStale();
        assert(namespaces().includes(mine.name), 'a namespace of a live process is kept');
      } finally {
        await mine.close();
        if (namespaces().includes(stale)) execFileSync('ip', ['netns', 'del', stale]);
      }
      assert(!namespaces().includes(mine.name), 'close() removes the namespace');
    },
  },
];
