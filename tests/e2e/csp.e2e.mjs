// SPDX-License-Identifier: Apache-2.0
// The SDK and its built-in UI on a page with a strict Content-Security-Policy — scripts only from
// known origins and never inline or eval'd ('wasm-unsafe-eval' is all the core needs), styles only
// from files (`style-src 'self'`, which refuses <style> elements) — and with Subresource Integrity
// on the SDK's script tag (docs/reliability.md, "Security"). The page logs every CSP violation.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, launchBrowser, startCrm, postJson, assert, assertEqual } from './harness.mjs';

// The integrator's own script: a CSP without 'unsafe-inline' refuses inline <script> too.
const CRM_JS = `
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '(inline)')));
window.__log = [];
window.loadSdk = async function (userId, integrity, transport) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.crossOrigin = 'anonymous';
    script.integrity = integrity;
    if (transport) script.dataset.mediaTransport = transport;
    script.src = login.sdkUrl;
    script.addEventListener('error', () => resolve('script-error'));
    script.addEventListener('load', () => {
      for (const name of Object.keys(tccc.events)) tccc.on(tccc.events[name], (p) => window.__log.push([name, p]));
      resolve('loaded');
    });
    document.body.appendChild(script);
  });
};
window.waitEvent = (name, ms = 15000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const hit = window.__log.find(([k]) => k === name);
    if (hit) return resolve(hit[1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + window.__log.map(([k]) => k).join(',')));
    setTimeout(poll, 20);
  })();
});
`;

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>CRM (strict CSP)</title>
<body><h1>CRM</h1><script src="/crm.js"></script></body></html>`;

/** The integrator's page for `server`, under the strict policy, and the SRI of the server's tccc.js. */
async function strictPage(server) {
  const origin = new URL(server.apiUrl).origin;
  const ws = origin.replace(/^http/, 'ws');
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${origin} 'wasm-unsafe-eval'`,
    "style-src 'self'",
    `connect-src 'self' ${origin} ${ws}`,
    `media-src 'self' blob: ${origin}`,
    "img-src 'self' data:",
  ].join('; ');
  const crm = await startCrm(server, PAGE, {
    headers: { 'content-security-policy': csp },
    files: { '/crm.js': CRM_JS },
  });
  const script = Buffer.from(await (await fetch(`${origin}/sdk/tccc.js`)).arrayBuffer());
  const integrity = `sha384-${createHash('sha384').update(script).digest('base64')}`;
  return { crm, integrity };
}

export async function setup() {
  const server = await startServer();
  const { crm, integrity } = await strictPage(server);
  const browser = await launchBrowser();
  return { server, crm, browser, integrity };
}

export async function teardown({ server, crm, browser }) {
  await browser.close();
  await crm.close();
  await server.stop();
}

