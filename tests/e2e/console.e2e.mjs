// SPDX-License-Identifier: Apache-2.0
// The operator console (web/console/, served at /console/ by --web-dir) against the real tccc-server
// in Debian's Chromium, no mocks. The one-time link the server prints (Console=) signs in and leaves
// the address bar at once; the same link is refused in a fresh browser with the localized "already
// used"; no answer the page receives carries the tenant's SecretKey, and the page's own CSP refuses
// inline scripts. Staff are added, edited and deleted through the forms, a skill group is created, and
// the IVR menu of 4008001000 is changed, each checked with the official cloud client or by a caller
// who dials in, hears the new menu and is routed by the new key; a menu with a key twice is refused
// and nothing is saved. A call with a recording and speech recognition (espeak-ng sentences, a JSGF
// grammar, as in recording-asr.e2e.mjs) shows in the call records, plays in the page's <audio> and
// shows its transcript with who said what. A chat between a visitor (the customer socket) and an
// agent (the SDK) shows in the chat records with its messages in order, each on its side, markup as
// text and a long word wrapped. Every tab is photographed in zh and en at 1280 and 360 px
// (test-results/console/, git-ignored) and scanned with axe-core. Signing out returns to the sign-in
// screen and the API then answers 401; a link from `tccc-server --console-link`, pasted into the same
// tab, signs in again; a session that ends under the page sends it back to the sign-in screen.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer,
  startCrm,
  cloudClient,
  postJson,
  assert,
  assertEqual,
  checkPageLayout,
  waitFor,
  waitText,
  CHROMIUM_ARGS,
  ROOT,
  SERVER_BINARY,
} from './harness.mjs';
import { CRM_PAGE, LOOPBACK_ONLY, PROBES, speechWav } from './media-kit.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const WebSocket = require('ws');

const shots = join(ROOT, 'test-results/console');
const CALLER = '13800138000';
const CALLER_SAYS = 'i want to pay my bill';
const AGENT_SAYS = 'please hold while i check your account';
const SEEDED = ['agent1@tccc.local', 'agent2@tccc.local', 'agent3@tccc.local', 'supervisor@tccc.local'];
const NEW_STAFF = 'agent9@tccc.local';
const NEW_GROUP = 'VIP 热线';
const IVR_NUMBER = '4008001000';
// A visitor's chat: a long word that must wrap, and markup that must stay text.
const CHAT_NICK = 'Zoe 周';
const CHAT_USER = 'visitor-zoe-42';
const CHAT_HELLO = 'hello, my order 42 is late';
const CHAT_LONG = 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(5);
const CHAT_XSS = '<img src=x onerror=alert(1)>';
const CHAT_REPLY = 'Hi Zoe, let me check that for you';

