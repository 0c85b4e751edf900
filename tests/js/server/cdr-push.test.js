// SPDX-License-Identifier: Apache-2.0
// CDR push end to end: a simulated inbound call ends (nobody is online to answer it), the server
// stores its CDR and pushes it to a local receiver, which fails once with HTTP 500 and then
// accepts. The retry carries the same X-TCCC-PUSH-UUID; the CDR is also readable via DescribeTelCdr.
'use strict';

const http = require('http');
const { startServer, cloudClient, waitFor, simInbound } = require('../helpers/server');

let receiver;
let receiverPort;
const hits = [];
let server;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      hits.push({
        url: req.url,
        method: req.method,
        uuid: req.headers['x-tccc-push-uuid'],
        type: req.headers['content-type'],
        body,
      });
      if (hits.length === 1) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('temporarily broken');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ErrCode: 0, ErrMsg: 'ok' }));
      }
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = receiver.address().port;
  server = await startServer({
    args: ['--cdr-push-url', `http://127.0.0.1:${receiverPort}/tccc/push`, '--cdr-push-retry-ms', '200'],
  });
});

afterAll(async () => {
  if (server) await server.stop();
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
});

test('a finished call is pushed, retried after a 500 with the same UUID, and queryable', async () => {
  const startedAt = Math.floor(Date.now() / 1000);
  const sessionId = await simInbound(server, { caller: '13800138000', serviceNumber: '4008002000' });
  expect(typeof sessionId).toBe('string');

  expect(await waitFor(() => hits.length >= 2)).toBe(true);
  const [first, second] = hits;
  for (const h of [first, second]) {
    expect(h.method).toBe('POST');
    expect(h.url).toBe('/tccc/push?action=cdr&version=1');
    expect(h.type).toMatch(/^application\/json/);
    const cdr = JSON.parse(h.body);
    expect(cdr.SessionId).toBe(sessionId);
    expect(cdr.SdkAppId).toBe(server.sdkAppId);
    expect(cdr.Caller).toBe('13800138000');
    expect(cdr.Callee).toBe('4008002000');
  }
  expect(first.uuid).toMatch(/^[0-9a-f-]{36}$/);
  expect(second.uuid).toBe(first.uuid);
  // Delivered: no third attempt.
  await new Promise((r) => setTimeout(r, 600));
  expect(hits).toHaveLength(2);

  const ccc = cloudClient(server);
  const cdrs = await ccc.DescribeTelCdr({
    SdkAppId: server.sdkAppId,
    StartTimeStamp: startedAt - 60,
    EndTimeStamp: Math.floor(Date.now() / 1000) + 60,
    PageSize: 10,
    PageNumber: 0,
    SessionIds: [sessionId],
  });
  expect(cdrs.TotalCount).toBe(1);
  expect(cdrs.TelCdrs[0]).toMatchObject({
    SessionId: sessionId,
    Caller: '13800138000',
    Callee: '4008002000',
    Direction: 0,
  });
  expect(typeof cdrs.TelCdrs[0].EndStatusString).toBe('string');

  const health = await (await fetch(`${server.baseUrl}/healthz`)).json();
  expect(health.pendingPushes).toBe(0);
});
