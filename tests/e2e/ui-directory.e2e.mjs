// SPDX-License-Identifier: Apache-2.0
// The transfer directory in Debian's Chromium against the real tccc-server: the call bar's transfer
// form lists the application's skill groups and agents with their live status (directory.list via
// tccc.Agent.getDirectory), refreshes while open, filters as the agent types, cannot pick a resting
// colleague, picks one with the keyboard once it is free, and the confirmed transfer rings it; in
// English at 360 px nothing overlaps or leaves the screen. Screenshots go to test-results/ui/.
import { join } from 'node:path';
import { ROOT, crmSuite, openPage, assert, assertEqual, nodeAgent, waitFor } from './harness.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title>
<body><h1>CRM</h1><script>
window.__log = [];
window.loadSdk = async function (userId, configure) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.src = login.sdkUrl;
    script.addEventListener('error', () => resolve('script-error'));
    script.addEventListener('load', () => {
      if (configure) tccc.UI.configure(configure);
      for (const name of Object.keys(tccc.events)) tccc.on(tccc.events[name], (p) => window.__log.push([name, p]));
      resolve('loaded');
    });
    document.body.appendChild(script);
  });
};
window.waitEvent = (name, ms = 10000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const hit = window.__log.find(([k]) => k === name);
    if (hit) return resolve(hit[1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + window.__log.map(([k]) => k).join(',')));
    setTimeout(poll, 20);
  })();
});
// The call bar's shadow root (inside the workbench's), where the transfer form lives.
window.barRoot = () => {
  const bar = (function find(node) {
    for (const el of node.querySelectorAll('*')) {
      if (el.tagName === 'TCCC-CALL-BAR') return el;
      if (el.shadowRoot) { const hit = find(el.shadowRoot); if (hit) return hit; }
    }
    return null;
  })(document);
  return bar.shadowRoot;
};
window.deepActive = () => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? (a.getAttribute('data-act') || a.getAttribute('data-field') || a.tagName) : null;
};
</script></body>`;

const { shots, setup, teardown } = crmSuite(PAGE);
export { setup, teardown };

/** Alice's CRM page with the workbench open and an outbound call connected. */
async function aliceOnACall(ctx, { width = 1100, configure } = {}) {
  const { page, errors } = await openPage(ctx.browser, { width, height: 900 });
  await page.goto(ctx.crm.url);
  assertEqual(await page.evaluate(([u, c]) => loadSdk(u, c), [ctx.server.agents[0], configure]), 'loaded', 'script');
  await page.evaluate(() => waitEvent('ready'));
  await page.click('[data-act=float]');
  await page.waitForSelector('[data-field=dial-number]', { state: 'visible' });
  await page.fill('[data-field=dial-number]', '10000000001');
  await page.click('[data-act=dial]');
  await page.evaluate(() => waitEvent('calloutAccepted'));
  return {
    page,
    errors,
    shot: (name) => page.screenshot({ path: join(shots, `${name}.png`) }),
    async close() {
      await page.evaluate(() => tccc.destroy()).catch(() => {});
      await page.close();
    },
  };
}

/** The directory option whose text matches `re`, as {status text, disabled, selected}, or null. */
const option = (page, re) =>
  page.evaluate((source) => {
    const bar = barRoot();
    const hit = [...bar.querySelectorAll('[data-field=transfer-list] [role=option]')].find((o) =>
      new RegExp(source).test(o.textContent),
    );
    return hit
      ? {
          status: hit.querySelector('[data-field=transfer-option-status]').textContent,
          disabled: hit.getAttribute('aria-disabled') === 'true',
          selected: hit.getAttribute('aria-selected') === 'true',
          active: hit.classList.contains('active'),
        }
      : null;
  }, re.source);

/** axe-core's serious and critical findings inside the UI (the listbox, combobox and options). */
async function seriousA11yFindings(page) {
  await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run({ include: [['tccc-ui']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n}`));
}

const optionCount = (page) => page.locator('tccc-call-bar [data-field=transfer-list] [role=option]').count();

