#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Builds the JavaScript SDK into dist/ from the TypeScript shim (js/src) and the Emscripten output
// (build/wasm/tccc-core.js + .wasm, made by `scripts/build.sh wasm`):
//   dist/tccc.js          script tag: minified IIFE that installs window.tccc
//   dist/tccc-workstation.js  script tag of the uni-app API: defines window.TCCCWorkstation and its enums
//   dist/index.mjs        npm, ESM (Node, and bundlers that do not pick the browser build)
//   dist/index.browser.mjs  npm, ESM for bundlers targeting browsers (the `browser` export
//                         condition): no node: imports, so Vite and webpack build it without warnings
//   dist/index.cjs        npm, CommonJS (Node, Jest)
//   dist/tccc-core.wasm   the core, loaded next to whichever of the above runs
//   dist/*.d.ts           typings of the npm entry (index.d.ts and what it imports)
//   dist/tccc-opus.js + dist/tccc-opus.wasm  the Opus chunk of the WebSocket media path
//                         (build/wasm/tccc-opus.wasm; docs/opus.md), which nothing above loads
// Prints the sizes that matter for the download budget (raw and gzip -9).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmDir = process.env.TCCC_WASM_DIR || join(root, 'build/wasm');
const glue = join(wasmDir, 'tccc-core.js');
const wasm = join(wasmDir, 'tccc-core.wasm');
const opusWasm = join(wasmDir, 'tccc-opus.wasm');
const dist = join(root, 'dist');

for (const f of [glue, wasm, opusWasm]) {
  if (!existsSync(f)) {
    console.error(`build-js: ${f} is missing; build the wasm first (scripts/build.sh wasm).`);
    process.exit(1);
  }
}
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// WebAssembly itself needs Chrome 57 / Edge 16 / Firefox 52 / Safari 11: target what can run it.
const BROWSER_TARGETS = ['chrome64', 'edge80', 'firefox62', 'safari15'];

