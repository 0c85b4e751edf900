#!/usr/bin/env node
// Runs the browser end-to-end tests (tests/e2e/*.e2e.mjs). Each file exports `tests`:
// [{name, run: async (ctx) => …}] and optional `setup`/`teardown`; its tests run one after another
// in one process of their own. Prints one line per test and a machine-read total line for
// scripts/test.mjs: "e2e-result passed=N failed=N".
//
//   node tests/e2e/run.mjs [name substring] [--jobs N]
//
// Files run two at a time by default (TCCC_E2E_JOBS or --jobs change it). These tests mostly wait on
// real time — audio played through real calls, timers of the server — so a second file in parallel
// took the suite from ~10 to ~7 minutes alone on a 2-core machine (the CPU the browsers use is only
// partly counted by `time`, so measure wall time, not CPU, before raising the default). Each file has its own
// servers, browser, temporary directories and network namespaces, and its output is printed whole
// when it ends, so two files never interleave their lines.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const withTimeout = (p, ms, what) =>
  Promise.race([
    p,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref()),
  ]);

function parseArgs(argv) {
  const opts = { filter: undefined, jobs: Number(process.env.TCCC_E2E_JOBS || 2), file: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--jobs') opts.jobs = Number(argv[++i]);
    else if (argv[i] === '--file') opts.file = argv[++i];
    else opts.filter = argv[i];
  }
  if (!(Number.isInteger(opts.jobs) && opts.jobs >= 1)) throw new Error('--jobs needs a whole number ≥ 1');
  return opts;
}

/** One file's tests, in this process; returns {passed, failed}. */
async function runFile(file, filter) {
  let passed = 0;
  let failed = 0;
  const mod = await import(pathToFileURL(join(here, file)).href);
  const selected = mod.tests.filter((t) => !filter || t.name.includes(filter));
  let ctx;
  try {
    ctx = mod.setup ? await withTimeout(mod.setup(), 60000, `${file} setup`) : {};
  } catch (e) {
    console.log(`FAIL ${file} (setup): ${e.stack || e}`);
    return { passed, failed: selected.length };
  }
  for (const t of selected) {
    const started = Date.now();
    try {
      await withTimeout(t.run(ctx), t.timeoutMs || 30000, t.name);
      passed++;
      console.log(`ok   ${file} › ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${file} › ${t.name}: ${e.stack || e}`);
    }
  }
  if (mod.teardown)
    await withTimeout(mod.teardown(ctx), 60000, `${file} teardown`).catch((e) =>
      console.log(`teardown of ${file} failed: ${e}`),
    );
  return { passed, failed };
}

// How long each file took last time (test-results/, git-ignored): the longest start first, so that
// the last file to finish is a short one. A fresh clone has none and goes by file size.
const timesFile = join(here, '../../test-results/e2e-file-times.json');
function lastTimes() {
  try {
    return JSON.parse(readFileSync(timesFile, 'utf8'));
  } catch {
    return {};
  }
}

/** Runs `file` in a child process; resolves with its output, counts and wall time. */
function runChild(file, filter) {
  const started = Date.now();
  const args = [fileURLToPath(import.meta.url), '--file', file, ...(filter ? [filter] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      const m = /^file-result passed=(\d+) failed=(\d+)$/m.exec(out);
      const result = m ? { passed: Number(m[1]), failed: Number(m[2]) } : { passed: 0, failed: 1 };
      out = out.replace(/^file-result .*\n?/m, '');
      if (!m) out += `FAIL ${file}: its process ended (${signal || `exit ${code}`}) before reporting\n`;
      resolve({ file, out, ...result, ms: Date.now() - started });
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.file) {
    const r = await runFile(opts.file, opts.filter);
    console.log(`file-result passed=${r.passed} failed=${r.failed}`);
    process.exit(0);
  }
  const times = lastTimes();
  const files = [];
  for (const file of readdirSync(here).filter((f) => f.endsWith('.e2e.mjs'))) {
    // A name filter that selects none of a file's tests skips the file (its servers, browsers) too.
    if (opts.filter) {
      const mod = await import(pathToFileURL(join(here, file)).href);
      if (!mod.tests.some((t) => t.name.includes(opts.filter))) continue;
    }
    files.push({ file, weight: times[file] ?? statSync(join(here, file)).size });
  }
  files.sort((a, b) => b.weight - a.weight || a.file.localeCompare(b.file));

  let passed = 0;
  let failed = 0;
  const queue = files.map((f) => f.file);
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runChild(file, opts.filter);
      process.stdout.write(r.out);
      passed += r.passed;
      failed += r.failed;
      if (!opts.filter) times[file] = r.ms;
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, files.length) }, worker));
  if (!opts.filter) {
    mkdirSync(dirname(timesFile), { recursive: true });
    writeFileSync(timesFile, `${JSON.stringify(times, null, 1)}\n`);
  }
  console.log(`e2e-result passed=${passed} failed=${failed}`);
  process.exit(failed ? 1 : 0);
}

await main();
