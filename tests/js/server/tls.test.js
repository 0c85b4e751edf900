// SPDX-License-Identifier: Apache-2.0
// The binary with --tls-cert/--tls-key: https and plain http on the same port, the advertised URLs
// use https, and a TLS WebSocket upgrade reaches the agent endpoint.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { spawnSync } = require('child_process');
const WebSocket = require('ws');
const { startServer } = require('../helpers/server');

let server;
let dir;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-jest-tls-'));
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ]);
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  server = await startServer({
    args: ['--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')],
  });
});

afterAll(async () => {
  if (server) await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function httpsGet(pathname) {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port: server.port, path: pathname, ca: fs.readFileSync(path.join(dir, 'cert.pem')) },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', reject);
  });
}

test('advertises https URLs', () => {
  expect(server.apiUrl).toBe(`https://127.0.0.1:${server.port}/`);
  expect(server.sdkUrl).toBe(`https://127.0.0.1:${server.port}/sdk/tccc.js`);
});

test('serves https and plain http on the same port', async () => {
  const secure = await httpsGet('/healthz');
  expect(secure.status).toBe(200);
  expect(JSON.parse(secure.body).status).toBe('ok');
  const plain = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  expect(plain.status).toBe(200);
});

test('a wss upgrade reaches the agent endpoint', async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}/ws/agent`, {
    ca: fs.readFileSync(path.join(dir, 'cert.pem')),
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  expect(ws.readyState).toBe(WebSocket.OPEN);
  ws.close();
});
