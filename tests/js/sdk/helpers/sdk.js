// SPDX-License-Identifier: Apache-2.0
// Loads the built package (dist/index.cjs, i.e. the release wasm through the real shim) and starts
// SDK instances against a FakeServer, recording every event they emit.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');
const { APP, USER, TOKEN } = require('./FakeServer');

const DIST = path.join(__dirname, '../../../../dist');
if (!fs.existsSync(path.join(DIST, 'index.cjs')) || !fs.existsSync(path.join(DIST, 'tccc-core.wasm'))) {
  throw new Error('dist/ is not built: run scripts/build.sh wasm && scripts/build.sh js first');
}
const sdkPackage = require(path.join(DIST, 'index.cjs'));
const DIAGNOSTICS = Symbol.for('tccc.diagnostics');
const ALL_EVENTS = Object.keys(sdkPackage.events);

/** Starts an SDK against `server`, recording events into `.log` as [name, payload]. */
function startSdk(server, options = {}) {
  const tccc = sdkPackage.init({
    sdkAppId: APP,
    userId: USER,
    token: TOKEN,
    serverUrl: server.url,
    WebSocket,
    tuning: { reconnectBaseMs: 50, reconnectMaxMs: 200, requestTimeoutMs: 2000, loginTimeoutMs: 2000 },
    ...options,
  });
  const log = [];
  const waiters = [];
  for (const name of ALL_EVENTS) {
    tccc.on(name, (payload) => {
      log.push([name, payload]);
      for (const w of [...waiters]) w();
    });
  }
  const sdk = {
    tccc,
    log,
    names: () => log.map(([n]) => n),
    diagnostics: () => tccc[DIAGNOSTICS](),
    /** Waits until `count` events named `name` have been seen. */
    waitEvent(name, count = 1, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const seen = log.filter(([n]) => n === name);
          if (seen.length < count) return false;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(seen[count - 1][1]);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for event ${name} #${count}; saw ${JSON.stringify(sdk.names())}`));
        }, ms);
        waiters.push(check);
        check();
      });
    },
  };
  return sdk;
}

/** Resolves after the SDK is ready. */
async function readySdk(server, options) {
  const sdk = startSdk(server, options);
  await sdk.waitEvent('ready');
  return sdk;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Settles a promise into {ok, value|error} for assertions. */
const settle = (p) =>
  p.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error }),
  );

module.exports = { sdkPackage, startSdk, readySdk, sleep, settle, DIAGNOSTICS, ALL_EVENTS, DIST };