export const tests = [
  {
    name: 'transfer directory: live statuses, search, a resting agent cannot be picked, keyboard pick rings the agent',
    timeoutMs: 60000,
    async run(ctx) {
      const { tccc: bob, callIn: bobCallIn } = await nodeAgent(ctx.server, ctx.server.agents[1]);
      const { tccc: carol } = await nodeAgent(ctx.server, ctx.server.agents[2]);
      await bob.Agent.setStatus({ status: 'rest', restReason: '用餐' });
      const a = await aliceOnACall(ctx);
      try {
        // The public API: Alice's own tenant, never Alice herself, free agents first.
        const dir = await a.page.evaluate(() => tccc.Agent.getDirectory());
        assertEqual(
          dir.data.agents.map((x) => [x.userId, x.status]),
          [
            [ctx.server.agents[2], 'free'],
            [ctx.server.agents[1], 'rest'],
            // The demo tenant's supervisor (role 1, administrator) is staff too, never logged in here: listed last.
            ['supervisor@tccc.local', 'offline'],
          ],
          'agents, free first, without the caller',
        );
        assertEqual(dir.data.agents[1].restReason, '用餐', 'rest reason');
        assertEqual(dir.data.agents[1].takesCalls, false, 'a resting agent takes no transfer');
        assertEqual(
          dir.data.skillGroups.map((g) => g.skillGroupId),
          ['2', '1', '3'],
          'groups with a free agent first (Carol in 2; Alice on a call in 1)',
        );
        const bad = await a.page.evaluate(() =>
          tccc.Agent.getDirectory({ query: 'x'.repeat(65) }).then(
            () => 'resolved',
            (e) => e.name,
          ),
        );
        assertEqual(bad, 'ERR_INVALID_ARGUMENT', 'a query over 64 characters');

        await a.page.click('[data-act=transfer]');
        await a.page.waitForSelector('[data-field=transfer-form]', { state: 'visible' });
        assertEqual(await a.page.evaluate(() => deepActive()), 'transfer-search', 'the search field has the focus');
        const bobRe = /Bob/;
        const resting = await waitFor(() => option(a.page, bobRe), 'Bob in the directory');
        assertEqual(resting.status, '小休（用餐）', 'Bob resting, in Chinese');
        assertEqual(resting.disabled, true, 'a resting agent is shown but cannot be picked');
        assertEqual((await option(a.page, /Carol/)).status, '空闲', 'Carol free');
        await a.shot('40-directory-zh');
        for (const f of await seriousA11yFindings(a.page)) throw new Error(`accessibility: ${f}`);

        // Search: only Bob is left; a click on him picks nothing while he rests.
        await a.page.fill('tccc-call-bar [data-field=transfer-search]', 'bob');
        await waitFor(async () => (await optionCount(a.page)) === 1 && (await option(a.page, bobRe)), 'search "bob"');
        await a.page.locator('tccc-call-bar [data-field=transfer-list] [role=option]').first().click({ force: true });
        assertEqual((await option(a.page, bobRe)).selected, false, 'clicking a resting agent picks nothing');
        assertEqual(await a.page.inputValue('tccc-call-bar [data-field=transfer-target]'), '', 'no target');
        await a.page.fill('tccc-call-bar [data-field=transfer-search]', '1003');
        await waitFor(async () => (await optionCount(a.page)) === 1 && (await option(a.page, /Carol/)), 'by number');
        await a.page.fill('tccc-call-bar [data-field=transfer-search]', 'bob');
        await waitFor(() => option(a.page, bobRe), 'search "bob" again');

        // Bob comes back: the open list shows it without anything being typed.
        await bob.Agent.setStatus({ status: 'free' });
        const free = await waitFor(
          async () => {
            const o = await option(a.page, bobRe);
            return o && !o.disabled && o.status === '空闲' && o;
          },
          'Bob free in the open list',
          15000,
        );
        assertEqual(free.disabled, false, 'Bob can be picked now');

        // Keyboard: the arrow highlights him, Enter picks him (and sends nothing yet).
        await a.page.focus('tccc-call-bar [data-field=transfer-search]');
        await a.page.keyboard.press('ArrowDown');
        assertEqual((await option(a.page, bobRe)).active, true, 'ArrowDown highlights Bob');
        await a.page.keyboard.press('Enter');
        assertEqual((await option(a.page, bobRe)).selected, true, 'Enter picks Bob');
        assertEqual(
          await a.page.inputValue('tccc-call-bar [data-field=transfer-target]'),
          ctx.server.agents[1],
          'the pick fills the target',
        );
        assertEqual(await a.page.inputValue('tccc-call-bar [data-field=transfer-kind]'), 'userId', 'to an agent');
        assert(!(await a.page.evaluate(() => window.__log.some(([k]) => k === 'transfer'))), 'Enter did not transfer');
        await a.shot('41-directory-picked-zh');

        await a.page.click('[data-act=transfer-confirm]');
        const got = await Promise.race([
          bobCallIn,
          new Promise((_, rej) => setTimeout(() => rej(new Error('Bob got no callIn')), 10000)),
        ]);
        assert(got.data.sessionId, 'Bob rings');
        await a.page.evaluate(() => waitEvent('transfer'));
        await a.page.waitForSelector('[data-field=transfer-form]', { state: 'hidden' });
        await bob.Call.hungUp({ sessionId: got.data.sessionId }).catch(() => {});
        assertEqual(a.errors, [], 'page errors');
      } finally {
        bob.destroy();
        carol.destroy();
        await a.close();
      }
    },
  },
  {
    name: 'transfer directory in English at 360 px: statuses translated, nothing overlaps or leaves the screen',
    timeoutMs: 45000,
    async run(ctx) {
      const { tccc: bob } = await nodeAgent(ctx.server, ctx.server.agents[1]);
      await bob.Agent.setStatus({ status: 'rest', restReason: 'lunch' });
      const a = await aliceOnACall(ctx, { width: 360, configure: { lang: 'en' } });
      try {
        await a.page.click('[data-act=transfer]');
        const bobOption = await waitFor(() => option(a.page, /Bob/), 'Bob listed');
        assertEqual(bobOption.status, 'On break (lunch)', 'status in English');
        const offline = await option(a.page, /Carol/);
        assertEqual(offline.status, 'Offline', 'Carol is not logged in');
        assertEqual(
          await a.page.locator('tccc-call-bar label[for=transfer-search]').textContent(),
          'Search',
          'the search label in English',
        );
        const boxes = await a.page.evaluate(() => {
          const bar = barRoot();
          return [
            ...bar.querySelectorAll(
              '[data-field=transfer-form] [role=option] > span, [data-field=transfer-form] input, [data-field=transfer-form] select, [data-field=transfer-form] button',
            ),
          ]
            .filter((el) => el.getClientRects().length)
            .map((el) => {
              const r = el.getBoundingClientRect();
              return { tag: el.className || el.tagName, x: r.x, y: r.y, w: r.width, h: r.height, right: r.right };
            });
        });
        assert(boxes.length > 6, 'the form has its parts');
        for (const b of boxes) assert(b.x >= 0 && b.right <= 360.5, `${b.tag} inside 360 px: ${JSON.stringify(b)}`);
        // Within an option, the dot, the name and the status sit side by side without overlapping.
        const rows = await a.page.evaluate(() => {
          const bar = barRoot();
          return [...bar.querySelectorAll('[data-field=transfer-list] [role=option]')].map((o) =>
            [...o.children].map((c) => {
              const r = c.getBoundingClientRect();
              return [r.left, r.right];
            }),
          );
        });
        for (const row of rows)
          for (let i = 1; i < row.length; i++) assert(row[i][0] >= row[i - 1][1] - 0.5, `option parts overlap: ${row}`);
        await a.shot('42-directory-en-360');
        assertEqual(a.errors, [], 'page errors');
      } finally {
        bob.destroy();
        await a.close();
      }
    },
  },
];
