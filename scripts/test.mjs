#!/usr/bin/env node
// Runs every test suite of the project (after scripts/setup.sh has built everything) and ends with
// one summary line over all of them, alone on its line: "N passed, N failed".
// A suite that cannot run at all counts as one failure, so a broken build never looks green.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2); // optional suite names to run
const results = [];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: opts.capture ? 'pipe' : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (opts.capture) {
    const lines = (r.stdout || '').split('\n');
    // Thousands of "Passed" lines say nothing: show everything else (failures with their output).
    const shown = opts.quietPassed
      ? lines.filter((l) => !/^\s*\d+\/\d+ Test\s+#\d+: .* Passed /.test(l) && !/^\s+Start\s+\d+: /.test(l))
      : lines;
    process.stdout.write(shown.join('\n'));
    process.stderr.write(r.stderr || '');
  }
  return r;
}

function suite(name, fn) {
  if (only.length && !only.includes(name)) return;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  let passed = 0;
  let failed;
  try {
    ({ passed, failed } = fn());
  } catch (e) {
    console.error(`${name}: could not run: ${e.message}`);
    failed = 1;
  }
  if (passed + failed === 0) {
    console.error(`${name}: ran no test — counted as a failure`);
    failed = 1;
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  results.push({ name, passed, failed, secs });
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

// 4. TypeScript: the shim's sources, and sample integrator code against the published declarations
//    (the @ts-expect-error lines must fail).
suite('typecheck', () => {
  if (!existsSync(join(root, 'tests/typecheck/tsconfig.json')))
    throw new Error('tests/typecheck/tsconfig.json missing');
  // The shim's own sources, every entry (the bundler does not type-check), then the integrator samples.
  let passed = 0;
  let failed = 0;
  for (const project of ['tsconfig.json', 'tests/typecheck']) {
    const r = run('npx', ['tsc', '--noEmit', '-p', project]);
    if (r.status === 0) passed++;
    else failed++;
  }
  return { passed, failed };
});

// 5. Lint: each checker over the whole tree is one test (scripts/lint.mjs prints what it finds).
suite('lint', () => {
  const r = run('node', ['scripts/lint.mjs', '--summary'], { capture: true });
  const m = /^lint-result passed=(\d+) failed=(\d+)$/m.exec(r.stdout || '');
  if (!m) throw new Error(`lint printed no summary (exit ${r.status})`);
  return { passed: Number(m[1]), failed: Number(m[2]) };
});

// 6. Fuzzing (docs/fuzzing.md): the libFuzzer targets built with clang under ASan and UBSan in
//    build/fuzz, every corpus file replayed (each crashing file is a failed test naming it) and each
//    target fuzzed for a few seconds. scripts/fuzz.mjs prints one line per test.
suite('fuzz', () => {
  const r = run('node', ['scripts/fuzz.mjs', '--suite', '--seconds', '3'], { capture: true });
  const m = /^fuzz-result passed=(\d+) failed=(\d+)$/m.exec(r.stdout || '');
  if (!m) throw new Error(`fuzz printed no summary (exit ${r.status})`);
  return { passed: Number(m[1]), failed: Number(m[2]) };
});

// 7. Browser end-to-end (Playwright + Debian Chromium), when present.
if (existsSync(join(root, 'tests/e2e/run.mjs'))) {
  suite('e2e', () => {
    const r = run('node', ['tests/e2e/run.mjs'], { capture: true });
    const m = /^e2e-result passed=(\d+) failed=(\d+)$/m.exec(r.stdout || '');
    if (!m) throw new Error(`e2e printed no summary (exit ${r.status})`);
    return { passed: Number(m[1]), failed: Number(m[2]) };
  });
}

console.log('\n=== summary ===');
let passed = 0;
let failed = 0;
for (const r of results) {
  console.log(
    `${r.name.padEnd(10)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed  (${r.secs}s)`,
  );
  passed += r.passed;
  failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
