// SPDX-License-Identifier: Apache-2.0
// Every public method of the `tccc` object, through dist/index.cjs (the release wasm): it succeeds
// with {status:'success', data}, rejects bad arguments with a TcccError {status:'error', errorMsg,
// code}, and rejects ERR_NOT_READY before `ready`. The wire request each call produces is checked
// against docs/protocol.md.
'use strict';
const { FakeServer, phoneSession } = require('./helpers/FakeServer');
const { sdkPackage, startSdk, readySdk, settle } = require('./helpers/sdk');

const { ErrorCode, TcccError } = sdkPackage;

const im = (id, state) => ({
  sessionId: id,
  type: 'im',
  direction: 'in',
  state,
  timeout: 30,
  nickname: 'Bob',
  createdAt: 1,
});
const video = (id, state) => ({
  sessionId: id,
  type: 'video',
  direction: 'in',
  state,
  timeout: 30,
  userId: 'u-1',
  createdAt: 1,
});

// [api, good options, sessions the server's snapshot must hold, expected wire method, expected wire data,
//  bad options (ERR_INVALID_ARGUMENT)]
const CASES = [
  [
    'Call.startOutboundCall',
    { phoneNumber: '19999999999', phoneDesc: 'Tencent' },
    [],
    'call.startOutbound',
    { phoneNumber: '19999999999', phoneDesc: 'Tencent' },
    { phoneNumber: 'not a number' },
  ],
  ['Call.accept', { sessionId: 's-1' }, [phoneSession('s-1', 'ringing')], 'session.accept', { sessionId: 's-1' }, {}],
  [
    'Call.hungUp',
    { sessionId: 's-1' },
    [phoneSession('s-1', 'talking')],
    'session.hangUp',
    { sessionId: 's-1' },
    { sessionId: {} },
  ],
  [
    'Call.deleteCall',
    { sessionId: 's-1' },
    [phoneSession('s-1', 'ended', { endReason: 'hangup', closeBy: 'client' })],
    'session.delete',
    { sessionId: 's-1' },
    { sessionId: '' },
  ],
  [
    'Call.muteMic',
    { sessionId: 's-1' },
    [phoneSession('s-1', 'talking')],
    'session.mute',
    { sessionId: 's-1', kind: 'audio' },
    { sessionId: [] },
  ],
  [
    'Call.unmuteMic',
    { sessionId: 's-1' },
    [phoneSession('s-1', 'talking')],
    'session.unmute',
    { sessionId: 's-1', kind: 'audio' },
    { sessionId: true },
  ],
  ['Call.isMicMuted', { sessionId: 's-1' }, [phoneSession('s-1', 'talking')], null, null, {}],
  [
    'Call.startInternalCall',
    { calleeUserId: 'bob@example.com', useMobile: false },
    [],
    'call.startInternal',
    { calleeUserId: 'bob@example.com', useMobile: false },
    { calleeUserId: 'bob@example.com', useMobile: 'yes' },
  ],
  [
    'Call.transfer',
    { sessionId: 's-1', skillGroupId: '2' },
    [phoneSession('s-1', 'talking')],
    'session.transfer',
    { sessionId: 's-1', skillGroupId: '2' },
    { sessionId: 's-1' },
  ],
  [
    'Call.hold',
    { sessionId: 's-1' },
    [phoneSession('s-1', 'talking')],
    'session.hold',
    { sessionId: 's-1' },
    { sessionId: null },
  ],
  ['Call.unHold', { sessionId: 's-1' }, [phoneSession('s-1', 'held')], 'session.unHold', { sessionId: 's-1' }, {}],
  [
    'Call.sendDigits',
    { sessionId: 's-1', dtmfText: '1#' },
    [phoneSession('s-1', 'talking')],
    'session.sendDigits',
    { sessionId: 's-1', digits: '1#' },
    { sessionId: 's-1', dtmfText: 'xyz' },
  ],
  ['Chat.accept', { sessionId: 'c-1' }, [im('c-1', 'ringing')], 'session.accept', { sessionId: 'c-1' }, {}],
  ['Chat.end', { sessionId: 'c-1' }, [im('c-1', 'talking')], 'session.hangUp', { sessionId: 'c-1' }, {}],
  [
    'Chat.transfer',
    { sessionId: 'c-1', userId: 'bob@example.com' },
    [im('c-1', 'talking')],
    'session.transfer',
    { sessionId: 'c-1', userId: 'bob@example.com' },
    { sessionId: 'c-1', userId: 'bob@example.com', skillGroupId: '2' },
  ],
  ['Video.accept', { sessionId: 'v-1' }, [video('v-1', 'ringing')], 'session.accept', { sessionId: 'v-1' }, {}],
  ['Video.end', { sessionId: 'v-1' }, [video('v-1', 'talking')], 'session.hangUp', { sessionId: 'v-1' }, {}],
  [
    'Video.muteMic',
    { sessionId: 'v-1' },
    [video('v-1', 'talking')],
    'session.mute',
    { sessionId: 'v-1', kind: 'audio' },
    {},
  ],
  [
    'Video.unmuteMic',
    { sessionId: 'v-1' },
    [video('v-1', 'talking')],
    'session.unmute',
    { sessionId: 'v-1', kind: 'audio' },
    {},
  ],
  [
    'Video.muteVideo',
    { sessionId: 'v-1' },
    [video('v-1', 'talking')],
    'session.mute',
    { sessionId: 'v-1', kind: 'video' },
    {},
  ],
  [
    'Video.unmuteVideo',
    { sessionId: 'v-1' },
    [video('v-1', 'talking')],
    'session.unmute',
    { sessionId: 'v-1', kind: 'video' },
    {},
  ],
  [
    'Video.transfer',
    { sessionId: 'v-1', skillGroupId: '3' },
    [video('v-1', 'talking')],
    'session.transfer',
    { sessionId: 'v-1', skillGroupId: '3' },
    { sessionId: 'v-1', skillGroupId: 3.5 },
  ],
  [
    'Agent.setStatus',
    { status: 'rest', restReason: 'lunch' },
    [],
    'agent.setStatus',
    { status: 'rest', restReason: 'lunch' },
    { status: 'busy' },
  ],
  ['Agent.online', undefined, [], 'agent.online', {}, null],
  ['Agent.offline', undefined, [], 'agent.offline', {}, null],
  [
    'Agent.wrapUp',
    { sessionId: 's-1', disposition: 'sale', notes: '<b>n</b>' },
    [],
    'session.wrapUp',
    { sessionId: 's-1', disposition: 'sale', notes: '<b>n</b>' },
    { sessionId: 's-1', disposition: 'great' },
  ],
  ['Agent.getHistory', { limit: 5 }, [], 'agent.history', { limit: 5 }, { limit: 0 }],
];

