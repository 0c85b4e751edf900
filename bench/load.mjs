#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Contact-center load generator (loopback only; prints figures, asserts nothing, stops by itself).
//
//   node bench/load.mjs [--agents 10000] [--rate 1000] [--seconds 10] [--server-media both|true|false]
//                       [--bin build/native/server/tccc-server] [--baseline-bin OTHER-BINARY] [--rounds 1]
//                       [--server-args "--heartbeat-ms 10000"] [--data-dir DIR]
//
// For each server binary (--bin, and --baseline-bin when given: "after" and "before") and each
// server-media setting (--server-media both: the simulator's server-side media leg on, then off), it
// starts the binary on a free 127.0.0.1 port with --max-connections, --api-rate-limit and
// --tenant-rate-limit raised, creates N agents with the cloud API (CreateStaff, TC3-signed) and a login token for each
// (CreateSDKLoginToken; both once per binary, the data directory is reused by its later runs), logs
// them all in over /ws/agent, printing the server's RSS every 1,000 agents, measures the server's idle
// CPU for 2 s, then places simulated inbound calls (POST /sim/inbound) at the given rate. Every agent
// answers at once, hangs up, and ends its after-call work, so agents keep coming back. The run ends
// when every call has ended (or 10 s after the last one was placed); the server is then stopped with
// SIGTERM, which commits every queued CDR. The same workload runs against each binary, alternating
// the order from one round to the next (--rounds), so that both see the same machine.
//
// Printed, as `load: …` lines, per binary and media setting: server RSS per 1,000 agents; routed
// calls/s; routing latency from call arrival (POST sent) to the agent receiving session.state
// "ringing", p50/p99/max; server CPU per routed call (server CPU seconds from the first call until
// every call ended, divided by the calls routed; the idle CPU of the logged-in agents' heartbeats is
// shown beside it) and the server's CPU while calls were placed; the WebSocket frames an agent
// gets and sends per call are printed too. Server CPU is utime + stime of the server process from
// /proc/PID/stat (all its threads, the CDR writer's included): this generator's own CPU is not in
// it. What is in it on loopback: a send runs the receiving socket's TCP input in the sender's
// system call, so the server is charged the delivery of what it sends to the agents and they pay
// for what they send to it; across a real network each side pays for its own input instead, about
// the same work. The simulated carrier (POST /sim/inbound and its HTTP parsing) and, with server
// media on, each call's server-side media leg run inside the server and count as server CPU. With
// server media on, every call is also recorded unless --server-args "--recordings false" is given:
// its participant files, their catalogue rows and the stereo mix made after it (which decodes and
// encodes both files) count too, a fixed cost per call that these short calls do not amortise.
// With a baseline: the ratios after/before measured in this run (below 1 means the new binary
// costs less). With several rounds the figures are medians.
//
// Data: fresh directories under the OS temp dir (removed afterwards) unless --data-dir is given
// (kept; with a baseline, DIR/after and DIR/before). The server commits CDRs with SQLite
// synchronous=FULL, grouped into one transaction per batch on a thread of its own, so the disk shows
// up in the CDR backlog rather than in the routing latency.
//
// File descriptors: this process holds one per agent, and so does the server. Both raise their soft
// limit to what is needed within the hard limit (Node by itself, the server at start-up); when the
// hard limit is too low the bench stops at once with a message saying what to raise.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuSeconds, makeSimCaller, rssMb } from './server-process.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const AGENTS = Number(arg('agents', 10000));
const DATA_DIR = arg('data-dir', '');
const RATE = Number(arg('rate', 1000));
const SECONDS = Number(arg('seconds', 10));
const ROUNDS = Number(arg('rounds', 1));
const BIN = path.resolve(ROOT, arg('bin', 'build/native/server/tccc-server'));
const BASELINE_BIN = arg('baseline-bin', '') ? path.resolve(ROOT, arg('baseline-bin', '')) : '';
const SERVER_ARGS = (arg('server-args', '') || '').split(' ').filter(Boolean);
const MEDIA = arg('server-media', 'both');
const SERVICE_NUMBER = '4008002000'; // demo tenant: no IVR, straight to the Sales group
const GROUP_NAME = '售前 Sales';
const IDLE_MS = 2000; // idle CPU measured this long with every agent logged in
const SETTLE_MS = 10000; // after the last call is placed, wait this long at most for the rest to end
const TOKEN_REUSE_MS = 20 * 60 * 1000; // login tokens live 30 min: fetch new ones after 20

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log(...a);

