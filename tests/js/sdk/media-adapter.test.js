// SPDX-License-Identifier: Apache-2.0
// WebRtcMediaAdapter against scripted stand-ins for the browser's objects (the real thing runs in
// Chromium in tests/e2e/media-inbound.e2e.mjs): the order of negotiation, candidates that race ahead
// of the offer, mute/hold on the local track, teardown, a call ending while the microphone prompt is
// up, a refused microphone, and the autoplay refusal retried on the next user gesture.
const { WebRtcMediaAdapter } = require('../../../dist/index.cjs');

class FakeTrack {
  constructor() { this.kind = 'audio'; this.enabled = true; this.stopped = false; }
  stop() { this.stopped = true; }
}
class FakeStream {
  constructor(tracks) { this.tracks = tracks; }
  getTracks() { return this.tracks; }
  getAudioTracks() { return this.tracks; }
}
class FakePc {
  constructor(config) {
    this.config = config;
    this.log = [];
    this.remoteDescription = null;
    this.localDescription = null;
    this.signalingState = 'stable';
    this.connectionState = 'new';
    this.senders = [];
    FakePc.instances.push(this);
  }
  addTrack(track) { this.senders.push({ track, dtmf: { canInsertDTMF: true, insertDTMF: (d) => this.log.push(`dtmf ${d}`) } }); }
  getSenders() { return this.senders; }
  async setRemoteDescription(d) { this.log.push(`remote ${d.type} ${d.sdp}`); this.remoteDescription = d; }
  async createAnswer() { return { type: 'answer', sdp: 'answer-sdp' }; }
  async setLocalDescription(d) { this.log.push(`local ${d.type}`); this.localDescription = d; }
  async addIceCandidate(c) {
    if (c && c.candidate === 'bad') throw new Error('bad candidate');
    this.log.push(`candidate ${c ? c.candidate : 'end'}`);
  }
  close() { this.log.push('close'); this.connectionState = 'closed'; }
}
FakePc.instances = [];

function fakeAudio(playResults) {
  return {
    srcObject: null, muted: false, plays: 0, paused: false,
    play() { this.plays++; const r = playResults.shift() || 'ok'; return r === 'ok' ? Promise.resolve() : Promise.reject(Object.assign(new Error(r), { name: r })); },
    pause() { this.paused = true; },
  };
}

function setup({ playResults = [], gum } = {}) {
  FakePc.instances = [];
  const signals = [];
  const events = [];
  const track = new FakeTrack();
  const audio = fakeAudio(playResults);
  let release;
  const adapter = new WebRtcMediaAdapter({
    RTCPeerConnection: FakePc,
    getUserMedia: gum || (async () => new FakeStream([track])),
    createAudioElement: () => audio,
  });
  adapter.attach({
    signal: async (kind, data) => { signals.push([kind, data]); return { status: 'success' }; },
    emit: (name, data) => events.push([name, data.state, data.reason]),
  });
  return { adapter, signals, events, track, audio, release };
}

const settle = () => new Promise((r) => setTimeout(r, 10));
const ICE = [{ urls: 'stun:127.0.0.1:3478' }];

afterEach(() => { delete globalThis.document; });

test('an offer is answered on a new pc with the server ICE servers; early candidates wait for it', async () => {
  const { adapter, signals, events, audio } = setup();
  adapter.handle('candidate', { sessionId: 's-1', candidate: { candidate: 'early', sdpMid: '0' } });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'offer-sdp', iceServers: ICE });
  adapter.handle('candidate', { sessionId: 's-1', candidate: { candidate: 'bad' } });
  adapter.handle('candidate', { sessionId: 's-1', candidate: { candidate: 'late' } });
  await settle();
  const pc = FakePc.instances[0];
  expect(FakePc.instances).toHaveLength(1);
  expect(pc.config.iceServers).toEqual(ICE);
  expect(pc.log).toEqual(['remote offer offer-sdp', 'candidate early', 'local answer', 'candidate late']);
  expect(signals).toEqual([['answer', { sessionId: 's-1', sdp: 'answer-sdp' }]]);
  // Local candidates go out; the remote track plays.
  pc.onicecandidate({ candidate: { toJSON: () => ({ candidate: 'mine', sdpMid: '0', sdpMLineIndex: 0 }) } });
  expect(signals[1]).toEqual(['candidate', { sessionId: 's-1', candidate: { candidate: 'mine', sdpMid: '0', sdpMLineIndex: 0 } }]);
  const remote = new FakeStream([new FakeTrack()]);
  pc.ontrack({ streams: [remote], track: remote.tracks[0] });
  await settle();
  expect(audio.srcObject).toBe(remote);
  expect(adapter.remoteStream('s-1')).toBe(remote);
  pc.connectionState = 'connected';
  pc.onconnectionstatechange();
  expect(events.map((e) => e[1])).toEqual(['connecting', 'playing', 'connected']);
  // A second offer (ICE restart) is answered on the same pc.
  adapter.handle('offer', { sessionId: 's-1', sdp: 'restart-sdp', iceServers: ICE });
  await settle();
  expect(FakePc.instances).toHaveLength(1);
  expect(pc.log.slice(-2)).toEqual(['remote offer restart-sdp', 'local answer']);
  expect(signals.filter(([k]) => k === 'answer')).toHaveLength(2);
});

