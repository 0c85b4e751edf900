#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Contact-center load generator (loopback only; prints figures, asserts nothing, stops by itself).
//
//   node bench/load.mjs [--agents 10000] [--rate 1000] [--seconds 10] [--data-dir DIR]
//                       [--bin build/native/server/tccc-server] [--server-args "--heartbeat-ms 10000"]
//
// It starts the shipped server binary on a free 127.0.0.1 port with --max-connections and
// --api-rate-limit raised for the run, creates N agents with the cloud API (CreateStaff, TC3-signed),
// fetches a login token for each (CreateSDKLoginToken), logs them all in over /ws/agent, printing the
// server's RSS every 1,000 agents, then places simulated inbound calls (POST /sim/inbound) at the given
// rate. Every agent answers at once, hangs up, and ends its after-call work, so agents keep coming
// back. Printed, as `load: …` lines: server RSS per 1,000 agents, routed calls/s, and the routing
// latency from call arrival (POST sent) to the agent receiving session.state "ringing", p50/p99.
// At the end it stops the server with SIGTERM (which commits every queued CDR) and reports its exit.
//
// Data: a fresh directory under the OS temp dir (removed afterwards) unless --data-dir is given (kept).
// The server commits CDRs with SQLite synchronous=FULL, grouped into one transaction per batch on a
// thread of its own, so the disk shows up in the CDR backlog rather than in the routing latency.
//
// File descriptors: this process holds one per agent, and so does the server. Both raise their soft
// limit to what is needed within the hard limit (Node by itself, the server at start-up); when the
// hard limit is too low the bench stops at once with a message saying what to raise.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';

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
const BIN = path.resolve(ROOT, arg('bin', 'build/native/server/tccc-server'));
const SERVER_ARGS = (arg('server-args', '') || '').split(' ').filter(Boolean);
const SERVICE_NUMBER = '4008002000'; // demo tenant: no IVR, straight to the Sales group
const GROUP_NAME = '售前 Sales';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log(...a);

function cpuTicks(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
  } catch {
    return NaN;
  }
}

function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    return (kb / 1024).toFixed(1);
  } catch {
    return '?';
  }
}

// --- file descriptors -----------------------------------------------------------------------------
function openFileLimits() {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line.trim().split(/\s+/).slice(3, 5).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
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
  console.error(`load: ${AGENTS} agents need about ${needed} open files in this process and as many in the server, ` +
    `but \`ulimit -n\` allows ${lim.soft} (hard limit ${lim.hard}). Raise it (e.g. as root: ulimit -Hn ${needed}; ` +
    `ulimit -n ${needed}; or LimitNOFILE= for a service) ` +
    (lim.soft - extra > 0 ? `or run fewer agents (--agents ${lim.soft - extra}).` : 'or lower --rate and --agents.'));
  process.exit(2);
}

async function startServer() {
  const ownDir = !DATA_DIR;
  const dataDir = ownDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-load-')) : path.resolve(DATA_DIR);
  log(`data dir: ${dataDir} (${ownDir ? 'a fresh directory under the OS temp dir, removed afterwards; --data-dir to choose' : 'given with --data-dir, kept'})`);
  // Room for every agent plus the call generator's sockets and the cloud API calls.
  const maxConnections = AGENTS + Math.max(1000, Math.ceil(RATE / 10) + 500);
  const child = spawn(BIN, ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn',
    '--max-connections', String(maxConnections), '--api-rate-limit', '1000000', ...SERVER_ARGS],
  { stdio: ['ignore', 'pipe', 'inherit'] });
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
        if (line === 'READY') { clearTimeout(timer); resolve(out); }
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const url = new URL(info.API);
  return { child, dataDir, ownDir, host: url.hostname, port: Number(url.port), sdkAppId: Number(info.SdkAppId), secretId: info.SecretId, secretKey: info.SecretKey };
}

// --- cloud API (TC3-HMAC-SHA256, the same signature the official clients make) ---------------
function hmac(key, msg) { return crypto.createHmac('sha256', key).update(msg).digest(); }
function sha256hex(msg) { return crypto.createHash('sha256').update(msg).digest('hex'); }

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
    const req = http.request({ host: server.host, port: server.port, method: 'POST', path: '/', headers, agent: false }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        try {
          const r = JSON.parse(data).Response;
          if (r.Error) reject(new Error(`${action}: ${r.Error.Code} ${r.Error.Message}`));
          else resolve(r);
        } catch (e) { reject(e); }
      });
    });
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
const ringAt = new Map(); // sessionId -> ms when the agent got "ringing"

