// SPDX-License-Identifier: Apache-2.0
// End to end against the real server binary (docs/reliability.md, "Disk faults"), for two faults of
// the disk under the running server:
// - it refuses every write: the process's file-size limit is lowered to one byte with prlimit, so
//   each write fails with EFBIG as on a failing disk; the first writer to meet it trips the breaker;
// - it stops answering: fsync and fdatasync wait for as long as a file exists (a shim preloaded into
//   the server, compiled here), as on a hung network mount; nothing fails, and the server's disk
//   watch notices the wait and trips the breaker, while /healthz goes on answering.
// Then a chat message is refused at once with ERR_STORAGE_UNAVAILABLE instead of stalling,
// /healthz answers 503 and says why, and a phone call is still routed, answered and ended. When the
// disk takes writes again the server notices by itself: /healthz is back to 200, the message sent
// again with the same clientMsgId is delivered once, and the CDR of the call made during the fault
// is stored (official cloud client). Cloud API writes meanwhile answer InternalError.DBError and
// reads go on.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startServer, cloudClient, Socket, httpJson, loginAgent, cdrsOf } = require('./ccClient');

jest.setTimeout(60000);

const STORAGE_UNAVAILABLE = -11021;
let server;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-disk-fault-'));

afterEach(async () => {
  if (server) await server.stop();
  server = null;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** fsync and fdatasync that wait while $TCCC_TEST_STALL_FILE exists: a disk that stops answering. */
const STALL_SHIM = `
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>
static void waitWhileStalled(void) {
  const char *file = getenv("TCCC_TEST_STALL_FILE");
  while (file && access(file, F_OK) == 0) usleep(20000);
}
int fsync(int fd) {
  waitWhileStalled();
  return ((int (*)(int))dlsym(RTLD_NEXT, "fsync"))(fd);
}
int fdatasync(int fd) {
  waitWhileStalled();
  return ((int (*)(int))dlsym(RTLD_NEXT, "fdatasync"))(fd);
}
`;

function stallShim() {
  const source = path.join(tmp, 'stall.c');
  const library = path.join(tmp, 'stall.so');
  if (!fs.existsSync(library)) {
    fs.writeFileSync(source, STALL_SHIM);
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', library, source, '-ldl']);
  }
  return library;
}

/** How each fault starts and ends; `start` answers the function that ends it. */
const FAULTS = [
  {
    name: 'refuses writes',
    env: () => ({}),
    start: (srv) => {
      const pid = srv.process.pid;
      const before = softFileSizeLimit(pid);
      setSoftFileSizeLimit(pid, 1);
      return () => setSoftFileSizeLimit(pid, before);
    },
    noticedBy: null, // the first write that meets it trips the breaker
  },
  {
    name: 'stops answering',
    env: () => ({ LD_PRELOAD: stallShim(), TCCC_TEST_STALL_FILE: path.join(tmp, 'stalled') }),
    start: () => {
      const flag = path.join(tmp, 'stalled');
      fs.writeFileSync(flag, '');
      return () => fs.rmSync(flag, { force: true });
    },
    noticedBy: /disk watch/,
  },
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process's soft file-size limit as prlimit takes it ("unlimited" or bytes). */
function softFileSizeLimit(pid) {
  const line = fs
    .readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max file size'));
  return line.split(/\s{2,}/)[1];
}

function setSoftFileSizeLimit(pid, value) {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${value}:`]);
}

async function health(srv) {
  return httpJson(srv, 'GET', '/healthz');
}

async function waitUntil(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test.each(FAULTS)(
  'a disk that $name: chat refused at once, calls go on, and everything recovers by itself',
  async (fault) => {
    server = await startServer({ args: ['--recordings', 'false'], env: fault.env() });
    const chatAgent = await loginAgent(server, 'agent1@tccc.local');
    const callAgent = await loginAgent(server, 'agent2@tccc.local');
    const visitor = new Socket(`ws://${server.host}:${server.port}/ws/customer`);
    await visitor.open();
    const started = await visitor.request('chat.start', { serviceNumber: '4008002000', nickname: 'Nina' });
    expect(started.ok).toBe(true);
    const chatId = started.data.sessionId;
    await chatAgent.waitSession(chatId, 'ringing');
    expect((await chatAgent.request('session.accept', { sessionId: chatId })).ok).toBe(true);
    expect((await visitor.request('chat.send', { text: 'hello', clientMsgId: 'v-1' })).ok).toBe(true);
    expect((await health(server)).body.storage.state).toBe('ok');

    let callId;
    let callAgentId;
    const endFault = fault.start(server);
    try {
      if (fault.noticedBy) {
        // Nothing fails: the disk watch notices the wait, and /healthz answers all along.
        const noticed = await waitUntil('the disk watch noticing the stall', async () => {
          const h = await health(server);
          return h.status === 503 && h;
        });
        expect(noticed.body.storage.source).toMatch(fault.noticedBy);
        expect(noticed.body.storage.lastError).toMatch(/not answering/);
      }
      // Refused at once, with a code a client can act on; nothing delivered.
      const refused = await visitor.request('chat.send', { text: 'where is my parcel?', clientMsgId: 'v-2' });
      expect(refused.ok).toBe(false);
      expect(refused.error.code).toBe(STORAGE_UNAVAILABLE);
      expect(refused.error.message).toMatch(/clientMsgId/);
      const agentRefused = await chatAgent.request('chat.send', { sessionId: chatId, text: 'one moment' });
      expect(agentRefused.error.code).toBe(STORAGE_UNAVAILABLE);

      const failing = await health(server);
      expect(failing.status).toBe(503);
      expect(failing.body.status).toBe('degraded');
      expect(failing.body.storage).toMatchObject({ state: 'failing', source: expect.any(String) });
      expect(failing.body.storage.lastError).toMatch(/I\/O|disk|full/i);

      // Cloud API writes answer the cloud's database error (official client) and reads go on.
      const staff = { Name: 'Dora', Mail: 'dora@tccc.local', StaffNumber: '2001' };
      await expect(
        cloudClient(server).CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [staff] }),
      ).rejects.toMatchObject({ code: 'InternalError.DBError', message: expect.stringMatching(/nothing was changed/) });
      const listed = await cloudClient(server).DescribeStaffInfoList({
        SdkAppId: server.sdkAppId,
        PageSize: 100,
        PageNumber: 0,
      });
      expect(listed.StaffList.map((s) => s.Email)).not.toContain(staff.Mail);

      // Calls need no synchronous write: routed, answered and ended while the disk fails.
      const placed = await httpJson(server, 'POST', '/sim/inbound', {
        caller: '13800138000',
        serviceNumber: '4008002000',
        holdSeconds: 1,
      });
      expect(placed.status).toBe(200);
      callId = placed.body.sessionId;
      const ringsAt = (agent) =>
        agent.frames.some(
          (f) =>
            f.event === 'session.state' && f.data.session.sessionId === callId && f.data.session.state === 'ringing',
        );
      const answering = await waitUntil('the call ringing at an agent', () =>
        [chatAgent, callAgent].find((a) => ringsAt(a)),
      );
      expect((await answering.request('session.accept', { sessionId: callId })).ok).toBe(true);
      await answering.waitSession(callId, 'ended');
      callAgentId = answering === chatAgent ? 'agent1@tccc.local' : 'agent2@tccc.local';
      expect((await health(server)).body.unwrittenCdrs).toBeGreaterThanOrEqual(1);
    } finally {
      endFault();
    }

    // The probe (every second) finds the disk back.
    const recovered = await waitUntil('/healthz 200', async () => {
      const h = await health(server);
      return h.status === 200 && h;
    });
    expect(recovered.body.storage).toMatchObject({ state: 'ok' });
    expect(recovered.body.storage.lastRecoveredAtMs).toBeGreaterThan(0);

    // The refused staff member can be created now.
    await cloudClient(server).CreateStaff({
      SdkAppId: server.sdkAppId,
      Staffs: [{ Name: 'Dora', Mail: 'dora@tccc.local', StaffNumber: '2001' }],
    });

    // The refused message, sent again with the same clientMsgId, is stored and delivered once.
    const again = await visitor.request('chat.send', { text: 'where is my parcel?', clientMsgId: 'v-2' });
    expect(again.ok).toBe(true);
    await chatAgent.waitFor(
      (f) => f.event === 'chat.message' && f.data.message.text === 'where is my parcel?',
      'the message after recovery',
    );
    const deliveries = chatAgent.frames.filter(
      (f) => f.event === 'chat.message' && f.data.message.text === 'where is my parcel?',
    );
    expect(deliveries).toHaveLength(1);

    // The CDR of the call made during the fault was kept and is stored now.
    const cdr = await waitUntil(
      'the CDR of the call made during the fault',
      async () => (await cdrsOf(server, callId))[0],
    );
    expect(cdr).toMatchObject({ SessionId: callId, SeatUser: expect.objectContaining({ UserId: callAgentId }) });

    const { stderr } = server.output();
    expect(stderr).toMatch(/storage failing/);
    expect(stderr).toMatch(/storage recovered after \d+ ms/);
    for (const s of [chatAgent, callAgent, visitor]) s.close();
  },
);
