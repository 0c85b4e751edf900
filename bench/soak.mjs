#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Soak: many agents taking calls and chats for a long time (loopback only; prints figures, asserts
// nothing, stops by itself; not part of CI).
//
//   node bench/soak.mjs [--agents 200] [--minutes 30] [--call-rate 20] [--chat-rate 2]
//                       [--bin build/native/server/tccc-server] [--server-media true|false]
//                       [--server-args "--recordings false"]
//
// Copies the server binary into a fresh directory under the OS temp dir (so a rebuild of build/native
// meanwhile does not touch the running server) and starts the copy on a free 127.0.0.1 port with a data
// directory beside it (tests/js/helpers/server.js; both removed at the end), with the cloud API's
// rate limit raised. It creates N agents in the demo tenant's Sales (calls) and Online (chats) skill
// groups with the cloud API (CreateStaff, then CreateSDKLoginToken for each, through the official
// client) and logs them in over raw /ws/agent sockets. Then, for --minutes:
// - calls: simulated inbound calls (POST /sim/inbound to 4008002000, open loop: on schedule whether or
//   not earlier ones were answered) at --call-rate a second. The agent that rings accepts at once,
//   talks 1-3 s, hangs up, deletes the ended session and ends its after-call work (back to free);
// - chats: at --chat-rate a second a visitor opens a fresh /ws/customer socket and starts a chat
//   (chat.start); an agent accepts it; the visitor writes, the agent answers, twice (0.2-0.8 s of
//   "typing" before each message); the agent then ends the chat (session.hangUp) and deletes it, and
//   the visitor closes its socket when told the chat ended.
// Calls and chats go to the same agents: chats never make an agent busy, so an agent may hold a
// chat while on a call. The defaults keep about a fifth of the agents on a call at any moment (20
// calls/s talking 2 s on average: 40 of 200), and a handful of chats open.
//
// Printed once a minute, one `soak:` row per minute under a header:
//   RSS MB      the server's resident memory (VmRSS of /proc/PID/status) at the end of the minute;
//   fds         the server's open file descriptors (entries of /proc/PID/fd): one per socket, plus
//               its database, log and media ports;
//   CPU%        server CPU (utime + stime of all its threads, /proc/PID/stat) over the minute, in % of
//               one core; ms/call the same CPU divided by the calls placed in the minute (the chats'
//               cost is in it too); on loopback the server is also charged the TCP delivery of what
//               it sends (see bench/load.mjs);
//   calls       placed/ended in the minute (ended: the answering agent saw the session end);
//   chats       opened/ended in the minute (ended: both the agent and the visitor saw it end);
//   route ms    routing latency p50/p99 of the calls that rang in the minute: from the POST being sent
//               (call arrival) to the agent receiving session.state "ringing";
//   chat ms     chat.send round trip p50/p99 (request to answer; the message is on disk before its
//               answer), visitors' and agents' messages together;
//   err         errors so far: error answers to any request (signalling or HTTP), sockets closed
//               without the bench asking, requests unanswered for 10 s, cloud API errors. The first
//               of each kind is printed as it happens (`soak: error …`);
//   live        calls/chats started and not yet ended, by the bench's own books;
//   srv         the server's own view (one DescribeStaffStatusMetrics over the bench's agents and
//               GET /healthz): agents busy / in after-call work / offline, and open WebSockets (the
//               agents plus the visitors chatting); rec: call recordings being written (healthz);
//   bench%      this generator's own CPU over the minute (one core = 100%): near 100% means the
//               latencies measure the generator rather than the server.
// At the end, after waiting up to 30 s for what is still open to end: stuck sessions (calls and
// chats started that never ended, each shown with the server's DescribeTelSession view, at most 10),
// errors by kind, RSS and fds of the first minute against the last (drift in MB and %; RSS also over
// the second half of the run, after the warm-up: the server keeps ended sessions for 5 minutes
// (EngineOptions::endedRetentionMs), so it grows for about that long before it levels off), the server's
// idle state once everything ended (busy agents, WebSockets, active recordings, CDRs not yet
// written), CDRs of the run found with DescribeTelCdr / DescribeIMCdrs against what was placed, and
// the warnings the server logged. Exit code 0 unless the bench could not run.
//
// Every call is anchored through the server's media plane by default (--server-media true, the
// server's default): the server offers each agent a WebRTC leg that these agents never answer, and
// records the call unless --server-args "--recordings false".
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { cpuSeconds, makeSimCaller, openFds, rssMb } from './server-process.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const AGENTS = Number(arg('agents', 200));
const MINUTES = Number(arg('minutes', 30));
const CALL_RATE = Number(arg('call-rate', 20));
const CHAT_RATE = Number(arg('chat-rate', 2));
const BIN = path.resolve(ROOT, arg('bin', 'build/native/server/tccc-server'));
const SERVER_MEDIA = arg('server-media', 'true');
const SERVER_ARGS = (arg('server-args', '') || '').split(' ').filter(Boolean);
const SERVICE_NUMBER = '4008002000'; // demo tenant: no IVR; calls to Sales, chats to Online
const GROUPS = ['售前 Sales', '在线客服 Online'];
const REQUEST_TIMEOUT_MS = 10000;
const SETTLE_MS = 30000; // after the last call and chat started, wait this long at most for them to end
const MESSAGES_EACH_WAY = 2;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => console.log(`soak: ${line}`);
const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '?');
const rand = (lo, hi) => lo + Math.random() * (hi - lo);
const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

