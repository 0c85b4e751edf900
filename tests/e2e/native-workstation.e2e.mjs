// SPDX-License-Identifier: Apache-2.0
// The native C++ SDK (include/tccc/ITCCCWorkstation.h) against the real server, with Tokens from the
// official cloud client (CreateSDKLoginToken), and the audio measured where it lands:
// - the seed's C++ samples (tests/native/workstation/workstation_driver.cpp, driven one JSON line per
//   step): login, call the answering test number 10000000001 -> onNewSession (CallOut) -> onAccepted
//   -> levels, quality, DTMF, mute -> terminate -> onEnded (LocalBye); a /sim/inbound call ->
//   onNewSession (CallIn) -> answer -> the caller hangs up -> onEnded (RemoteBye); the capture volume
//   at the server's end (rmsIn); checkLogin after logout and after a login elsewhere;
// - tccc-agent, the command-line agent: answering a customer in Chromium (caller.html) and a browser
//   agent's internal call, with energy measured both ways (the browser's received stream, the WAV
//   tccc-agent recorded).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { CRM_PAGE, LOOPBACK_ONLY, PROBES, RMS_AUDIBLE, RMS_SILENT, makeAudio } from './media-kit.mjs';
import { startNoUdp } from './no-udp.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// As built by scripts/build.sh; overridable like TCCC_SERVER_BIN.
const DRIVER = process.env.TCCC_WORKSTATION_DRIVER || join(ROOT, 'build/native/tests/native/tccc_workstation_driver');
const AGENT = process.env.TCCC_AGENT_BIN || join(ROOT, 'build/native/native/tccc-agent');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function setup() {
  for (const bin of [DRIVER, AGENT]) if (!existsSync(bin)) throw new Error(`${bin} is missing: build it first`);
  const dir = mkdtempSync(join(tmpdir(), 'tccc-native-'));
  const audio = makeAudio(dir);
  const server = await startServer({ args: ['--web-dir', join(ROOT, 'web')] }); // the customer's caller.html
  const crm = await startCrm(server, CRM_PAGE);
  const browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${audio.speech}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  await browser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  return { dir, audio, server, crm, browser, ccc: cloudClient(server) };
}

export async function teardown(ctx) {
  await ctx.browser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

const token = async (ctx, userId) =>
  (await ctx.ccc.CreateSDKLoginToken({ SdkAppId: ctx.server.sdkAppId, SeatUserId: userId })).Token;
const simSession = async (ctx, sessionId) => (await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}`)).json();
/** How the server's agent leg of `sessionId` carries its audio: "webrtc" (UDP) or "websocket". */
const agentTransport = async (ctx, sessionId) => (await simSession(ctx, sessionId)).media?.transport;
const MEDIA_OVER_WEBSOCKET = 1004; // TCCCWarningCode::MediaOverWebSocket

/** The RMS (full scale 1.0) of a 16-bit PCM WAV's samples, skipping its first `skipSeconds`. */
function wavRms(path, skipSeconds = 0) {
  const b = readFileSync(path);
  assertEqual(b.toString('ascii', 0, 4), 'RIFF', `${path} is a WAV`);
  let at = 12;
  let rate = 48000;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') rate = b.readUInt32LE(at + 12);
    if (id === 'data') {
      const start = at + 8 + Math.floor(skipSeconds * rate) * 2;
      const end = Math.min(b.length, at + 8 + size);
      let sum = 0;
      let n = 0;
      for (let i = start; i + 1 < end; i += 2, n++) sum += (b.readInt16LE(i) / 32768) ** 2;
      return { rms: n ? Math.sqrt(sum / n) : 0, seconds: n / rate };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path} has no data chunk`);
}

