// SPDX-License-Identifier: Apache-2.0
// The SDK/server contract (issue 12, item 2): every public API of src/protocol/vocabulary.json
// (`apis`: Call.*, Chat.*, Video.*, Agent.*) is driven through the real wasm build (dist/index.cjs's
// init(), dist/tccc-core.wasm) against the real tccc-server, with boundary values for every option
// field derived from vocabulary.json (contract-cases.js). For every case:
//
//  (a) what the SDK accepts (no ERR_INVALID_ARGUMENT or other shape error: see SHAPE_CODES in
//      contract-cases.js) reaches the server and the server does not refuse it for its shape. When the
//      SDK sends the request, the server's answer to that very frame is checked; when the SDK stops it
//      locally for state (a made-up sessionId is ERR_SESSION_NOT_FOUND in the SDK already, a dial
//      while on a call ERR_NETWORK_CANNOT_RESET) or answers it itself (Call.isMicMuted), the data the
//      SDK would have sent is sent on a raw socket of a second agent, and the server must not refuse
//      it for its shape either.
//  (b) what the SDK refuses for its shape it refuses at once (the promise is settled before the next
//      macrotask), without a request frame (the `ws` constructor given to init() is wrapped to see
//      every frame), with an errorMsg "<API>: …" that names the field; and the server, given the same
//      data on the raw socket, refuses it with the same code and the same message after its
//      "<method>: " prefix.
//
// Normalisations the comparison relies on (documented in docs/protocol.md, "Fields and limits", and
// checked here against every frame the SDK really sends: see contract-cases.js normalise()):
//  - ids (sessionId, userId, calleeUserId, clientMsgId) given as integers are sent as strings of their
//    digits; phone numbers too, and lose their separators; skillGroupId is sent as a string without
//    leading zeros; DTMF a-d are upper-cased; null and unknown options are dropped;
//  - Call.sendDigits's option `dtmfText` is the wire's `digits`: the SDK's message names dtmfText, the
//    server's digits, and the two are compared with that one name mapped;
//  - the API's fixed field (Call.muteMic: kind "audio", …) is set and the core's own clientRequestId
//    is added to non-idempotent requests, whatever the caller passed under those names;
//  - Agent.setStatus drops restReason unless the status is rest; Agent.online/offline ignore their
//    arguments (the TCCC docs declare them without options);
//  - Call.isMicMuted, answered by the core, is compared with session.accept, the agent method that
//    takes exactly its fields.
// The server's answers to identical (method, data) probes are reused within the run (made-up session
// ids stay unknown, so the answer only depends on the data). The SDK's own requests are paced under
// the server's per-connection limit (20/s); the raw socket moves to a fresh connection every few dozen
// requests (see rawAgent).
//
// Two agents for the whole file: the SDK's (agent1) and the raw socket's (the seeded agent in no chat
// group, kept resting, so nothing is ever offered to it). The APIs run in phases that give the
// session-bound ones a real session of their family, so that their accepted cases reach the server
// from the SDK: a real outbound call to the simulator's answering number (Call.*), an inbound call
// ringing (Call.accept), a chat and a video call that ring and are accepted by the last case of
// Chat.accept / Video.accept. The last case of each session API acts on its live session. Cases whose
// data would really act otherwise are blocked by a state check that comes after the shape check on
// the server (an outbound call with a skill group the agent is not in: ERR_NOT_FOUND; a transfer to
// an existing skill group is given a made-up session instead).
//
// The verdicts are also compared with what vocabulary.json's descriptions imply (the last test);
// disagreements of that kind are listed apart from SDK/server disagreements. The summary printed at
// the end groups the disagreements by root cause; TCCC_CONTRACT_VERBOSE=1 lists every one, and
// TCCC_CONTRACT_REPORT=<file> writes every case's outcome as JSON.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');
const { startServer, cloudClient, waitFor, simInbound, REPO } = require('../helpers/server');
const C = require('./contract-cases');

const DIST = path.join(REPO, 'dist');
const sdkPackage = require(path.join(DIST, 'index.cjs'));
const WASM = fs.readFileSync(path.join(DIST, 'tccc-core.wasm'));

const TUNING = { requestTimeoutMs: 6000, loginTimeoutMs: 6000, reconnectBaseMs: 100, reconnectMaxMs: 400 };
// server/sim/README.md: answers after 1 s and stays on the line until the agent hangs up.
const ANSWERING_NUMBER = '10000000001';
const ANSWERING_NUMBER_FORMATTED = '(100) 0000-0001';
// Seeded by the server (server/store/DemoSeeder.cpp): no IVR, default skill group 1 (agent1's).
const SERVICE_NUMBER = '4008002000';
const NOBODY = 'nobody@contract.test';
const MADE_UP_SESSION = 's-ffffffffffffffffffffffff';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const short = (s, n = 200) => (typeof s === 'string' && s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);
const show = (v) => {
  if (v === C.ABSENT) return '(absent)';
  const text = JSON.stringify(v, (k, x) =>
    typeof x === 'string' && x.length > 40 ? `${x.slice(0, 12)}…(${[...x].length} chars)` : x,
  );
  return text === undefined ? String(v) : text;
};

/** A token bucket like the server's per-connection one (20/s, burst 40), a little slower; FIFO. */
class Pacer {
  constructor(perSec, burst) {
    this.perSec = perSec;
    this.burst = burst;
    this.tokens = burst;
    this.at = Date.now();
    this.chain = Promise.resolve();
  }
  _refill() {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSec) / 1000);
    if (this.tokens > this.burst) this.tokens = this.burst;
    this.at = now;
  }
  take(n = 1) {
    const next = this.chain.then(async () => {
      for (;;) {
        this._refill();
        if (this.tokens >= n) {
          this.tokens -= n;
          return;
        }
        await sleep(Math.ceil(((n - this.tokens) * 1000) / this.perSec));
      }
    });
    this.chain = next;
    return next;
  }
  spend(n) {
    this._refill();
    this.tokens -= n;
  }
}

