// SPDX-License-Identifier: Apache-2.0
// Every call scenario with real browser-to-browser media: hold (music on hold, the held customer not
// heard), mute, DTMF (RFC 4733 tones and the signalling copy), transfer and ring-timeout autoTransfer
// (the customer's media moves to agent B), an internal call between two agents' browsers, outbound
// calls to a callee page (answer with uui in the CDR; busy, reject, no answer), a web voice (voip)
// call, a video call (muteVideo stalls the far end's frames), a microphone switch mid-call and an
// agent-initiated ICE restart, and an integrator's own music on hold (data-hold-music-url).
// Agents run on an integrator page that loads the SDK by its SdkURL; customers are the simulator pages
// (web/sim). Each agent's fake microphone plays a steady tone, each customer's espeak-ng speech, so
// energy and spectral peaks tell who hears what. ICE is kept on loopback (media-kit.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, startCrm, cloudClient, assert, assertEqual, waitFor } from './harness.mjs';
import { CRM_PAGE, LOOPBACK_ONLY, PROBES, RMS_AUDIBLE, RMS_SILENT, makeAudio } from './media-kit.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AGENT_TONE_HZ = 440;
// The built-in music on hold (js/src/HoldMusic.ts, HOLD_MELODY_HZ).
const MELODY_HZ = [523.25, 587.33, 659.25, 783.99, 880.0];
const near = (f, target, tol = 25) => Math.abs(f - target) <= tol;
const RING_TIMEOUT_SEC = 4;
const NO_ANSWER_SEC = 3;
const CALLEE_NUMBER = '13900139000';

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-media-calls-'));
  const { speech, tone } = makeAudio(dir, AGENT_TONE_HZ);
  // An integrator's own music on hold (a 1200 Hz / 1500 Hz chime), given to the script tag as a data: URL.
  const moh = join(dir, 'moh.wav');
  for (const hz of [1200, 1500])
    execFileSync('sox', [
      '-n',
      '-r',
      '48000',
      '-c',
      '1',
      '-b',
      '16',
      join(dir, `moh-${hz}.wav`),
      'synth',
      '0.5',
      'sine',
      String(hz),
      'vol',
      '0.4',
    ]);
  execFileSync('sox', [join(dir, 'moh-1200.wav'), join(dir, 'moh-1500.wav'), moh]);
  const holdMusicUrl = `data:audio/wav;base64,${readFileSync(moh).toString('base64')}`;
  const server = await startServer({
    args: [
      '--web-dir',
      join(ROOT, 'web'),
      '--ring-timeout-sec',
      String(RING_TIMEOUT_SEC),
      '--outbound-no-answer-sec',
      String(NO_ANSWER_SEC),
    ],
  });
  const crm = await startCrm(server, CRM_PAGE);
  const autoplay = ['--autoplay-policy=no-user-gesture-required'];
  const agentBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${tone}`, ...autoplay]);
  const customerBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${speech}`, ...autoplay]);
  await agentBrowser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  await customerBrowser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  const [a, b] = server.agents; // agent1 and agent2: both in Sales (skill group 1, number 4008002000)
  return { dir, server, crm, agentBrowser, customerBrowser, a, b, ccc: cloudClient(server), holdMusicUrl };
}

export async function teardown(ctx) {
  await ctx.agentBrowser.close();
  await ctx.customerBrowser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

// --- helpers -----------------------------------------------------------------------------------

/** An agent page logged in as `userId`, ready, in `status` ('free' or 'rest'). */
async function agentPage(ctx, userId, status, pages, dataset = {}) {
  const page = await ctx.agentBrowser.context.newPage();
  pages.push(page);
  page.on('pageerror', (e) => pages.errors.push(`${userId}: ${e}`));
  await page.goto(ctx.crm.url);
  assertEqual(await page.evaluate(([u, d]) => loadSdk(u, d), [userId, dataset]), 'loaded', `SDK script for ${userId}`);
  await page.evaluate(() => waitEvent('ready'));
  await setStatus(page, status);
  await page.evaluate(() => markLog());
  return page;
}

async function setStatus(page, status) {
  await page.evaluate(async (s) => {
    if (tccc.Agent.getStatus() !== s) await tccc.Agent.setStatus({ status: s });
  }, status);
  await waitFor(() => page.evaluate((s) => tccc.Agent.getStatus() === s, status), `status ${status}`);
}

async function customerPage(ctx, path, pages) {
  const page = await ctx.customerBrowser.context.newPage();
  pages.push(page);
  page.on('pageerror', (e) => pages.errors.push(`customer: ${e}`));
  await page.goto(`http://127.0.0.1:${ctx.server.port}/sim/${path}`);
  return page;
}

function newPages() {
  const pages = [];
  pages.errors = [];
  return pages;
}

async function closeAll(pages) {
  for (const p of pages) await p.close().catch(() => {});
}

/** Runs `body` with a fresh set of pages, closed afterwards however it ends. */
async function withPages(body) {
  const pages = newPages();
  try {
    return await body(pages);
  } finally {
    await closeAll(pages);
  }
}

/** The caller page dials 4008002000 (Sales, no IVR); `agent` gets callIn. Returns the sessionId. */
async function dial(caller, agent) {
  await caller.fill('#service', '4008002000');
  await caller.click('#call');
  const callIn = await agent.evaluate(() => waitEvent('callIn'));
  assertEqual(await caller.evaluate(() => window.tcccCaller.sessionId), callIn.sessionId, 'same session on both legs');
  return callIn.sessionId;
}

/**
 * The common start of a call test: agent A free (its page with `dataset`), agent B on a break, a
 * caller page dialling Sales; A accepts and media is up both ways.
 */
async function answeredCall(ctx, pages, dataset = {}) {
  const agent = await agentPage(ctx, ctx.a, 'free', pages, dataset);
  const b = await agentPage(ctx, ctx.b, 'rest', pages);
  const caller = await customerPage(ctx, 'caller.html', pages);
  const sid = await dial(caller, agent);
  ok(await agent.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid), 'accept');
  await agent.evaluate(() => waitEvent('userAccessed'));
  await mediaUp(agent, caller, sid, 'call');
  return { agent, b, caller, sid };
}

