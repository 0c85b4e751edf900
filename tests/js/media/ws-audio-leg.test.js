// SPDX-License-Identifier: Apache-2.0
// One call's audio over the WebSocket (js/src/media/WsAudioLeg.ts) against a scripted socket and a
// stand-in for the audio graph: what it sends, how it bounds its backlog, what it makes of the
// server's frames, and how it reopens, fails and lets go of the microphone. The real path (Chromium,
// the server, Opus in the worklet) is covered by tests/e2e/ws-audio.e2e.mjs; these cases are the
// ones a browser cannot be made to produce on demand: a stalled socket, a proxy cutting it.
const { loadTs } = require('../helpers/tsModule');

const { WsAudioLeg } = loadTs('js/src/media/WsAudioLeg.ts');
const { parseServerFrame, FRAME_AUDIO, FRAME_EVENT, FRAME_PING } = loadTs('js/src/media/WsMediaFrame.ts');

/** A socket whose other end is the test: it opens, closes and stalls when told to. */
class ScriptedSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.bufferedAmount = 0;
    this.sent = [];
    this.closedWith = undefined;
    ScriptedSocket.all.push(this);
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.();
    });
  }
  send(frame) {
    this.sent.push(frame);
  }
  close(code) {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** The server or a proxy ends the connection. */
  drop(code) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  receive(bytes) {
    this.onmessage?.({ data: Uint8Array.from(bytes).buffer });
  }
  /** What the leg sent, parsed, with the type byte kept (the client's frames share the server's layout). */
  frames(type) {
    return this.sent.filter((f) => f[0] === type);
  }
}

/** The parts of WebAudio the leg touches, recording what was done to them. */
function installAudioGraph() {
  const graph = { nodes: [], contexts: [] };
  globalThis.AudioContext = class {
    constructor(options) {
      this.options = options;
      this.state = 'suspended';
      this.destination = {};
      graph.contexts.push(this);
    }
    createMediaStreamSource(stream) {
      return { stream, connect() {}, disconnect() {} };
    }
    async resume() {
      this.state = 'running';
    }
    async close() {
      this.state = 'closed';
    }
  };
  globalThis.AudioWorkletNode = class {
    constructor(context, name, options) {
      this.name = name;
      this.options = options;
      this.posted = [];
      this.disconnected = false;
      const node = this;
      this.port = {
        onmessage: undefined,
        postMessage(m) {
          node.posted.push(m);
          if (m.t === 'init') queueMicrotask(() => node.port.onmessage?.({ data: { t: 'ready' } }));
        },
      };
      graph.nodes.push(this);
    }
    connect() {}
    disconnect() {
      this.disconnected = true;
    }
    /** The processor posts a message to the leg. */
    emit(data) {
      this.port.onmessage?.({ data });
    }
  };
  return graph;
}

function microphone() {
  const track = {
    readyState: 'live',
    stop() {
      this.readyState = 'ended';
    },
  };
  return { track, stream: { getTracks: () => [track], getAudioTracks: () => [track] } };
}

function startLeg(overrides = {}) {
  const states = [];
  const tickets = [];
  const mic = microphone();
  const leg = new WsAudioLeg({
    sessionId: 's-1',
    host: {
      async mediaWs(sessionId) {
        tickets.push(sessionId);
        return { url: 'ws://127.0.0.1:9/ws/media', path: '/ws/media', token: `ticket-${tickets.length}` };
      },
      emit() {},
    },
    chunk: { module: async () => ({ wasm: true }), install: async () => {} },
    openMicrophone: async () => mic.stream,
    onState: (state, reason) => states.push(reason ? `${state}: ${reason}` : state),
    audioWatch: false,
    WebSocket: ScriptedSocket,
    ...overrides,
  });
  legs.push(leg);
  return { leg, states, tickets, mic };
}

