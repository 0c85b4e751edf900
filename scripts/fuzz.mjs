#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The libFuzzer targets of tests/fuzz (docs/fuzzing.md): builds them with clang-14 under ASan and
// UBSan in build/fuzz (build/native, g++, is not touched), then
//   node scripts/fuzz.mjs [--seconds N] [--target NAME]...   fuzzes each target for N seconds
//       (default 60), keeping what it finds in build/fuzz/corpus/<target> and any crash, leak or
//       timeout reproducer in build/fuzz/artifacts/<target>/; exits 1 if any target failed;
//       --timeout S makes an input a hang after S seconds instead of 10: raise it for long runs
//       at a low priority on a shared machine, where a starved process only looks hung;
//   node scripts/fuzz.mjs --merge [--target NAME]...         adds to tests/fuzz/corpus/<target> the
//       inputs of build/fuzz/corpus/<target> that reach new code (libFuzzer -merge=1);
//   node scripts/fuzz.mjs --minimize [--target NAME]...      shrinks tests/fuzz/corpus/<target> to the
//       inputs that each reach code no other reaches, keeping every regress-* input (found bugs);
//   node scripts/fuzz.mjs --suite [--seconds N]              what `npm test` runs: every corpus file
//       replayed (each crashing file is one failed test), then each target fuzzed briefly (default
//       3 s), one target per core at a time; ends with "fuzz-result passed=N failed=N".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build/fuzz');
const fuzzDir = join(root, 'tests/fuzz');
export const TARGETS = [
  'protocol',
  'protocol_lite',
  'json',
  'tc3',
  'http',
  'cloud',
  'websocket',
  'stun',
  'sdp',
  'rtp',
  'dtls',
  'rtcclient',
  'wsmedia',
  'chat',
  'config',
];

// Targets that read the same language share a dictionary (tests/fuzz/<name>.dict).
const DICTS = { protocol_lite: 'protocol', chat: 'protocol', websocket: 'protocol' };

