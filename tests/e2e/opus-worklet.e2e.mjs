// SPDX-License-Identifier: Apache-2.0
// The Opus chunk (dist/tccc-opus.js + .wasm, docs/opus.md) in Debian's Chromium, served by the real
// tccc-server: the headless SDK never fetches it, and inside a real AudioWorklet (no DOM, no fetch)
// it instantiates from a WebAssembly.Module posted by the page and encodes, buffers and decodes the
// audio of an oscillator, frame by frame, as the WebSocket media path will.
import { startServer, launchBrowser, startCrm, assert, assertEqual } from './harness.mjs';

const CRM_PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title><body><script>
window.__events = [];
window.loadSdk = async function (userId) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.setAttribute('crossorigin', 'anonymous');
    script.src = login.sdkUrl;
    script.onload = resolve;
    script.onerror = reject;
    document.body.appendChild(script);
  });
  await new Promise((resolve) => tccc.on(tccc.events.ready, resolve));
};
</script></body>`;

// The worklet side: 128-sample render quanta are gathered into 20 ms frames, each encoded, pushed
// into a jitter buffer as a packet (seq, timestamp), pulled and decoded; what it saw is posted back.
const PROCESSOR = `
const { OpusWasm, JitterBuffer } = globalThis[Symbol.for('tccc.opus')];
class OpusProbe extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Float32Array(960);
    this.fill = 0;
    this.packet = new Uint8Array(1275);
    this.out = new Float32Array(960);
    this.r = { frames: 0, sent: 0, bytes: 0, played: 0, inEnergy: 0, outEnergy: 0,
               hasFetch: typeof fetch !== 'undefined', hasDocument: typeof document !== 'undefined' };
    this.port.onmessage = (e) => {
      try {
        const opus = OpusWasm.instantiate(e.data);
        this.enc = opus.createEncoder();
        this.dec = opus.createDecoder();
        this.jb = new JitterBuffer({ minDelayMs: 40, initialDelayMs: 40 });
        this.port.postMessage({ ready: true });
      } catch (err) {
        this.port.postMessage({ error: String(err) });
      }
    };
  }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!this.enc || !input) return true;
    for (let i = 0; i < input.length; i++) {
      this.frame[this.fill++] = input[i];
      if (this.fill === 960) { this.fill = 0; this.onFrame(); }
    }
    return true;
  }
  onFrame() {
    const r = this.r;
    const now = r.frames * 20;
    for (const x of this.frame) r.inEnergy += x * x;
    const n = this.enc.encode(this.frame, this.packet);
    r.bytes += n;
    if (n > 2) {
      this.jb.push(r.sent & 0xffff, (r.frames * 960) >>> 0, this.packet.slice(0, n), now);
      r.sent++;
    }
    const p = this.jb.pull(now);
    if (p.kind === 'frame') { this.dec.decode(p.payload, this.out); r.played++; }
    else if (p.kind === 'fec') this.dec.decodeFec(p.payload, this.out);
    else if (p.kind === 'conceal') this.dec.conceal(this.out);
    else this.out.fill(0);
    if (p.kind === 'frame') for (const x of this.out) r.outEnergy += x * x;
    r.frames++;
    if (r.frames === 90) this.port.postMessage({ result: r, stats: this.jb.stats() });
  }
}
registerProcessor('opus-probe', OpusProbe);
`;

export async function setup() {
  const server = await startServer();
  const crm = await startCrm(server, CRM_PAGE);
  const browser = await launchBrowser();
  return { server, crm, browser };
}

export async function teardown({ server, crm, browser }) {
  await browser.close();
  await crm.close();
  await server.stop();
}

export const tests = [
  {
    name: 'the headless SDK gets to ready without fetching the Opus chunk',
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      const requests = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname));
      await page.goto(ctx.crm.url);
      await page.evaluate((u) => loadSdk(u), ctx.server.agents[0]);
      assert(
        requests.some((p) => /\/tccc\.js$/.test(p)),
        `the SDK was loaded (requests: ${requests.join(', ')})`,
      );
      assertEqual(
        requests.filter((p) => p.includes('tccc-opus')),
        [],
        'Opus chunk requests',
      );
      await page.close();
    },
  },
  {
    name: 'in a real AudioWorklet the chunk encodes, buffers and decodes an oscillator frame by frame',
    async run(ctx) {
      const page = await ctx.browser.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      // The server's own origin: the chunk as the SDK will fetch it, from /sdk/.
      await page.goto(`${ctx.server.baseUrl}/healthz`);
      const outcome = await page.evaluate(async (processorSource) => {
        // As the page will: compile off the main thread, then hand the module to the worklet.
        const module = await WebAssembly.compileStreaming(fetch('/sdk/tccc-opus.wasm'));
        const audio = new OfflineAudioContext(1, 48000 * 2, 48000);
        await audio.audioWorklet.addModule('/sdk/tccc-opus.js');
        const url = URL.createObjectURL(new Blob([processorSource], { type: 'text/javascript' }));
        await audio.audioWorklet.addModule(url);
        const node = new AudioWorkletNode(audio, 'opus-probe');
        const messages = [];
        const next = () =>
          new Promise((resolve) => {
            if (messages.length) return resolve(messages.shift());
            node.port.onmessage = (e) => {
              node.port.onmessage = (m) => messages.push(m.data);
              resolve(e.data);
            };
          });
        node.port.postMessage(module);
        const ready = await next();
        if (!ready.ready) return ready;
        const tone = new OscillatorNode(audio, { frequency: 220 });
        const gain = new GainNode(audio, { gain: 0.3 });
        tone.connect(gain).connect(node).connect(audio.destination);
        tone.start();
        const result = next();
        await audio.startRendering();
        return result;
      }, PROCESSOR);
      assert(!outcome.error, `worklet error: ${outcome.error}`);
      const { result, stats } = outcome;
      assertEqual([result.hasFetch, result.hasDocument], [false, false], 'worklet scope has fetch/document');
      assertEqual(result.frames, 90, 'frames encoded');
      // A steady tone is background noise to the encoder's voice detector: DTX leaves frames out,
      // and the jitter buffer plays those gaps as comfort noise, not as loss.
      assert(result.sent >= 20 && result.sent <= 90, `frames sent: ${result.sent}`);
      assert(result.played >= result.sent - 3, `played ${result.played} of ${result.sent} sent`);
      assertEqual([stats.lost, stats.late, stats.lossPercent], [0, 0, 0], 'lost, late, loss %');
      // 32 kbit/s is 80 bytes a frame: far from the 1,920 of raw 16-bit samples.
      assert(result.bytes / result.frames < 200, `bytes a frame: ${result.bytes / result.frames}`);
      // Energy per played frame against energy per input frame, within 3 dB.
      const inPerFrame = result.inEnergy / result.frames;
      const outPerFrame = result.outEnergy / result.played;
      const db = 10 * Math.log10(outPerFrame / inPerFrame);
      assert(Math.abs(db) < 3, `decoded level ${db.toFixed(2)} dB from the input`);
      assertEqual(errors, [], 'page errors');
      await page.close();
    },
  },
];
