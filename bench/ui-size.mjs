#!/usr/bin/env node
// The built-in UI's download (dist/tccc-ui.js, fetched lazily only when the UI is shown) next to the
// headless payload (dist/tccc.js + dist/tccc-core.wasm, as bench/payload.mjs measures it), and a
// check that the headless payload carries none of the UI: none of the UI chunk's custom elements or
// dictionary strings may appear in tccc.js. Exits non-zero only if a file is missing or UI code leaked.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (f) => {
  const p = join(root, f);
  if (!existsSync(p)) {
    console.error(`ui-size: ${f} is missing — run npm run build first`);
    process.exit(1);
  }
  return readFileSync(p);
};
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + ' KB';

const ui = read('dist/tccc-ui.js');
const sdk = read('dist/tccc.js');
const wasm = read('dist/tccc-core.wasm');
console.log(
  `ui-size dist/tccc-ui.js            raw ${kb(ui.length).padStart(9)}  gzip ${kb(gz(ui)).padStart(8)}  (lazy: only when the UI is shown)`,
);
const headless = gz(sdk) + gz(wasm);
console.log(
  `ui-size headless tccc.js + wasm     raw ${kb(sdk.length + wasm.length).padStart(9)}  gzip ${kb(headless).padStart(8)}  (bench/payload.mjs)`,
);
console.log(`ui-size with the UI shown           gzip ${kb(headless + gz(ui)).padStart(8)}`);

// Markers that exist only in the UI chunk: its elements and some of its dictionary text.
const markers = [
  'tccc-workbench',
  'tccc-float-button',
  'tccc-incoming-alert',
  'tccc-call-bar',
  'tccc-video-pane',
  'tccc-notify-prompt',
  'Keep wrapping up',
  'createOscillator',
];
const text = sdk.toString('utf8');
const uiText = ui.toString('utf8');
const leaked = markers.filter((m) => text.includes(m));
const absent = markers.filter((m) => !uiText.includes(m));
if (absent.length) {
  console.error(`ui-size: markers not found in tccc-ui.js (update this list): ${absent.join(', ')}`);
  process.exit(1);
}
if (leaked.length) {
  console.error(`ui-size: UI code leaked into the headless tccc.js: ${leaked.join(', ')}`);
  process.exit(1);
}
console.log('ui-size headless payload carries no UI code (only the loader that fetches tccc-ui.js on demand)');

// The module graph of the headless bundle, as esbuild sees it (same entry and glue as
// scripts/build-js.mjs): no web/ui module may be an input, and the UI's whole cost in tccc.js is the
// loader and tccc.UI's state (their minified bytes are printed).
const glue = join(root, process.env.TCCC_WASM_DIR || 'build/wasm', 'tccc-core.js');
if (!existsSync(glue)) {
  console.log(`ui-size module graph: skipped (${glue} is missing; scripts/build.sh wasm makes it)`);
} else {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, 'js/src/script-entry.ts')],
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    outfile: 'tccc.js',
    alias: { 'tccc-core-glue': glue },
    external: ['node:*'],
    define: { __TCCC_VERSION__: '"0"' },
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const inputs = Object.keys(result.metafile.inputs);
  const uiInputs = inputs.filter((f) => f.startsWith('web/'));
  if (uiInputs.length) {
    console.error(`ui-size: the headless bundle imports the UI: ${uiInputs.join(', ')}`);
    process.exit(1);
  }
  const out = Object.values(result.metafile.outputs)[0].inputs;
  const ui = ['js/src/uiLoader.ts', 'js/src/UiState.ts', 'js/src/uiHost.ts'].filter((f) => out[f]);
  const bytes = ui.reduce((n, f) => n + out[f].bytesInOutput, 0);
  console.log(
    `ui-size module graph of tccc.js: ${inputs.length} inputs, none under web/; UI loader + tccc.UI state: ${bytes} B minified (${ui.map((f) => `${f.split('/').pop()} ${out[f].bytesInOutput} B`).join(', ')})`,
  );
}
