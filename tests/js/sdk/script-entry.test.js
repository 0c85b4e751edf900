// SPDX-License-Identifier: Apache-2.0
// The script-tag entry (dist/tccc.js) as a browser runs it: the minified IIFE is executed in a
// fresh global (a vm context standing in for the page) with document.currentScript pointing at its
// URL; it fetches tccc-core.wasm over HTTP from next to itself (streaming compile, application/wasm)
// and logs in over a real WebSocket. Only the DOM objects the entry reads are stood in for.
'use strict';
const { FakeServer, APP, USER, TOKEN } = require('./helpers/FakeServer');
const { DIST, sleep, sdkPackage } = require('./helpers/sdk');
const { waitFor } = require('../helpers/wait');
const { ErrorCode } = sdkPackage;
const page = require('./helpers/page');

let server;
beforeEach(async () => {
  server = await FakeServer.start({ staticDir: DIST });
});
afterEach(async () => {
  await server.close();
});

test('loading the script is the initialisation: window.tccc at once, wasm from next to it, ready', async () => {
  const pg = page.makePage(server.url);
  // The login in the fragment, as CreateSDKLoginToken hands it out (robustness.test.js: the query too).
  page.loadScript(pg, `${server.url}/sdk/tccc.js#sdkAppId=${APP}&userId=${encodeURIComponent(USER)}&token=${TOKEN}`);
  const { tccc } = pg.window;
  expect(tccc).toBeDefined();
  expect(typeof tccc.Call.startOutboundCall).toBe('function');
  const ready = jest.fn();
  tccc.on(tccc.events.ready, ready); // as in the script's load handler
  await waitFor(() => ready.mock.calls.length === 1);
  // The content-named copy of the wasm (build-js.mjs), which the server lets browsers keep for good.
  expect(server.fetched).toHaveLength(1);
  expect(server.fetched[0]).toMatch(/^tccc-core\.[0-9a-f]{10}\.wasm$/);
  expect(server.logins[0]).toEqual({ sdkAppId: APP, userId: USER, token: TOKEN });
  expect(pg.console.error).not.toHaveBeenCalled();
  // Compiled while streaming, without a fallback to an ArrayBuffer.
  expect(pg.WebAssembly.compileStreaming).toHaveBeenCalledTimes(1);
  await expect(pg.WebAssembly.compileStreaming.mock.results[0].value).resolves.toBeDefined();
  expect(pg.WebAssembly.compile).not.toHaveBeenCalled();
  expect(pg.console.warn).not.toHaveBeenCalled();
  // Tab visibility, Page Lifecycle and network hooks are installed, and removed again by destroy().
  expect(pg.listeners.visibilitychange).toHaveLength(1);
  expect(pg.listeners.resume).toHaveLength(1);
  expect(pg.listeners.online).toHaveLength(1);
  tccc.destroy();
  expect(pg.window.tccc).toBeUndefined();
  expect(pg.listeners.visibilitychange).toHaveLength(0);
  expect(pg.listeners.resume).toHaveLength(0);
  expect(pg.listeners.online).toHaveLength(0);
});

test('a server that sends the wasm with another Content-Type: fetched again and compiled from its bytes', async () => {
  server.wasmType = 'application/octet-stream'; // a CDN or proxy that does not know .wasm
  const pg = page.makePage(server.url);
  page.loadScript(pg, `${server.url}/sdk/tccc.js#sdkAppId=${APP}&userId=${encodeURIComponent(USER)}&token=${TOKEN}`);
  const ready = jest.fn();
  pg.window.tccc.on('ready', ready);
  await waitFor(() => ready.mock.calls.length === 1);
  await expect(pg.WebAssembly.compileStreaming.mock.results[0].value).rejects.toThrow();
  expect(pg.WebAssembly.compile).toHaveBeenCalledTimes(1);
  expect(server.fetched.filter((f) => f.endsWith('.wasm'))).toHaveLength(2);
  expect(pg.console.error).not.toHaveBeenCalled();
  pg.window.tccc.destroy();
});

test('a wasm the server does not have: every call rejects ERR_HTTP_REQUEST_FAILURE naming the HTTP status', async () => {
  server.wasmType = null;
  const pg = page.makePage(server.url);
  page.loadScript(pg, `${server.url}/sdk/tccc.js#sdkAppId=${APP}&userId=${encodeURIComponent(USER)}&token=${TOKEN}`);
  const r = await pg.window.tccc.Call.accept({ sessionId: 's' }).then(
    () => null,
    (e) => e,
  );
  expect(r).toMatchObject({ status: 'error', code: ErrorCode.ERR_HTTP_REQUEST_FAILURE });
  expect(r.errorMsg).toMatch(/tccc-core.*HTTP 404/);
  expect(pg.WebAssembly.compile).not.toHaveBeenCalled(); // a failed download is not retried as bytes
  expect(pg.console.error).toHaveBeenCalledWith(expect.stringMatching(/HTTP 404/));
  pg.window.tccc.destroy();
});

