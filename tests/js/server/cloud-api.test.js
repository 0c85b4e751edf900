// SPDX-License-Identifier: Apache-2.0
// The real tccc-server driven through the official tencentcloud-sdk-nodejs ccc client: the
// integrator's path (CreateSDKLoginToken -> SdkURL), staff and skill-group management, numbers, and
// the errors an integrator sees for bad keys, stale clocks, unknown actions and bad parameters.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const Sign = require('tencentcloud-sdk-nodejs/tencentcloud/common/sign').default;
const { startServer, cloudClient, BINARY, REPO } = require('../helpers/server');

let server;
let ccc;

beforeAll(async () => {
  server = await startServer();
  ccc = cloudClient(server);
});

afterAll(async () => {
  if (server) await server.stop();
});

/** Resolves to the error code the client threw, or 'OK'. */
async function codeOf(promise) {
  try {
    await promise;
    return 'OK';
  } catch (e) {
    return e.code || `no code: ${e.message}`;
  }
}

/** A request signed by hand with the client's own signer, e.g. with a chosen timestamp. */
async function rawCall(action, body, { timestamp = Math.floor(Date.now() / 1000), version = '2020-02-10' } = {}) {
  const url = `http://127.0.0.1:${server.port}/`;
  const headers = { 'Content-Type': 'application/json' };
  const authorization = Sign.sign3({
    method: 'POST',
    url,
    payload: body,
    timestamp,
    service: 'ccc',
    secretId: server.secretId,
    secretKey: server.secretKey,
    headers,
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      ...headers,
      Authorization: authorization,
      'X-TC-Action': action,
      'X-TC-Version': version,
      'X-TC-Timestamp': String(timestamp),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('start-up prints the credentials and agents, and keeps the credentials file private', () => {
  expect(server.sdkAppId).toBeGreaterThanOrEqual(1400000000);
  expect(server.sdkAppId).toBeLessThanOrEqual(1400999999);
  expect(server.secretId).toMatch(/^AKID[A-Za-z0-9]{32}$/);
  expect(server.secretKey).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(server.agents).toEqual([
    'agent1@tccc.local',
    'agent2@tccc.local',
    'agent3@tccc.local',
    'supervisor@tccc.local',
  ]);
  expect(server.sdkUrl).toBe(`http://127.0.0.1:${server.port}/sdk/tccc.js`);
  const stat = fs.statSync(path.join(server.dataDir, 'credentials'));
  expect(stat.mode & 0o777).toBe(0o600);
  expect(server.output().stderr).not.toContain(server.secretKey);
});

test('CreateSDKLoginToken returns a token and an SdkURL served by this server', async () => {
  const before = Math.floor(Date.now() / 1000);
  const res = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: 'agent1@tccc.local' });
  expect(res.Token).toMatch(/^[0-9a-f]{32}$/);
  expect(res.ExpiredTime).toBeGreaterThan(before + 60);
  expect(res.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  const url = new URL(res.SdkURL);
  expect(url.origin).toBe(`http://127.0.0.1:${server.port}`);
  expect(url.pathname).toBe('/sdk/tccc.js');
  // The login is in the fragment, which the browser never sends: the request for the script is
  // the same for every agent, and carries no token.
  expect(url.search).toBe('');
  const login = new URLSearchParams(url.hash.slice(1));
  expect(login.get('sdkAppId')).toBe(String(server.sdkAppId));
  expect(login.get('userId')).toBe('agent1@tccc.local');
  expect(login.get('token')).toBe(res.Token);

  const script = await fetch(res.SdkURL);
  const built = path.join(REPO, 'dist/tccc.js');
  if (fs.existsSync(built)) {
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    expect(await script.text()).toBe(fs.readFileSync(built, 'utf8'));
    const wasm = path.join(REPO, 'dist/tccc-core.wasm');
    if (fs.existsSync(wasm)) {
      const w = await fetch(`http://127.0.0.1:${server.port}/sdk/tccc-core.wasm`);
      expect(w.headers.get('content-type')).toBe('application/wasm');
      expect(Buffer.from(await w.arrayBuffer()).equals(fs.readFileSync(wasm))).toBe(true);
    }
  } else {
    // dist/ is not built in this checkout: the route exists but has nothing to serve.
    expect(script.status).toBe(404);
  }
});

test('an OnlyOnce SdkURL written with its login in the query (older SdkURLs) can be fetched once', async () => {
  // The SdkURL handed out carries the login in its fragment, which never reaches the server: its
  // one-time token is used up by the login itself (integration/sdk-with-server.test.js). A query
  // form of the same URL is also refused on its second fetch.
  const res = await ccc.CreateSDKLoginToken({
    SdkAppId: server.sdkAppId,
    SeatUserId: 'agent2@tccc.local',
    OnlyOnce: true,
  });
  const url = new URL(res.SdkURL);
  url.search = url.hash.slice(1);
  url.hash = '';
  const first = await fetch(url);
  expect([200, 404]).toContain(first.status); // 404 only when dist/ is not built
  const second = await fetch(url);
  expect(second.status).toBe(410);
  expect((await fetch(res.SdkURL)).status).not.toBe(410); // the fragment form names no token
});

test('SDK files cannot escape their directory', async () => {
  for (const p of ['/sdk/../CMakeLists.txt', '/sdk/%2e%2e/CMakeLists.txt', '/sdk/..%2fCMakeLists.txt']) {
    const res = await fetch(`http://127.0.0.1:${server.port}${p}`);
    expect([403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('cmake_minimum_required');
  }
});

test('staff CRUD through the official client', async () => {
  const app = server.sdkAppId;
  const created = await ccc.CreateStaff({
    SdkAppId: app,
    Staffs: [
      {
        Name: 'Jest Agent',
        Mail: 'jest@tccc.local',
        StaffNumber: '3001',
        Phone: '13900000000',
        SkillGroupNameList: ['售前 Sales'],
      },
    ],
  });
  expect(created.ErrorStaffList).toEqual([]);

  const again = await ccc.CreateStaff({
    SdkAppId: app,
    Staffs: [{ Name: 'Dup', Mail: 'jest@tccc.local', StaffNumber: '1' }],
  });
  expect(again.ErrorStaffList).toHaveLength(1);
  expect(again.ErrorStaffList[0].StaffEmail).toBe('jest@tccc.local');

  let list = await ccc.DescribeStaffInfoList({
    SdkAppId: app,
    PageSize: 10,
    PageNumber: 0,
    StaffMail: 'jest@tccc.local',
  });
  expect(list.TotalCount).toBe(1);
  expect(list.StaffList[0]).toMatchObject({
    Name: 'Jest Agent',
    Mail: 'jest@tccc.local',
    StaffNumber: '3001',
    Phone: '13900000000',
  });
  expect(list.StaffList[0].SkillGroupList.map((g) => g.SkillGroupId)).toEqual([1]);

  await ccc.ModifyStaff({ SdkAppId: app, Email: 'jest@tccc.local', Name: 'Jest Renamed', Nick: 'JR' });
  await ccc.BindStaffSkillGroupList({
    SdkAppId: app,
    StaffEmail: 'jest@tccc.local',
    StaffSkillGroupList: [{ SkillGroupId: 2, Priority: 3 }],
  });
  list = await ccc.DescribeStaffInfoList({ SdkAppId: app, PageSize: 10, PageNumber: 0, StaffMail: 'jest@tccc.local' });
  expect(list.StaffList[0].Name).toBe('Jest Renamed');
  expect(list.StaffList[0].Nick).toBe('JR');
  expect(list.StaffList[0].SkillGroupList.map((g) => [g.SkillGroupId, g.Priority])).toEqual([
    [1, 1],
    [2, 3],
  ]);

  await ccc.UnbindStaffSkillGroupList({ SdkAppId: app, StaffEmail: 'jest@tccc.local', SkillGroupList: [1] });
  list = await ccc.DescribeStaffInfoList({ SdkAppId: app, PageSize: 10, PageNumber: 0, SkillGroupId: 1 });
  expect(list.StaffList.map((s) => s.Mail)).not.toContain('jest@tccc.local');

  const deleted = await ccc.DeleteStaff({ SdkAppId: app, StaffList: ['jest@tccc.local'] });
  expect(deleted.OnlineStaffList).toEqual([]);
  list = await ccc.DescribeStaffInfoList({ SdkAppId: app, PageSize: 100, PageNumber: 0 });
  expect(list.StaffList.map((s) => s.Mail)).not.toContain('jest@tccc.local');
  expect(await codeOf(ccc.ModifyStaff({ SdkAppId: app, Email: 'jest@tccc.local', Name: 'x' }))).toBe(
    'ResourceNotFound',
  );
  expect(await codeOf(ccc.CreateSDKLoginToken({ SdkAppId: app, SeatUserId: 'jest@tccc.local' }))).toBe(
    'ResourceNotFound',
  );
});

test('skill groups: create and describe', async () => {
  const { SkillGroupId } = await ccc.CreateCCCSkillGroup({
    SdkAppId: server.sdkAppId,
    SkillGroupName: 'Jest VIP',
    SkillGroupType: 0,
  });
  expect(SkillGroupId).toBeGreaterThanOrEqual(3);
  const all = await ccc.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 100, PageNumber: 0 });
  const names = all.SkillGroupList.map((g) => g.SkillGroupName);
  expect(names).toEqual(expect.arrayContaining(['售前 Sales', '售后 Support', 'Jest VIP']));
  expect(all.TotalCount).toBe(all.SkillGroupList.length);
  const one = await ccc.DescribeSkillGroupInfoList({
    SdkAppId: server.sdkAppId,
    PageSize: 10,
    PageNumber: 0,
    SkillGroupId,
  });
  expect(one.SkillGroupList).toHaveLength(1);
  expect(one.SkillGroupList[0]).toMatchObject({ SkillGroupId, SkillGroupName: 'Jest VIP', SkillGroupType: 0 });
  expect(
    await codeOf(ccc.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: 'Jest VIP', SkillGroupType: 0 })),
  ).toMatch(/^InvalidParameterValue/);
});

