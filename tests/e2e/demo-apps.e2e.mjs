// SPDX-License-Identifier: Apache-2.0
// The three demos integrators copy — web/demo (plain HTML), demo-vue, demo-react — built the way
// `npm start` builds them (scripts/build-demos.mjs, skipped while up to date) and served by their
// own backends (which call CreateSDKLoginToken through the official client) against the real
// tccc-server, in Debian's Chromium: log in, switch status, one outbound call and one inbound call
// (POST /sim/inbound) answered through the API, every step visible in the demo's live event log.
// The plain and Vue demos load the SdkURL as a script tag; the React demo imports the npm package.
// Screenshots go to test-results/demos/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, launchBrowser, postJson, assert, assertEqual, customerSocket, waitText } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = join(root, 'test-results/demos');
const DEMOS = [
  ['plain', 'web/demo/server.mjs'],
  ['vue', 'demo-vue/server.mjs'],
  ['react', 'demo-react/server.mjs'],
];

export async function setup() {
  mkdirSync(shots, { recursive: true });
  const { buildDemos } = await import(pathToFileURL(join(root, 'scripts/build-demos.mjs')).href);
  await buildDemos();
  const server = await startServer();
  const demos = {};
  for (const [name, module] of DEMOS) {
    const { startDemoServer } = await import(pathToFileURL(join(root, module)).href);
    demos[name] = await startDemoServer({
      apiUrl: server.apiUrl,
      sdkAppId: server.sdkAppId,
      secretId: server.secretId,
      secretKey: server.secretKey,
    });
  }
  const browser = await launchBrowser();
  return { server, demos, browser };
}

export async function teardown({ server, demos, browser }) {
  await browser.close();
  for (const d of Object.values(demos)) await d.close();
  await server.stop();
}

