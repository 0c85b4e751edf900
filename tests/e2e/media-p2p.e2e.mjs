// SPDX-License-Identifier: Apache-2.0
// --media-mode p2p keeps browser-to-browser media as an explicit option: the server relays the
// negotiation and nothing else. A caller page and an agent talk directly (the agent's remote
// description is the caller's own, not the server's ICE-lite one), audio flows both ways, and a
// transfer makes the caller negotiate anew with the next agent. The anchored default is covered by
// media-calls.e2e.mjs and recording-asr.e2e.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, startCrm, assert, assertEqual, waitFor } from './harness.mjs';
import { CRM_PAGE, makeAudio, mediaBrowsers } from './media-kit.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-p2p-'));
  const { speech, tone } = makeAudio(dir, 440);
  const server = await startServer({ args: ['--web-dir', join(ROOT, 'web'), '--media-mode', 'p2p'] });
  const crm = await startCrm(server, CRM_PAGE);
  const { agentBrowser, customerBrowser } = await mediaBrowsers(tone, speech);
  const [a, b] = server.agents;
  return { dir, server, crm, agentBrowser, customerBrowser, a, b };
}

export async function teardown(ctx) {
  await ctx.agentBrowser.close();
  await ctx.customerBrowser.close();
  await ctx.crm.close();
  await ctx.server.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
}

async function agentPage(ctx, userId, status, pages) {
  const page = await ctx.agentBrowser.context.newPage();
  pages.push(page);
  await page.goto(ctx.crm.url);
  assertEqual(await page.evaluate((u) => loadSdk(u), userId), 'loaded', `SDK for ${userId}`);
  await page.evaluate(() => waitEvent('ready'));
  await page.evaluate(async (s) => {
    if (tccc.Agent.getStatus() !== s) await tccc.Agent.setStatus({ status: s });
  }, status);
  return page;
}

/** RTP arrives on both pages, and from the other browser itself (no server in between). */
async function directAudio(agent, caller, what) {
  await waitFor(() => agent.evaluate(async () => (await window.__inboundBytes()) > 4000), `${what}: agent hears`);
  await waitFor(() => caller.evaluate(async () => (await window.__inboundBytes()) > 4000), `${what}: caller hears`);
  const remote = await agent.evaluate(() => window.__pc().remoteDescription.sdp);
  assert(!/a=ice-lite/.test(remote), `${what}: the agent negotiated with the caller's browser, not the server`);
}

export const tests = [
  {
    name: 'media p2p: browser to browser when asked for; a transfer renegotiates the caller',
    timeoutMs: 60000,
    async run(ctx) {
      const pages = [];
      try {
        const a = await agentPage(ctx, ctx.a, 'free', pages);
        const b = await agentPage(ctx, ctx.b, 'rest', pages);
        const caller = await ctx.customerBrowser.context.newPage();
        pages.push(caller);
        await caller.goto(`http://127.0.0.1:${ctx.server.port}/sim/caller.html`);
        await caller.fill('#service', '4008002000');
        await caller.click('#call');
        const sid = (await a.evaluate(() => waitEvent('callIn'))).sessionId;
        assertEqual((await a.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid)).status, 'success', 'accept');
        await directAudio(a, caller, 'with A');
        const pcs = await caller.evaluate(() => window.__pcs.length);

        await b.evaluate(() => tccc.Agent.setStatus({ status: 'free' }));
        const t = await a.evaluate(([id, to]) => tccc.Call.transfer({ sessionId: id, userId: to }), [sid, ctx.b]);
        assertEqual(t.status, 'success', 'transfer');
        await b.evaluate(() => waitEvent('callIn'));
        assertEqual(
          (await b.evaluate((id) => tccc.Call.accept({ sessionId: id }), sid)).status,
          'success',
          'B accepts',
        );
        await waitFor(() => caller.evaluate((n) => window.__pcs.length > n, pcs), 'the caller offers anew to B');
        await directAudio(b, caller, 'with B');
        assertEqual((await b.evaluate((id) => tccc.Call.hungUp({ sessionId: id }), sid)).status, 'success', 'hang up');
      } finally {
        for (const p of pages) await p.close().catch(() => {});
      }
    },
  },
];
