// SPDX-License-Identifier: Apache-2.0
// tccc.on / tccc.off / tccc.events, and the events of whole call scenarios in order, with the
// payload fields the TCCC documentation lists.
'use strict';
const { FakeServer, phoneSession } = require('./helpers/FakeServer');
const { sdkPackage, startSdk, readySdk, sleep } = require('./helpers/sdk');

const { ErrorCode, TcccError } = sdkPackage;
const SEED_EVENTS = [
  'ready',
  'tokenExpired',
  'callIn',
  'userAccessed',
  'autoTransfer',
  'sessionEnded',
  'callOuted',
  'calloutAccepted',
  'transfer',
  'statusChanged',
  'asr',
];
const OUR_EVENTS = [
  'connectionLost',
  'tryToReconnect',
  'connectionRecovery',
  'kickedOut',
  'reconnectFailed',
  'mediaStateChanged',
  'messageReceived',
  'mediaWarning',
  'supervisorUpdate',
  'audioVolume',
  'networkQuality',
  'mediaTransportChanged',
];

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

const sessionEvents = (s) => s.log.filter(([n]) => n !== 'statusChanged' && n !== 'ready');

describe('tccc.events, on and off', () => {
  test('events holds exactly the documented names, each mapped to itself, frozen', async () => {
    sdk = startSdk(server);
    expect(Object.keys(sdk.tccc.events).sort()).toEqual([...SEED_EVENTS, ...OUR_EVENTS].sort());
    for (const [k, v] of Object.entries(sdk.tccc.events)) expect(v).toBe(k);
    expect(Object.isFrozen(sdk.tccc.events)).toBe(true);
  });

  test('on() with an unknown event name throws ERR_UNKNOWN_EVENT synchronously', () => {
    sdk = startSdk(server);
    for (const bad of ['callin', 'READY', '', undefined, 42, {}]) {
      let thrown;
      try {
        sdk.tccc.on(bad, () => {});
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(TcccError);
      expect(thrown.code).toBe(ErrorCode.ERR_UNKNOWN_EVENT);
      expect(thrown.name).toBe('ERR_UNKNOWN_EVENT');
    }
    expect(() => sdk.tccc.off('nope', () => {})).toThrow(TcccError);
  });

  test('on()/off() with a callback that is not a function throw ERR_INVALID_ARGUMENT', () => {
    sdk = startSdk(server);
    for (const bad of [undefined, null, 'fn', {}]) {
      let thrown;
      try {
        sdk.tccc.on('callIn', bad);
      } catch (e) {
        thrown = e;
      }
      expect(thrown.code).toBe(ErrorCode.ERR_INVALID_ARGUMENT);
      expect(thrown.status).toBe('error');
    }
    expect(() => sdk.tccc.off('callIn', 1)).toThrow(/ERR_INVALID_ARGUMENT/);
  });

  test('plain strings work like tccc.events.*, and off() removes exactly that listener', async () => {
    sdk = await readySdk(server);
    const a = jest.fn();
    const b = jest.fn();
    sdk.tccc.on('callIn', a);
    sdk.tccc.on(sdk.tccc.events.callIn, b);
    server.session(phoneSession('s-1', 'ringing'));
    await sdk.waitEvent('callIn');
    await sleep(10);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    sdk.tccc.off('callIn', a);
    sdk.tccc.off('callIn', () => {}); // unknown listener: no-op
    server.session(phoneSession('s-2', 'ringing'));
    await sdk.waitEvent('callIn', 2);
    await sleep(10);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
  });

  test('ready is sticky: a listener added after it fired is called once, asynchronously', async () => {
    sdk = await readySdk(server);
    const late = jest.fn();
    sdk.tccc.on('ready', late);
    expect(late).not.toHaveBeenCalled(); // never synchronously inside on()
    await sleep(0);
    expect(late).toHaveBeenCalledTimes(1);
    expect(late).toHaveBeenCalledWith({ data: {} });
    await sleep(20);
    expect(late).toHaveBeenCalledTimes(1);
  });

  test('a throwing listener does not break the SDK or the other listeners', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      sdk = await readySdk(server);
      const after = jest.fn();
      sdk.tccc.on('callIn', () => {
        throw new Error('integrator bug');
      });
      sdk.tccc.on('callIn', after);
      server.session(phoneSession('s-1', 'ringing'));
      await sdk.waitEvent('callIn');
      await sleep(10);
      expect(after).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/listener of "callIn" threw/), expect.any(Error));
      // The SDK still works.
      const res = await sdk.tccc.Call.accept({ sessionId: 's-1' });
      expect(res.status).toBe('success');
    } finally {
      error.mockRestore();
    }
  });

  test('a listener may call the SDK from inside an event (accept on callIn)', async () => {
    sdk = await readySdk(server);
    const results = [];
    sdk.tccc.on('callIn', ({ data }) => {
      sdk.tccc.Call.accept({ sessionId: data.sessionId }).then((r) => results.push(r.status));
    });
    server.session(phoneSession('s-1', 'ringing'));
    await server.waitFor(() => server.requests('session.accept').length === 1, 2000, 'accept');
    await sleep(10);
    expect(results).toEqual(['success']);
  });
});

