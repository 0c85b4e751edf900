// SPDX-License-Identifier: Apache-2.0
// A call anchored at the server is recorded and transcribed (issue 13): the agent's fake microphone
// and the caller's each play a sentence made with espeak-ng, the server (started with --asr and a
// JSGF grammar of the two sentences) raises `asr` at the agent for IN (the caller) and OUT (the
// agent) with the right words, partials before exactly one final per sentence, in order, none after
// sessionEnded. A pause of the recording is silent in the files and marked in the CDR; a transfer
// gives a third participant file; each participant's file is pushed (action=record) once complete;
// the RecordURLs of DescribeTelCdr download and decode (in the page, with the browser's own Ogg Opus
// decoder) with the right voice in the right file and channel; a tampered or expired link is refused;
// DescribeTelRecordAsr answers through the official client. A skill group switched out of speech
// recognition (--set-asr, on the running server) still records its calls but transcribes none. An
// agent on the WebSocket transport is transcribed and recorded the same way, in one file.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, startCrm, cloudClient, assert, assertEqual, waitFor, SERVER_BINARY } from './harness.mjs';
import { CRM_PAGE, mediaBrowsers, speechWav as speechFile } from './media-kit.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AGENT_SAYS = 'please hold while i check your account';
const CALLER_SAYS = 'i want to pay my bill';
const CALLER_NUMBER = '13800138000';

/** Receives the pushes (CDRs and recordings) the server sends. */
function pushReceiver() {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      let json;
      try {
        json = JSON.parse(body);
      } catch {
        json = null; // kept as null: the test then says which push was not JSON
      }
      got.push({ action: url.searchParams.get('action'), uuid: req.headers['x-tccc-push-uuid'], body: json });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ got, url: `http://127.0.0.1:${server.address().port}/push`, server }),
    ),
  );
}

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-rec-asr-'));
  const agentVoice = speechFile(dir, 'agent', AGENT_SAYS);
  const callerVoice = speechFile(dir, 'caller', CALLER_SAYS);
  // The generic English model is poor on synthetic speech: the recogniser gets the two sentences.
  const grammar = join(dir, 'calls.jsgf');
  writeFileSync(grammar, `#JSGF V1.0;\ngrammar calls;\npublic <sentence> = ${AGENT_SAYS} | ${CALLER_SAYS};\n`);
  const push = await pushReceiver();
  const server = await startServer({
    args: ['--web-dir', join(ROOT, 'web'), '--asr', 'true', '--asr-grammar', grammar, '--cdr-push-url', push.url],
  });
  const crm = await startCrm(server, CRM_PAGE);
  const { agentBrowser, customerBrowser: callerBrowser } = await mediaBrowsers(agentVoice, callerVoice);
  const [a, b] = server.agents;
  return { dir, server, crm, push, agentBrowser, callerBrowser, a, b, ccc: cloudClient(server) };
}

export async function teardown(ctx) {
  await ctx.agentBrowser.close();
  await ctx.callerBrowser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  ctx.push.server.close();
  rmSync(ctx.dir, { recursive: true, force: true });
}

/** An agent's page with the SDK logged in; `dataset`: the script tag's data- attributes. */
async function agentPage(ctx, userId, status, pages, dataset = {}) {
  const page = await ctx.agentBrowser.context.newPage();
  pages.push(page);
  page.on('pageerror', (e) => pages.errors.push(`${userId}: ${e}`));
  await page.goto(ctx.crm.url);
  assertEqual(await page.evaluate(([u, d]) => loadSdk(u, d), [userId, dataset]), 'loaded', `SDK for ${userId}`);
  await page.evaluate(() => waitEvent('ready'));
  await page.evaluate(async (s) => {
    if (tccc.Agent.getStatus() !== s) await tccc.Agent.setStatus({ status: s });
  }, status);
  await page.evaluate(() => markLog());
  return page;
}

const ok = (r, what) => assertEqual(r.status, 'success', what);

/** The caller page dials 4008002000 and agent page `a` accepts the call: the caller page and the session. */
async function callAnsweredBy(ctx, a, pages) {
  const caller = await ctx.callerBrowser.context.newPage();
  pages.push(caller);
  await caller.goto(`http://127.0.0.1:${ctx.server.port}/sim/caller.html`);
  await caller.fill('#caller', CALLER_NUMBER);
  await caller.fill('#service', '4008002000');
  await caller.click('#call');
  const sid = (await a.evaluate(() => waitEvent('callIn'))).sessionId;
  ok(await a.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid), 'A accepts');
  return { caller, sid };
}

