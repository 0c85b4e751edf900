// SPDX-License-Identifier: Apache-2.0
// CDR push to a receiver that requires OAuth 2.0 (client credentials), configured the way an operator
// would: the secret in the environment, the rest on the command line. A local token endpoint checks
// the client's credentials and issues a token; the receiver accepts only that token. The server binary
// fetches it, pushes with it, and the CDR arrives once.
'use strict';

const http = require('http');
const { startServer, waitFor, simInbound } = require('../helpers/server');

const CLIENT_ID = 'tccc-push';
const CLIENT_SECRET = 'n0t so s3cret';
let app;
let port;
const tokenRequests = [];
const pushes = [];
let server;

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  app = http.createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url === '/oauth/token') {
      tokenRequests.push({ auth: req.headers.authorization, type: req.headers['content-type'], body });
      const expected =
        'Basic ' +
        Buffer.from(
          `${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET).replace(/%20/g, '+')}`,
        ).toString('base64');
      const ok = req.headers.authorization === expected && body === 'grant_type=client_credentials';
      res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify(
          ok ? { access_token: 'issued-1', token_type: 'Bearer', expires_in: 600 } : { error: 'invalid_client' },
        ),
      );
      return;
    }
    pushes.push({ url: req.url, auth: req.headers.authorization, body });
    const ok = req.headers.authorization === 'Bearer issued-1';
    res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(ok ? { ErrCode: 0, ErrMsg: 'ok' } : { ErrCode: 401, ErrMsg: 'unauthorized' }));
  });
  await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
  port = app.address().port;
  server = await startServer({
    args: [
      '--cdr-push-url',
      `http://127.0.0.1:${port}/tccc/push`,
      '--cdr-push-retry-ms',
      '200',
      '--cdr-push-auth',
      'oauth2',
      '--cdr-push-token-url',
      `http://127.0.0.1:${port}/oauth/token`,
      '--cdr-push-client-id',
      CLIENT_ID,
    ],
    env: { TCCC_CDR_PUSH_CLIENT_SECRET: CLIENT_SECRET },
  });
});

afterAll(async () => {
  if (server) await server.stop();
  if (app) await new Promise((resolve) => app.close(resolve));
});

test('the server gets a token with its client credentials and pushes the CDR with it', async () => {
  const sessionId = await simInbound(server, { caller: '13800138000', serviceNumber: '4008002000' });
  expect(await waitFor(() => pushes.length >= 1)).toBe(true);
  expect(tokenRequests).toHaveLength(1);
  expect(tokenRequests[0].type).toBe('application/x-www-form-urlencoded');
  expect(pushes[0].auth).toBe('Bearer issued-1');
  expect(pushes[0].url).toBe('/tccc/push?action=cdr&version=1');
  expect(JSON.parse(pushes[0].body).SessionId).toBe(sessionId);
  await new Promise((r) => setTimeout(r, 500));
  expect(pushes).toHaveLength(1); // delivered at the first attempt
  const health = await (await fetch(`${server.baseUrl}/healthz`)).json();
  expect(health.pendingPushes).toBe(0);
});

test('a wrong push configuration is refused at start with a clear message', async () => {
  await expect(
    startServer({ args: ['--cdr-push-url', `http://127.0.0.1:${port}/x`, '--cdr-push-auth', 'oauth2'] }),
  ).rejects.toThrow(/--cdr-push-auth oauth2 needs --cdr-push-token-url/);
});
