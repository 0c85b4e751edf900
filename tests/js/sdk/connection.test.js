// SPDX-License-Identifier: Apache-2.0
// The connection lifecycle through a real WebSocket: reconnect and re-sync from the snapshot,
// heartbeat liveness, token refusal, being kicked out, and destroy().
'use strict';
const { FakeServer, phoneSession } = require('./helpers/FakeServer');
const { sdkPackage, startSdk, readySdk, sleep, settle } = require('./helpers/sdk');

const { ErrorCode } = sdkPackage;

let server;
let sdk;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  if (sdk) sdk.tccc.destroy();
  sdk = undefined;
  await server.close();
});

const count = (s, name) => s.log.filter(([n]) => n === name).length;

describe('reconnect', () => {
  test('a dropped socket yields connectionLost, tryToReconnect, connectionRecovery and a resumed login', async () => {
    server.sessions = [phoneSession('s-1', 'talking')];
    sdk = await readySdk(server);
    await sdk.waitEvent('userAccessed');
    server.drop();
    await sdk.waitEvent('connectionLost');
    const attempt = await sdk.waitEvent('tryToReconnect');
    expect(attempt.data.attempt).toBeGreaterThanOrEqual(1);
    expect(typeof attempt.data.delayMs).toBe('number');
    await sdk.waitEvent('connectionRecovery');
    // The second login resumes: resume token from the first snapshot, no login token again.
    expect(server.logins).toHaveLength(2);
    expect(server.logins[1]).toMatchObject({ resumeToken: 'r-1', lastSeq: 0 });
    expect(server.logins[1].token).toBeUndefined();
    // Nothing was re-announced: the talking call is the same call.
    expect(count(sdk, 'callIn')).toBe(1);
    expect(count(sdk, 'userAccessed')).toBe(1);
    expect(count(sdk, 'ready')).toBe(1);
    const res = await sdk.tccc.Call.hold({ sessionId: 's-1' });
    expect(res.status).toBe('success');
  });

  test('a call that ended while away yields sessionEnded from the new snapshot, once', async () => {
    server.sessions = [phoneSession('s-1', 'talking')];
    sdk = await readySdk(server);
    await sdk.waitEvent('userAccessed');
    server.drop();
    await sdk.waitEvent('connectionLost');
    // While the agent is away the customer hangs up; the server's state moves on.
    server.sessions[0] = {
      ...server.sessions[0],
      state: 'ended',
      endReason: 'hangup',
      closeBy: 'client',
      duration: 30,
    };
    server.agent.status = 'arrange';
    await sdk.waitEvent('connectionRecovery');
    await sleep(30);
    const names = sdk.names();
    const ended = sdk.log.filter(([n]) => n === 'sessionEnded');
    expect(ended).toHaveLength(1);
    expect(ended[0][1].data).toMatchObject({ sessionId: 's-1', closeBy: 'client' });
    // Reconciled first, then announced as recovered.
    expect(names.indexOf('sessionEnded')).toBeLessThan(names.indexOf('connectionRecovery'));
    expect(sdk.tccc.Agent.getStatus()).toBe('arrange');
    // A session the agent never saw (it rang and was answered elsewhere while away) is not invented twice.
    expect(count(sdk, 'callIn')).toBe(1);
  });

  test('a request in flight when the socket drops rejects ERR_CONNECTION_LOST and is not retried', async () => {
    server.handlers['agent.setStatus'] = () => null; // never answered
    sdk = await readySdk(server);
    const p = settle(sdk.tccc.Agent.setStatus({ status: 'rest' }));
    await server.waitFor(() => server.requests('agent.setStatus').length === 1, 2000, 'setStatus');
    server.drop();
    const r = await p;
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe(ErrorCode.ERR_CONNECTION_LOST);
    await sdk.waitEvent('connectionRecovery');
    await sleep(50);
    expect(server.requests('agent.setStatus')).toHaveLength(1);
  });

  test('calls while reconnecting reject ERR_NOT_READY', async () => {
    sdk = await readySdk(server);
    server.loginError = { code: 503, message: 'busy' }; // transient: keeps the client retrying
    server.drop();
    await sdk.waitEvent('connectionLost');
    const r = await settle(sdk.tccc.Agent.setStatus({ status: 'rest' }));
    expect(r.error.code).toBe(ErrorCode.ERR_NOT_READY);
    server.loginError = null;
    await sdk.waitEvent('connectionRecovery');
  });
});

