// SPDX-License-Identifier: Apache-2.0
// Speaker choice in Debian's Chromium (whose fake devices list two audio outputs) against the real
// tccc-server: the workbench's 设备与测试 section lists the outputs, a choice goes through
// tccc.Devices.setSpeaker to the call's <audio> element (its sinkId), is remembered across a reload,
// bad input and unknown outputs get catalogue errors, and a browser without setSinkId is told so.
// The ringtone choice in the same section: previewed, remembered, and what rings an incoming call.
// Screenshots go to test-results/ui/.
import { join } from 'node:path';
import { crmSuite, openPage, assert, assertEqual, postJson, waitFor } from './harness.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title>
<body><h1>CRM</h1><script>
window.__log = [];
window.loadSdk = async function (userId) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.src = login.sdkUrl;
    script.addEventListener('error', () => resolve('script-error'));
    script.addEventListener('load', () => {
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
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name));
    setTimeout(poll, 20);
  })();
});
</script></body>`;

const { shots, setup, teardown } = crmSuite(PAGE);
export { setup, teardown };

async function open(ctx, page, userId) {
  await page.goto(ctx.crm.url);
  assertEqual(await page.evaluate((u) => loadSdk(u), userId), 'loaded', 'script');
  await page.evaluate(() => waitEvent('ready'));
  await page.click('[data-act=float]');
  await page.waitForSelector('[data-field=device-settings]', { state: 'attached' });
}

const errorName = (page, options) =>
  page.evaluate(
    (o) =>
      tccc.Devices.setSpeaker(o).then(
        () => 'resolved',
        (e) => e.name,
      ),
    options,
  );

export const tests = [
  {
    name: 'speaker: outputs listed, the choice reaches the call audio, survives a reload; bad outputs refused',
    timeoutMs: 60000,
    async run(ctx) {
      const { page, errors } = await openPage(ctx.browser, { width: 1100, height: 900 });
      try {
        await open(ctx, page, ctx.server.agents[0]);
        assertEqual(await page.evaluate(() => tccc.Devices.canChooseSpeaker()), true, 'Chromium has setSinkId');
        assertEqual(await errorName(page, { deviceId: 5 }), 'ERR_INVALID_ARGUMENT', 'a number');
        assertEqual(await errorName(page, { deviceId: 'no-such-output' }), 'ERR_SPEAKER_START_FAIL', 'unknown output');
        assertEqual(await page.evaluate(() => tccc.Devices.getSpeaker()), '', 'still the default');

        await page.click('[data-field=device-settings] summary');
        await page.waitForSelector('[data-field=speaker-select] option >> nth=2', {
          state: 'attached',
          timeout: 10000,
        });
        const options = await page.locator('[data-field=speaker-select] option').allTextContents();
        assertEqual(options[0], '系统默认', 'the default first');
        assert(options.includes('Fake Audio Output 2'), `outputs by name: ${options}`);
        const chosen = await page
          .locator('[data-field=speaker-select] option', { hasText: 'Fake Audio Output 2' })
          .getAttribute('value');
        await page.selectOption('[data-field=speaker-select]', chosen);
        await waitFor(
          async () => /已切换扬声器/.test(await page.locator('[data-field=device-message]').textContent()),
          'switched message',
        );
        assertEqual(await page.evaluate(() => tccc.Devices.getSpeaker()), chosen, 'the SDK has it');
        assertEqual(await page.evaluate(() => localStorage.getItem('tccc.ui.speaker')), chosen, 'remembered');
        await page.screenshot({ path: join(shots, '43-speaker-zh.png') });

        // A call plays on it.
        await page.fill('[data-field=dial-number]', '10000000001');
        await page.click('[data-act=dial]');
        await page.evaluate(() => waitEvent('calloutAccepted'));
        const sink = await waitFor(
          () => page.evaluate(() => document.querySelector('audio[data-tccc-session]')?.sinkId),
          "the call's audio element",
        );
        assertEqual(sink, chosen, "the call's audio element plays on the chosen output");
        await page.click('[data-act=hangUp]');
        await page.evaluate(() => tccc.destroy());

        // A reload chooses it again.
        await open(ctx, page, ctx.server.agents[0]);
        await waitFor(
          async () => (await page.evaluate(() => tccc.Devices.getSpeaker())) === chosen,
          'the remembered output chosen again',
        );
        await page.click('[data-field=device-settings] summary');
        await page.waitForSelector('[data-field=speaker-select] option >> nth=2', {
          state: 'attached',
          timeout: 10000,
        });
        assertEqual(await page.inputValue('[data-field=speaker-select]'), chosen, 'and shown');

        // English, 360 px.
        await page.setViewportSize({ width: 360, height: 800 });
        await page.selectOption('[data-field=lang-select]', 'en');
        await page.click('[data-field=device-settings] summary');
        await page.waitForSelector('[data-field=speaker-select] option >> nth=2', {
          state: 'attached',
          timeout: 10000,
        });
        assertEqual(await page.locator('tccc-device-settings label[for=speaker]').textContent(), 'Speaker', 'English');
        assertEqual(
          await page.locator('[data-field=speaker-select] option').first().textContent(),
          'System default',
          'English default',
        );
        const b = await page.locator('[data-field=speaker-select]').boundingBox();
        assert(b.x >= 0 && b.x + b.width <= 360.5, `the select fits 360 px: ${JSON.stringify(b)}`);
        await page.locator('[data-field=speaker-select]').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, '44-speaker-en-360.png') });
        // Back to the default: forgotten.
        await page.selectOption('[data-field=speaker-select]', '');
        await waitFor(
          async () => (await page.evaluate(() => localStorage.getItem('tccc.ui.speaker'))) === null,
          'the default forgets the choice',
        );
        assertEqual(errors, [], 'page errors');
      } finally {
        await page.evaluate(() => window.tccc && tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  },
  {
    name: 'speaker: a browser without setSinkId is told its sound plays on the default',
    timeoutMs: 45000,
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      await page.addInitScript(() => {
        delete HTMLMediaElement.prototype.setSinkId;
      });
      try {
        await open(ctx, page, ctx.server.agents[1]);
        assertEqual(await page.evaluate(() => tccc.Devices.canChooseSpeaker()), false, 'no setSinkId');
        assertEqual(await errorName(page, { deviceId: '' }), 'ERR_NOT_SUPPORTED', 'setSpeaker refused');
        await page.click('[data-field=device-settings] summary');
        await waitFor(
          async () => /不能选择扬声器/.test(await page.locator('[data-field=speaker-note]').textContent()),
          'the unsupported note',
        );
        assertEqual(await page.locator('[data-field=speaker-select]').isVisible(), false, 'no select to use');
      } finally {
        await page.evaluate(() => window.tccc && tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  },
  {
    name: 'ringtone: choices listed, the chosen one previews, is remembered and rings an incoming call',
    timeoutMs: 60000,
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      await page.setViewportSize({ width: 1100, height: 900 });
      // Every oscillator the page starts, to read which tones played.
      await page.addInitScript(() => {
        window.__osc = [];
        const create = BaseAudioContext.prototype.createOscillator;
        BaseAudioContext.prototype.createOscillator = function () {
          const osc = create.call(this);
          window.__osc.push(osc);
          return osc;
        };
      });
      const tones = () => page.evaluate(() => [...new Set(window.__osc.map((o) => o.frequency.value))].sort());
      try {
        await open(ctx, page, ctx.server.agents[1]);
        await page.click('[data-field=device-settings] summary');
        const select = '[data-field=ringtone-select]';
        assertEqual(
          await page.locator(`${select} option`).allTextContents(),
          ['经典双响', '长响', '双音提示'],
          'ringtones by name, in Chinese',
        );
        assertEqual(await page.inputValue(select), 'classic', 'the classic ring until one is chosen');
        await page.selectOption(select, 'chime');
        await waitFor(
          async () => /已选择铃声/.test(await page.locator('[data-field=device-message]').textContent()),
          'the chosen message',
        );
        assertEqual(await page.evaluate(() => localStorage.getItem('tccc.ui.ringtone')), 'chime', 'remembered');
        await page.click('[data-act=preview-ringtone]');
        await waitFor(async () => (await tones()).length === 2, 'the preview plays');
        assertEqual(await tones(), [660, 880], 'the preview plays the chime');
        await page.locator('[data-field=device-settings]').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, '48-ringtone-zh.png') });

        // After a reload the choice is shown again, and an incoming call rings with it.
        await page.evaluate(() => tccc.destroy());
        await open(ctx, page, ctx.server.agents[1]);
        await page.click('[data-field=device-settings] summary'); // also the gesture audio needs
        assertEqual(await page.inputValue(select), 'chime', 'shown after a reload');
        await page.evaluate(() => (window.__osc.length = 0));
        const call = await postJson(`${ctx.server.baseUrl}/sim/inbound`, {
          caller: '13800138009',
          serviceNumber: '4008002000',
        });
        assertEqual(call.status, 200, 'sim inbound');
        await page.waitForSelector('[data-act=answer]', { state: 'visible', timeout: 15000 });
        await waitFor(async () => (await tones()).length === 2, 'the ring');
        assertEqual(await tones(), [660, 880], 'the incoming call rings with the chime');

        // Back to the classic ring: forgotten, and garbage in storage means the classic ring.
        await page.selectOption(select, 'classic');
        assertEqual(await page.evaluate(() => localStorage.getItem('tccc.ui.ringtone')), null, 'default forgotten');
        await page.evaluate(() => localStorage.setItem('tccc.ui.ringtone', '<img src=x>'));
        await page.evaluate(() => tccc.destroy());
        await open(ctx, page, ctx.server.agents[1]);
        assertEqual(await page.inputValue(select), 'classic', 'an unknown stored value is ignored');
      } finally {
        await page.evaluate(() => window.tccc && tccc.destroy()).catch(() => {});
        await page.close();
      }
    },
  },
];