// --- errors ------------------------------------------------------------------------------------
const errorKinds = new Map(); // "who: what" -> count
let errors = 0;
function error(who, what) {
  errors++;
  // Ids make every message distinct: count them by kind.
  const key = `${who}: ${String(what)
    .replace(/s-[0-9a-f]{8,}/g, 's-…')
    .replace(/soak\d+@bench\.local/g, 'soak…@bench.local')}`.slice(0, 300);
  const n = (errorKinds.get(key) || 0) + 1;
  errorKinds.set(key, n);
  if (n === 1 && errorKinds.size <= 30) log(`error (first of its kind): ${key}`);
}

// --- one WebSocket: requests with a timeout, pings answered, unexpected closes counted ------------
function connect(url, who, onEvent) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let id = 0;
  let closing = false;
  let lastError = '';
  const waiting = new Map();
  const opened = new Promise((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  ws.on('message', (raw) => {
    let f;
    try {
      f = JSON.parse(String(raw));
    } catch {
      error(who, 'a frame that is not JSON');
      return;
    }
    if (f.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
    else if (f.type === 'res') {
      const w = waiting.get(f.id);
      if (!w) return;
      waiting.delete(f.id);
      clearTimeout(w.timer);
      if (!f.ok) error(`${who} ${w.method}`, `${f.error?.code} ${f.error?.message}`);
      w.resolve(f);
    } else if (f.type === 'evt') onEvent(f);
  });
  ws.on('error', (e) => {
    lastError = e.message;
  });
  ws.on('close', (code, reason) => {
    for (const w of waiting.values()) {
      clearTimeout(w.timer);
      w.resolve({ ok: false, error: { code: 'closed' } });
    }
    waiting.clear();
    if (!closing) error(`${who} socket`, `closed by the server or the network: ${code} ${reason} ${lastError}`);
  });
  const call = (method, data = {}) =>
    new Promise((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) {
        if (!closing) error(`${who} ${method}`, 'socket not open');
        resolve({ ok: false, error: { code: 'closed' } });
        return;
      }
      const n = ++id;
      const timer = setTimeout(() => {
        waiting.delete(n);
        error(`${who} ${method}`, `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
        resolve({ ok: false, error: { code: 'timeout' } });
      }, REQUEST_TIMEOUT_MS);
      waiting.set(n, { resolve, timer, method });
      ws.send(JSON.stringify({ v: 1, type: 'req', id: n, method, data }));
    });
  return {
    opened,
    call,
    close() {
      closing = true;
      ws.close();
    },
  };
}

// --- HTTP: the simulated carrier and /healthz ---------------------------------------------------
// Several keep-alive connections used in turn keep each under the server's per-connection limit.

function getJson(port, p) {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: p, agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        let d = '';
        res.on('data', (c) => {
          d += c;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(d));
          } catch {
            resolve(null);
          }
        });
      })
      .on('timeout', function onTimeout() {
        this.destroy(new Error('timeout'));
      })
      .on('error', () => resolve(null));
  });
}

// The official client keeps its connection alive, and the server limits the requests of one
// connection (--connection-rate-limit, 20/s): setting up hundreds of agents meets that limit, so wait
// and retry.
async function retrying(fn) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (e.code !== 'RequestLimitExceeded' || attempt > 200) throw e;
      await sleep(100 + Math.random() * 200);
    }
  }
}

// --- the books ------------------------------------------------------------------------------------
const newWindow = () => ({ callsPlaced: 0, callsEnded: 0, chatsOpened: 0, chatsEnded: 0, route: [], chatRtt: [] });
let win = newWindow();
const total = { callsPlaced: 0, callsEnded: 0, chatsOpened: 0, chatsEnded: 0, route: [], chatRtt: [] };
const calls = new Map(); // sessionId -> {sentAt, ringAt, routed} while live
const chats = new Map(); // sessionId -> {openedAt, agentEnded, visitorEnded} while live

const callRecord = (sid) => calls.get(sid) || calls.set(sid, {}).get(sid);
const chatRecord = (sid) => chats.get(sid) || chats.set(sid, {}).get(sid);

function callRouted(c) {
  if (c.routed || c.sentAt === undefined || c.ringAt === undefined) return;
  c.routed = true;
  win.route.push(c.ringAt - c.sentAt);
  total.route.push(c.ringAt - c.sentAt);
}
function callEnded(sid) {
  const c = calls.get(sid);
  if (!c || c.ended) return;
  c.ended = true;
  if (c.sentAt === undefined) return; // the POST's answer is still on its way: counted there
  calls.delete(sid);
  win.callsEnded++;
  total.callsEnded++;
}
function chatMaybeEnded(sid) {
  const c = chats.get(sid);
  if (!c || !c.agentEnded || !c.visitorEnded || c.openedAt === undefined) return;
  chats.delete(sid);
  win.chatsEnded++;
  total.chatsEnded++;
}
function chatRtt(ms) {
  win.chatRtt.push(ms);
  total.chatRtt.push(ms);
}

// --- agents ---------------------------------------------------------------------------------------
async function loginAgent(server, userId, token) {
  const seen = new Set(); // sessions whose state this agent already acted on, "sid/state"
  const replies = new Map(); // chat sessionId -> replies sent
  let conn = null;
  const onEvent = (f) => {
    const now = performance.now();
    if (f.event === 'session.state') {
      const s = f.data.session;
      const key = `${s.sessionId}/${s.state}`;
      if (seen.has(key)) return; // e.g. a chat's wire form sent again with a newer lastMessageSeq
      seen.add(key);
      if (s.state === 'ringing') {
        if (s.type !== 'im') {
          const c = callRecord(s.sessionId);
          c.ringAt = now;
          callRouted(c);
        }
        conn.call('session.accept', { sessionId: s.sessionId });
      } else if (s.state === 'talking' && s.type !== 'im') {
        setTimeout(() => conn.call('session.hangUp', { sessionId: s.sessionId }), rand(1000, 3000));
      } else if (s.state === 'ended') {
        for (const st of ['ringing', 'talking', 'held', 'dialing']) seen.delete(`${s.sessionId}/${st}`);
        seen.delete(key);
        // A ring timeout or a transfer ends this agent's copy only: the session goes on elsewhere.
        if (s.endReason !== 'ringTimeout' && s.endReason !== 'transfer') {
          if (s.type === 'im') {
            replies.delete(s.sessionId);
            chatRecord(s.sessionId).agentEnded = true;
            chatMaybeEnded(s.sessionId);
          } else callEnded(s.sessionId);
        }
        conn.call('session.delete', { sessionId: s.sessionId });
      }
    } else if (f.event === 'chat.message' && f.data.message?.from === 'visitor') {
      const sid = f.data.sessionId;
      setTimeout(
        async () => {
          const t0 = performance.now();
          const r = await conn.call('chat.send', {
            sessionId: sid,
            text: `Agent reply ${(replies.get(sid) || 0) + 1} to "${f.data.message.text}"`,
            clientMsgId: crypto.randomUUID(),
          });
          if (!r.ok) return;
          chatRtt(performance.now() - t0);
          const n = (replies.get(sid) || 0) + 1;
          replies.set(sid, n);
          if (n >= MESSAGES_EACH_WAY) conn.call('session.hangUp', { sessionId: sid });
        },
        rand(200, 800),
      );
    } else if (f.event === 'agent.status' && f.data.status === 'arrange') {
      conn.call('agent.setStatus', { status: 'free' }); // after-call work done: back in the pool
    }
  };
  conn = connect(`ws://127.0.0.1:${server.port}/ws/agent`, `agent`, onEvent);
  if (!(await conn.opened)) throw new Error(`agent ${userId}: the socket did not open`);
  const r = await conn.call('auth.login', { sdkAppId: server.sdkAppId, userId, token });
  if (!r.ok) throw new Error(`login ${userId}: ${JSON.stringify(r.error)}`);
  return conn;
}

// --- visitors -------------------------------------------------------------------------------------
function startChat(server, n) {
  let sid = null;
  let sent = 0;
  let received = 0;
  let conn = null;
  const send = () =>
    setTimeout(
      async () => {
        sent++;
        const t0 = performance.now();
        const r = await conn.call('chat.send', {
          text: `Visitor ${n}, message ${sent}: where is my order?`,
          clientMsgId: crypto.randomUUID(),
        });
        if (r.ok) chatRtt(performance.now() - t0);
      },
      rand(200, 800),
    );
  const onEvent = (f) => {
    if (!sid) return;
    if (f.event === 'customer.state') {
      if (f.data.state === 'connected' && sent === 0) send();
      else if (f.data.state === 'ended') {
        chatRecord(sid).visitorEnded = true;
        chatMaybeEnded(sid);
        conn.close();
      }
    } else if (f.event === 'chat.message' && f.data.message?.from === 'agent') {
      received++;
      if (received < MESSAGES_EACH_WAY && sent < MESSAGES_EACH_WAY) send();
    }
  };
  conn = connect(`ws://127.0.0.1:${server.port}/ws/customer`, 'visitor', onEvent);
  conn.opened.then(async (ok) => {
    if (!ok) return; // counted as an unexpected close
    const r = await conn.call('chat.start', { serviceNumber: SERVICE_NUMBER, nickname: `Soak visitor ${n}` });
    if (!r.ok) {
      conn.close();
      return;
    }
    // The answer comes before any event the request caused, so nothing was missed.
    sid = r.data.sessionId;
    chatRecord(sid).openedAt = performance.now();
    win.chatsOpened++;
    total.chatsOpened++;
    chatMaybeEnded(sid);
  });
}

// --- the run --------------------------------------------------------------------------------------
async function serverView(server, ccc, users) {
  const view = { busy: NaN, acw: NaN, offline: NaN, ws: NaN, recordings: NaN, unwrittenCdrs: NaN };
  const [health, metrics] = await Promise.all([
    getJson(server.port, '/healthz'),
    ccc.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: users }).catch((e) => {
      error('cloud DescribeStaffStatusMetrics', e.message);
      return null;
    }),
  ]);
  if (health) {
    view.ws = health.webSockets;
    view.recordings = health.recordings?.active;
    view.unwrittenCdrs = health.unwrittenCdrs;
  } else error('GET /healthz', 'no answer');
  if (metrics) {
    const rows = metrics.Metrics || [];
    view.busy = rows.filter((r) => r.Status === 'busy').length;
    view.acw = rows.filter((r) => r.Status === 'afterCallWork').length;
    view.offline = rows.filter((r) => r.Status === 'offline').length;
  }
  return view;
}

const COLUMNS =
  'min   RSS MB   fds  CPU%  ms/call  calls plc/end  chats opn/end  route ms p50/p99  chat ms p50/p99   err  live c/ch  srv busy/acw/off  ws  rec  bench%';

function row(label, s) {
  const r = [...s.route].sort((a, b) => a - b);
  const c = [...s.chatRtt].sort((a, b) => a - b);
  return [
    String(label).padEnd(4),
    fmt(s.rss).padStart(7),
    String(s.fds).padStart(5),
    fmt(s.cpuPct, 0).padStart(5),
    fmt(s.msPerCall, 3).padStart(8),
    `${s.callsPlaced}/${s.callsEnded}`.padStart(14),
    `${s.chatsOpened}/${s.chatsEnded}`.padStart(14),
    `${fmt(percentile(r, 50), 2)}/${fmt(percentile(r, 99), 2)}`.padStart(17),
    `${fmt(percentile(c, 50), 2)}/${fmt(percentile(c, 99), 2)}`.padStart(16),
    String(s.errors).padStart(5),
    `${s.liveCalls}/${s.liveChats}`.padStart(10),
    `${s.view.busy}/${s.view.acw}/${s.view.offline}`.padStart(17),
    String(s.view.ws).padStart(4),
    String(s.view.recordings).padStart(4),
    fmt(s.benchPct, 0).padStart(7),
  ].join(' ');
}

async function main() {
  if (!(AGENTS >= 1 && MINUTES > 0 && CALL_RATE >= 0 && CHAT_RATE >= 0))
    throw new Error('--agents and --minutes must be positive, --call-rate and --chat-rate not negative');
  if (!fs.existsSync(BIN)) throw new Error(`no server binary at ${BIN}`);

  // A copy of the binary, so that a rebuild of build/native meanwhile leaves the running server alone.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tccc-soak-'));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  const bin = path.join(tmp, 'tccc-server');
  fs.copyFileSync(BIN, bin);
  fs.chmodSync(bin, 0o755);
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  if (help.status !== 0) throw new Error(`the copy of ${BIN} does not run (a rebuild under way?): ${help.stderr}`);
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir);

  process.env.TCCC_SERVER_BIN = bin; // read by the helper when it is loaded
  const { startServer, cloudClient } = require(path.join(ROOT, 'tests/js/helpers/server.js'));
  const server = await startServer({
    dataDir,
    args: [
      '--host',
      '127.0.0.1',
      '--api-rate-limit',
      '1000000',
      '--max-connections',
      String(AGENTS + 2000),
      '--max-connections-per-address',
      String(AGENTS + 2000),
      '--server-media',
      SERVER_MEDIA,
      ...SERVER_ARGS,
    ],
  });
  const pid = server.process.pid;
  process.on('exit', () => server.process.kill('SIGKILL'));
  const ccc = cloudClient(server);
  log(
    `${AGENTS} agents, ${MINUTES} min, ${CALL_RATE} calls/s (talk 1-3 s), ${CHAT_RATE} chats/s ` +
      `(${MESSAGES_EACH_WAY} messages each way); server media ${SERVER_MEDIA}${SERVER_ARGS.length ? `, ${SERVER_ARGS.join(' ')}` : ''}`,
  );
  log(`server: a copy of ${BIN}, pid ${pid}, 127.0.0.1:${server.port}, data and binary in ${tmp} (removed at the end)`);

  const users = Array.from({ length: AGENTS }, (_, i) => `soak${i}@bench.local`);
  const agents = [];
  let post = null;
  try {
    const t0 = performance.now();
    for (let i = 0; i < users.length; i += 100)
      await retrying(() =>
        ccc.CreateStaff({
          SdkAppId: server.sdkAppId,
          Staffs: users.slice(i, i + 100).map((u, k) => ({
            Name: `Soak ${i + k}`,
            Mail: u,
            StaffNumber: String(200000 + i + k),
            SkillGroupNameList: GROUPS,
          })),
        }),
      );
    const tokens = [];
    for (const u of users)
      tokens.push((await retrying(() => ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: u }))).Token);
    for (let i = 0; i < users.length; i += 50)
      agents.push(...(await Promise.all(users.slice(i, i + 50).map((u, k) => loginAgent(server, u, tokens[i + k])))));
    log(
      `created and logged in ${AGENTS} agents in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
        `server RSS ${fmt(rssMb(pid))} MB, ${openFds(pid)} fds`,
    );
    await sleep(1000);

    // Open-loop generators: calls and chats start on schedule whatever happened to the earlier ones.
    post = makeSimCaller({
      port: server.port,
      sockets: Math.max(4, Math.ceil(CALL_RATE / 5)),
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const runMs = MINUTES * 60000;
    const start = performance.now();
    let callsDue = 0;
    let chatsDue = 0;
    const placeCall = (n) => {
      const at = performance.now();
      win.callsPlaced++;
      total.callsPlaced++;
      post({ caller: `139${String(n).padStart(8, '0')}`, serviceNumber: SERVICE_NUMBER }).then((r) => {
        let sid = null;
        try {
          sid = r.status === 200 ? JSON.parse(r.text).sessionId : null;
        } catch {}
        if (!sid) {
          error('POST /sim/inbound', `${r.status} ${r.text}`);
          win.callsPlaced--; // not placed after all: counted as an error
          total.callsPlaced--;
          return;
        }
        const c = callRecord(sid);
        c.sentAt = at;
        callRouted(c);
        if (c.ended) {
          c.ended = false;
          callEnded(sid);
        }
      });
    };
    // The n-th starts n / rate seconds after the start (the first at once), the last within the run.
    const callsTotal = Math.round((CALL_RATE * runMs) / 1000);
    const chatsTotal = Math.round((CHAT_RATE * runMs) / 1000);
    const generator = setInterval(() => {
      const elapsed = performance.now() - start;
      while (callsDue < callsTotal && (callsDue * 1000) / CALL_RATE <= elapsed) placeCall(callsDue++);
      while (chatsDue < chatsTotal && (chatsDue * 1000) / CHAT_RATE <= elapsed) startChat(server, ++chatsDue);
    }, 10);

    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    console.log(`soak: ${COLUMNS}`);
    const samples = [];
    let cpuPrev = cpuSeconds(pid);
    let benchPrev = process.cpuUsage();
    let tPrev = start;
    for (let m = 1; tPrev - start < runMs - 1; m++) {
      const until = Math.min(start + m * 60000, start + runMs);
      await sleep(until - performance.now());
      const now = performance.now();
      const cpu = cpuSeconds(pid);
      const bench = process.cpuUsage(benchPrev);
      const w = win;
      win = newWindow();
      const s = {
        ...w,
        rss: rssMb(pid),
        fds: openFds(pid),
        cpuPct: ((cpu - cpuPrev) / ((now - tPrev) / 1000)) * 100,
        msPerCall: w.callsPlaced ? ((cpu - cpuPrev) * 1000) / w.callsPlaced : NaN,
        benchPct: ((bench.user + bench.system) / 1000 / (now - tPrev)) * 100,
        errors,
        liveCalls: calls.size,
        liveChats: chats.size,
      };
      cpuPrev = cpu;
      benchPrev = process.cpuUsage();
      tPrev = now;
      s.view = await serverView(server, ccc, users);
      samples.push(s);
      console.log(`soak: ${row(m, s)}`);
    }
    clearInterval(generator);
    loopDelay.disable();
    const runEnd = performance.now();

    // Let what is still open end, then look for what never did.
    while (performance.now() - runEnd < SETTLE_MS && (calls.size || chats.size)) await sleep(100);
    const settled = ((performance.now() - runEnd) / 1000).toFixed(1);
    await sleep(1000); // the server's own bookkeeping after the last event (ACW, CDR queue)
    const stuckCalls = [...calls].filter(([, c]) => c.sentAt !== undefined);
    const stuckChats = [...chats].filter(([, c]) => c.openedAt !== undefined);
    const idle = await serverView(server, ccc, users);

    log('');
    log(`summary after ${MINUTES} min (${((runEnd - start) / 60000).toFixed(2)} min of traffic):`);
    const route = total.route.sort((a, b) => a - b);
    const rtt = total.chatRtt.sort((a, b) => a - b);
    log(
      `calls placed ${total.callsPlaced}, ended ${total.callsEnded}; chats opened ${total.chatsOpened}, ended ${total.chatsEnded}` +
        ` (${chatsDue} visitors came)`,
    );
    log(
      `routing latency over the run: p50 ${fmt(percentile(route, 50), 2)} ms, p99 ${fmt(percentile(route, 99), 2)} ms, ` +
        `max ${fmt(route[route.length - 1], 1)} ms; chat.send round trip p50 ${fmt(percentile(rtt, 50), 2)} ms, ` +
        `p99 ${fmt(percentile(rtt, 99), 2)} ms, max ${fmt(rtt[rtt.length - 1], 1)} ms (${rtt.length} messages)`,
    );
    log(
      `stuck sessions (not ended ${settled} s after the last started, waited up to ${SETTLE_MS / 1000} s): ` +
        `${stuckCalls.length} calls, ${stuckChats.length} chats`,
    );
    for (const [sid, c] of [...stuckCalls, ...stuckChats].slice(0, 10)) {
      const d = await ccc.DescribeTelSession({ SdkAppId: server.sdkAppId, SessionId: sid }).catch((e) => ({
        Session: { SessionStatus: `? (${e.message})` },
      }));
      const kind = c.openedAt !== undefined ? 'chat' : 'call';
      const what =
        kind === 'call'
          ? `rang at an agent: ${c.ringAt !== undefined}`
          : `agent saw it end: ${!!c.agentEnded}, visitor saw it end: ${!!c.visitorEnded}`;
      log(
        `  stuck ${kind} ${sid}: ${what}; server: ${d.Session?.SessionStatus} ` +
          `${d.Session?.StaffEmail ? `(agent ${d.Session.StaffEmail})` : ''}`,
      );
    }
    log(`errors: ${errors}`);
    for (const [k, n] of [...errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 20)) log(`  ${n} x ${k}`);
    const first = samples[0];
    const last = samples[samples.length - 1];
    log(
      `server RSS: minute 1 ${fmt(first.rss)} MB, minute ${samples.length} ${fmt(last.rss)} MB: drift ` +
        `${fmt(last.rss - first.rss)} MB (${fmt(((last.rss - first.rss) / first.rss) * 100)}%); ` +
        `max ${fmt(Math.max(...samples.map((s) => s.rss)))} MB; ${fmt(rssMb(pid))} MB once idle`,
    );
    if (samples.length >= 4) {
      // Warm-up (ended sessions kept 5 min, caches filling) is over by then: what grows here leaks.
      const h = Math.floor(samples.length / 2) - 1;
      const mid = samples[h];
      log(
        `server RSS over the second half: minute ${h + 1} ${fmt(mid.rss)} MB, minute ${samples.length} ${fmt(last.rss)} MB: ` +
          `drift ${fmt(last.rss - mid.rss)} MB (${fmt(((last.rss - mid.rss) / mid.rss) * 100)}%)`,
      );
    }
    log(
      `server fds: minute 1 ${first.fds}, minute ${samples.length} ${last.fds} (${last.fds - first.fds >= 0 ? '+' : ''}${last.fds - first.fds}); ` +
        `${openFds(pid)} once idle`,
    );
    const cpuAll = samples.reduce((a, s) => a + s.cpuPct, 0) / samples.length;
    log(
      `server CPU over the run: ${fmt(cpuAll)}% of a core on average; ` +
        `this generator's event-loop delay p99 ${fmt(loopDelay.percentile(99) / 1e6)} ms, max ${fmt(loopDelay.max / 1e6)} ms`,
    );
    log(
      `server once idle: agents busy ${idle.busy}, in after-call work ${idle.acw}, offline ${idle.offline}; ` +
        `WebSockets ${idle.ws} (the ${agents.length} agents); recordings active ${idle.recordings}; CDRs not yet written ${idle.unwrittenCdrs}`,
    );
    const wallNow = Math.floor(Date.now() / 1000);
    const from = wallNow - Math.ceil((performance.now() - start) / 1000) - 5;
    const [tel, im] = await Promise.all([
      ccc
        .DescribeTelCdr({
          SdkAppId: server.sdkAppId,
          StartTimeStamp: from,
          EndTimeStamp: wallNow + 60,
          PageSize: 1,
          PageNumber: 0,
        })
        .then((r) => r.TotalCount)
        .catch((e) => `? (${e.message})`),
      ccc
        .DescribeIMCdrs({ SdkAppId: server.sdkAppId, StartTimestamp: from, EndTimestamp: wallNow + 60, Limit: 1 })
        .then((r) => r.TotalCount)
        .catch((e) => `? (${e.message})`),
    ]);
    log(
      `CDRs of the run: DescribeTelCdr ${tel} (calls placed ${total.callsPlaced}), DescribeIMCdrs ${im} (chats opened ${total.chatsOpened})`,
    );
    const warnings = server
      .output()
      .stderr.split('\n')
      .filter((l) => l.trim());
    log(`server log lines (warn and above): ${warnings.length}`);
    const kinds = new Map();
    for (const l of warnings) {
      const k = l
        .replace(/^\[[^\]]*\]\s*/, '')
        .replace(/s-[0-9a-f]{8,}/g, 's-…')
        .replace(/\d+/g, 'N')
        .slice(0, 200);
      kinds.set(k, (kinds.get(k) || 0) + 1);
    }
    for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 10)) log(`  ${n} x ${k}`);
  } finally {
    if (post) post.close();
    for (const a of agents) a.close();
    const code = await server.stop();
    log(`server exit after SIGTERM: ${code}`);
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
