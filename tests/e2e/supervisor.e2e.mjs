// SPDX-License-Identifier: Apache-2.0
// The supervisor page (web/demo/supervisor.html) against the real tccc-server in Debian's Chromium:
// the seeded supervisor (role 1, administrator) watches while an agent on the plain demo changes status and a
// simulated caller queues; the supervisor forces the agent to rest and logs it out, and the agent's
// page shows both. An agent (role 3) is refused. A quality inspector (role 2, created with the
// official cloud client) watches with every action disabled and told why, while role 1 keeps them.
// Screenshots, zh and en, at 1000/1280 px and 360 px, go to test-results/supervisor/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  startServer,
  launchBrowser,
  cloudClient,
  nodeAgent,
  postJson,
  assert,
  assertEqual,
  checkPageLayout,
  waitFor,
  waitText,
} from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = join(root, 'test-results/supervisor');
const SUPERVISOR = 'supervisor@tccc.local';
const AGENT = 'agent2@tccc.local'; // Bob: 售前 Sales (1) and Online (3)

export async function setup() {
  mkdirSync(shots, { recursive: true });
  const server = await startServer();
  const { startDemoServer } = await import(pathToFileURL(join(root, 'web/demo/server.mjs')).href);
  const demo = await startDemoServer({
    apiUrl: server.apiUrl,
    sdkAppId: server.sdkAppId,
    secretId: server.secretId,
    secretKey: server.secretKey,
  });
  const browser = await launchBrowser();
  return { server, demo, browser };
}

export async function teardown({ server, demo, browser }) {
  await browser.close();
  await demo.close();
  await server.stop();
}

const INSPECTOR = 'qa@tccc.local';

/**
 * The action controls in the agents table that a click would reach: enabled and shown. (Listening
 * in, open to inspectors too, shows only beside an agent on a call: monitor.e2e.mjs.)
 */
const enabledActions = (page) =>
  page.locator('[data-testid=sv-agents] tbody').locator('button:enabled:visible, select:enabled:visible').count();

const row = (userId) => `[data-testid=sv-agents] tr[data-user="${userId}"]`;
const salesCard = '[data-testid=sv-groups] li[data-group="1"]';

/** Nothing of the page sticks out sideways, and no two cards overlap, at the current width. */
const checkLayout = (page, what) => checkPageLayout(page, what, { apart: '.sv-figure, .sv-group' });

