// SPDX-License-Identifier: Apache-2.0
// The wasm surface itself (bindings/CoreBinding.cpp + TcccCore.js on Emscripten's minimal runtime):
// Module.TcccCore driven directly through the release glue the bundles are built from. The SDK
// suites cover it end to end; these pin what the marshalling must get right: UTF-8 both ways, two
// strings per call, unsigned results, huge inputs, the fast input path, a deleted object, heap
// blocks released after each call, and start-up failures that reject instead of hanging.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const BUILD = path.join(__dirname, '../../../build/wasm');
const GLUE = path.join(BUILD, 'tccc-core.js');
const WASM = path.join(BUILD, 'tccc-core.wasm');
if (!fs.existsSync(GLUE) || !fs.existsSync(WASM)) {
  throw new Error(`${GLUE} is missing: build the wasm first (scripts/build.sh wasm)`);
}
const createTcccCore = require(GLUE);

const USER = 'agent-张三-😀@example.com';
const CONFIG = { sdkAppId: 1400000001, userId: USER, token: 'token', randomSeed: 7 };
const NOW = 1000;

let mod;
beforeAll(async () => {
  mod = await createTcccCore({ wasm: new Uint8Array(fs.readFileSync(WASM)) });
});

const drain = (core) => JSON.parse(core.drain());
const sentFrames = (cmds) => cmds.filter((c) => c.kind === 'send').map((c) => JSON.parse(c.text));

// A core logged in with `sessions` live.
function readyCore(sessions = []) {
  const core = new mod.TcccCore(JSON.stringify(CONFIG));
  core.start(NOW);
  expect(drain(core)).toEqual([{ kind: 'connect' }]);
  core.onOpen(NOW);
  const [login] = sentFrames(drain(core));
  expect(login.method).toBe('auth.login');
  core.onMessage(
    JSON.stringify({
      v: 1,
      type: 'res',
      id: login.id,
      ok: true,
      data: {
        resumeToken: 'r-1',
        heartbeatMs: 600000,
        serverTime: 0,
        seq: 0,
        agent: { userId: USER, sdkAppId: 1400000001, status: 'free', restReason: '' },
        sessions,
        iceServers: [],
      },
    }),
    NOW,
  );
  return core;
}

test('non-ASCII text crosses into the core and back as the same UTF-8', () => {
  const core = new mod.TcccCore(JSON.stringify(CONFIG));
  core.start(NOW);
  drain(core);
  core.onOpen(NOW);
  const [login] = sentFrames(drain(core));
  expect(login.data.userId).toBe(USER);
  expect(core.phase()).toBe(1);
  core.onMessage(
    JSON.stringify({
      v: 1,
      type: 'res',
      id: login.id,
      ok: true,
      data: {
        resumeToken: 'r-1',
        heartbeatMs: 600000,
        serverTime: 0,
        seq: 0,
        agent: { userId: USER, sdkAppId: 1400000001, status: 'rest', restReason: '午休 ☕' },
        sessions: [],
        iceServers: [],
      },
    }),
    NOW,
  );
  const cmds = drain(core);
  expect(cmds.find((c) => c.kind === 'emit' && c.name === 'ready')).toBeDefined();
  expect(cmds.find((c) => c.kind === 'emit' && c.name === 'statusChanged').data).toEqual({
    status: 'rest',
    restReason: '午休 ☕',
  });
  expect(core.agentStatus()).toBe('rest');
  expect(core.phase()).toBe(2);
  core.delete();
});

test('call() passes the API name and its options as two strings, each intact', () => {
  const core = readyCore();
  drain(core);
  // Options longer than the name, non-ASCII on both sides of the boundary between them.
  const h1 = core.call(
    'Call.startOutboundCall',
    JSON.stringify({ phoneNumber: '13800138000', phoneDesc: '客户😀'.repeat(20), uui: 'é' }),
    NOW,
  );
  const [req] = sentFrames(drain(core));
  expect(req.method).toBe('call.startOutbound');
  expect(req.data).toMatchObject({ phoneNumber: '13800138000', phoneDesc: '客户😀'.repeat(20), uui: 'é' });
  // A name with non-ASCII text is reported back exactly as given.
  const h2 = core.call('Call.不存在', '{}', NOW);
  expect(h2).toBe(h1 + 1);
  const [reject] = drain(core);
  expect(reject).toMatchObject({ kind: 'reject', handle: h2, code: -11001 });
  expect(reject.message).toContain('Call.不存在');
  // Options that are not JSON are a bad argument, not a crash.
  const h3 = core.call('Call.accept', '{not json', NOW);
  expect(drain(core)).toEqual([expect.objectContaining({ kind: 'reject', handle: h3, code: -11001 })]);
  core.delete();
});

test('text arguments must be strings', () => {
  const core = new mod.TcccCore(JSON.stringify(CONFIG));
  expect(() => core.call('Call.accept', { sessionId: 's-1' }, NOW)).toThrow();
  expect(() => core.onMessage(42, NOW)).toThrow();
  expect(() => new mod.TcccCore(undefined)).toThrow();
  // Nothing reached the core.
  expect(drain(core)).toEqual([]);
  core.delete();
});

