// SPDX-License-Identifier: Apache-2.0
// Outbound calls against the real server: a documented test number, a callee page registered on
// /ws/customer, resuming after a dropped socket, and the status metrics of the cloud API.
'use strict';

const { startServer, cloudClient, Socket } = require('./ccClient');

let server;
let cloud;

beforeAll(async () => {
  server = await startServer();
  cloud = cloudClient(server);
});

afterAll(async () => {
  if (server) await server.stop();
});

async function loginAgent(userId, extra = {}) {
  const data = { sdkAppId: server.sdkAppId, userId, ...extra };
  if (!data.resumeToken)
    data.token = (await cloud.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId })).Token;
  const agent = new Socket(`ws://127.0.0.1:${server.port}/ws/agent`);
  await agent.open();
  const res = await agent.request('auth.login', data);
  expect(res.ok).toBe(true);
  return { agent, login: res };
}

test('test number 10000000001 answers after about a second; the CDR is an outbound one', async () => {
  const { agent } = await loginAgent('agent2@tccc.local');
  const res = await agent.request('call.startOutbound', {
    phoneNumber: '10000000001',
    uui: 'order-42',
    clientRequestId: 'o-1',
  });
  expect(res.ok).toBe(true);
  expect(res.data).toMatchObject({
    calleePhoneNumber: '10000000001',
    callerPhoneNumber: '02160001000',
    serverType: 'staffSeat',
  });
  const { sessionId } = res.data;
  await agent.waitSession(sessionId, 'dialing');
  const t0 = Date.now();
  await agent.waitSession(sessionId, 'talking');
  expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
  // A retried request with the same clientRequestId gets the same answer, not a second call.
  const again = await agent.request('call.startOutbound', { phoneNumber: '10000000001', clientRequestId: 'o-1' });
  expect(again.data.sessionId).toBe(sessionId);

  const metrics = await cloud.DescribeStaffStatusMetrics({
    SdkAppId: server.sdkAppId,
    StaffList: ['agent2@tccc.local'],
  });
  const row = (metrics.Metrics || []).find((m) => m.Email === 'agent2@tccc.local');
  expect(row && row.Status).toBe('busy');

  await agent.request('session.hangUp', { sessionId });
  const ended = await agent.waitSession(sessionId, 'ended');
  expect(ended.data.session.closeBy).toBe('seat');
  const now = Math.floor(Date.now() / 1000);
  const cdrs = await cloud.DescribeTelCdr({
    SdkAppId: server.sdkAppId,
    StartTimeStamp: now - 600,
    EndTimeStamp: now + 60,
    PageSize: 100,
    PageNumber: 0,
  });
  const cdr = cdrs.TelCdrs.find((c) => c.SessionId === sessionId);
  expect(cdr).toMatchObject({ Direction: 1, Callee: '10000000001', EndStatusString: 'ok' });
  await agent.close();
});

test('a registered callee page rings, answers and hangs up', async () => {
  const { agent } = await loginAgent('agent3@tccc.local');
  const callee = new Socket(`ws://127.0.0.1:${server.port}/ws/customer`);
  await callee.open();
  expect((await callee.request('customer.registerNumber', { number: '13700000000' })).ok).toBe(true);
  const res = await agent.request('call.startOutbound', { phoneNumber: '13700000000', clientRequestId: 'o-2' });
  const { sessionId } = res.data;
  const ring = await callee.waitFor(
    (f) => f.event === 'customer.state' && f.data.state === 'ringing',
    'ringing at the callee',
  );
  expect(ring.data.sessionId).toBe(sessionId);
  await callee.request('customer.answer', { sessionId });
  await agent.waitSession(sessionId, 'talking');
  await agent.request('session.sendDigits', { sessionId, digits: '42#' });
  const dtmf = await callee.waitFor((f) => f.event === 'customer.dtmf', 'digits');
  expect(dtmf.data.digits).toBe('42#');
  await callee.request('customer.hangUp');
  const ended = await agent.waitSession(sessionId, 'ended');
  expect(ended.data.session.closeBy).toBe('client');
  await callee.close();
  await agent.close();
});

test('a dropped agent resumes with its resume token and finds its call in the snapshot', async () => {
  const { agent, login } = await loginAgent('agent1@tccc.local');
  const res = await agent.request('call.startOutbound', { phoneNumber: '10000000003', clientRequestId: 'o-3' });
  const { sessionId } = res.data;
  await agent.waitSession(sessionId, 'dialing');
  agent.ws.terminate();
  await agent.closed;
  const back = await loginAgent('agent1@tccc.local', { resumeToken: login.data.resumeToken, lastSeq: 3 });
  expect(back.login.data.agent.status).toBe('busy');
  expect(back.login.data.sessions.map((s) => [s.sessionId, s.state])).toEqual([[sessionId, 'dialing']]);
  expect(back.login.data.seq).toBeGreaterThanOrEqual(login.data.seq);
  await back.agent.request('session.hangUp', { sessionId });
  await back.agent.waitSession(sessionId, 'ended');
  await back.agent.close();
});
