// SPDX-License-Identifier: Apache-2.0
// The SDK's headless chat API (dist/index.cjs, release wasm) in Node against the real tccc-server:
// a visitor on /ws/customer, the agent logged in from an SdkURL. A real network drop through a TCP
// proxy on the agent's side loses nothing and duplicates nothing; a send retried with the same
// clientMsgId is stored once; a chat does not stop the agent from taking a call.
'use strict';
const net = require('node:net');
const WebSocket = require('ws');
const { startServer, cloudClient } = require('../helpers/server');
const { sdkPackage, sleep } = require('../sdk/helpers/sdk');

const TUNING = { reconnectBaseMs: 100, reconnectMaxMs: 400, requestTimeoutMs: 4000, loginTimeoutMs: 4000 };

function record(tccc) {
  const log = [];
  for (const name of Object.keys(sdkPackage.events)) tccc.on(name, (p) => log.push([name, p]));
  const waitFor = async (pred, what, ms = 8000) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; saw ${log.map(([n]) => n).join(', ')}`);
      await sleep(20);
    }
  };
  return {
    log,
    received: (sid) =>
      log.filter(([n, p]) => n === 'messageReceived' && p.data.sessionId === sid).map(([, p]) => p.data.message),
    waitEvent: (name, pred = () => true, ms) =>
      waitFor(
        () => {
          const hit = log.find(([n, p]) => n === name && pred(p.data));
          return hit && hit[1].data;
        },
        name,
        ms,
      ),
    waitFor,
  };
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

/** A chat visitor on /ws/customer. */
async function visitor(server) {
  const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/ws/customer`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const waiting = new Map();
  const events = [];
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: m.t }));
    else if (m.type === 'res' && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    } else if (m.type === 'evt') events.push(m);
  });
  const call = (method, data = {}) =>
    new Promise((resolve) => {
      const n = ++id;
      waiting.set(n, resolve);
      ws.send(JSON.stringify({ v: 1, type: 'req', id: n, method, data }));
    });
  return { call, events, close: () => ws.close() };
}

