#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// What a chat message costs on the real server (build/native/server/tccc-server, loopback): every
// message is on disk in SQLite before it is acknowledged and delivered (group commit: committed on the
// event loop, fsynced by a helper thread for all the messages that arrived meanwhile, the frames held
// until then; server/signalling/DurableSendQueue.hpp). N visitors on /ws/customer each open a chat
// that agent1 accepts (agent on a raw /ws/agent socket, logged in with a CreateSDKLoginToken token);
// then every visitor sends a burst of 10 messages (the per-chat burst the flood limit allows) and the
// bench reports the chat.send round trip (p50/p95/p99), the time until the agent's chat.message event
// arrives, and messages per second.
// Prints figures, never fails on a number. TCCC_BENCH_CHATS (default 5: the agent's capacity).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const { startServer, cloudClient } = require('../tests/js/helpers/server.js');
const CHATS = Number(process.env.TCCC_BENCH_CHATS || 5);
const BURST = 10;

function socket(url) {
  const ws = new WebSocket(url);
  let id = 0;
  const waiting = new Map();
  const listeners = [];
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: m.t }));
    else if (m.type === 'res' && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    } else if (m.type === 'evt') for (const l of listeners) l(m);
  });
  return {
    ready: new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }),
    call: (method, data = {}) =>
      new Promise((resolve) => {
        const n = ++id;
        waiting.set(n, resolve);
        ws.send(JSON.stringify({ v: 1, type: 'req', id: n, method, data }));
      }),
    on: (fn) => listeners.push(fn),
    close: () => ws.close(),
  };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const server = await startServer();
try {
  const ccc = cloudClient(server);
  const userId = server.agents[0];
  const { Token } = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
  const wsBase = server.baseUrl.replace('http', 'ws');
  const agent = socket(`${wsBase}/ws/agent`);
  await agent.ready;
  const login = await agent.call('auth.login', { sdkAppId: server.sdkAppId, userId, token: Token });
  if (!login.ok) throw new Error(`login: ${JSON.stringify(login.error)}`);
  const delivered = new Map(); // messageId -> ms the agent got it
  agent.on((e) => {
    if (e.event === 'chat.message') delivered.set(e.data.message.messageId, performance.now());
    if (e.event === 'session.state' && e.data.session.type === 'im' && e.data.session.state === 'ringing')
      agent.call('session.accept', { sessionId: e.data.session.sessionId });
  });
  const visitors = [];
  for (let i = 0; i < CHATS; i++) {
    const v = socket(`${wsBase}/ws/customer`);
    await v.ready;
    let connected;
    const isConnected = new Promise((resolve) => {
      connected = resolve;
    });
    v.on((e) => {
      if (e.event === 'customer.state' && e.data.state === 'connected') connected();
    });
    const r = await v.call('chat.start', { serviceNumber: '4008002000', nickname: `bench-${i}` });
    if (!r.ok) throw new Error(`chat.start: ${JSON.stringify(r.error)}`);
    await isConnected;
    visitors.push(v);
  }
  const rtt = [];
  const toAgent = [];
  const started = performance.now();
  const sends = [];
  for (const [i, v] of visitors.entries()) {
    for (let k = 0; k < BURST; k++) {
      const t0 = performance.now();
      sends.push(
        v
          .call('chat.send', { text: `message ${k} from visitor ${i}: ${'x'.repeat(100)}`, clientMsgId: `b-${i}-${k}` })
          .then((r) => {
            if (!r.ok) throw new Error(`chat.send: ${JSON.stringify(r.error)}`);
            rtt.push(performance.now() - t0);
            return [r.data.message.messageId, t0];
          }),
      );
    }
  }
  const ids = await Promise.all(sends);
  const elapsed = performance.now() - started;
  const deadline = Date.now() + 5000;
  while (ids.some(([id]) => !delivered.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  for (const [id, t0] of ids) if (delivered.has(id)) toAgent.push(delivered.get(id) - t0);
  rtt.sort((a, b) => a - b);
  toAgent.sort((a, b) => a - b);
  const f = (x) => x.toFixed(2);
  console.log(
    `chat bench: ${CHATS} chats x ${BURST} messages = ${ids.length} messages in ${f(elapsed)} ms ` +
      `(${f((ids.length / elapsed) * 1000)} msg/s, each on disk before its answer)`,
  );
  console.log(
    `  chat.send round trip ms: p50 ${f(pct(rtt, 50))}  p95 ${f(pct(rtt, 95))}  p99 ${f(pct(rtt, 99))}  max ${f(rtt[rtt.length - 1])}`,
  );
  console.log(
    `  send -> agent's chat.message ms: p50 ${f(pct(toAgent, 50))}  p95 ${f(pct(toAgent, 95))}  (${toAgent.length}/${ids.length} delivered)`,
  );
  for (const v of visitors) v.close();
  agent.close();
} finally {
  await server.stop();
}
