// SPDX-License-Identifier: Apache-2.0
// The uni-app TCCCWorkstation API in a real browser against the real server: an integrator page on
// its own origin loads /sdk/tccc-workstation.js with a script tag, gets a Token from its backend
// (CreateSDKLoginToken with the official client) and runs the seed guide's uni-app snippets: login,
// call the answering test number 10000000001 -> onNewSession (CallOut) -> onAccepted -> terminate ->
// onEnded (LocalBye); a /sim/inbound call -> onNewSession (CallIn) -> answer -> the caller hangs up
// -> onEnded (RemoteBye); checkLogin after logout and after a login elsewhere; and the volumes
// measured where they land: the capture volume at the server's end of the call (GET /sim/sessions:
// rmsIn), the playout volume in the stream the page's audio element plays. ICE stays on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, startCrm, postJson, assert, assertEqual, waitFor } from './harness.mjs';
import { LOOPBACK_ONLY, PROBES, RMS_AUDIBLE, RMS_SILENT, makeAudio } from './media-kit.mjs';

// The integrator page. Every workstation event lands in window.__log as [name, ...args].
const PAGE = `<!doctype html><meta charset="utf-8"><title>CRM (uni-app API)</title><body><script>
window.__log = [];
window.EVENTS = ['onError', 'onWarning', 'onNewSession', 'onAccepted', 'onEnded', 'onAudioVolume',
  'onNetworkQuality', 'onConnectionLost', 'onTryToReconnect', 'onConnectionRecovery'];
window.loadWorkstation = (src) => new Promise((resolve) => {
  const script = document.createElement('script');
  script.src = src;
  script.onload = () => resolve('loaded');
  script.onerror = () => resolve('script-error');
  document.body.appendChild(script);
});
window.listen = () => {
  const sdk = TCCCWorkstation.sharedInstance();
  for (const name of EVENTS) sdk.on(name, (...args) => window.__log.push([name, ...args]));
};
// login as the seed shows it, with a Token from the page's own backend; resolves [code, message].
window.wsLogin = async (userId) => {
  const { token } = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve) => TCCCWorkstation.sharedInstance().login(
    { sdkAppID: window.SDK_APP_ID, userId, token, type: TCCCLoginType.Agent },
    (code, message) => resolve([code, message])));
};
window.cb = (method, ...args) => new Promise((resolve) =>
  TCCCWorkstation.sharedInstance()[method](...args, (code, message) => resolve([code, message])));
window.waitFor = (name, pred = () => true, ms = 15000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const hit = window.__log.find(([k, ...a]) => k === name && pred(...a));
    if (hit) return resolve(hit.slice(1));
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + window.__log.map(([k]) => k).filter((k) => k !== 'onAudioVolume').join(',')));
    setTimeout(poll, 20);
  })();
});
window.playedAudio = () => document.querySelector('audio[data-tccc-workstation]');
</script></body>`;

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-workstation-'));
  const { speech } = makeAudio(dir); // the agent's microphone
  const server = await startServer();
  const crm = await startCrm(server, PAGE);
  const browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${speech}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  await browser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  return { dir, server, crm, browser };
}

export async function teardown(ctx) {
  await ctx.browser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

/** A CRM page with tccc-workstation.js loaded from the server and every event logged. */
async function workstationPage(ctx) {
  const page = await ctx.browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.crm.url);
  await page.evaluate((id) => {
    window.SDK_APP_ID = id;
  }, ctx.server.sdkAppId);
  const loaded = await page.evaluate((src) => loadWorkstation(src), `${ctx.server.baseUrl}/sdk/tccc-workstation.js`);
  assertEqual(loaded, 'loaded', 'tccc-workstation.js loads');
  await page.evaluate(() => listen());
  return { page, errors };
}

async function loggedIn(ctx, userId) {
  const p = await workstationPage(ctx);
  assertEqual(await p.page.evaluate((u) => wsLogin(u), userId), [0, 'logged in'], 'login callback');
  return p;
}

