#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// clang-tidy (Debian's clang-tidy 14, .clang-tidy) over our C++: every translation unit of
// build/tidy/compile_commands.json under server/, src/ and bench/ (tests/ too with --tests),
// or only the files or folders named. `npm run tidy`; not in the lint suite, because a whole run
// takes far longer than its other checkers (tens of minutes on 2 cores: the analyzer re-parses
// Boost.Beast in every server file).
//   node scripts/tidy.mjs [--tests] [--jobs N] [PATH...]
// Prints each finding once (a header's findings come from every file that includes it), then
// "tidy-result files=N findings=N"; exits 1 when there are findings.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const withTests = args.includes('--tests');
const jobsAt = args.indexOf('--jobs');
const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : os.cpus().length;
const wanted = args
  .filter((a, i) => !a.startsWith('--') && !(jobsAt >= 0 && i === jobsAt + 1))
  .map((a) => path.resolve(a));
// A configure-only directory of its own: build/native compiles files in unity batches, and
// clang-tidy needs one compile command per source file.
const build = path.join(root, 'build/tidy');
const db = path.join(build, 'compile_commands.json');

if (spawnSync('clang-tidy', ['--version']).error) {
  console.error('tidy: clang-tidy is not installed (Debian: apt-get install clang-tidy; scripts/setup.sh does)');
  process.exit(2);
}
{
  // Configuring is enough (nothing is compiled) and refreshes the file list every run.
  const r = spawnSync(
    'cmake',
    [
      '-S',
      root,
      '-B',
      build,
      '-DCMAKE_BUILD_TYPE=Release',
      '-DCMAKE_EXPORT_COMPILE_COMMANDS=ON',
      '-DTCCC_UNITY_BUILD=OFF',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0 || !fs.existsSync(db)) {
    console.error(`tidy: no ${path.relative(root, db)}`);
    process.exit(2);
  }
}

const tops = ['server/', 'src/', 'bench/', ...(withTests ? ['tests/'] : [])];
const files = [...new Set(JSON.parse(fs.readFileSync(db, 'utf8')).map((e) => path.resolve(e.directory, e.file)))]
  .filter((f) => tops.some((t) => path.relative(root, f).startsWith(t)))
  .filter((f) => !wanted.length || wanted.some((w) => f === w || f.startsWith(w + path.sep)))
  .sort();

const findings = new Map(); // "file:line:col: warning: text [check]" -> the lines that follow it
let done = 0;
function tidy(file) {
  return new Promise((resolve) => {
    const child = spawn('clang-tidy', ['-p', build, '--quiet', file], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', () => {}); // "N warnings generated" and suppressed-warning counts
    child.on('close', () => {
      let current = null;
      for (const line of out.split('\n')) {
        if (/^\S+:\d+:\d+: (warning|error): /.test(line)) {
          current = path.relative(root, line);
          if (!findings.has(current)) findings.set(current, []);
          else current = null; // seen from another file already
        } else if (current && line) {
          findings.get(current).push(line);
        }
      }
      done++;
      process.stderr.write(`tidy: ${done}/${files.length} ${path.relative(root, file)}\n`);
      resolve();
    });
  });
}

let next = 0;
await Promise.all(
  Array.from({ length: Math.max(1, jobs) }, async () => {
    while (next < files.length) await tidy(files[next++]);
  }),
);
for (const [head, rest] of [...findings].sort()) console.log([head, ...rest.slice(0, 6)].join('\n'));
console.log(`tidy-result files=${files.length} findings=${findings.size}`);
process.exit(findings.size ? 1 : 0);