/** The `ws` constructor handed to init(), wrapped to see every frame the SDK sends and receives. */
function recordingWebSocket(wire) {
  return class RecordingWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      wire.sockets.push(this);
      const answers = new Map();
      wire.answers.set(this, answers);
      this.on('message', (data, isBinary) => {
        if (isBinary) return;
        let m;
        try {
          m = JSON.parse(String(data));
        } catch {
          return;
        }
        if (m && m.type === 'res') answers.set(m.id, m);
      });
    }
    send(data, ...rest) {
      let frame = null;
      try {
        frame = JSON.parse(String(data));
      } catch {
        /* binary or not JSON: never a request */
      }
      wire.sent.push({ socket: this, frame });
      return super.send(data, ...rest);
    }
  };
}

/**
 * A raw agent socket (the second agent): sends wire requests exactly as given, one at a time, and
 * answers pings. The server allows 20 requests/s per connection (burst 40, ContactCenter.hpp); so
 * that hundreds of probes do not take half a minute, the agent moves to a fresh socket (a resume
 * login with its resumeToken, as the SDK's own reconnects do) every PER_SOCKET requests instead of
 * waiting for the bucket to refill.
 */
async function rawAgent(server, ccc, userId) {
  const PER_SOCKET = 36;
  const url = `${server.baseUrl.replace(/^http/, 'ws')}/ws/agent`;
  const { Token } = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
  let ws = null;
  let budget = 0;
  let resumeToken = null;
  let lastSeq = 0;
  let nextId = 0;
  let sent = 0;
  let logins = 0;
  const waiting = new Map();
  const open = () =>
    new Promise((resolve, reject) => {
      const s = new WebSocket(url);
      s.on('error', () => {});
      s.once('open', () => resolve(s));
      s.once('close', () => reject(new Error('raw socket closed before it opened')));
      s.on('message', (raw) => {
        const m = JSON.parse(String(raw));
        if (m.type === 'ping') s.send(JSON.stringify({ v: 1, type: 'pong', t: m.t }));
        else if (m.type === 'evt') lastSeq = Math.max(lastSeq, m.seq);
        else if (m.type === 'res' && waiting.has(m.id)) {
          waiting.get(m.id)(m);
          waiting.delete(m.id);
        }
      });
    });
  const send = (s, method, data) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} within 8 s`)), 8000);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      s.send(JSON.stringify({ v: 1, type: 'req', id, method, data }));
    });
  async function login() {
    const old = ws;
    ws = await open();
    const data = resumeToken
      ? { sdkAppId: server.sdkAppId, userId, resumeToken, lastSeq }
      : { sdkAppId: server.sdkAppId, userId, token: Token };
    const res = await send(ws, 'auth.login', data);
    if (!res.ok) throw new Error(`raw login of ${userId} failed: ${JSON.stringify(res.error)}`);
    logins++;
    resumeToken = res.data.resumeToken;
    lastSeq = Math.max(lastSeq, res.data.seq || 0);
    budget = PER_SOCKET - 1;
    // A login brings an offline agent back as free: keep the probe resting, so that nothing is
    // ever offered to it (and a case never reaches it as a willing transfer or internal-call target).
    if (res.data.agent && res.data.agent.status === 'free') {
      budget--;
      const rest = await send(ws, 'agent.setStatus', { status: 'rest', restReason: 'contract probe' });
      if (!rest.ok) throw new Error(`raw agent ${userId} could not rest: ${JSON.stringify(rest.error)}`);
    }
    if (old) {
      old.removeAllListeners('message');
      old.close();
    }
  }
  let chain = Promise.resolve();
  function request(method, data) {
    const p = chain.then(async () => {
      for (let attempt = 0; ; attempt++) {
        if (budget <= 0) await login();
        budget--;
        sent++;
        const res = await send(ws, method, data);
        if (!res.ok && res.error.code === C.CODES.ERR_RATE_LIMITED && attempt < 5) {
          budget = 0;
          continue;
        }
        return res;
      }
    });
    chain = p.catch(() => {});
    return p;
  }
  const cache = new Map();
  /** The server's answer to (method, data); identical probes (clientRequestId aside) share one. */
  function probe(method, data) {
    const key = JSON.stringify([
      method,
      data && typeof data === 'object' && !Array.isArray(data) ? { ...data, [C.CLIENT_REQUEST_ID]: undefined } : data,
    ]);
    if (!cache.has(key)) cache.set(key, request(method, data));
    return cache.get(key);
  }
  await chain.then(login);
  return {
    request,
    probe,
    stats: () => ({ requests: sent, distinctProbes: cache.size, sockets: logins }),
    close: () => ws && ws.close(),
  };
}

/** A customer socket (/ws/customer): the visitor of the chat, the caller of the video call. */
async function customer(server) {
  const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/ws/customer`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let nextId = 0;
  const waiting = new Map();
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: m.t }));
    else if (m.type === 'res' && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    }
  });
  const call = (method, data = {}) =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ v: 1, type: 'req', id, method, data }));
    });
  return { call, close: () => ws.close() };
}

const API_SPECS = C.apiSpecs();
const API = new Map(API_SPECS.map((a) => [a.name, a]));

// --- the plan: in which state each API is driven, and its valid base options -----------------------