test('a wasm altered on its way (a CDN, a proxy) is refused by its integrity, and the error says so', async () => {
  // One byte changed in the custom-section padding would still compile: Subresource Integrity is
  // what stops it, not the compiler.
  server.tamper = (name, bytes) => {
    if (!name.endsWith('.wasm')) return bytes;
    const altered = Buffer.from(bytes);
    altered[altered.length - 1] ^= 1;
    return altered;
  };
  const pg = page.makePage(server.url);
  page.loadScript(pg, `${server.url}/sdk/tccc.js#sdkAppId=${APP}&userId=${encodeURIComponent(USER)}&token=${TOKEN}`);
  const r = await pg.window.tccc.Call.accept({ sessionId: 's' }).then(
    () => null,
    (e) => e,
  );
  expect(r).toMatchObject({ status: 'error', code: ErrorCode.ERR_HTTP_REQUEST_FAILURE });
  expect(r.errorMsg).toMatch(/tccc-core\.[0-9a-f]{10}\.wasm does not match its integrity sha256-/);
  expect(pg.WebAssembly.compile).not.toHaveBeenCalled(); // the altered bytes are never compiled
  expect(server.logins).toHaveLength(0);
  pg.window.tccc.destroy();
});

test('data-* attributes (dataset.sdkAppId, dataset.userid, dataset.token) work like the query', async () => {
  const pg = page.makePage(server.url);
  page.loadScript(pg, `${server.url}/sdk/tccc.js`, { sdkAppId: String(APP), userid: USER, token: TOKEN });
  const ready = jest.fn();
  pg.window.tccc.on('ready', ready);
  await waitFor(() => ready.mock.calls.length === 1);
  expect(server.logins[0]).toEqual({ sdkAppId: APP, userId: USER, token: TOKEN });
  pg.window.tccc.destroy();
});

test('a second script does not clobber an existing window.tccc', async () => {
  const pg = page.makePage(server.url);
  const src = `${server.url}/sdk/tccc.js?sdkAppId=${APP}&userId=${encodeURIComponent(USER)}&token=${TOKEN}`;
  page.loadScript(pg, src);
  const first = pg.window.tccc;
  page.loadScript(pg, src);
  expect(pg.window.tccc).toBe(first);
  expect(pg.console.warn).toHaveBeenCalledWith(expect.stringMatching(/already exists/));
  await sleep(200);
  expect(server.sockets).toHaveLength(1);
  first.destroy();
});

test('a missing parameter is a console error and every call rejects ERR_INVALID_ARGUMENT naming it', async () => {
  const pg = page.makePage(server.url);
  page.loadScript(pg, `${server.url}/sdk/tccc.js?sdkAppId=${APP}&userid=${encodeURIComponent(USER)}`);
  const { tccc } = pg.window;
  const expired = jest.fn();
  tccc.on('tokenExpired', expired);
  expect(pg.console.error).toHaveBeenCalledWith(expect.stringMatching(/token is missing/));
  const err = await tccc.Call.startOutboundCall({ phoneNumber: '19999999999' }).catch((e) => e);
  expect(err.status).toBe('error');
  expect(err.name).toBe('ERR_INVALID_ARGUMENT');
  expect(err.errorMsg).toMatch(/token is missing/);
  await sleep(100);
  expect(expired).not.toHaveBeenCalled();
  expect(server.sockets).toHaveLength(0);
  // The wasm download starts before the parameters are read (earlyWasmFetch.ts); nothing else goes out.
  expect(server.fetched.filter((f) => !/^tccc-core\.[0-9a-f]{10}\.wasm$/.test(f))).toEqual([]);
});

test('a refused token emits tokenExpired with {message}', async () => {
  server.loginError = { code: -10002, message: 'The login token is wrong or has expired.' };
  const pg = page.makePage(server.url);
  page.loadScript(pg, `${server.url}/sdk/tccc.js?sdkAppId=${APP}&userid=${encodeURIComponent(USER)}&token=old`);
  const got = [];
  pg.window.tccc.on(pg.window.tccc.events.tokenExpired, ({ message }) => got.push(message));
  await waitFor(() => got.length === 1);
  expect(got[0]).toBe('The login token is wrong or has expired.');
  pg.window.tccc.destroy();
});

test.each([
  ['becomes visible again', 'visibilitychange'],
  ['is resumed after being frozen (Page Lifecycle)', 'resume'],
])('a throttled background tab notices a dead connection as soon as it %s', async (_, wakeEvent) => {
  server.heartbeatMs = 1000;
  const pg = page.makePage(server.url, { throttleTimers: true });
  page.loadScript(pg, `${server.url}/sdk/tccc.js?sdkAppId=${APP}&userid=${encodeURIComponent(USER)}&token=${TOKEN}`);
  const { tccc } = pg.window;
  const seen = [];
  tccc.on('ready', () => seen.push('ready'));
  tccc.on('connectionLost', () => seen.push('connectionLost'));
  await waitFor(() => seen.includes('ready'));
  server.silent = true;
  await sleep(3300); // past 3 x heartbeatMs, but the liveness timer is throttled
  expect(seen).toEqual(['ready']);
  for (const f of pg.listeners[wakeEvent]) f();
  await waitFor(() => seen.includes('connectionLost'), 1000);
  tccc.destroy();
});
