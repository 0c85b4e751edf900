// SPDX-License-Identifier: Apache-2.0
// Real speech for the Opus tests and bench: espeak-ng says a text, sox makes it 48 kHz mono 16-bit
// raw, in a temporary directory that is removed afterwards. Returns the samples as floats in
// [-1, 1], padded with silence to whole 20 ms frames, and the raw s16le bytes (the native bench's
// input).
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const FRAME = 960;

function speech(text, { silenceBeforeMs = 0, silenceAfterMs = 0 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-speech-'));
  try {
    const wav = join(dir, 'say.wav');
    const raw = join(dir, 'say.raw');
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', wav, text]);
    const pads = [];
    if (silenceBeforeMs || silenceAfterMs) pads.push('pad', `${silenceBeforeMs / 1000}`, `${silenceAfterMs / 1000}`);
    execFileSync('sox', [wav, '-r', '48000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw, ...pads]);
    const bytes = readFileSync(raw);
    const samples = Math.ceil(bytes.length / 2 / FRAME) * FRAME;
    const s16 = new Int16Array(samples);
    s16.set(new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2)));
    const pcm = new Float32Array(samples);
    for (let i = 0; i < samples; i++) pcm[i] = s16[i] / 32768;
    return { pcm, s16, frames: samples / FRAME };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { speech, FRAME };
