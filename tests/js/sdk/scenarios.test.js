// SPDX-License-Identifier: Apache-2.0
// Runs every tests/fixtures/scenarios/*.json (see tests/fixtures/README.md) through the SDK package
// (dist/index.cjs: the release wasm behind the real shim), with a ws WebSocketServer on 127.0.0.1
// playing the server. The same files drive the C++ core directly in tests/native/core.
//
// Time: the shim's clock and timers are Jest's fake timers, so `{"advance": ms}` is exact and the
// scenario does not depend on how fast this machine is. Socket I/O stays real (nextTick and
// setImmediate are not faked); after every input the runner waits until the SDK has taken it in.
//
// Outputs are matched per stream (wire: connect/send/close seen by the peer; api: events and
// settled promises seen by the integrator; media: actions handed to the media adapter), and every
// stream must be empty at the end, so a duplicated event fails. `config.randomSeed` is not passed:
// the shim seeds the core from crypto (clientRequestIds must differ across page loads), and the
// scenarios match what depends on it with "$any".
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');
const { WebSocketServer } = require('ws');
const { sdkPackage, DIAGNOSTICS } = require('./helpers/sdk');

const DIR = path.join(__dirname, '../../fixtures/scenarios');
const FILES = fs.existsSync(DIR)
  ? fs
      .readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const REAL_WAIT_MS = 3000; // how long (real time) an expectation may wait for its output

const realNow = () => Number(process.hrtime.bigint() / 1000000n);
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** The server side: records what the client does to its sockets. */
class Peer {
  static async start() {
    const peer = new Peer();
    peer.wire = [];
    peer.sockets = [];
    peer.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => peer.wss.on('listening', resolve));
    peer.url = `http://127.0.0.1:${peer.wss.address().port}`;
    peer.wss.on('connection', (socket) => {
      peer.sockets.push(socket);
      peer.wire.push({ kind: 'connect' });
      socket.on('message', (raw, isBinary) => {
        if (isBinary) return;
        let frame;
        try {
          frame = JSON.parse(raw.toString());
        } catch {
          frame = { unparsable: raw.toString() };
        }
        peer.wire.push({ kind: 'send', frame });
      });
      socket.on('close', (code) => {
        if (!socket.closedByPeer) peer.wire.push({ kind: 'close', code });
      });
    });
    return peer;
  }

  get socket() {
    return this.sockets[this.sockets.length - 1];
  }

  send(text) {
    this.socket.send(text);
  }

  /** The connection drops without a close frame (ws terminate: the client sees 1006). */
  drop() {
    this.socket.closedByPeer = true;
    this.socket.terminate();
  }

  async close() {
    for (const s of this.sockets) {
      s.closedByPeer = true;
      s.terminate();
    }
    await new Promise((resolve) => this.wss.close(resolve));
  }
}