/** Waits until the demo's event log has `event` for `sessionId` (or any, without one). */
async function waitLogged(page, event, sessionId, ms = 10000) {
  const sel = `[data-testid=log] li[data-event="${event}"]`;
  const t0 = Date.now();
  for (;;) {
    const rows = await page.locator(sel).allTextContents();
    const hit = rows.find((r) => !sessionId || r.includes(`"sessionId":"${sessionId}"`));
    if (hit) return hit;
    if (Date.now() - t0 > ms) {
      const all = await page.locator('[data-testid=log] li').evaluateAll((els) => els.map((e) => e.dataset.event));
      throw new Error(
        `the event log shows no ${event}${sessionId ? ` for ${sessionId}` : ''}; it shows ${all.join(',')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const statusOf = (page) => page.locator('[data-testid=agent-status]').getAttribute('data-status');

/** Back to free after a call (the demo's status switcher; the agent may be in after-call work). */
async function backToFree(page) {
  if ((await statusOf(page)) === 'free') return;
  await page.selectOption('[data-testid=status-select]', 'free');
  await page.click('[data-testid=set-status]');
  await waitText(page, '[data-testid=agent-status]', /^空闲 Available$/);
}

/** Opens the demo, logs `agent` in and waits for ready; returns the page and its page errors. */
async function loggedIn(ctx, name, agent) {
  const page = await ctx.browser.context.newPage();
  await page.setViewportSize({ width: 1000, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.demos[name].url);
  await page.waitForSelector(`[data-testid=agent] option[value="${agent}"]`, { state: 'attached' });
  await page.selectOption('[data-testid=agent]', agent);
  await page.click('[data-testid=login]');
  await waitText(page, '[data-testid=state]', /ready/);
  await waitLogged(page, 'ready');
  return { page, errors };
}

/** `ivrKeys`: the IVR choice that reaches the agent's skill group (agent3 is in 售后 Support only). */
/** `loadedBy`: 'script' (the SdkURL as a script tag) or 'npm' (`import { init } from 'tccc'`, bundled by Vite). */
function demoTest(name, agentIndex, ivrKeys, loadedBy) {
  return {
    name: `${name} demo: backend SdkURL → ready, status switch, outbound and inbound calls in the event log`,
    timeoutMs: 60000,
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      await page.setViewportSize({ width: 1000, height: 900 });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const sdkRequests = [];
      const uiRequests = [];
      const wasmRequests = [];
      page.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (r.url().includes('/sdk/tccc.js')) sdkRequests.push(r.url());
        if (/\/(sdk\/tccc-ui(\.[0-9a-f]{10})?|assets\/tccc-ui-[\w-]+)\.js$/.test(path)) uiRequests.push(r.url());
        if (path.endsWith('.wasm')) wasmRequests.push(r.url());
      });
      try {
        await page.goto(ctx.demos[name].url);
        const agent = ctx.server.agents[agentIndex];
        // The backend listed the tenant's agents (DescribeStaffInfoList).
        await page.waitForSelector(`[data-testid=agent] option[value="${agent}"]`, { state: 'attached' });
        await page.selectOption('[data-testid=agent]', agent);
        await page.click('[data-testid=login]');
        await waitText(page, '[data-testid=state]', /ready/);
        await waitLogged(page, 'ready');
        if (loadedBy === 'script') {
          assertEqual(sdkRequests.length, 1, 'the page loaded the SDK once, by script tag');
          const sdkRequest = new URL(sdkRequests[0]);
          assertEqual(
            [sdkRequest.origin, sdkRequest.pathname, sdkRequest.search],
            [new URL(ctx.server.apiUrl).origin, '/sdk/tccc.js', ''],
            'the SDK script, with no login parameter sent over the network',
          );
          // The page's script tag holds the SdkURL from CreateSDKLoginToken, the login in its fragment.
          const scriptSrc = new URL(
            await page.evaluate(() => [...document.scripts].find((s) => s.src.includes('/sdk/tccc.js')).src),
          );
          assertEqual(
            new URLSearchParams(scriptSrc.hash.slice(1)).get('userId'),
            agent,
            'SdkURL from CreateSDKLoginToken',
          );
        } else {
          // Bundled from npm: no script tag; the wasm Vite copied into the demo's own assets.
          assertEqual(sdkRequests, [], 'no SDK script tag');
          const demoOrigin = new URL(ctx.demos[name].url).origin;
          assert(
            wasmRequests.length === 1 && wasmRequests[0].startsWith(`${demoOrigin}/assets/tccc-core-`),
            `the core came from the bundle's assets: ${JSON.stringify(wasmRequests)}`,
          );
        }
        assert(!(await page.content()).includes(ctx.server.secretKey), 'the SecretKey never reaches the page');
        // All three demos start headless (the box unticked) and fetch tccc-ui.js only when it is ticked.
        assertEqual(
          await page.isChecked('[data-testid=builtin-ui]'),
          false,
          'the built-in workbench box starts unticked',
        );
        assertEqual(uiRequests.length, 0, 'headless: no tccc-ui.js');
        await page.check('[data-testid=builtin-ui]');
        await page.waitForSelector('[data-act=float]', { state: 'visible', timeout: 10000 });
        await page.uncheck('[data-testid=builtin-ui]');
        await page.waitForSelector('[data-act=float]', { state: 'hidden' });

        // Status switching: statuses and rest reasons in words, the reason sent as a code.
        await waitText(page, '[data-testid=agent-status]', /^空闲 Available$/);
        await page.selectOption('[data-testid=status-select]', 'rest');
        await page.click('[data-testid=set-status]');
        await waitText(page, '[data-testid=agent-status]', /^小休 On break · 休息 Break$/);
        const rest = await waitLogged(page, 'statusChanged');
        assert(rest.includes('"restReason":"break"'), `the reason travels as a code: ${rest}`);
        await backToFree(page);

        // One-click outbound to the test number that answers after 1 s.
        await page.fill('[data-testid=phone]', '10000000001');
        await page.click('[data-testid=call]');
        const outed = await waitLogged(page, 'callOuted');
        const outSid = /"sessionId":"([^"]+)"/.exec(outed)[1];
        await waitLogged(page, 'calloutAccepted', outSid);
        assertEqual(await page.locator('[data-testid=session]').textContent(), outSid, 'the demo shows the session');
        await page.screenshot({ path: join(shots, `${name}-outbound.png`) });
        await page.click('[data-testid=hangup]');
        const outEnded = await waitLogged(page, 'sessionEnded', outSid);
        assert(outEnded.includes('"closeBy":"seat"'), `ended by the agent: ${outEnded}`);
        await backToFree(page);

        // Inbound through the simulator, answered with tccc.Call.accept from the demo's button.
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13800138000',
          serviceNumber: '4008001000',
          ivrKeys,
        });
        assertEqual(call.status, 200, `sim inbound: ${JSON.stringify(call.body)}`);
        const inSid = call.body.sessionId;
        await page.waitForSelector('[data-testid=answer]', { state: 'visible', timeout: 15000 });
        assertEqual(
          await page.locator('[data-testid=incoming-peer]').textContent(),
          '13800138000',
          'incoming shows the caller',
        );
        assertEqual(await page.locator('[data-testid=incoming-title]').textContent(), '来电 Incoming call', 'a call');
        const details = await page.locator('[data-testid=incoming-details] li').allTextContents();
        assert(
          details.includes('服务号码 Service number: 4008001000') &&
            details.some((d) => /^按键 Menu choice: \d/.test(d)),
          `the offer shows the service number and the IVR choice: ${JSON.stringify(details)}`,
        );
        await waitLogged(page, 'callIn', inSid);
        await page.screenshot({ path: join(shots, `${name}-incoming.png`) });
        await page.click('[data-testid=answer]');
        await waitLogged(page, 'userAccessed', inSid);
        await page.waitForSelector('[data-testid=answer]', { state: 'hidden' });
        const sim = await (await fetch(`${ctx.server.baseUrl}/sim/sessions/${inSid}`)).json();
        assertEqual(sim.state, 'connected', 'the caller is connected');
        await page.click('[data-testid=hangup]');
        await waitLogged(page, 'sessionEnded', inSid);
        await page.screenshot({ path: join(shots, `${name}-events.png`) });
        assertEqual(await page.locator('[data-testid=error]').textContent(), '', 'no error shown');
        assertEqual(errors, [], 'page errors');
      } finally {
        await page.evaluate(() => window.tccc && window.tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  };
}

