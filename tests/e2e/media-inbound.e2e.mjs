// SPDX-License-Identifier: Apache-2.0
// First real call, end to end in two Chromium instances: the caller simulator page
// (web/sim/caller.html) dials 4008001000 and presses 1; the agent, on an integrator page that loads
// the SDK by its SdkURL, gets callIn and accepts. The caller offers, the SDK's WebRtcMediaAdapter
// answers, and audio must really flow both ways: each browser's fake microphone plays a different
// file (a 440 Hz tone for the agent, espeak-ng speech for the caller), and each side must show
// inbound RTP bytes and audible energy on the remote stream. Mute on the agent silences what the
// caller hears; unmute brings it back; the caller's hang-up ends the agent's session (closeBy client).
// ICE is kept on loopback: both pages only accept 127.0.0.1 candidates from the far side (an init
// script), so every check goes to 127.0.0.1 and the test needs no network and no STUN server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, startCrm, assert, assertEqual } from './harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Injected into both browsers before any page script: drop every remote ICE candidate that is not on
// 127.0.0.1 (so only loopback pairs are ever checked), and keep every RTCPeerConnection the page
// creates in window.__pcs so the test can read getStats() from the SDK's own connection.
const LOOPBACK_ONLY = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__pcs = [];
  const add = Native.prototype.addIceCandidate;
  Native.prototype.addIceCandidate = function (c, ...rest) {
    const text = c && typeof c === 'object' ? c.candidate : undefined;
    if (text && !/ 127\\.0\\.0\\.1 /.test(text)) return Promise.resolve();
    return add.call(this, c, ...rest);
  };
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
})();`;

// Shared by both pages (evaluated there): inbound RTP bytes of the newest pc, and the loudest RMS
// level of a stream over `ms`.
const PROBES = `
window.__inboundBytes = async () => {
  const pc = window.__pcs[window.__pcs.length - 1];
  if (!pc) return 0;
  let bytes = 0;
  (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') bytes += r.bytesReceived || 0; });
  return bytes;
};
window.__energy = async (stream, ms) => {
  window.__ac = window.__ac || new AudioContext();
  const ac = window.__ac;
  await ac.resume();
  const src = ac.createMediaStreamSource(stream);
  const an = ac.createAnalyser();
  an.fftSize = 2048;
  src.connect(an);
  const buf = new Float32Array(an.fftSize);
  let max = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 40));
    an.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    max = Math.max(max, Math.sqrt(sum / buf.length));
  }
  src.disconnect();
  return max;
};`;

const CRM_PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title><body><script>
window.__log = [];
window.loadSdk = async function (userId) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.setAttribute('crossorigin', 'anonymous');
    script.src = login.sdkUrl;
    script.addEventListener('error', () => resolve('script-error'));
    script.addEventListener('load', () => {
      for (const name of Object.keys(tccc.events)) tccc.on(name, (p) => window.__log.push([name, p.data]));
      resolve('loaded');
    });
    document.body.appendChild(script);
  });
};
window.waitEvent = (name, pred = () => true, ms = 8000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const hit = window.__log.find(([k, d]) => k === name && pred(d));
    if (hit) return resolve(hit[1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + JSON.stringify(window.__log.map(([k, d]) => k === 'mediaStateChanged' ? k + ':' + d.state : k))));
    setTimeout(poll, 20);
  })();
});
window.remoteAudio = () => document.querySelector('audio[data-tccc-session]');
${PROBES}
</script></body>`;

// Measured on loopback: the caller's speech arrives at ~0.2-0.3 RMS; the agent's steady tone at ~0.04
// (the microphone's noise suppression damps a stationary tone); a muted track arrives as exact zeros.
const RMS_AUDIBLE = 0.01;
const RMS_SILENT = 0.002;