const fmt = (v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '?');

// --- file descriptors -----------------------------------------------------------------------------
function openFileLimits() {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line
      .trim()
      .split(/\s+/)
      .slice(3, 5)
      .map((v) => (v === 'unlimited' ? Infinity : Number(v)));
    return { soft, hard };
  } catch {
    return null; // not Linux: let the run show what happens
  }
}

// Node raises its own soft limit to the hard limit at start-up, so the hard limit is what counts
// here (and the server raises its own soft limit the same way). Too low: say what to do, and stop.
function ensureFileLimit(extra) {
  const needed = AGENTS + extra;
  const lim = openFileLimits();
  if (!lim || lim.soft >= needed) return;
  console.error(
    `load: ${AGENTS} agents need about ${needed} open files in this process and as many in the server, ` +
      `but \`ulimit -n\` allows ${lim.soft} (hard limit ${lim.hard}). Raise it (e.g. as root: ulimit -Hn ${needed}; ` +
      `ulimit -n ${needed}; or LimitNOFILE= for a service) ` +
      (lim.soft - extra > 0 ? `or run fewer agents (--agents ${lim.soft - extra}).` : 'or lower --rate and --agents.'),
  );
  process.exit(2);
}

// --- the server ----------------------------------------------------------------------------------
const liveChildren = new Set();
process.on('exit', () => {
  for (const c of liveChildren) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** Whether `bin` knows a command-line flag (a baseline binary may predate it). */
function knowsFlag(bin, flag) {
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  return `${help.stdout}${help.stderr}`.includes(flag);
}

async function startServer(bin, dataDir, serverMedia) {
  // Room for every agent plus the call generator's sockets and the cloud API calls.
  const maxConnections = AGENTS + Math.max(1000, Math.ceil(RATE / 10) + 500);
  const child = spawn(
    bin,
    [
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
      '--max-connections',
      String(maxConnections),
      // Every simulated agent comes from 127.0.0.1.
      ...(knowsFlag(bin, '--max-connections-per-address')
        ? ['--max-connections-per-address', String(maxConnections)]
        : []),
      '--api-rate-limit',
      '1000000',
      // Every simulated agent is in the demo app: its shared budget would cap the run.
      ...(knowsFlag(bin, '--tenant-rate-limit') ? ['--tenant-rate-limit', '1000000'] : []),
      '--server-media',
      String(serverMedia),
      ...SERVER_ARGS,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  liveChildren.add(child);
  let exit = null;
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      liveChildren.delete(child);
      resolve(exit);
    }),
  );
  const info = await new Promise((resolve, reject) => {
    const out = {};
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server did not start in 15 s')), 15000);
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        const eq = line.indexOf('=');
        if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
        if (line === 'READY') {
          clearTimeout(timer);
          resolve(out);
        }
      }
    });
    exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${e.signal || e.code} before READY`));
    });
  });
  child.stdout.resume(); // keep draining whatever it prints later
  const url = new URL(info.API);
  return {
    child,
    exited,
    exit: () => exit,
    host: url.hostname,
    port: Number(url.port),
    sdkAppId: Number(info.SdkAppId),
    secretId: info.SecretId,
    secretKey: info.SecretKey,
  };
}

async function stopServer(server) {
  // SIGTERM: the server stops accepting, commits the CDRs still queued and exits 0.
  server.child.kill('SIGTERM');
  const e = await Promise.race([server.exited, sleep(10000).then(() => null)]);
  if (!e) {
    server.child.kill('SIGKILL');
    await server.exited;
    return 'did not exit within 10 s of SIGTERM: killed';
  }
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

// --- cloud API (TC3-HMAC-SHA256, the same signature the official clients make) ---------------
function hmac(key, msg) {
  return crypto.createHmac('sha256', key).update(msg).digest();
}
function sha256hex(msg) {
  return crypto.createHash('sha256').update(msg).digest('hex');
}

// The bench raises the server's per-action limit; should a RequestLimitExceeded come anyway (a
// smaller --api-rate-limit in --server-args), wait and retry.
async function cloudCall(server, action, params) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await cloudCallOnce(server, action, params);
    } catch (e) {
      if (!/RequestLimitExceeded/.test(e.message) || attempt > 2000) throw e;
      await sleep(50 + Math.random() * 200);
    }
  }
}

function cloudCallOnce(server, action, params) {
  const body = JSON.stringify(params);
  const ts = Math.floor(Date.now() / 1000);
  const date = new Date(ts * 1000).toISOString().slice(0, 10);
  const ct = 'application/json; charset=utf-8';
  const canonical = `POST\n/\n\ncontent-type:${ct}\nhost:${server.host}\n\ncontent-type;host\n${sha256hex(body)}`;
  const scope = `${date}/ccc/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${scope}\n${sha256hex(canonical)}`;
  const kSigning = hmac(hmac(hmac(`TC3${server.secretKey}`, date), 'ccc'), 'tc3_request');
  const signature = crypto.createHmac('sha256', kSigning).update(toSign).digest('hex');
  const headers = {
    'content-type': ct,
    host: `${server.host}:${server.port}`,
    authorization: `TC3-HMAC-SHA256 Credential=${server.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    'x-tc-action': action,
    'x-tc-timestamp': String(ts),
    'x-tc-version': '2020-02-10',
  };
  // A fresh connection per call: the server also rate-limits each connection (20/s by default).
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: server.host, port: server.port, method: 'POST', path: '/', headers, agent: false },
      (res) => {
        let data = '';
        res.on('data', (c) => {
          data += c;
        });
        res.on('end', () => {
          try {
            const r = JSON.parse(data).Response;
            if (r.Error) reject(new Error(`${action}: ${r.Error.Code} ${r.Error.Message}`));
            else resolve(r);
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function pool(items, concurrency, fn) {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

// --- agents ------------------------------------------------------------------------------------
// `run` collects what the agents see: ringAt (sessionId -> ms when "ringing" arrived) and endedAt.
function connectAgent(server, run, userId, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${server.host}:${server.port}/ws/agent`, { perMessageDeflate: false });
    let id = 1;
    const send = (method, data) => {
      run.framesOut++;
      ws.send(JSON.stringify({ v: 1, type: 'req', id: ++id, method, data }));
    };
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
      const now = performance.now();
      const f = JSON.parse(raw);
      if (f.type === 'ping') {
        run.pings++;
        ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
        return;
      }
      run.framesIn++;
      run.bytesIn += raw.length;
      if (f.type === 'res' && f.id === 1) {
        if (f.ok) resolve(ws);
        else reject(new Error(`login ${userId}: ${f.error.message}`));
        return;
      }
      if (f.type !== 'evt') return;
      if (f.event === 'session.state') {
        const s = f.data.session;
        if (s.state === 'ringing') {
          run.ringAt.set(s.sessionId, now);
          send('session.accept', { sessionId: s.sessionId });
        } else if (s.state === 'talking') send('session.hangUp', { sessionId: s.sessionId });
        else if (s.state === 'ended') {
          if (!run.endedAt.has(s.sessionId)) run.endedAt.set(s.sessionId, now);
          send('session.delete', { sessionId: s.sessionId });
        }
      } else if (f.event === 'agent.status' && f.data.status === 'arrange') {
        send('agent.setStatus', { status: 'free' }); // skip the after-call work: back in the pool
      }
    });
  });
}

// --- calls -------------------------------------------------------------------------------------

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function getJson(server, p) {
  return new Promise((resolve) => {
    http
      .get({ host: server.host, port: server.port, path: p, agent: false }, (res) => {
        let d = '';
        res.on('data', (c) => {
          d += c;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(d));
          } catch {
            resolve({});
          }
        });
      })
      .on('error', () => resolve({}));
  });
}

// --- one run: one binary, one media setting ------------------------------------------------------
const users = Array.from({ length: AGENTS }, (_, i) => `load${i}@bench.local`);

// Staff and login tokens are made once per binary (its data directory) and reused by its later runs.
async function ensureAgents(target, server) {
  if (!target.staffCreated) {
    const t0 = performance.now();
    const batches = [];
    for (let i = 0; i < users.length; i += 100) batches.push(users.slice(i, i + 100));
    await pool(batches, 4, (batch) =>
      cloudCall(server, 'CreateStaff', {
        SdkAppId: server.sdkAppId,
        Staffs: batch.map((u, k) => ({
          Name: `Load ${u}`,
          Mail: u,
          StaffNumber: String(100000 + k),
          SkillGroupNameList: [GROUP_NAME],
        })),
      }),
    );
    target.staffCreated = true;
    log(`created ${AGENTS} staff in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (!target.tokens || Date.now() - target.tokensAt > TOKEN_REUSE_MS) {
    const tokens = new Array(AGENTS);
    const t1 = performance.now();
    target.tokensAt = Date.now();
    await pool(users, 32, async (u, i) => {
      tokens[i] = (await cloudCall(server, 'CreateSDKLoginToken', { SdkAppId: server.sdkAppId, SeatUserId: u })).Token;
    });
    target.tokens = tokens;
    log(`fetched ${AGENTS} login tokens in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
}

async function runOnce(target, serverMedia) {
  const title = `${target.label ? `${target.label}, ` : ''}server media ${serverMedia ? 'on' : 'off'}`;
  log('');
  log(`## ${title}: ${target.bin}`);
  const server = await startServer(target.bin, target.dataDir, serverMedia);
  const pid = server.child.pid;
  const rssStart = rssMb(pid);
  log(`server pid ${pid} on ${server.host}:${server.port}, RSS at start ${fmt(rssStart, 1)} MB`);
  const run = { ringAt: new Map(), endedAt: new Map(), framesIn: 0, bytesIn: 0, framesOut: 0, pings: 0 };
  const sockets = [];
  let post = null;
  const result = { title, label: target.label, serverMedia };
  try {
    await ensureAgents(target, server);
    const t2 = performance.now();
    let loggedIn = 0;
    await pool(users, 100, async (u, i) => {
      sockets.push(await connectAgent(server, run, u, target.tokens[i]));
      loggedIn++;
      if (loggedIn % 1000 === 0 || loggedIn === AGENTS)
        log(`  ${String(loggedIn).padStart(6)} agents logged in: server RSS ${fmt(rssMb(pid), 1)} MB`);
    });
    log(`logged in ${AGENTS} agents in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    await sleep(500);
    const rssLoggedIn = rssMb(pid);
    result.rssPer1000 = ((rssLoggedIn - rssStart) * 1000) / AGENTS;
    result.rssStart = rssStart;
    result.rssLoggedIn = rssLoggedIn;

    // What the server burns with everyone logged in and nothing happening (heartbeats, timers).
    const idle0 = cpuSeconds(pid);
    await sleep(IDLE_MS);
    result.idleCpu = ((cpuSeconds(pid) - idle0) / (IDLE_MS / 1000)) * 100;

    post = makeSimCaller({ host: server.host, port: server.port, sockets: Math.max(4, Math.ceil(RATE / 10)) });
    const sentAt = new Map();
    let refused = 0;
    let placed = 0;
    const pending = [];
    const runStartSec = Math.floor(Date.now() / 1000) - 1;
    const start = performance.now();
    const cpu0 = cpuSeconds(pid);
    // The generator's own event-loop lag: if it is large, the figures measure the client, not the server.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const clientCpu0 = process.cpuUsage();
    const frames0 = { ...run };
    const total = Math.round(RATE * SECONDS);
    // Open-loop arrivals: calls go out on schedule whether or not earlier ones were answered.
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const at = performance.now();
      pending.push(
        post({ caller: `139${String(n).padStart(8, '0')}`, serviceNumber: SERVICE_NUMBER }).then((r) => {
          if (r.status === 200 && r.body && r.body.sessionId) {
            sentAt.set(r.body.sessionId, at);
            placed++;
          } else refused++;
        }),
      );
    }
    const sendSeconds = (performance.now() - start) / 1000;
    const cpuSend = cpuSeconds(pid);
    const c = process.cpuUsage(clientCpu0);
    const clientCpu = ((c.user + c.system) / 1e6 / sendSeconds) * 100;
    await Promise.all(pending);
    // Until every placed call has ended at its agent (the CDR then is queued too), or SETTLE_MS.
    const settleBy = performance.now() + SETTLE_MS;
    while (performance.now() < settleBy) {
      let open = 0;
      for (const sid of sentAt.keys())
        if (!run.endedAt.has(sid)) {
          open++;
          break;
        }
      if (!open) break;
      await sleep(20);
    }
    const end = performance.now();
    const cpuEnd = cpuSeconds(pid);
    const frames = {
      in: run.framesIn - frames0.framesIn,
      bytes: run.bytesIn - frames0.bytesIn,
      out: run.framesOut - frames0.framesOut,
      pings: run.pings - frames0.pings,
    };
    loopDelay.disable();

    const lat = [];
    const buckets = [];
    let ended = 0;
    for (const [sid, at] of sentAt) {
      if (run.endedAt.has(sid)) ended++;
      const r = run.ringAt.get(sid);
      if (r === undefined) continue;
      lat.push(r - at);
      // Per-second view: shows whether latency grows steadily (saturation) or spikes (stalls).
      const b = Math.floor((at - start) / 1000);
      (buckets[b] = buckets[b] || []).push(r - at);
    }
    const perSecond = Array.from(buckets, (b) =>
      b
        ? percentile(
            b.sort((x, y) => x - y),
            99,
          ).toFixed(1)
        : '-',
    );
    lat.sort((a, b) => a - b);
    const windowSeconds = (end - start) / 1000;
    Object.assign(result, {
      offered: total,
      placed,
      refused,
      routed: lat.length,
      ended,
      sendSeconds,
      windowSeconds,
      routedPerSec: lat.length / sendSeconds,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      max: lat.length ? lat[lat.length - 1] : NaN,
      cpuWhilePlacing: ((cpuSend - cpu0) / sendSeconds) * 100,
      cpuSeconds: cpuEnd - cpu0,
      cpuMsPerCall: lat.length ? ((cpuEnd - cpu0) * 1000) / lat.length : NaN,
      // The same, less what the server would have spent idle over the window.
      netCpuMsPerCall: lat.length
        ? ((cpuEnd - cpu0 - (result.idleCpu / 100) * windowSeconds) * 1000) / lat.length
        : NaN,
    });
    log(`calls offered:  ${total} in ${sendSeconds.toFixed(2)} s (target ${RATE}/s)`);
    log(
      `calls placed:   ${placed}, refused/failed: ${refused}, ended at the agents: ${ended} (${windowSeconds.toFixed(2)} s after the first)`,
    );
    log(`calls routed:   ${lat.length} (${(lat.length / sendSeconds).toFixed(0)} calls/s)`);
    log(
      `routing latency (arrival -> ringing at agent): p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, max ${fmt(result.max)} ms`,
    );
    log(`p99 per second of the run (ms): ${perSecond.join(' ')}`);
    log(
      `load generator event-loop delay: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`,
    );
    log(
      `CPU while placing calls: server ${fmt(result.cpuWhilePlacing, 0)}%, this load generator ${clientCpu.toFixed(0)}% (of one core each); server idle before: ${fmt(result.idleCpu, 1)}%`,
    );
    log(
      `server CPU from the first call until all ended: ${fmt(result.cpuSeconds)} s = ${fmt(result.cpuMsPerCall, 3)} ms per routed call (${fmt(result.netCpuMsPerCall, 3)} ms above idle)`,
    );
    log(
      `agent WebSocket frames per routed call: ${fmt(frames.in / lat.length, 1)} from the server (${fmt(frames.bytes / lat.length, 0)} bytes), ` +
        `${fmt(frames.out / lat.length, 1)} requests to it; heartbeat pings meanwhile: ${frames.pings}`,
    );
    log(`server RSS after the run: ${fmt(rssMb(pid), 1)} MB with ${sockets.length} agents`);
    const health = await getJson(server, '/healthz');
    log(`CDRs not yet committed after the run: ${health.unwrittenCdrs ?? '?'}`);
    const nowSec = Math.floor(Date.now() / 1000);
    const cdrs = await cloudCall(server, 'DescribeTelCdr', {
      SdkAppId: server.sdkAppId,
      StartTimeStamp: runStartSec,
      EndTimeStamp: nowSec + 60,
      PageSize: 1,
      PageNumber: 0,
    }).catch((e) => ({ TotalCount: `? (${e.message})` }));
    log(`CDRs of this run queryable with DescribeTelCdr: ${cdrs.TotalCount} (calls placed: ${placed})`);
    log(`load: ${title}: ${summary(result)}`);
  } finally {
    if (post) post.close();
    for (const ws of sockets) ws.terminate();
    log(`server exit after SIGTERM: ${await stopServer(server)}`);
  }
  return result;
}

function summary(r) {
  return (
    `RSS per 1000 agents ${fmt(r.rssPer1000)} MB; routed ${fmt(r.routedPerSec, 0)} calls/s (${r.routed} of ${r.offered} at ${RATE}/s); ` +
    `latency p50 ${fmt(r.p50)} ms p99 ${fmt(r.p99)} ms max ${fmt(r.max, 1)} ms; ` +
    `server CPU ${fmt(r.cpuMsPerCall, 3)} ms per routed call (${fmt(r.netCpuMsPerCall, 3)} above idle ${fmt(r.idleCpu, 1)}%), ` +
    `${fmt(r.cpuWhilePlacing, 0)}% of a core while placing`
  );
}

function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function combine(results) {
  if (results.length === 1) return results[0];
  const out = { ...results[0] };
  for (const key of [
    'rssPer1000',
    'routedPerSec',
    'p50',
    'p99',
    'max',
    'cpuWhilePlacing',
    'cpuMsPerCall',
    'netCpuMsPerCall',
    'idleCpu',
  ])
    out[key] = median(results.map((r) => r[key]));
  out.routed = Math.round(median(results.map((r) => r.routed)));
  return out;
}

async function main() {
  if (!(AGENTS >= 1 && RATE > 0 && SECONDS > 0 && ROUNDS >= 1))
    throw new Error('--agents, --rate, --seconds and --rounds must be positive numbers');
  const modes = { both: [true, false], true: [true], false: [false] }[MEDIA];
  if (!modes) throw new Error('--server-media must be both, true or false');
  for (const b of [BIN, BASELINE_BIN].filter(Boolean))
    if (!fs.existsSync(b)) throw new Error(`no server binary at ${b}`);
  ensureFileLimit(Math.ceil(RATE / 10) + 300); // the call generator's sockets, and headroom

  const targets = [{ label: BASELINE_BIN ? 'after' : '', bin: BIN }];
  if (BASELINE_BIN) targets.push({ label: 'before', bin: BASELINE_BIN });
  for (const t of targets) {
    t.ownDir = !DATA_DIR;
    t.dataDir = DATA_DIR
      ? path.resolve(DATA_DIR, BASELINE_BIN ? t.label : '.')
      : fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-load-'));
    fs.mkdirSync(t.dataDir, { recursive: true });
    t.results = new Map(modes.map((m) => [m, []]));
  }
  log(
    `tccc load: ${AGENTS} agents, ${RATE} calls/s for ${SECONDS} s; server media ${modes.map((m) => (m ? 'on' : 'off')).join(', then ')}` +
      `${BASELINE_BIN ? `; after = ${BIN}, before = ${BASELINE_BIN}` : ''}; ${ROUNDS} round(s)`,
  );
  for (const t of targets)
    log(
      `data dir${t.label ? ` (${t.label})` : ''}: ${t.dataDir} (${t.ownDir ? 'a fresh directory under the OS temp dir, removed afterwards; --data-dir to choose' : 'under --data-dir, kept'})`,
    );
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const media of modes) {
        // Alternate which binary goes first, so neither always meets a warmer or busier machine.
        const order = (round + modes.indexOf(media)) % 2 ? [...targets].reverse() : targets;
        for (const t of order) t.results.get(media).push(await runOnce(t, media));
      }
    }
  } finally {
    for (const t of targets) if (t.ownDir) fs.rmSync(t.dataDir, { recursive: true, force: true });
  }

  log('');
  log(
    `load: ${AGENTS} agents, ${RATE} calls/s offered for ${SECONDS} s${ROUNDS > 1 ? `, medians of ${ROUNDS} rounds` : ''}; goal: <= 0.2 ms server CPU per routed call, p99 <= 5 ms`,
  );
  const combined = new Map();
  for (const media of modes) {
    for (const t of targets) {
      const r = combine(t.results.get(media));
      combined.set(`${t.label}/${media}`, r);
      log(`load: ${r.title}: ${summary(r)}`);
    }
  }
  if (BASELINE_BIN) {
    const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}x` : '?');
    for (const media of modes) {
      const a = combined.get(`after/${media}`);
      const b = combined.get(`before/${media}`);
      log(
        `load: ratio after/before, server media ${media ? 'on' : 'off'}: CPU per routed call ${ratio(a.cpuMsPerCall, b.cpuMsPerCall)} ` +
          `(${fmt(a.cpuMsPerCall, 3)} vs ${fmt(b.cpuMsPerCall, 3)} ms), above idle ${ratio(a.netCpuMsPerCall, b.netCpuMsPerCall)}, ` +
          `latency p50 ${ratio(a.p50, b.p50)} p99 ${ratio(a.p99, b.p99)}, RSS per 1000 agents ${ratio(a.rssPer1000, b.rssPer1000)}, ` +
          `routed calls/s ${ratio(a.routedPerSec, b.routedPerSec)}`,
      );
    }
  }
  if (modes.length === 2) {
    for (const t of targets) {
      const on = combined.get(`${t.label}/true`);
      const off = combined.get(`${t.label}/false`);
      log(
        `load: ${t.label ? `${t.label}: ` : ''}server media on/off: CPU per routed call ${fmt(on.cpuMsPerCall, 3)} vs ${fmt(off.cpuMsPerCall, 3)} ms ` +
          `(media adds ${fmt(on.cpuMsPerCall - off.cpuMsPerCall, 3)} ms), latency p99 ${fmt(on.p99)} vs ${fmt(off.p99)} ms`,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