test('DescribeNumbers lists the demo numbers', async () => {
  const res = await ccc.DescribeNumbers({ SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 50 });
  const numbers = res.Numbers.map((n) => n.Number);
  expect(numbers).toEqual(expect.arrayContaining(['4008001000', '4008002000']));
  expect(res.TotalCount).toBe(res.Numbers.length);
  for (const n of res.Numbers) expect(Array.isArray(n.CallOutSkillGroupIds)).toBe(true);
});

test('DescribeStaffStatusMetrics reports every agent', async () => {
  const res = await ccc.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId });
  const emails = res.Metrics.map((m) => m.Email);
  expect(emails).toEqual(expect.arrayContaining(server.agents));
  for (const m of res.Metrics)
    expect(['free', 'busy', 'rest', 'notReady', 'afterCallWork', 'offline']).toContain(m.Status);
});

test('a wrong SecretKey is AuthFailure.SignatureFailure, an unknown SecretId AuthFailure.SecretIdNotFound', async () => {
  const wrong = cloudClient(server, { secretKey: 'x'.repeat(32) });
  expect(await codeOf(wrong.DescribeNumbers({ SdkAppId: server.sdkAppId }))).toBe('AuthFailure.SignatureFailure');
  const unknown = cloudClient(server, { secretId: `AKID${'0'.repeat(32)}` });
  expect(await codeOf(unknown.DescribeNumbers({ SdkAppId: server.sdkAppId }))).toBe('AuthFailure.SecretIdNotFound');
});