/** Media of `sessionId` is up on the agent page and RTP flows both ways. */
async function mediaUp(agent, customer, sessionId, what) {
  await agent.evaluate(
    (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'connected', 15000),
    sessionId,
  );
  await waitFor(() => agent.evaluate(async () => (await window.__inboundBytes()) > 2000), `${what}: agent inbound RTP`);
  await waitFor(
    () => customer.evaluate(async () => (await window.__inboundBytes()) > 2000),
    `${what}: customer inbound RTP`,
  );
}

/** Inbound RTP bytes keep growing on this page (the connection carries audio right now). */
async function bytesGrow(page, what) {
  const before = await page.evaluate(() => window.__inboundBytes());
  await waitFor(
    async () => (await page.evaluate(() => window.__inboundBytes())) > before + 1000,
    `${what}: RTP bytes growing`,
  );
}

const agentHears = (agent, ms = 1500) => agent.evaluate((m) => window.__energy(remoteAudio().srcObject, m), ms);
const customerHears = (customer, ms = 1200) =>
  customer.evaluate((m) => window.__energy(window.tcccCaller.remoteStream, m), ms);
const customerPeaks = (customer, ms = 2000) =>
  customer.evaluate((m) => window.__peaks(window.tcccCaller.remoteStream, m), ms);

async function assertTwoWayAudio(agent, customer, what) {
  await bytesGrow(agent, `${what} (agent)`);
  await bytesGrow(customer, `${what} (customer)`);
  const a = await agentHears(agent);
  const c = await customerHears(customer);
  assert(a > RMS_AUDIBLE, `${what}: the agent hears the customer (rms ${a})`);
  assert(c > RMS_AUDIBLE, `${what}: the customer hears the agent (rms ${c})`);
}

const ok = (r, what) => assertEqual(r.status, 'success', what);

// --- scenarios ---------------------------------------------------------------------------------