const method = (tccc, api) => {
  const [ns, name] = api.split('.');
  return (opts) => tccc[ns][name](opts);
};

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

function expectTcccError(error, name) {
  expect(error).toBeInstanceOf(TcccError);
  expect(error).toBeInstanceOf(Error);
  expect(error.status).toBe('error');
  expect(error.name).toBe(name);
  expect(error.code).toBe(ErrorCode[name]);
  expect(typeof error.errorMsg).toBe('string');
  expect(error.errorMsg.length).toBeGreaterThan(0);
}

describe.each(CASES)('%s', (api, good, sessions, wireMethod, wireData, bad) => {
  test('succeeds with {status:"success", data} and sends the documented request', async () => {
    server.sessions = sessions;
    server.handlers['call.startOutbound'] = () => ({
      ok: true,
      data: {
        sessionId: 'out-1',
        calleePhoneNumber: '19999999999',
        callerPhoneNumber: '4008001000',
        serverType: 'staffSeat',
      },
    });
    server.handlers['call.startInternal'] = () => ({ ok: true, data: { sessionId: 'int-1' } });
    const row = { sessionId: 's-9', type: 'phone', direction: 'in', peer: '138', startedAt: 1, duration: 0 };
    server.handlers['agent.history'] = () => ({
      ok: true,
      data: { sessions: [{ ...row, outcome: 'missed', script: '<img>' }] },
    });
    sdk = await readySdk(server);
    const res = await method(sdk.tccc, api)(good);
    expect(res.status).toBe('success');
    expect(typeof res.data).toBe('object');
    if (wireMethod) {
      await server.waitFor(() => server.requests(wireMethod).length === 1, 2000, wireMethod);
      const sent = server.requests(wireMethod)[0];
      expect(sent).toMatchObject({ v: 1, type: 'req', method: wireMethod, data: wireData });
      if (/startOutbound|startInternal|transfer/.test(wireMethod))
        expect(typeof sent.data.clientRequestId).toBe('string');
    }
    if (api === 'Call.startOutboundCall') {
      expect(res.data).toEqual({
        sessionId: 'out-1',
        calleePhoneNumber: '19999999999',
        callerPhoneNumber: '4008001000',
        serverType: 'staffSeat',
      });
    }
    if (api === 'Call.startInternalCall') expect(res.data.sessionId).toBe('int-1');
    if (api === 'Call.isMicMuted') expect(res.data).toEqual({ sessionId: 's-1', isMicMuted: false });
    if (api === 'Agent.wrapUp') expect(res.data).toEqual({ sessionId: 's-1' });
    // Only the row's known fields reach the page.
    if (api === 'Agent.getHistory') expect(res.data).toEqual({ sessions: [{ ...row, outcome: 'missed' }] });
  });

  test('rejects ERR_NOT_READY before ready', async () => {
    server.sessions = sessions;
    sdk = startSdk(server);
    // Agent.online/offline also log their failures (they are `void` in the docs and often ignored).
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const r = await settle(method(sdk.tccc, api)(good));
      expect(r.ok).toBe(false);
      expectTcccError(r.error, 'ERR_NOT_READY');
    } finally {
      warn.mockRestore();
    }
  });

  if (bad) {
    test('rejects a bad argument with ERR_INVALID_ARGUMENT, sending nothing', async () => {
      server.sessions = sessions;
      sdk = await readySdk(server);
      const before = server.frames.length;
      const r = await settle(method(sdk.tccc, api)(bad));
      expect(r.ok).toBe(false);
      expectTcccError(r.error, 'ERR_INVALID_ARGUMENT');
      // The message names the culprit (e.g. "sessionId is required").
      expect(r.error.errorMsg).toMatch(
        /sessionId|phoneNumber|useMobile|skillGroupId|userId|dtmfText|status|disposition|limit/,
      );
      expect(server.frames.length).toBe(before);
    });
  }

  test('never throws synchronously, even for garbage options', async () => {
    server.sessions = sessions;
    sdk = await readySdk(server);
    for (const garbage of [null, 42, 'sessionId', [], () => 1, Symbol('x')]) {
      let p;
      expect(() => {
        p = method(sdk.tccc, api)(garbage);
      }).not.toThrow();
      expect(p).toBeInstanceOf(Promise);
      await settle(p);
    }
  });
});

