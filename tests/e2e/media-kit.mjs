// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the media end-to-end tests (media-*.e2e.mjs): loopback-only ICE, probes that read
// RTP statistics, audio energy, spectral peaks and decoded video frames inside the pages, the
// integrator page that loads the SDK by its SdkURL, and fake-device files made with espeak-ng / sox.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, launchBrowser, postJson } from './harness.mjs';

// Injected into every browser before any page script: drop every remote ICE candidate that is not on
// 127.0.0.1 (so only loopback pairs are ever checked), and keep every RTCPeerConnection the page
// creates in window.__pcs so the test can read getStats() from the SDK's own connection.
export const LOOPBACK_ONLY = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__pcs = [];
  const add = Native.prototype.addIceCandidate;
  Native.prototype.addIceCandidate = function (c, ...rest) {
    const text = c && typeof c === 'object' ? c.candidate : undefined;
    if (text && !/ 127\\.0\\.0\\.1 /.test(text)) return Promise.resolve();
    return add.call(this, c, ...rest);
  };
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native); // its statics too (generateCertificate)
})();`;

// Evaluated in every page. All read the newest peer connection (the current call's).
export const PROBES = `
window.__pc = () => window.__pcs[window.__pcs.length - 1];
window.__inbound = async (kind = 'audio') => {
  const pc = window.__pc();
  const out = { bytes: 0, framesDecoded: 0 };
  if (!pc) return out;
  (await pc.getStats()).forEach((r) => {
    if (r.type === 'inbound-rtp' && r.kind === kind) {
      out.bytes += r.bytesReceived || 0;
      out.framesDecoded += r.framesDecoded || 0;
    }
  });
  return out;
};
window.__inboundBytes = async () => (await window.__inbound('audio')).bytes;
// Reads \`stream\` through an analyser every 40 ms for \`ms\`: \`look(analyser, sampleRate)\` each time.
window.__watch = async (stream, ms, look) => {
  window.__ac = window.__ac || new AudioContext();
  const ac = window.__ac;
  await ac.resume();
  const src = ac.createMediaStreamSource(stream);
  const an = ac.createAnalyser();
  an.fftSize = 4096;
  an.smoothingTimeConstant = 0;
  src.connect(an);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 40));
    look(an, ac.sampleRate);
  }
  src.disconnect();
};
window.__analyse = async (stream, ms, withPeaks) => {
  const buf = new Float32Array(4096);
  const spec = new Float32Array(2048);
  let max = 0;
  const peaks = [];
  await window.__watch(stream, ms, (an, rate) => {
    an.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    const rms = Math.sqrt(sum / buf.length);
    max = Math.max(max, rms);
    if (withPeaks && rms > 0.005) {
      an.getFloatFrequencyData(spec);
      let best = 0;
      for (let i = 1; i < spec.length; i++) if (spec[i] > spec[best]) best = i;
      peaks.push(Math.round(best * rate / an.fftSize));
    }
  });
  return { rms: max, peaks };
};
window.__energy = async (stream, ms) => (await window.__analyse(stream, ms, false)).rms;
window.__peaks = async (stream, ms) => (await window.__analyse(stream, ms, true)).peaks;
// The loudest level (dB) \`stream\` reaches at each of \`freqs\` (Hz, ±2 bins) over \`ms\`.
window.__bands = async (stream, ms, freqs) => {
  const spec = new Float32Array(2048);
  const best = freqs.map(() => -Infinity);
  await window.__watch(stream, ms, (an, rate) => {
    an.getFloatFrequencyData(spec);
    freqs.forEach((hz, i) => {
      const bin = Math.round((hz * an.fftSize) / rate);
      for (let b = bin - 2; b <= bin + 2; b++) best[i] = Math.max(best[i], spec[b]);
    });
  });
  return best;
};`;

export const CRM_PAGE = `<!doctype html><meta charset="utf-8"><title>CRM</title><body><script>
window.__log = [];
window.loadSdk = async function (userId, dataset = {}) {
  const login = await (await fetch('/login?userId=' + encodeURIComponent(userId))).json();
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.setAttribute('crossorigin', 'anonymous');
    Object.assign(script.dataset, dataset);
    script.src = login.sdkUrl;
    script.addEventListener('error', () => resolve('script-error'));
    script.addEventListener('load', () => {
      // The meters (audioVolume, networkQuality) only when a test sets window.__logMeters: they
      // tick several times a second and listening turns the measuring on.
      for (const name of Object.keys(tccc.events)) {
        if ((name === 'audioVolume' || name === 'networkQuality') && !window.__logMeters) continue;
        tccc.on(name, (p) => window.__log.push([name, p.data]));
      }
      resolve('loaded');
    });
    document.body.appendChild(script);
  });
};
// A new page's login replays the agent's recently ended sessions (callIn, sessionEnded, ...):
// markLog() starts a test's own record after them.
window.__base = 0;
window.markLog = () => { window.__base = window.__log.length; };
window.logSince = () => window.__log.slice(window.__base);
window.waitEvent = (name, pred = () => true, ms = 10000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function poll() {
    const hit = window.logSince().find(([k, d]) => k === name && pred(d));
    if (hit) return resolve(hit[1]);
    if (Date.now() - t0 > ms) return reject(new Error('no ' + name + '; saw ' + JSON.stringify(window.logSince().map(([k, d]) => k === 'mediaStateChanged' ? k + ':' + d.state : k))));
    setTimeout(poll, 20);
  })();
});
window.callEvents = () => window.logSince().map(([k]) => k).filter((k) => k !== 'mediaStateChanged' && k !== 'statusChanged' && k !== 'ready');
window.mediaStates = (sid) => window.logSince().filter(([k, d]) => k === 'mediaStateChanged' && (!sid || d.sessionId === sid)).map(([, d]) => d.state);
window.remoteAudio = () => document.querySelector('audio[data-tccc-session]');
window.remoteVideo = () => document.querySelector('video[data-tccc-session]');
</script></body>`;

// Measured on loopback: speech arrives at ~0.2-0.3 RMS, the agents' steady tones at ~0.04 (the
// microphone's noise suppression damps a stationary tone); a disabled track arrives as exact zeros.
export const RMS_AUDIBLE = 0.01;
export const RMS_SILENT = 0.002;

/** A steady sine of `hz` at half scale, `seconds` long, 48 kHz 16-bit mono: returns `path`. */
export function toneWav(path, hz, seconds = 4) {
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    path,
    'synth',
    String(seconds),
    'sine',
    String(hz),
    'vol',
    '0.5',
  ]);
  return path;
}

/**
 * espeak-ng saying `text`, as a fake microphone or a simulated caller plays it: a 48 kHz mono WAV
 * with `before` and `after` seconds of silence around it (the player loops it).
 */
export function speechWav(dir, name, text, { before = 0.8, after = 1.5 } = {}) {
  const raw = join(dir, `${name}-raw.wav`);
  const out = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-s', '140', '-w', raw, text]);
  execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', out, 'pad', String(before), String(after)]);
  assert(statSync(out).size > 96000, `espeak-ng made ${name}`);
  return out;
}

/** Fake capture files: speech for customers, a steady tone of `toneHz` for agents (48 kHz, 16-bit mono). */
export function makeAudio(dir, toneHz = 440) {
  const speech = join(dir, 'speech.wav');
  const tone = join(dir, `tone-${toneHz}.wav`);
  execFileSync('espeak-ng', [
    '-w',
    join(dir, 'speech-raw.wav'),
    'Hello, this is the customer calling about my order. Can you hear me clearly? One two three four five.',
  ]);
  execFileSync('sox', [join(dir, 'speech-raw.wav'), '-r', '48000', '-c', '1', '-b', '16', speech]);
  toneWav(tone, toneHz);
  assert(statSync(speech).size > 48000, 'espeak-ng produced speech');
  return { speech, tone };
}

/**
 * The two browsers of a call test: the agent's and the customer's, each with its own fake
 * microphone file, autoplay allowed, loopback-only ICE and the probes.
 */
export async function mediaBrowsers(agentAudio, customerAudio) {
  const autoplay = ['--autoplay-policy=no-user-gesture-required'];
  const agentBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${agentAudio}`, ...autoplay]);
  const customerBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${customerAudio}`, ...autoplay]);
  await agentBrowser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  await customerBrowser.context.addInitScript(LOOPBACK_ONLY + PROBES);
  return { agentBrowser, customerBrowser };
}

/**
 * Rings a /sim/inbound call (IVR key 1) at the agent logged in on `page` (a CRM_PAGE) and accepts
 * it there; returns its sessionId.
 */
export async function acceptSimCall(baseUrl, page) {
  const placed = await postJson(`${baseUrl}/sim/inbound`, {
    caller: '13800138000',
    serviceNumber: '4008001000',
    ivrKeys: '1',
  });
  assertEqual(placed.status, 200, 'POST /sim/inbound');
  const sessionId = placed.body.sessionId;
  await page.evaluate((id) => waitEvent('callIn', (d) => d.sessionId === id, 15000), sessionId);
  const accepted = await page.evaluate((id) => tccc.Call.accept({ sessionId: id }), sessionId);
  assertEqual(accepted.status, 'success', 'accept');
  return sessionId;
}