const fx = {
  self: null, // the SDK's agent
  probeUser: null, // the raw socket's agent
  groupIds: new Set(), // the tenant's skill groups
  telGroup: null, // a phone skill group (not a chat one)
  noGroup: null, // a skill group id that does not exist
  notOurNumber: null, // a well-formed caller number that is not the application's
  // The live session of each phase: Call (an outbound call, talking), Inbound (an inbound call,
  // ringing), Chat and Video (ringing, then accepted by the first case of Chat/Video.accept).
  sessions: { Call: null, Inbound: null, Chat: null, Video: null },
};

/** A decimal option's value as the wire would carry it, or null if it is none (contract-cases.js). */
function groupOf(v) {
  if ((typeof v === 'number' && Number.isSafeInteger(v) && v > 0) || (typeof v === 'string' && /^\d{1,16}$/.test(v)))
    return C.normaliseValue({ type: 'decimal' }, v);
  return null;
}

/** For transfers: a real session only when the target cannot take it (else a made-up session). */
function transferSafely(options) {
  if (options && typeof options === 'object' && fx.groupIds.has(groupOf(options.skillGroupId))) {
    return { ...options, sessionId: MADE_UP_SESSION };
  }
  return options;
}

const realSession = (key) => () => fx.sessions[key] || MADE_UP_SESSION;

/** After a case of an accept API: once the SDK accepted a session, wait until it is talking. */
const untilAccessed = async (c, r) => {
  const sessionId = r.args[0] && r.args[0].sessionId;
  if (r.verdict === 'accepted' && !r.local && r.settled.ok && Object.values(fx.sessions).includes(sessionId)) {
    await waitEvent('userAccessed', (d) => d.sessionId === sessionId);
  }
};

/**
 * Per API: base(field) = valid options for the cases of `field` (that field's value then replaced);
 * adjust = last word on a case's options; real = the family whose live session the API acts on;
 * extras(api) = cases beyond the field boundaries; after(result) = bookkeeping once a case ran.
 */
const PLAN = {
  'Agent.setStatus': {
    base: () => ({ status: 'rest' }),
    extras: () => [
      {
        label: 'restReason with status free (dropped)',
        options: () => ({ status: 'free', restReason: 'lunch' }),
        ok: true,
      },
      {
        label: "restReason '' with status rest (dropped)",
        options: () => ({ status: 'rest', restReason: '' }),
        ok: true,
      },
      {
        label: 'restReason over its maximum with status free',
        options: () => ({ status: 'free', restReason: 'a'.repeat(FIELD_MAX('restReason') + 1) }),
        ok: undefined,
        names: ['restReason'],
      },
    ],
  },
  'Agent.offline': {},
  'Agent.online': {},
  // The SDK's agent is role 1: every accepted case reaches the server and is refused for its role
  // (ERR_SIP_FORBIDDEN, after the shape check), so nothing is watched or forced.
  'Supervisor.watch': {},
  'Supervisor.unwatch': {},
  'Supervisor.setAgentStatus': { base: () => ({ userId: NOBODY, status: 'rest' }) },
  'Supervisor.logoutAgent': { base: () => ({ userId: NOBODY }) },
  'Supervisor.monitor': { base: () => ({ sessionId: MADE_UP_SESSION, mode: 'listen' }) },
  'Supervisor.stopMonitor': { base: () => ({ sessionId: MADE_UP_SESSION }) },
  // Any status; the boundaries of query and limit come from their fields.
  'Agent.getDirectory': {},
  // No such session: the SDK passes the shape, the server answers ERR_SESSION_NOT_FOUND.
  'Agent.wrapUp': { base: () => ({ sessionId: 's-none', disposition: 'resolved' }) },
  'Agent.getHistory': {},
  'Call.startInternalCall': {
    base: () => ({ calleeUserId: NOBODY }),
    extras: () => [
      // Refused by both sides before any state; the probe is another agent, so the server's side of
      // it is tested natively (tests/native/server), not here: see `self` in runCase.
      {
        label: 'semantic: calleeUserId is the agent itself',
        options: () => ({ calleeUserId: fx.self }),
        ok: false,
        self: true,
        names: ['calleeUserId'],
      },
    ],
  },
  'Call.startOutboundCall': {
    // Blocked after the shape check: a skill group the agent is not in (or, for the skill group's
    // own cases, a caller number that is not the application's) is ERR_NOT_FOUND on the server.
    base: (f) =>
      f === 'skillGroupId'
        ? { phoneNumber: ANSWERING_NUMBER, callerPhoneNumber: fx.notOurNumber }
        : { phoneNumber: ANSWERING_NUMBER, skillGroupId: fx.noGroup },
    extras: () => [
      // Last: a real call, which is the phone session of the next phase.
      {
        label: 'real: a formatted number that answers',
        options: () => ({ phoneNumber: ANSWERING_NUMBER_FORMATTED, uui: 'contract' }),
        ok: true,
        real: true,
      },
    ],
    after: (c, r) => {
      if (c.real && r.settled && r.settled.ok) fx.sessions.Call = r.settled.value.data.sessionId;
    },
  },
  'Call.isMicMuted': { real: 'Call' },
  'Call.muteMic': { real: 'Call' },
  'Call.unmuteMic': { real: 'Call' },
  'Call.sendDigits': { real: 'Call', base: () => ({ sessionId: realSession('Call')(), dtmfText: '1' }) },
  'Call.transfer': transferPlan('Call'),
  'Call.hold': { real: 'Call' },
  'Call.unHold': { real: 'Call' },
  'Call.pauseRecording': { real: 'Call' },
  'Call.resumeRecording': { real: 'Call' },
  'Call.accept': { real: 'Inbound', after: untilAccessed },
  'Call.hungUp': { real: 'Call' },
  'Call.deleteCall': { real: 'Call' },
  'Chat.getMessages': { real: 'Chat' },
  'Chat.sendMessage': { real: 'Chat', base: () => ({ sessionId: realSession('Chat')(), text: 'hello' }) },
  'Chat.transfer': transferPlan('Chat', () => [
    {
      label: 'semantic: skillGroupId of a phone (not chat) skill group',
      options: () => ({ sessionId: fx.sessions.Chat, skillGroupId: fx.telGroup }),
      ok: true,
    },
  ]),
  'Chat.accept': { real: 'Chat', after: untilAccessed },
  'Chat.end': { real: 'Chat' },
  'Video.muteMic': { real: 'Video' },
  'Video.unmuteMic': { real: 'Video' },
  'Video.muteVideo': { real: 'Video' },
  'Video.unmuteVideo': { real: 'Video' },
  'Video.transfer': transferPlan('Video'),
  'Video.pauseRecording': { real: 'Video' },
  'Video.resumeRecording': { real: 'Video' },
  'Video.accept': { real: 'Video', after: untilAccessed },
  'Video.end': { real: 'Video' },
};

