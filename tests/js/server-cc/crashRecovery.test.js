// SPDX-License-Identifier: Apache-2.0
// End to end against the real server binary (docs/reliability.md, "Server crash: live calls"): a
// call ends normally, a second one is answered, the server is SIGKILLed mid-call and restarted on
// the same data directory. DescribeTelCdr (official tencentcloud-sdk-nodejs client) then shows
// exactly one CDR per call: the first as it ended, the second ended when the server was last alive
// with EndStatusString "error". A further restart adds nothing. And ("Server crash: live chats") a
// chat the server is SIGKILLed in goes on after the restart: the visitor resumes it with its token,
// the agent resumes with its resume token and carries on, and it gets its one normal IM CDR when it ends.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { startServer, cloudClient, Socket, httpJson, loginAgent, cdrsOf } = require('./ccClient');

jest.setTimeout(60000);

let dataDir;
let server;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-crash-'));
});

afterAll(async () => {
  if (server) await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function killHard(srv) {
  return new Promise((resolve) => {
    srv.process.once('exit', (code, signal) => resolve(signal));
    srv.process.kill('SIGKILL');
  });
}

test('a call live when the server is SIGKILLed gets one CDR after the restart; an ended one keeps its own', async () => {
  server = await startServer({ dataDir });
  server.host = '127.0.0.1';

  // Call 1 ends normally before the kill.
  const sales = await loginAgent(server, 'agent2@tccc.local');
  const placed = await httpJson(server, 'POST', '/sim/inbound', {
    caller: '13800138000',
    serviceNumber: '4008002000',
    holdSeconds: 1,
  });
  expect(placed.status).toBe(200);
  const endedId = placed.body.sessionId;
  await sales.waitSession(endedId, 'ringing');
  expect((await sales.request('session.accept', { sessionId: endedId })).ok).toBe(true);
  await sales.waitSession(endedId, 'ended');

  // Call 2 is answered and still talking when the server dies.
  const support = await loginAgent(server, 'agent3@tccc.local');
  const customer = new Socket(`ws://${server.host}:${server.port}/ws/customer`);
  await customer.open();
  const startedAt = Math.floor(Date.now() / 1000);
  const dial = await customer.request('customer.dial', { serviceNumber: '4008001000', caller: '13900000000' });
  expect(dial.ok).toBe(true);
  const liveId = dial.data.sessionId;
  await customer.waitFor((f) => f.event === 'customer.ivr', 'IVR menu');
  expect((await customer.request('customer.dtmf', { digits: '2' })).ok).toBe(true);
  await support.waitSession(liveId, 'ringing');
  expect((await support.request('session.accept', { sessionId: liveId })).ok).toBe(true);
  await support.waitSession(liveId, 'talking');
  // Long enough for the writer to commit the answer (it lingers 20 ms) and stamp a liveness mark.
  await sleep(2500);
  const killedAt = Math.floor(Date.now() / 1000);
  expect(await killHard(server)).toBe('SIGKILL');
  await Promise.all([sales.closed, support.closed, customer.closed]);

  // Restart on the same data directory.
  server = await startServer({ dataDir });
  server.host = '127.0.0.1';
  const { stdout, stderr } = server.output();
  expect(stdout + stderr).toMatch(/1 call\(s\) were live when the server last stopped/);

  const live = await cdrsOf(server, liveId);
  expect(live).toHaveLength(1);
  const cdr = live[0];
  expect(cdr.Caller).toBe('13900000000');
  expect(cdr.Callee).toBe('4008001000');
  expect(cdr.SeatUser && cdr.SeatUser.Mail).toBe('agent3@tccc.local');
  expect(cdr.StartTimestamp).toBeGreaterThanOrEqual(startedAt);
  expect(cdr.StartTimestamp).toBeLessThanOrEqual(startedAt + 1);
  expect(cdr.AcceptTimestamp).toBeGreaterThanOrEqual(cdr.StartTimestamp);
  expect(cdr.EndStatusString).toBe('error');
  expect(cdr.EndStatus).toBe(0);
  // Ended when the server was last known alive: not before the answer, not after the kill (and so
  // not at the restart either).
  expect(cdr.EndedTimestamp).toBeGreaterThanOrEqual(cdr.AcceptTimestamp);
  expect(cdr.EndedTimestamp).toBeLessThanOrEqual(killedAt);
  expect(cdr.Duration).toBe(cdr.EndedTimestamp - cdr.AcceptTimestamp);

  const ended = await cdrsOf(server, endedId);
  expect(ended).toHaveLength(1);
  expect(ended[0].EndStatusString).toBe('ok');
  expect(ended[0].SeatUser && ended[0].SeatUser.Mail).toBe('agent2@tccc.local');

  // A second restart makes no second CDR.
  await server.stop();
  server = await startServer({ dataDir });
  server.host = '127.0.0.1';
  expect(await cdrsOf(server, liveId)).toHaveLength(1);
  expect(await cdrsOf(server, endedId)).toHaveLength(1);
});

test('a chat live when the server is SIGKILLed goes on after the restart, with its agent and history', async () => {
  if (server) await server.stop();
  server = await startServer({ dataDir });
  server.host = '127.0.0.1';
  const alice = await loginAgent(server, 'agent1@tccc.local');
  const visitor = new Socket(`ws://${server.host}:${server.port}/ws/customer`);
  await visitor.open();
  const started = await visitor.request('chat.start', { serviceNumber: '4008002000', nickname: 'Nina' });
  expect(started.ok).toBe(true);
  const { sessionId: chatId, visitorToken } = started.data;
  await alice.waitSession(chatId, 'ringing');
  expect((await alice.request('session.accept', { sessionId: chatId })).ok).toBe(true);
  await alice.waitSession(chatId, 'talking');
  expect((await visitor.request('chat.send', { text: 'where is my parcel?', clientMsgId: 'v-1' })).ok).toBe(true);
  expect((await alice.request('chat.send', { sessionId: chatId, text: 'checking now' })).ok).toBe(true);
  expect(await killHard(server)).toBe('SIGKILL');
  await Promise.all([alice.closed, visitor.closed]);

  server = await startServer({ dataDir });
  server.host = '127.0.0.1';
  expect(server.output().stderr).toMatch(/1 chat\(s\) were live when the server last stopped: resumed/);

  // The visitor's page comes back with its token: the chat, its history and its agent are there.
  const back = new Socket(`ws://${server.host}:${server.port}/ws/customer`);
  await back.open();
  const resumed = await back.request('chat.resume', { sessionId: chatId, visitorToken });
  expect(resumed.ok).toBe(true);
  expect(resumed.data.state).toBe('connected');
  expect(resumed.data.agent.nick).toBeTruthy();
  expect(resumed.data.messages.map((m) => m.text)).toEqual(
    expect.arrayContaining(['where is my parcel?', 'checking now']),
  );
  const lastSeq = resumed.data.messages[resumed.data.messages.length - 1].seq;

  // The agent's page reconnects with the resume token it had before the crash, as the SDK does, and
  // carries on where it was.
  const again = new Socket(`ws://${server.host}:${server.port}/ws/agent`);
  await again.open();
  const login = await again.request('auth.login', {
    sdkAppId: server.sdkAppId,
    userId: 'agent1@tccc.local',
    resumeToken: alice.resumeToken,
    lastSeq: 99,
  });
  expect(login.ok).toBe(true);
  expect(login.data.sessions).toEqual(
    expect.arrayContaining([expect.objectContaining({ sessionId: chatId, state: 'talking', type: 'im' })]),
  );
  const reply = await again.request('chat.send', { sessionId: chatId, text: 'found it' });
  expect(reply.ok).toBe(true);
  expect(reply.data.message.seq).toBe(lastSeq + 1);
  await back.waitFor((f) => f.event === 'chat.message' && f.data.message.text === 'found it', 'the reply');
  // A retry from before the crash is the stored message, not a second one.
  const retry = await back.request('chat.send', { text: 'where is my parcel?', clientMsgId: 'v-1' });
  expect(retry.data.message.seq).toBeLessThan(lastSeq);
  expect((await again.request('session.hangUp', { sessionId: chatId })).ok).toBe(true);

  const imCdrsOf = async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await cloudClient(server).DescribeIMCdrs({
      SdkAppId: server.sdkAppId,
      StartTimestamp: now - 3600,
      EndTimestamp: now + 60,
    });
    return (res.IMCdrList || []).filter((c) => c.SessionId === chatId);
  };
  const cdrs = await imCdrsOf();
  expect(cdrs).toHaveLength(1);
  expect(cdrs[0]).toMatchObject({ StaffId: 'agent1@tccc.local', Nickname: 'Nina', Type: 2 });
  expect(cdrs[0].EndStatus).not.toBe(0); // ended by the agent, not recovered as an error

  await server.stop();
  server = await startServer({ dataDir });
  server.host = '127.0.0.1';
  expect(await imCdrsOf()).toHaveLength(1);
  expect(server.output().stderr).not.toMatch(/chat\(s\) were live/);
});
