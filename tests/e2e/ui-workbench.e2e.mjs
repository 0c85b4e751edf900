// SPDX-License-Identifier: Apache-2.0
// The built-in UI (web/ui → dist/tccc-ui.js) in Debian's Chromium against the real tccc-server: an
// integrator page loads the SdkURL, the SDK fetches the UI chunk lazily, and the tests click through
// the workbench as an agent would — status change, inbound answer with hold/keypad/hang-up and the
// after-call-work countdown, an outbound dial, a transfer to a second agent — plus headless mode,
// the XSS corpus and the English dictionary. Screenshots go to test-results/ui/ (git-ignored).
import { join } from 'node:path';
import {
  ROOT,
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

const PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title>
<body><h1>CRM</h1><script>
window.__log = [];
window.__xss = 0;
window.loadSdk = async function (userId, opts = {}) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.setAttribute('crossorigin', 'anonymous');
    script.src = login.sdkUrl;
    script.addEventListener('error', () => resolve('script-error'));
    script.addEventListener('load', () => {
      if (opts.headless) { tccc.UI.hidefloatButton(); tccc.UI.hideWorkbench(); }
      if (opts.configure) tccc.UI.configure(opts.configure);
      for (const name of Object.keys(tccc.events)) tccc.on(tccc.events[name], (p) => window.__log.push([name, p]));
      resolve('loaded');
    });
    document.body.appendChild(script);
  });
};
// Events counted from the last mark(): a login replays recently ended sessions of earlier pages.
window.__mark = 0;
window.mark = () => { window.__mark = window.__log.length; };
window.waitEvent = (name, n = 1, ms = 10000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const seen = window.__log.slice(window.__mark).filter(([k]) => k === name);
    if (seen.length >= n) return resolve(seen[n - 1][1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + window.__log.map(([k]) => k).join(',')));
    setTimeout(poll, 20);
  })();
});
// The first event of that name for that session (a login also replays recently ended sessions).
window.waitSession = (name, sessionId, ms = 10000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const hit = window.__log.find(([k, p]) => k === name && p.data.sessionId === sessionId);
    if (hit) return resolve(hit[1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + ' for ' + sessionId));
    setTimeout(poll, 20);
  })();
});
</script></body>`;

const { shots, setup, teardown } = crmSuite(PAGE);
export { setup, teardown };

/** A CRM page with the agent logged in and the UI loaded; `close()` logs out first (no grace period). */
async function agentPage(ctx, userId, opts = {}) {
  const { page, errors } = await openPage(ctx.browser, { width: 1100, height: 900 });
  const uiRequests = [];
  page.on('request', (r) => {
    if (/\/tccc-ui(\.[0-9a-f]{10})?\.js$/.test(new URL(r.url()).pathname)) uiRequests.push(r.url());
  });
  await page.goto(ctx.crm.url);
  assertEqual(await page.evaluate(([u, o]) => loadSdk(u, o), [userId, opts]), 'loaded', 'script load');
  await page.evaluate(() => waitEvent('ready'));
  if (!opts.headless) await page.waitForSelector('[data-act=float]', { state: 'visible', timeout: 10000 });
  await page.evaluate(() => mark());
  return {
    page,
    errors,
    uiRequests,
    shot: (name) => page.screenshot({ path: join(shots, `${name}.png`) }),
    async close() {
      await page.evaluate(() => tccc.destroy()).catch(() => {});
      await page.close();
    },
  };
}

async function openWorkbench(page) {
  await page.click('[data-act=float]');
  await page.waitForSelector('[data-field=status-select]', { state: 'visible' });
}

const text = (page, sel) => page.locator(sel).first().textContent();

/** The bounding box of the first visible match (Playwright's locators pierce the open shadow roots). */
const box = (page, sel) => page.locator(sel).first().boundingBox();

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function onScreen(b, vw, vh) {
  return b.x >= 0 && b.y >= 0 && b.x + b.width <= vw + 0.5 && b.y + b.height <= vh + 0.5;
}

/** How many lines the text of the first match takes (1: it did not wrap). */
const lineCount = (page, sel) =>
  page
    .locator(sel)
    .first()
    .evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });

async function simSession(ctx, sessionId) {
  return (await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}`)).json();
}

/** A customer leg on /ws/customer (the simulator's other end). */
const customer = (ctx) => customerSocket(ctx.server);

/** What has keyboard focus, looking into shadow roots: its data-act or data-field, else its tag. */
const focused = (page) =>
  page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    return a.getAttribute('data-act') || a.getAttribute('data-field') || a.tagName.toLowerCase();
  });

