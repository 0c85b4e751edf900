// SPDX-License-Identifier: Apache-2.0
// Starts the real tccc-server binary for a Jest suite and talks to its cloud API with the official
// tencentcloud-sdk-nodejs client. Shared by every suite that needs a server:
//
//   const { startServer, cloudClient } = require('../helpers/server');
//   const server = await startServer();            // --port 0, fresh temporary --data-dir
//   const ccc = cloudClient(server);               // ccc v20200210 Client bound to it
//   await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: server.agents[0] });
//   await server.stop();
//
// The binary is build/native/server/tccc-server (override with TCCC_SERVER_BIN).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const tencentcloud = require('tencentcloud-sdk-nodejs');
const { waitFor } = require('./wait');

const REPO = path.resolve(__dirname, '../../..');
const BINARY = process.env.TCCC_SERVER_BIN || path.join(REPO, 'build/native/server/tccc-server');

/**
 * @param {object} [options]
 * @param {string[]} [options.args]    extra command-line arguments
 * @param {string} [options.dataDir]   reuse a data directory (it is then NOT deleted on stop)
 * @param {object} [options.env]       extra environment variables
 * @param {number} [options.timeoutMs] how long to wait for READY
 * @returns {Promise<{port:number, sdkAppId:number, secretId:string, secretKey:string, agents:string[],
 *   apiUrl:string, sdkUrl:string, baseUrl:string, dataDir:string, output:()=>string, stop:()=>Promise<number|null>}>}
 */
function startServer(options = {}) {
  const { args = [], env = {}, timeoutMs = 15000 } = options;
  if (!fs.existsSync(BINARY)) {
    return Promise.reject(
      new Error(`${BINARY} is missing: build it first (cmake --build build/native --target tccc-server)`),
    );
  }
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-jest-'));
  const child = spawn(BINARY, ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve(code === null ? signal : code);
    });
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`tccc-server did not print READY within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`),
      );
    }, timeoutMs);
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tccc-server exited (${code}) before READY\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!/^READY$/m.test(stdout)) return;
      clearTimeout(timer);
      const kv = {};
      for (const line of stdout.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1);
      }
      const api = new URL(kv.API);
      const server = {
        port: Number(api.port),
        sdkAppId: Number(kv.SdkAppId),
        secretId: kv.SecretId,
        secretKey: kv.SecretKey,
        agents: kv.Agents ? kv.Agents.split(',') : [],
        apiUrl: kv.API,
        sdkUrl: kv.SDK,
        // The operator console's one-time sign-in link for the demo tenant (web/console/).
        consoleUrl: kv.Console,
        baseUrl: `${api.protocol}//${api.host}`,
        dataDir,
        process: child,
        output: () => ({ stdout, stderr }),
        async stop() {
          if (!exited) {
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exitPromise;
            clearTimeout(killer);
          }
          if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
          return exitPromise;
        },
      };
      resolve(server);
    });
  });
}

/** The official ccc v20200210 client pointed at a started server (credentials overridable). */
function cloudClient(server, { secretId = server.secretId, secretKey = server.secretKey } = {}) {
  const Client = tencentcloud.ccc.v20200210.Client;
  return new Client({
    credential: { secretId, secretKey },
    region: '',
    profile: { httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', reqTimeout: 10 } },
  });
}

/** POST /sim/inbound: a simulated caller dials `serviceNumber`; resolves with the session id. */
async function simInbound(server, { caller = '13800138000', serviceNumber = '4008002000' } = {}) {
  const res = await fetch(`${server.baseUrl}/sim/inbound`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ caller, serviceNumber }),
  });
  if (res.status !== 200) throw new Error(`POST /sim/inbound: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).sessionId;
}

module.exports = { startServer, cloudClient, waitFor, simInbound, BINARY, REPO };
