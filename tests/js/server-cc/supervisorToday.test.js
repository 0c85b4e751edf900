// SPDX-License-Identifier: Apache-2.0
// End to end against the real server binary (docs/protocol.md, "Supervisor view"): the day's figures a
// supervisor watches survive a restart. Calls are answered and abandoned, the server is stopped and
// started again on the same data directory, and supervisor.watch shows the same offered, answered,
// abandoned and service level as before: counted again from the stored CDRs.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { startServer, httpJson, loginAgent } = require('./ccClient');

jest.setTimeout(60000);

let dataDir;
let server;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-today-'));
});

afterAll(async () => {
  if (server) await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function today(srv) {
  const boss = await loginAgent(srv, 'supervisor@tccc.local');
  const watched = await boss.request('supervisor.watch');
  expect(watched.ok).toBe(true);
  boss.close();
  return watched.data.today;
}

test("a supervisor's figures for the day are the same after a restart", async () => {
  server = await startServer({ dataDir });
  expect((await today(server)).offered).toBe(0);

  // One call answered, then one nobody can take (the only agent has logged out): abandoned.
  const agent = await loginAgent(server, 'agent2@tccc.local');
  const placed = await httpJson(server, 'POST', '/sim/inbound', {
    caller: '13800138000',
    serviceNumber: '4008002000',
    holdSeconds: 1,
  });
  const callId = placed.body.sessionId;
  await agent.waitSession(callId, 'ringing');
  expect((await agent.request('session.accept', { sessionId: callId })).ok).toBe(true);
  await agent.waitSession(callId, 'ended');
  expect((await agent.request('auth.logout')).ok).toBe(true);
  const unanswered = await httpJson(server, 'POST', '/sim/inbound', {
    caller: '13800138001',
    serviceNumber: '4008002000',
  });
  expect(unanswered.status).toBe(200);

  let before;
  for (let tries = 0; tries < 50; tries++) {
    before = await today(server);
    if (before.offered >= 2) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(before).toMatchObject({ offered: 2, answered: 1, abandoned: 1, answeredWithin20s: 1, serviceLevel: 50 });

  await server.stop(); // SIGTERM: every CDR handed over is committed first
  server = await startServer({ dataDir });
  expect(await today(server)).toEqual(before);
});