function transferPlan(family, more = () => []) {
  return {
    real: family,
    base: (f) =>
      f === 'sessionId' ? { sessionId: realSession(family)(), userId: NOBODY } : { sessionId: realSession(family)() },
    adjust: transferSafely,
    extras: () => [
      {
        label: 'semantic: userId is the agent itself',
        options: () => ({ sessionId: fx.sessions[family], userId: fx.self }),
        ok: false,
        self: true,
        names: ['userId'],
      },
      ...more(),
    ],
  };
}

function FIELD_MAX(name) {
  return C.VOCAB.fields.find((f) => f.name === name).max;
}

const PHASES = [
  {
    name: 'agent status, no session',
    apis: [
      'Agent.setStatus',
      'Agent.offline',
      'Agent.online',
      'Agent.getDirectory',
      'Agent.wrapUp',
      'Agent.getHistory',
    ],
  },
  {
    name: 'supervisor APIs (refused for the role)',
    apis: [
      'Supervisor.watch',
      'Supervisor.unwatch',
      'Supervisor.setAgentStatus',
      'Supervisor.logoutAgent',
      'Supervisor.monitor',
      'Supervisor.stopMonitor',
    ],
  },
  {
    name: 'dialling, agent free',
    apis: ['Call.startInternalCall', 'Call.startOutboundCall'],
    setup: () => ensureFree(),
  },
  {
    name: 'a phone call (outbound, talking)',
    apis: [
      'Call.isMicMuted',
      'Call.muteMic',
      'Call.unmuteMic',
      'Call.sendDigits',
      'Call.transfer',
      'Call.hold',
      'Call.unHold',
      'Call.pauseRecording',
      'Call.resumeRecording',
      'Call.hungUp',
      'Call.deleteCall',
    ],
    setup: () => phoneCall(),
  },
  {
    name: 'an inbound phone call (ringing)',
    apis: ['Call.accept'],
    setup: () => inboundCall(),
    teardown: () => hangUp('Inbound'),
  },
  {
    name: 'a chat (ringing, then accepted)',
    apis: ['Chat.accept', 'Chat.getMessages', 'Chat.sendMessage', 'Chat.transfer', 'Chat.end'],
    setup: () => chat(),
  },
  {
    name: 'a video call (ringing, then accepted)',
    apis: [
      'Video.accept',
      'Video.muteMic',
      'Video.unmuteMic',
      'Video.muteVideo',
      'Video.unmuteVideo',
      'Video.pauseRecording',
      'Video.resumeRecording',
      'Video.transfer',
      'Video.end',
    ],
    setup: () => videoCall(),
  },
];

