// SPDX-License-Identifier: Apache-2.0
// End to end against the real server binary: an agent logs in over a raw WebSocket with a token
// from CreateSDKLoginToken (official tencentcloud-sdk-nodejs client), a simulated inbound call
// rings, the agent answers, the caller hangs up, and the CDR shows up in DescribeTelCdr.
'use strict';

const { startServer, cloudClient, Socket, httpJson } = require('./ccClient');

let server;
let cloud;

beforeAll(async () => {
  server = await startServer();
  cloud = cloudClient(server);
});

afterAll(async () => {
  if (server) await server.stop();
});

async function loginAgent(userId) {
  const { Token } = await cloud.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
  expect(typeof Token).toBe('string');
  const agent = new Socket(`ws://${server.host}:${server.port}/ws/agent`);
  await agent.open();
  const res = await agent.request('auth.login', { sdkAppId: server.sdkAppId, userId, token: Token });
  expect(res.ok).toBe(true);
  expect(res.data.agent.userId).toBe(userId);
  expect(typeof res.data.resumeToken).toBe('string');
  // A fresh agent goes free with reason login right after the snapshot; one already online stays as is.
  if (res.data.agent.status === 'offline') {
    const ev = await agent.waitFor((f) => f.event === 'agent.status' && f.data.status === 'free', 'free after login');
    expect(ev.data.reason).toBe('login');
    expect(ev.seq).toBe(res.data.seq + 1);
  }
  return { agent, login: res };
}

test('simulated inbound call: ringing -> accept -> talking -> caller hangs up -> ended -> CDR', async () => {
  const { agent } = await loginAgent('agent2@tccc.local'); // Sales only
  const placed = await httpJson(server, 'POST', '/sim/inbound', {
    caller: '13800138000',
    serviceNumber: '4008002000',
    holdSeconds: 1,
  });
  expect(placed.status).toBe(200);
  const { sessionId } = placed.body;

  const ringing = await agent.waitSession(sessionId, 'ringing');
  expect(ringing.data.session).toMatchObject({
    type: 'phone',
    direction: 'in',
    callerPhoneNumber: '13800138000',
    calleePhoneNumber: '4008002000',
  });

  const accepted = await agent.request('session.accept', { sessionId });
  expect(accepted.ok).toBe(true);
  await agent.waitSession(sessionId, 'talking');
  const busy = await agent.waitFor((f) => f.event === 'agent.status' && f.data.status === 'busy', 'busy');
  expect(busy.data.reason).toBe('callStarted');

  const ended = await agent.waitSession(sessionId, 'ended');
  expect(ended.data.session).toMatchObject({ endReason: 'hangup', closeBy: 'client' });
  const acw = await agent.waitFor((f) => f.event === 'agent.status' && f.data.status === 'arrange', 'after-call work');
  expect(acw.data.reason).toBe('callEnded');

  const sim = await httpJson(server, 'GET', `/sim/sessions/${sessionId}`);
  expect(sim.status).toBe(200);
  expect(sim.body).toMatchObject({
    state: 'ended',
    endStatus: 'ok',
    hungUpSide: 'user',
    agentUserId: 'agent2@tccc.local',
  });

  const now = Math.floor(Date.now() / 1000);
  const cdrs = await cloud.DescribeTelCdr({
    SdkAppId: server.sdkAppId,
    StartTimeStamp: now - 600,
    EndTimeStamp: now + 60,
    PageSize: 100,
    PageNumber: 0,
  });
  const cdr = (cdrs.TelCdrs || []).find((c) => c.SessionId === sessionId);
  expect(cdr).toBeDefined();
  expect(cdr.Caller).toBe('13800138000');
  expect(cdr.Callee).toBe('4008002000');
  expect(cdr.Direction).toBe(0);
  expect(cdr.EndStatusString).toBe('ok');
  expect(cdr.SeatUser && cdr.SeatUser.Mail).toBe('agent2@tccc.local');
  await agent.close();
});

test('customer socket through the IVR to an agent, hold, caller hangs up', async () => {
  const { agent } = await loginAgent('agent3@tccc.local'); // Support only
  const customer = new Socket(`ws://${server.host}:${server.port}/ws/customer`);
  await customer.open();
  const dial = await customer.request('customer.dial', { serviceNumber: '4008001000', caller: '13900000000' });
  expect(dial.ok).toBe(true);
  const { sessionId } = dial.data;
  const menu = await customer.waitFor((f) => f.event === 'customer.ivr', 'IVR menu');
  expect(menu.data.options.map((o) => o.key)).toEqual(['1', '2']);
  expect((await customer.request('customer.dtmf', { digits: '2' })).ok).toBe(true);

  const ringing = await agent.waitSession(sessionId, 'ringing');
  expect(ringing.data.session.ivrPath).toEqual([{ key: '2', label: '售后服务' }]);
  await customer.waitFor((f) => f.event === 'customer.state' && f.data.state === 'ringing', 'customer ringing');
  await agent.request('session.accept', { sessionId });
  await customer.waitFor((f) => f.event === 'customer.state' && f.data.state === 'connected', 'connected');
  expect((await agent.request('session.hold', { sessionId })).ok).toBe(true);
  await agent.waitSession(sessionId, 'held');
  await customer.waitFor((f) => f.event === 'customer.state' && f.data.state === 'held', 'held');

  const live = await cloud.DescribeTelSession({ SdkAppId: server.sdkAppId, SessionId: sessionId });
  expect(live.Session.SessionStatus).toBe('inProgress');

  await customer.request('customer.hangUp');
  const ended = await agent.waitSession(sessionId, 'ended');
  expect(ended.data.session.closeBy).toBe('client');
  await customer.close();
  await agent.close();
});

test('bad frames get protocol errors and a second login kicks the first socket', async () => {
  const { agent } = await loginAgent('agent1@tccc.local');
  agent.ws.send('{"v":1,"type":"req","id":5,"method":');
  const bad = await agent.waitFor((f) => f.type === 'res' && !f.ok && f.error.code === -11007, 'ERR_PROTOCOL');
  expect(bad.id).toBe(0);
  const unknown = await agent.request('agent.fly');
  expect(unknown.error.code).toBe(-11012);

  const second = await loginAgent('agent1@tccc.local');
  await agent.waitFor((f) => f.event === 'agent.kicked', 'kicked');
  expect(await agent.closed).toBe(4003);
  await second.agent.close();
});
