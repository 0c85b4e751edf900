// SPDX-License-Identifier: Apache-2.0
// --simulator false (a production server): the simulator's HTTP routes are gone, so nobody can place a
// simulated call or inspect one; the rest of the server is unaffected. Default on (npm start, tests).
'use strict';

const { startServer } = require('../helpers/server');

let server;
afterEach(async () => {
  if (server) await server.stop();
  server = undefined;
});

const post = (url, body) => fetch(url, { method: 'POST', body: JSON.stringify(body) });

test('--simulator false removes POST /sim/inbound, GET /sim/sessions/<id> and /sim/test-numbers', async () => {
  server = await startServer({ args: ['--simulator', 'false'] });
  const base = `http://127.0.0.1:${server.port}`;
  // 405 when the static web files claim /sim/ for GET only, 404 otherwise: either way no call is placed.
  expect([404, 405]).toContain(
    (await post(`${base}/sim/inbound`, { caller: '13800138000', serviceNumber: '4008002000' })).status,
  );
  expect((await fetch(`${base}/sim/sessions/s-1`)).status).toBe(404);
  expect((await fetch(`${base}/sim/test-numbers`)).status).toBe(404);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
});

test('by default the simulator answers (TCCC_SIMULATOR=true spelled out)', async () => {
  server = await startServer({ env: { TCCC_SIMULATOR: 'true' } });
  const base = `http://127.0.0.1:${server.port}`;
  expect((await fetch(`${base}/sim/test-numbers`)).status).toBe(200);
  const r = await post(`${base}/sim/inbound`, { caller: '13800138000', serviceNumber: '4008002000' });
  expect(r.status).toBe(200);
  const { sessionId } = await r.json();
  expect((await fetch(`${base}/sim/sessions/${sessionId}`)).status).toBe(200);
});

test('a non-boolean simulator setting is refused at start with a clear message', async () => {
  await expect(startServer({ args: ['--simulator', 'maybe'] })).rejects.toThrow(/simulator/);
});
