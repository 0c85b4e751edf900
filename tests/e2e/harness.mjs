// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the browser end-to-end tests: the real tccc-server, Debian's Chromium driven by
// playwright-core, and a stand-in integrator ("CRM") origin whose backend holds the SecretKey and
// hands its page only the SdkURL — the integration the TCCC docs prescribe.
import { createRequire } from 'node:module';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startServer, cloudClient, BINARY } = require('../js/helpers/server.js');
const { chromium } = require('playwright-core');

export { startServer, cloudClient, BINARY as SERVER_BINARY };

/** The repository's root: the built SDK (dist/), node_modules and test-results/ are below it. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Chromium with a fresh profile; `executablePath` runs another launcher (no-udp.mjs: one in a network namespace). */
export async function launchBrowser(extraArgs = [], { executablePath } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'tccc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executablePath || process.env.TCCC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * An integrator's web app on its own origin: GET / serves `html`; GET /login?userId=… calls
 * CreateSDKLoginToken with the official client on the server side and returns only {sdkUrl}.
 * `headers` go with the page (a Content-Security-Policy, say); `files` maps paths to scripts it serves.
 */
export async function startCrm(server, html, { headers = {}, files = {} } = {}) {
  const ccc = cloudClient(server);
  const app = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(html);
      } else if (Object.hasOwn(files, url.pathname)) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(files[url.pathname]);
      } else if (url.pathname === '/login') {
        const r = await ccc.CreateSDKLoginToken({
          SdkAppId: server.sdkAppId,
          SeatUserId: url.searchParams.get('userId'),
          OnlyOnce: url.searchParams.get('onlyOnce') === '1',
        });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sdkUrl: r.SdkURL, token: r.Token }));
      } else {
        res.writeHead(404).end();
      }
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e.message || e) }));
    }
  });
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${app.address().port}/`,
    // A browser that lives on keeps its connections open: close them, or close() waits for them.
    close: () =>
      new Promise((r) => {
        app.close(r);
        app.closeAllConnections();
      }),
  };
}

/**
 * What the built-in UI's tests share: the real server, a CRM page (`html`, see startCrm) and
 * Chromium, with screenshots in test-results/<shotsDir>/ (`shots`). `setup(serverOptions)` starts
 * the three (the options go to startServer) and resolves {server, crm, browser}; `teardown` stops
 * them. A test file exports both, or wraps them when it needs more around the server.
 */
export function crmSuite(html, { shotsDir = 'ui' } = {}) {
  const shots = join(ROOT, 'test-results', shotsDir);
  return {
    shots,
    async setup(serverOptions) {
      mkdirSync(shots, { recursive: true });
      const server = await startServer(serverOptions);
      const crm = await startCrm(server, html);
      const browser = await launchBrowser();
      return { server, crm, browser };
    },
    async teardown({ server, crm, browser }) {
      await browser.close();
      await crm.close();
      await server.stop();
    },
  };
}

/** A new tab of `browser` (launchBrowser) at `viewport` ({width, height}), with the page's uncaught errors in `errors`. */
export async function openPage(browser, viewport) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}

export async function postJson(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A customer leg on /ws/customer (the simulator's other end): `call(method, data)` resolves with the response. */
export async function customerSocket(server) {
  const WebSocket = require('ws');
  const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/ws/customer`);
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  let id = 0;
  const waiting = new Map();
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'res' && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    }
  });
  return {
    call: (method, data) =>
      new Promise((res) => {
        const n = ++id;
        waiting.set(n, res);
        ws.send(JSON.stringify({ v: 1, type: 'req', id: n, method, data }));
      }),
    close: () => ws.close(),
  };
}

/**
 * An agent logged in from Node with the npm build (dist/index.cjs), from a CreateSDKLoginToken
 * SdkURL; resolves once ready, with `callIn`: a promise of its first callIn event.
 */
export async function nodeAgent(server, userId) {
  const { init } = require(join(ROOT, 'dist/index.cjs'));
  const login = await cloudClient(server).CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
  const tccc = init({
    sdkUrl: login.SdkURL,
    WebSocket: require('ws'),
    wasmBinary: readFileSync(join(ROOT, 'dist/tccc-core.wasm')),
  });
  const callIn = new Promise((r) => tccc.on('callIn', r));
  await new Promise((r) => tccc.on('ready', r));
  return { tccc, callIn };
}

/** Polls `fn` (which may be async) every 50 ms until it returns something truthy, and returns that. */
export async function waitFor(fn, what, ms = 10000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls until the text of the first match of `sel` matches `re`, and returns that text. */
export async function waitText(page, sel, re, ms = 10000) {
  const t0 = Date.now();
  for (;;) {
    const t = await page
      .locator(sel)
      .first()
      .textContent()
      .catch(() => null);
    if (t !== null && re.test(t)) return t;
    if (Date.now() - t0 > ms) throw new Error(`${sel}: text ${JSON.stringify(t)} never matched ${re}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

/**
 * A server page's layout at its current width: the page never scrolls sideways (a table may, inside
 * its own box); no control (`controls`) leaves the screen; no two boxes of `apart` overlap.
 */
export async function checkPageLayout(page, what, { controls = 'button, input, select', apart = '' } = {}) {
  const bad = await page.evaluate(
    ({ controls, apart }) => {
      const out = [];
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth > width + 1)
        out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
      for (const b of controls ? document.querySelectorAll(controls) : []) {
        const r = b.getBoundingClientRect();
        if (r.width && (r.right > width + 1 || r.left < -1)) out.push(`${b.outerHTML.slice(0, 80)} is off the page`);
      }
      const boxes = apart ? [...document.querySelectorAll(apart)].map((e) => e.getBoundingClientRect()) : [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
            out.push(`boxes ${i} and ${j} of ${apart} overlap`);
        }
      return out;
    },
    { controls, apart },
  );
  assertEqual(bad, [], `${what}: layout`);
}