/** The seed-sample driver: `step(op)` resolves with its answer line, `event(name, pred)` with an event. */
function startDriver(ctx) {
  const child = spawn(DRIVER, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(JSON.parse(l)));
  const seen = new Map(); // per event name: lines before this index are consumed
  let answered = 0; // answers consumed by step()
  const event = (name, pred, ms) =>
    waitFor(
      () => {
        const at = lines.findIndex((l, i) => i >= (seen.get(name) ?? 0) && l.event === name && pred(l));
        if (at < 0) return undefined;
        seen.set(name, at + 1);
        return lines[at];
      },
      `event ${name} (saw ${JSON.stringify(lines.slice(-5))}; stderr ${stderr.slice(-400)})`,
      ms,
    );
  return {
    lines,
    // Answers come in order (one SDK thread): the next line with this op is this step's answer.
    step: (op, fields = {}, ms = 15000) => {
      child.stdin.write(JSON.stringify({ op, ...fields }) + '\n');
      return waitFor(
        () => {
          const at = lines.findIndex((l, i) => i >= answered && l.op === op);
          if (at < 0) return undefined;
          answered = at + 1;
          return lines[at];
        },
        `answer to ${op}`,
        ms,
      );
    },
    event: (name, pred = () => true, ms = 15000) => event(name, pred, ms),
    events: (name) => lines.filter((l) => l.event === name),
    stderr: () => stderr,
    login: async (userId) => {
      const t = await token(ctx, userId);
      const step = { op: 'login', userId, token: t, sdkAppId: ctx.server.sdkAppId, serverUrl: ctx.server.baseUrl };
      child.stdin.write(JSON.stringify(step) + '\n');
      return waitFor(
        () => {
          const at = lines.findIndex((l, i) => i >= answered && l.op === 'login');
          if (at < 0) return undefined;
          answered = at + 1;
          return lines[at];
        },
        'login answer',
        25000,
      );
    },
    quit: async () => {
      child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
      const code = await new Promise((r) => child.on('exit', r));
      return code;
    },
  };
}

/**
 * tccc-agent with `args`; `wait()` resolves {code, events} once it exits. `namespace`: run it in
 * that network namespace (no-udp.mjs), where the server's port is bridged in over TCP only.
 */
function runAgent(ctx, args, server = ctx.server, url = server.baseUrl, namespace = undefined) {
  const argv = ['--json', '--server', url, '--app', String(server.sdkAppId), ...args];
  const child = namespace ? spawn('ip', ['netns', 'exec', namespace, AGENT, ...argv]) : spawn(AGENT, argv);
  const events = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout }).on('line', (l) => events.push(JSON.parse(l)));
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  return {
    events,
    stderr: () => stderr,
    until: (name, ms = 20000) =>
      waitFor(() => events.find((e) => e.event === name), `tccc-agent ${name} (saw ${events.map((e) => e.event)})`, ms),
    wait: async () => ({ code: await exited, events }),
    kill: () => child.kill('SIGTERM'),
  };
}

