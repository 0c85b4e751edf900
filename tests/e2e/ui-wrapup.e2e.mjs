// SPDX-License-Identifier: Apache-2.0
// After-call work and today's history in the built-in workbench, in Debian's Chromium against the
// real tccc-server (docs/protocol.md "After-call work and history"): the agent answers a simulated
// caller, hangs up in the call bar, picks a disposition and writes notes in the wrap-up form and
// saves; the official cloud client then reads them in DescribeTelCdr, the CDR push receiver gets
// the CDR again with them, and the History pane lists the call (outcome, disposition, notes) with a
// call-back button that dials the caller. Screenshots (zh and en, default width and 360 px) go to
// test-results/ui/ (git-ignored).
import { createServer } from 'node:http';
import { join } from 'node:path';
import { crmSuite, openPage, cloudClient, assert, assertEqual, waitFor, waitText } from './harness.mjs';
import { CRM_PAGE, acceptSimCall } from './media-kit.mjs';

const suite = crmSuite(CRM_PAGE);
const { shots } = suite;
const CALLER = '13800138000'; // acceptSimCall's caller

/** Receives the CDR pushes the server sends. */
function pushReceiver() {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        /* kept as null */
      }
      got.push({ uuid: req.headers['x-tccc-push-uuid'], body: json });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ got, url: `http://127.0.0.1:${server.address().port}/push`, server }),
    ),
  );
}

export async function setup() {
  const push = await pushReceiver();
  const ctx = await suite.setup({ args: ['--cdr-push-url', push.url] });
  return { ...ctx, push, ccc: cloudClient(ctx.server) };
}

export async function teardown(ctx) {
  await suite.teardown(ctx);
  ctx.push.server.close();
}

/** No two visible boxes of `selectors` overlap, and none sticks out of the panel's width. */
async function assertLayout(page, selectors, what) {
  const boxes = [];
  for (const sel of selectors) {
    const box = await page.locator(sel).first().boundingBox();
    assert(box, `${what}: ${sel} is visible`);
    boxes.push([sel, box]);
  }
  const panel = await page.locator('tccc-workbench .panel').first().boundingBox();
  for (const [sel, b] of boxes)
    assert(b.x >= panel.x - 1 && b.x + b.width <= panel.x + panel.width + 1, `${what}: ${sel} inside the panel`);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [sa, a] = boxes[i];
      const [sb, b] = boxes[j];
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      assert(!overlap, `${what}: ${sa} and ${sb} overlap`);
    }
}

/**
 * Each of `selectors` (text, at the current width) sits on one line: a label such as "Follow-up"
 * may move to the next line whole, never break inside or spread over two lines. The lines are the
 * distinct tops of its text's boxes (a Range's client rects: one per line fragment).
 */
async function assertOneLine(page, selectors, what) {
  for (const sel of selectors) {
    const lines = await page
      .locator(sel)
      .first()
      .evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
        const tops = rects.map((r) => r.top).sort((a, b) => a - b);
        const half = Math.min(...rects.map((r) => r.height)) / 2;
        return tops.filter((top, i) => i === 0 || top - tops[i - 1] > half).length;
      });
    assertEqual(lines, 1, `${what}: ${sel} on one line`);
  }
}

const NOTES = '客户明天上午回电 <b>VIP</b>';
const FORM_PARTS = [
  '[data-field=wrap-up-disposition]',
  '[data-field=wrap-up-notes]',
  '[data-act=wrap-up-save]',
  '[data-act=wrap-up-later]',
];

/** Words of the wrap-up form and of a history row that must not wrap. */
const FORM_LABELS = [
  'label[for=wrap-up-disposition]',
  'label[for=wrap-up-notes]',
  '[data-act=wrap-up-save]',
  '[data-act=wrap-up-later]',
];
const ROW_LABELS = (row) => [
  `${row} .dir`,
  `${row} [data-field=history-outcome]`,
  `${row} [data-field=history-disposition]`,
  `${row} [data-act=call-back]`,
];