test('a stale timestamp is AuthFailure.SignatureExpire, a fresh hand-signed one works', async () => {
  const body = { SdkAppId: server.sdkAppId };
  const stale = await rawCall('DescribeNumbers', body, { timestamp: Math.floor(Date.now() / 1000) - 600 });
  expect(stale.status).toBe(200);
  expect(stale.json.Response.Error.Code).toBe('AuthFailure.SignatureExpire');
  const fresh = await rawCall('DescribeNumbers', body);
  expect(fresh.json.Response.Error).toBeUndefined();
  expect(fresh.json.Response.TotalCount).toBeGreaterThanOrEqual(2);
  const oldVersion = await rawCall('DescribeNumbers', body, { version: '2017-01-01' });
  expect(oldVersion.json.Response.Error.Code).toBe('NoSuchVersion');
});

test('unknown actions and bad parameters get the cloud error codes', async () => {
  expect(await codeOf(ccc.request('DescribeSomethingElse', { SdkAppId: server.sdkAppId }))).toBe('InvalidAction');
  expect(
    await codeOf(ccc.CreateSDKLoginToken({ SdkAppId: String(server.sdkAppId), SeatUserId: 'agent1@tccc.local' })),
  ).toBe('InvalidParameter');
  expect(await codeOf(ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId }))).toBe('MissingParameter');
  expect(
    await codeOf(
      ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: 'agent1@tccc.local', OnlyOnce: 'yes' }),
    ),
  ).toBe('InvalidParameter');
  expect(await codeOf(ccc.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 500, PageNumber: 0 }))).toBe(
    'InvalidParameterValue',
  );
  expect(
    await codeOf(ccc.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Name: 'N', Mail: 42, StaffNumber: '1' }] })),
  ).toBe('InvalidParameter');
  expect(await codeOf(ccc.HangUpCall({ SdkAppId: server.sdkAppId, SessionId: 'no-such-session' }))).toBe(
    'ResourceNotFound',
  );
  expect(
    await codeOf(
      ccc.DescribeTelCdr({
        SdkAppId: server.sdkAppId,
        StartTimeStamp: 10,
        EndTimeStamp: 5,
        PageSize: 10,
        PageNumber: 0,
      }),
    ),
  ).toBe('InvalidParameterValue');
});