/** `expected` is a subset of `actual`: objects key by key, arrays and scalars exactly, "$any" matches anything present. */
function subsetMismatch(expected, actual, where = '') {
  if (expected === '$any') return actual === undefined ? `${where || 'value'} missing` : null;
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return `${where || 'value'} is not an object`;
    for (const [k, v] of Object.entries(expected)) {
      const m = subsetMismatch(v, actual[k], where ? `${where}.${k}` : k);
      if (m) return m;
    }
    return null;
  }
  return JSON.stringify(expected) === JSON.stringify(actual)
    ? null
    : `${where || 'value'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** Exact comparison where "$any" stands for any present value. */
function exactMismatch(expected, actual, where = '') {
  if (expected === '$any') return actual === undefined ? `${where || 'value'} missing` : null;
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return `${where || 'value'} is not an object`;
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      if (!(k in expected)) return `${where ? `${where}.` : ''}${k} is unexpected (${JSON.stringify(actual[k])})`;
      const m = exactMismatch(expected[k], actual[k], where ? `${where}.${k}` : k);
      if (m) return m;
    }
    return null;
  }
  return subsetMismatch(expected, actual, where);
}

/** Replaces every "$name" string in a server frame with the captured request id. */
function substitute(value, captured) {
  if (typeof value === 'string' && value.startsWith('$') && value !== '$any') {
    if (!(value.slice(1) in captured)) throw new Error(`${value} was never captured`);
    return captured[value.slice(1)];
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, captured));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, captured)]));
  return value;
}

async function runScenario(scenario) {
  const peer = await Peer.start();
  const api = [];
  const media = [];
  const promises = {};
  const captured = {};
  const notExposed = new Set();
  const { config = {} } = scenario;
  // The fixtures script the login frame (a handshake login has no frame to expect).
  const tuning = { handshakeLogin: false };
  for (const k of ['requestTimeoutMs', 'loginTimeoutMs', 'reconnectBaseMs', 'reconnectMaxMs', 'maxReconnectAttempts']) {
    if (k in config) tuning[k] = config[k];
  }
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime'] });
  const tccc = sdkPackage.init({
    sdkAppId: config.sdkAppId,
    userId: config.userId,
    token: config.token,
    serverUrl: peer.url,
    WebSocket,
    tuning,
    media: { handle: (name, data) => media.push({ name, data }), close() {} },
  });
  for (const name of Object.keys(tccc.events)) tccc.on(name, (payload) => api.push({ kind: 'event', name, payload }));
  const framesReceived = () => (tccc[DIAGNOSTICS]().stats || {}).framesReceived || 0;

  // Waits (in real time) for `pred`, letting socket I/O and microtasks run.
  const waitUntil = async (pred, ms = REAL_WAIT_MS) => {
    const end = realNow() + ms;
    while (!pred()) {
      if (realNow() > end) return false;
      await turn();
    }
    return true;
  };
  // After an input: let it reach the SDK and everything it triggers come out.
  const settle = async (extra) => {
    if (extra) await waitUntil(extra, 500);
    const end = realNow() + 15;
    while (realNow() < end) await turn();
  };
  const streams = { wire: peer.wire, api, media };
  const take = async (stream, what, i) => {
    const ok = await waitUntil(() => streams[stream].length > 0);
    if (!ok) throw new Error(`step ${i}: expected ${what}, but the ${stream} stream stayed empty`);
    return streams[stream].shift();
  };

  try {
    for (const [i, step] of scenario.steps.entries()) {
      const where = `step ${i} ${JSON.stringify(step).slice(0, 160)}`;
      if (step.server !== undefined || step.serverText !== undefined) {
        const before = framesReceived();
        peer.send(step.serverText !== undefined ? step.serverText : JSON.stringify(substitute(step.server, captured)));
        await settle(() => framesReceived() > before);
      } else if (step.close !== undefined) {
        peer.drop();
        await settle(() => tccc[DIAGNOSTICS]().phase !== 2);
      } else if (step.advance !== undefined) {
        jest.advanceTimersByTime(step.advance);
        await settle();
      } else if (step.api !== undefined) {
        const [ns, fn] = step.api.split('.');
        const name = step.as;
        if (!tccc[ns] || typeof tccc[ns][fn] !== 'function') {
          // A name the core refuses (e.g. "Call.frobnicate") does not exist on the JS object at all:
          // calling it is a TypeError the typings already prevent, so its expectation is skipped.
          expect(tccc[ns] && tccc[ns][fn]).toBeUndefined();
          notExposed.add(name);
          continue;
        }
        const p = tccc[ns][fn](step.args === null ? undefined : step.args);
        p.then(
          (res) => api.push({ kind: 'resolve', call: name, data: res.data }),
          (err) => api.push({ kind: 'reject', call: name, error: err }),
        );
        promises[name] = p;
        await settle();
      } else if (step.check !== undefined) {
        if (step.check.agentStatus !== undefined)
          expect([where, tccc.Agent.getStatus()]).toEqual([where, step.check.agentStatus]);
      } else if (step.expect === 'connect' || step.expect === 'send' || step.expect === 'close') {
        const out = await take('wire', step.expect, i);
        expect([where, out.kind]).toEqual([where, step.expect]);
        if (step.expect === 'send') {
          const m = subsetMismatch(step.frame, out.frame);
          if (m) throw new Error(`${where}: sent ${JSON.stringify(out.frame)}: ${m}`);
          if (step.as) captured[step.as] = out.frame.id;
        }
        if (step.expect === 'close') expect([where, out.code]).toEqual([where, step.code]);
      } else if (step.expect === 'event' || step.expect === 'resolve' || step.expect === 'reject') {
        if (step.call && notExposed.has(step.call)) continue;
        const out = await take('api', step.expect, i);
        const got =
          out.kind === 'event'
            ? `${out.kind} ${out.name} ${JSON.stringify(out.payload)}`
            : out.kind === 'resolve'
              ? `resolve ${out.call} ${JSON.stringify(out.data)}`
              : `reject ${out.call} ${out.error && out.error.name}`;
        if (out.kind !== step.expect) throw new Error(`${where}: got ${got}`);
        if (step.expect === 'event') {
          if (out.name !== step.name) throw new Error(`${where}: got ${got}`);
          const compare = step.match === 'subset' ? subsetMismatch : exactMismatch;
          const m = compare(step.data, out.payload.data);
          if (m) throw new Error(`${where}: got ${got}: ${m}`);
          // tokenExpired also carries {message} at the top level, as integrators read it.
          if (step.name === 'tokenExpired') expect(out.payload.message).toBe(out.payload.data.message);
        } else if (step.expect === 'resolve') {
          if (out.call !== step.call) throw new Error(`${where}: got ${got}`);
          if (step.data !== undefined) {
            const m = exactMismatch(step.data, out.data);
            if (m) throw new Error(`${where}: got ${got}: ${m}`);
          }
        } else {
          if (out.call !== step.call) throw new Error(`${where}: got ${got}`);
          expect([where, out.error.code, out.error.name, out.error.status]).toEqual([
            where,
            step.code,
            step.name,
            'error',
          ]);
          expect(typeof out.error.errorMsg).toBe('string');
        }
      } else if (step.expect === 'media') {
        const out = await take('media', 'media', i);
        const m = exactMismatch({ name: step.name, data: step.data }, out);
        if (m) throw new Error(`${where}: got ${JSON.stringify(out)}: ${m}`);
      } else {
        throw new Error(`${where}: unknown step`);
      }
    }
    // Nothing may be left over in any stream (a duplicate event, an extra frame, …).
    await settle();
    expect({ wire: peer.wire, api: api.map((o) => `${o.kind} ${o.name || o.call}`), media }).toEqual({
      wire: [],
      api: [],
      media: [],
    });
  } finally {
    tccc.destroy();
    jest.useRealTimers();
    await peer.close();
  }
}

describe('scenario fixtures', () => {
  test('there are scenarios to run', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });
  test.each(FILES)(
    '%s',
    async (file) => {
      const scenario = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
      await runScenario(scenario);
    },
    30000,
  );
});