/** Every case of one API: the boundary values of each option field, then the extras. */
function casesOf(api) {
  const plan = PLAN[api.name];
  const base = (f) => (plan.base ? plan.base(f) : plan.real ? { sessionId: realSession(plan.real)() } : {});
  const adjust = plan.adjust || ((o) => o);
  const cases = [];
  if (api.optionsVoid) {
    // The TCCC docs declare these without options: whatever is passed is ignored.
    for (const [label, args] of [
      ['no argument', []],
      ['undefined', [undefined]],
      ['null', [null]],
      ['{}', [{}]],
      ['an unknown option', [{ status: 'rest' }]],
      ['a number', [5]],
      ['a string', ['x']],
      ['an array', [[1]]],
    ]) {
      cases.push({ label: `arguments: ${label}`, args: () => args, ok: true });
    }
    return cases;
  }
  for (const o of api.options) {
    for (const v of C.valuesFor(o, o.required)) {
      let ok = v.ok;
      // exactlyOne: the base names no other target, so leaving this one out breaks the rule.
      if (
        api.rule &&
        api.rule.kind === 'exactlyOne' &&
        api.rule.fields.includes(o.wire) &&
        (v.value === C.ABSENT || v.value === null)
      )
        ok = false;
      cases.push({
        label: `${C.optionLabel(o)}: ${v.label}`,
        field: o,
        value: v.value,
        ok,
        code: v.code,
        names: [o.option],
        options: () => {
          const opts = { ...base(o.wire) };
          if (v.value === C.ABSENT) delete opts[o.option];
          else opts[o.option] = structuredClone(v.value);
          return adjust(opts);
        },
      });
    }
  }
  const full = () => {
    const all = {};
    for (const o of api.options) Object.assign(all, base(o.wire));
    return all;
  };
  // Supervisor.watch / unwatch take no options at all.
  const any = () => (api.options.length ? { ...base(api.options[0].wire) } : {});
  const required = api.options.filter((o) => o.required);
  if (!plan.real)
    cases.push({ label: 'an unknown option (dropped)', options: () => adjust({ ...any(), bogus: 1 }), ok: true });
  cases.push({
    label: 'options: none',
    args: () => [],
    ok: required.length === 0 && !(api.rule && api.rule.kind === 'exactlyOne'),
    names: required.length ? [required[0].option] : [],
  });
  // null options are no options (as null data on the wire): the first required option is missing.
  cases.push({
    label: 'options: null',
    args: () => [null],
    ok: required.length === 0 && !(api.rule && api.rule.kind === 'exactlyOne'),
    names: required.length ? [required[0].option] : [],
  });
  // Options that are not an object cannot be put on the wire at all: a frame's data is an object
  // (docs/protocol.md, "Envelope"), and the server refuses one that is not as a malformed frame
  // (ERR_PROTOCOL). The SDK refuses them as bad arguments; see `envelope` in runCase.
  for (const [label, value] of [
    ['a string', 'sessionId'],
    ['a number', 42],
    ['an array', [any()]],
    ['true', true],
  ]) {
    cases.push({ label: `options: ${label}`, args: () => [value], ok: false, names: ['options'], envelope: true });
  }
  for (const [field, fixedValue] of Object.entries(api.fixed)) {
    const spec = C.VOCAB.fields.find((f) => f.name === field);
    const others =
      spec.type === 'enum'
        ? C.VOCAB.enums.find((e) => e.name === spec.enum).values.filter((x) => x !== fixedValue)
        : [];
    for (const other of others)
      cases.push({
        label: `fixed ${field}: the caller passes '${other}'`,
        options: () => ({ ...any(), [field]: other }),
        ok: undefined,
        names: [field],
      });
    cases.push({
      label: `fixed ${field}: the caller passes 'bogus'`,
      options: () => ({ ...any(), [field]: 'bogus' }),
      ok: undefined,
      names: [field],
    });
    cases.push({
      label: `fixed ${field}: the caller passes a number`,
      options: () => ({ ...any(), [field]: 5 }),
      ok: undefined,
      names: [field],
    });
  }
  if (!api.idempotent) {
    cases.push({
      label: `${C.CLIENT_REQUEST_ID} from the caller: '' (the core makes its own)`,
      options: () => adjust({ ...any(), [C.CLIENT_REQUEST_ID]: '' }),
      ok: true,
    });
    cases.push({
      label: `${C.CLIENT_REQUEST_ID} from the caller: a float`,
      options: () => adjust({ ...any(), [C.CLIENT_REQUEST_ID]: 1.5 }),
      ok: true,
    });
  }
  for (const [wire, option] of Object.entries(api.renamed)) {
    const o = api.options.find((x) => x.wire === wire);
    cases.push({
      label: `the wire name '${wire}' instead of '${option}'`,
      options: () => {
        const opts = { ...base(wire) };
        opts[wire] = opts[option];
        delete opts[option];
        return opts;
      },
      ok: !o.required,
      names: [option],
    });
  }
  if (api.rule) {
    const ruleOptions = api.rule.fields.map((w) => api.options.find((o) => o.wire === w).option);
    cases.push({
      label: `rule: none of ${ruleOptions.join(', ')}`,
      options: () => {
        const opts = { ...base('sessionId') };
        for (const n of ruleOptions) delete opts[n];
        return adjust(opts);
      },
      ok: false,
      names: ruleOptions,
    });
    if (api.rule.kind === 'exactlyOne') {
      cases.push({
        label: `rule: both ${ruleOptions.join(' and ')}`,
        options: () => adjust({ ...full(), skillGroupId: fx.noGroup, userId: NOBODY }),
        ok: false,
        names: ruleOptions,
      });
    }
  }
  if (plan.extras) cases.push(...plan.extras(api));
  if (plan.real) {
    // Last, as it acts on the session (accepts, holds, ends it …).
    cases.push({
      label: `sessionId: the live session (${plan.real}), and an unknown option (dropped)`,
      options: () => ({ ...full(), bogus: 1 }),
      ok: true,
      real: true,
    });
  }
  return cases;
}

// --- running one case -----------------------------------------------------------------------------

const results = []; // every case's outcome, for the summary and the last tests
let tccc;
let wire;
let pacerA;
let probe;
const events = [];

function sdkSummary(settled) {
  if (!settled) return 'never settled';
  if (settled.ok) return 'resolved';
  const e = settled.error;
  return `${e.name} ${e.code} "${short(e.errorMsg)}"`;
}
function serverSummary(res) {
  if (!res) return 'no answer';
  if (res.ok) return 'ok';
  return `${C.NAMES[res.error.code] || res.error.code} ${res.error.code} "${short(res.error.message)}"`;
}
const isShape = (code) => C.SHAPE_CODES.has(code);
const tail = (text, prefix) => (typeof text === 'string' && text.startsWith(prefix) ? text.slice(prefix.length) : null);

let clientRequestCounter = 0;
const freshRequestId = () => `contract-${process.pid}-${++clientRequestCounter}`;

/** The data the SDK sent, without the ids the core adds itself. */
function withoutCoreIds(api, data, options) {
  const out = { ...data };
  delete out[C.CLIENT_REQUEST_ID];
  const given = C.asJson(options);
  if (api.settle === 'ChatSend' && !(given && given.clientMsgId !== undefined && given.clientMsgId !== null))
    delete out.clientMsgId;
  return out;
}

function sameJson(a, b) {
  const norm = (x) => JSON.stringify(x, Object.keys(x || {}).sort());
  return typeof a === 'object' && typeof b === 'object' ? norm(a) === norm(b) : a === b;
}