// tccc.js in the headless payload (gzip -9 as bench/payload.mjs counts it; the whole payload's
// history is in bindings/CMakeLists.txt), in the order applied:
//   start                                          11,008 B
//   + js/src/script-entry.ts an ES module           10,755 B  no lazy initialiser (__esm) and
//     (export {})                                             "use strict" around each module
//   + the glue bundled as an ES module              10,426 B  no __commonJS/__toESM helpers; the
//     (glueAsModule below)                                    __TCCC_ASSETS__ define a plain variable
// Measured, not kept: __TCCC_ASSETS__ defined as a JSON string and JSON.parse'd (-72 B on its own,
// -9 B once the glue is a module: not worth a parse at start-up).
// The Emscripten glue as an ES module: its CommonJS export (bindings/exports.extern-post.js) made
// esbuild wrap it in __commonJS, import it through __toESM and, as esbuild injects an object-valued
// define (__TCCC_ASSETS__) into every file, the glue too, make that define a lazy initialiser
// (__esm) that every module of tccc.js called. The glue file itself stays CommonJS for Node, Jest
// and bench/; the bundles get it with that one line as `export default`.
const GLUE_EXPORT = "if (typeof module == 'object' && module.exports) module.exports = createTcccCore;";
const glueAsModule = {
  name: 'tccc-core-glue',
  setup(build) {
    build.onResolve({ filter: /^tccc-core-glue$/ }, () => ({ path: glue, namespace: 'tccc-core-glue' }));
    build.onLoad({ filter: /.*/, namespace: 'tccc-core-glue' }, () => {
      const text = readFileSync(glue, 'utf8');
      if (!text.includes(GLUE_EXPORT)) throw new Error(`build-js: ${glue} does not end with the expected export`);
      return { contents: text.replace(GLUE_EXPORT, 'export default createTcccCore;'), loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  plugins: [glueAsModule],
  define: { __TCCC_VERSION__: JSON.stringify(version) },
  legalComments: 'none',
  logLevel: 'warning',
  // The Emscripten glue tests `typeof module`/`define` to export itself; bundled, those are dead.
  logOverride: { 'commonjs-variable-in-esm': 'silent' },
};

// The minified browser bundles also shorten the shim's private members (the `_name` convention of
// js/src and web/ui; -0.24 KB gzip of tccc.js). One mangle cache threads through all of them, built
// one after the other, so an object that crosses bundles (the lazy media adapter, the UI host) has
// the same member names on both sides. The npm builds are not mangled. esbuild leaves quoted names
// (obj['_x']) alone but mangles obj._x, so a `_x` member must never be reached both ways: js/src and
// web/ui have no quoted `_x`, and the glue writes its `_x` exports (Module["_malloc"]) only quoted.
const MANGLE_PROPS = /^_[a-z]/;
// V8's explicit compile hint (Chrome 136+; a plain comment elsewhere): it compiles every function
// of the file eagerly, off the main thread while the script streams in, instead of lazily on first
// call. Everything in tccc.js runs between script load and `ready` (bench/media.mjs: about 3 ms of
// main-thread parse and compile), and the media chunk's code all runs at the first call.
const EAGER_COMPILE = { js: '//# allFunctionsCalledOnLoad' };
let mangleCache = {};
const browserBuild = async (options) => {
  const result = await esbuild.build({ ...options, mangleProps: MANGLE_PROPS, mangleCache });
  mangleCache = result.mangleCache;
  return result;
};

// The browser build of the npm entry reads no files: nodeWasm.ts (node:fs, node:url) becomes its
// stand-in, which refuses file: URLs with a clear message.
const browserStandIns = {
  name: 'tccc-browser-stand-ins',
  setup(build) {
    build.onResolve({ filter: /^\.\/nodeWasm$/ }, () => ({ path: join(root, 'js/src/nodeWasm.browser.ts') }));
  },
};

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: [join(root, 'js/src/index.ts')],
    outfile: join(dist, 'index.mjs'),
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    external: ['node:*'],
    define: { ...common.define, __TCCC_MODULE_URL__: 'import.meta.url', __TCCC_CJS__: 'false' },
  }),
  esbuild.build({
    ...common,
    entryPoints: [join(root, 'js/src/index.ts')],
    outfile: join(dist, 'index.browser.mjs'),
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    plugins: [glueAsModule, browserStandIns],
    define: { ...common.define, __TCCC_MODULE_URL__: 'import.meta.url', __TCCC_CJS__: 'false' },
  }),
  esbuild.build({
    ...common,
    entryPoints: [join(root, 'js/src/index.ts')],
    outfile: join(dist, 'index.cjs'),
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    define: { ...common.define, __TCCC_MODULE_URL__: '__tcccModuleUrl', __TCCC_CJS__: 'true' },
    banner: { js: 'const __tcccModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
]);
copyFileSync(wasm, join(dist, 'tccc-core.wasm'));
// Lazily loaded browser chunks, fetched by the script-tag SDK from next to tccc.js:
//  - tccc-media.js: the WebRTC media adapter, fetched after `ready` (LazyMediaAdapter.ts), so the
//    download that gets an agent to `ready` stays small (the npm builds bundle it directly);
//  - tccc-ui.js: the built-in UI (web/ui), fetched only when the UI is shown (bench/ui-size.mjs checks
//    the headless payload carries none of it); it reaches the SDK only through the public tccc
//    object and the uiHost hook.
const browserScript = (entry, outfile, extra = {}) =>
  browserBuild({
    ...common,
    entryPoints: [join(root, entry)],
    outfile: join(dist, outfile),
    format: 'iife',
    platform: 'browser',
    target: BROWSER_TARGETS,
    minify: true,
    ...extra,
  });
// Sequential: each build extends the shared mangle cache.
await browserScript('js/src/media-entry.ts', 'tccc-media.js', { banner: EAGER_COMPILE });
await browserScript('web/ui/index.ts', 'tccc-ui.js');

// The script tag's files under content-hashed names as well (tccc-core.<hash>.wasm, …), which
// tccc.js refers to: the server sends those as immutable (server/main.cpp), so a returning agent's
// browser takes the wasm and the chunks from its cache without even a revalidation round trip.
// tccc.js itself keeps its name: integrators (and CreateSDKLoginToken's SdkURL) point at it.
// Each also gets its Subresource Integrity, which tccc.js checks as it loads it (chunkIntegrity.ts).
const integrity = {};
const hashedCopy = (file) => {
  const bytes = readFileSync(join(dist, file));
  const digest = createHash('sha256').update(bytes).digest();
  const dot = file.indexOf('.');
  const name = `${file.slice(0, dot)}.${digest.toString('hex').slice(0, 10)}${file.slice(dot)}`;
  writeFileSync(join(dist, name), bytes);
  integrity[name] = `sha256-${digest.toString('base64')}`;
  return name;
};
const assets = { wasm: hashedCopy('tccc-core.wasm'), media: hashedCopy('tccc-media.js'), ui: hashedCopy('tccc-ui.js') };
const scriptTagDefines = {
  ...common.define,
  __TCCC_ASSETS__: JSON.stringify(assets),
  __TCCC_SRI__: JSON.stringify(integrity),
};
await browserScript('js/src/script-entry.ts', 'tccc.js', {
  define: scriptTagDefines,
  banner: EAGER_COMPILE,
  // Node-only code (reading the wasm from disk) is not reachable from the script entry.
  external: ['node:*'],
});

// The uni-app TCCCWorkstation API for script tags: its own file, so tccc.js (the headless payload,
// bench/payload.mjs) carries none of it. It bundles the media adapter rather than fetching it later.
await browserScript('js/src/workstation-entry.ts', 'tccc-workstation.js', {
  define: scriptTagDefines,
  external: ['node:*'],
});

// The Opus chunk: registers the codec and the jitter buffer (js/src/opus-entry.ts) as a classic
// script or inside an AudioWorklet; whoever loads it compiles dist/tccc-opus.wasm and hands it over.
// Minified and mangled on its own (nothing of it crosses to the other bundles), so adding it left
// the shared mangle cache, and so tccc.js, byte for byte as before.
await esbuild.build({
  ...common,
  entryPoints: [join(root, 'js/src/opus-entry.ts')],
  outfile: join(dist, 'tccc-opus.js'),
  format: 'iife',
  platform: 'browser',
  target: BROWSER_TARGETS,
  minify: true,
  mangleProps: MANGLE_PROPS,
});
copyFileSync(opusWasm, join(dist, 'tccc-opus.wasm'));

// Typings: tsc writes a .d.ts per module into a scratch directory; dist/ gets index.d.ts and the
// modules it imports, and nothing internal (the core adapter's types would drag in the glue).
const typesTmp = join(root, 'build/js-types');
rmSync(typesTmp, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.types.json'), '--outDir', typesTmp],
  { stdio: 'inherit' },
);
// Module names are paths below js/src ('index', 'workstation/enums'); an import of a directory is
// its index.
const seen = new Set();
(function copyTypes(name) {
  if (seen.has(name)) return;
  seen.add(name);
  const text = readFileSync(join(typesTmp, `${name}.d.ts`), 'utf8');
  mkdirSync(dirname(join(dist, name)), { recursive: true });
  writeFileSync(join(dist, `${name}.d.ts`), text);
  for (const m of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[\w./-]+)['"]/g)) {
    const target = posix.join(posix.dirname(name), m[1]);
    copyTypes(existsSync(join(typesTmp, `${target}.d.ts`)) ? target : `${target}/index`);
  }
})('index');

// Precompressed siblings for the reference server, which sends them to browsers that accept them
// (server/http/StaticFiles.cpp): the bytes on the wire are the figures bench/payload.mjs prints.
for (const f of [
  'tccc.js',
  'tccc-core.wasm',
  'tccc-media.js',
  'tccc-ui.js',
  'tccc-workstation.js',
  'tccc-opus.js',
  'tccc-opus.wasm',
  'index.mjs',
  'index.browser.mjs',
  ...Object.values(assets),
]) {
  const bytes = readFileSync(join(dist, f));
  writeFileSync(join(dist, `${f}.gz`), gzipSync(bytes, { level: 9 }));
  writeFileSync(
    join(dist, `${f}.br`),
    brotliCompressSync(bytes, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }),
  );
}

const sizes = (f) => {
  const bytes = readFileSync(join(dist, f));
  return { raw: statSync(join(dist, f)).size, gzip: gzipSync(bytes, { level: 9 }).length };
};
const report = Object.fromEntries(
  [
    'tccc.js',
    'tccc-core.wasm',
    'index.mjs',
    'index.browser.mjs',
    'index.cjs',
    'tccc-media.js',
    'tccc-ui.js',
    'tccc-workstation.js',
    'tccc-opus.js',
    'tccc-opus.wasm',
  ].map((f) => [f, sizes(f)]),
);
for (const [f, s] of Object.entries(report)) console.log(`build-js: dist/${f}: ${s.raw} B raw, ${s.gzip} B gzip -9`);
const download = report['tccc.js'].gzip + report['tccc-core.wasm'].gzip;
console.log(
  `build-js: script-tag download (tccc.js + tccc-core.wasm, gzip -9): ${download} B; typings: ${[...seen].join(', ')}`,
);
console.log(
  `build-js: Opus chunk (tccc-opus.js + tccc-opus.wasm, gzip -9): ${report['tccc-opus.js'].gzip + report['tccc-opus.wasm'].gzip} B (goal <= ${120 * 1024} B)`,
);