describe('chat through the SDK with the real server', () => {
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

  async function login(userId, serverUrl) {
    const res = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
    const options = { sdkUrl: res.SdkURL, WebSocket, tuning: TUNING };
    if (serverUrl) options.serverUrl = serverUrl;
    const tccc = sdkPackage.init(options);
    instances.push(tccc);
    const rec = record(tccc);
    await rec.waitEvent('ready');
    return { tccc, rec };
  }

  test('a network drop on the agent side loses and duplicates nothing; retries are stored once', async () => {
    const proxy = await startProxy(server.port);
    const v = await visitor(server);
    try {
      const { tccc, rec } = await login(server.agents[0], `http://127.0.0.1:${proxy.port}`);
      const started = await v.call('chat.start', { serviceNumber: '4008002000', nickname: 'Nina', clientData: 'vip' });
      expect(started.ok).toBe(true);
      const { sessionId } = started.data;
      const callIn = await rec.waitEvent('callIn', (d) => d.sessionId === sessionId);
      expect(callIn).toMatchObject({ type: 'im', nickname: 'Nina', clientData: 'vip' });
      // Not accepted yet: messages need an accepted chat; the history is readable.
      await expect(tccc.Chat.sendMessage({ sessionId, text: 'too early' })).rejects.toMatchObject({
        name: 'ERR_INVALID_STATE',
      });
      expect((await v.call('chat.send', { text: 'anyone?', clientMsgId: 'n-0' })).ok).toBe(true);
      const early = await tccc.Chat.getMessages({ sessionId });
      expect(early.data.messages.map((m) => m.text)).toEqual(['anyone?']);
      await tccc.Chat.accept({ sessionId });
      await rec.waitEvent('userAccessed', (d) => d.sessionId === sessionId);
      expect(tccc.Agent.getStatus()).toBe('free');

      expect((await v.call('chat.send', { text: 'one', clientMsgId: 'n-1' })).ok).toBe(true);
      await rec.waitFor(() => rec.received(sessionId).some((m) => m.text === 'one'), 'one');

      await proxy.cut();
      await rec.waitEvent('connectionLost');
      await expect(tccc.Chat.sendMessage({ sessionId, text: 'lost?', clientMsgId: 'a-1' })).rejects.toMatchObject({
        name: 'ERR_NOT_READY',
      });
      for (const [i, text] of ['two', 'three', 'four'].entries())
        expect((await v.call('chat.send', { text, clientMsgId: `n-${i + 2}` })).ok).toBe(true);
      await proxy.restore();
      await rec.waitEvent('connectionRecovery', () => true, 10000);
      await rec.waitFor(() => rec.received(sessionId).some((m) => m.text === 'four'), 'caught up');
      await sleep(200);
      const texts = rec.received(sessionId).map((m) => m.text);
      // 'anyone?' came while the chat rang at this agent: received once it was accepted.
      expect(texts).toEqual(['anyone?', 'Alice joined the chat', 'one', 'two', 'three', 'four']);
      expect(new Set(rec.received(sessionId).map((m) => m.messageId)).size).toBe(texts.length);

      // The same clientMsgId twice: one stored message.
      const first = await tccc.Chat.sendMessage({ sessionId, text: 'answer', clientMsgId: 'a-2' });
      const again = await tccc.Chat.sendMessage({ sessionId, text: 'answer', clientMsgId: 'a-2' });
      expect(again.data.message.messageId).toBe(first.data.message.messageId);
      const visitorCopies = v.events.filter((e) => e.event === 'chat.message' && e.data.message.text === 'answer');
      expect(visitorCopies).toHaveLength(1);
      expect(visitorCopies[0].data.message.senderId).toBe(''); // the agent's login stays private

      await tccc.Chat.end({ sessionId });
      await rec.waitEvent('sessionEnded', (d) => d.sessionId === sessionId);
      const stored = await ccc.DescribeChatMessages({
        SdkAppId: server.sdkAppId,
        SessionId: sessionId,
        Order: 1,
        Limit: 100,
      });
      expect(stored.Messages.map((m) => m.Messages[0].Content)).toEqual([
        'anyone?',
        'Alice joined the chat',
        'one',
        'two',
        'three',
        'four',
        'answer',
        'The chat has ended.',
      ]);
      expect(stored.Messages[0].From).toMatch(/^visitor-/);
      expect(stored.Messages[6].From).toBe(server.agents[0]);
      // History after the end, as the agent's session list still has it.
      const after = await tccc.Chat.getMessages({ sessionId, afterSeq: 6, limit: 1 });
      expect(after.data).toMatchObject({ hasMore: true, lastSeq: 8 });
      expect(after.data.messages.map((m) => m.seq)).toEqual([7]);
      // Group commit (server/signalling/DurableSendQueue): every frame went out once its messages
      // were on disk; none is left waiting.
      const health = await (await fetch(`${server.baseUrl}/healthz`)).json();
      expect(health.framesAwaitingDisk).toBe(0);
    } finally {
      v.close();
      await proxy.stop();
    }
  });

  test('an agent in a chat still takes a call; the call makes it busy, the chat does not', async () => {
    const v = await visitor(server);
    try {
      const { tccc, rec } = await login(server.agents[0]);
      const { data } = await v.call('chat.start', { serviceNumber: '4008002000', nickname: 'Omar' });
      await rec.waitEvent('callIn', (d) => d.sessionId === data.sessionId);
      await tccc.Chat.accept({ sessionId: data.sessionId });
      const res = await fetch(`${server.baseUrl}/sim/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ caller: '13700137000', serviceNumber: '4008002000' }),
      });
      expect(res.status).toBe(200);
      const call = (await res.json()).sessionId;
      await rec.waitEvent('callIn', (d) => d.sessionId === call);
      await tccc.Call.accept({ sessionId: call });
      await rec.waitEvent('statusChanged', (d) => d.status === 'busy');
      const sent = await tccc.Chat.sendMessage({ sessionId: data.sessionId, text: 'one moment, I am on the phone' });
      expect(sent.data.message.seq).toBeGreaterThan(0);
      await tccc.Call.hungUp({ sessionId: call });
      await tccc.Chat.end({ sessionId: data.sessionId });
      const now = Math.floor(Date.now() / 1000);
      const cdrs = await ccc.DescribeIMCdrs({
        SdkAppId: server.sdkAppId,
        StartTimestamp: now - 300,
        EndTimestamp: now + 60,
      });
      expect(cdrs.IMCdrList.find((c) => c.SessionId === data.sessionId)).toMatchObject({
        EndStatus: 1,
        Nickname: 'Omar',
        Type: 2,
      });
    } finally {
      v.close();
    }
  });
});
