#!/usr/bin/env node
// Runs every test suite of the project (after scripts/setup.sh has built everything) and ends with
// one summary line over all of them, alone on its line: "N passed, N failed".
// A suite that cannot run at all counts as one failure, so a broken build never looks green.
//
// The browser tests spend most of their time waiting on real time (audio through real calls, the
// server's timers): they start once the native and Jest suites, whose own servers keep timers of
// their own, are done, and run beside the type check, lint and fuzzing, which only compute. Those
// run at a lower priority (nice 10) so the browsers get the CPU when they want it. The e2e output
// is printed whole when it ends. `node scripts/test.mjs NAME…` runs only the suites named.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2); // optional suite names to run
const results = new Map();
const ORDER = ['generated', 'native', 'jest', 'typecheck', 'lint', 'fuzz', 'e2e'];
const BESIDE_E2E = { nice: 10 };

/** Thousands of "Passed" lines say nothing: everything else (failures with their output). */
function shownLines(text, quietPassed) {
  const lines = (text || '').split('\n');
  return (
    quietPassed
      ? lines.filter((l) => !/^\s*\d+\/\d+ Test\s+#\d+: .* Passed /.test(l) && !/^\s+Start\s+\d+: /.test(l))
      : lines
  ).join('\n');
}

function withNice(cmd, args, opts) {
  return opts.nice ? ['nice', ['-n', String(opts.nice), cmd, ...args]] : [cmd, args];
}

function run(cmd, args, opts = {}) {
  const [c, a] = withNice(cmd, args, opts);
  const r = spawnSync(c, a, {
    cwd: root,
    stdio: opts.capture ? 'pipe' : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (opts.capture) {
    process.stdout.write(shownLines(r.stdout, opts.quietPassed));
    process.stderr.write(r.stderr || '');
  }
  return r;
}

/**
 * Like run(…, {capture: true}) without blocking: resolves with {status, stdout}. The output goes to a
 * file, not a pipe: while a spawnSync of the next suite holds this process, nobody would drain a pipe
 * and the child would stall on a full one.
 */
function runInBackground(cmd, args) {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-test-'));
  const log = join(dir, 'out.log');
  const fd = openSync(log, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const finish = (fn) => {
      const stdout = existsSync(log) ? readFileSync(log, 'utf8') : '';
      rmSync(dir, { recursive: true, force: true });
      fn(stdout);
    };
    child.on('error', (e) => finish(() => reject(e)));
    child.on('close', (status) => finish((stdout) => resolve({ status, stdout })));
  });
}

const wanted = (name) => !only.length || only.includes(name);

function record(name, started, outcome) {
  let passed = 0;
  let failed;
  try {
    ({ passed, failed } = outcome());
  } catch (e) {
    console.error(`${name}: could not run: ${e.message}`);
    failed = 1;
  }
  if (passed + failed === 0) {
    console.error(`${name}: ran no test — counted as a failure`);
    failed = 1;
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  results.set(name, { name, passed, failed, secs });
}

function suite(name, fn) {
  if (!wanted(name)) return;
  console.log(`\n=== ${name} ===`);
  record(name, Date.now(), fn);
}

// 1. Generated files must match their sources: the error catalogue (src/errors/catalogue.json) and
//    the wire vocabulary (src/protocol/vocabulary.json), in C++, TypeScript and docs/protocol.md.
suite('generated', () => {
  let passed = 0;
  let failed = 0;
  for (const script of ['scripts/gen-errors.mjs', 'scripts/gen-vocabulary.mjs']) {
    const r = run('node', [script, '--check']);
    if (r.status === 0) passed++;
    else failed++;
  }
  return { passed, failed };
});

// 2. GoogleTest through ctest (core, protocol, errors, server).
suite('native', () => {
  const r = run('ctest', ['--test-dir', 'build/native', '--output-on-failure', '-j2', '--timeout', '120'], {
    capture: true,
    quietPassed: true,
  });
  const m = /(\d+)% tests passed, (\d+) tests? failed out of (\d+)/.exec(r.stdout || '');
  if (!m) throw new Error(`ctest printed no summary (exit ${r.status})`);
  const failed = Number(m[2]);
  const total = Number(m[3]);
  return { passed: total - failed, failed };
});

// 3. Jest: the shim against the release wasm build, the server through the official cloud client.
suite('jest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tccc-jest-'));
  const out = join(dir, 'jest.json');
  try {
    run('npx', ['jest', '--config', 'tests/js/jest.config.js', '--json', `--outputFile=${out}`]);
    if (!existsSync(out)) throw new Error('jest wrote no results');
    const j = JSON.parse(readFileSync(out, 'utf8'));
    // A suite that failed to load has no test results but must still count.
    const brokenSuites = (j.testResults || []).filter(
      (t) => t.status === 'failed' && (t.assertionResults || []).length === 0,
    ).length;
    return { passed: j.numPassedTests, failed: j.numFailedTests + brokenSuites };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// 7. Browser end-to-end (Playwright + Debian Chromium), started here and run beside 4–6.
let e2e = null;
if (wanted('e2e')) {
  const started = Date.now();
  const done = existsSync(join(root, 'tests/e2e/run.mjs'))
    ? runInBackground('node', ['tests/e2e/run.mjs']).catch((error) => ({ error }))
    : Promise.resolve({ error: new Error('tests/e2e/run.mjs missing') });
  e2e = { started, done };
}

// 4. TypeScript: the shim's sources, and sample integrator code against the published declarations
//    (the @ts-expect-error lines must fail).
suite('typecheck', () => {
  if (!existsSync(join(root, 'tests/typecheck/tsconfig.json')))
    throw new Error('tests/typecheck/tsconfig.json missing');
  // The shim's own sources, every entry (the bundler does not type-check), then the integrator samples.
  let passed = 0;
  let failed = 0;
  for (const project of ['tsconfig.json', 'tests/typecheck']) {
    const r = run('npx', ['tsc', '--noEmit', '-p', project], BESIDE_E2E);
    if (r.status === 0) passed++;
    else failed++;
  }
  return { passed, failed };
});

// 5. Lint: each checker over the whole tree is one test (scripts/lint.mjs prints what it finds).
suite('lint', () => {
  const r = run('node', ['scripts/lint.mjs', '--summary'], { capture: true, ...BESIDE_E2E });
  const m = /^lint-result passed=(\d+) failed=(\d+)$/m.exec(r.stdout || '');
  if (!m) throw new Error(`lint printed no summary (exit ${r.status})`);
  return { passed: Number(m[1]), failed: Number(m[2]) };
});

// 6. Fuzzing (docs/fuzzing.md): the libFuzzer targets built with clang under ASan and UBSan in
//    build/fuzz, every corpus file replayed (each crashing file is a failed test naming it) and each
//    target fuzzed for a few seconds. scripts/fuzz.mjs prints one line per test.
suite('fuzz', () => {
  const r = run('node', ['scripts/fuzz.mjs', '--suite', '--seconds', '3'], { capture: true, ...BESIDE_E2E });
  const m = /^fuzz-result passed=(\d+) failed=(\d+)$/m.exec(r.stdout || '');
  if (!m) throw new Error(`fuzz printed no summary (exit ${r.status})`);
  return { passed: Number(m[1]), failed: Number(m[2]) };
});

if (e2e) {
  const r = await e2e.done;
  console.log('\n=== e2e ===');
  if (r.stdout) process.stdout.write(r.stdout);
  record('e2e', e2e.started, () => {
    if (r.error) throw r.error;
    const m = /^e2e-result passed=(\d+) failed=(\d+)$/m.exec(r.stdout || '');
    if (!m) throw new Error(`e2e printed no summary (exit ${r.status})`);
    return { passed: Number(m[1]), failed: Number(m[2]) };
  });
}

console.log('\n=== summary ===');
let passed = 0;
let failed = 0;
for (const r of ORDER.map((name) => results.get(name)).filter(Boolean)) {
  console.log(
    `${r.name.padEnd(10)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed  (${r.secs}s)`,
  );
  passed += r.passed;
  failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