describe('scenarios: events in order, with the documented payloads', () => {
  test('inbound phone call: callIn → userAccessed → sessionEnded', async () => {
    sdk = await readySdk(server);
    server.session(phoneSession('s-1', 'ringing'));
    const callIn = await sdk.waitEvent('callIn');
    expect(callIn.data).toMatchObject({
      sessionId: 's-1',
      type: 'phone',
      timeout: 30,
      calleePhoneNumber: '4008001000',
      callerPhoneNumber: '13800138000',
      serverType: 'staffSeat',
      ivrPath: [{ key: '1', label: 'Sales' }],
    });
    await sdk.tccc.Call.accept({ sessionId: 's-1' });
    server.status('busy', 'callStarted');
    server.session({ sessionId: 's-1', state: 'talking' });
    await sdk.waitEvent('userAccessed');
    server.session({ sessionId: 's-1', state: 'ended', endReason: 'hangup', closeBy: 'client', duration: 12 });
    server.status('arrange', 'callEnded');
    const ended = await sdk.waitEvent('sessionEnded');
    expect(ended.data).toMatchObject({ sessionId: 's-1', closeBy: 'client' });
    await sdk.waitEvent('statusChanged', 3);
    expect(sessionEvents(sdk).map(([n]) => n)).toEqual(['callIn', 'userAccessed', 'sessionEnded']);
    expect(sdk.log.filter(([n]) => n === 'statusChanged').map(([, p]) => p.data.status)).toEqual([
      'free',
      'busy',
      'arrange',
    ]);
    expect(sdk.tccc.Agent.getStatus()).toBe('arrange');
  });

  test('text outside ASCII survives the trip into the core and back exactly (CJK, emoji, escapes)', async () => {
    // Frames reach the wasm through TextEncoder.encodeInto into its input buffer: every kind of
    // character must come back unchanged in the event payload.
    sdk = await readySdk(server);
    const nickname = '张三 🎧 Ünïcødé';
    const remark = 'line1\nline2 "quoted" \\ tab\t <b>not html</b> \u2028';
    const clientData = '{"订单":"42","emoji":"😀"}'.repeat(20);
    server.session({
      sessionId: 'im-1',
      type: 'im',
      direction: 'in',
      state: 'ringing',
      timeout: 30,
      createdAt: 1,
      nickname,
      avatar: '',
      remark,
      peerSource: '微信',
      channelName: '官网',
      clientData,
    });
    const callIn = await sdk.waitEvent('callIn');
    expect(callIn.data).toMatchObject({
      sessionId: 'im-1',
      type: 'im',
      nickname,
      remark,
      peerSource: '微信',
      channelName: '官网',
      clientData,
    });
  });

  test('outbound call: callOuted → calloutAccepted → sessionEnded (closed by admin with reasons)', async () => {
    server.handlers['call.startOutbound'] = (d) => {
      setImmediate(() =>
        server.session({
          sessionId: 'o-1',
          type: 'phone',
          direction: 'out',
          state: 'dialing',
          timeout: 0,
          calleePhoneNumber: d.phoneNumber,
          callerPhoneNumber: '4008001000',
          serverType: 'staffSeat',
          createdAt: 1,
        }),
      );
      return {
        ok: true,
        data: {
          sessionId: 'o-1',
          calleePhoneNumber: d.phoneNumber,
          callerPhoneNumber: '4008001000',
          serverType: 'staffSeat',
        },
      };
    };
    sdk = await readySdk(server);
    const res = await sdk.tccc.Call.startOutboundCall({ phoneNumber: '19999999999' });
    expect(res.data.sessionId).toBe('o-1');
    expect((await sdk.waitEvent('callOuted')).data.sessionId).toBe('o-1');
    server.session({ sessionId: 'o-1', state: 'talking' });
    expect((await sdk.waitEvent('calloutAccepted')).data.sessionId).toBe('o-1');
    server.session({
      sessionId: 'o-1',
      state: 'ended',
      endReason: 'hangup',
      closeBy: 'admin',
      mainReason: 'busy',
      subReason: 'userReject',
    });
    const ended = await sdk.waitEvent('sessionEnded');
    expect(ended.data).toMatchObject({
      sessionId: 'o-1',
      closeBy: 'admin',
      mainReason: 'busy',
      subReason: 'userReject',
    });
    expect(sessionEvents(sdk).map(([n]) => n)).toEqual(['callOuted', 'calloutAccepted', 'sessionEnded']);
  });

  test('ring timeout: callIn → autoTransfer (no sessionEnded for the offer that moved on)', async () => {
    sdk = await readySdk(server);
    server.session(phoneSession('s-1', 'ringing'));
    await sdk.waitEvent('callIn');
    server.session({ sessionId: 's-1', state: 'ended', endReason: 'ringTimeout', closeBy: 'timer' });
    expect((await sdk.waitEvent('autoTransfer')).data.sessionId).toBe('s-1');
    await sleep(30);
    expect(sessionEvents(sdk).map(([n]) => n)).toEqual(['callIn', 'autoTransfer']);
  });

  test('transfer away: transfer then sessionEnded', async () => {
    server.sessions = [phoneSession('s-1', 'talking')];
    sdk = await readySdk(server);
    await sdk.waitEvent('userAccessed');
    await sdk.tccc.Call.transfer({ sessionId: 's-1', skillGroupId: '2' });
    server.session({
      sessionId: 's-1',
      state: 'ended',
      endReason: 'transfer',
      closeBy: 'seat',
      transferTo: { skillGroupId: '2' },
    });
    await sdk.waitEvent('sessionEnded');
    const names = sessionEvents(sdk).map(([n]) => n);
    expect(names.slice(-2)).toEqual(['transfer', 'sessionEnded']);
  });

  test('unknown server events and duplicate seqs produce nothing', async () => {
    sdk = await readySdk(server);
    server.event('future.thing', { x: 1 });
    server.session(phoneSession('s-1', 'ringing'));
    await sdk.waitEvent('callIn');
    // Replay the same seq: a duplicate must not be emitted twice.
    server.send({
      v: 1,
      type: 'evt',
      seq: server.seq,
      event: 'session.state',
      data: { session: phoneSession('s-1', 'talking') },
    });
    server.status('rest', 'request');
    await sdk.waitEvent('statusChanged', 2);
    expect(sessionEvents(sdk).map(([n]) => n)).toEqual(['callIn']);
    const stats = sdk.diagnostics().stats;
    expect(stats.unknownEvents).toBe(1);
    expect(stats.duplicateEvents).toBe(1);
  });
});
