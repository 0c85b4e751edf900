// SPDX-License-Identifier: Apache-2.0
// An operator adds a tenant with --create-tenant; each tenant's API key and agents reach only its
// own app. Driven with the official cloud client against the real server.
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
