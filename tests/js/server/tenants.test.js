// SPDX-License-Identifier: Apache-2.0
// An operator adds a tenant with --create-tenant; each tenant's API key and agents reach only its
// own app, and one tenant's agents flooding signalling do not crowd out another's. Driven with the
// official cloud client against the real server.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const WebSocket = require('ws');
const { startServer, cloudClient, BINARY } = require('../helpers/server');

function runTool(dataDir, ...args) {
  return spawnSync(BINARY, ['--data-dir', dataDir, '--log-level', 'warn', ...args], { encoding: 'utf8' });
}

function credentialsOf(output) {
  const fields = Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split('=')),
  );
  return { sdkAppId: Number(fields.SdkAppId), secretId: fields.SecretId, secretKey: fields.SecretKey };
}

let dataDir;
let server;
let acme;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-tenants-'));
  const created = runTool(dataDir, '--create-tenant', 'Acme 客服');
  expect(created.status).toBe(0);
  acme = credentialsOf(created.stdout);
  server = await startServer({ dataDir });
});
afterAll(async () => {
  if (server) await server.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the new tenant has its own app and key, apart from the demo tenant', () => {
  expect(acme.sdkAppId).toBeGreaterThanOrEqual(1400000000);
  expect(acme.sdkAppId).not.toBe(server.sdkAppId);
  expect(acme.secretId).toMatch(/^AKID/);
  expect(acme.secretId).not.toBe(server.secretId);
  expect(acme.secretKey).not.toBe(server.secretKey);
});

test('a bad tenant name is refused with a message and creates nothing', () => {
  const before = runTool(dataDir, '--print-credentials').stdout;
  for (const name of ['', 'x'.repeat(65), 'tab\there']) {
    const r = runTool(dataDir, '--create-tenant', name);
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/tenant name/);
  }
  expect(runTool(dataDir, '--print-credentials').stdout).toBe(before);
});

test('each key reaches only its own app', async () => {
  const acmeApi = cloudClient(server, acme);
  const demoApi = cloudClient(server);
  const created = await acmeApi.CreateStaff({
    SdkAppId: acme.sdkAppId,
    Staffs: [{ Name: 'Acme Agent', Mail: 'agent@acme.example', StaffNumber: '1' }],
  });
  expect(created.ErrorStaffList ?? []).toHaveLength(0);
  const acmeStaff = await acmeApi.DescribeStaffInfoList({ SdkAppId: acme.sdkAppId, PageNumber: 0, PageSize: 100 });
  expect(acmeStaff.StaffList.map((s) => s.Mail)).toEqual(['agent@acme.example']);

  await expect(
    acmeApi.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 10 }),
  ).rejects.toMatchObject({ code: 'AuthFailure.UnauthorizedOperation' });
  await expect(
    demoApi.DescribeStaffInfoList({ SdkAppId: acme.sdkAppId, PageNumber: 0, PageSize: 10 }),
  ).rejects.toMatchObject({ code: 'AuthFailure.UnauthorizedOperation' });
  const demoStaff = await demoApi.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 100 });
  expect(demoStaff.StaffList.map((s) => s.Mail)).not.toContain('agent@acme.example');
});

function login(data) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/ws/agent`);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'req', id: 1, method: 'auth.login', data })));
    ws.on('message', (m) => {
      ws.close();
      resolve(JSON.parse(String(m)));
    });
  });
}

test("a tenant's login token logs its agent in to its own app only", async () => {
  const acmeApi = cloudClient(server, acme);
  const tokenFor = async () =>
    (await acmeApi.CreateSDKLoginToken({ SdkAppId: acme.sdkAppId, SeatUserId: 'agent@acme.example' })).Token;
  const elsewhere = await login({ sdkAppId: server.sdkAppId, userId: 'agent@acme.example', token: await tokenFor() });
  expect(elsewhere.ok).toBe(false);
  expect(elsewhere.error.code).toBe(-10002);
  const home = await login({ sdkAppId: acme.sdkAppId, userId: 'agent@acme.example', token: await tokenFor() });
  expect(home.ok).toBe(true);
});

describe('one tenant flooding signalling', () => {
  let floodDir;
  let flood;
  let other;
  beforeAll(async () => {
    floodDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-tenant-flood-'));
    const created = runTool(floodDir, '--create-tenant', 'Other');
    expect(created.status).toBe(0);
    other = credentialsOf(created.stdout);
    // 2 requests/s for all of one app's agent sockets together (burst 4); each socket alone may do 20.
    flood = await startServer({ dataDir: floodDir, args: ['--tenant-rate-limit', '2'] });
  });
  afterAll(async () => {
    if (flood) await flood.stop();
    if (floodDir) fs.rmSync(floodDir, { recursive: true, force: true });
  });

  /** A logged-in agent socket that collects every response by request id. */
  async function agentSocket(api, sdkAppId, userId) {
    const { Token } = await api.CreateSDKLoginToken({ SdkAppId: sdkAppId, SeatUserId: userId });
    const ws = new WebSocket(`${flood.baseUrl.replace(/^http/, 'ws')}/ws/agent`);
    const responses = new Map();
    const waiters = new Map();
    ws.on('message', (m) => {
      const frame = JSON.parse(String(m));
      if (frame.type !== 'res') return;
      responses.set(frame.id, frame);
      waiters.get(frame.id)?.(frame);
    });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const request = (id, method, data = {}) =>
      new Promise((resolve) => {
        waiters.set(id, resolve);
        ws.send(JSON.stringify({ v: 1, type: 'req', id, method, data }));
      });
    const login = await request(1, 'auth.login', { sdkAppId, userId, token: Token });
    expect(login.ok).toBe(true);
    return { ws, request };
  }

  test("one app's agents share its budget; another app is served meanwhile", async () => {
    const demoApi = cloudClient(flood);
    const otherApi = cloudClient(flood, other);
    await otherApi.CreateStaff({
      SdkAppId: other.sdkAppId,
      Staffs: [{ Name: 'Other Agent', Mail: 'agent@other.example', StaffNumber: '1' }],
    });
    const a = await agentSocket(demoApi, flood.sdkAppId, flood.agents[0]);
    const b = await agentSocket(demoApi, flood.sdkAppId, flood.agents[1]);
    const o = await agentSocket(otherApi, other.sdkAppId, 'agent@other.example');
    try {
      // Ten requests from the demo app's two sockets at once: five each, far below a socket's own limit.
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).request(100 + i, 'agent.online')),
      );
      const refused = answers.filter((r) => !r.ok);
      expect(refused.length).toBeGreaterThanOrEqual(4);
      expect(answers.length - refused.length).toBeGreaterThanOrEqual(2);
      for (const r of refused) {
        expect(r.error.code).toBe(-11011);
        expect(r.error.message).toMatch(/this app's agents/);
      }
      const served = await o.request(200, 'agent.online');
      expect(served.ok).toBe(true);
    } finally {
      for (const s of [a, b, o]) s.ws.close();
    }
  });
});