export const tests = [
  {
    name: 'supervisor page: live agents and queue, force rest, log out; the agent page shows it',
    timeoutMs: 90000,
    async run(ctx) {
      const context = ctx.browser.context;
      const errors = [];
      // The agent: the plain demo, logged in as Bob.
      const agent = await context.newPage();
      await agent.setViewportSize({ width: 1000, height: 900 });
      agent.on('pageerror', (e) => errors.push(`agent: ${e}`));
      await agent.goto(ctx.demo.url);
      await agent.waitForSelector(`[data-testid=agent] option[value="${AGENT}"]`, { state: 'attached' });
      await agent.selectOption('[data-testid=agent]', AGENT);
      await agent.click('[data-testid=login]');
      await waitText(agent, '[data-testid=state]', /ready/);

      // The supervisor: its own page, logged in as the seeded role-3 staff.
      const sv = await context.newPage();
      await sv.setViewportSize({ width: 1000, height: 900 });
      sv.on('pageerror', (e) => errors.push(`supervisor: ${e}`));
      await sv.goto(`${ctx.demo.url}supervisor.html?autologin=1`);
      await sv.waitForSelector('[data-testid=sv-state][data-state=watching]');
      assertEqual(await sv.inputValue('[data-testid=sv-user]'), SUPERVISOR, 'the seeded supervisor');
      await waitText(sv, `${row(AGENT)} [data-testid=sv-status]`, /^空闲$/);
      await waitText(sv, `${row('agent1@tccc.local')} [data-testid=sv-status]`, /^离线$/);
      await waitText(sv, `${salesCard} [data-testid=sv-group-queued]`, /^0$/);

      // The agent changes its own status: the supervisor sees it (an update, not a reload).
      await agent.selectOption('[data-testid=status-select]', 'notReady');
      await agent.click('[data-testid=set-status]');
      await waitText(sv, `${row(AGENT)} [data-testid=sv-status]`, /^示忙$/);

      // The supervisor forces it to rest, after confirming; the agent's page shows the rest.
      await sv.selectOption(`${row(AGENT)} [data-testid=sv-force-select]`, 'rest');
      await sv.click(`${row(AGENT)} [data-testid=sv-force]`);
      await waitText(sv, '[data-testid=sv-confirm]', /Bob.*小休/);
      await sv.keyboard.press('Enter'); // the confirm button has the focus
      await waitFor(
        async () => (await agent.getAttribute('[data-testid=agent-status]', 'data-status')) === 'rest',
        'the agent page to show rest',
      );
      await waitText(sv, `${row(AGENT)} [data-testid=sv-status]`, /^小休$/);

      // A caller queues for Sales (Bob is online but resting): the queue card counts it.
      const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138000',
        serviceNumber: '4008002000',
      });
      assertEqual(placed.status, 200, `sim inbound: ${JSON.stringify(placed.body)}`);
      await waitText(sv, `${salesCard} [data-testid=sv-group-queued]`, /^1$/);
      await waitText(sv, `${salesCard} [data-testid=sv-group-wait]`, /^\d+:\d\d$/);

      // Screenshots: zh and en, at the default width and at 360 px.
      await sv.screenshot({ path: join(shots, 'supervisor-zh.png'), fullPage: true });
      await checkLayout(sv, 'zh 1000');
      await sv.click('[data-testid=sv-lang]');
      await waitText(sv, `${row(AGENT)} [data-testid=sv-status]`, /^On break$/);
      await waitText(sv, '[data-testid=sv-state]', /^Watching live$/);
      await sv.screenshot({ path: join(shots, 'supervisor-en.png'), fullPage: true });
      await checkLayout(sv, 'en 1000');
      await sv.setViewportSize({ width: 360, height: 800 });
      await sv.screenshot({ path: join(shots, 'supervisor-en-360.png'), fullPage: true });
      await checkLayout(sv, 'en 360');
      await sv.click('[data-testid=sv-lang]');
      await sv.screenshot({ path: join(shots, 'supervisor-zh-360.png'), fullPage: true });
      await checkLayout(sv, 'zh 360');
      await sv.setViewportSize({ width: 1000, height: 900 });

      // Log Bob out: his page is kicked (no reconnect); he shows offline; the waiting caller, left
      // with nobody online in Sales, ends and counts as offered and abandoned today.
      await sv.click(`${row(AGENT)} [data-testid=sv-logout]`);
      await waitText(sv, '[data-testid=sv-confirm]', /Bob/);
      await sv.click('[data-testid=sv-confirm-yes]');
      await waitText(agent, '[data-testid=state]', /未登录 logged out/);
      const kicked = await agent.locator('[data-testid=log] li[data-event=kickedOut]').first().textContent();
      assert(kicked.includes('supervisorLogout'), `the kick reason: ${kicked}`);
      await waitText(sv, `${row(AGENT)} [data-testid=sv-status]`, /^离线$/);
      await waitText(sv, `${salesCard} [data-testid=sv-group-queued]`, /^0$/);
      await waitText(sv, '[data-testid=sv-offered]', /^1$/);
      await waitText(sv, '[data-testid=sv-abandoned]', /^1$/);
      await waitText(sv, '[data-testid=sv-service-level]', /^0%$/);
      await sv.screenshot({ path: join(shots, 'supervisor-after-logout-zh.png'), fullPage: true });
      assertEqual(errors, [], 'no page errors');
      await sv.close();
      await agent.close();
    },
  },
  {
    name: 'supervisor page: an agent (role 3) is refused with a clear error',
    async run(ctx) {
      const sv = await ctx.browser.context.newPage();
      await sv.goto(`${ctx.demo.url}supervisor.html?lang=en`);
      await sv.fill('[data-testid=sv-user]', 'agent3@tccc.local');
      await sv.click('[data-testid=sv-login]');
      await waitText(sv, '[data-testid=sv-error]', /supervisor\.watch: only administrators and quality inspectors/);
      await waitText(sv, '[data-testid=sv-state]', /^Logged out$/);
      await sv.close();
    },
  },
  {
    name: 'supervisor page: a quality inspector (role 2) watches with every action disabled; role 1 keeps them',
    timeoutMs: 60000,
    async run(ctx) {
      // The inspector, made the way an operator would: CreateStaff with the role field.
      const ccc = cloudClient(ctx.server);
      const made = await ccc.CreateStaff({
        SdkAppId: ctx.server.sdkAppId,
        Staffs: [{ Name: 'Quinn Qi', Mail: INSPECTOR, Role: 2 }],
      });
      assertEqual(made.ErrorStaffList || [], [], 'CreateStaff');
      // An agent online, so its actions would be enabled for a supervisor.
      const alice = await nodeAgent(ctx.server, 'agent1@tccc.local');
      const errors = [];
      const qa = await ctx.browser.context.newPage();
      const sv = await ctx.browser.context.newPage();
      try {
        await qa.setViewportSize({ width: 1280, height: 900 });
        qa.on('pageerror', (e) => errors.push(`inspector: ${e}`));
        await qa.goto(`${ctx.demo.url}supervisor.html?lang=en`);
        await qa.fill('[data-testid=sv-user]', INSPECTOR);
        await qa.click('[data-testid=sv-login]');
        await qa.waitForSelector('[data-testid=sv-state][data-state=watching]');
        const alices = `${row('agent1@tccc.local')} [data-testid=sv-status]`;
        await waitText(qa, alices, /^(Available|Not ready|On break|After-call work)$/);
        assertEqual(await enabledActions(qa), 0, 'en: enabled actions for an inspector');
        await waitText(qa, '[data-testid=sv-read-only]', /^Read-only: your role \(quality inspector\) may watch/);
        const force = `${row('agent1@tccc.local')} [data-testid=sv-force]`;
        assertEqual(
          await qa.getAttribute(force, 'title'),
          'Only supervisors can do this; your role may only watch',
          'en tooltip',
        );
        await qa.screenshot({ path: join(shots, 'inspector-en.png'), fullPage: true });
        await checkLayout(qa, 'inspector en 1280');
        await qa.setViewportSize({ width: 360, height: 800 });
        await qa.screenshot({ path: join(shots, 'inspector-en-360.png'), fullPage: true });
        await checkLayout(qa, 'inspector en 360');
        // Chinese: the note and the tooltips in the viewer's language, still nothing enabled.
        await qa.click('[data-testid=sv-lang]');
        await waitText(qa, '[data-testid=sv-read-only]', /^只读：您的角色（质检员）只能查看/);
        assertEqual(await qa.getAttribute(force, 'title'), '仅班长可操作，您的角色只能查看', 'zh tooltip');
        assertEqual(await enabledActions(qa), 0, 'zh: enabled actions for an inspector');
        await qa.screenshot({ path: join(shots, 'inspector-zh-360.png'), fullPage: true });
        await checkLayout(qa, 'inspector zh 360');
        await qa.setViewportSize({ width: 1280, height: 900 });
        await qa.screenshot({ path: join(shots, 'inspector-zh.png'), fullPage: true });
        await checkLayout(qa, 'inspector zh 1280');

        // The supervisor still has its levers, and no read-only note.
        sv.on('pageerror', (e) => errors.push(`supervisor: ${e}`));
        await sv.goto(`${ctx.demo.url}supervisor.html?autologin=1`);
        await sv.waitForSelector('[data-testid=sv-state][data-state=watching]');
        await waitText(sv, alices, /^(空闲|示忙|小休|话后整理)$/);
        assert(await sv.isEnabled(force), 'the supervisor can force Alice');
        assert(await sv.isEnabled(`${row('agent1@tccc.local')} [data-testid=sv-logout]`), 'and log her out');
        assertEqual(await sv.getAttribute(force, 'title'), null, 'no tooltip for a supervisor');
        assert(await sv.isHidden('[data-testid=sv-read-only]'), 'no read-only note for a supervisor');
        assertEqual(errors, [], 'no page errors');
      } finally {
        await qa.close();
        await sv.close();
        alice.tccc.destroy();
      }
    },
  },
];