test('mute and hold silence the microphone track; end closes and stops everything once', async () => {
  const { adapter, events, track, audio } = setup();
  adapter.handle('mute', { sessionId: 's-1' });  // before media: applied when the track exists
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
  await settle();
  expect(track.enabled).toBe(false);
  adapter.handle('unmute', { sessionId: 's-1' });
  expect(track.enabled).toBe(true);
  adapter.handle('hold', { sessionId: 's-1' });
  expect(track.enabled).toBe(false);
  adapter.handle('unHold', { sessionId: 's-1' });
  expect(track.enabled).toBe(true);
  adapter.handle('sendDigits', { sessionId: 's-1', digits: '12#' });
  const pc = FakePc.instances[0];
  expect(pc.log).toContain('dtmf 12#');
  adapter.handle('end', { sessionId: 's-1' });
  adapter.handle('end', { sessionId: 's-1' });
  expect(pc.log.filter((l) => l === 'close')).toHaveLength(1);
  expect(track.stopped).toBe(true);
  expect(audio.srcObject).toBe(null);
  expect(events.map((e) => e[1])).toEqual(['connecting', 'closed']);
  // Signalling for the ended session starts nothing new.
  adapter.handle('candidate', { sessionId: 's-1', candidate: { candidate: 'x' } });
  await settle();
  expect(FakePc.instances).toHaveLength(1);
});

test('a call that ends while the microphone prompt is up releases the microphone', async () => {
  let grant;
  const track = new FakeTrack();
  const { adapter, signals } = setup({ gum: () => new Promise((r) => { grant = () => r(new FakeStream([track])); }) });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
  await settle();
  adapter.handle('end', { sessionId: 's-1' });
  grant();
  await settle();
  expect(track.stopped).toBe(true);
  expect(FakePc.instances).toHaveLength(0);
  expect(signals).toEqual([]);
});

test('a refused microphone is reported as failed, not thrown', async () => {
  const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
  const { adapter, signals, events } = setup({ gum: async () => { throw denied; } });
  const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
  await settle();
  spy.mockRestore();
  expect(signals).toEqual([]);
  expect(events[events.length - 1][1]).toBe('failed');
  expect(events[events.length - 1][2]).toMatch(/microphone.*NotAllowedError/);
});

test('autoplay refused: reported, then retried on the next user gesture', async () => {
  const listeners = {};
  globalThis.document = {
    addEventListener: (name, fn) => { listeners[name] = fn; },
    removeEventListener: (name) => { delete listeners[name]; },
  };
  const { adapter, events, audio } = setup({ playResults: ['NotAllowedError', 'ok'] });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
  await settle();
  const remote = new FakeStream([new FakeTrack()]);
  FakePc.instances[0].ontrack({ streams: [remote], track: remote.tracks[0] });
  await settle();
  expect(events.map((e) => e[1])).toEqual(['connecting', 'autoplayBlocked']);
  expect(Object.keys(listeners).sort()).toEqual(['keydown', 'pointerdown', 'touchstart']);
  listeners.pointerdown();
  await settle();
  expect(audio.plays).toBe(2);
  expect(events.map((e) => e[1])).toEqual(['connecting', 'autoplayBlocked', 'playing']);
  expect(Object.keys(listeners)).toEqual([]);
  adapter.close();
});

test('malformed commands are ignored', async () => {
  const { adapter, signals } = setup();
  adapter.handle('offer', { sdp: 'no session' });
  adapter.handle('offer', { sessionId: 's-1' });
  adapter.handle('candidate', { sessionId: 's-1', candidate: 'text' });
  adapter.handle('whatever', { sessionId: 's-1' });
  await settle();
  expect(FakePc.instances).toHaveLength(0);
  expect(signals).toEqual([]);
});