/** Downloads a recording in `page` and decodes it there (Ogg Opus): RMS per 250 ms window, per channel. */
const decodeRecording = (page, url) =>
  page.evaluate(async (u) => {
    const res = await fetch(u);
    if (res.status !== 200) return { status: res.status };
    const buf = await new OfflineAudioContext(1, 48000, 48000).decodeAudioData(await res.arrayBuffer());
    const levels = [];
    for (let ch = 0; ch < buf.numberOfChannels; ch++) {
      const d = buf.getChannelData(ch);
      const w = Math.floor(buf.sampleRate / 4);
      const out = [];
      for (let i = 0; i + w <= d.length; i += w) {
        let sum = 0;
        for (let j = i; j < i + w; j++) sum += d[j] * d[j];
        out.push(Math.sqrt(sum / w));
      }
      levels.push(out);
    }
    return { status: 200, channels: buf.numberOfChannels, seconds: buf.duration, levels };
  }, url);

/** The `asr` events of the session on this page, in the order they came. */
const asrEvents = (page, sid) =>
  page.evaluate((id) => window.logSince().filter(([k, d]) => k === 'asr' && d.sessionId === id), sid);

/** Checks one flow's results: partials then exactly one final per sentence, ids in order. */
function checkFlow(events, flow, words) {
  const mine = events.map(([, d]) => d).filter((d) => d.flow === flow);
  const finals = mine.filter((d) => d.result.isFinal);
  assert(finals.length >= 1, `${flow}: a final (${JSON.stringify(mine).slice(0, 400)})`);
  assert(
    finals.some((d) => d.result.text === words),
    `${flow}: "${words}" recognised: ${JSON.stringify(finals.map((d) => d.result.text))}`,
  );
  const ids = finals.map((d) => d.result.sentenceId);
  assertEqual(new Set(ids).size, ids.length, `${flow}: one final per sentence`);
  for (let i = 1; i < ids.length; i++) assert(ids[i] > ids[i - 1], `${flow}: finals in order ${ids}`);
  let finalSeen = new Set();
  for (const d of mine) {
    if (d.result.isFinal) finalSeen.add(d.result.sentenceId);
    else assert(!finalSeen.has(d.result.sentenceId), `${flow}: no partial after its final`);
    assert(d.result.endTime >= d.result.startTime && d.result.startTime > 1.6e12, `${flow}: epoch times`);
  }
  return finals;
}

