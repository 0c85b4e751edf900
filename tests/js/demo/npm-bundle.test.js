// SPDX-License-Identifier: Apache-2.0
// The npm path as a bundler user meets it: demo-react imports `tccc` and Vite builds it. The build
// must print no warning (the Node-only build of the package made Vite warn that node:fs and node:url
// were externalised for browser compatibility), must carry no node: import, and must copy the core's
// wasm and the workbench chunk into its assets (the `new URL('./…', import.meta.url)` pattern).
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '../../..');

// Vite is ESM: built in a child Node so Jest's module system stays out of it. Its logger's warnings
// and errors are collected and printed as JSON on the last line.
const BUILD = `
import { build, createLogger } from 'vite';
import { linkLocalSdk } from './scripts/build-demos.mjs';
const [demoDir, configFile, outDir] = process.argv.slice(1);
linkLocalSdk(demoDir); // what \`npm install\` makes of the demo's "tccc": "file:.." dependency
const logger = createLogger('warn');
const said = [];
for (const level of ['warn', 'warnOnce', 'error']) logger[level] = (msg) => said.push(level + ': ' + msg);
await build({ configFile, logLevel: 'warn', customLogger: logger, build: { outDir, emptyOutDir: true } });
console.log(JSON.stringify(said));
`;

describe('demo-react bundles the npm package', () => {
  let out;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'tccc-npm-bundle-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('without a warning, without node: imports, with the wasm and the UI chunk as assets', () => {
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', BUILD, join(root, 'demo-react'), join(root, 'demo-react/vite.config.js'), out],
      // As an integrator's `vite build` runs: not with Jest's NODE_ENV=test, which makes Vite bundle
      // React's development build (twice the size) and so measures a bundle nobody ships.
      { cwd: root, encoding: 'utf8', timeout: 120000, env: { ...process.env, NODE_ENV: 'production' } },
    );
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual([]);
    const assets = readdirSync(join(out, 'assets'));
    expect(assets.filter((f) => /^tccc-core-[\w-]+\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /^tccc-ui-[\w-]+\.js$/.test(f))).toHaveLength(1);
    const code = assets.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(out, 'assets', f), 'utf8'));
    for (const text of code) expect(text).not.toMatch(/["']node:[a-z]+["']/);
  }, 150000);
});
