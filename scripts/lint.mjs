#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The project's linters and formatters, each over the whole tree:
//   eslint        every JS/TS file (typescript-eslint's type-aware rules on the shim and the UI)
//   prettier      the one formatter of JS/TS (and the demos' Vue/JSX)
//   clang-format  every C++ file of ours (.clang-format)
// `node scripts/lint.mjs` checks and prints what is wrong; `--fix` rewrites what the tools can fix;
// `--summary` ends with "lint-result passed=N failed=N" for scripts/test.mjs (one per checker).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fix = process.argv.includes('--fix');
const summary = process.argv.includes('--summary');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, out: String(r.error) };
  return { ok: r.status === 0, out: `${r.stdout || ''}${r.stderr || ''}` };
}

// Our C++: generated files are formatted by their generator's own layout, not by clang-format.
function cppFiles() {
  const r = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.cpp', '*.hpp', '*.h']);
  return r.out.split('\n').filter((f) => f && !f.includes('.generated.'));
}

const checkers = [
  ['eslint', () => run('npx', ['eslint', ...(fix ? ['--fix'] : []), '.'])],
  ['prettier', () => run('npx', ['prettier', fix ? '--write' : '--check', '--log-level', 'warn', '.'])],
  ['clang-format', () => run('clang-format', [fix ? '-i' : '--dry-run', ...(fix ? [] : ['-Werror']), ...cppFiles()])],
];

let passed = 0;
let failed = 0;
for (const [name, check] of checkers) {
  const { ok, out } = check();
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) console.log(out.split('\n').slice(0, 200).join('\n'));
}
if (summary) console.log(`lint-result passed=${passed} failed=${failed}`);
process.exit(failed ? 1 : 0);