export const tests = [
  {
    name: 'native: the seed C++ samples: call 10000000001, levels, quality, DTMF, mute, terminate -> LocalBye',
    timeoutMs: 60000,
    async run(ctx) {
      const d = startDriver(ctx);
      const recorded = join(ctx.dir, 'out-{sessionId}.wav');
      const files = JSON.stringify({ api: 'setAudioFiles', params: { capture: ctx.audio.speech, playout: recorded } });
      assertEqual((await d.step('experimental', { json: files })).code, 0, 'setAudioFiles');
      const login = await d.login(ctx.server.agents[0]);
      assertEqual([login.code, login.userId], [0, ctx.server.agents[0]], 'login callback');
      assertEqual((await d.step('checkLogin')).code, 0, 'checkLogin');
      const placed = await d.step('call', { to: '10000000001', remark: 'test', uui: 'order-42' });
      assertEqual(placed.code, 0, `call callback (${placed.message})`);
      const info = await d.event('onNewSession');
      assertEqual([info.sessionDirection, info.toUserId], [1, '10000000001'], 'onNewSession CallOut to the number');
      const accepted = await d.event('onAccepted');
      assertEqual(accepted.sessionId, info.sessionId, 'onAccepted names the session');
      // The server hears what the SDK plays from the WAV: by default over UDP (ICE, DTLS-SRTP).
      await waitFor(
        async () => {
          const s = await simSession(ctx, info.sessionId);
          return s.media && s.media.rmsIn > RMS_AUDIBLE;
        },
        'the server hears the native agent',
        15000,
      );
      assertEqual(await agentTransport(ctx, info.sessionId), 'webrtc', 'by default the audio goes over UDP');
      await d.event('onNetworkQuality', () => true, 8000);
      const volumes = d.events('onAudioVolume');
      assert(volumes.length >= 3, `onAudioVolume several times (${volumes.length})`);
      assert(
        volumes.some((e) => e.volumes.some((v) => v.userId === '10000000001' && v.volume > 0)),
        `the far end's level is reported: ${JSON.stringify(volumes.slice(-3))}`,
      );
      const quality = d.events('onNetworkQuality').at(-1).quality;
      assert(quality >= 1 && quality <= 2, `loopback quality is Excellent or Good (${quality})`);
      assertEqual((await d.step('sendDTMF', { digits: '12#' })).code, 0, 'sendDTMF');
      await waitFor(async () => (await simSession(ctx, info.sessionId)).digitsReceived === '12#', 'the server got 12#');
      assertEqual((await d.step('sendDTMF', { digits: 'xyz' })).code, -11001, 'bad digits');
      assertEqual((await d.step('mute')).code, 0, 'mute');
      await waitFor(
        async () => (await simSession(ctx, info.sessionId)).media.rmsIn < RMS_SILENT,
        'muted: silence',
        5000,
      );
      assertEqual((await d.step('unmute')).code, 0, 'unmute');
      await waitFor(
        async () => (await simSession(ctx, info.sessionId)).media.rmsIn > RMS_AUDIBLE,
        'unmuted: heard',
        5000,
      );
      await d.step('terminate');
      const ended = await d.event('onEnded');
      assertEqual([ended.reason, ended.sessionId], [2, info.sessionId], 'onEnded(LocalBye, …, sessionId)');
      assertEqual(d.events('onError'), [], 'no onError during the call');
      assertEqual(d.events('onWarning'), [], 'no warning (no fallback to the WebSocket)');
      assertEqual(await d.quit(), 0, 'the driver exits cleanly');
      // What the SDK played out (the server's built-in voice) was recorded.
      const heard = wavRms(recorded.replace('{sessionId}', info.sessionId), 0.5);
      assert(heard.seconds > 2, `recorded ${heard.seconds} s`);
      assert(heard.rms > RMS_AUDIBLE, `the native agent heard the far end (rms ${heard.rms})`);
    },
  },
  {
    name: 'native: /sim/inbound -> CallIn, answer, capture volume 0 vs 100 at the far end (WebSocket chosen), the caller hangs up -> RemoteBye',
    timeoutMs: 60000,
    async run(ctx) {
      const d = startDriver(ctx);
      const files = JSON.stringify({ api: 'setAudioFiles', params: { capture: ctx.audio.speech } });
      assertEqual((await d.step('experimental', { json: files })).code, 0, 'setAudioFiles');
      const transport = (t) => JSON.stringify({ api: 'setMediaTransport', params: { transport: t } });
      assertEqual((await d.step('experimental', { json: transport('carrier-pigeon') })).code, -11001, 'a bad one');
      assertEqual((await d.step('experimental', { json: transport('websocket') })).code, 0, 'setMediaTransport');
      assertEqual((await d.login(ctx.server.agents[0])).code, 0, 'login');
      assertEqual((await d.step('answer')).code, -11003, 'nothing to answer yet');
      const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138000',
        serviceNumber: '4008001000',
        ivrKeys: '1',
        holdSeconds: 8,
      });
      assertEqual(placed.status, 200, 'POST /sim/inbound');
      const sessionId = placed.body.sessionId;
      const info = await d.event('onNewSession', (e) => e.sessionId === sessionId);
      assertEqual([info.sessionDirection, info.fromUserId], [0, '13800138000'], 'onNewSession(CallIn) with the caller');
      assertEqual((await d.step('answer')).code, 0, 'answer callback');
      await d.event('onAccepted');
      await waitFor(
        async () => {
          const s = await simSession(ctx, sessionId);
          return s.media && s.media.rmsIn > RMS_AUDIBLE;
        },
        'the server hears the agent at volume 100',
        10000,
      );
      assertEqual(await agentTransport(ctx, sessionId), 'websocket', 'the transport the application chose');
      assertEqual((await d.step('setCaptureVolume', { volume: 0 })).code, 0, 'capture volume 0');
      await waitFor(async () => (await simSession(ctx, sessionId)).media.rmsIn < RMS_SILENT, 'volume 0: silence', 5000);
      assertEqual((await d.step('setCaptureVolume', { volume: 100 })).code, 0, 'capture volume 100');
      await waitFor(
        async () => (await simSession(ctx, sessionId)).media.rmsIn > RMS_AUDIBLE,
        'volume 100: heard',
        5000,
      );
      assertEqual((await d.step('getCaptureVolume')).volume, 100, 'getAudioCaptureVolume');
      assertEqual((await d.step('setCaptureVolume', { volume: 101 })).code, -11001, 'volume 101');
      assertEqual((await d.step('setAudioRoute', { route: 0 })).code, 0, 'setAudioRoute(Speakerphone)');
      const ended = await d.event('onEnded', () => true, 20000);
      assertEqual([ended.reason, ended.sessionId], [3, sessionId], 'onEnded(RemoteBye, …, sessionId)');
      assertEqual((await d.step('answer')).code, -11003, 'nothing to answer');
      assertEqual(await d.quit(), 0, 'the driver exits cleanly');
    },
  },
  {
    name: 'native: checkLogin gives an error code after logout and after a login elsewhere',
    timeoutMs: 45000,
    async run(ctx) {
      const userId = ctx.server.agents[1];
      const d = startDriver(ctx);
      assertEqual((await d.login(userId)).code, 0, 'login');
      assertEqual((await d.step('logout')).code, 0, 'logout');
      assertEqual((await d.step('checkLogin')).code, -10005, 'checkLogin after logout');
      assertEqual((await d.step('logout')).code, -10005, 'logout twice');
      assertEqual((await d.login(userId)).code, 0, 'login again');
      // The same agent logs in with a second native SDK: this one is kicked.
      const other = startDriver(ctx);
      assertEqual((await other.login(userId)).code, 0, 'login elsewhere');
      assertEqual((await d.event('onError', (e) => e.code === 403)).code, 403, 'onError(ERR_SIP_FORBIDDEN)');
      assertEqual((await d.step('checkLogin')).code, 403, 'checkLogin when kicked');
      assertEqual((await d.step('call', { to: '10000000001' })).code, 403, 'call when kicked');
      assertEqual((await other.step('checkLogin')).code, 0, 'the new SDK is logged in');
      assertEqual([await d.quit(), await other.quit()], [0, 0], 'both exit cleanly');
    },
  },
  {
    name: 'native: tccc-agent answers a customer in Chromium; each hears the other',
    timeoutMs: 60000,
    async run(ctx) {
      const userId = ctx.server.agents[0];
      const heardWav = join(ctx.dir, 'agent-heard-{sessionId}.wav');
      const agent = runAgent(ctx, [
        '--user',
        userId,
        '--token',
        await token(ctx, userId),
        '--answer',
        '--play',
        ctx.audio.tone,
        '--record',
        heardWav,
        '--hangup-after',
        '6',
        '--wait',
        '30',
        '--media',
        'udp',
      ]);
      await agent.until('login');
      const page = await ctx.browser.context.newPage();
      try {
        await page.goto(`${ctx.server.baseUrl}/sim/caller.html`);
        await page.fill('#service', '4008002000');
        await page.click('#call');
        const accepted = await agent.until('onAccepted');
        await waitFor(() => page.evaluate(() => window.tcccCaller.state === 'connected'), 'the customer is connected');
        await waitFor(async () => (await page.evaluate(() => window.__inboundBytes())) > 4000, 'customer inbound RTP');
        const customerHears = await page.evaluate(() => window.__energy(window.tcccCaller.remoteStream, 1500));
        assert(customerHears > RMS_AUDIBLE, `the customer hears tccc-agent's WAV (rms ${customerHears})`);
        assertEqual(await agentTransport(ctx, accepted.sessionId), 'webrtc', '--media udp: RTP over DTLS-SRTP');
        const { code, events } = await agent.wait();
        assertEqual(code, 0, `tccc-agent exit code (stderr: ${agent.stderr().slice(-300)})`);
        const ended = events.find((e) => e.event === 'onEnded');
        assertEqual([ended.reason, ended.sessionId], ['LocalBye', accepted.sessionId], 'tccc-agent hung up');
        const heard = wavRms(heardWav.replace('{sessionId}', accepted.sessionId), 1);
        assert(heard.rms > RMS_AUDIBLE, `tccc-agent heard the customer's voice (rms ${heard.rms})`);
      } finally {
        agent.kill();
        await page.close();
      }
    },
  },
  {
    name: 'native: a browser agent calls tccc-agent (internal call); each hears the other',
    timeoutMs: 60000,
    async run(ctx) {
      // An agent the other tests leave alone: one that just hung up is still in after-call work.
      const [browserAgent, nativeAgent] = [ctx.server.agents[1], ctx.server.agents[2]];
      const heardWav = join(ctx.dir, 'internal-heard-{sessionId}.wav');
      const agent = runAgent(ctx, [
        '--user',
        nativeAgent,
        '--token',
        await token(ctx, nativeAgent),
        '--answer',
        '--play',
        ctx.audio.tone,
        '--record',
        heardWav,
        '--wait',
        '30',
      ]);
      await agent.until('login');
      const page = await ctx.browser.context.newPage();
      try {
        await page.goto(ctx.crm.url);
        assertEqual(await page.evaluate((u) => loadSdk(u), browserAgent), 'loaded', 'the browser agent loads the SDK');
        await page.evaluate(() => waitEvent('ready'));
        const r = await page.evaluate((to) => tccc.Call.startInternalCall({ calleeUserId: to }), nativeAgent);
        assertEqual(r.status, 'success', 'startInternalCall');
        const sid = r.data.sessionId;
        const info = await agent.until('onNewSession');
        assertEqual([info.sessionId, info.direction], [sid, 'CallIn'], 'tccc-agent rings');
        await agent.until('onAccepted');
        await page.evaluate(() => waitEvent('calloutAccepted'));
        await page.evaluate(
          (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'connected', 15000),
          sid,
        );
        await waitFor(async () => (await page.evaluate(() => window.__inboundBytes())) > 4000, 'browser inbound RTP');
        const browserHears = await page.evaluate(() => window.__energy(remoteAudio().srcObject, 1500));
        assert(browserHears > RMS_AUDIBLE, `the browser agent hears tccc-agent (rms ${browserHears})`);
        await sleep(1500); // a little more of the browser agent's voice in tccc-agent's recording
        assertEqual(
          (await page.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid)).status,
          'success',
          'hang up',
        );
        const { code, events } = await agent.wait();
        assertEqual(code, 0, `tccc-agent exit code (stderr: ${agent.stderr().slice(-300)})`);
        assertEqual(events.find((e) => e.event === 'onEnded').reason, 'RemoteBye', 'the browser agent hung up');
        const heard = wavRms(heardWav.replace('{sessionId}', sid), 0.5);
        assert(heard.rms > RMS_AUDIBLE, `tccc-agent heard the browser agent (rms ${heard.rms})`);
        assertEqual(
          events.filter((e) => e.event === 'onWarning'),
          [],
          'no fallback: the callee answered the server over UDP',
        );
      } finally {
        agent.kill();
        await page.close();
      }
    },
  },
  {
    name: 'native: where UDP is blocked, auto moves the audio to the WebSocket and says so; udp alone fails with a code',
    timeoutMs: 90000,
    async run(ctx) {
      // tccc-agent in a network namespace of its own that reaches the server's port over TCP only.
      const port = Number(new URL(ctx.server.baseUrl).port);
      const ns = await startNoUdp([port]);
      try {
        const userId = ctx.server.agents[0];
        const heardWav = join(ctx.dir, 'noudp-heard-{sessionId}.wav');
        const inside = (args) =>
          runAgent(
            ctx,
            ['--user', userId, '--call', '10000000001', '--play', ctx.audio.speech, ...args],
            ctx.server,
            `http://127.0.0.1:${port}`,
            ns.name,
          );
        const withToken = async (args) => {
          const t = await token(ctx, userId);
          return inside(args.concat(['--token', t]));
        };
        const auto = await withToken(['--record', heardWav, '--hangup-after', '9']);
        const accepted = await auto.until('onAccepted');
        const warning = await auto.until('onWarning', 15000);
        assertEqual(warning.code, MEDIA_OVER_WEBSOCKET, `onWarning(MediaOverWebSocket): ${warning.message}`);
        await waitFor(
          async () => (await simSession(ctx, accepted.sessionId)).media?.rmsIn > RMS_AUDIBLE,
          'the server hears the agent over the WebSocket',
          10000,
        );
        assertEqual(await agentTransport(ctx, accepted.sessionId), 'websocket', 'the leg is the WebSocket one');
        const done = await auto.wait();
        assertEqual(done.code, 0, `tccc-agent exit code (stderr: ${auto.stderr().slice(-300)})`);
        // The recording starts when audio first flows: over the WebSocket, once UDP was given up.
        const heard = wavRms(heardWav.replace('{sessionId}', accepted.sessionId), 0.5);
        assert(heard.seconds > 3, `tccc-agent recorded the far end for ${heard.seconds} s`);
        assert(heard.rms > RMS_AUDIBLE, `tccc-agent heard the far end after the fallback (rms ${heard.rms})`);
        // Told to use UDP only, it cannot: the call reports why, and tccc-agent exits 4.
        await sleep(1500); // the agent's after-call work
        const udp = await withToken(['--media', 'udp', '--hangup-after', '20', '--quiet']);
        const failed = await udp.until('onError', 25000);
        assertEqual(failed.code, 20002, `onError(ERR_ANSWER_FAILURE): ${failed.message}`);
        assert(/UDP/.test(failed.message), `the message says why: ${failed.message}`);
        assertEqual((await udp.wait()).code, 4, 'tccc-agent exits 4 (the call failed)');
      } finally {
        await ns.close();
      }
    },
  },
  {
    name: 'native: over wss:// tccc-agent trusts a self-hosted CA and checks the name; an unknown certificate fails',
    timeoutMs: 60000,
    async run(ctx) {
      // A self-signed certificate for the server's address, and one for another name.
      const cert = (name, san) => {
        const [crt, key] = [join(ctx.dir, `${name}.crt`), join(ctx.dir, `${name}.key`)];
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            key,
            '-out',
            crt,
            '-days',
            '1',
            '-subj',
            `/CN=${name}`,
            '-addext',
            `subjectAltName=${san}`,
          ],
          { stdio: 'ignore' },
        );
        return { crt, key };
      };
      const right = cert('loopback', 'IP:127.0.0.1');
      const wrong = cert('elsewhere', 'DNS:elsewhere.invalid');
      const servers = [];
      try {
        for (const c of [right, wrong])
          servers.push(await startServer({ args: ['--tls-cert', c.crt, '--tls-key', c.key] }));
        const [good, misnamed] = servers;
        const https = (server) => server.baseUrl.replace('http:', 'https:');
        const agentOn = async (server, extra) => {
          const userId = server.agents[0];
          const t = (await cloudClient(server).CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId }))
            .Token;
          return runAgent(ctx, ['--user', userId, '--token', t, ...extra], server, https(server)).wait();
        };
        const call = ['--call', '10000000001', '--hangup-after', '2', '--quiet'];
        const trusted = await agentOn(good, ['--ca-file', right.crt, ...call]);
        assertEqual(trusted.code, 0, 'a call over wss:// with the CA given');
        assert(
          trusted.events.some((e) => e.event === 'onAccepted'),
          'the call connected over wss://',
        );
        const unknown = await agentOn(good, call);
        assertEqual(unknown.code, 3, 'a certificate nobody vouches for: no login');
        const misnamedRun = await agentOn(misnamed, ['--ca-file', wrong.crt, ...call]);
        assertEqual(misnamedRun.code, 3, 'a trusted certificate for another name: no login');
      } finally {
        for (const s of servers) await s.stop();
      }
    },
  },
  {
    name: 'native: tccc-agent exits with a meaningful code: bad arguments 2, a refused token 3',
    timeoutMs: 30000,
    async run(ctx) {
      const usage = await runAgent(ctx, ['--user', 'x', '--token', 't']).wait();
      assertEqual(usage.code, 2, 'neither --answer nor --call');
      const refused = await runAgent(ctx, [
        '--user',
        ctx.server.agents[0],
        '--token',
        'not-a-token',
        '--answer',
      ]).wait();
      assertEqual(refused.code, 3, 'a refused token');
      const login = refused.events.find((e) => e.event === 'login');
      assert(login && login.code !== 0 && login.message, `the login line says why: ${JSON.stringify(login)}`);
    },
  },
];
