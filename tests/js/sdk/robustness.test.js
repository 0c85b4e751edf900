// SPDX-License-Identifier: Apache-2.0
// Bad input from every side: malformed frames from the peer (the shared protocol fixtures), bad
// configuration, a broken wasm, and a long message stream that must not grow the heap.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');
const { FakeServer, phoneSession, APP, USER, TOKEN } = require('./helpers/FakeServer');
const { sdkPackage, readySdk, sleep, settle } = require('./helpers/sdk');

const { ErrorCode, init } = sdkPackage;
const FIXTURES = path.join(__dirname, '../../fixtures/protocol');

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

function fixtureText(c) {
  if (typeof c.text === 'string') return c.text;
  if (c.generate) return c.generate.prefix + c.generate.repeat.repeat(c.generate.count) + c.generate.suffix;
  return null; // hex cases carry invalid UTF-8, which a text WebSocket frame cannot
}

describe('malformed frames from the peer', () => {
  test('every invalid frame of tests/fixtures/protocol/invalid.json is dropped and the SDK keeps working', async () => {
    const { cases } = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'invalid.json'), 'utf8'));
    const texts = cases.map(fixtureText).filter((t) => t !== null && Buffer.byteLength(t) <= 1 << 20);
    expect(texts.length).toBeGreaterThan(10);
    sdk = await readySdk(server);
    for (const t of texts) server.send(t);
    server.session(phoneSession('s-1', 'ringing'));
    await sdk.waitEvent('callIn');
    const d = sdk.diagnostics();
    expect(d.state).toBe('running');
    expect(d.stats.droppedFrames).toBeGreaterThanOrEqual(texts.length - 2);
    expect((await sdk.tccc.Call.accept({ sessionId: 's-1' })).status).toBe('success');
  });

  test('events with malformed data are rejected without an SDK event', async () => {
    sdk = await readySdk(server);
    server.event('session.state', { session: { sessionId: 42, state: 'ringing' } });
    server.event('session.state', {});
    server.event('agent.status', { status: 'dancing' });
    server.session(phoneSession('s-1', 'ringing'));
    await sdk.waitEvent('callIn');
    expect(sdk.log.filter(([n]) => n === 'callIn')).toHaveLength(1);
    expect(sdk.diagnostics().stats.rejectedEvents).toBeGreaterThanOrEqual(3);
  });

  test('supervisor.update becomes supervisorUpdate with its data; data that is not an object is rejected', async () => {
    sdk = await readySdk(server);
    const before = sdk.diagnostics().stats.droppedFrames;
    server.event('supervisor.update', { agents: [{ userId: 'a@x.com', name: '<b>A</b>', status: 'rest', since: 1 }] });
    server.event('supervisor.update', 'not an object');
    server.session(phoneSession('s-1', 'ringing'));
    await sdk.waitEvent('callIn');
    const updates = sdk.log.filter(([n]) => n === 'supervisorUpdate');
    expect(updates).toHaveLength(1);
    const payload = updates[0][1];
    expect((payload.data || payload).agents[0]).toEqual({
      userId: 'a@x.com',
      name: '<b>A</b>',
      status: 'rest',
      since: 1,
    });
    // The envelope's data must be an object: such a frame is dropped before it is an event.
    expect(sdk.diagnostics().stats.droppedFrames).toBe(before + 1);
  });

  test('binary frames are ignored', async () => {
    sdk = await readySdk(server);
    server.socket.send(Buffer.from([1, 2, 3]));
    server.session(phoneSession('s-1', 'ringing'));
    await sdk.waitEvent('callIn');
    expect(sdk.diagnostics().state).toBe('running');
  });
});