function parseArgs(argv) {
  const opts = {
    seconds: undefined,
    timeout: 10,
    targets: [],
    merge: false,
    minimize: false,
    suite: false,
    build: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') opts.seconds = Number(argv[++i]);
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a === '--target') opts.targets.push(...argv[++i].split(','));
    else if (a === '--merge') opts.merge = true;
    else if (a === '--minimize') opts.minimize = true;
    else if (a === '--suite') opts.suite = true;
    else if (a === '--no-build') opts.build = false;
    else throw new Error(`unknown argument ${a} (see the top of scripts/fuzz.mjs)`);
  }
  for (const t of opts.targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t}: ${TARGETS.join(', ')}`);
  if (!opts.targets.length) opts.targets = TARGETS;
  if (opts.seconds !== undefined && !(opts.seconds > 0)) throw new Error('--seconds needs a positive number');
  if (!(Number.isInteger(opts.timeout) && opts.timeout > 0))
    throw new Error('--timeout needs a whole number of seconds');
  hangAfterSeconds = opts.timeout;
  return opts;
}

// Configures build/fuzz once, then builds only the fuzz targets (two jobs: a shared machine).
function build() {
  if (!existsSync(join(buildDir, 'CMakeCache.txt'))) {
    const r = spawnSync(
      'cmake',
      [
        '-S',
        root,
        '-B',
        buildDir,
        '-DTCCC_BUILD_FUZZ=ON',
        '-DTCCC_BUILD_SERVER=OFF',
        '-DTCCC_BUILD_TESTS=OFF',
        '-DTCCC_BUILD_BENCH=OFF',
        '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
      ],
      { stdio: 'inherit', env: { ...process.env, CC: 'clang-14', CXX: 'clang++-14' } },
    );
    if (r.status !== 0) throw new Error('cmake could not configure build/fuzz (is clang-14 installed? npm run setup)');
  }
  const r = spawnSync('cmake', ['--build', buildDir, '--target', 'tccc_fuzz', '-j2'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the fuzz targets did not build');
}

const binary = (t) => join(buildDir, 'tests/fuzz', `fuzz_${t}`);
const seedCorpus = (t) => join(fuzzDir, 'corpus', t);
const listFiles = (dir) => (existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : []);

// libFuzzer with the project's settings: a hang is an input that takes over 10 s (--timeout), a
// leak fails. Asynchronous, so that the suite can keep every core busy with a target of its own.
let hangAfterSeconds = 10;
function libFuzzer(target, args) {
  const dict = join(fuzzDir, `${DICTS[target] || target}.dict`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      binary(target),
      [
        `-timeout=${hangAfterSeconds}`,
        '-rss_limit_mb=2048',
        '-print_funcs=0',
        ...(existsSync(dict) ? [`-dict=${dict}`] : []),
        ...args,
      ],
      {
        cwd: root,
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' },
      },
    );
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out: Buffer.concat(chunks).toString('utf8') }));
  });
}

const reproducers = (out) => [...out.matchAll(/Test unit written to (\S+)/g)].map((m) => relative(root, m[1]));
const stat = (out, name) => Number((new RegExp(`stat::${name}:\\s+(\\d+)`).exec(out) || [])[1] || 0);
const tail = (out) =>
  out
    .split('\n')
    .filter((l) => /ERROR|SUMMARY|runtime error|#\d+ 0x/.test(l))
    .slice(0, 30)
    .join('\n');

// Fuzzes one target for `seconds`; new inputs go to `work`, reproducers to build/fuzz/artifacts.
async function fuzz(target, seconds, work) {
  const artifacts = join(buildDir, 'artifacts', target);
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(work, { recursive: true });
  const r = await libFuzzer(target, [
    `-max_total_time=${seconds}`,
    '-print_final_stats=1',
    `-artifact_prefix=${artifacts}/`,
    work,
    seedCorpus(target),
  ]);
  return {
    ok: r.status === 0,
    execs: stat(r.out, 'number_of_executed_units'),
    rate: stat(r.out, 'average_exec_per_sec'),
    added: stat(r.out, 'new_units_added'),
    reproducers: reproducers(r.out),
    out: r.out,
  };
}

// Runs every corpus file of a target once; returns the files that crashed (each with its output).
async function replay(target) {
  let files = listFiles(seedCorpus(target));
  const crashed = [];
  while (files.length) {
    const r = await libFuzzer(target, files);
    if (r.status === 0) break;
    // libFuzzer names each file before running it: the last one named is the one that failed.
    const ran = [...r.out.matchAll(/^Running: (.+)$/gm)].map((m) => m[1]);
    const bad = ran.length ? ran[ran.length - 1] : files[0];
    crashed.push({ file: relative(root, bad), out: r.out });
    files = files.slice(files.indexOf(bad) + 1);
  }
  return { total: listFiles(seedCorpus(target)).length, crashed };
}

// Replays and briefly fuzzes every target, as many at a time as there are cores (each libFuzzer
// process is single-threaded); each target's lines are printed together when it is done.
async function runSuite(opts) {
  const seconds = opts.seconds ?? 3;
  let passed = 0;
  let failed = 0;
  const scratch = mkdtempSync(join(tmpdir(), 'tccc-fuzz-'));
  const one = async (t) => {
    const lines = [];
    const started = Date.now();
    const { total, crashed } = await replay(t);
    for (const c of crashed) lines.push(`FAIL fuzz/${t}/replay ${c.file}\n${tail(c.out)}`);
    if (!crashed.length) lines.push(`ok   fuzz/${t}/replay (${total} inputs)`);
    if (crashed.length) failed += crashed.length;
    else passed++;
    const f = await fuzz(t, seconds, join(scratch, t));
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (f.ok) {
      passed++;
      lines.push(`ok   fuzz/${t}/run ${f.execs} execs, ${f.rate} exec/s (${secs}s)`);
    } else {
      failed++;
      lines.push(`FAIL fuzz/${t}/run reproducer: ${f.reproducers.join(' ') || '(none written)'}\n${tail(f.out)}`);
    }
    console.log(lines.join('\n'));
  };
  try {
    const queue = [...opts.targets];
    const workers = Math.max(1, Math.min(availableParallelism(), queue.length));
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (queue.length) await one(queue.shift());
      }),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`fuzz-result passed=${passed} failed=${failed}`);
  return failed === 0;
}

async function runFuzz(opts) {
  const seconds = opts.seconds ?? 60;
  let ok = true;
  for (const t of opts.targets) {
    const f = await fuzz(t, seconds, join(buildDir, 'corpus', t));
    ok &&= f.ok;
    const status = f.ok ? 'ok' : `FAILED, reproducer: ${f.reproducers.join(' ') || '(none written)'}`;
    console.log(
      `${t.padEnd(14)} ${String(f.execs).padStart(11)} execs ${String(f.rate).padStart(7)} exec/s  ${f.added} new inputs  ${status}`,
    );
    if (!f.ok) console.log(tail(f.out));
  }
  return ok;
}

async function runMerge(opts) {
  for (const t of opts.targets) {
    const before = listFiles(seedCorpus(t)).length;
    const r = await libFuzzer(t, ['-merge=1', seedCorpus(t), join(buildDir, 'corpus', t)]);
    if (r.status !== 0) throw new Error(`merge of ${t} failed:\n${tail(r.out)}`);
    console.log(`${t.padEnd(14)} ${listFiles(seedCorpus(t)).length - before} inputs added to tests/fuzz/corpus/${t}`);
  }
  return true;
}

async function runMinimize(opts) {
  for (const t of opts.targets) {
    const before = listFiles(seedCorpus(t));
    const kept = mkdtempSync(join(tmpdir(), `tccc-fuzz-${t}-`));
    try {
      const r = await libFuzzer(t, ['-merge=1', kept, seedCorpus(t)]);
      if (r.status !== 0) throw new Error(`minimizing ${t} failed:\n${tail(r.out)}`);
      const wanted = new Set(readdirSync(kept));
      for (const f of before) {
        const name = f.slice(f.lastIndexOf('/') + 1);
        // libFuzzer names what it keeps by content (SHA-1), as seed.mjs does; regressions stay.
        if (!name.startsWith('regress-') && !wanted.has(name)) rmSync(f);
      }
      console.log(`${t.padEnd(14)} ${before.length} -> ${listFiles(seedCorpus(t)).length} inputs`);
    } finally {
      rmSync(kept, { recursive: true, force: true });
    }
  }
  return true;
}

const opts = parseArgs(process.argv.slice(2));
hangAfterSeconds = opts.timeout;
if (opts.build) build();
const ok = await (opts.suite
  ? runSuite(opts)
  : opts.merge
    ? runMerge(opts)
    : opts.minimize
      ? runMinimize(opts)
      : runFuzz(opts));
process.exit(ok ? 0 : 1);
