// SPDX-License-Identifier: Apache-2.0
// audioVolume and networkQuality of the Web tccc on a WebRTC call with real audio: the agent's fake
// microphone says 2 s of speech and is then silent for 4 s (looped by Chromium); the simulated
// caller (POST /sim/inbound with an audioFile) says 4 s of speech and is silent for 2 s (looped by
// the server). The agent's volumes must be high in its speech and low in its silence, the far end's
// the same for the caller's, and each must follow its own file: the agent is loud about a third of
// the time, the caller about two thirds. The quality of a clean loopback call is Excellent or Good,
// with the figures it was graded from. Muted, the agent's volume is 0.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, startCrm, postJson, assert, assertEqual } from './harness.mjs';
import { CRM_PAGE, LOOPBACK_ONLY } from './media-kit.mjs';

// Volume 0-100 (linear peak level x 100): speech through the microphone's processing or Opus peaks
// well above LOUD; digital silence reads 0, and comfort noise stays under QUIET.
const LOUD = 5;
const QUIET = 1;

const SENTENCE =
  'Hello, this is a long sentence so that the speech goes on without a pause for several seconds, one two three four five six seven eight nine ten.';

/** `speechSec` of espeak-ng speech, then `silenceSec` of digital silence: 48 kHz, 16-bit mono. */
function speechThenSilence(dir, name, speechSec, silenceSec) {
  const raw = join(dir, `${name}-raw.wav`);
  const out = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-s', '190', '-w', raw, SENTENCE]);
  // silence 1 0.05 0.5%: drop the leading quiet, so the speech starts at 0
  execFileSync('sox', [
    raw,
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    out,
    'silence',
    '1',
    '0.05',
    '0.5%',
    'trim',
    '0',
    String(speechSec),
    'pad',
    '0',
    String(silenceSec),
  ]);
  assert(statSync(out).size > 48000 * 2 * (speechSec + silenceSec) * 0.95, `${name}: sox wrote the file`);
  return out;
}

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-meters-'));
  const agentAudio = speechThenSilence(dir, 'agent', 2, 4);
  const audioDir = join(dir, 'caller-audio');
  mkdirSync(audioDir);
  speechThenSilence(audioDir, 'caller', 4, 2);
  const server = await startServer({ args: ['--sim-audio-dir', audioDir] });
  const crm = await startCrm(server, CRM_PAGE);
  const browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${agentAudio}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  await browser.context.addInitScript(LOOPBACK_ONLY);
  const agent = await browser.context.newPage();
  await agent.goto(crm.url);
  // The page listens to every event (CRM_PAGE), the meters too (window.__logMeters).
  assertEqual(
    await agent.evaluate((u) => {
      window.__logMeters = true;
      return loadSdk(u);
    }, server.agents[0]),
    'loaded',
    'SDK script',
  );
  await agent.evaluate(() => waitEvent('ready'));
  return { dir, server, crm, browser, agent };
}

export async function teardown(ctx) {
  await ctx.browser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

const share = (values, pred) => values.filter(pred).length / values.length;

export const tests = [
  {
    name: 'meters: audioVolume follows speech and silence of the agent and of the caller; networkQuality is good',
    timeoutMs: 60000,
    async run(ctx) {
      const { agent } = ctx;
      const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138000',
        serviceNumber: '4008001000',
        ivrKeys: '1',
        audioFile: 'caller.wav',
      });
      assertEqual(placed.status, 200, 'POST /sim/inbound');
      const sessionId = placed.body.sessionId;
      await agent.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id), sessionId);
      await agent.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId);
      await agent.evaluate(
        (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'connected'),
        sessionId,
      );
      // Two whole cycles of both files (6 s each), after the first second of the call.
      await new Promise((r) => setTimeout(r, 1000));
      await agent.evaluate(() => markLog());
      await new Promise((r) => setTimeout(r, 12000));
      const { volumes, qualities } = await agent.evaluate(() => ({
        volumes: logSince()
          .filter(([k]) => k === 'audioVolume')
          .map(([, d]) => d),
        qualities: logSince()
          .filter(([k]) => k === 'networkQuality')
          .map(([, d]) => d),
      }));
      assert(volumes.length >= 30, `about 3 audioVolume a second (${volumes.length} in 12 s)`);
      assert(
        volumes.every((v) => v.sessionId === sessionId),
        'every audioVolume names the call',
      );
      const agentLevels = volumes.map((v) => v.agent);
      const remoteLevels = volumes.map((v) => v.remote);
      console.log(`meters: agent ${JSON.stringify(agentLevels)}`);
      console.log(`meters: remote ${JSON.stringify(remoteLevels)}`);
      console.log(`meters: quality ${JSON.stringify(qualities)}`);
      const agentLoud = share(agentLevels, (v) => v >= LOUD);
      const agentQuiet = share(agentLevels, (v) => v <= QUIET);
      const remoteLoud = share(remoteLevels, (v) => v >= LOUD);
      const remoteQuiet = share(remoteLevels, (v) => v <= QUIET);
      // Each side is loud in its speech and quiet in its silence, in the proportions of its file
      // (speech has short gaps of its own, hence the margins).
      assert(agentLoud >= 0.15 && agentLoud <= 0.5, `the agent is loud about 1/3 of the time (${agentLoud})`);
      assert(agentQuiet >= 0.45, `the agent is quiet about 2/3 of the time (${agentQuiet})`);
      assert(remoteLoud >= 0.45 && remoteLoud <= 0.85, `the caller is loud about 2/3 of the time (${remoteLoud})`);
      assert(remoteQuiet >= 0.15, `the caller is quiet about 1/3 of the time (${remoteQuiet})`);
      assert(remoteLoud > agentLoud + 0.15, `each follows its own voice (${agentLoud} vs ${remoteLoud})`);

      assert(qualities.length >= 4, `networkQuality about every 2 s (${qualities.length} in 12 s)`);
      for (const q of qualities) {
        assertEqual(q.sessionId, sessionId, 'networkQuality names the call');
        assert(q.quality === 1 || q.quality === 2, `a clean loopback call is Excellent or Good: ${JSON.stringify(q)}`);
        assert(typeof q.lossPercent === 'number' && q.lossPercent < 1, `its loss: ${JSON.stringify(q)}`);
        assert(typeof q.jitterMs === 'number' && typeof q.rttMs === 'number', `its figures: ${JSON.stringify(q)}`);
      }
      // Muted, the agent's volume is 0 through a whole cycle of its file; the caller's still moves.
      await agent.evaluate((id) => tccc.Call.muteMic({ sessionId: id }), sessionId);
      await new Promise((r) => setTimeout(r, 500));
      await agent.evaluate(() => markLog());
      await new Promise((r) => setTimeout(r, 6500));
      const muted = await agent.evaluate(() =>
        logSince()
          .filter(([k]) => k === 'audioVolume')
          .map(([, d]) => d),
      );
      assert(
        muted.length >= 15 && muted.every((v) => v.agent === 0),
        `muted: agent 0 (${JSON.stringify(muted.map((v) => v.agent))})`,
      );
      assert(
        muted.some((v) => v.remote >= LOUD),
        `muted: the caller is still heard (${JSON.stringify(muted.map((v) => v.remote))})`,
      );
      await agent.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);
      await agent.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sessionId);
      // The meters stop with the call.
      await agent.evaluate(() => markLog());
      await new Promise((r) => setTimeout(r, 1000));
      assertEqual(
        await agent.evaluate(() => logSince().filter(([k]) => k === 'audioVolume' || k === 'networkQuality').length),
        0,
        'no meters after the call',
      );
    },
  },
];