async function waitFor(fn, what, ms = 8000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-media-'));
  const speech = join(dir, 'speech.wav');
  const tone = join(dir, 'tone.wav');
  // Chromium's fake capture wants 16-bit PCM; 48 kHz mono keeps it free of resampling surprises.
  execFileSync('espeak-ng', ['-w', join(dir, 'speech-raw.wav'),
    'Hello, this is the customer calling about my order. Can you hear me clearly? One two three four five.']);
  execFileSync('sox', [join(dir, 'speech-raw.wav'), '-r', '48000', '-c', '1', '-b', '16', speech]);
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', tone, 'synth', '4', 'sine', '440', 'vol', '0.5']);
  assert(statSync(speech).size > 48000, 'espeak-ng produced speech');
  const server = await startServer({ args: ['--web-dir', join(ROOT, 'web')] });
  const crm = await startCrm(server, CRM_PAGE);
  const autoplay = ['--autoplay-policy=no-user-gesture-required'];
  const agentBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${tone}`, ...autoplay]);
  const callerBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${speech}`, ...autoplay]);
  await agentBrowser.context.addInitScript(LOOPBACK_ONLY);
  await callerBrowser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  return { dir, server, crm, agentBrowser, callerBrowser };
}

export async function teardown(ctx) {
  await ctx.agentBrowser.close();
  await ctx.callerBrowser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

export const tests = [
  {
    name: 'inbound call from the caller page: both ways audio, mute silences, caller hang-up ends it',
    timeoutMs: 45000,
    async run(ctx) {
      const agent = await ctx.agentBrowser.context.newPage();
      const caller = await ctx.callerBrowser.context.newPage();
      const errors = [];
      agent.on('pageerror', (e) => errors.push(`agent: ${e}`));
      caller.on('pageerror', (e) => errors.push(`caller: ${e}`));

      await agent.goto(ctx.crm.url);
      assertEqual(await agent.evaluate((u) => loadSdk(u), ctx.server.agents[0]), 'loaded', 'SDK script');
      await agent.evaluate(() => waitEvent('ready'));

      await caller.goto(`http://127.0.0.1:${ctx.server.port}/sim/caller.html`);
      assertEqual(await caller.textContent('#call'), '呼叫', 'Chinese UI by default');
      await caller.fill('#service', '4008001000');
      await caller.fill('#prekeys', '1');
      await caller.click('#call');

      const callIn = await agent.evaluate(() => waitEvent('callIn'));
      const sessionId = callIn.sessionId;
      assertEqual(callIn.calleePhoneNumber, '4008001000', 'callIn service number');
      assertEqual(await caller.evaluate(() => window.tcccCaller.sessionId), sessionId, 'same session on both legs');
      await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'ringing'), 'caller ringing');

      const accepted = await agent.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId);
      assertEqual(accepted.status, 'success', 'accept');
      await agent.evaluate(() => waitEvent('userAccessed'));
      await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'connected'), 'caller connected');
      await agent.evaluate(() => waitEvent('mediaStateChanged', (d) => d.state === 'connected'));
      await agent.evaluate(() => waitEvent('mediaStateChanged', (d) => d.state === 'playing'));

      // RTP really arrives on both sides.
      await waitFor(() => agent.evaluate(async () => (await window.__inboundBytes()) > 2000), 'agent inbound RTP bytes');
      await waitFor(() => caller.evaluate(async () => (await window.__inboundBytes()) > 2000), 'caller inbound RTP bytes');
      // Only this host's own addresses were used: a host candidate on our side, and on the far side
      // either the signalled 127.0.0.1 or the peer-reflexive address its checks came from (Chromium
      // cannot be told to gather on lo alone, so a check may leave from another local address).
      for (const [who, page] of [['agent', agent], ['caller', caller]]) {
        const pair = await page.evaluate(async () => {
          const stats = await window.__pcs[window.__pcs.length - 1].getStats();
          let out = null;
          stats.forEach((r) => {
            if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
              const remote = stats.get(r.remoteCandidateId);
              out = { local: stats.get(r.localCandidateId).candidateType, remote: remote.candidateType, address: remote.address };
            }
          });
          return out;
        });
        assert(pair, `${who} has a selected candidate pair`);
        assertEqual(pair.local, 'host', `${who}'s local candidate type`);
        assert(pair.remote === 'prflx' || (pair.remote === 'host' && pair.address === '127.0.0.1'),
          `${who}'s remote candidate is loopback or peer-reflexive: ${JSON.stringify(pair)}`);
      }

      // Audible on both sides: the caller hears the agent's tone, the agent hears the caller's speech.
      const agentHears = await agent.evaluate(() => window.__energy(remoteAudio().srcObject, 1500));
      const callerHears = await caller.evaluate(() => window.__energy(window.tcccCaller.remoteStream, 1000));
      assert(agentHears > RMS_AUDIBLE, `agent hears the caller (rms ${agentHears})`);
      assert(callerHears > RMS_AUDIBLE, `caller hears the agent (rms ${callerHears})`);

      // Mute: the caller hears silence, the agent still hears the caller.
      assertEqual((await agent.evaluate((id) => tccc.Call.muteMic({ sessionId: id }), sessionId)).status, 'success', 'muteMic');
      await new Promise((r) => setTimeout(r, 400));  // the jitter buffer drains
      const mutedLevel = await caller.evaluate(() => window.__energy(window.tcccCaller.remoteStream, 1000));
      assert(mutedLevel < RMS_SILENT, `caller hears silence while the agent is muted (rms ${mutedLevel})`);
      const stillHears = await agent.evaluate(() => window.__energy(remoteAudio().srcObject, 1500));
      assert(stillHears > RMS_AUDIBLE, `agent still hears the caller while muted (rms ${stillHears})`);
      assertEqual((await agent.evaluate((id) => tccc.Call.unmuteMic({ sessionId: id }), sessionId)).status, 'success', 'unmuteMic');
      await new Promise((r) => setTimeout(r, 400));
      const backLevel = await caller.evaluate(() => window.__energy(window.tcccCaller.remoteStream, 1000));
      assert(backLevel > RMS_AUDIBLE, `caller hears the agent again after unmute (rms ${backLevel})`);

      // The caller hangs up: the agent's session ends, closed by the client, and media is torn down.
      await caller.click('#hangup');
      const ended = await agent.evaluate(() => waitEvent('sessionEnded'));
      assertEqual(ended.sessionId, sessionId, 'sessionEnded session');
      assertEqual(ended.closeBy, 'client', 'closeBy');
      await agent.evaluate(() => waitEvent('mediaStateChanged', (d) => d.state === 'closed'));
      assertEqual(await agent.evaluate(() => window.__pcs[window.__pcs.length - 1].connectionState), 'closed', 'agent pc closed');
      assertEqual(await agent.evaluate(() => remoteAudio()), null, 'remote <audio> removed');
      await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'ended'), 'caller ended');

      // Events in order on both sides.
      const order = await agent.evaluate(() => window.__log.map(([k]) => k)
        .filter((k) => ['callIn', 'userAccessed', 'sessionEnded'].includes(k)));
      assertEqual(order, ['callIn', 'userAccessed', 'sessionEnded'], 'agent call events');
      const media = await agent.evaluate(() => window.__log.filter(([k]) => k === 'mediaStateChanged').map(([, d]) => d.state));
      assertEqual(media[0], 'connecting', 'first media state');
      assertEqual(media[media.length - 1], 'closed', 'last media state');
      assert(!media.includes('failed') && !media.includes('autoplayBlocked'), `no media failure: ${media}`);
      const states = await caller.evaluate(() => window.tcccCaller.history.map((h) => h.state));
      assertEqual(states.slice(-3), ['ringing', 'connected', 'ended'], 'caller states');
      assertEqual(errors, [], 'page errors');
      await agent.close();
      await caller.close();
    },
  },
  {
    name: 'caller page: English UI, unknown service number shows the server error as text',
    async run(ctx) {
      const caller = await ctx.callerBrowser.context.newPage();
      await caller.goto(`http://127.0.0.1:${ctx.server.port}/sim/caller.html?lang=en`);
      assertEqual(await caller.textContent('#call'), 'Call', 'English UI');
      await caller.fill('#service', '<img src=x onerror=alert(1)>');
      await caller.click('#call');
      await waitFor(() => caller.evaluate(() => document.getElementById('error').textContent.length > 0), 'error shown');
      assertEqual(await caller.evaluate(() => document.querySelectorAll('img').length), 0, 'nothing rendered as HTML');
      assertEqual(await caller.evaluate(() => window.tcccCaller.state), 'idle', 'back to idle');
      await caller.close();
    },
  },
];
