// SPDX-License-Identifier: Apache-2.0
// The SDK (release wasm through dist/index.cjs) against the real tccc-server: login from a
// CreateSDKLoginToken SdkURL made with the official cloud client, status changes, a simulated inbound
// call through IVR and ACD, CDRs, token reuse, kick-out, and a real network drop through a TCP proxy
// with a call ending while the agent is away. No fake server anywhere.
'use strict';
const net = require('node:net');
const WebSocket = require('ws');
const { startServer, cloudClient, waitFor } = require('../helpers/server');
const { sdkPackage, sleep, settle } = require('../sdk/helpers/sdk');

const TUNING = { reconnectBaseMs: 100, reconnectMaxMs: 400, requestTimeoutMs: 4000, loginTimeoutMs: 4000 };

/** Records every event of an SDK instance and lets a test wait for the n-th of a name. */
function record(tccc) {
  const log = [];
  const waiters = new Set();
  for (const name of Object.keys(sdkPackage.events)) {
    tccc.on(name, (payload) => {
      log.push([name, payload]);
      for (const w of [...waiters]) w();
    });
  }
  const waitEvent = (name, count = 1, ms = 8000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const seen = log.filter(([n]) => n === name);
        if (seen.length < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(seen[count - 1][1]);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${name} #${count}; saw ${log.map(([n]) => n).join(', ')}`));
      }, ms);
      waiters.add(check);
      check();
    });
  return { log, names: () => log.map(([n]) => n), waitEvent };
}