describe('configuration errors', () => {
  const base = { sdkAppId: APP, userId: USER, token: TOKEN, WebSocket };

  test.each([
    ['sdkAppId', { sdkAppId: undefined }, /sdkAppId is missing/],
    ['userId', { userId: '' }, /userId is missing/],
    ['token', { token: undefined }, /token is missing/],
    ['server', { serverUrl: undefined }, /server URL is missing/],
    ['bad sdkAppId', { sdkAppId: 'abc' }, /sdkAppId must be a positive integer/],
    ['bad server', { serverUrl: 'ftp://x' }, /not usable/],
  ])(
    'missing or bad %s: logged once, every call rejects ERR_INVALID_ARGUMENT naming it, nothing connects',
    async (_, patch, re) => {
      const error = jest.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const tccc = init({ ...base, serverUrl: server.url, ...patch });
        expect(error).toHaveBeenCalledTimes(1);
        expect(error.mock.calls[0][0]).toMatch(re);
        for (const p of [tccc.Call.accept({ sessionId: 's' }), tccc.Agent.setStatus({ status: 'free' })]) {
          const r = await settle(p);
          expect(r.error.code).toBe(ErrorCode.ERR_INVALID_ARGUMENT);
          expect(r.error.errorMsg).toMatch(re);
        }
        await sleep(100);
        // The socket opened while the wasm loaded (Transport.preconnect) carries nothing and is closed.
        expect(server.frames).toHaveLength(0);
        await Promise.all(
          server.sockets.map((s) => (s.readyState === 3 ? null : new Promise((resolve) => s.once('close', resolve)))),
        );
        expect(server.sockets.every((s) => s.readyState === 3)).toBe(true);
        tccc.destroy();
      } finally {
        error.mockRestore();
      }
    },
  );

  const user = encodeURIComponent(USER);
  test.each([
    ['the fragment (what CreateSDKLoginToken hands out)', `#sdkAppId=${APP}&userId=${user}&token=${TOKEN}`],
    ['the query (older SdkURLs), userid spelt as in the TCCC docs', `?sdkAppId=${APP}&userid=${user}&token=${TOKEN}`],
    [
      'the fragment and the query, the fragment winning',
      `?sdkAppId=${APP}&userid=nobody&token=stale#userId=${user}&token=${TOKEN}`,
    ],
  ])('init({sdkUrl}) takes the login from %s and the server from the origin', async (_, login) => {
    const tccc = init({ sdkUrl: `${server.url}/sdk/tccc.js${login}`, WebSocket });
    sdk = { tccc };
    await new Promise((resolve) => tccc.on('ready', resolve));
    expect(server.logins[0]).toEqual({ sdkAppId: APP, userId: USER, token: TOKEN });
  });

  test('a wasm that does not compile rejects every call with a clear error', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const tccc = init({ ...base, serverUrl: server.url, wasmBinary: new Uint8Array([0, 97, 115, 109, 9, 9]) });
      const r = await settle(tccc.Call.accept({ sessionId: 's' }));
      expect(r.error.code).toBe(ErrorCode.ERR_HTTP_REQUEST_FAILURE);
      expect(r.error.errorMsg).toMatch(/tccc-core\.wasm/);
      // The socket opened while the wasm loaded (Transport.preconnect) carries nothing but the login in
      // its handshake, and is closed with the goodbye code, so the agent is not left online.
      expect(server.frames.filter((f) => !f.frame.handshake)).toHaveLength(0);
      await Promise.all(
        server.sockets.map((s) => (s.readyState === 3 ? null : new Promise((resolve) => s.once('close', resolve)))),
      );
      expect(server.sockets.every((s) => s.readyState === 3)).toBe(true);
      // Closed with the goodbye code, never 1000; unless the failure came so early that the client
      // aborted the handshake it had not seen complete (then no close frame at all: 1006). The
      // real-server test in integration/ waits for the login first and checks 4005 alone.
      expect(server.sockets.map((s) => s.closeCode).filter((c) => c !== 4005 && c !== 1006)).toEqual([]);
      tccc.destroy();
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
  });

  test('no WebSocket implementation: calls reject ERR_NOT_SUPPORTED', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const saved = globalThis.WebSocket;
    delete globalThis.WebSocket;
    try {
      const tccc = init({ ...base, WebSocket: undefined, serverUrl: server.url });
      const r = await settle(tccc.Agent.online());
      expect(r.error.code).toBe(ErrorCode.ERR_NOT_SUPPORTED);
      tccc.destroy();
    } finally {
      if (saved) globalThis.WebSocket = saved;
      error.mockRestore();
      warn.mockRestore();
    }
  });

  test('a server that refuses connections is retried with backoff, without errors thrown', async () => {
    const port = server.port;
    await server.close();
    const tccc = init({
      ...base,
      serverUrl: `http://127.0.0.1:${port}`,
      tuning: { reconnectBaseMs: 20, reconnectMaxMs: 50 },
    });
    const attempts = [];
    tccc.on('tryToReconnect', ({ data }) => attempts.push(data.attempt));
    await sleep(400);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[0]).toBe(1);
    tccc.destroy();
    server = await FakeServer.start(); // for afterEach
  });
});

describe('resources', () => {
  test('the wasm heap does not grow over 10,000 messages', async () => {
    sdk = await readySdk(server);
    const ping = JSON.stringify({ v: 1, type: 'ping', t: 1 });
    const round = async (n) => {
      for (let i = 0; i < n; i++) {
        const id = `s-${i % 50}`;
        server.session(phoneSession(id, 'ringing'));
        server.session({ sessionId: id, state: 'ended', endReason: 'cancel', closeBy: 'client' });
        server.send(ping);
        if (i % 10 === 0) {
          // Forget ended sessions, as an integrator (or the UI) does.
          for (const s of sdk.diagnostics().sessions.filter((x) => x.state === 'ended'))
            await sdk.tccc.Call.deleteCall({ sessionId: s.sessionId });
          server.sessions = [];
        }
        if (i % 100 === 0) await sleep(1);
      }
      await server.waitFor(() => sdk.diagnostics().stats.framesReceived >= expected, 10000, 'frames');
    };
    let expected = 0;
    expected += 3 * 1000 + 1;
    await round(1000); // warm-up: the heap reaches its working size
    const warm = sdk.diagnostics().heapBytes;
    expected += 3 * 3400;
    await round(3400); // 3 frames each: > 10,000 messages
    await sleep(50);
    const d = sdk.diagnostics();
    expect(d.stats.framesReceived).toBeGreaterThanOrEqual(10000 + 1000);
    expect(d.heapBytes).toBe(warm);
    expect(d.state).toBe('running');
  }, 60000);
});
