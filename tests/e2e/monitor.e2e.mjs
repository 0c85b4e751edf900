// SPDX-License-Identifier: Apache-2.0
// A supervisor on an agent's call, through the supervisor page (web/demo/supervisor.html) against the
// real tccc-server in two Chromiums: the simulated caller says a 440 Hz tone (--sim-audio-dir), the
// agent's microphone a 1 kHz tone, the supervisor's a 2.5 kHz tone. The supervisor clicks "listen"
// on the agent's row: it hears the caller and the agent, and the agent does not hear it (its
// microphone is even left open, to show that the server keeps it out); "whisper": the agent hears
// it beside the caller; "barge": the caller hears it too, which a page cannot hear (the caller is
// the server's own voice), so the call's recording shows it: after the call DescribeTelCdr (the
// official client) lists a supervisor's file holding the 2.5 kHz tone for as long as the barge
// lasted, and the stereo mix carries it on the agent's channel for that long and no longer (the
// whisper before it is not in the record); "stop": its audio stops and the call goes on. Each
// party's hearing is read from the spectrum of what its page plays. axe-core finds nothing serious
// on the page while it is on the call. Screenshots, zh and en, go to test-results/monitor/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, launchBrowser, startCrm, cloudClient, assert, assertEqual, waitFor, ROOT } from './harness.mjs';
import { CRM_PAGE, LOOPBACK_ONLY, PROBES, toneWav } from './media-kit.mjs';

const shots = join(ROOT, 'test-results/monitor');
const CALLER_HZ = 440;
const AGENT_HZ = 1000;
const SUPERVISOR_HZ = 2500;

// The three tones, and a quiet frequency between them for comparison.
const FREQS = [CALLER_HZ, AGENT_HZ, SUPERVISOR_HZ, 1700];

/** Which of the three tones `stream` (evaluated in `page`) carries: 25 dB over the quiet band. */
async function hears(page, streamExpr, what) {
  const levels = await page.evaluate(({ expr, freqs }) => window.__bands(eval(expr), 2500, freqs), {
    expr: streamExpr,
    freqs: FREQS,
  });
  const quiet = levels[3];
  const heard = { caller: levels[0] > quiet + 25, agent: levels[1] > quiet + 25, supervisor: levels[2] > quiet + 25 };
  console.log(`  ${what}: dB ${levels.map((l) => l.toFixed(0)).join(' / ')} (440 / 1000 / 2500 / quiet 1700)`);
  return heard;
}

/** axe-core's serious or critical findings on the whole supervisor page, as "rule: target". */
async function seriousA11yFindings(page) {
  await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}

/**
 * Downloads a recording in `page` (of the server's origin) and decodes it there (Ogg Opus): per
 * channel and 250 ms window, whether `hz` is audible and stands 20 dB over the quiet band; and its
 * length.
 */
const toneInRecording = (page, url, hz) =>
  page.evaluate(
    async ({ u, hz, quietHz }) => {
      const res = await fetch(u);
      if (res.status !== 200) return { status: res.status };
      const buf = await new OfflineAudioContext(1, 48000, 48000).decodeAudioData(await res.arrayBuffer());
      const goertzel = (d, from, n, f) => {
        const w = (2 * Math.PI * f) / buf.sampleRate;
        let s1 = 0;
        let s2 = 0;
        for (let i = from; i < from + n; i++) {
          const s0 = d[i] + 2 * Math.cos(w) * s1 - s2;
          s2 = s1;
          s1 = s0;
        }
        return Math.sqrt(Math.max(s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2, 0)) / n;
      };
      const windows = [];
      const n = Math.floor(buf.sampleRate / 4);
      for (let ch = 0; ch < buf.numberOfChannels; ch++) {
        const d = buf.getChannelData(ch);
        const out = [];
        for (let i = 0; i + n <= d.length; i += n) {
          // Audible (over -44 dBFS: silence has no tone, however the bands compare) and 20 dB clear.
          const level = goertzel(d, i, n, hz);
          out.push(level > 0.003 && level > 10 * goertzel(d, i, n, quietHz));
        }
        windows.push(out);
      }
      return { status: 200, seconds: buf.duration, windows };
    },
    { u: url, hz, quietHz: 1700 },
  );

const agentEar = 'document.querySelector("audio[data-tccc-session]").srcObject';
const supervisorEar = 'document.querySelector("[data-testid=sv-monitor-audio]").srcObject';