describe('heartbeat', () => {
  test('the client answers a ping with a pong carrying the same t', async () => {
    sdk = await readySdk(server);
    server.send({ v: 1, type: 'ping', t: 1732400000000 });
    await server.waitFor(() => server.frames.some((f) => f.frame.type === 'pong'), 2000, 'pong');
    expect(server.frames.find((f) => f.frame.type === 'pong').frame).toEqual({ v: 1, type: 'pong', t: 1732400000000 });
  });

  test('a peer that stops answering is detected after 3 × heartbeatMs, then the client reconnects', async () => {
    server.heartbeatMs = 1000; // the smallest the core accepts
    server.pinging = true; // a live server pings (every 250 ms here)
    sdk = await readySdk(server);
    // While pings flow, the connection outlives 3 × heartbeatMs.
    await sleep(3500);
    expect(count(sdk, 'connectionLost')).toBe(0);
    expect(server.frames.filter((f) => f.frame.type === 'pong').length).toBeGreaterThan(5);
    const silentSince = Date.now();
    server.silent = true; // the TCP connection stays up, but nothing comes back
    await sdk.waitEvent('connectionLost', 1, 6000);
    const detectedAfter = Date.now() - silentSince;
    // 3 s after the last frame, which came at most one ping interval (250 ms) before silence.
    expect(detectedAfter).toBeGreaterThanOrEqual(2700);
    expect(detectedAfter).toBeLessThan(4500);
    server.silent = false;
    await sdk.waitEvent('connectionRecovery', 1, 5000);
    expect(server.sockets[0].readyState).not.toBe(1); // the client closed the dead socket
  });
});

describe('login refused and kicked out', () => {
  test('a refused token emits tokenExpired {message, data} and no ready, and does not retry', async () => {
    server.loginError = { code: -10002, message: 'The login token is wrong or has expired.' };
    sdk = startSdk(server);
    const ev = await sdk.waitEvent('tokenExpired');
    expect(ev.message).toBe('The login token is wrong or has expired.');
    expect(ev.data).toMatchObject({ message: 'The login token is wrong or has expired.', code: -10002 });
    await sleep(300);
    expect(count(sdk, 'ready')).toBe(0);
    expect(server.sockets).toHaveLength(1);
    const r = await settle(sdk.tccc.Agent.setStatus({ status: 'free' }));
    expect(r.error.code).toBe(ErrorCode.ERR_NOT_READY);
  });

  test('agent.kicked emits kickedOut and the client does not reconnect', async () => {
    sdk = await readySdk(server);
    server.event('agent.kicked', { reason: 'logged in elsewhere' });
    const ev = await sdk.waitEvent('kickedOut');
    expect(ev.data.reason).toBe('logged in elsewhere');
    await server.waitFor(() => server.sockets[0].readyState !== 1, 2000, 'client close');
    await sleep(300);
    expect(server.sockets).toHaveLength(1);
    expect(count(sdk, 'connectionLost')).toBe(0);
  });

  test('a close with code 4003 is a kick too', async () => {
    sdk = await readySdk(server);
    server.socket.close(4003, 'kicked');
    await sdk.waitEvent('kickedOut');
    await sleep(300);
    expect(server.sockets).toHaveLength(1);
  });
});

describe('destroy()', () => {
  test('rejects pending calls with ERR_DESTROYED, closes the socket, frees the core, silences events', async () => {
    server.handlers['agent.setStatus'] = () => null;
    sdk = await readySdk(server);
    const pending = settle(sdk.tccc.Agent.setStatus({ status: 'rest' }));
    await server.waitFor(() => server.requests('agent.setStatus').length === 1, 2000, 'setStatus');
    const late = jest.fn();
    sdk.tccc.on('callIn', late);
    sdk.tccc.destroy();
    const r = await pending;
    expect(r.error.code).toBe(ErrorCode.ERR_DESTROYED);
    await server.waitFor(() => server.sockets[0].readyState === 3, 2000, 'socket closed');
    const d = sdk.diagnostics();
    expect(d.state).toBe('destroyed');
    expect(d.coreDeleted).toBe(true);
    expect(d.pendingCalls).toBe(0);
    const after = await settle(sdk.tccc.Call.accept({ sessionId: 's-1' }));
    expect(after.error.code).toBe(ErrorCode.ERR_DESTROYED);
    expect(sdk.tccc.Agent.getStatus()).toBe('offline');
    expect(() => sdk.tccc.destroy()).not.toThrow();
    await sleep(200);
    expect(server.sockets).toHaveLength(1); // no reconnect after destroy
    expect(late).not.toHaveBeenCalled();
  });

  test('destroy() while the wasm is still loading leaves nothing behind', async () => {
    sdk = startSdk(server);
    const early = settle(sdk.tccc.Call.accept({ sessionId: 's-1' }));
    sdk.tccc.destroy();
    expect((await early).error.code).toBe(ErrorCode.ERR_DESTROYED);
    await sleep(200);
    expect(server.sockets).toHaveLength(0);
  });

  test('init({global:true}) installs window.tccc without clobbering, and destroy() removes it', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    globalThis.window = {};
    try {
      sdk = startSdk(server, { global: true });
      expect(globalThis.window.tccc).toBe(sdk.tccc);
      const second = startSdk(server, { global: true });
      expect(globalThis.window.tccc).toBe(sdk.tccc);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/already exists/));
      second.tccc.destroy();
      expect(globalThis.window.tccc).toBe(sdk.tccc); // destroying another instance leaves it
      sdk.tccc.destroy();
      expect('tccc' in globalThis.window).toBe(false);
    } finally {
      delete globalThis.window;
      warn.mockRestore();
    }
  });
});