/** Runs one case; returns its result with `problems` (SDK/server disagreements) filled in later. */
async function runCase(api, c) {
  const fn = tccc[api.ns][api.fn];
  const args = c.args ? c.args() : [c.options()];
  const r = { api: api.name, case: c.label, args, ok: c.ok, code: c.code, problems: [], pending: [] };
  await pacerA.take(1);
  const mark = wire.sent.length;
  let promise;
  try {
    promise = fn(...args);
  } catch (err) {
    r.problems.push(`the API threw synchronously: ${err}`);
    return r;
  }
  const syncRequests = wire.sent.slice(mark).filter((s) => s.frame && s.frame.type === 'req');
  pacerA.spend(syncRequests.length - 1); // a case that sent nothing gives its token back
  let settled = null;
  promise.then(
    (value) => {
      settled = { ok: true, value };
    },
    (error) => {
      settled = { ok: false, error };
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  const atOnce = settled !== null;
  if (!atOnce) {
    const deadline = Date.now() + TUNING.requestTimeoutMs + 2000;
    while (!settled && Date.now() < deadline) await sleep(5);
  }
  r.settled = settled;
  r.atOnce = atOnce;
  r.sdk = sdkSummary(settled);
  if (!settled) {
    r.problems.push('the SDK never settled the promise');
    return r;
  }
  if (!settled.ok && settled.error.code === C.CODES.ERR_RATE_LIMITED)
    r.problems.push('infrastructure: the SDK was rate limited (pacing too fast)');
  const options = args.length ? args[0] : undefined;
  const mine = syncRequests.filter((s) => s.frame.method === api.method);
  const others = syncRequests.filter((s) => s.frame.method !== api.method);
  if (others.length)
    r.problems.push(`the SDK sent other requests too: ${others.map((s) => s.frame.method).join(', ')}`);

  if (mine.length) {
    // (a) The SDK accepted and sent: the server's answer to that frame.
    r.verdict = 'accepted';
    r.sent = mine.map((s) => s.frame.data);
    for (const s of mine) {
      const answers = wire.answers.get(s.socket);
      const res = await waitFor(
        () => answers.get(s.frame.id),
        8000,
        `the answer to ${s.frame.method} #${s.frame.id}`,
      ).catch(() => null);
      r.server = serverSummary(res);
      if (!res) r.problems.push("(a) the server never answered the SDK's request");
      else if (!res.ok && isShape(res.error.code))
        r.problems.push('(a) the SDK accepted and sent it; the server refused it for its shape');
      const got = withoutCoreIds(api, s.frame.data, options);
      const want = C.normalise(api, options);
      if (!sameJson(got, want))
        r.problems.push(`the SDK sent ${show(got)}, not the documented normalisation ${show(want)}`);
      if (!api.idempotent && typeof s.frame.data[C.CLIENT_REQUEST_ID] !== 'string')
        r.problems.push(`the SDK sent no ${C.CLIENT_REQUEST_ID}`);
    }
    if (mine.length > 1) r.problems.push(`the SDK sent ${mine.length} requests`);
  } else if (!settled.ok && isShape(settled.error.code)) {
    // (b) Refused for its shape: at once, nothing sent, a clear message; the server agrees.
    r.verdict = 'refused';
    const e = settled.error;
    if (!atOnce) r.problems.push('(b) refused, but not at once');
    if (syncRequests.length) r.problems.push('(b) refused, but a request frame was sent');
    if (e.status !== 'error' || typeof e.errorMsg !== 'string')
      r.problems.push('(b) the rejection is not {status: "error", errorMsg}');
    const sdkTail = tail(e.errorMsg, `${api.name}: `);
    if (sdkTail === null) r.problems.push(`(b) errorMsg does not start with "${api.name}: "`);
    for (const n of c.names || [])
      if (!String(e.errorMsg).includes(n)) r.problems.push(`(b) errorMsg does not name '${n}'`);
    if (c.self) return r; // the probe is another agent: for it, this data does not name itself
    const data = C.wireData(api, options, freshRequestId());
    r.wireData = data;
    r.pending.push(
      probe.probe(api.compareMethod, data).then(
        (res) => {
          r.server = serverSummary(res);
          if (res.ok) {
            r.problems.push('(b) the SDK refuses it; the server accepts the same data');
            return;
          }
          const serverTail = tail(res.error.message, `${api.compareMethod}: `);
          let mapped = sdkTail;
          for (const [w, opt] of Object.entries(api.renamed))
            if (mapped !== null) mapped = mapped.replace(new RegExp(`\\b${opt}\\b`, 'g'), w);
          const diffs = [];
          if (c.envelope) {
            // Not a request the wire can carry: the server must refuse the frame, as malformed.
            if (res.error.code !== C.CODES.ERR_PROTOCOL)
              diffs.push(`with ${C.NAMES[res.error.code]}, not as a malformed frame`);
            if (diffs.length) r.problems.push(`(b) the server refuses the same data ${diffs.join(', ')}`);
            return;
          }
          if (!isShape(res.error.code)) diffs.push('not for its shape');
          if (res.error.code !== e.code)
            diffs.push(`with another code (${C.NAMES[res.error.code]} instead of ${e.name})`);
          if (serverTail === null) diffs.push(`without the "${api.compareMethod}: " prefix`);
          else if (mapped !== null && serverTail !== mapped) diffs.push('with another message after the prefix');
          if (diffs.length) r.problems.push(`(b) the server refuses the same data ${diffs.join(', ')}`);
        },
        (err) => r.problems.push(`infrastructure: ${err.message}`),
      ),
    );
  } else {
    // (a) Accepted for its shape but stopped (or answered) by the SDK itself: ask the server about
    // the data the SDK would have sent.
    r.verdict = 'accepted';
    r.local = true;
    if (syncRequests.length) r.problems.push('a request frame was sent for another method');
    const data = C.normalise(api, options);
    if (!api.idempotent) data[C.CLIENT_REQUEST_ID] = freshRequestId();
    r.wireData = data;
    r.pending.push(
      probe.probe(api.compareMethod, data).then(
        (res) => {
          r.server = serverSummary(res);
          if (!res.ok && isShape(res.error.code)) {
            r.problems.push(
              '(a) the SDK accepted its shape (and stopped it locally); the server refuses the same normalised data for its shape',
            );
          }
        },
        (err) => r.problems.push(`infrastructure: ${err.message}`),
      ),
    );
  }
  // What vocabulary.json's description implies (reported apart, by the last test).
  if (c.ok === true && r.verdict === 'refused') r.vocabulary = 'refused, though vocabulary.json describes it as valid';
  if (c.ok === false && r.verdict === 'accepted')
    r.vocabulary = 'accepted, though vocabulary.json describes it as invalid';
  if (c.ok === false && r.verdict === 'refused' && c.code && settled.error.name !== c.code)
    r.vocabulary = `refused with ${settled.error.name}, not ${c.code}`;
  return r;
}

async function runApi(name) {
  const api = API.get(name);
  const plan = PLAN[name];
  const out = [];
  for (const c of casesOf(api)) {
    const r = await runCase(api, c);
    if (plan.after) await plan.after(c, r);
    out.push(r);
    results.push(r);
  }
  await Promise.all(out.flatMap((r) => r.pending));
  return out;
}

/** A disagreement without the API, method and session id it was seen through. */
function rootCause(r, p) {
  const strip = (x) =>
    String(x)
      .replace(/\b(Call|Chat|Video|Agent)\.[A-Za-z]+: /g, '')
      .replace(/\b(session|call|chat|agent)\.[A-Za-z]+: /g, '')
      .replace(/s-[0-9a-f]{24}/g, '<session>');
  const what = p.replace(/the "[^"]*" prefix/, 'the "<method>: " prefix');
  return `${strip(what)} [SDK: ${strip(r.sdk)}; server: ${strip(r.server ?? '-')}]`;
}

function describeProblem(r, p) {
  return `${r.api} | ${r.case} | options ${short(r.args.length ? show(r.args[0]) : '(none)', 160)} | SDK: ${r.sdk} | server: ${r.server ?? '-'} | ${p}`;
}

// --- fixtures -----------------------------------------------------------------------------------

let server;
let ccc;
const customers = [];

function waitEvent(name, pred = () => true, ms = 8000) {
  return waitFor(
    () => {
      const hit = events.find(([n, p]) => n === name && pred(p.data || {}));
      return hit && hit[1];
    },
    ms,
    `event ${name}`,
  );
}

async function ensureFree() {
  await waitFor(() => tccc.Agent.getStatus() !== 'busy', 8000, 'the agent not busy');
  await pacerA.take(2);
  const status = tccc.Agent.getStatus();
  if (status === 'offline') await tccc.Agent.online();
  if (tccc.Agent.getStatus() === 'notReady') await tccc.Agent.setStatus({ status: 'stopNotReady' }).catch(() => {});
  if (tccc.Agent.getStatus() !== 'free') await tccc.Agent.setStatus({ status: 'free' });
  await waitFor(() => tccc.Agent.getStatus() === 'free', 5000, 'the agent free');
}

async function phoneCall() {
  if (!fx.sessions.Call) throw new Error('the real outbound call of the dialling phase did not start');
  await waitEvent('calloutAccepted', (d) => d.sessionId === fx.sessions.Call);
}

async function inboundCall() {
  await ensureFree();
  const sessionId = await simInbound(server, { caller: '13800138000', serviceNumber: SERVICE_NUMBER });
  await waitEvent('callIn', (d) => d.sessionId === sessionId);
  fx.sessions.Inbound = sessionId;
}

async function hangUp(key) {
  const sessionId = fx.sessions[key];
  if (!sessionId) return;
  await pacerA.take(1);
  await tccc.Call.hungUp({ sessionId }).catch(() => {});
}

// A chat and a video call ring at the agent; the first accepted case of Chat.accept / Video.accept
// answers them, and the APIs after it act on the accepted session.
async function chat() {
  await ensureFree();
  const visitor = await customer(server);
  customers.push(visitor);
  const started = await visitor.call('chat.start', { serviceNumber: SERVICE_NUMBER, nickname: 'Contract' });
  if (!started.ok) throw new Error(`chat.start: ${JSON.stringify(started.error)}`);
  const { sessionId } = started.data;
  await waitEvent('callIn', (d) => d.sessionId === sessionId);
  fx.sessions.Chat = sessionId;
}

async function videoCall() {
  await ensureFree();
  const caller = await customer(server);
  customers.push(caller);
  const placed = await caller.call('customer.video', {
    serviceNumber: SERVICE_NUMBER,
    userId: 'contract-visitor',
    nickname: 'Contract',
  });
  if (!placed.ok) throw new Error(`customer.video: ${JSON.stringify(placed.error)}`);
  const { sessionId } = placed.data;
  await waitEvent('callIn', (d) => d.sessionId === sessionId, 10000);
  fx.sessions.Video = sessionId;
}

// --- the tests ----------------------------------------------------------------------------------

describe('SDK/server contract for every public API (vocabulary.json)', () => {
  const started = Date.now();

  beforeAll(async () => {
    server = await startServer({ args: ['--server-media', 'false'] });
    ccc = cloudClient(server);
    fx.self = server.agents[0];
    // The raw socket's agent: in no chat skill group and resting, so it is never offered anything.
    fx.probeUser = server.agents[server.agents.length - 1];
    const groups = await ccc.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 100, PageNumber: 0 });
    for (const g of groups.SkillGroupList) fx.groupIds.add(String(g.SkillGroupId));
    fx.telGroup = String(groups.SkillGroupList.find((g) => g.Type === 'TEL').SkillGroupId);
    fx.noGroup = String(Math.max(...[...fx.groupIds].map(Number)) + 1000);
    const numbers = await ccc.DescribeNumbers({ SdkAppId: server.sdkAppId, PageSize: 100, PageNumber: 0 });
    const ours = new Set(numbers.Numbers.map((n) => n.Number));
    fx.notOurNumber = ['99999999999', '99999999998'].find((n) => !ours.has(n));

    probe = await rawAgent(server, ccc, fx.probeUser);

    wire = { sent: [], sockets: [], answers: new Map() };
    pacerA = new Pacer(18, 30);
    const { SdkURL } = await ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: fx.self });
    tccc = sdkPackage.init({ sdkUrl: SdkURL, WebSocket: recordingWebSocket(wire), wasmBinary: WASM, tuning: TUNING });
    for (const name of Object.keys(sdkPackage.events)) tccc.on(name, (payload) => events.push([name, payload]));
    await waitEvent('ready', () => true, 10000);
  }, 30000);

  afterAll(async () => {
    const problems = results.flatMap((r) => r.problems.map((p) => describeProblem(r, p)));
    const vocab = results.filter((r) => r.vocabulary).map((r) => describeProblem(r, r.vocabulary));
    const apis = new Set(results.map((r) => r.api)).size;
    // The same disagreement seen through many APIs and values is one root cause.
    const causes = new Map();
    for (const r of results) {
      for (const p of r.problems) {
        const key = rootCause(r, p);
        if (!causes.has(key)) causes.set(key, []);
        causes.get(key).push(r);
      }
    }
    const lines = [
      `contract: ${results.length} cases over ${apis} APIs in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `${results.filter((r) => r.verdict === 'refused').length} refused by the SDK, ` +
        `${results.filter((r) => r.verdict === 'accepted' && !r.local).length} sent by the SDK, ` +
        `${results.filter((r) => r.local).length} stopped or answered locally; raw probes ${JSON.stringify(probe ? probe.stats() : {})}`,
      `SDK/server disagreements: ${problems.length} in ${causes.size} groups`,
      ...[...causes]
        .sort((a, b) => b[1].length - a[1].length)
        .map(
          ([key, rs]) =>
            `  ${String(rs.length).padStart(4)} x ${key}\n         e.g. ${[...new Set(rs.map((r) => r.api))].slice(0, 4).join(', ')}; ${rs[0].case}`,
        ),
      `verdicts that contradict vocabulary.json's descriptions: ${vocab.length}`,
      ...vocab.map((p) => `  ${p}`),
    ];
    if (process.env.TCCC_CONTRACT_VERBOSE) lines.push('every disagreement:', ...problems.map((p) => `  ${p}`));
    console.log(lines.join('\n'));
    if (process.env.TCCC_CONTRACT_REPORT) {
      fs.writeFileSync(
        process.env.TCCC_CONTRACT_REPORT,
        JSON.stringify(
          results.map(({ pending: _pending, settled: _settled, ...r }) => ({
            ...r,
            args: r.args.map((a) => short(show(a), 400)),
            sent: r.sent && short(show(r.sent), 400),
            wireData: r.wireData && short(show(r.wireData), 400),
          })),
          null,
          1,
        ),
      );
    }
    if (tccc) tccc.destroy();
    if (probe) probe.close();
    for (const c of customers) c.close();
    if (server) await server.stop();
  });

  test('every API of the vocabulary has a plan, a phase and cases; every option field has boundary values', () => {
    const planned = PHASES.flatMap((p) => p.apis);
    expect([...planned].sort()).toEqual(API_SPECS.map((a) => a.name).sort());
    expect(Object.keys(PLAN).sort()).toEqual(API_SPECS.map((a) => a.name).sort());
    for (const api of API_SPECS) {
      expect(typeof tccc[api.ns][api.fn]).toBe('function');
      const cases = casesOf(api);
      expect(cases.length).toBeGreaterThan(api.optionsVoid ? 3 : 5);
      for (const o of api.options) expect(cases.filter((c) => c.field === o).length).toBeGreaterThan(5);
    }
  });

  for (const phase of PHASES) {
    describe(phase.name, () => {
      if (phase.setup) beforeAll(() => phase.setup(), 30000);
      if (phase.teardown) afterAll(() => phase.teardown(), 10000);
      for (const name of phase.apis) {
        test(
          name,
          async () => {
            const out = await runApi(name);
            expect(out.length).toBeGreaterThan(0);
            const problems = out.flatMap((r) => r.problems.map((p) => describeProblem(r, p)));
            expect(problems).toEqual([]);
          },
          60000,
        );
      }
    });
  }

  test('every API was driven, with cases the SDK accepts and (where it has options) cases it refuses', () => {
    const missing = [];
    for (const api of API_SPECS) {
      const mine = results.filter((r) => r.api === api.name);
      if (!mine.some((r) => r.verdict === 'accepted')) missing.push(`${api.name}: no case the SDK accepts`);
      if (!api.optionsVoid && !mine.some((r) => r.verdict === 'refused'))
        missing.push(`${api.name}: no case the SDK refuses`);
      // Unless the API is answered by the core, some of its accepted cases really reached the server.
      if (!api.local && !mine.some((r) => r.verdict === 'accepted' && !r.local))
        missing.push(`${api.name}: no case reached the server from the SDK`);
    }
    expect(missing).toEqual([]);
  });

  test("the verdicts agree with vocabulary.json's descriptions", () => {
    expect(results.filter((r) => r.vocabulary).map((r) => describeProblem(r, r.vocabulary))).toEqual([]);
  });
});
