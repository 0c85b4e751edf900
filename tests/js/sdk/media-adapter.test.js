// SPDX-License-Identifier: Apache-2.0
// WebRtcMediaAdapter against scripted stand-ins for the browser's objects (the real thing runs in
// Chromium in tests/e2e/media-inbound.e2e.mjs): the order of negotiation, candidates that race ahead
// of the offer, an answer that does not wait for the microphone (prepare), mute/hold on the local track,
// teardown, a call ending while the microphone prompt is up, a refused microphone, and the autoplay
// refusal retried on the next user gesture.
const { WebRtcMediaAdapter } = require('../../../dist/index.cjs');

class FakeTrack {
  constructor(kind = 'audio', label = 'mic') {
    this.kind = kind;
    this.label = label;
    this.enabled = true;
    this.stopped = false;
  }
  stop() {
    this.stopped = true;
  }
}
class FakeStream {
  constructor(tracks) {
    this.tracks = tracks;
  }
  getTracks() {
    return this.tracks;
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(t) {
    this.tracks.push(t);
  }
  removeTrack(t) {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}
// Unified Plan as far as the adapter uses it: addTrack makes a transceiver (or takes a remote
// offer's unused one), a remote offer makes a recvonly transceiver per m-line (audio always here,
// video when the SDP has one), and a closed pc refuses everything, as browsers do.
class FakePc {
  constructor(config) {
    this.config = config;
    this.log = [];
    this.remoteDescription = null;
    this.localDescription = null;
    this.signalingState = 'stable';
    this.connectionState = 'new';
    this.senders = [];
    this.transceivers = [];
    FakePc.instances.push(this);
  }
  _sender(kind, track) {
    const pc = this;
    const sender = {
      track,
      dtmf:
        kind === 'audio'
          ? { canInsertDTMF: true, insertDTMF: (d, dur, gap) => this.log.push(`dtmf ${d} ${dur}/${gap}`) }
          : null,
      async replaceTrack(t) {
        pc.log.push(`replace ${kind} ${t ? t.label : 'null'}`);
        sender.track = t;
      },
    };
    this.senders.push(sender);
    return sender;
  }
  _transceiver(kind, direction, track) {
    const t = { direction, receiver: { track: { kind } }, sender: this._sender(kind, track) };
    this.transceivers.push(t);
    return t;
  }
  _open() {
    if (this.signalingState === 'closed') throw Object.assign(new Error('closed'), { name: 'InvalidStateError' });
  }
  addTrack(track) {
    this._open();
    const unused = this.transceivers.find(
      (t) => t.receiver.track.kind === track.kind && !t.sender.track && t.direction === 'recvonly',
    );
    if (unused) {
      unused.direction = 'sendrecv';
      unused.sender.track = track;
      return unused.sender;
    }
    return this._transceiver(track.kind, 'sendrecv', track).sender;
  }
  getSenders() {
    return this.senders;
  }
  getTransceivers() {
    return this.transceivers;
  }
  async setRemoteDescription(d) {
    this._open();
    this.log.push(`remote ${d.type} ${d.sdp}`);
    if (d.type === 'offer' && !this.remoteDescription && !this.transceivers.length) {
      this._transceiver('audio', 'recvonly', null);
      if (/m=video/.test(d.sdp)) this._transceiver('video', 'recvonly', null);
    }
    this.remoteDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  async createAnswer() {
    this._open();
    return { type: 'answer', sdp: 'answer-sdp' };
  }
  async createOffer(o) {
    return { type: 'offer', sdp: o && o.iceRestart ? 'restart-offer-sdp' : 'offer-sdp' };
  }
  async setLocalDescription(d) {
    this.log.push(`local ${d.type}`);
    if (d.type === 'rollback') {
      this.signalingState = 'stable';
      return;
    }
    this.localDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async addIceCandidate(c) {
    if (c && c.candidate === 'bad') throw new Error('bad candidate');
    this.log.push(`candidate ${c ? c.candidate : 'end'}`);
  }
  close() {
    this.log.push('close');
    this.connectionState = 'closed';
    this.signalingState = 'closed';
  }
}
FakePc.instances = [];

function fakeAudio(playResults) {
  return {
    srcObject: null,
    muted: false,
    plays: 0,
    paused: false,
    play() {
      this.plays++;
      const r = playResults.shift() || 'ok';
      return r === 'ok' ? Promise.resolve() : Promise.reject(Object.assign(new Error(r), { name: r }));
    },
    pause() {
      this.paused = true;
    },
  };
}

function setup({ playResults = [], gum, options = {} } = {}) {
  FakePc.instances = [];
  const signals = [];
  const events = [];
  const track = new FakeTrack();
  const audio = fakeAudio(playResults);
  const video = fakeAudio([]);
  const gumCalls = [];
  const adapter = new WebRtcMediaAdapter({
    RTCPeerConnection: FakePc,
    getUserMedia:
      gum ||
      (async (c) => {
        gumCalls.push(c);
        return new FakeStream(c.video ? [track, new FakeTrack('video', 'cam')] : [track]);
      }),
    createAudioElement: () => audio,
    createVideoElement: () => video,
    ...options,
  });
  adapter.attach({
    signal: async (kind, data) => {
      signals.push([kind, data]);
      return { status: 'success' };
    },
    emit: (name, data) => events.push([name, data.state, data.reason]),
  });
  return { adapter, signals, events, track, audio, video, gumCalls };
}

const settle = () => new Promise((r) => setTimeout(r, 10));
const ICE = [{ urls: 'stun:127.0.0.1:3478' }];

afterEach(() => {
  delete globalThis.document;
});

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
  const negotiation = pc.log.filter((l) => !l.startsWith('replace'));
  expect(negotiation).toEqual(['remote offer offer-sdp', 'candidate early', 'local answer', 'candidate late']);
  expect(signals).toEqual([['answer', { sessionId: 's-1', sdp: 'answer-sdp' }]]);
  expect(pc.transceivers.map((t) => t.direction)).toEqual(['sendrecv']); // the answer sends too
  expect(pc.senders.map((s) => s.track && s.track.label)).toEqual(['mic']);
  // Local candidates go out; the remote track plays.
  pc.onicecandidate({ candidate: { toJSON: () => ({ candidate: 'mine', sdpMid: '0', sdpMLineIndex: 0 }) } });
  expect(signals[1]).toEqual([
    'candidate',
    { sessionId: 's-1', candidate: { candidate: 'mine', sdpMid: '0', sdpMLineIndex: 0 } },
  ]);
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
  expect(pc.senders).toHaveLength(1);
});

// A stand-in for Web Audio: enough for HoldMusic to make its looping source and its track.
class FakeAudioContext {
  constructor() {
    this.sampleRate = 8000;
    this.closed = false;
    FakeAudioContext.instances.push(this);
  }
  async resume() {}
  async close() {
    this.closed = true;
  }
  createBuffer(channels, length, rate) {
    const data = new Float32Array(length);
    return { length, sampleRate: rate, getChannelData: () => data };
  }
  createBufferSource() {
    return {
      connect() {},
      start() {
        this.started = true;
      },
      stop() {
        this.stopped = true;
      },
    };
  }
  createMediaStreamDestination() {
    const t = new FakeTrack('audio', 'music');
    return { stream: new FakeStream([t]) };
  }
  async decodeAudioData() {
    throw new Error('not audio');
  }
}
FakeAudioContext.instances = [];

test('mute disables the mic; hold puts music on the sender and mutes the far side; end closes everything once', async () => {
  FakeAudioContext.instances = [];
  globalThis.AudioContext = FakeAudioContext;
  try {
    const { adapter, events, track, audio } = setup();
    adapter.handle('mute', { sessionId: 's-1' }); // before media: applied when the track exists
    adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
    await settle();
    const pc = FakePc.instances[0];
    expect(track.enabled).toBe(false);
    adapter.handle('unmute', { sessionId: 's-1' });
    expect(track.enabled).toBe(true);
    const remote = new FakeStream([new FakeTrack()]);
    pc.ontrack({ streams: [remote], track: remote.tracks[0] });
    adapter.handle('hold', { sessionId: 's-1' });
    expect(audio.muted).toBe(true); // the agent does not hear a held customer
    await settle();
    expect(pc.senders[0].track.label).toBe('music'); // replaceTrack: no renegotiation
    expect(FakeAudioContext.instances).toHaveLength(1);
    adapter.handle('mute', { sessionId: 's-1' }); // muting while held keeps the music going
    adapter.handle('unHold', { sessionId: 's-1' });
    await settle();
    expect(audio.muted).toBe(false);
    expect(pc.senders[0].track).toBe(track);
    expect(track.enabled).toBe(false); // still muted after the hold
    expect(FakeAudioContext.instances[0].closed).toBe(true); // the music stops with the last hold
    expect(pc.log.filter((l) => l.startsWith('replace'))).toEqual([
      'replace audio mic', // the microphone opened
      'replace audio music',
      'replace audio mic',
    ]);
    adapter.handle('unmute', { sessionId: 's-1' });
    expect(track.enabled).toBe(true);
    adapter.handle('sendDigits', { sessionId: 's-1', digits: '12#x' });
    expect(pc.log).toContain('dtmf 12# 100/70');
    adapter.handle('end', { sessionId: 's-1' });
    adapter.handle('end', { sessionId: 's-1' });
    expect(pc.log.filter((l) => l === 'close')).toHaveLength(1);
    expect(track.stopped).toBe(true);
    expect(audio.srcObject).toBe(null);
    expect(events.map((e) => e[1])).toEqual(['connecting', 'playing', 'closed']);
    // Signalling for the ended session starts nothing new.
    adapter.handle('candidate', { sessionId: 's-1', candidate: { candidate: 'x' } });
    await settle();
    expect(FakePc.instances).toHaveLength(1);
  } finally {
    delete globalThis.AudioContext;
  }
});

test('without Web Audio a held call sends silence, never the microphone', async () => {
  const { adapter, track } = setup();
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
  adapter.handle('hold', { sessionId: 's-1' });
  await settle();
  warn.mockRestore();
  const pc = FakePc.instances[0];
  expect(pc.senders[0].track).toBe(null);
  adapter.handle('unHold', { sessionId: 's-1' });
  await settle();
  expect(pc.senders[0].track).toBe(track);
});

test('start: this side offers (internal call), applies the answer, then takes early candidates', async () => {
  const { adapter, signals } = setup();
  adapter.handle('start', { sessionId: 's-1', iceServers: ICE });
  adapter.handle('candidate', { sessionId: 's-1', candidate: { candidate: 'early' } });
  await settle();
  const pc = FakePc.instances[0];
  expect(pc.config.iceServers).toEqual(ICE);
  expect(signals).toEqual([['offer', { sessionId: 's-1', sdp: 'offer-sdp' }]]);
  adapter.handle('answer', { sessionId: 's-1', sdp: 'their-answer' });
  await settle();
  expect(pc.log).toEqual(['local offer', 'remote answer their-answer', 'candidate early']);
  // A stray second answer (no offer outstanding) is ignored.
  adapter.handle('answer', { sessionId: 's-1', sdp: 'again' });
  await settle();
  expect(pc.log).toHaveLength(3);
  adapter.close();
});

test('an offer that crosses ours wins: ours is rolled back and theirs answered', async () => {
  const { adapter, signals } = setup();
  adapter.handle('start', { sessionId: 's-1', iceServers: [] });
  await settle();
  adapter.handle('offer', { sessionId: 's-1', sdp: 'their-offer' });
  await settle();
  const pc = FakePc.instances[0];
  expect(pc.log).toEqual(['local offer', 'local rollback', 'remote offer their-offer', 'local answer']);
  expect(signals.map(([k]) => k)).toEqual(['offer', 'answer']);
  adapter.close();
});

test('video: an offer with video opens the camera; muteVideo sends no frames, unmuteVideo resumes', async () => {
  const { adapter, gumCalls, video, audio } = setup();
  adapter.handle('offer', {
    sessionId: 's-1',
    sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n',
  });
  await settle();
  expect(gumCalls).toEqual([{ audio: true, video: true }]);
  const pc = FakePc.instances[0];
  expect(pc.senders.map((x) => x.track.kind)).toEqual(['audio', 'video']);
  const remote = new FakeStream([new FakeTrack(), new FakeTrack('video', 'their-cam')]);
  pc.ontrack({ streams: [remote], track: remote.tracks[0] });
  pc.ontrack({ streams: [remote], track: remote.tracks[1] });
  expect(audio.srcObject).toBe(remote);
  expect(video.srcObject).toBe(remote);
  expect(video.muted).toBe(true); // sound plays once, through the audio element
  expect(adapter.remoteVideoElement('s-1')).toBe(video);
  adapter.handle('muteVideo', { sessionId: 's-1' });
  await settle();
  expect(pc.senders[1].track).toBe(null);
  adapter.handle('unmuteVideo', { sessionId: 's-1' });
  await settle();
  expect(pc.senders[1].track.label).toBe('cam');
  // Audio-only offers do not touch the camera.
  adapter.handle('offer', { sessionId: 's-2', sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' });
  await settle();
  expect(gumCalls[1]).toEqual({ audio: true, video: false });
  adapter.close();
  expect(video.srcObject).toBe(null);
});

test('ICE restart: a connection that stays failed offers with iceRestart; one that recovers does not', async () => {
  const { adapter, signals, events } = setup({ options: { iceRestartDelayMs: 30 } });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o' });
  await settle();
  const pc = FakePc.instances[0];
  pc.connectionState = 'disconnected';
  pc.onconnectionstatechange();
  await settle();
  pc.connectionState = 'connected'; // a blip: back before the delay
  pc.onconnectionstatechange();
  await new Promise((r) => setTimeout(r, 60));
  expect(signals.filter(([k]) => k === 'offer')).toHaveLength(0);
  pc.connectionState = 'failed';
  pc.onconnectionstatechange();
  await new Promise((r) => setTimeout(r, 60));
  expect(signals.filter(([k]) => k === 'offer')).toEqual([['offer', { sessionId: 's-1', sdp: 'restart-offer-sdp' }]]);
  expect(events.map((e) => e[1])).toEqual(['connecting', 'disconnected', 'connected', 'failed', 'iceRestart']);
  adapter.handle('answer', { sessionId: 's-1', sdp: 'restart-answer' });
  await settle();
  expect(pc.log.slice(-1)).toEqual(['remote answer restart-answer']);
  adapter.close();
});

test('setMicrophone swaps the track mid-call without renegotiating; a refused device keeps the old one', async () => {
  const mics = { usb: new FakeTrack('audio', 'usb') };
  let refuse = false;
  const first = new FakeTrack('audio', 'mic');
  const gum = async (c) => {
    if (c.audio && c.audio.deviceId) {
      if (refuse) throw Object.assign(new Error('gone'), { name: 'NotFoundError' });
      return new FakeStream([mics[c.audio.deviceId.exact]]);
    }
    return new FakeStream([first]);
  };
  const { adapter, signals } = setup({ gum });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o' });
  adapter.handle('mute', { sessionId: 's-1' });
  await settle();
  const pc = FakePc.instances[0];
  await adapter.setMicrophone('usb');
  expect(pc.senders[0].track).toBe(mics.usb);
  expect(mics.usb.enabled).toBe(false); // the mute carries over
  expect(first.stopped).toBe(true);
  expect(adapter.localStream('s-1').getAudioTracks()).toEqual([mics.usb]);
  refuse = true;
  await expect(adapter.setMicrophone('other')).rejects.toThrow(/microphone.*NotFoundError/);
  expect(pc.senders[0].track).toBe(mics.usb);
  expect(signals.filter(([k]) => k === 'offer')).toHaveLength(0);
  adapter.close();
});

test('setSpeaker moves the call under way to the output and the next call starts on it', async () => {
  const sinks = [];
  const withSink = () => {
    const el = fakeAudio([]);
    el.sinkId = '';
    el.setSinkId = async (id) => {
      sinks.push(id);
      el.sinkId = id;
    };
    return el;
  };
  const made = [];
  const { adapter } = setup({ options: { createAudioElement: () => made[made.push(withSink()) - 1] } });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o' });
  await settle();
  const remote = new FakeStream([new FakeTrack()]);
  FakePc.instances[0].ontrack({ streams: [remote], track: remote.tracks[0] });
  await settle();
  expect(made).toHaveLength(1);
  expect(made[0].sinkId).toBe(''); // the default until a choice
  await adapter.setSpeaker('usb-headset');
  expect(made[0].sinkId).toBe('usb-headset');
  await adapter.setSpeaker('usb-headset'); // already there: not set again
  expect(sinks).toEqual(['usb-headset']);
  adapter.handle('offer', { sessionId: 's-2', sdp: 'o' });
  await settle();
  FakePc.instances[1].ontrack({ streams: [remote], track: remote.tracks[0] });
  await settle();
  expect(made).toHaveLength(2);
  expect(made[1].sinkId).toBe('usb-headset');
  adapter.close();
});

test('a call that ends while the microphone prompt is up releases the microphone', async () => {
  let grant;
  const track = new FakeTrack();
  const { adapter, signals } = setup({
    gum: () =>
      new Promise((r) => {
        grant = () => r(new FakeStream([track]));
      }),
  });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
  await settle();
  adapter.handle('end', { sessionId: 's-1' });
  grant();
  await settle();
  expect(track.stopped).toBe(true);
  expect(FakePc.instances[0].log).toContain('close');
  expect(FakePc.instances[0].senders[0].track).toBe(null); // never sent a thing
  expect(signals.map(([k]) => k)).toEqual(['answer']);
});

test('a refused microphone is reported as failed, not thrown', async () => {
  const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
  const { adapter, signals, events } = setup({
    gum: async () => {
      throw denied;
    },
  });
  const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
  adapter.handle('offer', { sessionId: 's-1', sdp: 'o', iceServers: [] });
  await settle();
  spy.mockRestore();
  // The microphone is refused before the answer is ready: no answer, the pc closed, one failure.
  expect(signals).toEqual([]);
  expect(FakePc.instances[0].log).toContain('close');
  expect(events.filter((e) => e[1] === 'failed')).toHaveLength(1);
  expect(events[events.length - 1][1]).toBe('failed');
  expect(events[events.length - 1][2]).toMatch(/microphone.*NotAllowedError/);
});

test('autoplay refused: reported, then retried on the next user gesture', async () => {
  const listeners = {};
  globalThis.document = {
    addEventListener: (name, fn) => {
      listeners[name] = fn;
    },
    removeEventListener: (name) => {
      delete listeners[name];
    },
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

test("holdMusicUrl: the integrator's file loops on hold; a file that cannot be played falls back to the built-in melody", async () => {
  FakeAudioContext.instances = [];
  globalThis.AudioContext = FakeAudioContext;
  const realFetch = globalThis.fetch;
  const fetched = [];
  const decoded = { custom: true };
  let sources = [];
  const proto = FakeAudioContext.prototype;
  const origDecode = proto.decodeAudioData;
  const origSource = proto.createBufferSource;
  proto.createBufferSource = function () {
    const s = origSource.call(this);
    sources.push(s);
    return s;
  };
  try {
    globalThis.fetch = async (url) => {
      fetched.push(url);
      return { ok: true, arrayBuffer: async () => new ArrayBuffer(8) };
    };
    proto.decodeAudioData = async () => decoded;
    let { adapter } = setup({ options: { holdMusicUrl: '/moh.mp3' } });
    adapter.handle('offer', { sessionId: 's-1', sdp: 'o' });
    adapter.handle('hold', { sessionId: 's-1' });
    await settle();
    expect(fetched).toEqual(['/moh.mp3']);
    expect(sources[0].buffer).toBe(decoded);
    expect(sources[0].loop).toBe(true);
    adapter.close();

    sources = [];
    globalThis.fetch = async () => ({ ok: false, status: 404 });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    ({ adapter } = setup({ options: { holdMusicUrl: '/missing.mp3' } }));
    adapter.handle('offer', { sessionId: 's-1', sdp: 'o' });
    adapter.handle('hold', { sessionId: 's-1' });
    await settle();
    expect(warn.mock.calls[0][0]).toMatch(/missing\.mp3.*HTTP 404.*built-in/);
    warn.mockRestore();
    // The built-in melody: 8 notes of 0.45 s at the context's rate, never louder than 0.25.
    const buffer = sources[0].buffer;
    expect(buffer.length).toBe(8 * Math.round(0.45 * 8000));
    const data = buffer.getChannelData(0);
    expect(Math.max(...data)).toBeLessThanOrEqual(0.25);
    expect(Math.max(...data)).toBeGreaterThan(0.1);
    expect(FakePc.instances[0].senders[0].track.label).toBe('music');
    adapter.close();
  } finally {
    globalThis.fetch = realFetch;
    proto.decodeAudioData = origDecode;
    proto.createBufferSource = origSource;
    delete globalThis.AudioContext;
  }
});

describe('tccc.Devices.setMicrophone', () => {
  const { FakeServer } = require('./helpers/FakeServer');
  const { startSdk } = require('./helpers/sdk');
  let server;
  let sdk;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    if (sdk) sdk.tccc.destroy();
    sdk = undefined;
    await server.close();
  });

  test('goes to the media adapter; bad input, refused or broken devices and no WebRTC get catalogue errors', async () => {
    const mic = new FakeTrack('audio', 'usb');
    const gum = async (c) => {
      const id = c.audio.deviceId.exact;
      if (id === 'denied') throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      if (id === 'gone') throw Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
      return new FakeStream([mic]);
    };
    const media = new WebRtcMediaAdapter({ RTCPeerConnection: FakePc, getUserMedia: gum });
    sdk = startSdk(server, { media });
    await expect(sdk.tccc.Devices.setMicrophone({ deviceId: 'usb' })).resolves.toEqual({
      status: 'success',
      data: { deviceId: 'usb' },
    });
    expect(mic.stopped).toBe(true); // no call: opened once to check, then released
    await expect(sdk.tccc.Devices.setMicrophone({ deviceId: 'denied' })).rejects.toMatchObject({
      name: 'ERR_MIC_NOT_AUTHORIZED',
    });
    await expect(sdk.tccc.Devices.setMicrophone({ deviceId: 'gone' })).rejects.toMatchObject({
      name: 'ERR_MIC_START_FAIL',
    });
    for (const bad of [undefined, {}, { deviceId: 5 }, { deviceId: '' }, { deviceId: 'x'.repeat(300) }])
      await expect(sdk.tccc.Devices.setMicrophone(bad)).rejects.toMatchObject({ name: 'ERR_INVALID_ARGUMENT' });
    sdk.tccc.destroy();
    sdk = startSdk(server); // Node: no WebRTC adapter
    await expect(sdk.tccc.Devices.setMicrophone({ deviceId: 'usb' })).rejects.toMatchObject({
      name: 'ERR_NOT_SUPPORTED',
    });
  });
});

test('prepare (the agent accepted) opens the microphone at once; the answer does not wait for it', async () => {
  let resolveGum;
  const gumCalls = [];
  const track = new FakeTrack();
  const { adapter, signals } = setup({
    gum: (c) => {
      gumCalls.push(c);
      return new Promise((r) => {
        resolveGum = () => r(new FakeStream([track]));
      });
    },
  });
  adapter.handle('prepare', { sessionId: 's-1', video: false });
  expect(gumCalls).toHaveLength(1); // before any offer
  adapter.handle('offer', { sessionId: 's-1', sdp: 'offer-sdp', iceServers: ICE });
  adapter.handle('mute', { sessionId: 's-1' });
  await settle();
  // Answered while the microphone is still opening: its sender has no track yet.
  expect(signals).toEqual([['answer', { sessionId: 's-1', sdp: 'answer-sdp' }]]);
  expect(FakePc.instances[0].senders.map((x) => x.track)).toEqual([null]);
  resolveGum();
  await settle();
  expect(gumCalls).toHaveLength(1); // the offer did not ask again
  expect(FakePc.instances[0].senders[0].track).toBe(track);
  expect(track.enabled).toBe(false); // the mute made before the microphone opened holds
  expect(adapter.localStream('s-1').getAudioTracks()).toEqual([track]);
  adapter.close();
  expect(track.stopped).toBe(true);
});

test('a prepared microphone is released when the call ends before any offer, or after a failed open', async () => {
  const { adapter, gumCalls, track } = setup();
  adapter.handle('prepare', { sessionId: 's-1', video: false });
  await settle();
  adapter.handle('end', { sessionId: 's-1' });
  await settle();
  expect(gumCalls).toHaveLength(1);
  expect(track.stopped).toBe(true);
  expect(FakePc.instances).toHaveLength(0);

  // A refused prepare is not an error by itself: the offer asks again and reports its own outcome.
  let calls = 0;
  const second = setup({
    gum: async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('busy'), { name: 'NotReadableError' });
      return new FakeStream([new FakeTrack()]);
    },
  });
  second.adapter.handle('prepare', { sessionId: 's-2', video: false });
  await settle();
  expect(second.events).toEqual([]);
  second.adapter.handle('offer', { sessionId: 's-2', sdp: 'offer-sdp', iceServers: ICE });
  await settle();
  expect(calls).toBe(2);
  expect(second.signals[0][0]).toBe('answer');
  second.adapter.close();
});

describe('one-way audio warnings (mediaWarning)', () => {
  const WATCH = { intervalMs: 10, inboundGapMs: 150, silentMicMs: 150 };
  const waitUntil = async (fn, what) => {
    for (const end = Date.now() + 3000; !fn();) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  // Closed after each test, also a failed one: a live call keeps sampling (and Jest running).
  const open = [];
  afterEach(() => {
    for (const a of open.splice(0)) a.close();
  });

  // A connected call whose statistics move only while `flow` says so (one step per getStats()).
  async function connectedCall(options) {
    const { adapter } = setup({ options });
    open.push(adapter);
    const warnings = [];
    adapter.attach({
      signal: async () => ({ status: 'success' }),
      emit: (name, d) => {
        if (name === 'mediaWarning') warnings.push([d.sessionId, d.warning, d.active]);
      },
    });
    adapter.handle('offer', { sessionId: 's-1', sdp: 'offer-sdp', iceServers: ICE });
    await settle();
    const pc = FakePc.instances[0];
    const flow = { inbound: true, mic: true, fail: false, reads: 0 };
    let packets = 0;
    pc.getStats = async () => {
      flow.reads++;
      if (flow.fail) throw new Error('pc is closing');
      if (flow.inbound) packets += 50;
      return new Map([
        ['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: packets }],
        ['vid', { type: 'inbound-rtp', kind: 'video', packetsReceived: 7 }],
        // A live microphone's level varies; a dead one gives 0 or 1 LSB (what Chromium reports for zeros).
        [
          'src',
          {
            type: 'media-source',
            kind: 'audio',
            audioLevel: flow.mic ? 0.01 + Math.random() * 0.2 : (flow.reads % 2) / 32767,
          },
        ],
      ]);
    };
    pc.connectionState = 'connected';
    pc.onconnectionstatechange();
    return { adapter, pc, flow, warnings };
  }

  test('audio stopping either way is reported, and its return too', async () => {
    const { adapter, flow, warnings } = await connectedCall({ audioWatch: WATCH });
    await waitUntil(() => flow.reads >= 30, 'samples');
    expect(warnings).toEqual([]); // everything moves
    flow.inbound = false;
    await waitUntil(() => warnings.length === 1, 'noInboundAudio');
    expect(warnings).toEqual([['s-1', 'noInboundAudio', true]]);
    flow.inbound = true;
    await waitUntil(() => warnings.length === 2, 'its end');
    expect(warnings[1]).toEqual(['s-1', 'noInboundAudio', false]);
    flow.mic = false;
    await waitUntil(() => warnings.length === 3, 'microphoneSilent');
    expect(warnings[2]).toEqual(['s-1', 'microphoneSilent', true]);
    flow.mic = true;
    await waitUntil(() => warnings.length === 4, 'its end');
    expect(warnings[3]).toEqual(['s-1', 'microphoneSilent', false]);
    adapter.handle('end', { sessionId: 's-1' });
    const reads = flow.reads;
    await new Promise((r) => setTimeout(r, 100));
    expect(flow.reads).toBeLessThanOrEqual(reads + 1); // the watch stops with the call
  });

  test('muting, holding or a lost connection explain the silence: nothing is raised, a raised warning ends', async () => {
    const { adapter, pc, flow, warnings } = await connectedCall({ audioWatch: WATCH });
    flow.mic = false;
    await waitUntil(() => warnings.length === 1, 'microphoneSilent');
    adapter.handle('mute', { sessionId: 's-1' });
    await waitUntil(() => warnings.length === 2, 'its end on mute');
    expect(warnings[1]).toEqual(['s-1', 'microphoneSilent', false]);
    const reads = flow.reads;
    await waitUntil(() => flow.reads >= reads + 30, 'samples while muted');
    adapter.handle('unmute', { sessionId: 's-1' });
    adapter.handle('hold', { sessionId: 's-1' });
    await settle();
    const held = flow.reads;
    await waitUntil(() => flow.reads >= held + 30, 'samples while held');
    // The connection drops: the far side's packets stop, which mediaStateChanged already tells.
    flow.inbound = false;
    pc.connectionState = 'disconnected';
    pc.onconnectionstatechange();
    const lost = flow.reads;
    await waitUntil(() => flow.reads >= lost + 30, 'samples while disconnected');
    expect(warnings).toHaveLength(2);
    // A browser call that cannot read its statistics goes on without warnings.
    flow.fail = true;
    await new Promise((r) => setTimeout(r, 100));
    expect(warnings).toHaveLength(2);
    adapter.close();
  });

  test('a warning needs the whole quiet spell, also when the call starts quiet', async () => {
    const { flow, warnings } = await connectedCall({
      audioWatch: { intervalMs: 10, inboundGapMs: 60000, silentMicMs: 60000 },
    });
    flow.mic = false;
    flow.inbound = false;
    await waitUntil(() => flow.reads >= 30, 'samples');
    expect(warnings).toEqual([]);
  });

  test('audioWatch: false reads no statistics', async () => {
    const { adapter, flow, warnings } = await connectedCall({ audioWatch: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(flow.reads).toBe(0);
    expect(warnings).toEqual([]);
    adapter.close();
  });
});

test('one DTLS certificate, made at prepare, serves every call until a day before it expires', async () => {
  const made = [];
  FakePc.generateCertificate = async (algorithm) => {
    const cert = { algorithm, expires: Date.now() + (made.length === 0 ? 30 * 86400000 : 3600000) };
    made.push(cert);
    return cert;
  };
  try {
    const { adapter } = setup();
    adapter.handle('prepare', { sessionId: 's-1' });
    expect(made).toHaveLength(1); // while the accept travels
    adapter.handle('offer', { sessionId: 's-1', sdp: 'o' });
    adapter.handle('offer', { sessionId: 's-2', sdp: 'o' });
    await settle();
    expect(made[0].algorithm).toEqual({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(FakePc.instances.map((pc) => pc.config.certificates)).toEqual([[made[0]], [made[0]]]);
    made[0].expires = Date.now() + 3600000; // within a day of expiring: the next call gets a new one
    adapter.handle('offer', { sessionId: 's-3', sdp: 'o' });
    await settle();
    expect(made).toHaveLength(2);
    expect(FakePc.instances[2].config.certificates).toEqual([made[1]]);
    adapter.close();
  } finally {
    delete FakePc.generateCertificate;
  }
});

test('an offer while the call rings is answered without a microphone or a shown state; the accept opens it', async () => {
  const { adapter, signals, events, gumCalls, track } = setup();
  adapter.handle('offer', { sessionId: 's-1', sdp: 'offer-sdp', iceServers: ICE, ringing: true });
  await settle();
  const pc = FakePc.instances[0];
  expect(signals).toEqual([['answer', { sessionId: 's-1', sdp: 'answer-sdp' }]]); // connects while it rings
  expect(gumCalls).toEqual([]); // no microphone before the agent answers
  const remote = new FakeStream([new FakeTrack()]);
  pc.ontrack({ streams: [remote], track: remote.tracks[0] });
  await settle();
  pc.connectionState = 'connected';
  pc.onconnectionstatechange();
  expect(events).toEqual([]); // nothing to show for a call not answered
  adapter.handle('prepare', { sessionId: 's-1', video: false }); // Call.accept
  await settle();
  expect(gumCalls).toHaveLength(1);
  expect(pc.senders[0].track).toBe(track);
  // What happened while it rang is shown now, in order, as it would have been.
  expect(events.map((e) => e[1])).toEqual(['connecting', 'playing', 'connected']);
  adapter.handle('prepare', { sessionId: 's-1', video: false }); // the core's repeat at talking
  await settle();
  expect(gumCalls).toHaveLength(1);
  expect(FakePc.instances).toHaveLength(1);
  adapter.close();
});

test('a ringing call that is rejected never opens the microphone', async () => {
  const { adapter, gumCalls } = setup();
  adapter.handle('offer', { sessionId: 's-1', sdp: 'offer-sdp', ringing: true });
  await settle();
  adapter.handle('end', { sessionId: 's-1' });
  await settle();
  expect(gumCalls).toEqual([]);
  expect(FakePc.instances[0].log).toContain('close');
});

test('accepted before the ringing offer arrived: the offer is answered with the prepared microphone', async () => {
  const { adapter, gumCalls, events, track } = setup();
  adapter.handle('prepare', { sessionId: 's-1', video: false });
  adapter.handle('offer', { sessionId: 's-1', sdp: 'offer-sdp', ringing: true });
  await settle();
  expect(gumCalls).toHaveLength(1);
  expect(FakePc.instances[0].senders[0].track).toBe(track);
  expect(events.map((e) => e[1])).toEqual(['connecting']);
  adapter.close();
});

describe('debugDropIceCandidates (testing only): a leg that can never connect', () => {
  test("the far side's candidate lines, its trickled candidates and ours are all dropped", async () => {
    const { adapter, signals } = setup({ options: { debugDropIceCandidates: true } });
    const offer = [
      'v=0',
      'a=ice-lite',
      'm=audio 40000 UDP/TLS/RTP/SAVPF 111',
      'c=IN IP4 127.0.0.1',
      'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host',
      'a=end-of-candidates',
      'a=rtpmap:111 opus/48000/2',
      '',
    ].join('\r\n');
    adapter.handle('offer', { sessionId: 's-1', sdp: offer, iceServers: ICE });
    adapter.handle('candidate', {
      sessionId: 's-1',
      candidate: { candidate: 'candidate:2 1 udp 1 127.0.0.1 40001 typ host' },
    });
    await settle();
    const pc = FakePc.instances[0];
    const applied = pc.remoteDescription.sdp;
    expect(applied).not.toMatch(/candidate/);
    expect(applied).toBe(
      'v=0\r\na=ice-lite\r\nm=audio 40000 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:111 opus/48000/2\r\n',
    );
    expect(pc.log.filter((l) => l.startsWith('candidate'))).toEqual([]);
    pc.onicecandidate({ candidate: { toJSON: () => ({ candidate: 'mine', sdpMid: '0', sdpMLineIndex: 0 }) } });
    expect(signals.map(([k]) => k)).toEqual(['answer']); // negotiation goes on; no candidate leaves
    adapter.close();
  });

  test('without it, the same offer is applied as it came', async () => {
    const { adapter } = setup();
    const offer = 'v=0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n';
    adapter.handle('offer', { sessionId: 's-1', sdp: offer, iceServers: ICE });
    await settle();
    expect(FakePc.instances[0].remoteDescription.sdp).toBe(offer);
    adapter.close();
  });
});

describe('meters (audioVolume, networkQuality)', () => {
  const waitUntil = async (fn, what) => {
    for (const end = Date.now() + 5000; !fn();) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  // A connected call whose getStats() says the agent speaks at 0.5 and the far end at 0.2, with
  // every packet arriving; `host.listening` is what the SDK's event bus would say.
  async function meteredCall() {
    const { adapter } = setup({ options: { audioWatch: false } });
    const host = { listening: false, events: [] };
    adapter.attach({
      signal: async () => ({ status: 'success' }),
      emit: (name, data) => host.events.push([name, data]),
      metering: () => host.listening,
    });
    adapter.handle('offer', { sessionId: 's-1', sdp: 'offer-sdp', iceServers: ICE });
    await settle();
    const pc = FakePc.instances[0];
    const stats = { reads: 0, packets: 0 };
    pc.getStats = async () => {
      stats.reads++;
      stats.packets += 15;
      return new Map([
        [
          'in',
          {
            type: 'inbound-rtp',
            kind: 'audio',
            packetsReceived: stats.packets,
            packetsLost: 0,
            jitter: 0.002,
            audioLevel: 0.2,
          },
        ],
        ['src', { type: 'media-source', kind: 'audio', audioLevel: 0.5 }],
        ['pair', { type: 'candidate-pair', selected: true, currentRoundTripTime: 0.001 }],
      ]);
    };
    return { adapter, pc, host, stats };
  }

  test('nothing is read until the call is connected and someone listens; then both events, per session', async () => {
    const { adapter, pc, host, stats } = await meteredCall();
    host.listening = true;
    await new Promise((r) => setTimeout(r, 700));
    expect(stats.reads).toBe(0); // not connected yet
    pc.connectionState = 'connected';
    host.listening = false;
    pc.onconnectionstatechange();
    await new Promise((r) => setTimeout(r, 700));
    expect(stats.reads).toBe(0); // connected, nobody listens
    host.listening = true;
    await waitUntil(() => host.events.some(([k]) => k === 'networkQuality'), 'networkQuality');
    const volumes = host.events.filter(([k]) => k === 'audioVolume').map(([, d]) => d);
    expect(volumes.length).toBeGreaterThanOrEqual(6);
    expect(volumes[0]).toEqual({ sessionId: 's-1', agent: 50, remote: 20 });
    expect(host.events.find(([k]) => k === 'networkQuality')[1]).toEqual({
      sessionId: 's-1',
      quality: 1,
      lossPercent: 0,
      jitterMs: 2,
      rttMs: 1,
    });
    host.listening = false; // the last listener went away
    await new Promise((r) => setTimeout(r, 400));
    const reads = stats.reads;
    await new Promise((r) => setTimeout(r, 700));
    expect(stats.reads).toBe(reads);
    adapter.close();
  });

  test('the end of the call stops the meters', async () => {
    const { adapter, pc, host, stats } = await meteredCall();
    host.listening = true;
    pc.connectionState = 'connected';
    pc.onconnectionstatechange();
    await waitUntil(() => stats.reads >= 2, 'readings');
    adapter.handle('end', { sessionId: 's-1' });
    const reads = stats.reads;
    const events = host.events.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(stats.reads).toBeLessThanOrEqual(reads + 1);
    expect(host.events.slice(events).filter(([k]) => k === 'audioVolume' || k === 'networkQuality')).toEqual([]);
    adapter.close();
  });

  test('a ringing leg is not measured until it is answered', async () => {
    const { adapter } = setup({ options: { audioWatch: false } });
    const events = [];
    adapter.attach({ signal: async () => ({}), emit: (n, d) => events.push([n, d]), metering: () => true });
    adapter.handle('offer', { sessionId: 's-2', sdp: 'offer-sdp', iceServers: ICE, ringing: true });
    await settle();
    const pc = FakePc.instances[0];
    let reads = 0;
    pc.getStats = async () => {
      reads++;
      return new Map([['src', { type: 'media-source', kind: 'audio', audioLevel: 0.3 }]]);
    };
    pc.connectionState = 'connected';
    pc.onconnectionstatechange();
    await new Promise((r) => setTimeout(r, 700));
    expect(reads).toBe(0);
    adapter.handle('prepare', { sessionId: 's-2', video: false });
    await waitUntil(() => events.some(([k]) => k === 'audioVolume'), 'audioVolume once answered');
    expect(events.find(([k]) => k === 'audioVolume')[1]).toEqual({ sessionId: 's-2', agent: 30, remote: 0 });
    adapter.close();
  });
});
