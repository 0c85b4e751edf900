#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The supervisor view with many agents live (loopback only; prints figures, asserts nothing, stops
// by itself):
//
//   node bench/supervisor.mjs [--agents 1000] [--churn 500] [--seconds 10]
//
// Starts tccc-server (build/native) on a free port with the demo tenant, creates N agents in its
// Sales group with the cloud API and logs them in over raw /ws/agent sockets (cheap: no SDK per
// agent), opens the supervisor page (web/demo/supervisor.html, served by the plain demo's backend)
// in Debian's Chromium as supervisor@tccc.local, then for --seconds has the agents change status
// --churn times a second in all (rest → notReady → free, round robin). Printed as `supervisor: …`
// lines: the snapshot time; status changes sent per second; `supervisorUpdate` events and agent
// entries the page received per second; and the page's main-thread busy time (CDP
// Performance.getMetrics TaskDuration: script, style, layout and paint of the page) per second and
// per update, with the number of long tasks (> 50 ms) meanwhile.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startServer, cloudClient } = require(join(ROOT, 'tests/js/helpers/server.js'));
const { launchBrowser } = await import(pathToFileURL(join(ROOT, 'tests/e2e/harness.mjs')).href);
const { startDemoServer } = await import(pathToFileURL(join(ROOT, 'web/demo/server.mjs')).href);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}
const AGENTS = arg('agents', 1000);
const CHURN = arg('churn', 500);
const SECONDS = arg('seconds', 10);
const GROUP = '售前 Sales';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => console.log(`supervisor: ${line}`);

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** A raw agent socket: logs in, answers pings, sends agent.setStatus on demand. */
function rawAgent(server, userId, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/agent`, { perMessageDeflate: false });
    let id = 1;
    ws.on('open', () =>
      ws.send(
        JSON.stringify({
          v: 1,
          type: 'req',
          id: 1,
          method: 'auth.login',
          data: { sdkAppId: server.sdkAppId, userId, token },
        }),
      ),
    );
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const f = JSON.parse(raw);
      if (f.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
      else if (f.type === 'res' && f.id === 1) {
        if (f.ok)
          resolve({
            ws,
            setStatus: (status) =>
              ws.send(JSON.stringify({ v: 1, type: 'req', id: ++id, method: 'agent.setStatus', data: { status } })),
          });
        else reject(new Error(`login ${userId}: ${f.error.message}`));
      }
    });
  });
}

const server = await startServer({
  args: [
    '--max-connections',
    String(AGENTS + 1000),
    '--max-connections-per-address',
    String(AGENTS + 1000),
    '--api-rate-limit',
    '1000000',
    '--tenant-rate-limit',
    '1000000',
    '--server-media',
    'false',
  ],
  timeoutMs: 30000,
});
const cleanup = [];
const stopAll = async () => {
  for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => {});
  await server.stop();
};
const deadline = setTimeout(
  () => {
    console.error('supervisor: gave up after 5 minutes');
    stopAll().finally(() => process.exit(1));
  },
  5 * 60 * 1000,
);

try {
  const ccc = cloudClient(server);
  const users = Array.from({ length: AGENTS }, (_, i) => `bench${String(i).padStart(5, '0')}@bench.local`);
  let t0 = performance.now();
  const batches = [];
  for (let i = 0; i < users.length; i += 100) batches.push(users.slice(i, i + 100));
  await pool(batches, 4, (batch) =>
    ccc.CreateStaff({
      SdkAppId: server.sdkAppId,
      Staffs: batch.map((u, k) => ({
        Name: `Bench ${u.slice(5, 10)}`,
        Mail: u,
        StaffNumber: String(200000 + k),
        SkillGroupNameList: [GROUP],
      })),
    }),
  );
  const tokens = new Array(AGENTS);
  await pool(users, 32, async (u, i) => {
    tokens[i] = (await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: u })).Token;
  });
  const agents = [];
  await pool(users, 64, async (u, i) => {
    agents[i] = await rawAgent(server, u, tokens[i]);
  });
  cleanup.push(() => agents.forEach((a) => a.ws.terminate()));
  log(`${AGENTS} agents created and logged in in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const demo = await startDemoServer({
    apiUrl: server.apiUrl,
    sdkAppId: server.sdkAppId,
    secretId: server.secretId,
    secretKey: server.secretKey,
  });
  cleanup.push(() => demo.close());
  const browser = await launchBrowser();
  cleanup.push(() => browser.close());
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1200, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  t0 = performance.now();
  await page.goto(`${demo.url}supervisor.html?autologin=1&lang=en`);
  await page.waitForSelector('[data-testid=sv-state][data-state=watching]', { timeout: 60000 });
  await page.waitForFunction(
    (n) =>
      /^(\d+)/.test(document.getElementById('counts').textContent) &&
      Number(/^(\d+)/.exec(document.getElementById('counts').textContent)[1]) >= n,
    AGENTS,
    { timeout: 60000 },
  );
  log(
    `page ready with ${AGENTS}+ agents in ${((performance.now() - t0) / 1000).toFixed(2)} s (login, snapshot, first render)`,
  );

  // Count what the page receives, and long tasks, from now on.
  await page.evaluate(() => {
    window.__bench = { updates: 0, agents: 0, longTasks: 0 };
    window.tccc.on('supervisorUpdate', (u) => {
      const d = (u && u.data) || u || {};
      window.__bench.updates++;
      window.__bench.agents += (d.agents || []).length;
    });
    new PerformanceObserver((list) => {
      window.__bench.longTasks += list.getEntries().length;
    }).observe({ type: 'longtask', buffered: false });
  });
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration').value;
  };
  await sleep(1000); // idle: the clock ticks only
  const idle0 = await metric();
  await sleep(2000);
  const idlePerSecond = ((await metric()) - idle0) / 2;

  const statuses = ['rest', 'notReady', 'free'];
  const busy0 = await metric();
  const start = performance.now();
  let sent = 0;
  const tickMs = 50;
  const perTick = CHURN * (tickMs / 1000);
  let owed = 0;
  while (performance.now() - start < SECONDS * 1000) {
    owed += perTick;
    for (; owed >= 1; owed--) {
      const a = agents[sent % AGENTS];
      a.setStatus(statuses[Math.floor(sent / AGENTS) % statuses.length]);
      sent++;
    }
    await sleep(tickMs);
  }
  const elapsed = (performance.now() - start) / 1000;
  await sleep(500); // the last coalesced update
  const busy = (await metric()) - busy0;
  const got = await page.evaluate(() => window.__bench);
  log(`status changes sent: ${sent} in ${elapsed.toFixed(1)} s = ${(sent / elapsed).toFixed(0)}/s`);
  log(
    `updates received: ${got.updates} = ${(got.updates / elapsed).toFixed(1)}/s, agent entries ${got.agents} = ${(got.agents / elapsed).toFixed(0)}/s`,
  );
  log(
    `page main thread busy: ${((busy / elapsed) * 1000).toFixed(1)} ms per second (idle ${(idlePerSecond * 1000).toFixed(1)} ms/s), ` +
      `${got.updates ? ((busy / got.updates) * 1000).toFixed(2) : 'n/a'} ms per update, long tasks ${got.longTasks}`,
  );
  if (errors.length) log(`page errors: ${errors.join('; ')}`);
} finally {
  clearTimeout(deadline);
  await stopAll();
}