/** Presses Tab until the control `name` (data-act or data-field) has focus; fails after 40 presses. */
async function tabTo(page, name) {
  const seen = [];
  for (let i = 0; i < 40; i++) {
    const now = await focused(page);
    if (now === name) return;
    seen.push(now);
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}; focus went through ${JSON.stringify(seen)}`);
}

/**
 * axe-core's findings of impact serious or critical on the page (it walks open shadow roots, so the
 * workbench's Shadow DOM is included), each as "rule: target … (summary)".
 */
async function seriousA11yFindings(page) {
  await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    // Only the UI: the integrator's page around it (here a bare test page) is not ours to judge.
    const result = await window.axe.run({ include: [['tccc-ui']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} (${n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)})`),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n}`));
}

export const tests = [
  {
    name: 'the UI chunk loads lazily: headless pages never fetch it; UI.show() brings the real elements',
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[2], { headless: true });
      await new Promise((r) => setTimeout(r, 500));
      assertEqual(a.uiRequests.length, 0, 'tccc-ui.js requests in headless mode');
      assertEqual(
        await a.page.evaluate(() => document.querySelector('tccc-ui')),
        null,
        'no UI element in headless mode',
      );
      await a.page.evaluate(() => tccc.UI.showfloatButton());
      await a.page.waitForSelector('[data-act=float]', { state: 'visible' });
      assertEqual(a.uiRequests.length, 1, 'tccc-ui.js fetched once, on show');
      // tccc.UI controls the real elements.
      await a.page.evaluate(() => tccc.UI.showWorkbench());
      await a.page.waitForSelector('[data-field=status-select]', { state: 'visible' });
      await a.page.evaluate(() => tccc.UI.hide());
      await a.page.waitForSelector('[data-act=float]', { state: 'hidden' });
      await a.page.waitForSelector('[data-field=status-select]', { state: 'hidden' });
      await a.page.evaluate(() => tccc.UI.show());
      await a.page.waitForSelector('[data-field=status-select]', { state: 'visible' });
      // Keyboard: Escape closes the workbench.
      await a.page.focus('[data-field=dial-number]');
      await a.page.keyboard.press('Escape');
      await a.page.waitForSelector('[data-field=status-select]', { state: 'hidden' });
      assertEqual(
        await a.page.evaluate(() => tccc[Symbol.for('tccc.diagnostics')]().ui.workbench),
        false,
        'Escape hid the workbench through tccc.UI',
      );
      // configure() validates.
      const err = await a.page.evaluate(() => {
        try {
          tccc.UI.configure({ callBarButtons: ['explode'] });
          return null;
        } catch (e) {
          return [e.code, e.errorMsg];
        }
      });
      assertEqual(err && err[0], -11001, 'configure rejects an unknown button with ERR_INVALID_ARGUMENT');
      // destroy() removes the UI.
      await a.page.evaluate(() => tccc.destroy());
      assertEqual(await a.page.evaluate(() => document.querySelector('tccc-ui')), null, 'destroy removes the UI');
      assertEqual(a.errors, [], 'page errors');
      await a.page.close();
    },
  },
  {
    name: 'status change through the switcher (rest with a reason, then free)',
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0]);
      await openWorkbench(a.page);
      await waitText(a.page, '[data-field=agent-status]', /空闲/);
      await a.page.selectOption('[data-field=status-select]', 'rest');
      await a.page.selectOption('[data-field=rest-reason]', { label: '会议' });
      await a.shot('01-status-switcher');
      await a.page.click('[data-act=apply-status]');
      await waitText(a.page, '[data-field=agent-status]', /小休 · 会议/);
      const changed = await a.page.evaluate(() => window.__log.filter(([k]) => k === 'statusChanged').pop()[1]);
      // Stored as a code: whoever reads it sees it in their own language.
      assertEqual([changed.data.status, changed.data.restReason], ['rest', 'meeting'], 'statusChanged');
      await a.page.selectOption('[data-field=lang-select]', 'en');
      await waitText(a.page, '[data-field=agent-status]', /^On break · Meeting$/);
      assertEqual(
        await a.page.locator('[data-field=rest-reason] option').allTextContents(),
        ['Meal', 'Meeting', 'Training', 'Break'],
        'the reasons in English after the on-screen switch',
      );
      await a.shot('01b-status-english');
      await a.page.selectOption('[data-field=lang-select]', 'zh-CN');
      await waitText(a.page, '[data-field=agent-status]', /^小休 · 会议$/);
      await a.page.selectOption('[data-field=status-select]', 'free');
      await a.page.click('[data-act=apply-status]');
      await waitText(a.page, '[data-field=agent-status]', /^空闲$/);
      await a.shot('02-status-free');
      assertEqual(a.errors, [], 'page errors');
      await a.close();
    },
  },
  {
    name: 'inbound: alert shows the caller → answer → hold/unhold → keypad digit → hang up → ACW → 返回接待',
    timeoutMs: 60000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0]);
      const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138000',
        serviceNumber: '4008001000',
        ivrKeys: '1',
      });
      assertEqual(call.status, 200, 'sim inbound');
      const sid = call.body.sessionId;
      await a.page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
      assertEqual(await text(a.page, '[data-field=alert-peer]'), '13800138000', 'alert shows the caller');
      await waitText(a.page, '[data-field=alert-countdown]', /\d+ 秒后转给其他坐席/);
      await a.shot('03-incoming-alert');
      await a.page.click('[data-act=answer]');
      await a.page.evaluate(() => waitEvent('userAccessed'));
      await a.page.waitForSelector('[data-act=answer]', { state: 'hidden' });
      await openWorkbench(a.page);
      await a.page.waitForSelector('[data-act=hangUp]', { state: 'visible' });
      assertEqual(await text(a.page, '[data-field=call-peer]'), '13800138000', 'call bar peer');
      await waitText(a.page, '[data-field=call-timer]', /^00:0[1-9]$/);
      // The call's network quality (networkQuality, about every 2 s): a clean loopback call.
      await waitText(a.page, '[data-field=call-quality]', /^▮{3,4}▯{0,1} 网络 (极佳|良好)$/);
      await a.page.click('[data-act=hold]');
      await waitText(a.page, '[data-field=call-state]', /已保持/);
      await a.page.waitForSelector('[data-field=call-quality]', { state: 'hidden' }); // nothing flows while held
      for (let i = 0; i < 50 && (await simSession(ctx, sid)).state !== 'held'; i++)
        await new Promise((r) => setTimeout(r, 100));
      assertEqual((await simSession(ctx, sid)).state, 'held', 'customer side held');
      await a.shot('04-call-held');
      await a.page.click('[data-act=hold]');
      await waitText(a.page, '[data-field=call-state]', /通话中/);
      await a.page.click('[data-act=keypad]');
      await a.page.click('[data-dtmf="5"]');
      let digits = '';
      for (let i = 0; i < 50 && !(digits = (await simSession(ctx, sid)).digitsReceived); i++)
        await new Promise((r) => setTimeout(r, 100));
      assertEqual(digits, '5', 'DTMF reached the customer leg');
      await a.shot('05-call-keypad');
      await a.page.click('[data-act=hangUp]');
      const ended = await a.page.evaluate((id) => waitSession('sessionEnded', id), sid);
      assertEqual(ended.data.closeBy, 'seat', 'closed by the agent');
      await a.page.waitForSelector('[data-field=acw]', { state: 'visible' });
      await waitText(a.page, '[data-field=acw-text]', /\d+ 秒后自动返回空闲/);
      await a.shot('06-after-call-work');
      // 继续话后整理: the countdown stops and the agent stays in arrange (the server cancels its ACW
      // timer), the button goes away; 返回接待 is still there.
      await a.page.click('[data-act=acw-keep]');
      await waitText(a.page, '[data-field=acw-text]', /继续话后整理中/);
      await a.page.waitForSelector('[data-act=acw-keep]', { state: 'hidden' });
      assertEqual(await a.page.evaluate(() => tccc.Agent.getStatus()), 'arrange', 'still wrapping up');
      await a.page.click('[data-act=acw-free]');
      await waitText(a.page, '[data-field=agent-status]', /^空闲$/);
      await a.page.waitForSelector('[data-field=acw]', { state: 'hidden' });
      assertEqual(await a.page.evaluate(() => tccc.Agent.getStatus()), 'free', 'back to free');
      assert(
        (await a.page.locator(`[data-session="${sid}"][data-state=ended]`).count()) === 1,
        'session list shows the ended call',
      );
      assertEqual(a.errors, [], 'page errors');
      await a.close();
    },
  },
  {
    name: 'outbound from the dial pad: number + remark → calloutAccepted → hang up; 继续话后整理 keeps ACW',
    timeoutMs: 45000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0]);
      await openWorkbench(a.page);
      await a.page.fill('[data-field=dial-number]', '1000000000');
      await a.page.click('[data-key="1"]');
      assertEqual(await a.page.inputValue('[data-field=dial-number]'), '10000000001', 'dial pad key appends');
      await a.page.fill('[data-field=dial-remark]', 'VIP 客户');
      await a.page.click('[data-act=dial]');
      const outed = await a.page.evaluate(() => waitEvent('callOuted'));
      await a.page.waitForSelector('[data-act=hangUp]', { state: 'visible' });
      assertEqual(await text(a.page, '[data-field=call-peer]'), '10000000001', 'call bar shows the number');
      assertEqual(await text(a.page, '[data-field=call-remark]'), 'VIP 客户', 'call bar shows the remark');
      await a.page.evaluate(() => waitEvent('calloutAccepted'));
      await waitText(a.page, '[data-field=call-state]', /通话中/);
      await a.shot('07-outbound-talking');
      await a.page.click('[data-act=hangUp]');
      const ended = await a.page.evaluate((id) => waitSession('sessionEnded', id), outed.data.sessionId);
      assertEqual(ended.data.closeBy, 'seat', 'the dialled session ended by the agent');
      await a.page.waitForSelector('[data-act=hangUp]', { state: 'hidden' });
      // Outbound calls by an agent of group 1 get ACW; the keep button stops the countdown.
      const status = await a.page.evaluate(() => tccc.Agent.getStatus());
      if (status === 'arrange') {
        await a.page.click('[data-act=acw-keep]');
        await waitText(a.page, '[data-field=acw-text]', /继续话后整理中/);
        await a.page.click('[data-act=acw-free]');
        await waitText(a.page, '[data-field=agent-status]', /^空闲$/);
      }
      assertEqual(a.errors, [], 'page errors');
      await a.close();
    },
  },
  {
    name: 'transfer from the call bar to another agent: the second agent (npm build in Node) gets callIn',
    timeoutMs: 45000,
    async run(ctx) {
      const { tccc: bob, callIn: bobCallIn } = await nodeAgent(ctx.server, ctx.server.agents[1]);
      const a = await agentPage(ctx, ctx.server.agents[0]);
      try {
        await openWorkbench(a.page);
        await a.page.fill('[data-field=dial-number]', '10000000001');
        await a.page.click('[data-act=dial]');
        await a.page.evaluate(() => waitEvent('calloutAccepted'));
        await a.page.click('[data-act=transfer]');
        await a.page.selectOption('[data-field=transfer-kind]', 'userId');
        await a.page.fill('[data-field=transfer-target]', ctx.server.agents[1]);
        await a.shot('08-transfer-form');
        await a.page.click('[data-act=transfer-confirm]');
        const got = await Promise.race([
          bobCallIn,
          new Promise((_, rej) => setTimeout(() => rej(new Error('bob got no callIn')), 10000)),
        ]);
        assert(got.data.sessionId, 'second agent callIn has a sessionId');
        await a.page.evaluate((id) => waitSession('transfer', id), got.data.sessionId);
        await a.page.waitForSelector('[data-act=hangUp]', { state: 'hidden' });
        await a.shot('09-transferred');
        await bob.Call.hungUp({ sessionId: got.data.sessionId }).catch(() => {});
        assertEqual(a.errors, [], 'page errors');
      } finally {
        bob.destroy();
        await a.close();
      }
    },
  },
  {
    name: 'layout: alert and workbench stacked without overlap at 1280 and 360 px; one keypad in a call; Hang up on one line',
    timeoutMs: 60000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0]);
      try {
        await openWorkbench(a.page);
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13800138000',
          serviceNumber: '4008001000',
          ivrKeys: '1',
        });
        assertEqual(call.status, 200, 'sim inbound');
        await a.page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        // What callIn carries besides the caller: the service number dialled and the IVR choice.
        assertEqual(await text(a.page, '[data-field=alert-title]'), '来电', 'a call is announced as a call');
        assertEqual(await text(a.page, '[data-field=alert-service]'), '服务号码: 4008001000', 'service number');
        await waitText(a.page, '[data-field=alert-ivr]', /^按键选择: 1 \S/);
        for (const [w, h] of [
          [1280, 800],
          [360, 740],
        ]) {
          await a.page.setViewportSize({ width: w, height: h });
          await a.page.waitForTimeout(100);
          const alert = await box(a.page, '.alert');
          const panel = await box(a.page, '.panel');
          assert(alert && panel, 'both shown');
          assert(
            !overlaps(alert, panel),
            `${w}px: the alert ${JSON.stringify(alert)} and the panel ${JSON.stringify(panel)} overlap`,
          );
          assert(onScreen(alert, w, h) && onScreen(panel, w, h), `${w}px: both inside the window`);
          await a.shot(`20-alert-and-workbench-${w}`);
        }
        await a.page.setViewportSize({ width: 1280, height: 800 });
        await a.page.click('[data-act=answer]');
        await a.page.evaluate(() => waitEvent('userAccessed'));
        await a.page.waitForSelector('[data-act=hangUp]', { state: 'visible' });
        // During a call: no dial pad (its keys would be a second keypad), one keypad when asked for.
        await a.page.waitForSelector('[data-field=dial-section]', { state: 'hidden' });
        assertEqual(await a.page.locator('[data-key]').first().isVisible(), false, 'no dial pad keys in a call');
        await a.page.click('[data-act=keypad]');
        const grids = await a.page.locator('.keys').evaluateAll((els) => els.filter((e) => e.offsetParent).length);
        assertEqual(grids, 1, 'one keypad on screen');
        await a.shot('21-one-keypad');
        await a.page.evaluate(() => tccc.UI.configure({ lang: 'en' }));
        await waitText(a.page, '[data-act=hangUp]', /^Hang up$/);
        for (const w of [1280, 360]) {
          await a.page.setViewportSize({ width: w, height: 740 });
          assertEqual(await lineCount(a.page, '[data-act=hangUp]'), 1, `${w}px: "Hang up" on one line`);
          // The toggles share one row; hang-up has the row below to itself, as wide as the toolbar.
          const layout = await a.page.locator('[role=toolbar]').evaluate((bar) => {
            const box = (e) => e.getBoundingClientRect();
            const toggles = [...bar.querySelectorAll('button:not([data-act=hangUp])')].map((b) =>
              Math.round(box(b).top),
            );
            const hang = box(bar.querySelector('[data-act=hangUp]'));
            return {
              rows: new Set(toggles).size,
              hangBelow: hang.top > Math.max(...toggles),
              wide: hang.width >= box(bar).width - 1,
            };
          });
          assertEqual(JSON.stringify(layout), '{"rows":1,"hangBelow":true,"wide":true}', `${w}px: call buttons`);
          await a.shot(`22-call-english-${w}`);
        }
        await a.page.setViewportSize({ width: 1280, height: 800 });
        await a.page.click('[data-act=hangUp]');
        // After-call work: the picker says so instead of a stale "Available".
        await a.page.waitForSelector('[data-field=acw]', { state: 'visible' });
        assertEqual(
          await a.page.locator('[data-field=status-select]').evaluate((s) => s.selectedOptions[0].textContent),
          'After-call work',
          'the status picker during after-call work',
        );
        await a.page.evaluate(() => tccc.UI.configure({ lang: 'zh-CN' }));
        await waitText(a.page, '[data-field=agent-status]', /^话后整理$/);
        assertEqual(
          await a.page.locator('[data-field=status-select]').evaluate((s) => s.selectedOptions[0].textContent),
          '话后整理',
          'the status picker during after-call work (zh)',
        );
        // The session list: direction, start time and how long the talk lasted.
        const meta = await text(a.page, `[data-session="${call.body.sessionId}"] [data-field=session-meta]`);
        assert(/^电话 · 呼入 · 已结束 · \d{2}:\d{2}$/.test(meta), `session meta: ${meta}`);
        const duration = await text(a.page, `[data-session="${call.body.sessionId}"] [data-field=session-duration]`);
        assert(/^\d{2}:\d{2}$/.test(duration), `session duration: ${duration}`);
        await a.shot('23-acw-session-list');
        await a.page.click('[data-act=acw-free]');
        await waitText(a.page, '[data-field=agent-status]', /^空闲$/);
        assertEqual(a.errors, [], 'page errors');
      } finally {
        await a.close();
      }
    },
  },
  {
    name: 'workbench: 下线/上线 with Agent.offline/online; transfer target checked and labelled before it is sent',
    timeoutMs: 45000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[1]);
      try {
        await openWorkbench(a.page);
        await a.page.click('[data-act=online-toggle]');
        await waitText(a.page, '[data-field=agent-status]', /^离线$/);
        assertEqual(await a.page.evaluate(() => tccc.Agent.getStatus()), 'offline', 'offline');
        await waitText(a.page, '[data-act=online-toggle]', /^上线$/);
        await a.shot('24-offline');
        await a.page.click('[data-act=online-toggle]');
        await waitText(a.page, '[data-field=agent-status]', /^空闲$/);

        await a.page.fill('[data-field=dial-number]', '10000000001');
        await a.page.click('[data-act=dial]');
        await a.page.evaluate(() => waitEvent('calloutAccepted'));
        await a.page.click('[data-act=transfer]');
        await a.page.selectOption('[data-field=transfer-kind]', 'skillGroupId');
        await a.page.fill('[data-field=transfer-target]', 'sales');
        await a.page.click('[data-act=transfer-confirm]');
        await waitText(a.page, '[data-field=transfer-problem]', /^技能组 ID 应为数字$/);
        assert(
          (await a.page.locator('tccc-call-bar label[for=transfer-target]').textContent()) === '技能组 ID',
          'the target field has a visible label',
        );
        await a.shot('25-transfer-validation');
        assertEqual(
          await a.page.evaluate(() => window.__log.slice(window.__mark).some(([k]) => k === 'transfer')),
          false,
          'nothing was sent',
        );
        await a.page.click('[data-act=hangUp]');
        await a.page.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(a.errors, [], 'page errors');
      } finally {
        await a.close();
      }
    },
  },
  {
    name: 'XSS corpus in caller nickname/remark and dial remark renders as inert text',
    timeoutMs: 45000,
    async run(ctx) {
      const payloads = [
        '<img src=x onerror="window.__xss++">',
        '<script>window.__xss++</script>',
        'javascript:window.__xss++',
        '"><svg onload=window.__xss++>',
      ];
      // Unicode tricks: a right-to-left override, zero-width characters inside a tag, full-width
      // brackets, an entity-encoded tag, a link with a javascript: URL, and an astral-plane emoji.
      const unicode = [
        'Bob\u202Egnp.exe',
        '<\u200Bimg src=x onerror=window.__xss++>',
        '\uFF1Cscript\uFF1Ewindow.__xss++\uFF1C/script\uFF1E',
        '&lt;b onmouseover=window.__xss++&gt;',
        '<a href="javascript:window.__xss++">点我</a> 😀',
      ];
      const a = await agentPage(ctx, ctx.server.agents[0]);
      const c = await customer(ctx);
      try {
        const res = await c.call('customer.voip', {
          serviceNumber: '4008002000',
          userId: 'visitor-1',
          nickname: payloads[0] + payloads[1],
          remark: payloads[2] + payloads[3],
        });
        assert(res.ok, `customer.voip: ${JSON.stringify(res.error)}`);
        await a.page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        assertEqual(
          await text(a.page, '[data-field=alert-peer]'),
          payloads[0] + payloads[1],
          'nickname shown literally',
        );
        assertEqual(
          await text(a.page, '[data-field=alert-remark]'),
          `备注: ${payloads[2]}${payloads[3]}`,
          'remark shown literally',
        );
        await a.page.click('[data-act=answer]');
        await a.page.evaluate(() => waitEvent('userAccessed'));
        await openWorkbench(a.page);
        assertEqual(
          await text(a.page, '[data-field=call-peer]'),
          payloads[0] + payloads[1],
          'call bar nickname literal',
        );
        await a.shot('10-xss-inert');
        await a.page.click('[data-act=hangUp]');
        await a.page.evaluate((id) => waitSession('sessionEnded', id), res.data.sessionId);
        // The unicode corpus, on a second call: shown literally (character for character), inert.
        const c2 = await customer(ctx);
        try {
          const nickname = unicode[0] + unicode[1];
          const remark = unicode.slice(2).join(' ');
          const res2 = await c2.call('customer.voip', {
            serviceNumber: '4008002000',
            userId: 'visitor-2',
            nickname,
            remark,
          });
          assert(res2.ok, `customer.voip: ${JSON.stringify(res2.error)}`);
          if ((await a.page.evaluate(() => tccc.Agent.getStatus())) === 'arrange') {
            await a.page.click('[data-act=acw-free]');
            await waitText(a.page, '[data-field=agent-status]', /^空闲$/);
          }
          await a.page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
          assertEqual(await text(a.page, '[data-field=alert-peer]'), nickname, 'unicode nickname shown literally');
          assertEqual(
            await text(a.page, '[data-field=alert-remark]'),
            `备注: ${remark}`,
            'unicode remark shown literally',
          );
          // The caller gives up (a rejected call would only be offered to this agent again).
          await c2.call('customer.hangUp', {});
          await a.page.waitForSelector('[data-act=answer]', { state: 'hidden' });
          assertEqual(await a.page.locator('a[href^="javascript:"], tccc-ui a').count(), 0, 'no link element');
        } finally {
          c2.close();
        }
        // The dial pad's own remark, echoed back in the call bar, is text too.
        if ((await a.page.evaluate(() => tccc.Agent.getStatus())) === 'arrange') {
          await a.page.click('[data-act=acw-free]');
          await waitText(a.page, '[data-field=agent-status]', /^空闲$/);
        }
        await a.page.evaluate(() => mark());
        await a.page.fill('[data-field=dial-number]', '10000000002');
        await a.page.fill('[data-field=dial-remark]', payloads[0]);
        await a.page.click('[data-act=dial]');
        await a.page.evaluate(() => waitEvent('callOuted', 1));
        await a.page.evaluate(() => waitEvent('sessionEnded'));
        const html = await a.page.evaluate(() => {
          const all = [];
          (function walk(node) {
            for (const el of node.querySelectorAll('*')) {
              all.push(el.tagName);
              if (el.shadowRoot) walk(el.shadowRoot);
            }
          })(document);
          return all;
        });
        assert(
          !html.includes('IMG') &&
            !html.includes('SVG') &&
            !html.includes('svg') &&
            !html.includes('A') &&
            !html.includes('B'),
          `no element from a payload: ${[...new Set(html)]}`,
        );
        const scripts = await a.page
          .evaluate(() =>
            [...document.querySelectorAll('script')].map((s) =>
              s.src ? new URL(s.src).pathname.split('/').pop() : 'inline',
            ),
          )
          .then((names) => names.map((n) => n.replace(/\.[0-9a-f]{10}\.js$/, '.js'))); // content-named chunks
        assertEqual(html.filter((t) => t === 'SCRIPT').length, scripts.length, 'no script element inside the UI');
        assertEqual(
          scripts.filter((n) => n !== 'inline').sort(),
          ['tccc-media.js', 'tccc-ui.js', 'tccc.js'],
          'scripts: the SDK and its two lazy chunks only',
        );
        await new Promise((r) => setTimeout(r, 300));
        assertEqual(await a.page.evaluate(() => window.__xss), 0, 'no payload ran');
        assertEqual(a.errors, [], 'page errors');
      } finally {
        c.close();
        await a.close();
      }
    },
  },
  {
    name: 'English mode: UI.configure({lang: "en"}) and a custom call bar',
    timeoutMs: 45000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0], {
        configure: { lang: 'en', callBarButtons: ['hangUp', 'mute'], restReasons: ['Lunch'] },
      });
      await openWorkbench(a.page);
      await waitText(a.page, '[data-field=agent-status]', /^Available$/);
      assertEqual(
        await a.page.locator('[data-field=rest-reason] option').allTextContents(),
        ['Lunch'],
        'configured rest reasons',
      );
      await a.page.fill('[data-field=dial-number]', '10000000001');
      await a.page.click('[data-act=dial]');
      await a.page.evaluate(() => waitEvent('calloutAccepted'));
      await waitText(a.page, '[data-field=call-state]', /Talking/);
      const buttons = await a.page.locator('[role=toolbar] button').allTextContents();
      assertEqual(buttons, ['Hang up', 'Mute'], 'only the configured buttons, in order');
      await a.page.click('[data-act=mute]');
      await waitText(a.page, '[data-act=mute]', /Unmute/);
      await a.shot('11-english');
      // Switching the language back rebuilds the UI in place, the call still on it.
      await a.page.evaluate(() => tccc.UI.configure({ lang: 'zh-CN' }));
      await waitText(a.page, '[data-field=call-state]', /通话中/);
      await a.page.click('[data-act=hangUp]');
      await a.page.evaluate(() => waitEvent('sessionEnded'));
      assertEqual(a.errors, [], 'page errors');
      await a.close();
    },
  },
  {
    name: 'autoplay blocked: the alert falls back to a system notification and says so',
    timeoutMs: 45000,
    async run(ctx) {
      // A browser that refuses audio until the user interacts with the page (the default for real users).
      const strict = await launchBrowser(['--autoplay-policy=document-user-activation-required']);
      const page = await strict.context.newPage();
      try {
        await strict.context.grantPermissions(['notifications'], { origin: ctx.crm.url });
        await page.goto(ctx.crm.url);
        await page.evaluate(() => {
          // Count the notifications the UI raises (the real constructor still runs).
          const Real = window.Notification;
          window.__notes = [];
          window.Notification = class extends Real {
            constructor(title, o) {
              super(title, o);
              window.__notes.push([title, o && o.body]);
            }
          };
          // Headless Chromium lets audio start without a gesture even with the flag above; make the
          // AudioContext behave as a blocked one does in a real browser (stays suspended, resume() pends).
          const RealAudio = window.AudioContext;
          window.AudioContext = class extends RealAudio {
            get state() {
              return 'suspended';
            }
            resume() {
              return new Promise(() => {});
            }
          };
        });
        await page.evaluate((u) => loadSdk(u), ctx.server.agents[0]);
        await page.evaluate(() => waitEvent('ready'));
        await page.waitForSelector('[data-act=float]', { state: 'visible' });
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13900139000',
          serviceNumber: '4008001000',
          ivrKeys: '1',
        });
        await page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        await waitText(page, '[data-field=alert-notice]', /铃声自动播放.*系统通知/);
        assertEqual(
          await page.evaluate(() => window.__notes),
          [['来电', '13900139000']],
          'one system notification with the caller',
        );
        await page.screenshot({ path: join(shots, '12-autoplay-blocked.png') });
        // (Rejecting would let the ACD offer the call to this, the only free agent, again: answer it.)
        await page.click('[data-act=answer]');
        await page.evaluate((id) => waitSession('userAccessed', id), call.body.sessionId);
        await page.waitForSelector('[data-act=answer]', { state: 'hidden' });
        await page.evaluate((sessionId) => tccc.Call.hungUp({ sessionId }), call.body.sessionId);
        await page.evaluate((id) => waitSession('sessionEnded', id), call.body.sessionId);
      } finally {
        await page.evaluate(() => tccc.destroy()).catch(() => {});
        await strict.close();
      }
    },
  },
  {
    name: 'keyboard only: open, answer, hang up, back to work, dial and close without a mouse',
    timeoutMs: 60000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[1]);
      const { page } = a;
      await tabTo(page, 'float');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-field=status-select]', { state: 'visible' });
      // Escape closes the workbench and gives the focus back to the button that opened it.
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-field=status-select]', { state: 'hidden' });
      assertEqual(await focused(page), 'float', 'focus back on the float button after Escape');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-field=status-select]', { state: 'visible' });
      const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138002',
        serviceNumber: '4008001000',
        ivrKeys: '1',
      });
      assertEqual(call.status, 200, 'sim inbound');
      await page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
      // The ringing call takes the focus to its answer button while the workbench is open.
      for (let i = 0; i < 100 && (await focused(page)) !== 'answer'; i++) await new Promise((r) => setTimeout(r, 50));
      assertEqual(await focused(page), 'answer', 'the answer button has the focus');
      await page.keyboard.press('Enter');
      await page.evaluate(() => waitEvent('userAccessed'));
      await page.waitForSelector('[data-act=hangUp]', { state: 'visible' });
      await tabTo(page, 'hangUp');
      await a.shot('14-keyboard-hangup-focused');
      await page.keyboard.press('Enter');
      await page.evaluate(() => waitEvent('sessionEnded'));
      await page.waitForSelector('[data-act=acw-free]', { state: 'visible' });
      await tabTo(page, 'acw-free');
      await page.keyboard.press('Enter');
      await waitText(page, '[data-field=agent-status]', /^空闲$/);
      await tabTo(page, 'dial-number');
      await page.keyboard.type('10000000001');
      await page.keyboard.press('Enter');
      await page.evaluate(() => waitEvent('calloutAccepted'));
      await tabTo(page, 'hangUp');
      await page.keyboard.press('Enter');
      await page.evaluate(() => waitEvent('sessionEnded', 2));
      assertEqual(a.errors, [], 'page errors');
      await a.close();
    },
  },
  {
    name: 'devices: pick a microphone, see its level, play a test tone; the microphone is released when closed',
    timeoutMs: 60000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[2]);
      const { page } = a;
      await openWorkbench(page);
      await page.click('[data-field=device-settings] summary');
      // Chromium's fake devices: a default and two numbered inputs, with a beep on them.
      await page.waitForSelector('[data-field=mic-select] option >> nth=1', { state: 'attached', timeout: 10000 });
      const options = await page.locator('[data-field=mic-select] option').allTextContents();
      assert(options.length >= 2 && options.every((o) => o.trim()), `microphones listed by name: ${options}`);
      let peak = 0;
      for (let i = 0; i < 60 && peak < 20; i++) {
        peak = Math.max(peak, await page.locator('[data-field=mic-level]').evaluate((m) => m.value));
        await new Promise((r) => setTimeout(r, 100));
      }
      assert(peak >= 20, `the level meter moves with the fake microphone's beep: peak ${peak}`);
      const second = await page.locator('[data-field=mic-select] option').nth(1).getAttribute('value');
      await page.selectOption('[data-field=mic-select]', second);
      await waitText(page, '[data-field=device-message]', /已切换麦克风/);
      await page.click('[data-act=test-tone]');
      await waitText(page, '[data-field=device-message]', /正在播放测试音/);
      await a.shot('16-devices');
      await waitText(page, '[data-field=device-message]', /^$/, 5000);
      assertEqual(await page.isEnabled('[data-act=test-tone]'), true, 'the tone button is back after the tone');
      for (const f of await seriousA11yFindings(page)) throw new Error(`accessibility: ${f}`);
      // Closing the section stops the meter and ends the capture track.
      await page.click('[data-field=device-settings] summary');
      await waitText(page, '[data-field=device-message]', /^$/);
      const level = await page.locator('[data-field=mic-level]').evaluate((m) => m.value);
      assertEqual(level, 0, 'the meter rests at 0 once closed');
      await page.selectOption('[data-field=lang-select]', 'en');
      await page.click('[data-field=device-settings] summary');
      await page.waitForSelector('[data-field=mic-select] option >> nth=1', { state: 'attached', timeout: 10000 });
      assertEqual(
        await page.locator('[data-field=device-settings] summary').textContent(),
        'Devices and test',
        'English section title',
      );
      assertEqual(
        await page.locator('[data-field=mic-select]').inputValue(),
        second,
        'the chosen microphone is still shown after the language switch',
      );
      await a.shot('16b-devices-english');
      await page.selectOption('[data-field=lang-select]', 'zh-CN');
      assertEqual(a.errors, [], 'page errors');
      await a.close();
    },
  },
  {
    name: 'accessibility: axe-core finds nothing serious in the workbench, its alert and a call, in Chinese and English',
    timeoutMs: 60000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[1]);
      const findings = [];
      const scan = async (where) => {
        for (const f of await seriousA11yFindings(a.page)) findings.push(`${where}: ${f}`);
      };
      await scan('float button');
      await openWorkbench(a.page);
      await scan('workbench');
      const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138001',
        serviceNumber: '4008001000',
        ivrKeys: '1',
      });
      assertEqual(call.status, 200, 'sim inbound');
      await a.page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
      await scan('incoming alert');
      await a.page.click('[data-act=answer]');
      await a.page.evaluate(() => waitEvent('userAccessed'));
      await a.page.waitForSelector('[data-act=hangUp]', { state: 'visible' });
      await scan('in a call');
      await a.page.selectOption('[data-field=lang-select]', 'en');
      await scan('in a call, English');
      await a.shot('13-a11y-call-english');
      await a.page.click('[data-act=hangUp]');
      await a.page.evaluate(() => waitEvent('sessionEnded'));
      await scan('after-call work, English');
      await a.page.selectOption('[data-field=lang-select]', 'zh-CN');
      assertEqual(findings, [], 'serious or critical accessibility findings');
      assertEqual(a.errors, [], 'page errors');
      await a.close();
    },
  },
  {
    name: 'npm entry in a page: init({ui: true}) loads tccc-ui.js from next to index.mjs; ui defaults to off',
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      const uiRequests = [];
      page.on('request', (r) => {
        if (/\/tccc-ui(\.[0-9a-f]{10})?\.js$/.test(new URL(r.url()).pathname)) uiRequests.push(r.url());
      });
      try {
        await page.goto(ctx.crm.url);
        const base = `${ctx.server.baseUrl}/sdk/`;
        await page.evaluate(
          async ([b, user]) => {
            const { init } = await import(b + 'index.mjs');
            const login = async () => (await (await fetch('/login?userId=' + encodeURIComponent(user))).json()).sdkUrl;
            const plain = init({ sdkUrl: await login() });
            await new Promise((r) => plain.on('ready', r));
            plain.destroy();
            window.tccc = init({ sdkUrl: await login(), ui: true });
            await new Promise((r) => tccc.on('ready', r));
          },
          [base, ctx.server.agents[2]],
        );
        await page.waitForSelector('[data-act=float]', { state: 'visible', timeout: 10000 });
        assertEqual(uiRequests, [`${base}tccc-ui.js`], 'one UI fetch, next to index.mjs, only for ui: true');
      } finally {
        await page.evaluate(() => tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  },
];