test("another tenant's SdkAppId is refused", async () => {
  expect(await codeOf(ccc.DescribeNumbers({ SdkAppId: server.sdkAppId + 1 }))).toBe(
    'AuthFailure.UnauthorizedOperation',
  );
  expect(await codeOf(ccc.CreateSDKLoginToken({ SdkAppId: 1400000000, SeatUserId: 'agent1@tccc.local' }))).toBe(
    'AuthFailure.UnauthorizedOperation',
  );
});

test('chat records are empty until chat exists', async () => {
  const now = Math.floor(Date.now() / 1000);
  const im = await ccc.DescribeIMCdrs({ SdkAppId: server.sdkAppId, StartTimestamp: now - 3600, EndTimestamp: now });
  expect(im.TotalCount).toBe(0);
  const messages = await ccc.DescribeChatMessages({ SdkAppId: server.sdkAppId, SessionId: 'x' });
  expect(messages.TotalCount).toBe(0);
});

test('DescribeTelRecordAsr through the official client; recordings only behind signed links', async () => {
  // No call has been transcribed on this fresh server: an empty list, in the model's shape.
  const asr = await ccc.DescribeTelRecordAsr({ SdkAppId: server.sdkAppId, SessionId: 'no-such-call' });
  expect(asr.AsrDataList).toEqual([]);
  expect(await codeOf(ccc.DescribeTelRecordAsr({ SdkAppId: server.sdkAppId }))).toBe('MissingParameter');
  const health = await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json();
  expect(health.recordings).toMatchObject({ enabled: true, active: 0, failed: 0, lastError: '' });
  const id = '0123456789abcdef0123456789abcdef';
  const forged = await fetch(
    `http://127.0.0.1:${server.port}/records/${id}.ogg?expires=9999999999&sig=${'0'.repeat(64)}`,
  );
  expect(forged.status).toBe(403);
  expect(await forged.text()).toContain('not valid');
  expect((await fetch(`http://127.0.0.1:${server.port}/records/../tccc.db`)).status).toBe(404);
  // The secret that signs the links stays in the data directory, for the owner only.
  expect(fs.statSync(path.join(server.dataDir, 'record-url-secret')).mode & 0o777).toBe(0o600);
});