export const tests = [
  {
    name: 'media: hold plays music to the customer and silences the customer, unHold restores; mute; DTMF both ways',
    timeoutMs: 60000,
    run: (ctx) =>
      withPages(async (pages) => {
        const { agent, caller, sid } = await answeredCall(ctx, pages);
        await assertTwoWayAudio(agent, caller, 'before hold');
        // Before hold the customer hears the agent's tone.
        const talkPeaks = await customerPeaks(caller);
        assert(
          talkPeaks.filter((f) => near(f, AGENT_TONE_HZ)).length > talkPeaks.length / 2,
          `before hold the customer hears the agent's ${AGENT_TONE_HZ} Hz tone: ${talkPeaks}`,
        );

        // Hold: the server keeps the state (the customer leg is told `held`), the customer hears the
        // melody and not the agent, and the agent hears nothing from the customer.
        ok(await agent.evaluate((id) => tccc.Call.hold({ sessionId: id }), sid), 'hold');
        await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'held'), 'customer leg held');
        await waitFor(
          async () => {
            const p = await customerPeaks(caller, 800);
            return p.length > 5 && p.every((f) => MELODY_HZ.some((m) => near(f, m)));
          },
          'the customer hears only the melody',
          10000,
        );
        const heldPeaks = await customerPeaks(caller, 2500);
        const notes = new Set(heldPeaks.map((f) => MELODY_HZ.find((m) => near(f, m))).filter(Boolean));
        assert(notes.size >= 2, `several melody notes while held: ${heldPeaks}`);
        assert(!heldPeaks.some((f) => near(f, AGENT_TONE_HZ)), `no agent tone while held: ${heldPeaks}`);
        await bytesGrow(agent, 'held (agent)');
        await waitFor(async () => (await agentHears(agent, 600)) < RMS_SILENT, 'the agent hears silence while held');
        assertEqual(await agent.evaluate(() => remoteAudio().muted), true, 'the agent does not play a held customer');
        // Digits cannot be sent while held (the server's rule).
        const refused = await agent.evaluate(
          (id) =>
            tccc.Call.sendDigits({ sessionId: id, dtmfText: '1' }).then(
              () => 'ok',
              (e) => e.code,
            ),
          sid,
        );
        assert(refused !== 'ok', `sendDigits is refused while held (${refused})`);

        // unHold: the agent's voice is back, and so is the customer's.
        ok(await agent.evaluate((id) => tccc.Call.unHold({ sessionId: id }), sid), 'unHold');
        await waitFor(
          () => caller.evaluate(() => window.tcccCaller.state === 'connected'),
          'customer leg connected again',
        );
        await waitFor(
          async () => {
            const p = await customerPeaks(caller, 800);
            return p.length > 5 && p.filter((f) => near(f, AGENT_TONE_HZ)).length > p.length / 2;
          },
          "the customer hears the agent's tone again",
          10000,
        );
        assertEqual(await agent.evaluate(() => remoteAudio().muted), false, 'the agent plays the customer again');
        await waitFor(async () => (await agentHears(agent, 800)) > RMS_AUDIBLE, 'the agent hears the customer again');

        // Mute: the customer hears silence, then the agent again.
        ok(await agent.evaluate((id) => tccc.Call.muteMic({ sessionId: id }), sid), 'muteMic');
        await waitFor(async () => (await customerHears(caller, 600)) < RMS_SILENT, 'silence while muted');
        ok(await agent.evaluate((id) => tccc.Call.unmuteMic({ sessionId: id }), sid), 'unmuteMic');
        await waitFor(async () => (await customerHears(caller, 600)) > RMS_AUDIBLE, 'voice after unmute');

        // DTMF: RFC 4733 tones leave the agent's RTCDTMFSender, and the customer page gets the copy.
        await agent.evaluate(() => {
          window.__tones = [];
          const sender = window
            .__pc()
            .getSenders()
            .find((s) => s.track && s.track.kind === 'audio');
          sender.dtmf.addEventListener('tonechange', (e) => window.__tones.push(e.tone));
        });
        ok(await agent.evaluate((id) => tccc.Call.sendDigits({ sessionId: id, dtmfText: '12#' }), sid), 'sendDigits');
        await waitFor(
          () => agent.evaluate(() => window.__tones.join(',') === '1,2,#,'),
          'tonechange 1, 2, # and the end',
          8000,
        ).catch(async (e) => {
          throw new Error(`${e.message}: ${await agent.evaluate(() => JSON.stringify(window.__tones))}`);
        });
        await waitFor(
          () => caller.evaluate(() => window.tcccCaller.digitsFromAgent.join('') === '12#'),
          'customer.dtmf 12#',
        );

        await caller.click('#hangup');
        const ended = await agent.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(ended.closeBy, 'client', 'closeBy');
        await agent.evaluate(() => waitEvent('mediaStateChanged', (d) => d.state === 'closed'));
        assertEqual(
          await agent.evaluate(() => callEvents()),
          ['callIn', 'userAccessed', 'sessionEnded'],
          'agent events in order',
        );
        await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'ended'), 'customer leg ended');
        const states = await caller.evaluate(() => window.tcccCaller.history.map((h) => h.state));
        assertEqual(states.slice(-4), ['connected', 'held', 'connected', 'ended'], 'customer states');
        const media = await agent.evaluate((id) => mediaStates(id), sid);
        assert(!media.includes('failed'), `no media failure: ${media}`);
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: "media: data-hold-music-url on the script tag: the held customer hears the integrator's music",
    timeoutMs: 45000,
    run: (ctx) =>
      withPages(async (pages) => {
        const { agent, caller, sid } = await answeredCall(ctx, pages, { holdMusicUrl: ctx.holdMusicUrl });
        ok(await agent.evaluate((id) => tccc.Call.hold({ sessionId: id }), sid), 'hold');
        let last = [];
        await waitFor(
          async () => {
            const p = (last = await customerPeaks(caller, 1500));
            return (
              p.length > 5 &&
              p.every((f) => near(f, 1200, 30) || near(f, 1500, 30)) &&
              p.some((f) => near(f, 1200, 30)) &&
              p.some((f) => near(f, 1500, 30))
            );
          },
          "the customer hears the integrator's chime (1200/1500 Hz)",
          12000,
        ).catch((e) => {
          throw new Error(`${e.message}; last peaks ${last}`);
        });
        ok(await agent.evaluate((id) => tccc.Call.unHold({ sessionId: id }), sid), 'unHold');
        await waitFor(
          async () => {
            const p = await customerPeaks(caller, 800);
            return p.length > 5 && p.filter((f) => near(f, AGENT_TONE_HZ)).length > p.length / 2;
          },
          "the agent's tone again",
          10000,
        );
        await caller.click('#hangup');
        await agent.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: 'media: one-way audio: the customer stops sending, the agent gets mediaWarning noInboundAudio, then its end',
    timeoutMs: 45000,
    run: (ctx) =>
      withPages(async (pages) => {
        const { agent, caller, sid } = await answeredCall(ctx, pages);
        // The caller's audio sender goes inactive: no RTP at all, as from a broken far side.
        const sending = (active) =>
          caller.evaluate(async (on) => {
            const sender = window
              .__pc()
              .getSenders()
              .find((x) => x.track && x.track.kind === 'audio');
            const p = sender.getParameters();
            p.encodings.forEach((e) => {
              e.active = on;
            });
            await sender.setParameters(p);
          }, active);
        const warning = (active) =>
          agent.evaluate(
            ([id, on]) =>
              waitEvent(
                'mediaWarning',
                (d) => d.sessionId === id && d.warning === 'noInboundAudio' && d.active === on,
                15000,
              ),
            [sid, active],
          );
        await sending(false);
        await warning(true);
        // The built-in workbench (the script tag's default UI) says so in the call bar.
        await agent.evaluate(() => tccc.UI.showWorkbench());
        const notice = agent.locator('[data-field=call-audio-warning]');
        await notice.waitFor({ state: 'visible', timeout: 5000 });
        assert(/收不到对方的声音/.test(await notice.textContent()), 'the call bar tells the agent');
        await sending(true);
        await warning(false);
        await notice.waitFor({ state: 'hidden', timeout: 5000 });
        await bytesGrow(agent, 'audio back');
        // The agent's own (fake) microphone plays a tone the whole time: never reported silent.
        const micWarnings = await agent.evaluate(() =>
          window.logSince().filter(([k, d]) => k === 'mediaWarning' && d.warning === 'microphoneSilent'),
        );
        assertEqual(micWarnings, [], 'no microphoneSilent for a live microphone');
        await caller.click('#hangup');
        await agent.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: 'media: one-way audio: a dead agent microphone (digital silence) gives microphoneSilent; muting ends it',
    timeoutMs: 60000,
    run: async (ctx) => {
      const silence = join(ctx.dir, 'silence.wav');
      execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', silence, 'trim', '0', '5']);
      const deadMic = await launchBrowser([
        `--use-file-for-fake-audio-capture=${silence}`,
        '--autoplay-policy=no-user-gesture-required',
      ]);
      try {
        await deadMic.context.addInitScript(LOOPBACK_ONLY + PROBES);
        await withPages(async (pages) => {
          const { agent, caller, sid } = await answeredCall({ ...ctx, agentBrowser: deadMic }, pages);
          const warning = (active) =>
            agent.evaluate(
              ([id, on]) =>
                waitEvent(
                  'mediaWarning',
                  (d) => d.sessionId === id && d.warning === 'microphoneSilent' && d.active === on,
                  20000,
                ),
              [sid, active],
            );
          await warning(true);
          ok(await agent.evaluate((id) => tccc.Call.muteMic({ sessionId: id }), sid), 'mute');
          await warning(false); // a muted microphone is silent on purpose
          // The far side's audio arrives all along: no noInboundAudio.
          const inbound = await agent.evaluate(() =>
            window.logSince().filter(([k, d]) => k === 'mediaWarning' && d.warning === 'noInboundAudio'),
          );
          assertEqual(inbound, [], 'no noInboundAudio while the customer talks');
          await caller.click('#hangup');
          await agent.evaluate(() => waitEvent('sessionEnded'));
          assertEqual(pages.errors, [], 'page errors');
        });
      } finally {
        await deadMic.close();
      }
    },
  },
  {
    name: "media: transfer to agent B moves the customer's audio to B without renegotiating the customer; A's connection closes",
    timeoutMs: 60000,
    run: (ctx) =>
      withPages(async (pages) => {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        const b = await agentPage(ctx, ctx.b, 'rest', pages);
        const caller = await customerPage(ctx, 'caller.html', pages);
        const sid = await dial(caller, a);
        ok(await a.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid), 'A accepts');
        await mediaUp(a, caller, sid, 'A');
        await assertTwoWayAudio(a, caller, 'with A');
        const callerPcs = await caller.evaluate(() => window.__pcs.length);

        await setStatus(b, 'free');
        ok(await a.evaluate(([id, to]) => tccc.Call.transfer({ sessionId: id, userId: to }), [sid, ctx.b]), 'transfer');
        const transfer = await a.evaluate(() => waitEvent('transfer'));
        assertEqual(transfer.sessionId, sid, 'transfer event session');
        await a.evaluate(() => waitEvent('sessionEnded'));
        await a.evaluate(
          (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'closed'),
          sid,
        );
        assertEqual(await a.evaluate(() => window.__pc().connectionState), 'closed', "A's peer connection closed");
        assertEqual(
          await a.evaluate(() => callEvents()),
          ['callIn', 'userAccessed', 'transfer', 'sessionEnded'],
          'A events',
        );

        const callInB = await b.evaluate(() => waitEvent('callIn'));
        assertEqual(callInB.sessionId, sid, 'B gets the same session');
        ok(await b.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid), 'B accepts');
        await mediaUp(b, caller, sid, 'B');
        // The customer's connection ends at the server: B is joined to it, nothing is renegotiated.
        assertEqual(await caller.evaluate(() => window.__pcs.length), callerPcs, 'the customer kept its connection');
        await assertTwoWayAudio(b, caller, 'with B');

        await caller.click('#hangup');
        const ended = await b.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(ended.closeBy, 'client', "B's call ended by the customer");
        assertEqual(await b.evaluate(() => callEvents()), ['callIn', 'userAccessed', 'sessionEnded'], 'B events');
        await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'ended'), 'customer leg ended');
        const states = await caller.evaluate(() => window.tcccCaller.history.map((h) => h.state));
        assertEqual(states.slice(-4), ['connected', 'ringing', 'connected', 'ended'], 'customer states');
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: 'media: ring timeout at A → autoTransfer, B answers and talks with the customer',
    timeoutMs: 60000,
    run: (ctx) =>
      withPages(async (pages) => {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        const b = await agentPage(ctx, ctx.b, 'rest', pages);
        const caller = await customerPage(ctx, 'caller.html', pages);
        const sid = await dial(caller, a);
        await setStatus(b, 'free');
        const auto = await a.evaluate((ms) => waitEvent('autoTransfer', () => true, ms), (RING_TIMEOUT_SEC + 6) * 1000);
        assertEqual(auto.sessionId, sid, 'autoTransfer session');
        await b.evaluate(() => waitEvent('callIn'));
        ok(await b.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid), 'B accepts');
        await mediaUp(b, caller, sid, 'B');
        await assertTwoWayAudio(b, caller, 'with B after autoTransfer');
        assertEqual(await a.evaluate(() => callEvents()), ['callIn', 'autoTransfer'], 'A events');
        // A was connected while it rang (docs/media.md, "Ringing"), but never with a microphone, and
        // that connection closed with its ring.
        const aMedia = await a.evaluate(() =>
          window.__pcs.map((pc) => ({
            state: pc.connectionState,
            tracks: pc.getSenders().filter((s) => s.track).length,
          })),
        );
        assertEqual(aMedia, [{ state: 'closed', tracks: 0 }], "A's ringing connection: no microphone, closed");

        ok(await b.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid), 'B hangs up');
        const ended = await b.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(ended.closeBy, 'seat', 'closed by the agent');
        await waitFor(() => caller.evaluate(() => window.tcccCaller.state === 'ended'), 'customer ended');
        assertEqual(await b.evaluate(() => callEvents()), ['callIn', 'userAccessed', 'sessionEnded'], 'B events');
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: 'media: internal call A → B, both browsers, two-way audio; the caller offers',
    timeoutMs: 45000,
    run: (ctx) =>
      withPages(async (pages) => {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        const b = await agentPage(ctx, ctx.b, 'free', pages);
        const r = await a.evaluate((to) => tccc.Call.startInternalCall({ calleeUserId: to }), ctx.b);
        ok(r, 'startInternalCall');
        const sid = r.data.sessionId;
        await a.evaluate(() => waitEvent('callOuted'));
        const callIn = await b.evaluate(() => waitEvent('callIn'));
        assertEqual(callIn.sessionId, sid, 'B rings');
        ok(await b.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid), 'B accepts');
        await a.evaluate(() => waitEvent('calloutAccepted'));
        for (const [who, page] of [
          ['A', a],
          ['B', b],
        ]) {
          await page.evaluate(
            (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'connected', 15000),
            sid,
          );
          await waitFor(() => page.evaluate(async () => (await window.__inboundBytes()) > 2000), `${who} inbound RTP`);
          await bytesGrow(page, who);
          const heard = await agentHears(page);
          assert(heard > RMS_AUDIBLE, `${who} hears the other agent (rms ${heard})`);
        }
        // A offered, B answered.
        assertEqual(await a.evaluate(() => window.__pc().localDescription.type), 'offer', "A's description");
        assertEqual(await b.evaluate(() => window.__pc().localDescription.type), 'answer', "B's description");

        ok(await a.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid), 'A hangs up');
        await b.evaluate(() => waitEvent('sessionEnded'));
        for (const page of [a, b])
          await page.evaluate(
            (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'closed'),
            sid,
          );
        assertEqual(await a.evaluate(() => callEvents()), ['callOuted', 'calloutAccepted', 'sessionEnded'], 'A events');
        assertEqual(await b.evaluate(() => callEvents()), ['callIn', 'userAccessed', 'sessionEnded'], 'B events');
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: 'media: outbound call with uui to the callee page: callOuted, answer, calloutAccepted, audio, CDR Uui; busy, reject, no answer',
    timeoutMs: 90000,
    run: (ctx) =>
      withPages(async (pages) => {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        const callee = await customerPage(ctx, 'callee.html', pages);
        await callee.fill('#number', CALLEE_NUMBER);
        await callee.click('#register');
        await waitFor(
          () => callee.evaluate((n) => window.tcccCaller.numbers.includes(n), CALLEE_NUMBER),
          'number registered',
        );

        const place = (uui) =>
          a.evaluate(
            ([n, u]) =>
              tccc.Call.startOutboundCall({
                phoneNumber: n,
                phoneDesc: 'VIP customer',
                uui: u,
                callerPhoneNumber: '02160001000',
              }),
            [CALLEE_NUMBER, uui],
          );
        const r = await place('order-42');
        ok(r, 'startOutboundCall');
        const sid = r.data.sessionId;
        assertEqual(r.data.callerPhoneNumber, '02160001000', 'caller number used');
        await a.evaluate(() => waitEvent('callOuted'));
        await waitFor(() => callee.evaluate(() => window.tcccCaller.state === 'ringing'), 'callee rings');
        assertEqual(
          await callee.evaluate(() => window.tcccCaller.incomingCaller),
          '02160001000',
          'callee sees the caller number',
        );
        await callee.click('#answer');
        await a.evaluate(() => waitEvent('calloutAccepted'));
        await mediaUp(a, callee, sid, 'outbound');
        await assertTwoWayAudio(a, callee, 'outbound');
        ok(await a.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid), 'agent hangs up');
        const ended = await a.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(ended.closeBy, 'seat', 'closed by the agent');
        await waitFor(() => callee.evaluate(() => window.tcccCaller.state === 'ended'), 'callee ended');
        assertEqual(
          await a.evaluate(() => callEvents()),
          ['callOuted', 'calloutAccepted', 'sessionEnded'],
          'agent events',
        );
        const cdr = await waitFor(
          async () => {
            const now = Math.floor(Date.now() / 1000);
            const res = await ctx.ccc.DescribeTelCdr({
              SdkAppId: ctx.server.sdkAppId,
              StartTimeStamp: now - 600,
              EndTimeStamp: now + 60,
              Limit: 100,
              Offset: 0,
            });
            return (res.TelCdrs || []).find((c) => c.SessionId === sid);
          },
          'the CDR',
          8000,
        );
        assertEqual(cdr.Uui, 'order-42', 'CDR Uui');
        assertEqual(cdr.Callee, CALLEE_NUMBER, 'CDR callee');
        assertEqual(cdr.EndStatusString, 'ok', 'CDR end status');

        // Busy, reject and no answer from the callee page end with the documented reasons.
        for (const [button, mainReason, endStatus] of [
          ['#busy', 'busy', 'busy'],
          ['#reject', 'userReject', 'userReject'],
          [null, 'notAnswer', 'notAnswer'],
        ]) {
          await setStatus(a, 'free');
          const n = await a.evaluate(() => window.logSince().length);
          const res = await place(`u-${mainReason}`);
          const id = res.data.sessionId;
          await waitFor(
            () =>
              callee.evaluate((s) => window.tcccCaller.sessionId === s && window.tcccCaller.state === 'ringing', id),
            `callee rings (${mainReason})`,
          );
          if (button) await callee.click(button);
          const end = await a.evaluate(
            ([s, ms]) => waitEvent('sessionEnded', (d) => d.sessionId === s, ms),
            [id, (NO_ANSWER_SEC + 8) * 1000],
          );
          assertEqual([end.closeBy, end.mainReason], ['admin', mainReason], `${mainReason}: sessionEnded reasons`);
          assertEqual(
            await a.evaluate(
              (k) =>
                window
                  .logSince()
                  .slice(k)
                  .map(([e]) => e)
                  .filter((e) => e === 'callOuted' || e === 'sessionEnded' || e === 'calloutAccepted'),
              n,
            ),
            ['callOuted', 'sessionEnded'],
            `${mainReason}: events`,
          );
          await waitFor(
            () => callee.evaluate(() => window.tcccCaller.state === 'ended'),
            `callee ended (${mainReason})`,
          );
          const c = await waitFor(
            async () => {
              const now = Math.floor(Date.now() / 1000);
              const rs = await ctx.ccc.DescribeTelCdr({
                SdkAppId: ctx.server.sdkAppId,
                StartTimeStamp: now - 600,
                EndTimeStamp: now + 60,
                Limit: 100,
                Offset: 0,
              });
              return (rs.TelCdrs || []).find((x) => x.SessionId === id);
            },
            `the CDR (${mainReason})`,
            8000,
          );
          assertEqual(c.EndStatusString, endStatus, `${mainReason}: CDR end status`);
        }
        assertEqual(await a.evaluate(() => window.__pcs.length), 1, 'unanswered calls open no media');
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: 'media: web voice (voip) caller page: callIn with the visitor, two-way audio, the visitor hangs up',
    timeoutMs: 40000,
    run: (ctx) =>
      withPages(async (pages) => {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        await agentPage(ctx, ctx.b, 'rest', pages);
        const visitor = await customerPage(ctx, 'voip.html?lang=en', pages);
        assertEqual(await visitor.textContent('h1'), 'Web voice caller (VoIP customer)', 'English title');
        await visitor.fill('#userId', 'visitor-42');
        await visitor.fill('#nickname', 'Ada <b>');
        await visitor.click('#call');
        const callIn = await a.evaluate(() => waitEvent('callIn'));
        assertEqual(
          [callIn.type, callIn.userId, callIn.nickname],
          ['voip', 'visitor-42', 'Ada <b>'],
          'callIn of a voip call',
        );
        ok(await a.evaluate((id) => tccc.Call.accept({ sessionId: id }), callIn.sessionId), 'accept');
        await mediaUp(a, visitor, callIn.sessionId, 'voip');
        await assertTwoWayAudio(a, visitor, 'voip');
        await visitor.click('#hangup');
        const ended = await a.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(ended.closeBy, 'client', 'closed by the visitor');
        assertEqual(await a.evaluate(() => callEvents()), ['callIn', 'userAccessed', 'sessionEnded'], 'agent events');
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: "media: video call, frames both ways; muteVideo stops the far end's video, unmuteVideo resumes it",
    timeoutMs: 60000,
    run: (ctx) =>
      withPages(async (pages) => {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        await agentPage(ctx, ctx.b, 'rest', pages);
        const visitor = await customerPage(ctx, 'video.html', pages);
        await visitor.fill('#service', '4008002000');
        await visitor.click('#call');
        const callIn = await a.evaluate(() => waitEvent('callIn'));
        const sid = callIn.sessionId;
        ok(await a.evaluate((id) => tccc.Video.accept({ sessionId: id }), sid), 'Video.accept');
        await a.evaluate(() => waitEvent('userAccessed'));
        await mediaUp(a, visitor, sid, 'video');
        const frames = (page) => page.evaluate(async () => (await window.__inbound('video')).framesDecoded);
        await waitFor(async () => (await frames(a)) > 10, 'the agent decodes video', 15000);
        await waitFor(async () => (await frames(visitor)) > 10, 'the visitor decodes video', 15000);
        await assertTwoWayAudio(a, visitor, 'video call');
        assert(
          await a.evaluate(() => remoteVideo() && remoteVideo().srcObject.getVideoTracks().length === 1),
          "the agent's page shows the visitor",
        );
        assertEqual(
          await a.evaluate(() =>
            window
              .__pc()
              .getSenders()
              .filter((s) => s.track)
              .map((s) => s.track.kind)
              .sort(),
          ),
          ['audio', 'video'],
          'the agent sends audio and camera',
        );

        // muteVideo: the visitor's decoded frames stop growing; unmuteVideo: they grow again.
        ok(await a.evaluate((id) => tccc.Video.muteVideo({ sessionId: id }), sid), 'muteVideo');
        await waitFor(
          async () => {
            const f0 = await frames(visitor);
            await new Promise((r) => setTimeout(r, 1000));
            return (await frames(visitor)) === f0;
          },
          "the visitor's video stalls",
          10000,
        );
        const agentStill = await frames(a);
        await waitFor(async () => (await frames(a)) > agentStill + 5, 'the agent still receives video');
        ok(await a.evaluate((id) => tccc.Video.unmuteVideo({ sessionId: id }), sid), 'unmuteVideo');
        const f1 = await frames(visitor);
        await waitFor(async () => (await frames(visitor)) > f1 + 5, "the visitor's video resumes", 10000);

        ok(await a.evaluate((id) => tccc.Video.end({ sessionId: id }), sid), 'Video.end');
        await a.evaluate(() => waitEvent('sessionEnded'));
        await waitFor(() => visitor.evaluate(() => window.tcccCaller.state === 'ended'), 'visitor ended');
        assertEqual(await a.evaluate(() => remoteVideo()), null, 'remote <video> removed');
        assertEqual(await a.evaluate(() => callEvents()), ['callIn', 'userAccessed', 'sessionEnded'], 'agent events');
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
  {
    name: 'media: microphone switch mid-call keeps the call; an agent-side ICE restart (network back online) is answered by the server',
    timeoutMs: 60000,
    run: (ctx) =>
      withPages(async (pages) => {
        const { agent, caller, sid } = await answeredCall(ctx, pages);
        await assertTwoWayAudio(agent, caller, 'before the switch');

        // Devices: switch to another microphone during the call.
        const mics = await agent.evaluate(async () => (await tccc.Devices.getMicrophones()).map((d) => d.deviceId));
        const target = mics.find((id) => id && id !== 'default') || mics[0];
        assert(target, `a microphone to switch to: ${JSON.stringify(mics)}`);
        const before = await agent.evaluate(
          () =>
            window
              .__pc()
              .getSenders()
              .find((x) => x.track && x.track.kind === 'audio').track.id,
        );
        const offersBefore = await caller.evaluate(() => window.__pcs.length);
        const switched = await agent.evaluate((id) => tccc.Devices.setMicrophone({ deviceId: id }), target);
        assertEqual(switched, { status: 'success', data: { deviceId: target } }, 'setMicrophone');
        const after = await agent.evaluate(() => {
          const t = window
            .__pc()
            .getSenders()
            .find((x) => x.track && x.track.kind === 'audio').track;
          return { id: t.id, state: t.readyState, device: t.getSettings().deviceId };
        });
        assert(
          after.id !== before && after.state === 'live',
          `a new live track on the sender: ${JSON.stringify(after)}`,
        );
        assertEqual(after.device, target, 'the sender uses the chosen device');
        assertEqual(await caller.evaluate(() => window.__pcs.length), offersBefore, 'no new connection');
        await assertTwoWayAudio(agent, caller, 'after the switch');
        const bad = await agent.evaluate(() =>
          tccc.Devices.setMicrophone({ deviceId: 'no-such-device' }).then(
            () => 'ok',
            (e) => e.name || e.code,
          ),
        );
        assertEqual(bad, 'ERR_MIC_START_FAIL', 'an unknown device is refused');
        const bad2 = await agent.evaluate(() =>
          tccc.Devices.setMicrophone({}).then(
            () => 'ok',
            (e) => e.name || e.code,
          ),
        );
        assertEqual(bad2, 'ERR_INVALID_ARGUMENT', 'no deviceId');
        await bytesGrow(caller, 'the call survived a refused switch');

        // ICE restart from the agent: the browser says the network is back while the connection looks
        // broken (the state is forced: loopback cannot really fail), so the SDK offers with iceRestart;
        // the server (where the call's media is anchored) answers with new credentials of its own and
        // audio keeps flowing.
        const ufrag = (sdp) => (/a=ice-ufrag:(\S+)/.exec(sdp) || [])[1];
        const serverUfrag0 = ufrag(await agent.evaluate(() => window.__pc().remoteDescription.sdp));
        await agent.evaluate(() => {
          const pc = window.__pc();
          Object.defineProperty(pc, 'connectionState', { configurable: true, get: () => 'disconnected' });
          window.dispatchEvent(new Event('online'));
        });
        await agent.evaluate(
          (id) => waitEvent('mediaStateChanged', (d) => d.sessionId === id && d.state === 'iceRestart'),
          sid,
        );
        await waitFor(async () => {
          const u = ufrag(await agent.evaluate(() => window.__pc().remoteDescription.sdp));
          return u && u !== serverUfrag0 && (await agent.evaluate(() => window.__pc().signalingState === 'stable'));
        }, "the server's answer to the restart applied");
        await agent.evaluate(() => {
          delete window.__pc().connectionState;
        });
        assertEqual(await caller.evaluate(() => window.__pcs.length), offersBefore, 'restarted on the same connection');
        await assertTwoWayAudio(agent, caller, 'after the ICE restart');

        ok(await agent.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid), 'hang up');
        await agent.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(
          await agent.evaluate(() => callEvents()),
          ['callIn', 'userAccessed', 'sessionEnded'],
          'agent events',
        );
        assertEqual(pages.errors, [], 'page errors');
      }),
  },
];
