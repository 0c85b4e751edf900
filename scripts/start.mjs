#!/usr/bin/env node
// `npm start` (after scripts/setup.sh, which builds everything incrementally): builds whatever is
// still missing (server, SDK, demos — up-to-date demos are skipped), runs the reference server with
// its embedded defaults — SQLite under .tccc-data/, a demo tenant created on first start — serving
// the SDK from dist/ and the static pages (customer simulator) from web/, then serves the three
// demos, each on its own origin with its own backend route that turns CreateSDKLoginToken into an
// SdkURL (the secret stays in this process):
//   Demo=      web/demo/    plain HTML, script tag       (port 8081, or TCCC_DEMO_PORT)
//   DemoVue=   demo-vue/    Vue 3 + Vite                 (next port)
//   DemoReact= demo-react/  React + Vite, the npm package (next port)
// A busy demo port falls back to a free one (the printed URL is the truth); TCCC_DEMO_PORT=0 always
// takes free ones, TCCC_DEMOS=0 serves none. Extra arguments go to the server, e.g.
// `npm start -- --port 9000`; every server option also has a TCCC_* environment variable (--help).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'build/native/server/tccc-server');
const serverArgs = process.argv.slice(2);
const helpOnly = serverArgs.some((a) => a === '--help' || a === '-h' || a === '--version');
// Commands that change the database or print something and exit: no demos, no SDK build needed.
const oneShot = serverArgs.some((a) =>
  ['--create-tenant', '--set-recording', '--set-asr', '--print-credentials', '--console-link'].includes(
    a.split('=')[0],
  ),
);

function buildStep(what, missing) {
  console.error(`start: ${missing} is missing; building (${what})…`);
  const r = spawnSync('bash', [join(root, 'scripts/build.sh'), what], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`start: scripts/build.sh ${what} failed`);
    process.exit(1);
  }
}

if (!existsSync(bin)) buildStep('native', bin);
if (!helpOnly && !oneShot) {
  if (!existsSync(join(root, 'dist/tccc.js'))) {
    if (!existsSync(join(root, 'build/wasm/tccc-core.wasm'))) buildStep('wasm', 'build/wasm/tccc-core.wasm');
    buildStep('js', 'dist/tccc.js');
  }
}
const demosWanted = !helpOnly && !oneShot && process.env.TCCC_DEMOS !== '0';
if (demosWanted) {
  const { buildDemos } = await import('./build-demos.mjs');
  try {
    for (const r of await buildDemos()) if (r.built) console.error(`start: built ${r.name}/dist in ${r.ms} ms`);
  } catch (err) {
    console.error(`start: building the demos failed (${err.message || err}); serving the server without them`);
  }
}

const args = ['--sdk-dir', join(root, 'dist')];
if (existsSync(join(root, 'web'))) args.push('--web-dir', join(root, 'web'));
args.push(...serverArgs);

const server = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const demos = [];
let stopping = false;

/** Listens on `port`, or on any free port when that one is taken. */
async function startOn(start, port) {
  try {
    return await start({ port, host: '127.0.0.1' });
  } catch (err) {
    if (err.code !== 'EADDRINUSE' || port === 0) throw err;
    return start({ port: 0, host: '127.0.0.1' });
  }
}

async function startDemos(kv) {
  const config = { apiUrl: kv.API, sdkAppId: kv.SdkAppId, secretId: kv.SecretId, secretKey: kv.SecretKey };
  const base = process.env.TCCC_DEMO_PORT === undefined ? 8081 : Number(process.env.TCCC_DEMO_PORT);
  const list = [
    ['Demo', '../web/demo/server.mjs', 'plain HTML: the SDK by script tag from the SdkURL'],
    ['DemoVue', '../demo-vue/server.mjs', 'Vue 3 + Vite'],
    ['DemoReact', '../demo-react/server.mjs', 'React + Vite: the SDK imported from npm'],
  ];
  for (const [i, [key, module, what]] of list.entries()) {
    try {
      const { startDemoServer } = await import(module);
      const demo = await startOn((o) => startDemoServer({ ...config, ...o }), base === 0 ? 0 : base + i);
      if (stopping) {
        await demo.close();
        return;
      }
      demos.push(demo);
      console.log(`${key}=${demo.url}   (${what})`);
      if (key === 'Demo')
        console.log(
          `Supervisor=${demo.url}supervisor.html?autologin=1   (live agents and queues, listen in: supervisor@tccc.local)`,
        );
    } catch (err) {
      console.error(`start: the ${key} demo did not start: ${err.message || err}`);
    }
  }
}

let buffered = '';
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk;
  if (!/^READY$/m.test(buffered)) return;
  const kv = {};
  for (const line of buffered.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  buffered = '';
  if (!kv.API) return;
  const base = kv.API.replace(/\/$/, '');
  console.log(`Caller=${base}/sim/caller.html   (a customer's phone in the browser: dial 4008001000)`);
  console.log(`Customers=${base}/sim/   (caller, voice, video, callee and chat visitor pages)`);
  console.log(`Simulator=${base}/sim/test-numbers   (POST ${base}/sim/inbound places a call; see README)`);
  if (kv.Console)
    console.log(
      `Console=${kv.Console}   (operator console, a one-time link: \`npm start -- --console-link\` prints another)`,
    );
  const done = () => console.log('Press Ctrl+C to stop.');
  if (demosWanted && kv.SecretKey) startDemos(kv).then(done, done);
  else done();
});

async function stop(sig) {
  stopping = true;
  server.kill(sig);
  await Promise.all(demos.map((d) => d.close().catch(() => {})));
}
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    void stop(sig);
  });
server.on('exit', async (code, signal) => {
  stopping = true;
  await Promise.all(demos.map((d) => d.close().catch(() => {})));
  process.exit(code ?? (signal ? 0 : 1));
});
