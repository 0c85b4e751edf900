// SPDX-License-Identifier: Apache-2.0
// The native benchmarks are not part of the default build (bench/CMakeLists.txt: `npm test` does
// not compile what it never runs). A bench script asks here for its binary: it is built in
// build/native on first use (and brought up to date after that), or null when there is no
// configured build/native to build it in.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build/native');

export function nativeBench(target) {
  const bin = join(buildDir, 'bench', target);
  if (!existsSync(join(buildDir, 'CMakeCache.txt'))) return existsSync(bin) ? bin : null;
  const r = spawnSync('cmake', ['--build', buildDir, '--target', target, '-j2'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`bench: building ${target} failed:\n${(r.stdout || '').slice(-2000)}${r.stderr || ''}`);
    return existsSync(bin) ? bin : null;
  }
  return bin;
}