export const tests = [
  {
    name: 'recording & asr: live asr both ways, pause/resume, transfer, pushes, RecordURL, DescribeTelRecordAsr',
    timeoutMs: 120000,
    async run(ctx) {
      const pages = [];
      pages.errors = [];
      try {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        const b = await agentPage(ctx, ctx.b, 'rest', pages);
        const { caller, sid } = await callAnsweredBy(ctx, a, pages);
        const acceptedAt = Date.now();

        // Live transcript: both sentences, final once each, with partials before.
        await waitFor(
          async () => {
            const finals = (await asrEvents(a, sid)).filter(([, d]) => d.result.isFinal).map(([, d]) => d.flow);
            return finals.includes('IN') && finals.includes('OUT');
          },
          'finals for IN and OUT',
          30000,
        );
        // The next test waits this long (and more) for transcripts that must not come.
        ctx.finalsAfterMs = Date.now() - acceptedAt;
        let events = await asrEvents(a, sid);
        checkFlow(events, 'IN', CALLER_SAYS);
        checkFlow(events, 'OUT', AGENT_SAYS);
        assert(
          events.some(([, d]) => !d.result.isFinal),
          'partial results while an utterance forms',
        );

        // The built-in workbench shows the live transcript in the call bar (zh-CN by default).
        await a.evaluate(() => tccc.UI.showWorkbench());
        const transcript = a.locator('[data-field=call-transcript]');
        await transcript.waitFor({ state: 'visible', timeout: 5000 });
        await waitFor(async () => {
          const text = await transcript.textContent();
          return text.includes(`客户${CALLER_SAYS}`) && text.includes(`我${AGENT_SAYS}`);
        }, 'both sentences in the call bar');
        if (process.env.TCCC_SHOTS) await a.screenshot({ path: join(process.env.TCCC_SHOTS, 'transcript.png') });
        // …and in English on request.
        await a.evaluate(() => tccc.UI.configure({ lang: 'en' }));
        const english = a.locator('[data-field=call-transcript]');
        await english.waitFor({ state: 'visible', timeout: 5000 });
        await waitFor(async () => {
          const text = await english.textContent();
          return text.includes(`Customer${CALLER_SAYS}`) && text.includes(`Me${AGENT_SAYS}`);
        }, 'the transcript in English');
        if (process.env.TCCC_SHOTS) await a.screenshot({ path: join(process.env.TCCC_SHOTS, 'transcript-en.png') });

        // Pause the recording for a while (PCI DSS), then resume.
        ok(await a.evaluate((id) => tccc.Call.pauseRecording({ sessionId: id }), sid), 'pauseRecording');
        await new Promise((r) => setTimeout(r, 3000));
        ok(await a.evaluate((id) => tccc.Call.resumeRecording({ sessionId: id }), sid), 'resumeRecording');
        await new Promise((r) => setTimeout(r, 2500));

        // Transfer to B: a third participant.
        await b.evaluate(() => tccc.Agent.setStatus({ status: 'free' }));
        ok(await a.evaluate(([id, to]) => tccc.Call.transfer({ sessionId: id, userId: to }), [sid, ctx.b]), 'transfer');
        await b.evaluate(() => waitEvent('callIn'));
        ok(await b.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid), 'B accepts');
        await waitFor(
          async () => (await asrEvents(b, sid)).some(([, d]) => d.result.isFinal && d.flow === 'OUT'),
          "B's own words transcribed",
          30000,
        );
        ok(await b.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid), 'B hangs up');
        await b.evaluate(() => waitEvent('sessionEnded'));
        await new Promise((r) => setTimeout(r, 1500));
        const log = await b.evaluate(() => window.logSince().map(([k, d]) => [k, d.sessionId]));
        const endAt = log.findIndex(([k, id]) => k === 'sessionEnded' && id === sid);
        assert(!log.slice(endAt).some(([k, id]) => k === 'asr' && id === sid), 'no asr after sessionEnded');

        // One push per participant (customer, A, B), once complete.
        await waitFor(
          () => ctx.push.got.filter((p) => p.action === 'record').length >= 3,
          'three record pushes',
          20000,
        );
        const pushes = ctx.push.got.filter((p) => p.action === 'record').map((p) => p.body);
        for (const p of pushes) {
          assertEqual(p.SessionId, sid, 'push session');
          assert(p.RecordId && p.RecordURL && p.Timestamp, `push fields ${JSON.stringify(p)}`);
        }
        assertEqual(
          pushes.map((p) => p.EndpointUser).sort(),
          [CALLER_NUMBER, ctx.a, ctx.b].sort(),
          'a push for each participant',
        );
        assert(
          ctx.push.got.filter((p) => p.action === 'record').every((p) => p.uuid),
          'X-TCCC-PUSH-UUID on each record push',
        );

        // DescribeTelCdr: RecordURL (the stereo mix) and each participant's own.
        const now = Math.floor(Date.now() / 1000);
        const cdr = await waitFor(
          async () => {
            const r = await ctx.ccc.DescribeTelCdr({
              SdkAppId: ctx.server.sdkAppId,
              StartTimeStamp: now - 600,
              EndTimeStamp: now + 60,
              Limit: 10,
              Offset: 0,
            });
            const c = r.TelCdrs.find((x) => x.SessionId === sid);
            return c && c.RecordURL && c.RecordURL.includes('/records/') && c.RecordURL !== pushes[0].RecordURL
              ? c
              : null;
          },
          'the CDR with the stereo mix',
          20000,
        );
        const agentUrls = (cdr.ServeParticipants || []).map((p) => p.RecordURL).filter(Boolean);
        assert(agentUrls.length >= 2, `each agent's file: ${JSON.stringify(cdr.ServeParticipants)}`);
        const customerUrl = pushes.find((p) => p.EndpointUser === CALLER_NUMBER).RecordURL;
        const paused = (cdr.Recordings || []).find((r) => (r.PausedSpans || r.pausedSpans || []).length);
        assert(paused, `the pause is marked in the CDR: ${JSON.stringify(cdr.Recordings)}`);

        // The files decode in the browser (Ogg Opus) with the voice where it belongs: in a page of
        // the server's own origin, as a player on the integrator's site would need CORS for.
        const decode = (url) => decodeRecording(caller, url);
        const mix = await decode(cdr.RecordURL);
        assertEqual(mix.status, 200, 'the mix downloads');
        assertEqual(mix.channels, 2, 'the mix is stereo');
        const loud = (l) => l.filter((v) => v > 0.02).length;
        assert(loud(mix.levels[0]) > 4 && loud(mix.levels[1]) > 4, 'the caller on the left, the agents on the right');
        const customerFile = await decode(customerUrl);
        assertEqual(customerFile.channels, 1, "the customer's own file");
        assert(customerFile.seconds > 8, `the customer's file lasts the call (${customerFile.seconds} s)`);
        // The paused span is silent: every window inside it is quiet.
        const span = (paused.PausedSpans || paused.pausedSpans)[0];
        const from = Math.ceil((span.StartMs ?? span.startMs ?? span[0]) / 250) + 1;
        const to = Math.floor((span.EndMs ?? span.endMs ?? span[1]) / 250) - 1;
        assert(to > from, `a paused span of some length: ${JSON.stringify(span)}`);
        const file = (await decode(paused.RecordURL || customerUrl)).levels[0];
        for (let i = from; i < to && i < file.length; i++)
          assert(file[i] < 0.005, `silent while paused (${i}: ${file[i]})`);
        for (const url of agentUrls) assertEqual((await decode(url)).status, 200, "an agent's file downloads");

        // A tampered link is refused; so is an expired one.
        const tampered = cdr.RecordURL.replace(/sig=([0-9a-f])/, (m, c) => `sig=${c === '0' ? '1' : '0'}`);
        assertEqual((await fetch(tampered)).status, 403, 'a tampered link');
        const expired = cdr.RecordURL.replace(/expires=\d+/, `expires=${now - 10}`);
        assertEqual((await fetch(expired)).status, 403, 'an expired link');
        const range = await fetch(cdr.RecordURL, { headers: { Range: 'bytes=0-99' } });
        assertEqual(range.status, 206, 'byte ranges (players seek)');

        // DescribeTelRecordAsr through the official client.
        const asr = await ctx.ccc.DescribeTelRecordAsr({ SdkAppId: ctx.server.sdkAppId, SessionId: sid });
        const said = asr.AsrDataList.map((x) => `${x.User}: ${x.Message}`);
        assert(said.includes(`${CALLER_NUMBER}: ${CALLER_SAYS}`), `the caller's sentence: ${said}`);
        assert(said.includes(`${ctx.a}: ${AGENT_SAYS}`), `agent A's sentence: ${said}`);
        for (const x of asr.AsrDataList) assert(x.End >= x.Start && x.Start > 1.6e12, 'Start/End in epoch ms');
        assertEqual(pages.errors, [], 'page errors');
      } finally {
        for (const p of pages) await p.close().catch(() => {});
      }
    },
  },
  {
    // Issue 16: the WebSocket transport bridges the agent's Opus into the same anchored call, so
    // what the server does with a call's audio (recording, speech recognition) must not notice.
    name: 'recording & asr on the WebSocket transport: the agent is transcribed and recorded like over WebRTC',
    timeoutMs: 90000,
    async run(ctx) {
      const pages = [];
      pages.errors = [];
      try {
        const a = await agentPage(ctx, ctx.a, 'free', pages, { mediaTransport: 'websocket' });
        const { caller, sid } = await callAnsweredBy(ctx, a, pages);
        const changed = await a.evaluate(
          (id) => waitEvent('mediaTransportChanged', (d) => d.sessionId === id, 10000),
          sid,
        );
        assertEqual(changed.transport, 'websocket', 'the agent is on the WebSocket');
        await waitFor(
          async () => {
            const finals = (await asrEvents(a, sid)).filter(([, d]) => d.result.isFinal).map(([, d]) => d.flow);
            return finals.includes('IN') && finals.includes('OUT');
          },
          'finals for IN and OUT',
          30000,
        );
        const events = await asrEvents(a, sid);
        checkFlow(events, 'IN', CALLER_SAYS);
        checkFlow(events, 'OUT', AGENT_SAYS);
        ok(await a.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid), 'A hangs up');
        await a.evaluate(() => waitEvent('sessionEnded'));

        const pushed = await waitFor(
          () => {
            const mine = ctx.push.got.filter((p) => p.action === 'record' && p.body?.SessionId === sid);
            return mine.length >= 2 ? mine.map((p) => p.body) : null;
          },
          "the call's two record pushes",
          20000,
        );
        // One file per party: the agent's WebSocket leg continues the participant its call was
        // rung with (its WebRTC leg), it does not start a second file.
        await new Promise((r) => setTimeout(r, 1500));
        const files = ctx.push.got.filter((p) => p.action === 'record' && p.body?.SessionId === sid).map((p) => p.body);
        assertEqual(files.map((p) => p.EndpointUser).sort(), [CALLER_NUMBER, ctx.a].sort(), 'one file per party');
        const agentFile = pushed.find((p) => p.EndpointUser === ctx.a);
        const heard = await decodeRecording(caller, agentFile.RecordURL);
        assertEqual(heard.status, 200, "the agent's file downloads");
        const loud = heard.levels[0].filter((v) => v > 0.02).length;
        assert(
          loud > 4,
          `the agent's voice is in the agent's file (${loud} loud windows of ${heard.levels[0].length})`,
        );

        const asr = await ctx.ccc.DescribeTelRecordAsr({ SdkAppId: ctx.server.sdkAppId, SessionId: sid });
        const said = asr.AsrDataList.map((x) => `${x.User}: ${x.Message}`);
        assert(said.includes(`${ctx.a}: ${AGENT_SAYS}`), `the agent's sentence stored: ${said}`);
        assert(said.includes(`${CALLER_NUMBER}: ${CALLER_SAYS}`), `the caller's sentence stored: ${said}`);
        assertEqual(pages.errors, [], 'page errors');
      } finally {
        for (const p of pages) await p.close().catch(() => {});
      }
    },
  },
  {
    name: 'recording & asr: a skill group without speech recognition records its calls, transcribes none',
    timeoutMs: 90000,
    async run(ctx) {
      assert(ctx.finalsAfterMs, 'the first test transcribed a call (the control for this one)');
      // 4008002000 routes to skill group 1; switched off while the server runs.
      const off = spawnSync(
        SERVER_BINARY,
        ['--data-dir', ctx.server.dataDir, '--set-asr', `${ctx.server.sdkAppId}:1=off`],
        { encoding: 'utf8' },
      );
      assertEqual(off.status, 0, `--set-asr: ${off.stderr}`);
      assert(off.stdout.includes(`asr off for ${ctx.server.sdkAppId} skill group 1`), off.stdout);
      const pages = [];
      pages.errors = [];
      try {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        const { sid } = await callAnsweredBy(ctx, a, pages);
        // Both voices loop; the first call had its finals after ctx.finalsAfterMs.
        await new Promise((r) => setTimeout(r, Math.max(8000, 2 * ctx.finalsAfterMs)));
        ok(await a.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid), 'A hangs up');
        await a.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(await asrEvents(a, sid), [], 'no asr events for a skill group without speech recognition');

        // Still recorded: both participants' files, pushed once complete.
        const pushed = await waitFor(
          () => {
            const mine = ctx.push.got.filter((p) => p.action === 'record' && p.body?.SessionId === sid);
            return mine.length >= 2 ? mine : null;
          },
          "the call's two record pushes",
          20000,
        );
        assertEqual(
          pushed.map((p) => p.body.EndpointUser).sort(),
          [CALLER_NUMBER, ctx.a].sort(),
          'a recording for each participant',
        );
        const asr = await ctx.ccc.DescribeTelRecordAsr({ SdkAppId: ctx.server.sdkAppId, SessionId: sid });
        assertEqual(asr.AsrDataList, [], 'nothing transcribed is stored');
        assertEqual(pages.errors, [], 'page errors');
      } finally {
        for (const p of pages) await p.close().catch(() => {});
        spawnSync(SERVER_BINARY, ['--data-dir', ctx.server.dataDir, '--set-asr', `${ctx.server.sdkAppId}:1=on`]);
      }
    },
  },
];
