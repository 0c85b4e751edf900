#!/usr/bin/env node
// Runs the browser end-to-end tests (tests/e2e/*.e2e.mjs) one after another. Each file exports
// `tests`: [{name, run: async (ctx) => …}] and optional `setup`/`teardown`. Prints one line per test
// and a machine-read total line for scripts/test.mjs: "e2e-result passed=N failed=N".
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
let passed = 0;
let failed = 0;
const withTimeout = (p, ms, what) =>
  Promise.race([
    p,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref()),
  ]);

for (const file of readdirSync(here)
  .filter((f) => f.endsWith('.e2e.mjs'))
  .sort()) {
  const mod = await import(pathToFileURL(join(here, file)).href);
  // A name filter that selects none of this file's tests skips its setup (servers, browsers) too.
  if (filter && !mod.tests.some((t) => t.name.includes(filter))) continue;
  let ctx;
  try {
    ctx = mod.setup ? await withTimeout(mod.setup(), 60000, `${file} setup`) : {};
  } catch (e) {
    console.log(`FAIL ${file} (setup): ${e.stack || e}`);
    failed += mod.tests.filter((t) => !filter || t.name.includes(filter)).length;
    continue;
  }
  for (const t of mod.tests) {
    if (filter && !t.name.includes(filter)) continue;
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
  if (mod.teardown) await mod.teardown(ctx).catch((e) => console.log(`teardown of ${file} failed: ${e}`));
}
console.log(`e2e-result passed=${passed} failed=${failed}`);
process.exit(failed ? 1 : 0);
