// SPDX-License-Identifier: Apache-2.0
// Chat (im) sessions end to end (issue 6) in Debian's Chromium against the real tccc-server: the
// visitor page (web/sim/chat.html) starts a chat, agent A accepts it on an integrator page through
// the SDK's headless chat API, messages flow both ways in order, first the visitor's socket and then
// the agent's drop mid-chat and nothing is lost or shown twice, A transfers the chat to agent B who
// sees the whole history, B ends it with Chat.end, and the official tencentcloud-sdk-nodejs client
// reads the IM CDR (DescribeIMCdrs) and the messages (DescribeChatMessages). A second test drives
// the workbench's chat pane: an XSS nickname and message render as inert text, and a too-long
// message and a flood surface their errors.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, startCrm, assert, assertEqual, cloudClient, waitFor } from './harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = join(ROOT, 'test-results/ui');
const XSS = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';

const CRM_PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title>
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
      if (opts.lang) tccc.UI.configure({ lang: opts.lang });
      for (const name of Object.keys(tccc.events)) tccc.on(tccc.events[name], (p) => window.__log.push([name, p]));
      resolve('loaded');
    });
    document.body.appendChild(script);
  });
};
window.events = (name) => window.__log.filter(([k]) => k === name).map(([, p]) => p.data);
window.waitFor = (fn, what, ms = 10000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    let v;
    try { v = fn(); } catch (e) { v = undefined; }
    if (v) return resolve(v);
    if (Date.now() - t0 > ms) return reject(new Error('timed out waiting for ' + what));
    setTimeout(poll, 25);
  })();
});
window.received = (sessionId) => window.events('messageReceived').filter((d) => d.sessionId === sessionId).map((d) => d.message);
</script></body>`;

// Records the SDK's WebSockets so a test can drop the agent's connection from inside the page.
const SOCKET_SPY = `(() => {
  const Orig = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Orig {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();`;

export async function setup() {
  mkdirSync(SHOTS, { recursive: true });
  const server = await startServer({ args: ['--web-dir', join(ROOT, 'web')] });
  const crm = await startCrm(server, CRM_PAGE);
  const browser = await launchBrowser();
  await browser.context.addInitScript(SOCKET_SPY);
  return { server, crm, browser, ccc: cloudClient(server) };
}

export async function teardown({ server, crm, browser }) {
  await browser.close();
  await crm.close();
  await server.stop();
}

async function agentPage(ctx, userId, opts = { headless: true }) {
  const page = await ctx.browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.crm.url);
  assertEqual(await page.evaluate(([u, o]) => loadSdk(u, o), [userId, opts]), 'loaded', `${userId}: SDK script`);
  await page.evaluate(() => waitFor(() => events('ready').length, 'ready'));
  return {
    page,
    errors,
    async close() {
      await page.evaluate(() => tccc.destroy()).catch(() => {});
      await page.close();
    },
  };
}

async function visitorPage(ctx, nickname, clientData = '') {
  const page = await ctx.browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${ctx.server.baseUrl}/sim/chat.html?lang=en`);
  await page.fill('#nickname', nickname);
  if (clientData) await page.fill('#clientData', clientData);
  await page.click('#start');
  await waitFor(() => page.evaluate(() => window.tcccChatSim.sessionId), 'chat started');
  return { page, errors };
}

async function visitorSays(v, text) {
  await v.page.fill('#text', text);
  await v.page.click('#send');
}

const visitorMessages = (v) => v.page.evaluate(() => window.tcccChatSim.messages());

/** Every seq 1..n exactly once, in order, each messageId once. */
function assertExactlyOnce(messages, what) {
  const ids = new Set(messages.map((m) => m.messageId));
  assertEqual(ids.size, messages.length, `${what}: no message shown twice`);
  messages.forEach((m, i) => assertEqual(m.seq, i + 1, `${what}: seq ${i + 1} in place (no gap, in order)`));
}

export const tests = [
  {
    name: 'a visitor chats with agent A, both sockets drop, A transfers to B, B ends it, the cloud API has it all',
    timeoutMs: 90000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0]); // Alice
      const b = await agentPage(ctx, ctx.server.agents[1]); // Bob
      const v = await visitorPage(ctx, 'Ann', 'order=42');
      const sessionId = await v.page.evaluate(() => window.tcccChatSim.sessionId);

      // Offered to A (longest idle); accepted through the SDK.
      const callIn = await a.page.evaluate(
        (id) => waitFor(() => events('callIn').find((d) => d.sessionId === id), 'callIn'),
        sessionId,
      );
      assertEqual(callIn.type, 'im', 'callIn type');
      assertEqual(callIn.nickname, 'Ann', 'callIn nickname');
      assertEqual(callIn.clientData, 'order=42', 'callIn clientData');
      assertEqual(
        (await a.page.evaluate((id) => tccc.Chat.accept({ sessionId: id }), sessionId)).status,
        'success',
        'accept',
      );
      await waitFor(() => v.page.evaluate(() => window.tcccChatSim.state === 'connected'), 'visitor connected');
      assert(/Alice/.test(await v.page.textContent('#agent')), 'the visitor sees who joined');
      assertEqual(await a.page.evaluate(() => tccc.Agent.getStatus()), 'free', 'a chat does not make the agent busy');

      // Both ways, in order.
      await visitorSays(v, 'hello');
      await a.page.evaluate(
        (id) => waitFor(() => received(id).some((m) => m.text === 'hello'), 'hello at A'),
        sessionId,
      );
      const sent = await a.page.evaluate(
        (id) => tccc.Chat.sendMessage({ sessionId: id, text: 'Hi Ann, how can I help?' }),
        sessionId,
      );
      assertEqual(sent.data.message.from, 'agent', 'stored agent message');
      await visitorSays(v, 'my order is late');
      await waitFor(async () => (await visitorMessages(v)).length >= 4, 'four messages at the visitor');
      assertEqual(
        (await visitorMessages(v)).map((m) => m.text),
        // The page words the server's notice from its code, in its own language and phrasing
        // (here English: "Agent …"), not from the message's English text.
        ['Agent Alice joined the chat', 'hello', 'Hi Ann, how can I help?', 'my order is late'],
        'visitor order',
      );

      // The visitor's socket drops: A writes meanwhile, the visitor writes while offline.
      await v.page.evaluate(() => window.tcccChatSim.drop());
      await a.page.evaluate((id) => tccc.Chat.sendMessage({ sessionId: id, text: 'while you were away' }), sessionId);
      await visitorSays(v, 'typed while offline');
      await waitFor(
        () => v.page.evaluate(() => window.tcccChatSim.open && window.tcccChatSim.outbox === 0),
        'visitor resumed and flushed',
      );
      await a.page.evaluate(
        (id) => waitFor(() => received(id).some((m) => m.text === 'typed while offline'), 'offline text at A'),
        sessionId,
      );
      assert((await v.page.evaluate(() => window.tcccChatSim.stats.resumes)) >= 1, 'the visitor resumed');

      // The visitor reloads the page: the chat resumes from sessionStorage with the whole history.
      const beforeReload = await visitorMessages(v);
      await v.page.reload();
      await waitFor(
        () => v.page.evaluate(() => window.tcccChatSim && window.tcccChatSim.state === 'connected'),
        'resumed after reload',
      );
      await waitFor(async () => (await visitorMessages(v)).length >= beforeReload.length, 'history after reload');
      assertEqual(
        (await visitorMessages(v)).map((m) => m.messageId),
        beforeReload.map((m) => m.messageId),
        'same messages after reload',
      );

      // A's socket drops: the visitor writes meanwhile; A catches up after its reconnect.
      await a.page.evaluate(() => {
        window.__sockets[window.__sockets.length - 1].close();
      });
      await a.page.evaluate(() => waitFor(() => events('connectionLost').length, 'connectionLost'));
      await visitorSays(v, 'are you there?');
      await visitorSays(v, 'still waiting');
      await a.page.evaluate(() => waitFor(() => events('connectionRecovery').length, 'connectionRecovery', 15000));
      await a.page.evaluate(
        (id) => waitFor(() => received(id).some((m) => m.text === 'still waiting'), 'catch-up at A'),
        sessionId,
      );
      const atA = await a.page.evaluate((id) => received(id), sessionId);
      assertEqual(
        atA.map((m) => m.text),
        [
          'Alice joined the chat',
          'hello',
          'my order is late',
          'typed while offline',
          'are you there?',
          'still waiting',
        ],
        'A received every visitor message and notice once, in order (its own are the sendMessage results)',
      );
      assertEqual(new Set(atA.map((m) => m.messageId)).size, atA.length, 'A: no duplicate messageReceived');
      await waitFor(async () => (await visitorMessages(v)).length >= 8, 'eight messages at the visitor');
      assertExactlyOnce(await visitorMessages(v), 'visitor after both drops');

      // Transfer to B: B sees the history (Chat.getMessages).
      assertEqual(
        (
          await a.page.evaluate(
            ([id, to]) => tccc.Chat.transfer({ sessionId: id, userId: to }),
            [sessionId, ctx.server.agents[1]],
          )
        ).status,
        'success',
        'transfer',
      );
      await a.page.evaluate(
        (id) => waitFor(() => events('transfer').some((d) => d.sessionId === id), 'transfer event at A'),
        sessionId,
      );
      await b.page.evaluate(
        (id) => waitFor(() => events('callIn').some((d) => d.sessionId === id), 'callIn at B'),
        sessionId,
      );
      await b.page.evaluate((id) => tccc.Chat.accept({ sessionId: id }), sessionId);
      const history = await b.page.evaluate((id) => tccc.Chat.getMessages({ sessionId: id }), sessionId);
      const texts = history.data.messages.map((m) => m.text);
      for (const t of [
        'hello',
        'Hi Ann, how can I help?',
        'while you were away',
        'still waiting',
        'Alice transferred the chat',
        'Bob joined the chat',
      ])
        assert(texts.includes(t), `B's history has "${t}": ${JSON.stringify(texts)}`);
      history.data.messages.forEach((m, i) => assertEqual(m.seq, i + 1, 'history in seq order'));
      await waitFor(async () => /Bob/.test(await v.page.textContent('#agent')), 'the visitor sees Bob joined');
      await b.page.evaluate(
        (id) => tccc.Chat.sendMessage({ sessionId: id, text: 'Bob here, it ships today' }),
        sessionId,
      );
      await waitFor(
        async () => (await visitorMessages(v)).some((m) => m.text === 'Bob here, it ships today'),
        'B to visitor',
      );
      const refused = await a.page.evaluate(
        (id) =>
          tccc.Chat.sendMessage({ sessionId: id, text: 'x' }).then(
            () => 'sent',
            (e) => e.name,
          ),
        sessionId,
      );
      assertEqual(refused, 'ERR_INVALID_STATE', 'A can no longer write in the transferred chat');

      // B ends it.
      assertEqual(
        (await b.page.evaluate((id) => tccc.Chat.end({ sessionId: id }), sessionId)).status,
        'success',
        'Chat.end',
      );
      await b.page.evaluate(
        (id) => waitFor(() => events('sessionEnded').some((d) => d.sessionId === id), 'sessionEnded at B'),
        sessionId,
      );
      await waitFor(() => v.page.evaluate(() => window.tcccChatSim.state === 'ended'), 'visitor sees the end');
      const final = await visitorMessages(v);
      assertExactlyOnce(final, 'visitor at the end');

      // The cloud API, through the official client.
      const now = Math.floor(Date.now() / 1000);
      const cdrs = await ctx.ccc.DescribeIMCdrs({
        SdkAppId: ctx.server.sdkAppId,
        StartTimestamp: now - 600,
        EndTimestamp: now + 60,
        Limit: 100,
      });
      const cdr = (cdrs.IMCdrList || []).find((c) => c.SessionId === sessionId);
      assert(cdr, `IM CDR of ${sessionId} in ${JSON.stringify(cdrs)}`);
      assertEqual(cdr.EndStatus, 1, 'ended normally by the agent');
      assertEqual(cdr.StaffId, ctx.server.agents[1], 'served last by B');
      assertEqual(cdr.Nickname, 'Ann', 'nickname');
      assertEqual(cdr.Type, 2, 'text chat');
      const msgs = await ctx.ccc.DescribeChatMessages({
        SdkAppId: ctx.server.sdkAppId,
        SessionId: sessionId,
        Order: 1,
        Limit: 100,
      });
      assertEqual(msgs.TotalCount, final.length, 'every message stored once');
      assertEqual(
        msgs.Messages.map((m) => m.Messages[0].Content),
        // Notices are stored in English; the visitor's page words them its own way ("Agent …").
        final.map((m) => (m.from === 'system' ? m.text.replace(/^Agent /, '') : m.text)),
        'stored in the order shown',
      );
      assert(
        msgs.Messages.every((m) => typeof m.Timestamp === 'number' && m.Timestamp > 0),
        'timestamps',
      );
      const newest = await ctx.ccc.DescribeChatMessages({
        SdkAppId: ctx.server.sdkAppId,
        SessionId: sessionId,
        Limit: 1,
      });
      assertEqual(newest.Messages[0].Messages[0].Content, final[final.length - 1].text, 'default order: newest first');

      assertEqual(a.errors.concat(b.errors, v.errors).join('\n'), '', 'no page errors');
      await a.close();
      await b.close();
      await v.page.close();
    },
  },
  {
    name: 'the chat pane shows an XSS nickname and message as text and surfaces too-long and flood errors',
    timeoutMs: 60000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0], { lang: 'en' });
      await a.page.waitForSelector('[data-act=float]', { state: 'visible', timeout: 10000 });
      await a.page.click('[data-act=float]');
      const v = await visitorPage(ctx, `Eve ${XSS}`);
      const sessionId = await v.page.evaluate(() => window.tcccChatSim.sessionId);
      await a.page.evaluate(
        (id) => waitFor(() => events('callIn').some((d) => d.sessionId === id), 'callIn'),
        sessionId,
      );
      await a.page.evaluate((id) => tccc.Chat.accept({ sessionId: id }), sessionId);
      await waitFor(() => v.page.evaluate(() => window.tcccChatSim.state === 'connected'), 'visitor connected');
      await visitorSays(v, `look ${XSS} <script>window.__xss=99</script>`);

      const pane = a.page.locator('tccc-chat-pane');
      await pane.locator('[data-field=chat-messages] li.visitor').first().waitFor({ timeout: 10000 });
      const shown = await pane.locator('[data-field=chat-messages] li.visitor .text').first().textContent();
      assertEqual(shown, `look ${XSS} <script>window.__xss=99</script>`, 'the message is shown verbatim as text');
      const tab = await pane.locator(`[data-field=chat-list] button[data-chat="${sessionId}"] .text`).textContent();
      assertEqual(tab, `Eve ${XSS}`, 'the nickname is shown verbatim as text');
      assertEqual(await pane.locator('img').count(), 0, 'no <img> was created in the pane');
      assertEqual(await a.page.evaluate(() => document.querySelectorAll('img').length), 0, 'none in the page either');
      await a.page.waitForTimeout(300);
      assertEqual(await a.page.evaluate(() => window.__xss), 0, 'no handler ran');
      assertEqual(await v.page.evaluate(() => window.__xss || 0), 0, 'nothing ran on the visitor page either');

      // The visitor's own too-long message: refused, and told in words a visitor understands.
      await visitorSays(v, 'y'.repeat(4001));
      const visitorError = await waitFor(async () => {
        const t = await v.page.locator('#error').textContent();
        return /ERR_CHAT_MESSAGE_TOO_LONG/.test(t) && t;
      }, 'too-long error on the visitor page');
      assert(/The message is too long: split it up/.test(visitorError), `the visitor is told plainly: ${visitorError}`);

      // Sent from the pane: it arrives at the visitor.
      await pane.locator('[data-field=chat-input]').fill('Hello Eve');
      await pane.locator('[data-act=chat-send]').click();
      await waitFor(
        async () => (await visitorMessages(v)).some((m) => m.text === 'Hello Eve'),
        'pane message at the visitor',
      );

      // Too long: the error is shown and the draft kept.
      const long = 'x'.repeat(4001);
      await pane.locator('[data-field=chat-input]').fill(long);
      await pane.locator('[data-act=chat-send]').click();
      let lastError = '';
      const tooLong = await waitFor(async () => {
        lastError = await pane.locator('[data-field=chat-error]').textContent();
        return /ERR_CHAT_MESSAGE_TOO_LONG/.test(lastError) && lastError;
      }, 'too-long error').catch((e) => {
        throw new Error(`${e.message}; the pane says ${JSON.stringify(lastError)}`);
      });
      assert(/4000/.test(tooLong), `the error names the limit: ${tooLong}`);
      assertEqual((await pane.locator('[data-field=chat-input]').inputValue()).length, 4001, 'the draft is kept');

      // Flood: the agent's side of this chat has used its burst (here by a script on the page, as a
      // stuck key or a runaway integration would); the pane's next send is refused visibly.
      // The pane's send follows at once, in the same task, before the bucket refills.
      const burst = await a.page.evaluate(async (id) => {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            tccc.Chat.sendMessage({ sessionId: id, text: `burst ${i}` }).then(
              () => 'ok',
              (e) => e.name,
            ),
          ),
        );
        const root = document
          .querySelector('[data-tccc=ui]')
          .shadowRoot.querySelector('tccc-workbench')
          .shadowRoot.querySelector('tccc-chat-pane').shadowRoot;
        const input = root.querySelector('[data-field=chat-input]');
        input.value = 'one more';
        input.dispatchEvent(new Event('input'));
        root.querySelector('[data-act=chat-send]').click();
        return results;
      }, sessionId);
      assert(burst.includes('ERR_CHAT_FLOOD'), `the burst hits the limit: ${burst}`);
      const flood = await waitFor(async () => {
        const t = await pane.locator('[data-field=chat-error]').textContent();
        return /ERR_CHAT_FLOOD/.test(t) && t;
      }, 'flood error in the pane');
      assertEqual(await pane.locator('[data-field=chat-input]').inputValue(), 'one more', 'the refused draft is kept');
      assert(flood, 'a flood is refused with ERR_CHAT_FLOOD');
      assertEqual(a.errors.concat(v.errors).join('\n'), '', 'no page errors');
      await a.page.evaluate((id) => tccc.Chat.end({ sessionId: id }), sessionId);
      await a.close();
      await v.page.close();
    },
  },
  {
    name: 'workbench chats: announced as a new chat, words wrap whole, transferred and ended from the pane, ended tabs close',
    timeoutMs: 90000,
    async run(ctx) {
      const a = await agentPage(ctx, ctx.server.agents[0], {});
      await a.page.setViewportSize({ width: 1280, height: 900 });
      await a.page.waitForSelector('[data-act=float]', { state: 'visible', timeout: 10000 });
      await a.page.click('[data-act=float]');
      const b = await agentPage(ctx, ctx.server.agents[1]);
      const pane = a.page.locator('tccc-chat-pane');
      const tab = (id) => pane.locator(`[data-field=chat-list] button[data-chat="${id}"]`);
      const v = await visitorPage(ctx, 'Ann');
      const first = await v.page.evaluate(() => window.tcccChatSim.sessionId);
      await a.page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
      // A chat is a new conversation, not an incoming call.
      assertEqual(await a.page.locator('[data-field=alert-title]').textContent(), '新会话', 'the alert title');
      assertEqual(await a.page.locator('[data-act=answer]').textContent(), '接入', 'the answer button');
      await a.page.screenshot({ path: join(SHOTS, 'chat-offer-zh.png') });
      await a.page.click('[data-act=answer]');
      await waitFor(() => v.page.evaluate(() => window.tcccChatSim.state === 'connected'), 'visitor connected');
      assertEqual(await a.page.locator('[data-field=error]').first().textContent(), '', 'answered without an error');
      // The server's notice is worded in the workbench's language (Chinese by default).
      const notice = pane.locator('[data-field=chat-messages] li.system .text').first();
      await notice.waitFor({ timeout: 10000 });
      assert(
        /加入了会话$/.test(await notice.textContent()),
        `the joined notice in Chinese: ${await notice.textContent()}`,
      );

      // Latin words wrap whole; CJK and a long URL still wrap inside the pane.
      const words = 'internationalization responsibilities notwithstanding extraordinarily';
      await visitorSays(
        v,
        `${words} 国际化的责任与义务 https://example.com/a/very/long/path/without/any/break/at/all/0123456789`,
      );
      await pane.locator('[data-field=chat-messages] li.visitor').first().waitFor({ timeout: 10000 });
      for (const width of [1280, 360]) {
        await a.page.setViewportSize({ width, height: 800 });
        const check = await pane
          .locator('[data-field=chat-messages] li.visitor .text')
          .first()
          .evaluate((el, latin) => {
            const node = el.firstChild;
            const split = [];
            let at = 0;
            for (const w of latin.split(' ')) {
              const r = document.createRange();
              r.setStart(node, at);
              r.setEnd(node, at + w.length);
              if (new Set([...r.getClientRects()].map((q) => Math.round(q.top))).size !== 1) split.push(w);
              at += w.length + 1;
            }
            return { split, fits: el.scrollWidth <= el.parentElement.clientWidth };
          }, words);
        assertEqual(check.split, [], `${width}px: no Latin word broken across lines`);
        assert(check.fits, `${width}px: the message stays inside its bubble`);
        await a.page.screenshot({ path: join(SHOTS, `chat-pane-${width}.png`) });
      }
      await a.page.setViewportSize({ width: 1280, height: 900 });

      // Transfer from the pane to Bob.
      await pane.locator('[data-act=chat-transfer]').click();
      await pane.locator('[data-field=transfer-target]').fill(ctx.server.agents[1]);
      await pane.locator('[data-act=transfer-confirm]').click();
      await b.page.evaluate((id) => waitFor(() => events('callIn').some((d) => d.sessionId === id), 'callIn'), first);
      await waitFor(async () => /已结束/.test(await tab(first).textContent()), 'the transferred chat shows as ended');
      await pane.locator(`[data-field=chat-list] li:has(button[data-chat="${first}"]) [data-act=chat-close]`).click();
      await tab(first).waitFor({ state: 'detached' });
      await b.page.evaluate(async (id) => {
        await tccc.Chat.accept({ sessionId: id });
        await tccc.Chat.end({ sessionId: id });
      }, first);
      await b.close();

      // A second chat, ended from the pane; its tab closes too.
      const v2 = await visitorPage(ctx, 'Bea');
      const second = await v2.page.evaluate(() => window.tcccChatSim.sessionId);
      await a.page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
      await a.page.click('[data-act=answer]');
      await waitFor(
        () => v2.page.evaluate(() => window.tcccChatSim.state === 'connected'),
        'second visitor connected',
      ).catch(async (e) => {
        const shown = await a.page.locator('[data-field=error]').first().textContent();
        const seen = await a.page.evaluate(() => window.__log.map(([k, p]) => k + ':' + (p.data && p.data.sessionId)));
        throw new Error(
          `${e.message}; the workbench says ${JSON.stringify(shown)}; events ${seen.join(' ')}; ${second}`,
        );
      });
      await a.page.screenshot({ path: join(SHOTS, 'chat-pane-actions.png') });
      await pane.locator('[data-act=chat-end]').click();
      await a.page.evaluate(
        (id) => waitFor(() => events('sessionEnded').some((d) => d.sessionId === id), 'sessionEnded'),
        second,
      );
      await waitFor(() => v2.page.evaluate(() => window.tcccChatSim.state === 'ended'), 'the visitor sees the end');
      await pane.locator(`[data-field=chat-list] li:has(button[data-chat="${second}"]) [data-act=chat-close]`).click();
      await tab(second).waitFor({ state: 'detached' });
      assertEqual(a.errors.concat(v.errors, v2.errors).join('\n'), '', 'no page errors');
      await a.close();
      await v.page.close();
      await v2.page.close();
    },
  },
];