export const tests = [
  {
    name: 'wrap-up: disposition and notes reach DescribeTelCdr and the CDR push; history calls back',
    timeoutMs: 90000,
    async run(ctx) {
      const { page, errors } = await openPage(ctx.browser, { width: 1280, height: 1000 });
      try {
        await page.goto(ctx.crm.url);
        assertEqual(await page.evaluate((u) => loadSdk(u), ctx.server.agents[0]), 'loaded', 'SDK script');
        await page.evaluate(() => waitEvent('ready'));
        await waitFor(
          () =>
            page.evaluate(
              () =>
                tccc.Agent.getStatus() === 'free' || (tccc.Agent.setStatus({ status: 'free' }).catch(() => {}), false),
            ),
          'agent free',
        );
        const sid = await acceptSimCall(ctx.server.baseUrl, page);
        await page.evaluate((id) => waitEvent('userAccessed', (d) => d.sessionId === id), sid);
        await page.evaluate(() => tccc.UI.showWorkbench());
        await page.click('[data-act=hangUp]');
        await page.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), sid);

        // The wrap-up form offers the call that just ended; nothing is saved without a disposition.
        await page.waitForSelector('[data-field=wrap-up]', { state: 'visible' });
        await waitText(page, '[data-field=wrap-up-session]', new RegExp(CALLER));
        await page.click('[data-act=wrap-up-save]');
        await waitText(page, '[data-field=wrap-up-status]', /请选择处理结果/);
        await page.selectOption('[data-field=wrap-up-disposition]', 'followUp');
        await waitText(page, '[data-field=wrap-up-status]', /^$/);
        await page.fill('[data-field=wrap-up-notes]', NOTES);
        await assertLayout(page, FORM_PARTS, 'zh form');
        await page.locator('[data-field=wrap-up]').screenshot({ path: join(shots, '40-wrap-up-zh.png') });
        await page.screenshot({ path: join(shots, '41-workbench-wrap-up-zh.png') });

        // English, default width and 360 px: the form comes back for the same call, all English.
        await page.evaluate(() => tccc.UI.configure({ lang: 'en' }));
        await page.waitForSelector('[data-field=wrap-up]', { state: 'visible' });
        await waitText(page, '[data-act=wrap-up-save]', /^Save wrap-up$/);
        await page.selectOption('[data-field=wrap-up-disposition]', 'followUp');
        await page.fill('[data-field=wrap-up-notes]', NOTES);
        await page.locator('[data-field=wrap-up]').screenshot({ path: join(shots, '42-wrap-up-en.png') });
        await page.setViewportSize({ width: 360, height: 800 });
        await assertLayout(page, FORM_PARTS, 'en form at 360 px');
        await assertOneLine(page, FORM_LABELS, 'en form at 360 px');
        await page.locator('[data-field=wrap-up]').screenshot({ path: join(shots, '43-wrap-up-en-360.png') });

        // Saved from the keyboard: Enter on the button.
        await page.focus('[data-act=wrap-up-save]');
        await page.keyboard.press('Enter');
        await waitText(page, '[data-field=wrap-up-status]', /^Wrap-up saved$/);

        // The official cloud client reads them in the CDR.
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
            return (res.TelCdrs || []).find((c) => c.SessionId === sid && c.Disposition);
          },
          'the CDR with its wrap-up',
          8000,
        );
        assertEqual(cdr.Disposition, 'followUp', 'DescribeTelCdr Disposition');
        assertEqual(cdr.AgentNotes, NOTES, 'DescribeTelCdr AgentNotes');
        assertEqual(cdr.SeatUser.UserId, ctx.server.agents[0], 'TCCC fields untouched');

        // The push receiver gets the CDR twice: at the end, then with the wrap-up (a new UUID).
        const pushed = await waitFor(
          () => ctx.push.got.find((p) => p.body && p.body.SessionId === sid && p.body.Disposition),
          'the CDR push with the wrap-up',
          10000,
        );
        assertEqual(pushed.body.Disposition, 'followUp', 'push Disposition');
        assertEqual(pushed.body.AgentNotes, NOTES, 'push AgentNotes');
        const first = ctx.push.got.find((p) => p.body && p.body.SessionId === sid && !p.body.Disposition);
        assert(first && first.uuid !== pushed.uuid, 'the first push came before, under another UUID');

        // Today's history lists the call, worded in English, notes as text.
        const row = `[data-field=history] li[data-session="${sid}"]`;
        await waitText(page, `${row} [data-field=history-disposition]`, /^Follow-up$/);
        assertEqual(await page.locator(`${row} [data-field=history-outcome]`).textContent(), 'Answered', 'outcome');
        assertEqual(await page.locator(`${row} [data-field=history-peer]`).textContent(), CALLER, 'peer');
        assertEqual(await page.locator(`${row} [data-field=history-notes]`).textContent(), NOTES, 'notes as text');
        assertEqual(await page.locator(`${row} b`).count(), 0, 'no markup from the notes');
        await page.locator(row).scrollIntoViewIfNeeded();
        await assertLayout(
          page,
          [`${row} [data-field=history-peer]`, `${row} [data-act=call-back]`],
          'en row at 360 px',
        );
        await assertOneLine(page, ROW_LABELS(row), 'en row at 360 px');
        await page.screenshot({ path: join(shots, '44-history-en-360.png') });
        await page.setViewportSize({ width: 1280, height: 1000 });
        await page.locator('[data-field=history]').screenshot({ path: join(shots, '45-history-en.png') });

        await page.evaluate(() => tccc.UI.configure({ lang: 'zh-CN' }));
        await waitText(page, `${row} [data-field=history-disposition]`, /^待跟进$/);
        assertEqual(await page.locator(`${row} [data-field=history-outcome]`).textContent(), '已接通', 'zh outcome');
        await page.locator(row).scrollIntoViewIfNeeded();
        await page.locator('[data-field=history]').screenshot({ path: join(shots, '46-history-zh.png') });
        await page.setViewportSize({ width: 360, height: 800 });
        await page.locator(row).scrollIntoViewIfNeeded();
        await assertOneLine(page, ROW_LABELS(row), 'zh row at 360 px');
        await page.screenshot({ path: join(shots, '47-history-zh-360.png') });

        // Call back: the row's button dials the caller's number.
        await page.evaluate(() => markLog());
        await page.click(`${row} [data-act=call-back]`);
        const out = await page.evaluate(() => waitEvent('callOuted', () => true, 15000));
        // The workbench's session list shows whom the new call dials.
        await waitText(
          page,
          `[data-field=sessions] li[data-session="${out.sessionId}"] .text`,
          new RegExp(`^${CALLER}$`),
        );
        await page.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), out.sessionId);
        await page.evaluate((id) => waitEvent('sessionEnded', (d) => d.sessionId === id), out.sessionId);
        // The unanswered call-back joins the history as an outbound call.
        await waitText(
          page,
          `[data-field=history] li[data-session="${out.sessionId}"] [data-field=history-outcome]`,
          /无人接听|呼叫失败/,
        );
        assertEqual(errors, [], 'page errors');
      } finally {
        await page.evaluate(() => window.tccc && tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  },
];
