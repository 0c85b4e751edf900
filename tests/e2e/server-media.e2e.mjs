// SPDX-License-Identifier: Apache-2.0
// The server's own media leg (server/media/): calls whose far end the server simulates carry real
// audio. An agent page (SDK loaded by its SdkURL, fake microphone playing espeak-ng speech) accepts
// a POST /sim/inbound call and places an outbound call to the test number 10000000001; in both, the
// server leg offers over the agent's socket, the SDK answers, ICE-lite + DTLS-SRTP connect on
// loopback, and audio flows both ways: the agent's remote audio has energy and inbound RTP bytes
// grow (getStats), and GET /sim/sessions/<id> shows the server receiving the agent (packetsIn
// growing, rmsIn above silence). Hold switches the server to music and makes it ignore the agent;
// an ICE restart from the agent is answered on the same connection; a transfer moves the leg to the
// new agent; hang-up, the far end hanging up and the agent's socket dropping tear the leg down; a
// flood of garbage at a leg is dropped and counted while the agent's requests are answered. ICE stays on loopback (remote candidates other than 127.0.0.1 are
// dropped by an init script), so the test needs no network.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  startServer,
  cloudClient,
  launchBrowser,
  startCrm,
  postJson,
  assert,
  assertEqual,
  waitFor,
} from './harness.mjs';
import { CRM_PAGE, LOOPBACK_ONLY, PROBES, RMS_AUDIBLE, makeAudio } from './media-kit.mjs';

const WebSocket = createRequire(import.meta.url)('ws');

/** Sends garbage datagrams to 127.0.0.1:<port> until <epoch ms>, then prints how many it sent. */
const FLOOD = `
const socket = require('node:dgram').createSocket('udp4');
const { randomBytes } = require('node:crypto');
const [port, until] = process.argv.slice(1).map(Number);
const shapes = [0x00, 0x01, 0x16, 0x17, 0x80, 0x90, 0xff];
let sent = 0;
(async () => {
  while (Date.now() < until) {
    const burst = [];
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(20 + (i % 180));
      bytes[0] = shapes[i % shapes.length];
      burst.push(new Promise((resolve) => socket.send(bytes, port, '127.0.0.1', () => resolve())));
    }
    await Promise.all(burst);
    sent += burst.length;
  }
  socket.close();
  console.log(sent);
})();
`;

/** A minimal agent: the protocol over a WebSocket, no browser and no media of its own. */
function socketAgentKit(server) {
  const connect = () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/agent`);
      const frames = [];
      ws.on('message', (m) => {
        const f = JSON.parse(String(m));
        if (f.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
        frames.push(f);
      });
      ws.on('open', () => resolve({ ws, frames }));
      ws.on('error', reject);
    });
  const next = async (agent, pred, what, ms) => waitFor(() => agent.frames.find(pred), what, ms);
  let id = 1;
  const req = (agent, method, data, ms) => {
    const rid = id++;
    agent.ws.send(JSON.stringify({ v: 1, type: 'req', id: rid, method, data }));
    return next(agent, (f) => f.type === 'res' && f.id === rid, method, ms);
  };
  return { connect, next, req };
}

/** A simulated inbound call rings at the socket agent `a`, which accepts it: its session and the
 *  server's media offer. */
async function answeredSimCall(server, a, { next, req }) {
  const placed = await postJson(`${server.baseUrl}/sim/inbound`, {
    caller: '13800138000',
    serviceNumber: '4008001000',
    ivrKeys: '1',
  });
  const sessionId = placed.body.sessionId;
  await next(a, (f) => f.event === 'session.state' && f.data.session.state === 'ringing', 'ringing');
  assert((await req(a, 'session.accept', { sessionId })).ok, 'accept');
  const offer = (await next(a, (f) => f.event === 'media.offer', 'media.offer')).data;
  return { sessionId, offer };
}

/** Logs `agent` in as the server's first agent with a fresh login token; returns the answer. */
async function loginSocketAgent(server, agent, req) {
  const { Token } = await cloudClient(server).CreateSDKLoginToken({
    SdkAppId: server.sdkAppId,
    SeatUserId: server.agents[0],
  });
  const login = await req(agent, 'auth.login', { sdkAppId: server.sdkAppId, userId: server.agents[0], token: Token });
  assert(login.ok, `login: ${JSON.stringify(login)}`);
  return login;
}

async function simSession(ctx, sessionId) {
  const res = await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}`);
  assertEqual(res.status, 200, 'GET /sim/sessions/<id>');
  return res.json();
}