export async function setup() {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'tccc-monitor-'));
  const audioDir = join(dir, 'caller-audio');
  mkdirSync(audioDir);
  toneWav(join(audioDir, 'caller.wav'), CALLER_HZ, 6);
  const server = await startServer({ args: ['--sim-audio-dir', audioDir] });
  const crm = await startCrm(server, CRM_PAGE);
  const { startDemoServer } = await import(pathToFileURL(join(ROOT, 'web/demo/server.mjs')).href);
  const demo = await startDemoServer({
    apiUrl: server.apiUrl,
    sdkAppId: server.sdkAppId,
    secretId: server.secretId,
    secretKey: server.secretKey,
  });
  const autoplay = '--autoplay-policy=no-user-gesture-required';
  const agentBrowser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${toneWav(join(dir, 'agent.wav'), AGENT_HZ, 6)}`,
    autoplay,
  ]);
  const supervisorBrowser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${toneWav(join(dir, 'supervisor.wav'), SUPERVISOR_HZ, 6)}`,
    autoplay,
  ]);
  for (const b of [agentBrowser, supervisorBrowser]) await b.context.addInitScript(LOOPBACK_ONLY + PROBES);
  return { dir, server, crm, demo, agentBrowser, supervisorBrowser };
}

export async function teardown(ctx) {
  await ctx.agentBrowser.close();
  await ctx.supervisorBrowser.close();
  await ctx.demo.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

export const tests = [
  {
    name: 'monitor: the supervisor listens unheard, whispers to the agent, barges in on the record, and stops',
    timeoutMs: 120000,
    async run({ server, crm, demo, agentBrowser, supervisorBrowser }) {
      const agent = await agentBrowser.context.newPage();
      const agentErrors = [];
      agent.on('pageerror', (e) => agentErrors.push(String(e)));
      await agent.goto(crm.url);
      assertEqual(await agent.evaluate((u) => loadSdk(u), server.agents[0]), 'loaded', 'agent SDK');
      await agent.evaluate(() => waitEvent('ready'));

      const sv = await supervisorBrowser.context.newPage();
      const svErrors = [];
      sv.on('pageerror', (e) => svErrors.push(String(e)));
      await sv.setViewportSize({ width: 1280, height: 900 });
      await sv.goto(`${demo.url}supervisor.html?autologin=1`);
      await sv.waitForSelector('[data-testid=sv-state][data-state=watching]', { timeout: 20000 });

      // The sim call with the caller's tone, answered by the agent.
      const sessionId = await acceptSimCallSaying(server.baseUrl, agent);
      await agent.evaluate(() => waitEvent('userAccessed'));
      const row = `[data-testid=sv-agents] tr[data-user="${server.agents[0]}"]`;
      await sv.waitForSelector(`${row} [data-testid=sv-monitor]:not([hidden])`, { timeout: 10000 });

      // Listen: the supervisor hears both parties; the agent hears the caller only.
      await sv.click(`${row} [data-testid=sv-monitor]`);
      await sv.waitForSelector(`${row} [data-testid=sv-monitor-stop]:not([hidden])`);
      await waitFor(() => sv.evaluate((e) => !!eval(e), supervisorEar), 'the supervisor gets the call', 10000);
      const listening = await hears(sv, supervisorEar, 'supervisor, listening');
      assertEqual(listening, { caller: true, agent: true, supervisor: false }, 'the supervisor listening hears');
      // The page mutes its microphone while it listens; open it here, to show that the server
      // keeps a listening supervisor from the call all the same.
      await sv.evaluate(() => {
        for (const s of window.__pc().getSenders()) if (s.track) s.track.enabled = true;
      });
      const agentListened = await hears(agent, agentEar, 'agent, while the supervisor listens');
      assertEqual(agentListened.supervisor, false, 'the agent does not hear a listening supervisor');
      assert(agentListened.caller, 'the agent hears the caller');
      await sv.screenshot({ path: join(shots, 'monitor-listen-zh.png') });
      assertEqual(await seriousA11yFindings(sv), [], 'axe-core on the supervisor page, on a call, zh');

      // Whisper: the agent hears the supervisor beside the caller.
      await sv.selectOption(`${row} [data-testid=sv-monitor-mode]`, 'whisper');
      await waitFor(
        async () => (await hears(agent, agentEar, 'agent, whisper')).supervisor,
        'the agent hears the whispering supervisor',
        20000,
      );
      const agentWhispered = await hears(agent, agentEar, 'agent, whisper (again)');
      assert(agentWhispered.caller, 'the agent still hears the caller during a whisper');
      assertEqual(agentWhispered.agent, false, 'the agent does not hear itself');
      await sv.click('[data-testid=sv-lang]');
      await sv.screenshot({ path: join(shots, 'monitor-whisper-en.png') });
      assertEqual(await seriousA11yFindings(sv), [], 'axe-core on the supervisor page, whispering, en');
      await sv.setViewportSize({ width: 360, height: 780 });
      await sv.screenshot({ path: join(shots, 'monitor-whisper-360-en.png'), fullPage: true });
      await sv.setViewportSize({ width: 1280, height: 900 });

      // Barge in for 4 s: the caller hears the supervisor too (the record below shows it). By now
      // the supervisor's browser has noise suppression wearing its steady tone down, so what the
      // agent hears is left to MonitorTest, which measures each mode's mix exactly.
      await sv.selectOption(`${row} [data-testid=sv-monitor-mode]`, 'barge');
      const bargeFrom = Date.now();
      await waitFor(
        async () => /barged in/.test(await sv.textContent(`${row} [data-testid=sv-status]`)),
        "the agent's badge says the supervisor barged in",
      );
      await new Promise((r) => setTimeout(r, 4000));

      // Stop: the supervisor's audio ends, the agent hears the caller alone, the call goes on.
      await sv.click(`${row} [data-testid=sv-monitor-stop]`);
      await sv.waitForSelector(`${row} [data-testid=sv-monitor]:not([hidden])`);
      const bargeSeconds = (Date.now() - bargeFrom) / 1000;
      await waitFor(
        async () => !(await hears(agent, agentEar, 'agent, after stop')).supervisor,
        'the supervisor is gone from the agent',
        15000,
      );
      assertEqual(await sv.evaluate((e) => eval(e), supervisorEar), null, 'the supervisor page stops playing');
      assertEqual(
        await agent.evaluate(() => document.querySelectorAll('audio[data-tccc-session]').length),
        1,
        'the call goes on',
      );
      assertEqual(agentErrors, [], 'agent page errors');
      assertEqual(svErrors, [], 'supervisor page errors');
      await agent.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);

      // The record: a supervisor's file with its barge, and the mix with it on the agent's side.
      const ccc = cloudClient(server);
      const now = Math.floor(Date.now() / 1000);
      const cdr = await waitFor(
        async () => {
          const r = await ccc.DescribeTelCdr({
            SdkAppId: server.sdkAppId,
            StartTimeStamp: now - 600,
            EndTimeStamp: now + 60,
            Limit: 10,
            Offset: 0,
          });
          const c = r.TelCdrs.find((x) => x.SessionId === sessionId);
          const mixed = (c?.Recordings || []).some((f) => f.Participant === 'mix' && f.State === 'complete');
          return mixed ? c : null;
        },
        'the call with its stereo mix',
        20000,
      );
      const files = cdr.Recordings.filter((f) => f.Participant === 'supervisor');
      assertEqual(files.length, 1, `one supervisor's file: ${JSON.stringify(cdr.Recordings)}`);
      assertEqual(files[0].State, 'complete', "the supervisor's file is complete");
      assert(files[0].EndpointUser && files[0].EndpointUser !== server.agents[0], 'it names the supervisor');
      const onServer = await agentBrowser.context.newPage();
      await onServer.goto(`${server.baseUrl}/healthz`);
      const own = await toneInRecording(onServer, files[0].RecordURL, SUPERVISOR_HZ);
      assertEqual(own.status, 200, "the supervisor's file downloads");
      const voiced = own.windows[0].filter(Boolean).length;
      console.log(
        `  barge ${bargeSeconds.toFixed(1)} s; supervisor's file ${own.seconds.toFixed(1)} s, tone in ${voiced} windows`,
      );
      assert(voiced >= (bargeSeconds - 1.5) * 4, `the barge is in the supervisor's file (${voiced} windows)`);
      assert(own.seconds < bargeSeconds + 1.5, `and only the barge (${own.seconds} s)`);
      const mix = await toneInRecording(onServer, cdr.RecordURL, SUPERVISOR_HZ);
      assertEqual(mix.status, 200, 'the mix downloads');
      const [left, right] = mix.windows.map((w) => w.filter(Boolean).length);
      console.log(`  mix: supervisor's tone in ${right} windows on the agent's side, ${left} on the caller's`);
      assert(right >= (bargeSeconds - 1.5) * 4, `the mix has the barge on the agent's side (${right} windows)`);
      assert(right <= (bargeSeconds + 1) * 4, `and not the whisper before it (${right} windows)`);
      assertEqual(left, 0, "nothing of the supervisor on the caller's side");
      await onServer.close();
    },
  },
];

/** acceptSimCall, with the caller saying caller.wav from --sim-audio-dir. */
async function acceptSimCallSaying(baseUrl, page) {
  const res = await fetch(`${baseUrl}/sim/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ caller: '13800138000', serviceNumber: '4008001000', ivrKeys: '1', audioFile: 'caller.wav' }),
  });
  const placed = await res.json();
  assertEqual(res.status, 200, 'POST /sim/inbound');
  const sessionId = placed.sessionId;
  await page.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id, 15000), sessionId);
  const accepted = await page.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId);
  assertEqual(accepted.status, 'success', 'accept');
  return sessionId;
}
