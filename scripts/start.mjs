#!/usr/bin/env node
// `npm start` (after scripts/setup.sh has built everything): runs the reference server with its
// embedded defaults — SQLite under .tccc-data/, a demo tenant created on first start — serving the
// SDK from dist/ and the static pages from web/. Extra arguments go to the server, e.g.
// `npm start -- --port 9000`; every option also has a TCCC_* environment variable (see --help).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'build/native/server/tccc-server');
if (!existsSync(bin)) {
  console.error(`start: ${bin} is missing; scripts/setup.sh should have built it`);
  process.exit(1);
}
const args = ['--sdk-dir', join(root, 'dist')];
if (existsSync(join(root, 'web'))) args.push('--web-dir', join(root, 'web'));
args.push(...process.argv.slice(2));

const server = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let buffered = '';
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk;
  if (/^READY$/m.test(buffered)) {
    const api = /^API=(.*)$/m.exec(buffered)?.[1];
    buffered = '';
    if (api) {
      const base = api.replace(/\/$/, '');
      console.log(`Caller=${base}/sim/caller.html   (a customer's phone in the browser: dial 4008001000)`);
      console.log(`Simulator=${base}/sim/test-numbers   (POST ${base}/sim/inbound places a call; see README)`);
      console.log('Press Ctrl+C to stop.');
    }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
