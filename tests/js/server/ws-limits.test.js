// SPDX-License-Identifier: Apache-2.0
// WebSocket limits as a hostile client meets them: an oversized message is refused with close 1009
// (docs/protocol.md, Transport) even while the client is still sending it, and a login without a
// valid credential does not tell whether an agent or an app exists.
'use strict';

const WebSocket = require('ws');
const { startServer } = require('../helpers/server');

let server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  if (server) await server.stop();
});

function agentSocket() {
  return new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/ws/agent`);
}

function closeOf(ws) {
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

test.each([
  ['10 MB', 10 * 1024 * 1024],
  ['3 MB', 3 * 1024 * 1024],
])('a %s message closes the socket with 1009, not a reset', async (_name, size) => {
  const ws = agentSocket();
  ws.on('error', () => {});
  const closed = closeOf(ws);
  ws.on('open', () => ws.send('x'.repeat(size)));
  const { code } = await closed;
  expect(code).toBe(1009);
});

test('the server still serves a new client after an oversized message', async () => {
  const res = await fetch(`${server.baseUrl}/healthz`);
  expect(res.status).toBe(200);
});

function loginAnswer(data) {
  return new Promise((resolve, reject) => {
    const ws = agentSocket();
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'req', id: 1, method: 'auth.login', data })));
    ws.on('message', (m) => {
      ws.close();
      resolve(JSON.parse(String(m)).error);
    });
  });
}

test('a login with a bad token answers alike for known and unknown agents and apps', async () => {
  const known = await loginAnswer({ sdkAppId: server.sdkAppId, userId: server.agents[0], token: 'not-a-token' });
  expect(known.code).toBe(-10002);
  const probes = [
    { sdkAppId: server.sdkAppId, userId: 'nobody@tccc.local', token: 'not-a-token' },
    { sdkAppId: server.sdkAppId + 1, userId: server.agents[0], token: 'not-a-token' },
    { sdkAppId: server.sdkAppId, userId: 'nobody@tccc.local', resumeToken: 'r-made-up' },
  ];
  for (const probe of probes) {
    const answer = await loginAnswer(probe);
    expect(answer.code).toBe(-10002);
    if (!probe.resumeToken) expect(answer.message).toBe(known.message);
  }
});