// Audio both ways on an accepted call: what the agent hears, what the server hears.
async function assertTwoWayAudio(ctx, agent, sessionId) {
  await agent.evaluate(
    (id) => waitEvent('mediaStateChanged', (d) => d.state === 'connected' && d.sessionId === id),
    sessionId,
  );
  const first = await waitFor(async () => {
    const s = await simSession(ctx, sessionId);
    return s.media && s.media.state === 'connected' && s.media.packetsIn > 0 ? s.media : null;
  }, 'the server leg connected and receiving');
  assertEqual(first.legs, 1, 'one server leg');
  await waitFor(() => agent.evaluate(async () => (await window.__inboundBytes()) > 4000), 'agent inbound RTP bytes');
  const b1 = await agent.evaluate(() => window.__inboundBytes());
  const heard = await agent.evaluate(() => window.__energy(remoteAudio().srcObject, 2000));
  assert(heard > RMS_AUDIBLE, `the agent hears the simulated party (rms ${heard})`);
  const b2 = await agent.evaluate(() => window.__inboundBytes());
  assert(b2 > b1, `agent inbound RTP bytes grow (${b1} -> ${b2})`);
  // The server decodes the agent's speech: packets keep coming and the level is above silence.
  const loud = await waitFor(async () => {
    const s = await simSession(ctx, sessionId);
    return s.media.rmsIn > RMS_AUDIBLE ? s.media : null;
  }, 'the server hears the agent (rmsIn)');
  assert(loud.packetsIn > first.packetsIn, `packetsIn grows (${first.packetsIn} -> ${loud.packetsIn})`);
  assert(loud.bytesIn > 0 && loud.packetsOut > 0, `bytes both ways: ${JSON.stringify(loud)}`);
  assertEqual(loud.remoteAddress.split(':')[0].length > 0, true, 'the browser address is known');
  return loud;
}

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-srvmedia-'));
  const { speech } = makeAudio(dir); // the agent's microphone
  const audioDir = join(dir, 'caller-audio');
  mkdirSync(audioDir, { recursive: true });
  // The caller's prompt, as an operator would drop it into --sim-audio-dir (16 kHz: resampled by the server).
  execFileSync('espeak-ng', ['-w', join(audioDir, 'caller.wav'), 'I am calling about my order number four two.']);
  const server = await startServer({ args: ['--sim-audio-dir', audioDir] });
  const crm = await startCrm(server, CRM_PAGE);
  const browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${speech}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  await browser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  const agent = await browser.context.newPage();
  const errors = [];
  agent.on('pageerror', (e) => errors.push(String(e)));
  await agent.goto(crm.url);
  assertEqual(await agent.evaluate((u) => loadSdk(u), server.agents[0]), 'loaded', 'SDK script');
  await agent.evaluate(() => waitEvent('ready'));
  return { dir, audioDir, server, crm, browser, agent, errors };
}

