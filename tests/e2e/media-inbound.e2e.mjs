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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, startCrm, assert, assertEqual, waitFor } from './harness.mjs';
import { CRM_PAGE, LOOPBACK_ONLY, PROBES, RMS_AUDIBLE, RMS_SILENT, makeAudio } from './media-kit.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-media-'));
  // Chromium's fake capture wants 16-bit PCM; 48 kHz mono keeps it free of resampling surprises.
  const { speech, tone } = makeAudio(dir);
  const server = await startServer({ args: ['--web-dir', join(ROOT, 'web')] });
  const crm = await startCrm(server, CRM_PAGE);
  const autoplay = ['--autoplay-policy=no-user-gesture-required'];
  const agentBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${tone}`, ...autoplay]);
  const callerBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${speech}`, ...autoplay]);
  await agentBrowser.context.addInitScript(LOOPBACK_ONLY + PROBES);
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
      await waitFor(
        () => agent.evaluate(async () => (await window.__inboundBytes()) > 2000),
        'agent inbound RTP bytes',
      );
      await waitFor(
        () => caller.evaluate(async () => (await window.__inboundBytes()) > 2000),
        'caller inbound RTP bytes',
      );
      // Only this host's own addresses were used: a host candidate on our side, and on the far side
      // either the signalled 127.0.0.1 or the peer-reflexive address its checks came from (Chromium
      // cannot be told to gather on lo alone, so a check may leave from another local address).
      for (const [who, page] of [
        ['agent', agent],
        ['caller', caller],
      ]) {
        const pair = await page.evaluate(async () => {
          const stats = await window.__pcs[window.__pcs.length - 1].getStats();
          let out = null;
          stats.forEach((r) => {
            if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
              const remote = stats.get(r.remoteCandidateId);
              out = {
                local: stats.get(r.localCandidateId).candidateType,
                remote: remote.candidateType,
                address: remote.address,
              };
            }
          });
          return out;
        });
        assert(pair, `${who} has a selected candidate pair`);
        assertEqual(pair.local, 'host', `${who}'s local candidate type`);
        assert(
          pair.remote === 'prflx' || (pair.remote === 'host' && pair.address === '127.0.0.1'),
          `${who}'s remote candidate is loopback or peer-reflexive: ${JSON.stringify(pair)}`,
        );
      }

      // Audible on both sides: the caller hears the agent's tone, the agent hears the caller's speech.
      const agentHears = await agent.evaluate(() => window.__energy(remoteAudio().srcObject, 1500));
      const callerHears = await caller.evaluate(() => window.__energy(window.tcccCaller.remoteStream, 1000));
      assert(agentHears > RMS_AUDIBLE, `agent hears the caller (rms ${agentHears})`);
      assert(callerHears > RMS_AUDIBLE, `caller hears the agent (rms ${callerHears})`);

      // Mute: the caller hears silence, the agent still hears the caller.
      assertEqual(
        (await agent.evaluate((id) => tccc.Call.muteMic({ sessionId: id }), sessionId)).status,
        'success',
        'muteMic',
      );
      await new Promise((r) => setTimeout(r, 400)); // the jitter buffer drains
      const mutedLevel = await caller.evaluate(() => window.__energy(window.tcccCaller.remoteStream, 1000));
      assert(mutedLevel < RMS_SILENT, `caller hears silence while the agent is muted (rms ${mutedLevel})`);
      const stillHears = await agent.evaluate(() => window.__energy(remoteAudio().srcObject, 1500));
      assert(stillHears > RMS_AUDIBLE, `agent still hears the caller while muted (rms ${stillHears})`);
      assertEqual(
        (await agent.evaluate((id) => tccc.Call.unmuteMic({ sessionId: id }), sessionId)).status,
        'success',
        'unmuteMic',
      );
      await new Promise((r) => setTimeout(r, 400));
      const backLevel = await caller.evaluate(() => window.__energy(window.tcccCaller.remoteStream, 1000));
      assert(backLevel > RMS_AUDIBLE, `caller hears the agent again after unmute (rms ${backLevel})`);

      // The caller hangs up: the agent's session ends, closed by the client, and media is torn down.
      await caller.click('#hangup');
      const ended = await agent.evaluate(() => waitEvent('sessionEnded'));
      assertEqual(ended.sessionId, sessionId, 'sessionEnded session');
      assertEqual(ended.closeBy, 'client', 'closeBy');
      await agent.evaluate(() => waitEvent('mediaStateChanged', (d) => d.state === 'closed'));
      assertEqual(
        await agent.evaluate(() => window.__pcs[window.__pcs.length - 1].connectionState),
        'closed',
        'agent pc closed',
      );
      assertEqual(await agent.evaluate(() => remoteAudio()), null, 'remote <audio> removed');
      await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'ended'), 'caller ended');

      // Events in order on both sides.
      const order = await agent.evaluate(() =>
        window.__log.map(([k]) => k).filter((k) => ['callIn', 'userAccessed', 'sessionEnded'].includes(k)),
      );
      assertEqual(order, ['callIn', 'userAccessed', 'sessionEnded'], 'agent call events');
      const media = await agent.evaluate(() =>
        window.__log.filter(([k]) => k === 'mediaStateChanged').map(([, d]) => d.state),
      );
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
      await waitFor(
        () => caller.evaluate(() => document.getElementById('error').textContent.length > 0),
        'error shown',
      );
      assertEqual(await caller.evaluate(() => document.querySelectorAll('img').length), 0, 'nothing rendered as HTML');
      assertEqual(await caller.evaluate(() => window.tcccCaller.state), 'idle', 'back to idle');
      await caller.close();
    },
  },
];
