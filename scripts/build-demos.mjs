#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Builds the Vite demos (demo-vue/, demo-react/) into their dist/ with Vite's JavaScript API, each
// only when one of its sources is newer than its dist/index.html (so `npm start` is instant when
// nothing changed). `--force` rebuilds anyway; names limit it: `node scripts/build-demos.mjs demo-vue`.
// Also importable: `await buildDemos({ names, force })` resolves [{name, built, ms}].
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMOS = ['demo-vue', 'demo-react'];

/** The newest modification time of the demo's inputs (its index.html, vite.config.js, package.json, src/ and the files it shares from web/demo/). */
function newestInput(dir) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const f of readdirSync(p)) visit(join(p, f));
      return;
    }
    newest = Math.max(newest, st.mtimeMs);
  };
  for (const f of ['index.html', 'vite.config.js', 'package.json', 'src']) visit(join(dir, f));
  // Shared with the other demos: the backend routes, the login helper and the session words.
  for (const f of ['server.mjs', 'sdk-login.js', 'demo-sessions.js']) visit(join(dir, '../web/demo', f));
  // A demo that imports the npm package bundles its browser build and the files it copies.
  if (localSdkDependency(dir))
    for (const f of ['index.browser.mjs', 'tccc-core.wasm', 'tccc-ui.js']) visit(join(root, 'dist', f));
  return newest;
}

/** The demo's `"tccc": "file:…"` dependency, resolved to a directory; undefined when it has none. */
function localSdkDependency(dir) {
  const spec = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies?.tccc;
  return typeof spec === 'string' && spec.startsWith('file:') ? resolve(dir, spec.slice(5)) : undefined;
}

/**
 * What `npm install` does for a `file:` dependency, without installing anything else: the demo's
 * node_modules/tccc becomes a link to the package. The demos take every other package from the
 * repository's node_modules (resolved upwards), so their own `npm install` is never needed here.
 */
export function linkLocalSdk(dir) {
  const target = localSdkDependency(dir);
  if (!target) return;
  const link = join(dir, 'node_modules/tccc');
  const want = relative(dirname(link), target);
  let current;
  try {
    current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : '(not a link)';
  } catch {
    current = undefined;
  }
  if (current === want) return;
  if (current !== undefined) rmSync(link, { recursive: true, force: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(want, link, 'dir');
}

export function isUpToDate(name) {
  const out = join(root, name, 'dist/index.html');
  return existsSync(out) && statSync(out).mtimeMs >= newestInput(join(root, name));
}

export async function buildDemos({ names = DEMOS, force = false } = {}) {
  const unknown = names.filter((n) => !DEMOS.includes(n));
  if (unknown.length) throw new Error(`build-demos: unknown demo ${unknown.join(', ')} (known: ${DEMOS.join(', ')})`);
  const results = [];
  let vite;
  for (const name of names) {
    if (!force && isUpToDate(name)) {
      results.push({ name, built: false, ms: 0 });
      continue;
    }
    linkLocalSdk(join(root, name));
    vite ??= await import('vite');
    const started = Date.now();
    await vite.build({ configFile: join(root, name, 'vite.config.js'), logLevel: 'warn' });
    results.push({ name, built: true, ms: Date.now() - started });
  }
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('--'));
  try {
    for (const r of await buildDemos({ names: names.length ? names : DEMOS, force: args.includes('--force') })) {
      console.log(
        r.built ? `build-demos: ${r.name}/dist built in ${r.ms} ms` : `build-demos: ${r.name}/dist is up to date`,
      );
    }
  } catch (err) {
    console.error(err.message || err);
    process.exit(1);
  }
}