test('a frame far beyond the protocol limit is refused, and the core keeps working after it', () => {
  const core = readyCore();
  drain(core);
  core.onMessage(
    JSON.stringify({
      v: 1,
      type: 'evt',
      event: 'agent.status',
      seq: 1,
      data: { status: 'busy', pad: 'x'.repeat(400000) },
    }),
    NOW,
  );
  expect(JSON.parse(core.stats())).toMatchObject({ droppedFrames: 1 });
  expect(drain(core)).toEqual([]);
  // The scratch buffer is released after such a frame and allocated anew for the next one.
  core.onMessage('x'.repeat(400000), NOW);
  core.onMessage(
    JSON.stringify({ v: 1, type: 'evt', event: 'agent.status', seq: 1, data: { status: 'notReady' } }),
    NOW,
  );
  expect(drain(core)).toEqual([{ kind: 'emit', name: 'statusChanged', data: { status: 'notReady' } }]);
  expect(JSON.parse(core.stats())).toMatchObject({ framesReceived: 4, droppedFrames: 2 });
  core.delete();
});

test('the fast input path and the text results agree with the plain path', () => {
  const session = {
    sessionId: 's-é',
    type: 'phone',
    direction: 'in',
    state: 'ringing',
    timeout: 30,
    createdAt: 1732400000000,
    calleePhoneNumber: '4008001000',
    callerPhoneNumber: '13800138000',
    callerLocation: '深圳',
    remark: '',
    serverType: 'staffSeat',
  };
  const core = readyCore();
  drain(core);
  const text = JSON.stringify({ v: 1, type: 'evt', event: 'session.state', seq: 1, data: { session } });
  const bytes = Buffer.from(text, 'utf8');
  const ptr = core.inputBuffer(bytes.length);
  expect(ptr).toBeGreaterThan(0);
  mod.HEAPU8.set(bytes, ptr);
  core.onMessageInput(bytes.length, NOW);
  const [callIn] = drain(core);
  expect(callIn).toMatchObject({ kind: 'emit', name: 'callIn', data: { sessionId: 's-é', callerLocation: '深圳' } });
  const sessions = JSON.parse(core.sessions());
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ sessionId: 's-é', state: 'ringing' });
  expect(core.nextDeadline()).toBeGreaterThan(NOW);
  core.delete();
});

test('a deleted core refuses every call instead of touching freed memory', () => {
  const core = readyCore();
  expect(core.isDeleted()).toBe(false);
  core.destroy(NOW);
  expect(drain(core).map((c) => c.kind)).toEqual(expect.arrayContaining(['send', 'close']));
  expect(core.phase()).toBe(5);
  core.delete();
  expect(core.isDeleted()).toBe(true);
  for (const f of [
    () => core.drain(),
    () => core.call('Call.accept', '{}', NOW),
    () => core.onTick(NOW),
    () => core.stats(),
    () => core.delete(),
  ])
    expect(f).toThrow(/deleted/);
});

test('handles are unsigned and cores are independent', () => {
  const a = new mod.TcccCore(JSON.stringify(CONFIG));
  const b = new mod.TcccCore(JSON.stringify({ ...CONFIG, userId: 'bob' }));
  const ha = a.call('Agent.online', '{}', NOW);
  expect(ha).toBeGreaterThan(0);
  expect(b.call('Agent.online', '{}', NOW)).toBe(ha);
  expect(drain(a)).toEqual([expect.objectContaining({ kind: 'reject', handle: ha, code: -11002 })]);
  expect(drain(b)).toHaveLength(1);
  a.delete();
  expect(b.agentStatus()).toBe('offline');
  b.delete();
});

test('string arguments leave nothing behind on the wasm heap', () => {
  const core = readyCore();
  drain(core);
  // Calls the core answers at once and keeps nothing of (an unknown session), with big arguments.
  const call = () => {
    core.call('Call.accept', JSON.stringify({ sessionId: 's-' + '客'.repeat(20), ignored: '客户'.repeat(500) }), NOW);
    core.onMessage(JSON.stringify({ v: 1, type: 'ping', t: 1, ignored: 'x'.repeat(3000) }), NOW);
    expect(drain(core).map((c) => c.kind)).toEqual(['reject', 'send']);
    core.stats();
  };
  for (let i = 0; i < 50; i++) call();
  const heap = mod.HEAP8.length;
  for (let i = 0; i < 2000; i++) call();
  expect(mod.HEAP8.length).toBe(heap);
  core.delete();
});

test('the glue also takes a compiled module, and a start-up failure rejects instead of hanging', async () => {
  const compiled = await WebAssembly.compile(fs.readFileSync(WASM));
  const other = await createTcccCore({ wasm: compiled });
  const core = new other.TcccCore(JSON.stringify(CONFIG));
  core.start(NOW);
  expect(drain(core)).toEqual([{ kind: 'connect' }]);
  core.delete();
  // A module whose import the glue cannot satisfy ("a"."zz"): instantiation fails with a LinkError.
  const unlinkable = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 8, 1, 1, 97, 2, 122, 122, 0, 0,
  ]);
  await expect(createTcccCore({ wasm: unlinkable })).rejects.toThrow(WebAssembly.LinkError);
  await expect(createTcccCore({ wasm: new Uint8Array([1, 2, 3]) })).rejects.toThrow(WebAssembly.CompileError);
});

test('an abort in the core throws an Error that says so', async () => {
  // A module of its own: after an abort the shim never calls into that instance again.
  const doomed = await createTcccCore({ wasm: new Uint8Array(fs.readFileSync(WASM)) });
  const core = new doomed.TcccCore(JSON.stringify(CONFIG));
  // 2 GB of input buffer cannot be allocated: operator new aborts (the build has no exceptions).
  expect(() => core.inputBuffer(0x7ffffff0)).toThrow(/tccc-core aborted/);
});