// Every console page records what the browser refused under the page's Content-Security-Policy.
const CSP_WATCH = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));`;

export async function setup() {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'tccc-console-'));
  const quick = { before: 0.3, after: 1.2 };
  speechWav(dir, 'caller', CALLER_SAYS, quick);
  const agentVoice = speechWav(dir, 'agent', AGENT_SAYS, quick);
  // The generic English model is poor on synthetic speech: the recogniser gets the two sentences.
  const grammar = join(dir, 'calls.jsgf');
  writeFileSync(grammar, `#JSGF V1.0;\ngrammar calls;\npublic <sentence> = ${AGENT_SAYS} | ${CALLER_SAYS};\n`);
  const server = await startServer({
    args: ['--web-dir', join(ROOT, 'web'), '--asr', 'true', '--asr-grammar', grammar, '--sim-audio-dir', dir],
  });
  assert(server.consoleUrl, `the server prints its console link (Console=): ${server.output().stdout}`);
  const crm = await startCrm(server, CRM_PAGE);
  // One Chromium: the agent's context (its fake microphone says AGENT_SAYS) and a fresh context per
  // console visit, as two operators' browsers would be.
  const browser = await chromium.launch({
    executablePath: process.env.TCCC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--use-file-for-fake-audio-capture=${agentVoice}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const agentContext = await browser.newContext();
  await agentContext.addInitScript(LOOPBACK_ONLY + PROBES);
  const ctx = {
    dir,
    server,
    crm,
    browser,
    agentContext,
    ccc: cloudClient(server),
    bodies: [],
    errors: [],
    contexts: [],
  };
  ctx.page = await consolePage(ctx, { width: 1280, height: 900 });
  return ctx;
}

export async function teardown(ctx) {
  for (const c of ctx.contexts) await c.close().catch(() => {});
  await ctx.agentContext.close().catch(() => {});
  await ctx.browser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

/** A page in a fresh browser context: its errors and every response body it received are kept. */
async function consolePage(ctx, viewport) {
  const context = await ctx.browser.newContext({ viewport });
  ctx.contexts.push(context);
  await context.addInitScript(CSP_WATCH);
  const page = await context.newPage();
  page.on('pageerror', (e) => ctx.errors.push(String(e)));
  page.on('response', (r) => {
    ctx.bodies.push(
      r.body().then(
        (b) => ({ url: r.url(), text: b.toString('latin1') }),
        () => ({ url: r.url(), text: '' }),
      ),
    );
  });
  return page;
}

const staffRow = (mail) => `[data-testid=cc-staff] tr[data-mail="${mail}"]`;
const numberCard = (n) => `[data-testid=cc-numbers] li[data-number="${n}"]`;

/** The console's own API from inside the page (its cookie): {status, body}. */
const consoleApi = (page, action, params = {}) =>
  page.evaluate(
    async ([a, p]) => {
      const res = await fetch(`/console/api/${a}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(p),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    [action, params],
  );

/** The CDR of one session, as the official cloud client reads it (undefined until it is stored). */
async function telCdr(ctx, sid) {
  const now = Math.floor(Date.now() / 1000);
  const r = await ctx.ccc.DescribeTelCdr({
    SdkAppId: ctx.server.sdkAppId,
    StartTimeStamp: now - 600,
    EndTimeStamp: now + 60,
    PageSize: 10,
    PageNumber: 0,
    SessionIds: [sid],
  });
  return r.TelCdrs.find((x) => x.SessionId === sid);
}

async function staffByMail(ctx, mail) {
  const r = await ctx.ccc.DescribeStaffInfoList({
    SdkAppId: ctx.server.sdkAppId,
    PageSize: 100,
    PageNumber: 0,
    StaffMail: mail,
  });
  return r.StaffList.find((s) => s.Mail === mail) || null;
}

async function openTab(page, name, ready) {
  await page.click(`[data-testid=cc-tab-${name}]`);
  await page.waitForSelector(`[data-testid=cc-panel-${name}]:not([hidden])`);
  if (ready) await page.waitForSelector(ready);
}

/** A customer socket (/ws/customer) that keeps every frame: requests, and events to wait for. */
async function customer(server) {
  const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/ws/customer`);
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  const frames = [];
  ws.on('message', (raw) => {
    const f = JSON.parse(String(raw));
    if (f.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
    frames.push(f);
  });
  let id = 0;
  const frame = (pred, what) => waitFor(() => frames.find(pred), what, 10000);
  return {
    async request(method, data) {
      const n = ++id;
      ws.send(JSON.stringify({ v: 1, type: 'req', id: n, method, data }));
      return frame((f) => f.type === 'res' && f.id === n, `the answer to ${method}`);
    },
    event: (name, pred = () => true) => frame((f) => f.type === 'evt' && f.event === name && pred(f.data), name),
    close: () => ws.close(),
  };
}

/** axe-core's serious or critical findings on the page, as "rule: target". */
async function seriousA11yFindings(page) {
  // Evaluated, not added as a <script>: the page's CSP (script-src 'self') refuses inline scripts.
  if (!(await page.evaluate(() => !!window.axe)))
    await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}

/** Alice on the integrator's page: the SDK loaded, logged in and free to take a call or a chat. */
async function freeAgent(page, url) {
  await page.goto(url);
  assertEqual(await page.evaluate(() => loadSdk('agent1@tccc.local')), 'loaded', 'the SDK');
  await page.evaluate(() => waitEvent('ready'));
  await page.evaluate(async () => {
    if (tccc.Agent.getStatus() !== 'free') await tccc.Agent.setStatus({ status: 'free' });
  });
}

/** Nothing sticks out sideways: the page never scrolls horizontally (a table may, inside its box). */
const checkLayout = (page, what) => checkPageLayout(page, what);

/**
 * The page's own words in one language: every text the console sets (data-i18n, the cards' column
 * names, buttons, labels, placeholders) has no Chinese on the English page and no English word on the
 * Chinese page, but for product names and codes. Data from the server (names, numbers) is not checked.
 */
async function checkLanguage(page, lang) {
  const found = await page.evaluate((l) => {
    const texts = [];
    const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
    // Values from the server live in table cells (.cc-cell), number cards and transcripts; the
    // buttons there are the page's own words.
    const data = '.cc-cell, .cc-number, .cc-transcript, .cc-checks, #app-line, #who';
    for (const e of document.querySelectorAll('[data-i18n], button, label > span, legend, th, .cc-hint, .cc-empty'))
      if (visible(e) && (e.tagName === 'BUTTON' || !e.closest(data)) && e.id !== 'lang') texts.push(e.textContent);
    for (const e of document.querySelectorAll('[data-label], [aria-label], [placeholder]')) {
      if (!visible(e) || e.id === 'lang' || e.closest(data)) continue;
      for (const a of ['data-label', 'aria-label', 'placeholder']) if (e.hasAttribute(a)) texts.push(e.getAttribute(a));
    }
    texts.push(document.title);
    const allowed = /\b(tccc|IVR|ID|SdkAppId|npm|start|console|link|data|dir|DIR|server|Console)\b/g;
    return texts.filter((t) => {
      if (l === 'en') return /[\u3400-\u9fff]/.test(t);
      return /[A-Za-z]{2,}/.test(t.replace(allowed, '').replace(/--[\w-]+/g, ''));
    });
  }, lang);
  assertEqual(found, [], `texts in the wrong language (${lang})`);
}

export const tests = [
  {
    name: 'console: the one-time link signs in and leaves the URL; reused, it is refused; no SecretKey reaches the page',
    timeoutMs: 20000,
    async run(ctx) {
      // The page itself: scripts from files only, no inline handlers or styles (the CSP test's rules).
      const html = readFileSync(join(ROOT, 'web/console/index.html'), 'utf8');
      assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'no inline <script> in index.html');
      assert(!/\son[a-z]+=/i.test(html), 'no inline event handlers in index.html');
      assert(!/\sstyle=/i.test(html), 'no inline styles in index.html');
      for (const f of readdirSync(join(ROOT, 'web/console')).filter((n) => n.endsWith('.js'))) {
        const js = readFileSync(join(ROOT, 'web/console', f), 'utf8');
        assert(!/\.innerHTML\s*=|insertAdjacentHTML|document\.write/.test(js), `${f} sets no HTML`);
      }

      const page = ctx.page;
      const link = ctx.server.consoleUrl;
      assert(/\/console\/#link=[^&]+$/.test(link), `the link's form: ${link}`);
      await page.goto(link);
      for (const mail of SEEDED) await page.waitForSelector(staffRow(mail));
      assertEqual(new URL(page.url()).hash, '', 'the link is gone from the address bar');
      assertEqual(await page.evaluate(() => location.hash), '', 'and from location');
      const token = link.split('#link=')[1];
      assert(!page.url().includes(token), 'the token is nowhere in the URL');
      await waitText(page, '[data-testid=cc-app]', new RegExp(`SdkAppId ${ctx.server.sdkAppId}`));
      await waitText(page, `${staffRow('supervisor@tccc.local')} .cc-role`, /^管理员$/);
      await waitText(page, `${staffRow('agent1@tccc.local')} .cc-role`, /^坐席$/);
      await waitText(page, '[data-testid=cc-staff-count]', /^共 4 位$/);
      // A reload keeps the session (the cookie), without the link.
      await page.reload();
      await page.waitForSelector(staffRow('agent1@tccc.local'));
      // The same link in another browser: refused, in the page's language, with the way to a new one.
      const again = await consolePage(ctx, { width: 1280, height: 800 });
      await again.goto(link);
      await again.waitForSelector('[data-testid=cc-signin-message][data-reason=used]');
      await waitText(again, '[data-testid=cc-signin-message]', /^该登录链接已经使用过了/);
      await waitText(again, '[data-testid=cc-signin]', /npm start -- --console-link/);
      assertEqual(new URL(again.url()).hash, '', 'a refused link leaves the URL too');
      assert(await again.isHidden('[data-testid=cc-panel-staff]'), 'no data behind a refused link');
      await again.screenshot({ path: join(shots, 'signin-used-zh.png'), fullPage: true });
      await again.setViewportSize({ width: 360, height: 700 });
      await again.goto(link.replace('/console/#', '/console/?lang=en#'));
      await waitText(again, '[data-testid=cc-signin-message]', /^This sign-in link has been used already/);
      await again.screenshot({ path: join(shots, 'signin-used-en-360.png'), fullPage: true });
      // Without any link or session (that browser has none): how to get one.
      await again.setViewportSize({ width: 1280, height: 800 });
      await again.goto(`${ctx.server.baseUrl}/console/`);
      await again.waitForSelector('[data-testid=cc-signin-message][data-reason=needLink]');
      await waitText(again, '[data-testid=cc-signin-message]', /Console=/);
      await again.screenshot({ path: join(shots, 'signin-none-zh.png'), fullPage: true });
      // The page's own CSP holds: an injected inline script does not run (and is reported).
      const ran = await again.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.body.append(s);
        return window.__injected === true;
      });
      assertEqual(ran, false, 'an inline script under the console page');
      await waitFor(() => again.evaluate(() => window.__csp.some((v) => v.startsWith('script-src'))), 'its report');

      const bodies = await Promise.all(ctx.bodies);
      assert(
        bodies.some((b) => b.url.includes('/console/api/DescribeStaffInfoList')),
        'the responses were seen',
      );
      for (const secret of [ctx.server.secretKey, ctx.server.secretId])
        assertEqual(
          bodies.filter((b) => b.text.includes(secret)).map((b) => b.url),
          [],
          'responses that carry the API credential',
        );
      assertEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
      assertEqual(ctx.errors, [], 'page errors');
      await again.close();
    },
  },
  {
    name: 'console: staff added with a skill group, edited and deleted through the forms (checked with the cloud API)',
    timeoutMs: 20000,
    async run(ctx) {
      const page = ctx.page;
      await openTab(page, 'staff', staffRow('agent1@tccc.local'));
      await page.click('[data-testid=cc-staff-add]');
      await page.waitForSelector('[data-testid=cc-staff-dialog][open]');
      await page.fill('[data-testid=cc-staff-mail]', NEW_STAFF);
      await page.fill('[data-testid=cc-staff-name]', 'Nina Wu');
      await page.fill('[data-testid=cc-staff-number]', '1099');
      await page.check('[data-testid=cc-staff-group][value="1"]');
      await page.click('[data-testid=cc-staff-save]');
      await page.waitForSelector(staffRow(NEW_STAFF));
      await waitText(page, '[data-testid=cc-notice]', /agent9@tccc\.local/);
      let s = await staffByMail(ctx, NEW_STAFF);
      assert(s, 'CreateStaff stored the new staff member');
      assertEqual(s.Name, 'Nina Wu', 'its name');
      assertEqual(s.StaffNumber, '1099', 'its staff number');
      assertEqual(s.RoleId, 3, 'an agent by default');
      assertEqual(
        s.SkillGroupList.map((g) => g.SkillGroupId),
        [1],
        'in skill group 1',
      );

      // The same e-mail again: refused, and said so in the form.
      await page.click('[data-testid=cc-staff-add]');
      await page.fill('[data-testid=cc-staff-mail]', 'agent1@tccc.local');
      await page.fill('[data-testid=cc-staff-name]', 'Someone Else');
      await page.click('[data-testid=cc-staff-save]');
      await waitText(page, '[data-testid=cc-staff-error]', /该邮箱的坐席已存在.*InvalidParameterValue\.AccountExists/);
      await page.click('[data-testid=cc-staff-cancel]');
      assertEqual((await staffByMail(ctx, 'agent1@tccc.local')).Name, 'Alice Zhang', 'the existing one is untouched');

      // Edit: a new name, and the second skill group too.
      await page.click(`${staffRow(NEW_STAFF)} [data-testid=cc-staff-edit]`);
      await page.waitForSelector('[data-testid=cc-staff-dialog][open]');
      assert(await page.isDisabled('[data-testid=cc-staff-mail]'), 'the e-mail (the account) stays');
      assert(await page.isChecked('[data-testid=cc-staff-group][value="1"]'), 'its group is ticked');
      await page.fill('[data-testid=cc-staff-name]', 'Nina Wu-Chen');
      await page.check('[data-testid=cc-staff-group][value="2"]');
      await page.click('[data-testid=cc-staff-save]');
      await waitText(page, `${staffRow(NEW_STAFF)} [data-testid=cc-staff-name-cell]`, /^Nina Wu-Chen$/);
      s = await staffByMail(ctx, NEW_STAFF);
      assertEqual(s.Name, 'Nina Wu-Chen', 'ModifyStaff stored the name');
      assertEqual(s.SkillGroupList.map((g) => g.SkillGroupId).sort(), [1, 2], 'and the groups');

      // Delete, after confirming; cancelling first keeps it.
      await page.click(`${staffRow(NEW_STAFF)} [data-testid=cc-staff-delete]`);
      await waitText(page, '[data-testid=cc-confirm-text]', /Nina Wu-Chen.*agent9@tccc\.local/);
      await page.click('[data-testid=cc-confirm-no]');
      assert(await staffByMail(ctx, NEW_STAFF), 'cancel deletes nothing');
      await page.click(`${staffRow(NEW_STAFF)} [data-testid=cc-staff-delete]`);
      await page.click('[data-testid=cc-confirm-yes]');
      await page.waitForSelector(staffRow(NEW_STAFF), { state: 'detached' });
      assertEqual(await staffByMail(ctx, NEW_STAFF), null, 'DeleteStaff removed it');
      assertEqual(ctx.errors, [], 'page errors');
    },
  },
  {
    name: 'console: a skill group created in the form exists for the cloud API',
    async run(ctx) {
      const page = ctx.page;
      await openTab(page, 'groups', '[data-testid=cc-groups] tr[data-group="1"]');
      await waitText(page, '[data-testid=cc-groups] tr[data-group="1"] [data-testid=cc-group-members]', /^2$/);
      await page.click('[data-testid=cc-group-add]');
      await page.waitForSelector('[data-testid=cc-group-dialog][open]');
      await page.fill('[data-testid=cc-group-name]', NEW_GROUP);
      await page.selectOption('[data-testid=cc-group-type]', '0');
      await page.click('[data-testid=cc-group-save]');
      await waitText(page, '[data-testid=cc-notice]', /VIP 热线/);
      const r = await ctx.ccc.DescribeSkillGroupInfoList({
        SdkAppId: ctx.server.sdkAppId,
        PageSize: 100,
        PageNumber: 0,
      });
      const g = r.SkillGroupList.find((x) => x.SkillGroupName === NEW_GROUP);
      assert(g, `CreateCCCSkillGroup stored it: ${JSON.stringify(r.SkillGroupList)}`);
      assertEqual(g.SkillGroupType, 0, 'a phone group');
      ctx.vipGroupId = g.SkillGroupId;
      await waitText(page, `[data-testid=cc-groups] tr[data-group="${g.SkillGroupId}"]`, /VIP 热线.*电话/);
      // A second group of that name is refused.
      await page.click('[data-testid=cc-group-add]');
      await page.fill('[data-testid=cc-group-name]', NEW_GROUP);
      await page.click('[data-testid=cc-group-save]');
      await waitText(page, '[data-testid=cc-group-error]', /同名的技能组已存在.*SkillGroupExists/);
      await page.click('[data-testid=cc-group-cancel]');
      assertEqual(ctx.errors, [], 'page errors');
    },
  },
  {
    name: 'console: the IVR menu of 4008001000 changed in the page is what a caller hears and how the call routes',
    timeoutMs: 25000,
    async run(ctx) {
      assert(ctx.vipGroupId, 'the skill group of the previous test');
      const page = ctx.page;
      await openTab(page, 'numbers', `${numberCard(IVR_NUMBER)} [data-key="2"]`);
      await waitText(page, '[data-testid=cc-caller-numbers]', /02160001000/);
      const before = (await consoleApi(page, 'DescribeServiceNumbers')).body.Response;
      const original = before.ServiceNumbers.find((n) => n.Number === IVR_NUMBER);
      assertEqual(
        original.IvrOptions.map((o) => o.Key),
        ['1', '2'],
        'the seeded menu',
      );

      await page.click(`${numberCard(IVR_NUMBER)} [data-testid=cc-number-edit]`);
      await page.waitForSelector('[data-testid=cc-number-dialog][open]');
      const prompt = '欢迎致电。售前请按 1，售后与退款请按 2，VIP 客户请按 3。';
      await page.fill('[data-testid=cc-ivr-prompt]', prompt);
      const rows = page.locator('[data-testid=cc-ivr-option]');
      await rows.nth(1).locator('[data-testid=cc-ivr-label]').fill('售后与退款');
      await page.click('[data-testid=cc-ivr-add-option]');
      await rows.nth(2).locator('[data-testid=cc-ivr-key]').selectOption('3');
      await rows.nth(2).locator('[data-testid=cc-ivr-label]').fill('VIP 专线');
      await rows.nth(2).locator('[data-testid=cc-ivr-group]').selectOption(String(ctx.vipGroupId));
      await page.click('[data-testid=cc-ivr-save]');
      await page.waitForSelector('[data-testid=cc-number-dialog][open]', { state: 'detached' });
      await waitText(page, `${numberCard(IVR_NUMBER)} [data-key="2"]`, /售后与退款/);
      await waitText(page, `${numberCard(IVR_NUMBER)} [data-key="3"]`, /VIP 专线.*VIP 热线/);

      // A caller dials in: the menu is the new one, and key 3 queues for the new group.
      const c = await customer(ctx.server);
      try {
        const dial = await c.request('customer.dial', { serviceNumber: IVR_NUMBER, caller: '13900000003' });
        assert(dial.ok, `customer.dial: ${JSON.stringify(dial)}`);
        const sid = dial.data.sessionId;
        const menu = (await c.event('customer.ivr')).data;
        assertEqual(menu.prompt, prompt, 'the prompt the caller hears');
        assertEqual(
          menu.options.map((o) => `${o.key}:${o.label}`),
          ['1:售前咨询', '2:售后与退款', '3:VIP 专线'],
          'the menu the caller hears',
        );
        assert((await c.request('customer.dtmf', { digits: '3' })).ok, 'key 3');
        // Nobody is in the new group: the call ends there, and its CDR says where it went.
        const cdr = await waitFor(() => telCdr(ctx, sid), 'the CDR of the IVR call', 10000);
        assertEqual(cdr.QueuedSkillGroupId, ctx.vipGroupId, 'key 3 led to the new skill group');
        assertEqual(cdr.IVRKeyPressedEx, [{ Key: '3', Label: 'VIP 专线' }], 'the key and its label in the CDR');
        ctx.ivrSession = sid;
      } finally {
        c.close();
      }

      // A menu with key 5 twice: the page says so and nothing is saved.
      await page.click(`${numberCard(IVR_NUMBER)} [data-testid=cc-number-edit]`);
      await page.waitForSelector('[data-testid=cc-number-dialog][open]');
      for (const label of ['甲', '乙']) {
        await page.click('[data-testid=cc-ivr-add-option]');
        const last = rows.last();
        await last.locator('[data-testid=cc-ivr-key]').selectOption('5');
        await last.locator('[data-testid=cc-ivr-label]').fill(label);
      }
      await page.click('[data-testid=cc-ivr-save]');
      await waitText(page, '[data-testid=cc-ivr-error]', /按键 5 用了不止一次/);
      assertEqual(
        await page.locator('[data-testid=cc-ivr-key][aria-invalid=true]').count(),
        2,
        'both key 5 fields are marked',
      );
      await page.screenshot({ path: join(shots, 'ivr-refused-zh.png') });
      await page.click('[data-testid=cc-ivr-cancel]');
      const keys = async () =>
        (await consoleApi(page, 'DescribeServiceNumbers')).body.Response.ServiceNumbers.find(
          (n) => n.Number === IVR_NUMBER,
        ).IvrOptions.map((o) => o.Key);
      assertEqual(await keys(), ['1', '2', '3'], 'nothing saved');
      // The server refuses it too (a client that skips the page's check): the code, nothing saved.
      const twice = await consoleApi(page, 'ModifyServiceNumber', {
        Number: IVR_NUMBER,
        IvrPrompt: prompt,
        IvrOptions: [
          { Key: '5', Label: '甲', SkillGroupId: 1 },
          { Key: '5', Label: '乙', SkillGroupId: 2 },
        ],
        DefaultSkillGroupId: 1,
      });
      assertEqual(
        twice.body.Response.Error?.Code,
        'InvalidParameterValue',
        `the server's answer: ${JSON.stringify(twice)}`,
      );
      assertEqual(await keys(), ['1', '2', '3'], 'still nothing saved');
      assertEqual(ctx.errors, [], 'page errors');
    },
  },
  {
    name: 'console: a recorded call is listed, its recording plays in the page and its transcript shows',
    timeoutMs: 40000,
    async run(ctx) {
      // Alice answers a simulated caller who says CALLER_SAYS (her own microphone says AGENT_SAYS).
      const agent = await ctx.agentContext.newPage();
      agent.on('pageerror', (e) => ctx.errors.push(`agent: ${e}`));
      try {
        await freeAgent(agent, ctx.crm.url);
        const placed = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: CALLER,
          serviceNumber: '4008002000',
          audioFile: 'caller.wav',
        });
        assertEqual(placed.status, 200, `POST /sim/inbound: ${JSON.stringify(placed.body)}`);
        const sid = placed.body.sessionId;
        await agent.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id, 15000), sid);
        const accepted = await agent.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid);
        assertEqual(accepted.status, 'success', 'Alice accepts');
        // Both sentences recognised (final), then Alice hangs up.
        await waitFor(
          async () => {
            const flows = await agent.evaluate(
              (id) =>
                window
                  .logSince()
                  .filter(([k, d]) => k === 'asr' && d.sessionId === id && d.result.isFinal)
                  .map(([, d]) => d.flow),
              sid,
            );
            return flows.includes('IN') && flows.includes('OUT');
          },
          'both sentences transcribed',
          25000,
        );
        await agent.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid);
        const cdr = await waitFor(
          async () => {
            const c = await telCdr(ctx, sid);
            const mix = c && (c.Recordings || []).find((x) => x.Participant === 'mix' && x.State === 'complete');
            return mix ? c : null;
          },
          'the CDR with its recording',
          15000,
        );
        assert(cdr.RecordURL.includes('/records/'), `RecordURL: ${cdr.RecordURL}`);

        const page = ctx.page;
        await openTab(page, 'records');
        await page.click('[data-testid=cc-rec-search]');
        const row = `[data-testid=cc-records] tr[data-session="${sid}"]`;
        await page.waitForSelector(row);
        await waitText(page, `${row} [data-testid=cc-rec-caller]`, new RegExp(`^${CALLER}$`));
        await waitText(page, row, /呼入.*Alice Zhang.*售前 Sales.*正常结束/);

        // ▶: an <audio> with the signed link, which the browser loads and decodes.
        await page.click(`${row} [data-testid=cc-rec-play]`);
        const audio = `[data-testid=cc-records] tr[data-detail="${sid}"] [data-testid=cc-rec-audio]`;
        await page.waitForSelector(audio);
        const src = await page.getAttribute(audio, 'src');
        assert(src.includes('/records/'), `the player plays the RecordURL: ${src}`);
        const loaded = await waitFor(
          () =>
            page.evaluate((sel) => {
              const a = document.querySelector(sel);
              if (a.error) return { error: a.error.code };
              return a.readyState >= 1 && a.duration > 0 ? { duration: a.duration } : null;
            }, audio),
          'the recording to load in the player',
          10000,
        );
        assert(!loaded.error, `the player failed: ${JSON.stringify(loaded)}`);
        const fetched = await page.evaluate(async (u) => {
          const r = await fetch(u);
          return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
        }, src);
        assertEqual(fetched.status, 200, 'the recording downloads');
        assert(/^audio\/ogg/.test(fetched.type), `as Ogg: ${fetched.type}`);
        assert(fetched.size > 1000, `with sound in it (${fetched.size} bytes)`);

        // 转写: the sentences with who said them.
        await page.click(`${row} [data-testid=cc-rec-transcript]`);
        const lines = `[data-testid=cc-records] tr[data-detail="${sid}"] [data-testid=cc-rec-line]`;
        await page.waitForSelector(lines);
        const said = await page.locator(lines).allTextContents();
        assert(
          said.some((l) => l.includes(`客户 · ${CALLER}`) && l.includes(CALLER_SAYS)),
          `the caller's sentence: ${JSON.stringify(said)}`,
        );
        assert(
          said.some((l) => l.includes('坐席 · Alice Zhang') && l.includes(AGENT_SAYS)),
          `Alice's sentence: ${JSON.stringify(said)}`,
        );

        // The IVR call of the previous test: where key 3 took it, and how it ended.
        if (ctx.ivrSession) {
          const ivrRow = `[data-testid=cc-records] tr[data-session="${ctx.ivrSession}"]`;
          await waitText(page, `${ivrRow} [data-testid=cc-rec-group]`, /^VIP 热线$/);
          await waitText(page, ivrRow, /按键 3/);
          await waitText(page, `${ivrRow} [data-testid=cc-rec-end]`, /^无坐席在线$/);
          assert(
            await page.isVisible(`${ivrRow} [data-testid=cc-rec-no-recording]`),
            'an unanswered call has no recording',
          );
        }
        ctx.recordSession = sid;
        assertEqual(ctx.errors, [], 'page errors');
      } finally {
        await agent.close();
      }
    },
  },
  {
    name: 'console: a finished chat is listed in the chat records and its messages show in order, each on its side, as text',
    timeoutMs: 40000,
    async run(ctx) {
      // A visitor writes in (4008002000 → the online group); Alice accepts, answers and ends the chat.
      const agent = await ctx.agentContext.newPage();
      agent.on('pageerror', (e) => ctx.errors.push(`agent: ${e}`));
      const visitor = await customer(ctx.server);
      try {
        await freeAgent(agent, ctx.crm.url);
        const started = await visitor.request('chat.start', {
          serviceNumber: '4008002000',
          nickname: CHAT_NICK,
          userId: CHAT_USER,
        });
        assert(started.ok, `chat.start: ${JSON.stringify(started)}`);
        const sid = started.data.sessionId;
        await agent.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id, 15000), sid);
        const accepted = await agent.evaluate((id) => tccc.Chat.accept({ sessionId: id }), sid);
        assertEqual(accepted.status, 'success', 'Alice accepts the chat');
        await visitor.event('customer.state', (d) => d.sessionId === sid && d.state === 'connected');
        for (const text of [CHAT_HELLO, CHAT_LONG, CHAT_XSS]) {
          const sent = await visitor.request('chat.send', { text });
          assert(sent.ok, `the visitor's chat.send: ${JSON.stringify(sent)}`);
        }
        await agent.evaluate(([id, text]) => tccc.Chat.sendMessage({ sessionId: id, text }), [sid, CHAT_REPLY]);
        assertEqual((await agent.evaluate((id) => tccc.Chat.end({ sessionId: id }), sid)).status, 'success', 'end');
        await visitor.event('customer.state', (d) => d.sessionId === sid && d.state === 'ended');
        await waitFor(
          async () => {
            const now = Math.floor(Date.now() / 1000);
            const r = await ctx.ccc.DescribeIMCdrs({
              SdkAppId: ctx.server.sdkAppId,
              StartTimestamp: now - 600,
              EndTimestamp: now + 60,
              Limit: 100,
            });
            return (r.IMCdrList || []).some((c) => c.SessionId === sid);
          },
          'the IM CDR',
          10000,
        );

        const page = ctx.page;
        const dialogs = [];
        const onDialog = (d) => {
          dialogs.push(d.message());
          d.dismiss().catch(() => {});
        };
        page.on('dialog', onDialog);
        await openTab(page, 'chats');
        const row = `[data-testid=cc-chats] tr[data-session="${sid}"]`;
        await page.waitForSelector(row); // the first visit searches today
        // Days without chats, and a range that is none: said so.
        const today = await page.inputValue('[data-testid=cc-chat-from]');
        await page.fill('[data-testid=cc-chat-from]', '2020-01-01');
        await page.fill('[data-testid=cc-chat-to]', '2020-01-02');
        await page.click('[data-testid=cc-chat-search]');
        await waitText(page, '[data-testid=cc-chat-status]', /^所选日期内没有在线会话。$/);
        assertEqual(await page.locator('[data-testid=cc-chats] tr[data-session]').count(), 0, 'no rows');
        await page.fill('[data-testid=cc-chat-to]', '2019-12-31');
        await page.click('[data-testid=cc-chat-search]');
        await waitText(page, '[data-testid=cc-error]', /^结束日期不能早于开始日期。$/);
        assertEqual(await page.getAttribute('[data-testid=cc-chat-to]', 'aria-invalid'), 'true', 'the field is marked');
        await page.fill('[data-testid=cc-chat-from]', today);
        await page.fill('[data-testid=cc-chat-to]', today);
        await page.click('[data-testid=cc-chat-search]');
        await page.waitForSelector(row);
        assert(await page.isHidden('[data-testid=cc-chat-status]'), 'no "no chats" next to a chat');
        assertEqual(await page.textContent('[data-testid=cc-error]'), '', 'the error is gone');
        await waitText(page, `${row} [data-testid=cc-chat-customer]`, /^Zoe 周$/);
        await waitText(page, row, new RegExp(CHAT_USER));
        await waitText(page, `${row} [data-testid=cc-chat-agent]`, /^Alice Zhang$/);
        await waitText(page, `${row} [data-testid=cc-chat-group]`, /^在线客服 Online$/);
        await waitText(page, `${row} [data-testid=cc-chat-end]`, /^坐席结束$/);

        // Opened by keyboard: the button keeps the focus and says it is open.
        const open = `${row} [data-testid=cc-chat-open]`;
        await page.focus(open);
        await page.keyboard.press('Enter');
        const lines = `[data-testid=cc-chats] tr[data-detail="${sid}"] [data-testid=cc-chat-line]`;
        await page.waitForSelector(lines);
        assertEqual(await page.getAttribute(open, 'aria-expanded'), 'true', 'the button says it is open');
        assertEqual(
          await page.evaluate(() => document.activeElement.getAttribute('data-testid')),
          'cc-chat-open',
          'the focus stays on the button',
        );
        const shown = await page.$$eval(lines, (els) =>
          els.map((e) => [e.getAttribute('data-side'), e.querySelector('.cc-line-text').textContent]),
        );
        assertEqual(
          shown,
          [
            ['system', 'Alice 加入了会话'],
            ['customer', CHAT_HELLO],
            ['customer', CHAT_LONG],
            ['customer', CHAT_XSS],
            ['agent', CHAT_REPLY],
            ['system', '会话已结束。'],
          ],
          'the messages in order, each on its side',
        );
        const heads = await page.locator(`${lines} .cc-line-head`).allTextContents();
        assert(heads[1].startsWith('客户 · Zoe 周'), `the visitor's line says who: ${heads[1]}`);
        assert(heads[4].startsWith('坐席 · Alice Zhang'), `Alice's line says who: ${heads[4]}`);
        assertEqual(
          await page.locator('[data-testid=cc-panel-chats] img, [data-testid=cc-panel-chats] [onerror]').count(),
          0,
          'no element was made from the markup',
        );

        // The long word wraps inside its bubble, also on a phone.
        for (const width of [1280, 360]) {
          await page.setViewportSize({ width, height: 900 });
          const fit = await page.$$eval(lines, (els) => {
            const li = els[2];
            const r = li.getBoundingClientRect();
            const box = li.closest('td').getBoundingClientRect();
            return { over: li.scrollWidth - li.clientWidth, right: r.right, edge: box.right };
          });
          assert(
            fit.over <= 1 && fit.right <= fit.edge + 1,
            `${width} px: the long word wraps: ${JSON.stringify(fit)}`,
          );
        }
        await page.setViewportSize({ width: 1280, height: 900 });
        page.off('dialog', onDialog);
        assertEqual(dialogs, [], 'no script ran (alert)');
        ctx.chatSession = sid;
        assertEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
        assertEqual(ctx.errors, [], 'page errors');
      } finally {
        visitor.close();
        await agent.close();
      }
    },
  },
  {
    name: 'console: every tab in zh and en at 1280 and 360 px, axe-core finds nothing serious, the tabs work by keyboard',
    timeoutMs: 40000,
    async run(ctx) {
      const page = ctx.page;
      await page.setViewportSize({ width: 1280, height: 900 });
      // Keyboard: the tabs are one stop; arrows move between them and show each.
      await openTab(page, 'records');
      await page.focus('[data-testid=cc-tab-records]');
      await page.keyboard.press('Home');
      await page.waitForSelector('[data-testid=cc-panel-staff]:not([hidden])');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('[data-testid=cc-panel-groups]:not([hidden])');
      assertEqual(
        await page.evaluate(() => document.activeElement.getAttribute('data-testid')),
        'cc-tab-groups',
        'the focus follows',
      );
      await page.keyboard.press('ArrowLeft');
      await page.waitForSelector('[data-testid=cc-panel-staff]:not([hidden])');

      const ready = {
        staff: staffRow('agent1@tccc.local'),
        groups: '[data-testid=cc-groups] tr[data-group="1"]',
        numbers: numberCard(IVR_NUMBER),
        records: '[data-testid=cc-records] tr[data-session]',
        chats: '[data-testid=cc-chats] tr[data-session]',
      };
      const found = [];
      for (const lang of ['zh', 'en']) {
        if (lang === 'en') {
          await page.click('[data-testid=cc-lang]');
          await waitText(page, '[data-testid=cc-tab-staff]', /^Staff$/);
          assert(new URL(page.url()).searchParams.get('lang') === 'en', 'the URL keeps the language');
        }
        for (const tab of Object.keys(ready)) {
          await openTab(page, tab, ready[tab]);
          if (tab === 'records' && ctx.recordSession)
            await page.waitForSelector(`tr[data-detail="${ctx.recordSession}"] [data-testid=cc-rec-line]`);
          if (tab === 'chats' && ctx.chatSession)
            await page.waitForSelector(`tr[data-detail="${ctx.chatSession}"] [data-testid=cc-chat-line]`);
          await checkLanguage(page, lang);
          found.push(...(await seriousA11yFindings(page)).map((f) => `${lang} ${tab}: ${f}`));
          for (const width of [1280, 360]) {
            await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
            await checkLayout(page, `${lang} ${tab} ${width}`);
            await page.screenshot({ path: join(shots, `${tab}-${lang}-${width}.png`), fullPage: true });
          }
          await page.setViewportSize({ width: 1280, height: 900 });
        }
      }
      // The forms, open, in English (axe too: labels on every field).
      await openTab(page, 'numbers', numberCard(IVR_NUMBER));
      await page.click(`${numberCard(IVR_NUMBER)} [data-testid=cc-number-edit]`);
      await page.waitForSelector('[data-testid=cc-number-dialog][open]');
      await checkLanguage(page, 'en');
      found.push(...(await seriousA11yFindings(page)).map((f) => `en ivr form: ${f}`));
      await page.screenshot({ path: join(shots, 'ivr-form-en-1280.png') });
      await page.setViewportSize({ width: 360, height: 780 });
      await checkLayout(page, 'en ivr form 360');
      await page.screenshot({ path: join(shots, 'ivr-form-en-360.png') });
      await page.click('[data-testid=cc-ivr-cancel]');
      await page.setViewportSize({ width: 1280, height: 900 });
      await openTab(page, 'staff', staffRow('agent1@tccc.local'));
      await page.click(`${staffRow('agent1@tccc.local')} [data-testid=cc-staff-edit]`);
      await page.waitForSelector('[data-testid=cc-staff-dialog][open]');
      found.push(...(await seriousA11yFindings(page)).map((f) => `en staff form: ${f}`));
      await page.screenshot({ path: join(shots, 'staff-form-en-1280.png') });
      await page.click('[data-testid=cc-staff-cancel]');
      // Back to Chinese for what follows.
      await page.click('[data-testid=cc-lang]');
      await waitText(page, '[data-testid=cc-tab-staff]', /^坐席$/);
      assertEqual(found, [], 'axe-core serious or critical findings');
      assertEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
      assertEqual(ctx.errors, [], 'page errors');
    },
  },
  {
    // Everything the console shows came from somebody: staff names typed by another operator or a
    // backend, skill group names, IVR labels. The page's own CSP would stop an inline handler from
    // running, so the check is stronger than "nothing ran": no element is made from the text at all.
    name: 'console: an XSS corpus in staff, skill group and IVR texts renders as inert text in every tab',
    timeoutMs: 45000,
    async run(ctx) {
      const page = ctx.page;
      const payloads = [
        '<img src=x onerror="window.__xss=1">',
        '"><svg onload=window.__xss=1>',
        '<script>window.__xss=1</script>',
        '\uFF1Cscript\uFF1E\u202Egnp.exe',
      ];
      const mail = 'xss@tccc.local';
      await ctx.ccc.CreateStaff({
        SdkAppId: ctx.server.sdkAppId,
        Staffs: [{ Mail: mail, Name: payloads[0], Nick: payloads[1], StaffNumber: '9901' }],
      });
      const group = await ctx.ccc.CreateCCCSkillGroup({
        SdkAppId: ctx.server.sdkAppId,
        SkillGroupName: payloads[2].slice(0, 60),
        SkillGroupType: 0,
      });
      const number = '4008009999';
      const menu = await consoleApi(page, 'ModifyServiceNumber', {
        Number: number,
        IvrPrompt: payloads.join(' '),
        IvrOptions: payloads.map((label, i) => ({
          Key: String(i + 1),
          Label: label,
          SkillGroupId: group.SkillGroupId,
        })),
      });
      assert(!menu.body.Response.Error, `the menu is stored: ${JSON.stringify(menu.body)}`);
      try {
        await page.reload();
        await openTab(page, 'staff', staffRow(mail));
        await openTab(page, 'groups', `[data-testid=cc-groups] tr[data-group="${group.SkillGroupId}"]`);
        await openTab(page, 'numbers', numberCard(number));
        const seen = await page.evaluate(() => ({
          xss: window.__xss,
          made: document.querySelectorAll('img[src="x"], svg, script:not([src]), [onerror], [onload]').length,
          text: document.body.innerText,
        }));
        assertEqual(seen.xss, undefined, 'no payload ran');
        assertEqual(seen.made, 0, 'no element was made from a payload');
        for (const p of payloads.slice(0, 3)) assert(seen.text.includes(p.slice(0, 20)), `shown as text: ${p}`);
        assertEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
        assertEqual(ctx.errors, [], 'page errors');
        await openTab(page, 'staff', staffRow('agent1@tccc.local')); // where the next test starts
      } finally {
        await ctx.ccc.DeleteStaff({ SdkAppId: ctx.server.sdkAppId, StaffList: [mail] });
        await consoleApi(page, 'DeleteServiceNumber', { Number: number });
      }
    },
  },
  {
    name: 'console: signing out returns to the sign-in screen, the API then answers 401; a fresh --console-link signs in; an ended session is noticed',
    async run(ctx) {
      const page = ctx.page;
      await page.click('[data-testid=cc-logout]');
      await page.waitForSelector('[data-testid=cc-signin-message][data-reason=signedOut]');
      await waitText(page, '[data-testid=cc-signin-message]', /^您已退出登录/);
      assert(await page.isHidden('[data-testid=cc-panel-staff]'), 'the data is gone from the screen');
      assertEqual(await page.locator('[data-testid=cc-staff] tr[data-mail]').count(), 0, 'and from the page');
      await page.screenshot({ path: join(shots, 'signed-out-zh.png'), fullPage: true });
      const r = await consoleApi(page, 'DescribeStaffInfoList', { PageSize: 10, PageNumber: 0 });
      assertEqual(r.status, 401, 'a data call after signing out');
      assertEqual(r.body?.Response?.Error?.Code, 'AuthFailure.UnauthorizedOperation', 'its code');
      const session = await page.evaluate(async () => (await fetch('/console/session')).status);
      assertEqual(session, 401, 'GET /console/session');
      // A reload stays signed out.
      await page.reload();
      await page.waitForSelector('[data-testid=cc-signin-message][data-reason=needLink]');

      // What the sign-in screen advises: a fresh link from the command line signs in again.
      const made = spawnSync(
        SERVER_BINARY,
        ['--data-dir', ctx.server.dataDir, '--port', String(ctx.server.port), '--console-link'],
        { encoding: 'utf8' },
      );
      assertEqual(made.status, 0, `--console-link: ${made.stderr}`);
      const fresh = /^Console=(\S+)$/m.exec(made.stdout);
      assert(fresh && fresh[1].startsWith(`${ctx.server.baseUrl}/console/#link=`), `the new link: ${made.stdout}`);
      await page.goto(fresh[1]);
      await page.waitForSelector(staffRow('agent1@tccc.local'));
      assertEqual(new URL(page.url()).hash, '', 'the new link leaves the URL too');

      // A session that ends under the page (here: its cookie is gone): the next data call gets 401
      // and the page goes back to the sign-in screen, saying why.
      await page.context().clearCookies();
      await page.click('[data-testid=cc-staff-refresh]');
      await page.waitForSelector('[data-testid=cc-signin-message][data-reason=expired]');
      await waitText(page, '[data-testid=cc-signin-message]', /^登录已过期/);
      assertEqual(await page.locator('[data-testid=cc-staff] tr[data-mail]').count(), 0, 'nothing left on the page');
      assertEqual(ctx.errors, [], 'page errors');
    },
  },
];