/** A TCP proxy on loopback that can cut every connection and refuse new ones, like a network drop. */
async function startProxy(targetPort) {
  const sockets = new Set();
  let server;
  let port = 0;
  const listen = () =>
    new Promise((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = server.address().port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    /** Cuts all connections and stops listening: reconnect attempts are refused. */
    async cut() {
      await new Promise((resolve) => {
        server.close(resolve);
        for (const s of sockets) s.destroy();
      });
      sockets.clear();
    },
    restore: listen,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function postJson(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('SDK with the real server', () => {
  let server;
  let ccc;
  const instances = [];

  beforeAll(async () => {
    server = await startServer();
    ccc = cloudClient(server);
  });
  afterEach(() => {
    while (instances.length) instances.pop().destroy();
  });
  afterAll(async () => {
    if (server) await server.stop();
  });

  async function login(userId, { serverUrl, onlyOnce = false } = {}) {
    const res = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId, OnlyOnce: onlyOnce });
    const options = { sdkUrl: res.SdkURL, WebSocket, tuning: TUNING };
    if (serverUrl) options.serverUrl = serverUrl;
    const tccc = sdkPackage.init(options);
    instances.push(tccc);
    return { tccc, rec: record(tccc), token: res.Token, sdkUrl: res.SdkURL };
  }

  test('an SdkURL from CreateSDKLoginToken logs the agent in; status changes round-trip', async () => {
    const { tccc, rec } = await login(server.agents[0]);
    await rec.waitEvent('ready');
    expect(tccc.Agent.getStatus()).toBe('free');

    const res = await tccc.Agent.setStatus({ status: 'rest', restReason: 'lunch' });
    expect(res.status).toBe('success');
    // statusChanged reports every real change, the login's offline -> free included.
    await waitFor(
      () => rec.log.some(([n, p]) => n === 'statusChanged' && p.data.status === 'rest'),
      5000,
      'statusChanged rest',
    );
    expect(tccc.Agent.getStatus()).toBe('rest');

    // The server refuses what the SDK cannot know is wrong only server-side; the SDK refuses the rest.
    const bad = await settle(tccc.Agent.setStatus({ status: 'busy' }));
    expect(bad.ok).toBe(false);
    expect(bad.error.status).toBe('error');
    expect(typeof bad.error.errorMsg).toBe('string');

    await tccc.Agent.setStatus({ status: 'free' });
    await waitFor(() => tccc.Agent.getStatus() === 'free', 5000, 'free again');
    const statuses = rec.log.filter(([n]) => n === 'statusChanged').map(([, p]) => p.data.status);
    expect(statuses.slice(-2)).toEqual(['rest', 'free']);
    expect(new Set(statuses.map((s, i) => `${i}:${s}`)).size).toBe(statuses.length);

    // The cloud API sees the same status.
    const metrics = await ccc.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [server.agents[0]] });
    const row = metrics.Metrics.find((m) => m.Email === server.agents[0]);
    expect(row.Status).toBe('free');
  });

  test('inbound call through the IVR: callIn with ivrPath, accept, agent hangs up, CDR recorded', async () => {
    // Only one agent online, so the ACD must pick this one.
    const { tccc, rec } = await login(server.agents[1]);
    await rec.waitEvent('ready');
    const call = await postJson(`${server.baseUrl}/sim/inbound`, {
      caller: '13800138000',
      serviceNumber: '4008001000',
      ivrKeys: '1',
    });
    expect(call.status).toBe(200);
    const sessionId = call.body.sessionId;

    const callIn = await rec.waitEvent('callIn');
    expect(callIn.data).toMatchObject({
      sessionId,
      type: 'phone',
      callerPhoneNumber: '13800138000',
      calleePhoneNumber: '4008001000',
    });
    expect(callIn.data.ivrPath).toEqual([expect.objectContaining({ key: '1' })]);
    expect(callIn.data.timeout).toBeGreaterThan(0);

    const accepted = await tccc.Call.accept({ sessionId });
    expect(accepted.status).toBe('success');
    expect((await rec.waitEvent('userAccessed')).data.sessionId).toBe(sessionId);
    await waitFor(() => tccc.Agent.getStatus() === 'busy', 5000, 'busy');

    await tccc.Call.hungUp({ sessionId });
    const ended = await rec.waitEvent('sessionEnded');
    expect(ended.data).toMatchObject({ sessionId, closeBy: 'seat' });
    await waitFor(() => tccc.Agent.getStatus() === 'arrange', 5000, 'arrange');

    const order = rec.names().filter((n) => ['callIn', 'userAccessed', 'sessionEnded'].includes(n));
    expect(order).toEqual(['callIn', 'userAccessed', 'sessionEnded']);

    const cdr = await waitFor(
      async () => {
        const now = Math.floor(Date.now() / 1000);
        const r = await ccc.DescribeTelCdr({
          SdkAppId: server.sdkAppId,
          StartTimeStamp: now - 600,
          EndTimeStamp: now + 60,
          Limit: 100,
          Offset: 0,
        });
        return (r.TelCdrs || []).find((c) => c.SessionId === sessionId);
      },
      5000,
      'the CDR',
    );
    expect(cdr).toMatchObject({
      Caller: '13800138000',
      Callee: '4008001000',
      Direction: 0,
      EndStatusString: 'ok',
      HungUpSide: 'seat',
    });
    expect(cdr.IVRKeyPressed).toEqual(['1']);
    expect(cdr.SeatUser.UserId || cdr.SeatUser.Mail).toBe(server.agents[1]);
  });

  test('network drop mid-call: lost, reconnect, recovery, and the call that ended meanwhile ends once', async () => {
    const proxy = await startProxy(server.port);
    try {
      const { tccc, rec } = await login(server.agents[2], { serverUrl: `http://127.0.0.1:${proxy.port}` });
      await rec.waitEvent('ready');
      // The customer hangs up by itself 2 s after the agent answers.
      const call = await postJson(`${server.baseUrl}/sim/inbound`, {
        caller: '13900139000',
        serviceNumber: '4008001000',
        ivrKeys: '2',
        holdSeconds: 2,
      });
      expect(call.status).toBe(200);
      const { sessionId } = call.body;
      await rec.waitEvent('callIn');
      await tccc.Call.accept({ sessionId });
      await rec.waitEvent('userAccessed');

      await proxy.cut();
      await rec.waitEvent('connectionLost');
      await rec.waitEvent('tryToReconnect');
      // While the agent is away, the caller hangs up.
      await waitFor(
        async () => {
          const r = await fetch(`${server.baseUrl}/sim/sessions/${sessionId}`);
          return r.ok && (await r.json()).state === 'ended';
        },
        8000,
        'the caller to hang up',
      );
      expect(rec.names()).not.toContain('sessionEnded');

      await proxy.restore();
      await rec.waitEvent('connectionRecovery', 1, 10000);
      const ended = await rec.waitEvent('sessionEnded');
      expect(ended.data).toMatchObject({ sessionId, closeBy: 'client' });
      await sleep(300);
      expect(rec.names().filter((n) => n === 'sessionEnded')).toHaveLength(1);
      expect(rec.names().filter((n) => n === 'callIn')).toHaveLength(1);
      expect(rec.names().filter((n) => n === 'connectionLost')).toHaveLength(1);
      // After the call: after-call work, then the API works again on the new socket.
      expect(['arrange', 'free']).toContain(tccc.Agent.getStatus());
      const r = await tccc.Agent.setStatus({ status: 'notReady' });
      expect(r.status).toBe('success');
    } finally {
      await proxy.stop();
    }
  });

  test('the first login rides in the WebSocket handshake; with handshakeLogin false it is a frame', async () => {
    // A WebSocket that records what it was opened with and what it sent.
    const opened = [];
    class RecordingWebSocket extends WebSocket {
      constructor(url, protocols) {
        super(url, protocols);
        this.record = { protocols, sent: [], socket: this };
        opened.push(this.record);
      }
      send(data, ...rest) {
        this.record.sent.push(JSON.parse(String(data)));
        return super.send(data, ...rest);
      }
    }
    const sentLogins = (r) => r.sent.filter((f) => f.method === 'auth.login');
    for (const handshakeLogin of [true, false]) {
      opened.length = 0;
      const res = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: server.agents[0] });
      const tccc = sdkPackage.init({
        sdkUrl: res.SdkURL,
        WebSocket: RecordingWebSocket,
        tuning: { ...TUNING, handshakeLogin },
      });
      instances.push(tccc);
      await record(tccc).waitEvent('ready');
      expect(opened).toHaveLength(1);
      if (handshakeLogin) {
        expect(opened[0].protocols[0]).toBe('tccc.v1');
        expect(opened[0].protocols[1]).toMatch(/^tccc\.login\.[A-Za-z0-9_-]+$/);
        expect(opened[0].socket.protocol).toBe('tccc.v1'); // the server selected it
        expect(sentLogins(opened[0])).toEqual([]);
      } else {
        expect(opened[0].protocols).toBeUndefined();
        expect(sentLogins(opened[0])).toHaveLength(1);
        expect(sentLogins(opened[0])[0].data.token).toBe(res.Token);
      }
      // Either way the SDK works on that socket: its own requests are answered.
      expect((await tccc.Agent.setStatus({ status: 'rest' })).status).toBe('success');
      tccc.destroy();
    }
  });

  test('an SDK destroyed while it loads leaves its agent offline, not online for the grace period', async () => {
    const userId = server.agents[2];
    const res = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
    const opened = [];
    let loginAnswer = null;
    class WatchedWebSocket extends WebSocket {
      constructor(url, protocols) {
        super(url, protocols);
        opened.push(this);
        this.once('message', (data) => {
          loginAnswer = JSON.parse(String(data));
        });
      }
    }
    // A wasm download that never finishes keeps the SDK loading (its socket parked, unused).
    const stall = require('node:http').createServer(() => {});
    await new Promise((resolve) => stall.listen(0, '127.0.0.1', resolve));
    const wasmUrl = `http://127.0.0.1:${stall.address().port}/tccc-core.wasm`;
    const tccc = sdkPackage.init({ sdkUrl: res.SdkURL, wasmUrl, WebSocket: WatchedWebSocket, tuning: TUNING });
    // The server logs the socket in by its handshake: its first frame is the login's answer.
    await waitFor(() => loginAnswer, 5000, 'the handshake login answer');
    expect(loginAnswer).toMatchObject({ type: 'res', id: 1, ok: true });
    const statusOf = async () =>
      (await ccc.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [userId] })).Metrics.find(
        (m) => m.Email === userId,
      ).Status;
    expect(await statusOf()).not.toBe('offline');
    tccc.destroy(); // while loading: the core does not exist yet
    await waitFor(async () => (await statusOf()) === 'offline', 3000, 'offline at once');
    stall.closeAllConnections();
    await new Promise((resolve) => stall.close(resolve));
  });

  test('a reused OnlyOnce login token gives tokenExpired, and a second login kicks the first', async () => {
    const first = await login(server.agents[0], { onlyOnce: true });
    await first.rec.waitEvent('ready');

    // The same one-time token again: refused.
    const again = sdkPackage.init({
      sdkAppId: server.sdkAppId,
      userId: server.agents[0],
      token: first.token,
      serverUrl: server.baseUrl,
      WebSocket,
      tuning: TUNING,
    });
    instances.push(again);
    const againRec = record(again);
    const expired = await againRec.waitEvent('tokenExpired');
    expect(typeof expired.message).toBe('string');
    expect(againRec.names()).not.toContain('ready');

    // A fresh token for the same agent takes over; the first instance is told and stays down.
    const second = await login(server.agents[0]);
    await second.rec.waitEvent('ready');
    await first.rec.waitEvent('kickedOut');
    await sleep(500);
    expect(first.rec.names()).not.toContain('tryToReconnect');
    const refused = await settle(first.tccc.Agent.setStatus({ status: 'rest' }));
    expect(refused.ok).toBe(false);
  });
});