test('HTTP limits and health', async () => {
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  expect(health.status).toBe(200);
  expect((await health.json()).status).toBe('ok');
  const big = await fetch(`http://127.0.0.1:${server.port}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: 'x'.repeat(1024 * 1024 + 1),
  }).catch((e) => ({ status: `network error ${e.message}` }));
  expect(big.status).toBe(413);
  const unsigned = await fetch(`http://127.0.0.1:${server.port}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect((await unsigned.json()).Response.Error.Code).toBe('AuthFailure.InvalidAuthorization');
});

test('a connection that exceeds its rate limit gets RequestLimitExceeded', async () => {
  // A server of its own with a limit of 1 request/s (burst 2) per connection, so the test does not
  // depend on how fast this machine answers: the third quick request is over the limit anywhere.
  const limited = await startServer({ args: ['--connection-rate-limit', '1'] });
  const http = require('http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const post = () =>
      new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: limited.port,
            path: '/',
            method: 'POST',
            agent,
            headers: { 'Content-Type': 'application/json' },
          },
          (res) => {
            let body = '';
            res.on('data', (d) => {
              body += d;
            });
            res.on('end', () => resolve(JSON.parse(body).Response.Error.Code));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    const codes = [];
    for (let i = 0; i < 10; i += 1) codes.push(await post());
    // The first requests are judged on their merits (no signature); then the per-connection limit.
    expect(codes[0]).toBe('AuthFailure.InvalidAuthorization');
    expect(codes.indexOf('RequestLimitExceeded')).toBeGreaterThanOrEqual(2);
    expect(codes.indexOf('RequestLimitExceeded')).toBeLessThan(6);
    agent.destroy();
    // A fresh connection (the official client's next call) is not affected.
    await expect(cloudClient(limited).DescribeNumbers({ SdkAppId: limited.sdkAppId })).resolves.toHaveProperty(
      'TotalCount',
    );
  } finally {
    agent.destroy();
    await limited.stop();
  }
});

test('a restart on the same data directory keeps tenant, keys and staff', async () => {
  const dataDir = require('fs').mkdtempSync(path.join(require('os').tmpdir(), 'tccc-jest-restart-'));
  try {
    const first = await startServer({ dataDir });
    await cloudClient(first).CreateStaff({
      SdkAppId: first.sdkAppId,
      Staffs: [{ Name: 'Kept', Mail: 'kept@tccc.local', StaffNumber: '9' }],
    });
    await first.stop();
    const second = await startServer({ dataDir });
    try {
      expect(second.sdkAppId).toBe(first.sdkAppId);
      expect(second.secretId).toBe(first.secretId);
      expect(second.secretKey).toBe(first.secretKey);
      const list = await cloudClient(second).DescribeStaffInfoList({
        SdkAppId: second.sdkAppId,
        PageSize: 10,
        PageNumber: 0,
        StaffMail: 'kept@tccc.local',
      });
      expect(list.TotalCount).toBe(1);
    } finally {
      await second.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('--help documents the options; --print-credentials prints and exits', () => {
  const help = spawnSync(BINARY, ['--help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  for (const opt of [
    '--host',
    '--port',
    '--data-dir',
    '--config',
    '--public-url',
    '--sdk-dir',
    '--web-dir',
    '--tls-cert',
    '--tls-key',
    '--allowed-origins',
    '--cdr-push-url',
    '--heartbeat-ms',
    '--recordings',
    '--recordings-dir',
    '--record-url-ttl',
    '--set-recording',
    '--set-asr',
    '--print-credentials',
  ]) {
    expect(help.stdout).toContain(opt);
  }
  const creds = spawnSync(BINARY, ['--data-dir', server.dataDir, '--print-credentials'], { encoding: 'utf8' });
  expect(creds.status).toBe(0);
  expect(creds.stdout).toContain(`SecretId=${server.secretId}`);
  expect(creds.stdout).toContain(`SdkAppId=${server.sdkAppId}`);
  const bad = spawnSync(BINARY, ['--port', 'eighty'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  const off = spawnSync(BINARY, ['--data-dir', server.dataDir, '--set-recording', `${server.sdkAppId}=off`], {
    encoding: 'utf8',
  });
  expect(off.status).toBe(0);
  expect(off.stdout).toContain(`recording off for ${server.sdkAppId}`);
  const unknown = spawnSync(BINARY, ['--data-dir', server.dataDir, '--set-recording', '1:99=on'], { encoding: 'utf8' });
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toContain('no such tenant or skill group');
  expect(spawnSync(BINARY, ['--set-recording', 'everything=off'], { encoding: 'utf8' }).status).toBe(2);
});
