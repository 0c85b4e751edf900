// SPDX-License-Identifier: Apache-2.0
// Loads one TypeScript module of js/src (and what it imports) for a unit test, bundled by esbuild in
// memory: pure modules are tested from their source, without going through dist/.
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '../../..');

function loadTs(relativePath) {
  const out = esbuild.buildSync({
    entryPoints: [path.join(ROOT, relativePath)],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
  return module.exports;
}

module.exports = { loadTs, ROOT };
