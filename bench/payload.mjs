#!/usr/bin/env node
// Headless SDK payload: what a page downloads before `ready` — the minified script-tag bundle
// (shim + Emscripten glue) and the core wasm. Prints raw, gzip -9 and brotli (q11) bytes.
// Goal (issue 2): <= 55 KB gzip, below Twilio Voice SDK 2.18.5 (65.8 KB), SIP.js 0.20 (56.4 KB) and
// JsSIP 3.10 (59.1 KB) — the peers' figures are their published minified+gzip sizes.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = ['dist/tccc.js', 'dist/tccc-core.wasm'];
const sizes = (buf) => ({
  raw: buf.length,
  gzip: gzipSync(buf, { level: 9 }).length,
  brotli: brotliCompressSync(buf, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length,
});
const kb = (n) => (n / 1024).toFixed(1) + ' KB';

let total = { raw: 0, gzip: 0, brotli: 0 };
for (const f of files) {
  const p = join(root, f);
  if (!existsSync(p)) {
    console.error(`payload: ${f} is missing — run npm run build first`);
    process.exit(1);
  }
  const s = sizes(readFileSync(p));
  for (const k of Object.keys(total)) total[k] += s[k];
  console.log(
    `payload ${f.padEnd(22)} raw ${kb(s.raw).padStart(9)}  gzip ${kb(s.gzip).padStart(8)}  brotli ${kb(s.brotli).padStart(8)}`,
  );
}
console.log(
  `payload headless total          raw ${kb(total.raw).padStart(9)}  gzip ${kb(total.gzip).padStart(8)}  brotli ${kb(total.brotli).padStart(8)}  (goal <= 55 KB gzip; Twilio 65.8, JsSIP 59.1, SIP.js 56.4)`,
);
// The verdict in bytes (1 KB = 1024 B, as the peers' figures and the goal are quoted).
const GOAL = 55 * 1024;
const PEERS = [
  ['SIP.js 0.20', 56.4],
  ['JsSIP 3.10', 59.1],
  ['Twilio Voice 2.18.5', 65.8],
];
const larger = PEERS.filter(([, size]) => total.gzip >= size * 1024).map(([name]) => name);
console.log(
  `payload goal ${total.gzip} B gzip ${total.gzip <= GOAL ? '<=' : '>'} ${GOAL} B: ${total.gzip <= GOAL ? 'met' : 'NOT met'}; ` +
    (larger.length ? `not smaller than ${larger.join(', ')}` : 'smaller than every peer'),
);