export async function teardown(ctx) {
  await ctx.browser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

export const tests = [
  {
    name: 'server media: audioFile outside the allowed directories or not a WAV is refused',
    async run(ctx) {
      const url = `${ctx.server.baseUrl}/sim/inbound`;
      for (const audioFile of ['/etc/passwd', '../../../../etc/passwd', 'missing.wav']) {
        const r = await postJson(url, { caller: '13800138000', serviceNumber: '4008001000', audioFile });
        assertEqual(r.status, 400, `${audioFile} refused`);
        assertEqual(r.body.error.name, 'ERR_INVALID_ARGUMENT', `${audioFile} error name`);
      }
      copyFileSync('/etc/hostname', join(ctx.audioDir, 'not-audio.wav'));
      const r = await postJson(url, { caller: '13800138000', serviceNumber: '4008001000', audioFile: 'not-audio.wav' });
      assertEqual(r.status, 400, 'a text file is not a WAV');
      assert(/RIFF|WAV/.test(r.body.error.message), `says why: ${r.body.error.message}`);
    },
  },
  {
    name: 'server media: /sim/inbound call accepted -> two-way audio, hold plays music and ignores the agent, hang-up tears down',
    timeoutMs: 60000,
    async run(ctx) {
      const { agent } = ctx;
      await agent.evaluate(() => {
        window.__log.length = 0;
      });
      const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138000',
        serviceNumber: '4008001000',
        ivrKeys: '1',
        audioFile: 'caller.wav',
      });
      assertEqual(placed.status, 200, 'POST /sim/inbound');
      const sessionId = placed.body.sessionId;
      const callIn = await agent.evaluate(() => waitEvent('callIn'));
      assertEqual(callIn.sessionId, sessionId, 'callIn session');
      assertEqual((await simSession(ctx, sessionId)).media, undefined, 'no media before the agent answers');
      const accepted = await agent.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId);
      assertEqual(accepted.status, 'success', 'accept');
      await agent.evaluate(() => waitEvent('userAccessed'));
      await assertTwoWayAudio(ctx, agent, sessionId);

      // Hold: the server plays music (still audible) and stops listening to the agent.
      assertEqual(
        (await agent.evaluate((id) => tccc.Call.hold({ sessionId: id }), sessionId)).status,
        'success',
        'hold',
      );
      const held = await waitFor(async () => {
        const s = await simSession(ctx, sessionId);
        return s.media.held ? s.media : null;
      }, 'media held');
      await new Promise((r) => setTimeout(r, 1200)); // the 500 ms level window passes
      const whileHeld = (await simSession(ctx, sessionId)).media;
      assert(whileHeld.packetsOut > held.packetsOut, 'the server keeps sending (music) while held');
      assertEqual(whileHeld.rmsIn, held.rmsIn, 'the level of the agent is not measured while held');
      assertEqual(
        (await agent.evaluate((id) => tccc.Call.unHold({ sessionId: id }), sessionId)).status,
        'success',
        'unHold',
      );
      await waitFor(async () => !(await simSession(ctx, sessionId)).media.held, 'media resumed');

      // The agent hangs up: the session ends and the server leg closes.
      assertEqual(
        (await agent.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId)).status,
        'success',
        'hungUp',
      );
      const ended = await agent.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sessionId);
      assertEqual(ended.closeBy, 'seat', 'closed by the agent');
      const closed = await waitFor(async () => {
        const s = await simSession(ctx, sessionId);
        return s.media.state === 'closed' ? s : null;
      }, 'server leg closed');
      assertEqual(closed.state, 'ended', 'call ended');
      // The call was recorded (server/recording): the caller's file and the agent's, Ogg Opus, complete
      // on disk once the call is over (recording-asr.e2e.mjs decodes and checks them in detail).
      const files = await waitFor(() => {
        const found = [];
        const walk = (d) => {
          for (const e of readdirSync(d, { withFileTypes: true }))
            if (e.isDirectory()) walk(join(d, e.name));
            else if (e.name.endsWith('.ogg')) found.push(join(d, e.name));
        };
        walk(join(ctx.server.dataDir, 'recordings'));
        return found.length >= 2 ? found : null;
      }, 'the recordings of the call');
      for (const f of files) {
        const head = readFileSync(f).subarray(0, 64).toString('latin1');
        assert(head.startsWith('OggS') && head.includes('OpusHead'), `${f} is Ogg Opus`);
        assert(statSync(f).size > 8000, `${f} holds the call`);
      }
      await agent.evaluate(
        (id) => waitEvent('mediaStateChanged', (d) => d.state === 'closed' && d.sessionId === id),
        sessionId,
      );
      assert(
        !(await agent.evaluate(() => window.__log.some(([k, d]) => k === 'mediaStateChanged' && d.state === 'failed'))),
        'no media failure',
      );
      assertEqual(ctx.errors, [], 'page errors');
      // Settle the agent for the next test: after-call work ends with setStatus free.
      await agent.evaluate(() => tccc.Agent.setStatus({ status: 'free' }).catch(() => {}));
    },
  },
  {
    name: 'server media: outbound call to 10000000001 -> two-way audio, an agent ICE restart is answered; 10000000005 hangs up by itself and the leg closes',
    timeoutMs: 60000,
    async run(ctx) {
      const { agent } = ctx;
      await agent.evaluate(() => {
        window.__log.length = 0;
      });
      await waitFor(
        () =>
          agent.evaluate(
            () =>
              tccc.Agent.getStatus() === 'free' || (tccc.Agent.setStatus({ status: 'free' }).catch(() => {}), false),
          ),
        'agent free',
      );
      const out = await agent.evaluate(() => tccc.Call.startOutboundCall({ phoneNumber: '10000000001' }));
      assertEqual(out.status, 'success', 'startOutboundCall');
      const sessionId = out.data.sessionId;
      await agent.evaluate(() => waitEvent('callOuted'));
      await agent.evaluate(() => waitEvent('calloutAccepted'));
      await assertTwoWayAudio(ctx, agent, sessionId);

      // ICE restart from the agent (the network came back while the connection looked broken; the
      // state is forced, loopback cannot really fail): the server leg answers with new credentials on
      // the same DTLS association, and audio keeps flowing both ways.
      const pcOf = 'window.__pcs[window.__pcs.length - 1]';
      const serverUfrag = () =>
        agent.evaluate((pc) => (/a=ice-ufrag:(\S+)/.exec(eval(pc).remoteDescription.sdp) || [])[1], pcOf);
      const ufrag0 = await serverUfrag();
      const pcCount = await agent.evaluate(() => window.__pcs.length);
      await agent.evaluate((pc) => {
        Object.defineProperty(eval(pc), 'connectionState', { configurable: true, get: () => 'disconnected' });
        window.dispatchEvent(new Event('online'));
      }, pcOf);
      await agent.evaluate(
        (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'iceRestart'),
        sessionId,
      );
      await waitFor(async () => {
        const u = await serverUfrag();
        return u && u !== ufrag0;
      }, 'the server answered the restart');
      await waitFor(() => agent.evaluate((pc) => eval(pc).signalingState === 'stable', pcOf), 'restart answer applied');
      await agent.evaluate((pc) => {
        delete eval(pc).connectionState;
      }, pcOf);
      assertEqual(await agent.evaluate(() => window.__pcs.length), pcCount, 'the same peer connection');
      const packetsBefore = (await simSession(ctx, sessionId)).media.packetsIn;
      const bytesBefore = await agent.evaluate(() => window.__inboundBytes());
      await waitFor(
        async () => (await simSession(ctx, sessionId)).media.packetsIn > packetsBefore + 50,
        'the server still hears the agent',
      );
      await waitFor(
        async () => (await agent.evaluate(() => window.__inboundBytes())) > bytesBefore + 4000,
        'the agent still hears the server',
      );
      const afterRestart = (await simSession(ctx, sessionId)).media;
      assertEqual([afterRestart.state, afterRestart.legs], ['connected', 1], 'one leg, still connected');
      assertEqual(
        (await agent.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId)).status,
        'success',
        'hungUp',
      );
      await waitFor(async () => (await simSession(ctx, sessionId)).media.state === 'closed', 'server leg closed');
      await agent.evaluate(() => tccc.Agent.setStatus({ status: 'free' }).catch(() => {}));

      // 10000000005 answers, talks, and hangs up 5 s later: the server closes its leg by itself.
      await agent.evaluate(() => {
        window.__log.length = 0;
      });
      await waitFor(
        () =>
          agent.evaluate(
            () =>
              tccc.Agent.getStatus() === 'free' || (tccc.Agent.setStatus({ status: 'free' }).catch(() => {}), false),
          ),
        'agent free again',
      );
      const out5 = await agent.evaluate(() => tccc.Call.startOutboundCall({ phoneNumber: '10000000005' }));
      const sid5 = out5.data.sessionId;
      await agent.evaluate(() => waitEvent('calloutAccepted'));
      await waitFor(() => agent.evaluate(async () => (await window.__inboundBytes()) > 2000), 'audio from 10000000005');
      const ended = await agent.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id, 10000), sid5);
      assertEqual(ended.closeBy, 'client', 'the test number hung up');
      const s = await simSession(ctx, sid5);
      assertEqual(s.media.state, 'closed', 'server leg closed with the call');
      assert(s.media.packetsIn > 0, 'the server heard the agent before it hung up');
      await agent.evaluate(
        (id) => waitEvent('mediaStateChanged', (d) => d.state === 'closed' && d.sessionId === id),
        sid5,
      );
      assertEqual(ctx.errors, [], 'page errors');
    },
  },
  {
    name: 'server media: transfer to agent B moves the server leg to B, who hears the caller and is heard',
    timeoutMs: 60000,
    async run(ctx) {
      const { agent } = ctx;
      await agent.evaluate(() => {
        window.__log.length = 0;
      });
      await waitFor(
        () =>
          agent.evaluate(
            () =>
              tccc.Agent.getStatus() === 'free' || (tccc.Agent.setStatus({ status: 'free' }).catch(() => {}), false),
          ),
        'agent A free',
      );
      // Agent B: a second page of the same integrator, logged in as the next demo agent.
      const b = await ctx.browser.context.newPage();
      await b.goto(ctx.crm.url);
      assertEqual(await b.evaluate((u) => loadSdk(u), ctx.server.agents[1]), 'loaded', 'SDK for B');
      await b.evaluate(() => waitEvent('ready'));
      // B takes no calls from the queue; only the transfer rings B.
      await b.evaluate(() => tccc.Agent.setStatus({ status: 'notReady' }));
      const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138001',
        serviceNumber: '4008001000',
        ivrKeys: '1',
      });
      const sessionId = placed.body.sessionId;
      await agent.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id), sessionId);
      assertEqual(
        (await agent.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId)).status,
        'success',
        'A accepts',
      );
      await assertTwoWayAudio(ctx, agent, sessionId);

      const moved = await agent.evaluate(
        ([id, to]) => tccc.Call.transfer({ sessionId: id, userId: to }),
        [sessionId, ctx.server.agents[1]],
      );
      assertEqual(moved.status, 'success', 'transfer');
      await agent.evaluate(
        (id) => waitEvent('mediaStateChanged', (d) => d.state === 'closed' && d.sessionId === id),
        sessionId,
      );
      await waitFor(async () => (await simSession(ctx, sessionId)).media.state === 'closed', "A's leg closed");
      await b.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id), sessionId);
      assertEqual(
        (await b.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId)).status,
        'success',
        'B accepts',
      );
      await b.evaluate(
        (id) => waitEvent('mediaStateChanged', (d) => d.state === 'connected' && d.sessionId === id),
        sessionId,
      );
      const second = await waitFor(async () => {
        const s = await simSession(ctx, sessionId);
        return s.media.legs === 2 && s.media.state === 'connected' && s.media.rmsIn > RMS_AUDIBLE ? s : null;
      }, 'the server hears B on a second leg');
      assertEqual(second.agentUserId, ctx.server.agents[1], 'now with B');
      await waitFor(() => b.evaluate(async () => (await window.__inboundBytes()) > 4000), 'B inbound RTP bytes');
      const heard = await b.evaluate(() => window.__energy(remoteAudio().srcObject, 2000));
      assert(heard > RMS_AUDIBLE, `B hears the simulated caller (rms ${heard})`);
      assertEqual(
        (await b.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId)).status,
        'success',
        'B hangs up',
      );
      await waitFor(async () => (await simSession(ctx, sessionId)).media.state === 'closed', 'leg closed at hang-up');
      await b.close();
      await agent.evaluate(() => tccc.Agent.setStatus({ status: 'free' }).catch(() => {}));
    },
  },
  {
    name: 'server media: a socket-only agent gets a well-formed offer; disconnect closes the leg, a resume re-offers, shutdown is clean',
    timeoutMs: 30000,
    async run() {
      const server = await startServer({ args: ['--media-ports', '45000-45099'] });
      try {
        const { connect, next, req } = socketAgentKit(server);
        const a = await connect();
        const login = await loginSocketAgent(server, a, req);
        const { sessionId, offer } = await answeredSimCall(server, a, { next, req });
        assertEqual(offer.sessionId, sessionId, 'offer session');
        for (const re of [
          /^v=0\r\n/,
          /\r\na=ice-lite\r\n/,
          /\r\nm=audio (450\d\d) UDP\/TLS\/RTP\/SAVPF 111 126\r\n/,
          /\r\na=rtpmap:111 opus\/48000\/2\r\n/,
          /\r\na=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n/,
          /\r\na=setup:actpass\r\n/,
          /\r\na=rtcp-mux\r\n/,
          /\r\na=candidate:1 1 udp \d+ 127\.0\.0\.1 450\d\d typ host\r\n/,
        ]) {
          assert(re.test(offer.sdp), `offer matches ${re}`);
        }
        // A nonsense answer is accepted as a request and reported on the leg.
        assert((await req(a, 'media.answer', { sessionId, sdp: 'v=0\r\n' })).ok, 'answer request');
        let s = await (await fetch(`${server.baseUrl}/sim/sessions/${sessionId}`)).json();
        assertEqual(s.media.state, 'failed', 'bad answer fails the leg');
        assert(/no audio/.test(s.media.error), `reason: ${s.media.error}`);
        // The agent's socket drops: the leg closes. It comes back with its resume token: a new offer.
        a.ws.close();
        await waitFor(
          async () =>
            (await (await fetch(`${server.baseUrl}/sim/sessions/${sessionId}`)).json()).media.state === 'closed',
          'leg closed',
        );
        const b = await connect();
        const again = await req(b, 'auth.login', {
          sdkAppId: server.sdkAppId,
          userId: server.agents[0],
          resumeToken: login.data.resumeToken,
        });
        assert(again.ok, `resume: ${JSON.stringify(again)}`);
        const offer2 = (await next(b, (f) => f.event === 'media.offer', 'second media.offer')).data;
        assert(offer2.sdp !== offer.sdp, 'a fresh offer (new ICE credentials)');
        s = await (await fetch(`${server.baseUrl}/sim/sessions/${sessionId}`)).json();
        assertEqual([s.media.legs, s.media.state], [2, 'new'], 'second leg');
        // Shutdown with a leg open: prompt and clean.
        const t0 = Date.now();
        const code = await server.stop();
        assertEqual(code, 0, 'exit code');
        assert(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
        b.ws.close();
      } finally {
        await server.stop().catch(() => {});
      }
    },
  },
  {
    name: 'server media: a flood of garbage at a leg is dropped and counted while signalling answers throughout',
    timeoutMs: 60000,
    async run() {
      const server = await startServer({ args: ['--media-ports', '45100-45199'] });
      try {
        const { connect, next, req } = socketAgentKit(server);
        const a = await connect();
        await loginSocketAgent(server, a, req);
        const { sessionId, offer } = await answeredSimCall(server, a, { next, req });
        const port = Number(/\r\nm=audio (\d+) /.exec(offer.sdp)[1]);
        // For 3 s, from another process (this one keeps the agent's socket): random bytes, and ones
        // shaped like STUN, DTLS and RTP (the first byte each kind is told apart by), from an
        // address no ICE check has passed, as fast as the socket takes them. Meanwhile the agent
        // keeps asking the server for things over its socket.
        const until = Date.now() + 3000;
        const flooder = spawn(process.execPath, ['-e', FLOOD, String(port), String(until)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        flooder.stdout.on('data', (d) => (out += d));
        const flood = new Promise((resolve) => flooder.on('exit', () => resolve(Number(out.trim()) || 0)));
        let answered = 0;
        while (Date.now() < until) {
          const held = answered % 2 === 0;
          const r = await req(a, held ? 'session.hold' : 'session.unHold', { sessionId }, 5000);
          assert(r.ok, `${held ? 'hold' : 'unHold'} during the flood: ${JSON.stringify(r)}`);
          answered++;
        }
        const sent = await flood;
        assert(answered >= 10, `the agent's requests were answered during the flood (${answered})`);
        assert(sent >= 10000, `a flood was sent (${sent} datagrams)`);
        const s = await waitFor(async () => {
          const j = await (await fetch(`${server.baseUrl}/sim/sessions/${sessionId}`)).json();
          return j.media.dropped > 0 ? j : null;
        }, 'the leg counting what it dropped');
        assertEqual([s.media.packetsIn, s.media.state], [0, 'new'], 'nothing of it taken as media');
        // The server goes on routing: another call rings at the agent after this one ends.
        assert((await req(a, 'session.hangUp', { sessionId })).ok, 'hang up');
        const free = await req(a, 'agent.setStatus', { status: 'free' });
        assert(free.ok, `back to free: ${JSON.stringify(free)}`);
        await postJson(`${server.baseUrl}/sim/inbound`, {
          caller: '13800138001',
          serviceNumber: '4008001000',
          ivrKeys: '1',
        });
        await waitFor(
          () => a.frames.filter((f) => f.event === 'session.state' && f.data.session.state === 'ringing').length >= 2,
          'the next call ringing',
        );
        a.ws.close();
      } finally {
        await server.stop().catch(() => {});
      }
    },
  },
];
