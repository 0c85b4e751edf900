// SPDX-License-Identifier: Apache-2.0
// The SDK package (dist/index.cjs, release wasm) against the real tccc-server binary, logged in the
// way an integrator does it: the backend asks CreateSDKLoginToken (official tencentcloud-sdk-nodejs
// client) for an SdkURL, and the SDK is initialised from it. No part of the server is stood in for.
'use strict';
const fs = require('node:fs');
const WebSocket = require('ws');
const { startServer, cloudClient, BINARY } = require('../helpers/server');
const { DIST, sdkPackage, sleep } = require('./helpers/sdk');
const page = require('./helpers/page');

const { init, ErrorCode } = sdkPackage;

let server;
let cloud;
const instances = [];

beforeAll(async () => {
  if (!fs.existsSync(BINARY)) throw new Error(`${BINARY} is missing: build the server first (scripts/build.sh native)`);
  server = await startServer();
  cloud = cloudClient(server);
});
afterEach(() => {
  while (instances.length) instances.pop().destroy();
});
afterAll(async () => {
  if (server) await server.stop();
});

/** An SDK for `userId`, initialised from a fresh SdkURL, recording its events. */
async function loginSdk(userId) {
  const { SdkURL } = await cloud.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
  const tccc = init({ sdkUrl: SdkURL, WebSocket });
  instances.push(tccc);
  const log = [];
  for (const name of Object.keys(tccc.events)) tccc.on(name, (p) => log.push([name, p]));
  const waitEvent = async (name, pred = () => true, ms = 8000) => {
    const end = Date.now() + ms;
    for (;;) {
      const hit = log.find(([n, p]) => n === name && pred(p));
      if (hit) return hit[1];
      if (Date.now() > end) throw new Error(`no ${name}; saw ${JSON.stringify(log.map(([n]) => n))}`);
      await sleep(10);
    }
  };
  return { tccc, log, waitEvent, SdkURL };
}

