// SPDX-License-Identifier: Apache-2.0
// The script-tag way in, in a real browser: an integrator page on its own origin asks its backend for
// an SdkURL (CreateSDKLoginToken with the official client), appends <script src=SdkURL
// crossorigin=anonymous> exactly as the TCCC docs show, and uses the global `tccc` it installs.
import { startServer, launchBrowser, startCrm, postJson, assert, assertEqual } from './harness.mjs';

// The integrator's page. Everything from the SDK lands in window.__log for the test to read.
const PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title>
<body><script>
window.__log = [];
window.loadSdk = async function (userId, opts = {}) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId) + (opts.onlyOnce ? '&onlyOnce=1' : ''))).json();
  window.__login = login;
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.setAttribute('crossorigin', 'anonymous');
    script.src = opts.src || login.sdkUrl;
    if (opts.dataset) Object.assign(script.dataset, opts.dataset);
    script.addEventListener('error', () => resolve('script-error'));
    script.addEventListener('load', () => {
      if (opts.noListen) return resolve('loaded');
      for (const name of Object.keys(tccc.events)) {
        tccc.on(tccc.events[name], (payload) => window.__log.push([name, payload]));
      }
      resolve('loaded');
    });
    document.body.appendChild(script);
  });
};
window.waitEvent = (name, n = 1, ms = 8000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const seen = window.__log.filter(([k]) => k === name);
    if (seen.length >= n) return resolve(seen[n - 1][1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + window.__log.map(([k]) => k).join(',')));
    setTimeout(poll, 20);
  })();
});
</script></body>`;

export async function setup() {
  const server = await startServer();
  const crm = await startCrm(server, PAGE);
  const browser = await launchBrowser();
  return { server, crm, browser };
}

export async function teardown({ server, crm, browser }) {
  await browser.close();
  await crm.close();
  await server.stop();
}

async function openCrm(ctx) {
  const page = await ctx.browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.crm.url);
  return { page, errors };
}

export const tests = [
  {
    name: 'loading the SdkURL logs the agent in: ready, status, statusChanged',
    async run(ctx) {
      const p2 = await openCrm(ctx);
      const encodings = {};
      p2.page.on('response', async (r) => {
        const name = new URL(r.url()).pathname.split('/').pop();
        // tccc.js, and the content-named wasm it loads (build-js.mjs): tccc-core.<hash>.wasm.
        const key = name.replace(/^tccc-core\.[0-9a-f]{10}\.wasm$/, 'tccc-core.<hash>.wasm');
        if (key === 'tccc.js' || key === 'tccc-core.<hash>.wasm')
          encodings[key] = (await r.allHeaders())['content-encoding'] || 'identity';
      });
      assertEqual(await p2.page.evaluate((u) => loadSdk(u), ctx.server.agents[0]), 'loaded', 'script load');
      await p2.page.evaluate(() => waitEvent('ready'));
      assertEqual(await p2.page.evaluate(() => tccc.Agent.getStatus()), 'free', 'status after ready');
      const res = await p2.page.evaluate(() => tccc.Agent.setStatus({ status: 'rest', restReason: 'meeting' }));
      assertEqual(res.status, 'success', 'setStatus result');
      // The first statusChanged is the login's offline -> free; the second is ours.
      const first = await p2.page.evaluate(() => waitEvent('statusChanged', 1));
      assertEqual(first.data.status, 'free', 'statusChanged at login');
      const changed = await p2.page.evaluate(() => waitEvent('statusChanged', 2));
      assertEqual(changed.data.status, 'rest', 'statusChanged payload');
      // The secret never reached the page: not in the login answer, not in the SdkURL.
      const pageText = await p2.page.evaluate(
        () => JSON.stringify(window.__login) + document.documentElement.outerHTML,
      );
      assert(!pageText.includes(ctx.server.secretKey), 'SecretKey must not reach the browser');
      assertEqual(p2.errors, [], 'page errors');
      // The SDK travels compressed: what bench/payload.mjs measures is what the browser downloads.
      assertEqual(encodings, { 'tccc.js': 'br', 'tccc-core.<hash>.wasm': 'br' }, 'content encodings');
      await p2.page.close();
    },
  },
  {
    name: 'inbound call in the page: callIn with ivrPath, accept, hang up',
    async run(ctx) {
      const { page, errors } = await openCrm(ctx);
      await page.evaluate((u) => loadSdk(u), ctx.server.agents[1]);
      await page.evaluate(() => waitEvent('ready'));
      const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
        caller: '13800138000',
        serviceNumber: '4008001000',
        ivrKeys: '1',
      });
      assertEqual(call.status, 200, 'sim inbound');
      const callIn = await page.evaluate(() => waitEvent('callIn'));
      assertEqual(callIn.data.sessionId, call.body.sessionId, 'callIn sessionId');
      assertEqual(
        callIn.data.ivrPath.map((s) => s.key),
        ['1'],
        'ivrPath keys',
      );
      const accepted = await page.evaluate((sessionId) => tccc.Call.accept({ sessionId }), call.body.sessionId);
      assertEqual(accepted.status, 'success', 'accept');
      await page.evaluate(() => waitEvent('userAccessed'));
      await page.evaluate((sessionId) => tccc.Call.hungUp({ sessionId }), call.body.sessionId);
      const ended = await page.evaluate(() => waitEvent('sessionEnded'));
      assertEqual([ended.data.sessionId, ended.data.closeBy], [call.body.sessionId, 'seat'], 'sessionEnded');
      // Errors come back in the documented shape.
      const err = await page.evaluate(() =>
        tccc.Call.accept({}).catch((e) => ({ status: e.status, errorMsg: e.errorMsg, code: e.code })),
      );
      assertEqual(err.status, 'error', 'error status');
      assert(/sessionId/.test(err.errorMsg), `errorMsg names the field: ${err.errorMsg}`);
      assertEqual(errors, [], 'page errors');
      await page.close();
    },
  },
  {
    name: 'an existing window.tccc is not clobbered',
    async run(ctx) {
      const { page } = await openCrm(ctx);
      await page.evaluate(() => {
        window.tccc = { mine: true };
      });
      const r = await page.evaluate((u) => loadSdk(u, { noListen: true }), ctx.server.agents[2]);
      assertEqual(r, 'loaded', 'script load');
      assertEqual(await page.evaluate(() => window.tccc.mine), true, 'window.tccc kept');
      await page.close();
    },
  },
  {
    name: 'a bad token loaded through data-* attributes ends in tokenExpired with a message',
    async run(ctx) {
      const { page } = await openCrm(ctx);
      const sdkBase = `${ctx.server.baseUrl}/sdk/tccc.js`;
      const r = await page.evaluate(
        ([src, app, user]) =>
          loadSdk(user, { src, dataset: { sdkAppId: String(app), userid: user, token: 'not-a-token' } }),
        [sdkBase, ctx.server.sdkAppId, ctx.server.agents[2]],
      );
      assertEqual(r, 'loaded', 'script load');
      const expired = await page.evaluate(() => waitEvent('tokenExpired'));
      assert(typeof expired.message === 'string' && expired.message.length > 0, 'tokenExpired carries a message');
      const names = await page.evaluate(() => window.__log.map(([k]) => k));
      assert(!names.includes('ready'), 'no ready after a refused token');
      await page.close();
    },
  },
  {
    name: 'a one-time SdkURL cannot be used twice',
    async run(ctx) {
      const first = await openCrm(ctx);
      await first.page.evaluate((u) => loadSdk(u, { onlyOnce: true }), ctx.server.agents[0]);
      await first.page.evaluate(() => waitEvent('ready'));
      const used = await first.page.evaluate(() => window.__login.sdkUrl);
      const second = await openCrm(ctx);
      const outcome = await second.page.evaluate((src) => loadSdk('x@y', { src }), used);
      if (outcome === 'loaded') {
        await second.page.evaluate(() => waitEvent('tokenExpired'));
      } else {
        assertEqual(outcome, 'script-error', 'reused SdkURL refused');
      }
      await first.page.close();
      await second.page.close();
    },
  },
];