export const tests = [
  {
    name: 'strict CSP and SRI: the SDK logs in, the workbench is styled, a call is answered, nothing is refused',
    timeoutMs: 60000,
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await page.goto(ctx.crm.url);
        const agent = ctx.server.agents[0];
        assertEqual(await page.evaluate(([u, i]) => loadSdk(u, i), [agent, ctx.integrity]), 'loaded', 'script load');
        await page.evaluate(() => waitEvent('ready'));
        await page.evaluate(() => tccc.UI.showWorkbench());
        await page.waitForSelector('[data-field=status-select]', { state: 'visible', timeout: 10000 });
        // Styled: the float button is the fixed blue pill of styles.ts, not an inline grey button.
        const float = await page
          .locator('[data-act=float]')
          .evaluate((el) => [getComputedStyle(el).position, getComputedStyle(el).backgroundColor]);
        assertEqual(float, ['fixed', 'rgb(0, 82, 217)'], 'the float button is styled');
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13800138000',
          serviceNumber: '4008001000',
          ivrKeys: '1',
        });
        assertEqual(call.status, 200, 'sim inbound');
        await page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        await page.click('[data-act=answer]');
        await page.evaluate(() => waitEvent('userAccessed'));
        await page.waitForSelector('[data-act=hangUp]', { state: 'visible' });
        await page.screenshot({ path: 'test-results/ui/15-strict-csp-call.png' });
        // tccc.js pinned its chunks in turn (chunkIntegrity.ts), and they matched.
        const pinned = await page.evaluate(() =>
          [...document.querySelectorAll('script[integrity]')].map((el) => el.src.replace(/.*\//, '')),
        );
        for (const chunk of ['tccc-ui', 'tccc-media'])
          assert(
            pinned.some((name) => new RegExp(`^${chunk}\\.[0-9a-f]{10}\\.js$`).test(name)),
            `${chunk} loaded with its integrity (pinned: ${pinned.join(', ')})`,
          );
        await page.click('[data-act=hangUp]');
        await page.evaluate(() => waitEvent('sessionEnded'));
        assertEqual(await page.evaluate(() => window.__violations), [], 'CSP violations');
        assertEqual(errors, [], 'page errors');
      } finally {
        await page.evaluate(() => window.tccc && window.tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  },
  {
    // The WebSocket transport adds the Opus chunk to an AudioWorklet: it must come from the SDK's
    // origin as a file (a blob: processor is refused by such a policy).
    name: 'strict CSP: audio over the WebSocket transport loads its worklet and flows to the server',
    timeoutMs: 60000,
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await page.goto(ctx.crm.url);
        const agent = ctx.server.agents[2];
        assertEqual(
          await page.evaluate(([u, i]) => loadSdk(u, i, 'websocket'), [agent, ctx.integrity]),
          'loaded',
          'script load',
        );
        await page.evaluate(() => waitEvent('ready'));
        await page.evaluate(() => tccc.UI.showWorkbench());
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13800138001',
          serviceNumber: '4008001000',
          ivrKeys: '2',
        });
        assertEqual(call.status, 200, 'sim inbound');
        const sessionId = call.body.sessionId;
        await page.evaluate(() => waitEvent('callIn'));
        await page.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId);
        await page.evaluate(() => waitEvent('mediaTransportChanged'));
        const heard = async () => {
          const res = await fetch(`${ctx.server.baseUrl}/sim/sessions/${sessionId}`);
          return ((await res.json()).media || {}).packetsIn || 0;
        };
        const t0 = Date.now();
        while ((await heard()) < 25) {
          assert(Date.now() - t0 < 15000, `the server got ${await heard()} packets over the WebSocket`);
          await new Promise((r) => setTimeout(r, 200));
        }
        // The call bar says how the audio travels; chosen by the integrator, not for a lack of UDP.
        const line = page.locator('[data-field=call-transport]');
        await line.waitFor({ state: 'visible', timeout: 10000 });
        assertEqual(await line.textContent(), '音频经 WebSocket 传输', 'the call bar transport line');
        await page.screenshot({ path: 'test-results/ui/17-websocket-transport-call.png' });
        await page.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sessionId);
        assertEqual(await page.evaluate(() => window.__violations), [], 'CSP violations');
        assertEqual(errors, [], 'page errors');
      } finally {
        await page.evaluate(() => window.tccc && window.tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  },
  {
    name: 'SRI is enforced: a script tag whose integrity does not match is refused',
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      try {
        await page.goto(ctx.crm.url);
        const wrong = `sha384-${createHash('sha384').update('something else').digest('base64')}`;
        const outcome = await page.evaluate(([u, i]) => loadSdk(u, i), [ctx.server.agents[1], wrong]);
        assertEqual(outcome, 'script-error', 'a mismatching script is not run');
        assert(await page.evaluate(() => typeof window.tccc === 'undefined'), 'no tccc on the page');
      } finally {
        await page.close();
      }
    },
  },
  {
    name: 'SRI reaches the chunks: an altered workbench chunk is refused and the SDK goes on without it',
    timeoutMs: 45000,
    async run(ctx) {
      // The same build, served by a second server whose copy of the UI chunk was altered on its way.
      const sdkDir = mkdtempSync(join(tmpdir(), 'tccc-sri-'));
      cpSync(join(ROOT, 'dist'), sdkDir, { recursive: true });
      const chunk = readdirSync(sdkDir).find((f) => /^tccc-ui\.[0-9a-f]{10}\.js$/.test(f));
      writeFileSync(join(sdkDir, chunk), `${readFileSync(join(sdkDir, chunk), 'utf8')}\nwindow.__altered = true;\n`);
      for (const compressed of ['.gz', '.br']) rmSync(join(sdkDir, chunk + compressed), { force: true });
      const server = await startServer({ args: ['--sdk-dir', sdkDir] });
      const { crm, integrity } = await strictPage(server);
      const page = await ctx.browser.context.newPage();
      const consoleErrors = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      try {
        await page.goto(crm.url);
        assertEqual(await page.evaluate(([u, i]) => loadSdk(u, i), [server.agents[0], integrity]), 'loaded', 'tccc.js');
        await page.evaluate(() => waitEvent('ready'));
        await page.evaluate(() => tccc.UI.showWorkbench());
        const told = () => consoleErrors.some((t) => t.includes(chunk) && t.includes('could not be fetched'));
        const t0 = Date.now();
        while (!told() && Date.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 100));
        assert(told(), `the SDK says the chunk could not be used; console: ${consoleErrors.join(' | ')}`);
        assert(
          consoleErrors.some((t) => /integrity/i.test(t)),
          `Chromium refused it for its integrity; console: ${consoleErrors.join(' | ')}`,
        );
        assertEqual(await page.evaluate(() => window.__altered === true), false, 'the altered code never ran');
        assertEqual(await page.locator('[data-field=status-select]').count(), 0, 'no workbench');
        // Headless, the SDK works on: the agent still changes status.
        const rest = await page.evaluate(() =>
          tccc.Agent.setStatus({ status: 'rest' }).then(
            () => 'ok',
            (e) => e.errorMsg,
          ),
        );
        assertEqual(rest, 'ok', 'status change without the UI');
      } finally {
        await page.evaluate(() => window.tccc && window.tccc.destroy()).catch(() => {});
        await page.close();
        await crm.close();
        await server.stop();
        rmSync(sdkDir, { recursive: true, force: true });
      }
    },
  },
];