async function placeInboundCall(body) {
  const res = await fetch(`${server.baseUrl}/sim/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()).sessionId;
}

test('SdkURL login: ready, then free; an inbound call rings, is accepted, and ends when the caller hangs up', async () => {
  const agent = await loginSdk('agent2@tccc.local');
  await agent.waitEvent('ready');
  await agent.waitEvent('statusChanged', (p) => p.data.status === 'free');
  expect(agent.tccc.Agent.getStatus()).toBe('free');

  const sessionId = await placeInboundCall({ caller: '13800138000', serviceNumber: '4008002000', holdSeconds: 1 });
  const callIn = await agent.waitEvent('callIn', (p) => p.data.sessionId === sessionId);
  expect(callIn.data).toMatchObject({
    type: 'phone',
    callerPhoneNumber: '13800138000',
    calleePhoneNumber: '4008002000',
  });
  const res = await agent.tccc.Call.accept({ sessionId });
  expect(res).toEqual({ status: 'success', data: { sessionId } });
  await agent.waitEvent('userAccessed', (p) => p.data.sessionId === sessionId);
  await agent.waitEvent('statusChanged', (p) => p.data.status === 'busy');
  const ended = await agent.waitEvent('sessionEnded', (p) => p.data.sessionId === sessionId);
  expect(ended.data.closeBy).toBe('client');
  await agent.waitEvent('statusChanged', (p) => p.data.status === 'arrange');
  const names = agent.log.map(([n]) => n).filter((n) => n !== 'statusChanged');
  expect(names).toEqual(['ready', 'callIn', 'userAccessed', 'sessionEnded']);
});

test('status changes round-trip through the server; bad arguments never reach it', async () => {
  const agent = await loginSdk('agent3@tccc.local');
  await agent.waitEvent('ready');
  await agent.waitEvent('statusChanged', (p) => p.data.status === 'free');
  await agent.tccc.Agent.setStatus({ status: 'rest', restReason: 'lunch' });
  const rest = await agent.waitEvent('statusChanged', (p) => p.data.status === 'rest');
  expect(rest.data.restReason).toBe('lunch');
  const bad = await agent.tccc.Agent.setStatus({ status: 'busy' }).catch((e) => e);
  expect(bad.code).toBe(ErrorCode.ERR_INVALID_ARGUMENT);
  const unknown = await agent.tccc.Call.hungUp({ sessionId: 's-nope' }).catch((e) => e);
  expect(unknown.code).toBe(ErrorCode.ERR_SESSION_NOT_FOUND);
  await agent.tccc.Agent.setStatus({ status: 'free' });
  const frees = () => agent.log.filter(([n, p]) => n === 'statusChanged' && p.data.status === 'free').length;
  for (const end = Date.now() + 5000; frees() < 2 && Date.now() < end;) await sleep(10);
  expect(frees()).toBe(2);
  expect(agent.tccc.Agent.getStatus()).toBe('free');
});

test('a wrong token is refused with tokenExpired; a second login kicks the first one out', async () => {
  const first = await loginSdk('agent1@tccc.local');
  await first.waitEvent('ready');
  // The SdkURL with a token the server never issued.
  const forged = new URL(first.SdkURL);
  const login = new URLSearchParams(forged.hash.slice(1));
  login.set('token', 'f'.repeat(32));
  forged.hash = login.toString();
  const refused = init({ sdkUrl: forged.toString(), WebSocket });
  instances.push(refused);
  const expired = await new Promise((resolve) => refused.on('tokenExpired', resolve));
  expect(typeof expired.message).toBe('string');
  expect(expired.data.code).toBe(ErrorCode.ERR_HTTP_TOKEN_ERROR);
  expect(first.log.filter(([n]) => n === 'kickedOut')).toHaveLength(0); // a refused login takes nothing over
  // A real login of the same agent elsewhere takes over.
  const second = await loginSdk('agent1@tccc.local');
  await second.waitEvent('ready');
  const kicked = await first.waitEvent('kickedOut');
  expect(kicked.data.reason).toBe('loggedInElsewhere');
  await sleep(300);
  expect(first.log.filter(([n]) => n === 'tryToReconnect')).toHaveLength(0);
  const after = await first.tccc.Agent.setStatus({ status: 'rest' }).catch((e) => e);
  expect(after.code).toBe(ErrorCode.ERR_NOT_READY);
  expect((await second.tccc.Agent.setStatus({ status: 'rest' })).status).toBe('success');
});

test('script tag: the SdkURL served by the server initialises window.tccc, which fetches its wasm and logs in', async () => {
  const { SdkURL } = await cloud.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: 'agent3@tccc.local' });
  const script = await fetch(SdkURL);
  expect(script.status).toBe(200);
  const pg = page.makePage(server.baseUrl);
  page.loadScript(pg, SdkURL, {}, await script.text());
  const { tccc } = pg.window;
  const seen = [];
  tccc.on(tccc.events.ready, () => seen.push('ready'));
  tccc.on(tccc.events.statusChanged, ({ data }) => seen.push(data.status));
  for (const end = Date.now() + 8000; !seen.includes('ready') && Date.now() < end;) await sleep(10);
  expect(seen[0]).toBe('ready');
  expect(pg.WebAssembly.compileStreaming).toHaveBeenCalledTimes(1); // application/wasm from the server
  expect(pg.WebAssembly.compile).not.toHaveBeenCalled();
  expect(pg.console.error).not.toHaveBeenCalled();
  tccc.destroy();
  expect(pg.window.tccc).toBeUndefined();
  // tccc.js (one-time URL) must be revalidated; the wasm it loads is named by its content, so the
  // browser keeps it for good, and it is the same bytes as dist/tccc-core.wasm.
  expect(script.headers.get('cache-control')).toBe('no-cache');
  const wasmUrl = pg.fetch.mock.calls.map(([u]) => String(u)).find((u) => u.endsWith('.wasm'));
  expect(wasmUrl).toMatch(/\/sdk\/tccc-core\.[0-9a-f]{10}\.wasm$/);
  const wasm = await fetch(wasmUrl);
  expect(wasm.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  const bytes = Buffer.from(await wasm.arrayBuffer());
  expect(bytes.equals(require('node:fs').readFileSync(require('node:path').join(DIST, 'tccc-core.wasm')))).toBe(true);
});