const simSession = async (ctx, sessionId) => (await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}`)).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const tests = [
  {
    name: 'workstation: the script defines the API on window; bad arguments answer with a code, never throw',
    async run(ctx) {
      const { page, errors } = await workstationPage(ctx);
      const shape = await page.evaluate(() => ({
        same: TcccWorkstation === TCCCWorkstation,
        single: TCCCWorkstation.sharedInstance() === TCCCWorkstation.sharedInstance(),
        version: TCCCWorkstation.getSDKVersion(),
        enums: [TCCCEndReason.LocalBye, TCCCSessionDirection.CallIn, TCCCAudioRoute.Speakerphone, TCCCLoginType.Agent],
        none: TcccErrorCode.ERR_NONE,
      }));
      assert(shape.same && shape.single, 'one class, one instance');
      assert(/^\d+\.\d+\.\d+/.test(shape.version), `version ${shape.version}`);
      assertEqual(shape.none, 0, 'ERR_NONE');
      const answers = await page.evaluate(async () => [
        await cb('login', { userId: 'a', token: 't' }),
        await cb('login', { sdkAppID: 1, userId: 'a', token: 't', type: 7 }),
        await cb('call', { to: '10000000001' }),
        await cb('answer'),
        await cb('checkLogin'),
      ]);
      assertEqual(answers[0][0], -11001, 'login without sdkAppID');
      assertEqual(answers[1][0], -11015, 'login with an unknown type');
      assertEqual(answers[2][0], 400, 'call before login');
      assertEqual(answers[3][0], 400, 'answer before login');
      assertEqual(answers[4][0], 400, 'checkLogin before login');
      // Without a callback the failure is an onError, not an exception.
      const onError = await page.evaluate(async () => {
        TCCCWorkstation.sharedInstance().sendDTMF('xyz');
        TCCCWorkstation.sharedInstance().getDeviceManager().setAudioCaptureVolume(250);
        return window.__log.filter(([k]) => k === 'onError').map(([, code]) => code);
      });
      assertEqual(onError, [-11001, -11001], 'onError for sendDTMF and setAudioCaptureVolume');
      assertEqual(errors, [], 'page errors');
      await page.close();
    },
  },
  {
    name: 'workstation: login, call 10000000001, onNewSession CallOut, onAccepted, terminate, onEnded LocalBye',
    timeoutMs: 45000,
    async run(ctx) {
      const { page, errors } = await loggedIn(ctx, ctx.server.agents[0]);
      assertEqual(await page.evaluate(() => cb('checkLogin')), [0, 'logged in'], 'checkLogin');
      const placed = await page.evaluate(() => cb('call', { to: '10000000001', remark: 'test', uui: 'order-42' }));
      assertEqual(placed[0], 0, `call callback (${placed[1]})`);
      const [info] = await page.evaluate(() => waitFor('onNewSession'));
      assertEqual(info.sessionDirection, 1, 'CallOut');
      assertEqual(info.toUserId, '10000000001', 'the dialled number');
      const [accepted] = await page.evaluate(() => waitFor('onAccepted'));
      assertEqual(accepted, info.sessionId, 'onAccepted names the session');
      // Media up: levels of both sides a few times a second, then a network quality.
      const volumes = await page.evaluate(async () => {
        await waitFor('onNetworkQuality', () => true, 8000);
        return window.__log.filter(([k]) => k === 'onAudioVolume').map(([, u, v]) => [u, v]);
      });
      assert(volumes.length >= 4, `onAudioVolume several times (${volumes.length})`);
      assert(
        volumes.some(([u, v]) => u === '10000000001' && v > 0),
        `the far end's level is heard: ${JSON.stringify(volumes.slice(-6))}`,
      );
      const [quality] = await page.evaluate(() => waitFor('onNetworkQuality'));
      assert(
        quality.quality >= 1 && quality.quality <= 2,
        `loopback quality is Excellent or Good (${quality.quality})`,
      );
      assertEqual(await page.evaluate(() => cb('sendDTMF', '12#')), [0, 'ok'], 'sendDTMF');
      assertEqual(await page.evaluate(() => cb('mute')), [0, 'ok'], 'mute');
      assertEqual(await page.evaluate(() => cb('unmute')), [0, 'ok'], 'unmute');
      await page.evaluate(() => TCCCWorkstation.sharedInstance().terminate());
      const [reason, , sid] = await page.evaluate(() => waitFor('onEnded'));
      assertEqual([reason, sid], [2, info.sessionId], 'onEnded(LocalBye, …, sessionId)');
      assertEqual(
        await page.evaluate(() => window.__log.filter(([k]) => k === 'onError')),
        [],
        'no onError during the call',
      );
      await page.evaluate(() => TCCCWorkstation.destroyInstance());
      assertEqual(errors, [], 'page errors');
      await page.close();
    },
  },
  {
    name: 'workstation: /sim/inbound call, onNewSession CallIn, answer, the caller hangs up, onEnded RemoteBye',
    timeoutMs: 45000,
    async run(ctx) {
      const { page, errors } = await loggedIn(ctx, ctx.server.agents[0]);
      const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138000',
        serviceNumber: '4008001000',
        ivrKeys: '1',
        holdSeconds: 3,
      });
      assertEqual(placed.status, 200, 'POST /sim/inbound');
      const [info] = await page.evaluate(
        (id) => waitFor('onNewSession', (i) => i.sessionId === id),
        placed.body.sessionId,
      );
      assertEqual(
        [info.sessionId, info.sessionDirection, info.fromUserId],
        [placed.body.sessionId, 0, '13800138000'],
        'onNewSession(CallIn) with the caller',
      );
      assertEqual(await page.evaluate(() => cb('answer')), [0, 'ok'], 'answer callback');
      await page.evaluate(() => waitFor('onAccepted'));
      const [reason, , sid] = await page.evaluate(() => waitFor('onEnded', () => true, 15000));
      assertEqual([reason, sid], [3, info.sessionId], 'onEnded(RemoteBye, …, sessionId)');
      assertEqual(await page.evaluate(() => cb('answer')), [-11003, 'answer: no call is ringing'], 'nothing to answer');
      await page.evaluate(() => TCCCWorkstation.destroyInstance());
      assertEqual(errors, [], 'page errors');
      await page.close();
    },
  },
  {
    name: 'workstation: checkLogin gives an error code after logout and after a login elsewhere',
    timeoutMs: 45000,
    async run(ctx) {
      const userId = ctx.server.agents[1];
      const first = await loggedIn(ctx, userId);
      assertEqual(await first.page.evaluate(() => cb('logout')), [0, 'logged out'], 'logout');
      assertEqual((await first.page.evaluate(() => cb('checkLogin')))[0], -10005, 'checkLogin after logout');
      assertEqual((await first.page.evaluate(() => cb('logout')))[0], -10005, 'logout twice');
      // Logged in again, then the same agent logs in on another page: this one is kicked.
      assertEqual((await first.page.evaluate((u) => wsLogin(u), userId))[0], 0, 'login again');
      const second = await loggedIn(ctx, userId);
      const [code] = await first.page.evaluate(() => waitFor('onError', (c) => c === 403));
      assertEqual(code, 403, 'onError(ERR_SIP_FORBIDDEN) on the kicked page');
      assertEqual((await first.page.evaluate(() => cb('checkLogin')))[0], 403, 'checkLogin when kicked');
      assertEqual((await first.page.evaluate(() => cb('call', { to: '10000000001' })))[0], 403, 'call when kicked');
      assertEqual(await second.page.evaluate(() => cb('checkLogin')), [0, 'logged in'], 'the new page is logged in');
      await second.page.evaluate(() => TCCCWorkstation.destroyInstance());
      assertEqual([...first.errors, ...second.errors], [], 'page errors');
      await first.page.close();
      await second.page.close();
    },
  },
  {
    name: 'workstation: capture volume 0 vs 100 at the far end, playout volume 0 vs 100 in what the page plays',
    timeoutMs: 60000,
    async run(ctx) {
      const { page, errors } = await loggedIn(ctx, ctx.server.agents[0]);
      const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138001',
        serviceNumber: '4008001000',
        ivrKeys: '1',
      });
      const sessionId = placed.body.sessionId;
      await page.evaluate((id) => waitFor('onNewSession', (i) => i.sessionId === id), sessionId);
      assertEqual(await page.evaluate(() => cb('answer')), [0, 'ok'], 'answer');
      await waitFor(async () => {
        const s = await simSession(ctx, sessionId);
        return s.media && s.media.state === 'connected' && s.media.rmsIn > RMS_AUDIBLE;
      }, 'the server hears the agent at volume 100');
      // The server's rmsIn is the agent's level over its last 500 ms.
      const level = async (volume) => {
        await page.evaluate(
          (v) => TCCCWorkstation.sharedInstance().getDeviceManager().setAudioCaptureVolume(v),
          volume,
        );
        await sleep(1500);
        let max = 0;
        for (let i = 0; i < 4; i++) {
          max = Math.max(max, (await simSession(ctx, sessionId)).media.rmsIn);
          await sleep(300);
        }
        return max;
      };
      const silent = await level(0);
      const loud = await level(100);
      assert(silent < RMS_SILENT, `capture volume 0: the far end receives silence (rms ${silent})`);
      assert(loud > RMS_AUDIBLE, `capture volume 100: the far end hears the agent (rms ${loud})`);
      assertEqual(
        await page.evaluate(() => TCCCWorkstation.sharedInstance().getDeviceManager().getAudioCaptureVolume()),
        100,
        'getAudioCaptureVolume',
      );
      // Playout: the stream the call's <audio> element plays, before and after the gain. The gain
      // applies at once, but what the page measures passes a second audio graph, which may still
      // hold audio from before the change on a busy machine: the measuring starts after a pause.
      const played = async (volume) => {
        await page.evaluate(
          (v) => TCCCWorkstation.sharedInstance().getDeviceManager().setAudioPlayoutVolume(v),
          volume,
        );
        await sleep(700);
        return page.evaluate(() => window.__energy(playedAudio().srcObject, 2000));
      };
      const heardLoud = await played(100);
      const heardMuted = await played(0);
      assert(heardLoud > RMS_AUDIBLE, `playout volume 100: the far end is played (rms ${heardLoud})`);
      assert(heardMuted < RMS_SILENT, `playout volume 0: nothing is played (rms ${heardMuted})`);
      assertEqual(
        await page.evaluate(() =>
          TCCCWorkstation.sharedInstance().getDeviceManager().setAudioRoute(TCCCAudioRoute.Speakerphone),
        ),
        0,
        'setAudioRoute(Speakerphone)',
      );
      await page.evaluate(() => TCCCWorkstation.sharedInstance().terminate());
      await page.evaluate(() => waitFor('onEnded'));
      await page.evaluate(() => TCCCWorkstation.destroyInstance());
      assertEqual(errors, [], 'page errors');
      await page.close();
    },
  },
];