describe('promise shapes and argument edge cases', () => {
  test('a failure reported by the server rejects with its catalogue code and message', async () => {
    server.handlers['agent.setStatus'] = () => ({
      ok: false,
      error: { code: -11003, message: 'busy: cannot change status during a call' },
    });
    sdk = await readySdk(server);
    const r = await settle(sdk.tccc.Agent.setStatus({ status: 'rest' }));
    expectTcccError(r.error, 'ERR_INVALID_STATE');
    expect(r.error.errorMsg).toBe('busy: cannot change status during a call');
  });

  test('an unknown sessionId rejects ERR_SESSION_NOT_FOUND without a round trip', async () => {
    sdk = await readySdk(server);
    const before = server.frames.length;
    const r = await settle(sdk.tccc.Call.hungUp({ sessionId: 'nope' }));
    expectTcccError(r.error, 'ERR_SESSION_NOT_FOUND');
    expect(server.frames.length).toBe(before);
  });

  test('options that cannot be serialised (a cycle, a BigInt) reject ERR_INVALID_ARGUMENT', async () => {
    sdk = await readySdk(server);
    const cyclic = { sessionId: 's-1' };
    cyclic.self = cyclic;
    expectTcccError((await settle(sdk.tccc.Call.accept(cyclic))).error, 'ERR_INVALID_ARGUMENT');
    expectTcccError((await settle(sdk.tccc.Call.accept({ sessionId: 10n }))).error, 'ERR_INVALID_ARGUMENT');
  });

  test('oversized options are refused, not sent', async () => {
    sdk = await readySdk(server);
    const before = server.frames.length;
    const r = await settle(sdk.tccc.Call.startOutboundCall({ phoneNumber: '1', phoneDesc: 'x'.repeat(100000) }));
    expectTcccError(r.error, 'ERR_INVALID_ARGUMENT');
    expect(server.frames.length).toBe(before);
  });

  test('a request the server never answers rejects ERR_REQUEST_TIMEOUT', async () => {
    server.handlers['agent.setStatus'] = () => null;
    sdk = await readySdk(server, { tuning: { requestTimeoutMs: 300, reconnectBaseMs: 50 } });
    const started = Date.now();
    const r = await settle(sdk.tccc.Agent.setStatus({ status: 'rest' }));
    expectTcccError(r.error, 'ERR_REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test('Agent.getStatus() is synchronous and follows the server', async () => {
    sdk = startSdk(server);
    expect(sdk.tccc.Agent.getStatus()).toBe('offline');
    await sdk.waitEvent('ready');
    await sdk.waitEvent('statusChanged');
    expect(sdk.tccc.Agent.getStatus()).toBe('free');
    server.status('rest', 'request', 'lunch');
    const ev = await sdk.waitEvent('statusChanged', 2);
    expect(ev.data.status).toBe('rest');
    expect(sdk.tccc.Agent.getStatus()).toBe('rest');
  });

  test('Agent.online/offline failures that nobody awaits are not unhandled rejections', async () => {
    const unhandled = [];
    const onUnhandled = (reason) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      sdk = startSdk(server);
      sdk.tccc.Agent.online(); // before ready: rejects ERR_NOT_READY, ignored by the caller
      sdk.tccc.Agent.offline();
      await sdk.waitEvent('ready');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Agent\.online failed/));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      warn.mockRestore();
    }
  });

  test('a promise resolves before the events its request caused are delivered', async () => {
    server.handlers['call.startOutbound'] = (data) => {
      // Answer, then at once announce the new session (as the protocol says a server does).
      setImmediate(() =>
        server.session({
          sessionId: 'out-1',
          type: 'phone',
          direction: 'out',
          state: 'dialing',
          timeout: 0,
          calleePhoneNumber: data.phoneNumber,
          callerPhoneNumber: '4008001000',
          serverType: 'staffSeat',
          createdAt: 1,
        }),
      );
      return {
        ok: true,
        data: {
          sessionId: 'out-1',
          calleePhoneNumber: data.phoneNumber,
          callerPhoneNumber: '4008001000',
          serverType: 'staffSeat',
        },
      };
    };
    sdk = await readySdk(server);
    const order = [];
    sdk.tccc.on('callOuted', () => order.push('callOuted'));
    await sdk.tccc.Call.startOutboundCall({ phoneNumber: '19999999999' }).then((res) =>
      order.push(`resolved ${res.data.sessionId}`),
    );
    await sdk.waitEvent('callOuted');
    expect(order).toEqual(['resolved out-1', 'callOuted']);
  });
});
