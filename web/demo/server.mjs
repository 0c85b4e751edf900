#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The demo's backend — the part of an integrator's web app that holds the SecretKey. The page asks it
// for an SdkURL; it calls CreateSDKLoginToken with the official tencentcloud-sdk-nodejs client and
// returns only the SdkURL (a one-agent, short-lived login), never the secret. It also serves the page.
//
//   node web/demo/server.mjs                 # after `npm start` (reads .tccc-data/credentials)
//   TCCC_API_URL=http://127.0.0.1:8080/ TCCC_SDK_APP_ID=… TCCC_SECRET_ID=… TCCC_SECRET_KEY=… PORT=8081 node web/demo/server.mjs
//
// Routes: GET /api/agents → {agents: [{userId, name}]} (DescribeStaffInfoList), POST /api/sdk-url
// {userId} → {sdkUrl} (CreateSDKLoginToken); everything else is a static file of this directory.
// A real backend first checks who its own user is and which SeatUserId they may log in as: this
// demo lets anyone on the machine pick any agent of the demo tenant.
import http from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  // Browsers compile WebAssembly while it downloads only when it comes as application/wasm.
  '.wasm': 'application/wasm',
};

/**
 * The connection to the contact-center server: from the environment, else from the credentials file
 * the reference server writes (`.tccc-data/credentials` of the repository, or TCCC_CREDENTIALS).
 */
export function configFromEnv(env = process.env) {
  const cfg = {
    apiUrl: env.TCCC_API_URL || 'http://127.0.0.1:8080/',
    sdkAppId: env.TCCC_SDK_APP_ID,
    secretId: env.TCCC_SECRET_ID,
    secretKey: env.TCCC_SECRET_KEY,
  };
  const file = env.TCCC_CREDENTIALS || resolve(here, '../../.tccc-data/credentials');
  if ((!cfg.sdkAppId || !cfg.secretId || !cfg.secretKey) && existsSync(file)) {
    const kv = Object.fromEntries(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
    );
    cfg.sdkAppId ||= kv.SdkAppId;
    cfg.secretId ||= kv.SecretId;
    cfg.secretKey ||= kv.SecretKey;
  }
  return cfg;
}

/** Connect-style middleware for /api/* (also mounted into the Vite dev server by the Vite demos). */
export function createApi(config) {
  let client;
  const ccc = () => {
    if (!config.sdkAppId || !config.secretId || !config.secretKey) {
      throw Object.assign(
        new Error(
          'the demo backend has no credentials: start the server with `npm start`, or set TCCC_SDK_APP_ID, TCCC_SECRET_ID and TCCC_SECRET_KEY',
        ),
        { code: 'Demo.NoCredentials', status: 503 },
      );
    }
    if (!client) {
      const api = new URL(config.apiUrl);
      const tencentcloud = require('tencentcloud-sdk-nodejs');
      client = new tencentcloud.ccc.v20200210.Client({
        credential: { secretId: config.secretId, secretKey: config.secretKey },
        region: '',
        profile: { httpProfile: { endpoint: api.host, protocol: `${api.protocol}//`, reqTimeout: 10 } },
      });
    }
    return client;
  };
  const send = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const readJson = (req) =>
    new Promise((ok, fail) => {
      let body = '';
      let tooLarge = false;
      req.setEncoding('utf8');
      req.on('data', (d) => {
        if (tooLarge) return; // drain the rest so the 413 reaches the client
        body += d;
        if (body.length > 4096) {
          tooLarge = true;
          body = '';
          fail(Object.assign(new Error('request body over 4 KB'), { status: 413, code: 'Demo.BodyTooLarge' }));
        }
      });
      req.on('end', () => {
        if (tooLarge) return;
        try {
          ok(body ? JSON.parse(body) : {});
        } catch {
          fail(Object.assign(new Error('the body is not JSON'), { status: 400, code: 'Demo.BadJson' }));
        }
      });
      req.on('error', fail);
    });

  return async (req, res, next) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (!path.startsWith('/api/')) return next();
    try {
      if (path === '/api/agents' && req.method === 'GET') {
        const r = await ccc().DescribeStaffInfoList({
          SdkAppId: Number(config.sdkAppId),
          PageNumber: 0,
          PageSize: 100,
        });
        return send(res, 200, {
          agents: (r.StaffList || []).filter((s) => s.Mail).map((s) => ({ userId: s.Mail, name: s.Name || '' })),
        });
      }
      if (path === '/api/sdk-url' && req.method === 'POST') {
        const { userId } = await readJson(req);
        if (typeof userId !== 'string' || !userId || userId.length > 128) {
          return send(res, 400, {
            error: { code: 'Demo.BadUserId', message: "userId: the agent's account, e.g. agent1@tccc.local" },
          });
        }
        const r = await ccc().CreateSDKLoginToken({ SdkAppId: Number(config.sdkAppId), SeatUserId: userId });
        return send(res, 200, { sdkUrl: r.SdkURL });
      }
      return send(res, 404, { error: { code: 'Demo.NotFound', message: `no route ${req.method} ${path}` } });
    } catch (err) {
      // Cloud API errors keep their Error.Code (e.g. InvalidParameterValue.AccountNotExist).
      const status = err.status || (err.code && !String(err.code).startsWith('ClientNetworkError') ? 400 : 502);
      return send(res, status, {
        error: { code: String(err.code || 'Demo.Backend'), message: String(err.message || err) },
      });
    }
  };
}

/** Serves the files under `dir` (GET/HEAD; `/` is index.html); never anything outside it. */
export function staticFiles(dir) {
  const rootDir = resolve(dir);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(rootDir, path));
    if (
      !file.startsWith(rootDir + sep) ||
      !existsSync(file) ||
      !statSync(file).isFile() ||
      basename(file) === 'server.mjs'
    ) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] || 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}

/** Starts the demo on host:port (port 0: any free one); resolves {url, close()}. */
export async function startDemoServer({ port = 0, host = '127.0.0.1', staticDir = here, ...config } = {}) {
  const api = createApi({ ...configFromEnv(), ...config });
  const files = staticFiles(staticDir);
  const server = http.createServer((req, res) => {
    api(req, res, () => files(req, res));
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const addr = server.address();
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const demo = await startDemoServer({ port: Number(process.env.PORT || 8081), host: process.env.HOST || '127.0.0.1' });
  console.log(`demo: ${demo.url}`);
}