/** A host whose ticket arrives only when the test calls `release()`: the leg is caught half-started. */
function slowTicket() {
  let answer;
  const host = {
    mediaWs: () =>
      new Promise((r) => {
        answer = r;
      }),
    emit() {},
  };
  return { host, release: () => answer({ url: 'ws://127.0.0.1:9/ws/media', path: '/ws/media', token: 't' }) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const opus = (n) => new Uint8Array(n).fill(0x5a);

let graph;
/** Every leg a test made, closed after it even when an expectation failed (their timers keep Jest alive). */
let legs = [];
beforeEach(() => {
  legs = [];
  ScriptedSocket.all = [];
  graph = installAudioGraph();
});
afterEach(() => {
  for (const leg of legs) leg.close();
  jest.useRealTimers();
});

test('opens the socket with its ticket, starts the worklet and says it plays', async () => {
  const { leg, states } = startLeg();
  await leg.start();
  const [ws] = ScriptedSocket.all;
  expect(new URL(ws.url).searchParams.get('token')).toBe('ticket-1');
  expect(ws.binaryType).toBe('arraybuffer');
  expect(graph.contexts[0].options.sampleRate).toBe(48000);
  expect(graph.nodes[0].posted.map((m) => m.t)).toEqual(['init', 'send', 'play']);
  expect(states).toEqual(['connecting', 'connected', 'playing']);
  expect(ws.frames(FRAME_PING)).toHaveLength(1); // the first round-trip probe goes out at once
  leg.close();
});

test('each encoded packet becomes one audio frame with the next sequence number', async () => {
  const { leg } = startLeg();
  await leg.start();
  const [ws] = ScriptedSocket.all;
  const node = graph.nodes[0];
  for (let i = 0; i < 3; i++) node.emit({ t: 'packet', ts: i * 960, bytes: opus(60) });
  const frames = ws.frames(FRAME_AUDIO).map((f) => parseServerFrame(f.slice().buffer));
  expect(frames.map((f) => f.type)).toEqual(['audio', 'audio', 'audio']);
  expect([(frames[1].seq - frames[0].seq) & 0xffff, (frames[2].seq - frames[1].seq) & 0xffff]).toEqual([1, 1]);
  expect([frames[1].timestamp - frames[0].timestamp, frames[2].timestamp - frames[1].timestamp]).toEqual([960, 960]);
  expect(frames[0].payload).toHaveLength(60);
  expect(leg.counters.sent).toBe(3);
  leg.close();
});

test('a stalled socket drops own audio beyond 200 ms instead of queueing it', async () => {
  const { leg } = startLeg();
  await leg.start();
  const [ws] = ScriptedSocket.all;
  const node = graph.nodes[0];
  // 87-byte frames (80 of Opus) every 20 ms: 200 ms is 10 frames, 870 bytes.
  node.emit({ t: 'packet', ts: 0, bytes: opus(80) });
  ws.bufferedAmount = 1000;
  for (let i = 1; i <= 5; i++) node.emit({ t: 'packet', ts: i * 960, bytes: opus(80) });
  expect(leg.counters).toMatchObject({ sent: 1, backpressureDrops: 5 });
  ws.bufferedAmount = 0; // the socket drains: audio flows again, numbered on from the last sent frame
  node.emit({ t: 'packet', ts: 6 * 960, bytes: opus(80) });
  const seqs = ws.frames(FRAME_AUDIO).map((f) => parseServerFrame(f.slice().buffer).seq);
  expect(seqs).toHaveLength(2);
  expect((seqs[1] - seqs[0]) & 0xffff).toBe(1);
  leg.close();
});

test('DTMF goes out as telephone events in the audio numbering, ending with the end bit', async () => {
  const { leg } = startLeg();
  await leg.start();
  const [ws] = ScriptedSocket.all;
  graph.nodes[0].emit({ t: 'packet', ts: 0, bytes: opus(40) });
  leg.sendDigits('5x'); // 'x' is not a digit and is skipped
  await new Promise((r) => setTimeout(r, 300));
  const audioSeq = parseServerFrame(ws.frames(FRAME_AUDIO)[0].slice().buffer).seq;
  const events = ws.frames(FRAME_EVENT).map((f) => parseServerFrame(f.slice().buffer));
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events.every((e) => e.payload[0] === 5)).toBe(true);
  expect((events[0].seq - audioSeq) & 0xffff).toBe(1);
  // RFC 4733 2.5.1.4: the end packet is repeated; the ones before it do not carry the end bit.
  const ends = events.map((e) => (e.payload[1] & 0x80) !== 0);
  expect(ends[0]).toBe(false);
  expect(ends.at(-1)).toBe(true);
  expect(ends.indexOf(true)).toBeGreaterThan(0);
  expect(ends.slice(ends.indexOf(true)).every(Boolean)).toBe(true);
  leg.close();
});

test.each([
  [
    'a pong measures the round trip',
    (ws, pingId) => [3, 0, 0, 0, pingId],
    (s) => expect(s.rttMs).toBeGreaterThanOrEqual(0),
  ],
  [
    "the server's report gives what it lost of ours",
    () => [4, 64, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 1, 0],
    (s) => expect(s.remoteFractionLost).toBe(0.25),
  ],
  [
    'a frame of an unknown type is counted and dropped',
    () => [9, 1, 2],
    (s, leg) => expect(leg.counters.invalid).toBe(1),
  ],
  ['a truncated report is counted and dropped', () => [4, 64], (s, leg) => expect(leg.counters.invalid).toBe(1)],
])('%s', async (_name, serverFrame, check) => {
  const { leg } = startLeg();
  await leg.start();
  const [ws] = ScriptedSocket.all;
  const pingId = ws.frames(FRAME_PING)[0][4];
  ws.receive(serverFrame(ws, pingId));
  graph.nodes[0].emit({ t: 'levels', agent: 0.5, remote: 0.25, stats: { received: 1, lost: 0, jitterMs: 2 } });
  check(await leg.read(), leg);
  leg.close();
});

test('audio from the server goes to the worklet; a muted agent reads as silent', async () => {
  const { leg } = startLeg();
  await leg.start();
  const [ws] = ScriptedSocket.all;
  const node = graph.nodes[0];
  ws.receive([1, 0, 7, 0, 0, 3, 192, 0xfc, 0xff, 0xfe]);
  const packet = node.posted.find((m) => m.t === 'packet');
  expect(packet).toMatchObject({ seq: 7, ts: 960 });
  expect(Array.from(packet.bytes)).toEqual([0xfc, 0xff, 0xfe]);
  leg.setMuted(true);
  expect(node.posted.at(-1)).toEqual({ t: 'send', on: true, silent: true });
  node.emit({ t: 'levels', agent: 0.8, remote: 0.3, stats: { received: 1, lost: 0, jitterMs: 0 } });
  expect(await leg.read()).toMatchObject({ agentLevel: 0, remoteLevel: 0.3, connected: true });
  leg.setHeld(true);
  expect(node.posted.slice(-2)).toEqual([
    { t: 'send', on: false, silent: true },
    { t: 'play', on: false },
  ]);
  leg.close();
});

test('a socket cut by a proxy is reopened with a fresh ticket, three times at most', async () => {
  const { leg, states, tickets } = startLeg();
  await leg.start();
  jest.useFakeTimers();
  for (let reopen = 1; reopen <= 3; reopen++) {
    ScriptedSocket.all.at(-1).drop(1006);
    await jest.advanceTimersByTimeAsync(1000);
    await Promise.resolve();
    expect(ScriptedSocket.all).toHaveLength(reopen + 1);
    expect(new URL(ScriptedSocket.all.at(-1).url).searchParams.get('token')).toBe(`ticket-${reopen + 1}`);
  }
  expect(tickets).toHaveLength(4);
  ScriptedSocket.all.at(-1).drop(1006);
  expect(states.at(-1)).toBe('failed: the media socket closed (1006)');
  expect(leg.closed).toBe(true);
});

test('a refused ticket (4401) fails the leg at once and lets go of the microphone and audio', async () => {
  const { leg, states, mic } = startLeg();
  await leg.start();
  ScriptedSocket.all[0].drop(4401);
  expect(states.at(-1)).toBe('failed: the media socket closed (4401)');
  expect(ScriptedSocket.all).toHaveLength(1);
  expect(mic.track.readyState).toBe('ended');
  expect(graph.nodes[0].disconnected).toBe(true);
  await settle();
  expect(graph.contexts[0].state).toBe('closed');
});

test('after close nothing more is sent, even if the worklet still posts', async () => {
  const { leg, states, mic } = startLeg();
  await leg.start();
  const [ws] = ScriptedSocket.all;
  leg.close();
  leg.close(); // twice is harmless
  graph.nodes[0].emit({ t: 'packet', ts: 0, bytes: opus(40) });
  expect(ws.frames(FRAME_AUDIO)).toHaveLength(0);
  expect(ws.closedWith).toBe(1000);
  expect(mic.track.readyState).toBe('ended');
  expect(states.filter((s) => s === 'closed')).toHaveLength(1);
  expect(await leg.read()).toBeUndefined();
});

test('a leg closed while its ticket is on the way never opens a socket', async () => {
  const ticket = slowTicket();
  const { leg, states } = startLeg({ host: ticket.host });
  const started = leg.start();
  await settle();
  leg.close();
  ticket.release();
  await started;
  await settle();
  expect(ScriptedSocket.all).toHaveLength(0);
  expect(states.at(-1)).toBe('closed');
  expect(states).not.toContain('connected');
});

test('audio ready before the socket: the leg says connected first, then playing', async () => {
  const ticket = slowTicket();
  const { leg, states } = startLeg({ host: ticket.host });
  const started = leg.start();
  await settle();
  expect(graph.contexts[0].state).toBe('running'); // the audio is up, the socket not yet
  expect(states).toEqual(['connecting']);
  ticket.release();
  await started;
  expect(states).toEqual(['connecting', 'connected', 'playing']);
  leg.close();
});
