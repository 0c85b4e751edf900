// SPDX-License-Identifier: Apache-2.0
// A Chromium that cannot reach any UDP port of the media plane: an agent behind a network that lets
// only HTTP(S) through. Chromium's --force-webrtc-ip-handling-policy does not stop UDP here (it only
// limits the interfaces gathered), so the browser runs in a network namespace of its own that has
// nothing but its own loopback, and the TCP ports the page needs (the tccc server's, an integrator
// page's) are bridged into it through Unix sockets, which cross namespaces: HTTP and WebSocket work,
// and no datagram can leave the namespace.
//
//   namespace tccc-noudp-<pid>-<n>                     this process (host network)
//   Chromium -> 127.0.0.1:<port> -> forwarder -> <dir>/<port>.sock -> bridge -> 127.0.0.1:<port>
//
// Needs root (ip netns). Everything is removed by close(), also when a test failed, and by this
// process's exit; a namespace left by a run that was killed (its pid gone) is removed by the next.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from './harness.mjs';

const PREFIX = 'tccc-noudp-';
const CHROMIUM = process.env.TCCC_CHROMIUM || '/usr/bin/chromium';

// Runs inside the namespace: for each port, listens on 127.0.0.1:<port> and pipes every connection
// to <dir>/<port>.sock; says "ready" once all listen.
const INSIDE = `
const net = require('node:net');
const [dir, ...ports] = process.argv.slice(1);
let listening = 0;
for (const port of ports) {
  net.createServer((c) => {
    const s = net.connect(dir + '/' + port + '.sock');
    c.pipe(s).pipe(c);
    c.on('error', () => s.destroy());
    s.on('error', () => c.destroy());
  }).listen(Number(port), '127.0.0.1', () => {
    if (++listening === ports.length) console.log('ready');
  });
}
`;

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Kills what still runs in namespace `name`, deletes it and its directory. Never throws. */
function remove(name) {
  try {
    for (const pid of ip('netns', 'pids', name).split(/\s+/).filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
  } catch {
    /* no such namespace */
  }
  try {
    ip('netns', 'del', name);
  } catch {
    /* no such namespace */
  }
  rmSync(join(tmpdir(), name), { recursive: true, force: true });
}

/** Removes the namespaces of runs whose process is gone (a killed run must not break this one). */
export function sweepStale() {
  let names;
  try {
    names = ip('netns', 'list')
      .split('\n')
      .map((l) => l.split(' ')[0])
      .filter((n) => n.startsWith(PREFIX));
  } catch {
    return; // no ip, or not allowed: nothing of ours can be there
  }
  for (const name of names) {
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (!alive(pid)) remove(name);
  }
}

let counter = 0;
const live = new Set();
process.on('exit', () => {
  for (const name of live) remove(name);
});

/**
 * Makes the namespace and its bridges for `ports` (TCP on 127.0.0.1); resolves with
 * `{name, executablePath, close()}`: `executablePath` is a Chromium that runs inside it.
 */
export async function startNoUdp(ports) {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw new Error('the no-UDP browser needs root (ip netns add)');
  sweepStale();
  const name = `${PREFIX}${process.pid}-${++counter}`;
  const dir = join(tmpdir(), name);
  remove(name);
  mkdirSync(dir, { recursive: true });
  live.add(name);
  const bridges = [];
  const sockets = new Set();
  let inside;
  const close = async () => {
    if (!live.has(name)) return;
    live.delete(name);
    if (inside && inside.exitCode === null) inside.kill('SIGKILL');
    for (const s of sockets) s.destroy();
    await Promise.all(bridges.map((b) => new Promise((r) => b.close(() => r()))));
    remove(name);
  };
  try {
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    for (const port of ports) {
      const bridge = net.createServer((c) => {
        const s = net.connect(port, '127.0.0.1');
        sockets.add(c).add(s);
        c.pipe(s).pipe(c);
        const done = () => {
          c.destroy();
          s.destroy();
          sockets.delete(c);
          sockets.delete(s);
        };
        c.on('error', done).on('close', done);
        s.on('error', done).on('close', done);
      });
      bridges.push(bridge);
      await new Promise((resolve, reject) => bridge.once('error', reject).listen(join(dir, `${port}.sock`), resolve));
    }
    inside = spawn('ip', ['netns', 'exec', name, process.execPath, '-e', INSIDE, dir, ...ports.map(String)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve, reject) => {
      let out = '';
      inside.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready')) resolve();
      });
      inside.once('exit', (code) => reject(new Error(`the forwarder in ${name} exited (${code})`)));
    });
    const executablePath = join(dir, 'chromium');
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM} "$@"\n`);
    chmodSync(executablePath, 0o755);
    return { name, executablePath, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs `command` inside the namespace and returns its output (for the harness's own checks). */
export function runInside(name, command, args) {
  return execFileSync('ip', ['netns', 'exec', name, command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
}

/**
 * A Chromium (harness.mjs's launchBrowser, with `extraArgs`) in a fresh namespace that reaches only
 * `ports`: `{context, namespace, close()}`; close() ends the browser and then removes the namespace.
 * @example const agent = await launchNoUdpBrowser([server.port, crmPort]); … await agent.close();
 */
export async function launchNoUdpBrowser(ports, extraArgs = []) {
  const ns = await startNoUdp(ports);
  let browser;
  try {
    browser = await launchBrowser(extraArgs, { executablePath: ns.executablePath });
  } catch (e) {
    await ns.close();
    throw e;
  }
  return {
    context: browser.context,
    namespace: ns.name,
    async close() {
      try {
        await browser.close();
      } finally {
        await ns.close();
      }
    },
  };
}