/**
 * A web chat offered to the demo's agent: announced as a new chat (not a call), answered with
 * tccc.Chat.accept (Call.accept is refused for chats), outbound calls stay available during it,
 * and it ends with Chat.end from its own row.
 */
function chatTest(name, agentIndex) {
  return {
    name: `${name} demo: a chat is announced as a chat, answered and ended with Chat.*, calls stay available`,
    timeoutMs: 60000,
    async run(ctx) {
      const { page, errors } = await loggedIn(ctx, name, ctx.server.agents[agentIndex]);
      const visitor = await customerSocket(ctx.server);
      try {
        const started = await visitor.call('chat.start', { serviceNumber: '4008002000', nickname: `Ann ${name}` });
        assert(started.ok, `chat.start: ${JSON.stringify(started.error)}`);
        const sid = started.data.sessionId;
        await page.waitForSelector('[data-testid=answer]', { state: 'visible', timeout: 15000 });
        assertEqual(await page.locator('[data-testid=incoming-title]').textContent(), '新会话 New chat', 'a chat');
        assertEqual(await page.locator('[data-testid=incoming-peer]').textContent(), `Ann ${name}`, 'the visitor');
        await page.screenshot({ path: join(shots, `${name}-chat-offer.png`) });
        await page.click('[data-testid=answer]');
        await waitLogged(page, 'userAccessed', sid);
        await page.waitForSelector('[data-testid=incoming]', { state: 'hidden' });
        const row = page.locator(`[data-testid=chat][data-session="${sid}"]`);
        await row.waitFor({ state: 'visible' });
        assertEqual(await row.locator('[data-testid=end-chat]').textContent(), '结束会话 End chat', 'the chat row');
        assertEqual(await page.isVisible('[data-testid=hangup]'), false, 'no call to hang up: a chat is not a call');
        assertEqual(await page.isEnabled('[data-testid=call]'), true, 'outbound calls stay available during a chat');
        assertEqual(await statusOf(page), 'free', 'a chat does not make the agent busy');

        // A call during the chat, hung up; the chat goes on.
        await page.click('[data-testid=call]');
        const outSid = /"sessionId":"([^"]+)"/.exec(await waitLogged(page, 'callOuted'))[1];
        await page.waitForSelector('[data-testid=hangup]', { state: 'visible' });
        await page.screenshot({ path: join(shots, `${name}-chat-and-call.png`) });
        await page.click('[data-testid=hangup]');
        await waitLogged(page, 'sessionEnded', outSid);
        assertEqual(await row.isVisible(), true, 'the chat is still there');

        await row.locator('[data-testid=end-chat]').click();
        const ended = await waitLogged(page, 'sessionEnded', sid);
        assert(ended.includes('"closeBy":"seat"'), `ended by the agent: ${ended}`);
        await row.waitFor({ state: 'detached' });
        assertEqual(await page.locator('[data-testid=error]').textContent(), '', 'no error shown');
        assertEqual(errors, [], 'page errors');
      } finally {
        visitor.close();
        await page.evaluate(() => window.tccc && window.tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  };
}

export const tests = [
  demoTest('plain', 0, '1', 'script'),
  demoTest('vue', 1, '1', 'script'),
  demoTest('react', 2, '2', 'npm'),
  chatTest('plain', 0),
  chatTest('vue', 1),
  chatTest('react', 0),
  {
    name: 'plain demo before login: no session row, and a click on its buttons throws nothing',
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await page.goto(ctx.demos.plain.url);
        await page.waitForSelector('[data-testid=login]');
        for (const id of ['active', 'hangup', 'incoming', 'answer'])
          assertEqual(await page.isVisible(`[data-testid=${id}]`), false, `${id} hidden before login`);
        // Clicked anyway (a script, a stale keyboard focus): nothing throws.
        await page.evaluate(() =>
          ['hangup', 'answer', 'reject', 'call', 'set-status'].forEach((id) => document.getElementById(id).click()),
        );
        await page.waitForTimeout(200);
        assertEqual(errors, [], 'page errors');
        assertEqual(await page.isChecked('[data-testid=builtin-ui]'), false, 'unticked, as in the Vite demos');
      } finally {
        await page.close();
      }
    },
  },
  {
    name: 'demos: Log in waits for the agent list, so an early click logs in nobody by mistake',
    async run(ctx) {
      for (const name of ['plain', 'vue', 'react']) {
        const page = await ctx.browser.context.newPage();
        let release;
        const held = new Promise((resolve) => (release = resolve));
        // The list is held back: the page is up, its backend has not answered yet.
        await page.route('**/api/agents', async (route) => {
          await held;
          await route.continue();
        });
        try {
          await page.goto(ctx.demos[name].url);
          await page.waitForSelector('[data-testid=login]');
          assertEqual(await page.isDisabled('[data-testid=login]'), true, `${name}: Log in before the list`);
          release();
          await page.waitForSelector('[data-testid=login]:not([disabled])', { timeout: 10000 });
          assert(await page.inputValue('[data-testid=agent]'), `${name}: an agent is chosen once it may log in`);
        } finally {
          release();
          await page.close();
        }
      }
    },
  },
  {
    name: 'demo backend: bad input gets a clear error, unknown agent the cloud API code, no file outside the demo',
    async run(ctx) {
      const base = ctx.demos.vue.url;
      const post = (body) =>
        fetch(`${base}api/sdk-url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      let r = await post('{not json');
      assertEqual([r.status, (await r.json()).error.code], [400, 'Demo.BadJson'], 'bad JSON');
      r = await post(JSON.stringify({ userId: 42 }));
      assertEqual([r.status, (await r.json()).error.code], [400, 'Demo.BadUserId'], 'bad userId');
      r = await post(JSON.stringify({ userId: 'nobody@tccc.local' }));
      const body = await r.json();
      assertEqual(r.status, 400, 'unknown agent');
      assert(
        /^(ResourceNotFound|InvalidParameterValue)/.test(body.error.code),
        `cloud API code passed on: ${body.error.code}`,
      );
      r = await post('x'.repeat(10000));
      assertEqual(r.status, 413, 'oversized body');
      for (const p of ['server.mjs', '..%2fpackage.json', '%2e%2e/%2e%2e/package.json', 'api/nothing']) {
        r = await fetch(base + p);
        assertEqual(r.status, 404, `GET ${p}`);
      }
      const nocreds = await (
        await import(pathToFileURL(join(root, 'web/demo/server.mjs')).href)
      ).startDemoServer({ sdkAppId: '', secretId: '', secretKey: '' });
      try {
        r = await fetch(`${nocreds.url}api/agents`);
        assertEqual(
          [r.status, (await r.json()).error.code],
          [503, 'Demo.NoCredentials'],
          'a backend without credentials says so',
        );
      } finally {
        await nocreds.close();
      }
    },
  },
];