function connectAgent(server, userId, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${server.host}:${server.port}/ws/agent`, { perMessageDeflate: false });
    let id = 1;
    const send = (method, data) => ws.send(JSON.stringify({ v: 1, type: 'req', id: ++id, method, data }));
    ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'req', id: 1, method: 'auth.login', data: { sdkAppId: server.sdkAppId, userId, token } })));
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const now = performance.now();
      const f = JSON.parse(raw);
      if (f.type === 'ping') { ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t })); return; }
      if (f.type === 'res' && f.id === 1) {
        if (f.ok) resolve(ws); else reject(new Error(`login ${userId}: ${f.error.message}`));
        return;
      }
      if (f.type !== 'evt') return;
      if (f.event === 'session.state') {
        const s = f.data.session;
        if (s.state === 'ringing') { ringAt.set(s.sessionId, now); send('session.accept', { sessionId: s.sessionId }); }
        else if (s.state === 'talking') send('session.hangUp', { sessionId: s.sessionId });
        else if (s.state === 'ended') send('session.delete', { sessionId: s.sessionId });
      } else if (f.event === 'agent.status' && f.data.status === 'arrange') {
        send('agent.setStatus', { status: 'free' }); // skip the after-call work: back in the pool
      }
    });
  });
}

// --- calls -------------------------------------------------------------------------------------
function makeCaller(server, sockets) {
  // Several keep-alive connections used in turn keep each under the server's per-connection limit.
  const agents = Array.from({ length: sockets }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  let turn = 0;
  return (body) => new Promise((resolve) => {
    const req = http.request({ host: server.host, port: server.port, method: 'POST', path: '/sim/inbound', agent: agents[turn++ % agents.length],
      headers: { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => { try { resolve({ status: res.statusCode, body: JSON.parse(data) }); } catch { resolve({ status: res.statusCode, body: null }); } });
    });
    req.on('error', () => resolve({ status: 0, body: null }));
    req.end(JSON.stringify(body));
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  if (!(AGENTS >= 1 && RATE > 0 && SECONDS > 0)) throw new Error('--agents, --rate and --seconds must be positive numbers');
  ensureFileLimit(Math.ceil(RATE / 10) + 300); // the call generator's sockets, and headroom
  log(`tccc load: ${AGENTS} agents, ${RATE} calls/s for ${SECONDS} s`);
  const server = await startServer();
  const pid = server.child.pid;
  const rssStart = Number(rssMb(pid));
  log(`server pid ${pid} on ${server.host}:${server.port}, RSS at start ${rssStart} MB`);
  let serverExit = null;
  server.child.on('exit', (code, signal) => { serverExit = { code, signal }; });
  const sockets = [];
  try {
    const t0 = performance.now();
    const users = Array.from({ length: AGENTS }, (_, i) => `load${i}@bench.local`);
    const batches = [];
    for (let i = 0; i < users.length; i += 100) batches.push(users.slice(i, i + 100));
    await pool(batches, 4, (batch) => cloudCall(server, 'CreateStaff', {
      SdkAppId: server.sdkAppId,
      Staffs: batch.map((u, k) => ({ Name: `Load ${u}`, Mail: u, StaffNumber: String(100000 + k), SkillGroupNameList: [GROUP_NAME] })),
    }));
    log(`created ${AGENTS} staff in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const tokens = new Array(AGENTS);
    const t1 = performance.now();
    await pool(users, 32, async (u, i) => {
      tokens[i] = (await cloudCall(server, 'CreateSDKLoginToken', { SdkAppId: server.sdkAppId, SeatUserId: u })).Token;
    });
    log(`fetched ${AGENTS} login tokens in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

    const t2 = performance.now();
    let loggedIn = 0;
    await pool(users, 100, async (u, i) => {
      sockets.push(await connectAgent(server, u, tokens[i]));
      loggedIn++;
      if (loggedIn % 1000 === 0 || loggedIn === AGENTS) log(`  ${String(loggedIn).padStart(6)} agents logged in: server RSS ${rssMb(pid)} MB`);
    });
    log(`logged in ${AGENTS} agents in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    await sleep(500);
    const rssLoggedIn = Number(rssMb(pid));

    const post = makeCaller(server, Math.max(4, Math.ceil(RATE / 10)));
    const sentAt = new Map();
    let refused = 0;
    let placed = 0;
    const pending = [];
    const start = performance.now();
    const serverTicks0 = cpuTicks(pid);
    // The generator's own event-loop lag: if it is large, the figures measure the client, not the server.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const clientCpu0 = process.cpuUsage();
    const total = Math.round(RATE * SECONDS);
    // Open-loop arrivals: calls go out on schedule whether or not earlier ones were answered.
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const at = performance.now();
      pending.push(post({ caller: `139${String(n).padStart(8, '0')}`, serviceNumber: SERVICE_NUMBER }).then((r) => {
        if (r.status === 200 && r.body && r.body.sessionId) { sentAt.set(r.body.sessionId, at); placed++; } else refused++;
      }));
    }
    const sendSeconds = (performance.now() - start) / 1000;
    const serverCpu = ((cpuTicks(pid) - serverTicks0) / 100 / sendSeconds) * 100;
    const c = process.cpuUsage(clientCpu0);
    const clientCpu = ((c.user + c.system) / 1e6 / sendSeconds) * 100;
    await Promise.all(pending);
    loopDelay.disable();
    await sleep(2000);

    const lat = [];
    for (const [sid, at] of sentAt) {
      const r = ringAt.get(sid);
      if (r !== undefined) lat.push(r - at);
    }
    // Per-second view: shows whether latency grows steadily (saturation) or spikes (stalls).
    const buckets = [];
    for (const [sid, at] of sentAt) {
      const r = ringAt.get(sid);
      if (r === undefined) continue;
      const b = Math.floor((at - start) / 1000);
      (buckets[b] = buckets[b] || []).push(r - at);
    }
    const perSecond = buckets.map((b) => (b ? percentile(b.sort((x, y) => x - y), 99).toFixed(1) : '-'));
    lat.sort((a, b) => a - b);
    log('');
    log(`calls offered:  ${total} in ${sendSeconds.toFixed(2)} s (target ${RATE}/s)`);
    log(`calls placed:   ${placed}, refused/failed: ${refused}`);
    log(`calls routed:   ${lat.length} (${(lat.length / sendSeconds).toFixed(0)} calls/s)`);
    log(`routing latency (arrival -> ringing at agent): p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms, max ${lat.length ? lat[lat.length - 1].toFixed(2) : NaN} ms`);
    log(`p99 per second of the run (ms): ${perSecond.join(' ')}`);
    log(`load generator event-loop delay: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
    log(`CPU while placing calls: server ${serverCpu.toFixed(0)}%, this load generator ${clientCpu.toFixed(0)}% (of one core each)`);
    log(`server RSS after the run: ${rssMb(pid)} MB with ${sockets.length} agents`);
    const health = await new Promise((resolve) => {
      http.get({ host: server.host, port: server.port, path: '/healthz', agent: false }, (res) => {
        let d = '';
        res.on('data', (c) => { d += c; });
        res.on('end', () => { try { resolve(JSON.parse(d)); } catch { resolve({}); } });
      }).on('error', () => resolve({}));
    });
    log(`CDRs not yet committed after the run: ${health.unwrittenCdrs ?? '?'}`);
    const nowSec = Math.floor(Date.now() / 1000);
    const cdrs = await cloudCall(server, 'DescribeTelCdr', { SdkAppId: server.sdkAppId, StartTimeStamp: nowSec - 3600,
      EndTimeStamp: nowSec + 60, PageSize: 1, PageNumber: 0 }).catch((e) => ({ TotalCount: `? (${e.message})` }));
    log(`CDRs queryable with DescribeTelCdr: ${cdrs.TotalCount} (calls placed: ${placed})`);
    log('');
    log(`load: RSS per 1000 agents ${(((rssLoggedIn - rssStart) * 1000) / AGENTS).toFixed(2)} MB (${rssStart} MB at start, ${rssLoggedIn} MB with ${AGENTS} agents logged in)`);
    log(`load: routed calls/s ${(lat.length / sendSeconds).toFixed(0)} (${lat.length} of ${total} offered at ${RATE}/s)`);
    log(`load: routing latency p50 ${percentile(lat, 50).toFixed(2)} ms p99 ${percentile(lat, 99).toFixed(2)} ms`);
  } finally {
    for (const ws of sockets) ws.terminate();
    // SIGTERM: the server stops accepting, commits the CDRs still queued and exits 0.
    server.child.kill('SIGTERM');
    for (let i = 0; i < 200 && !serverExit; i++) await sleep(50);
    if (!serverExit) {
      log('server did not exit within 10 s of SIGTERM: killing it');
      server.child.kill('SIGKILL');
    } else {
      log(`server exit after SIGTERM: ${serverExit.signal ? `signal ${serverExit.signal}` : `code ${serverExit.code}`}`);
    }
    if (server.ownDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
