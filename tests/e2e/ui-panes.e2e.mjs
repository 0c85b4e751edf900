// SPDX-License-Identifier: Apache-2.0
// More of the built-in UI in Debian's Chromium against the real tccc-server: the video pane (fed
// through the media adapter's public stream getters), the incoming alert's notification fallback
// for a hidden tab, the notification switch that asks for permission only on a click, and the
// workbench driven by keyboard alone (Tab/Enter/Space/Escape) through an outbound call transferred
// to a skill group. Screenshots go to test-results/ui/ (git-ignored).
import { join } from 'node:path';
import {
  crmSuite,
  openPage,
  launchBrowser,
  postJson,
  assert,
  assertEqual,
  customerSocket,
  nodeAgent,
  waitText,
} from './harness.mjs';

// The integrator page: the script-tag login (window.loadSdk) and the npm entry with a media adapter
// of the page's own (window.loadNpm), plus an event log to wait on.
const PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title>
<body><h1>CRM</h1><script>
window.__log = [];
const record = (t) => { for (const name of Object.keys(t.events)) t.on(t.events[name], (p) => window.__log.push([name, p])); };
const login = async (userId) => (await (await fetch('/login?userId=' + encodeURIComponent(userId))).json()).sdkUrl;
window.loadSdk = async function (userId) {
  const sdkUrl = await login(userId);
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = sdkUrl;
    script.onload = resolve;
    script.onerror = reject;
    document.body.appendChild(script);
  });
  record(tccc);
};
// A media adapter that offers the public getters the UI uses (remoteStream/localStream), with
// canvas streams instead of a peer connection, and records the media actions it receives.
window.loadNpm = async function (sdkBase, userId) {
  const { init } = await import(sdkBase + 'index.mjs');
  const painted = (color) => {
    const c = document.createElement('canvas');
    c.width = 160; c.height = 120;
    const g = c.getContext('2d');
    setInterval(() => { g.fillStyle = color; g.fillRect(0, 0, 160, 120); g.fillStyle = '#fff'; g.fillText(String(Date.now() % 1000), 60, 60); }, 40);
    return c.captureStream(25);
  };
  const streams = new Map();
  window.__media = [];
  const adapter = {
    handle(action, data) { window.__media.push([action, data.sessionId]); },
    close() {},
    attach(host) { this.host = host; },
    remoteStream(id) { return streams.get(id) && streams.get(id).remote; },
    localStream(id) { return streams.get(id) && streams.get(id).local; },
  };
  window.tccc = init({ sdkUrl: await login(userId), ui: true, media: adapter });
  record(tccc);
  tccc.on('userAccessed', ({ data }) => {
    streams.set(data.sessionId, { remote: painted('#c0392b'), local: painted('#2471a3') });
    adapter.host.emit('mediaStateChanged', { sessionId: data.sessionId, state: 'connected' });
  });
  await new Promise((r) => tccc.on('ready', r));
};
window.waitEvent = (name, sessionId, ms = 10000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const hit = window.__log.find(([k, p]) => k === name && (!sessionId || p.data.sessionId === sessionId));
    if (hit) return resolve(hit[1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + window.__log.map(([k]) => k).join(',')));
    setTimeout(poll, 20);
  })();
});
// The focused element, through open shadow roots.
window.deepActive = () => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? (a.getAttribute('data-act') || a.getAttribute('data-field') || a.getAttribute('role') || a.tagName) : null;
};
</script></body>`;

const { shots, setup, teardown } = crmSuite(PAGE);
export { setup, teardown };

/** A customer leg on /ws/customer (the simulator's other end). */
const customer = (ctx) => customerSocket(ctx.server);

async function closePage(page) {
  await page.evaluate(() => window.tccc && tccc.destroy()).catch(() => {});
  await page.close();
}

export const tests = [
  {
    name: 'video pane: a video session shows remote and local video from the adapter; camera off/on',
    timeoutMs: 45000,
    async run(ctx) {
      const { page, errors } = await openPage(ctx.browser, { width: 1000, height: 1000 });
      const c = await customer(ctx);
      try {
        await page.goto(ctx.crm.url);
        await page.evaluate(([b, u]) => loadNpm(b, u), [`${ctx.server.baseUrl}/sdk/`, ctx.server.agents[0]]);
        await page.waitForSelector('[data-act=float]', { state: 'visible', timeout: 10000 });
        const res = await c.call('customer.video', {
          serviceNumber: '4008002000',
          userId: 'visitor-v',
          nickname: '视频访客',
        });
        assert(res.ok, `customer.video: ${JSON.stringify(res.error)}`);
        const sid = res.data.sessionId;
        await page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        assertEqual(
          await page.locator('[data-field=alert-peer]').textContent(),
          '视频访客',
          'alert shows the nickname',
        );
        await page.click('[data-act=answer]');
        await page.evaluate((id) => waitEvent('userAccessed', id), sid);
        await page.click('[data-act=float]');
        await page.waitForSelector('[data-field=video-pane]', { state: 'visible' });
        // Both videos play the adapter's streams (frames arrive: videoWidth is known).
        const playing = async (field) =>
          page.locator(`[data-field=${field}]`).evaluate((v) => v.srcObject !== null && v.videoWidth > 0 && v.muted);
        for (let i = 0; i < 50 && !((await playing('video-remote')) && (await playing('video-local'))); i++)
          await new Promise((r) => setTimeout(r, 100));
        assert(await playing('video-remote'), 'remote video plays (muted: the adapter plays the audio)');
        assert(await playing('video-local'), 'local video plays');
        await page.waitForSelector('[data-field=video-waiting]', { state: 'hidden' });
        await page.screenshot({ path: join(shots, '20-video-pane.png') });
        // Camera off: Video.muteVideo reaches the adapter; the local preview goes away.
        await page.click('[data-act=camera]');
        await waitText(page, '[data-act=camera]', /打开摄像头/);
        await page.waitForSelector('[data-field=video-local]', { state: 'hidden' });
        assert(
          (await page.evaluate(() => window.__media)).some(([a]) => a === 'muteVideo'),
          'muteVideo reached the media adapter',
        );
        await page.click('[data-act=camera]');
        await waitText(page, '[data-act=camera]', /关闭摄像头/);
        await page.waitForSelector('[data-field=video-local]', { state: 'visible' });
        assert(
          (await page.evaluate(() => window.__media)).some(([a]) => a === 'unmuteVideo'),
          'unmuteVideo reached the media adapter',
        );
        await page.click('[data-act=hangUp]');
        await page.evaluate((id) => waitEvent('sessionEnded', id), sid);
        await page.waitForSelector('[data-field=video-pane]', { state: 'hidden' });
        assertEqual(
          await page.locator('[data-field=video-remote]').evaluate((v) => v.srcObject),
          null,
          'streams detached after the call',
        );
        assertEqual(errors, [], 'page errors');
      } finally {
        c.close();
        await closePage(page);
      }
    },
  },
  {
    name: 'hidden tab: the incoming alert raises a system notification and says so',
    timeoutMs: 45000,
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      try {
        await ctx.browser.context.grantPermissions(['notifications'], { origin: ctx.crm.url });
        await page.goto(ctx.crm.url);
        await page.evaluate(() => {
          const Real = window.Notification;
          window.__notes = [];
          window.Notification = class extends Real {
            constructor(title, o) {
              super(title, o);
              window.__notes.push([title, o && o.body]);
            }
          };
        });
        await page.evaluate((u) => loadSdk(u), ctx.server.agents[0]);
        await page.evaluate(() => waitEvent('ready'));
        await page.waitForSelector('[data-act=float]', { state: 'visible' });
        // The agent switches to another tab (headless Chromium keeps every page visible: say so the
        // way a browser does, through visibilityState and the visibilitychange event).
        await page.evaluate(() => {
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
          document.dispatchEvent(new Event('visibilitychange'));
        });
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13700137000',
          serviceNumber: '4008002000',
        });
        assertEqual(call.status, 200, 'sim inbound');
        await page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        await waitText(page, '[data-field=alert-notice]', /页面在后台，已发送系统通知/);
        assertEqual(
          await page.evaluate(() => window.__notes),
          [['来电', '13700137000']],
          'one notification with the caller',
        );
        await page.screenshot({ path: join(shots, '21-hidden-tab-notified.png') });
        await page.click('[data-act=answer]');
        await page.evaluate((id) => waitEvent('userAccessed', id), call.body.sessionId);
        await page.evaluate((sessionId) => tccc.Call.hungUp({ sessionId }), call.body.sessionId);
        await page.evaluate((id) => waitEvent('sessionEnded', id), call.body.sessionId);
      } finally {
        await ctx.browser.context.clearPermissions();
        await closePage(page);
      }
    },
  },
  {
    name: 'notifications: permission is asked only from a click on 开启来电通知, and the answer is shown',
    async run(ctx) {
      const fresh = await launchBrowser();
      const page = await fresh.context.newPage();
      try {
        await page.goto(ctx.crm.url);
        await page.evaluate(() => {
          // Record whether each request came with a user gesture (browsers refuse others).
          const real = Notification.requestPermission.bind(Notification);
          window.__asks = [];
          Notification.requestPermission = (cb) => {
            window.__asks.push(navigator.userActivation.isActive);
            return real(cb);
          };
        });
        await page.evaluate((u) => loadSdk(u), ctx.server.agents[1]);
        await page.evaluate(() => waitEvent('ready'));
        await page.click('[data-act=float]');
        await waitText(page, '[data-field=notify-state]', /未开启/);
        // An incoming call does not ask by itself.
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13600136000',
          serviceNumber: '4008002000',
        });
        await page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        await new Promise((r) => setTimeout(r, 500));
        assertEqual(await page.evaluate(() => window.__asks), [], 'no request without a click');
        await page.click('[data-act=answer]');
        await page.evaluate((id) => waitEvent('userAccessed', id), call.body.sessionId);
        await page.evaluate((sessionId) => tccc.Call.hungUp({ sessionId }), call.body.sessionId);
        await page.evaluate((id) => waitEvent('sessionEnded', id), call.body.sessionId);
        await page.locator('tccc-workbench [data-act=enable-notify]').click();
        // Headless Chromium answers "denied" by itself; a user would see the browser's prompt.
        await waitText(page, 'tccc-workbench [data-field=notify-state]', /禁止/);
        assertEqual(await page.evaluate(() => window.__asks), [true], 'one request, from the click');
        await page.waitForSelector('tccc-workbench [data-act=enable-notify]', { state: 'hidden' });
        await page.screenshot({ path: join(shots, '22-notifications-denied.png') });
      } finally {
        await closePage(page);
        await fresh.close();
      }
    },
  },
  {
    name: 'keyboard only: Tab/Enter opens the workbench, Enter dials, Space/Escape work the transfer form, transfer to a skill group',
    timeoutMs: 45000,
    async run(ctx) {
      // Carol (agent3) is the only agent of skill group 2 (售后 Support): she gets the transfer.
      const { tccc: carol, callIn: carolCallIn } = await nodeAgent(ctx.server, ctx.server.agents[2]);
      const { page, errors } = await openPage(ctx.browser, { width: 1100, height: 900 });
      try {
        await page.goto(ctx.crm.url);
        await page.evaluate((u) => loadSdk(u), ctx.server.agents[0]);
        await page.evaluate(() => waitEvent('ready'));
        await page.waitForSelector('[data-act=float]', { state: 'visible' });
        // Every control has an accessible name (text or aria-label).
        const unnamed = await page.evaluate(() => {
          const out = [];
          (function walk(node) {
            for (const el of node.querySelectorAll('*')) {
              if (el.shadowRoot) walk(el.shadowRoot);
              if (!['BUTTON', 'INPUT', 'SELECT'].includes(el.tagName)) continue;
              if (!(el.getAttribute('aria-label') || el.textContent.trim() || el.closest('label')))
                out.push(el.outerHTML.slice(0, 80));
            }
          })(document);
          return out;
        });
        assertEqual(unnamed, [], 'controls without an accessible name');
        await page.keyboard.press('Tab');
        assertEqual(await page.evaluate(() => deepActive()), 'float', 'Tab reaches the floating button first');
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-field=status-select]', { state: 'visible' });
        assertEqual(await page.evaluate(() => deepActive()), 'dialog', 'focus moves into the workbench');
        await page.focus('[data-field=dial-number]');
        await page.keyboard.type('10000000001');
        await page.keyboard.press('Enter');
        const outed = await page.evaluate(() => waitEvent('callOuted'));
        await page.evaluate((id) => waitEvent('calloutAccepted', id), outed.data.sessionId);
        await waitText(page, '[data-field=call-state]', /通话中/);
        await page.focus('[data-act=transfer]');
        await page.keyboard.press('Space');
        await page.waitForSelector('[data-field=transfer-form]', { state: 'visible' });
        assertEqual(await page.evaluate(() => deepActive()), 'transfer-search', 'the transfer form takes focus');
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-field=transfer-form]', { state: 'hidden' });
        assert(await page.locator('[data-field=status-select]').isVisible(), 'Escape closed only the sub-panel');
        await page.focus('[data-act=transfer]');
        await page.keyboard.press('Enter');
        await page.focus('tccc-call-bar [data-field=transfer-kind]');
        await page.keyboard.press('ArrowDown'); // 坐席 → 技能组
        assertEqual(
          await page.inputValue('tccc-call-bar [data-field=transfer-kind]'),
          'skillGroupId',
          'arrow keys pick the skill group',
        );
        assertEqual(
          await page.locator('tccc-call-bar [data-field=transfer-target]').getAttribute('aria-label'),
          '技能组 ID',
          'the target field says what it wants',
        );
        await page.focus('tccc-call-bar [data-field=transfer-target]');
        await page.keyboard.type('2');
        await page.screenshot({ path: join(shots, '23-keyboard-transfer-skill-group.png') });
        await page.keyboard.press('Enter');
        const got = await Promise.race([
          carolCallIn,
          new Promise((_, rej) => setTimeout(() => rej(new Error('the skill group got no callIn')), 10000)),
        ]);
        assertEqual(got.data.sessionId, outed.data.sessionId, 'the transferred session reached skill group 2');
        await page.waitForSelector('[data-act=hangUp]', { state: 'hidden' });
        await carol.Call.hungUp({ sessionId: got.data.sessionId }).catch(() => {});
        await page.focus('[data-field=dial-number]');
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-field=status-select]', { state: 'hidden' });
        assertEqual(errors, [], 'page errors');
      } finally {
        carol.destroy();
        await closePage(page);
      }
    },
  },
];
