#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The native agent SDK's costs (issue 17; loopback only; prints figures, asserts nothing, stops by
// itself):
//
//   node bench/native-agent.mjs [--instances 1,20,50] [--seconds 10] [--transports udp,websocket]
//
// Starts tccc-server (build/native) on a free port and prints, as `native-agent: …` lines:
// - size: libtccc_workstation.a and tccc-agent (as built, and stripped);
// - one tccc-agent: peak RSS of a logged-in instance that takes no call, and the whole process's CPU
//   for one call of --seconds to the answering test number, playing speech and recording the far end
//   (its own `summary` line: getrusage of the process, login and logout included), once per transport;
// - N instances in one process (build/native/bench/tccc_native_agents_bench): N agents made with
//   the cloud API (CreateStaff), each in a call, over each transport in turn (UDP: ICE, DTLS-SRTP and
//   RTP; websocket: /ws/media), so the two are compared in one run; CPU per call-second
//   measured while all talk, the share of one core, calls one core would carry at that rate, and
//   RSS per instance. The server runs on the same machine; its CPU is not counted here.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeBench } from './nativeBench.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startServer, cloudClient } = require(join(ROOT, 'tests/js/helpers/server.js'));
const AGENT = join(ROOT, 'build/native/native/tccc-agent');
const LIBRARY = join(ROOT, 'build/native/native/libtccc_workstation.a');
const MANY = nativeBench('tccc_native_agents_bench') ?? join(ROOT, 'build/native/bench/tccc_native_agents_bench');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const INSTANCES = arg('instances', '1,20,50').split(',').map(Number);
const SECONDS = Number(arg('seconds', 10));
const TRANSPORTS = arg('transports', 'udp,websocket').split(',');
const log = (line) => console.log(`native-agent: ${line}`);
const kb = (bytes) => `${Math.round(bytes / 1024)} KiB`;

/** Runs a command to its end; resolves with its stdout lines parsed as JSON where they are. A
 *  non-zero exit rejects, unless it is `expectCode`. */
function run(cmd, args, input, expectCode = 0) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const lines = out
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return { text: l };
          }
        });
      if (code !== expectCode) reject(new Error(`${cmd} exited ${code}: ${err.slice(-500)}`));
      else resolve(lines);
    });
    child.stdin.end(input ?? '');
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tccc-native-bench-'));
const server = await startServer({ args: ['--log-level', 'error'] });
try {
  const ccc = cloudClient(server);
  // The server limits requests per connection: wait and retry, as a real backend would.
  const politely = async (call) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (e.code !== 'RequestLimitExceeded' || attempt > 200) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const token = async (userId) =>
    (await politely(() => ccc.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId }))).Token;
  const speech = join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-w', join(dir, 'raw.wav'), 'Hello, this is your agent. How can I help you today?']);
  execFileSync('sox', [join(dir, 'raw.wav'), '-r', '48000', '-c', '1', '-b', '16', speech]);

  const stripped = join(dir, 'tccc-agent.stripped');
  execFileSync('strip', ['-o', stripped, AGENT]);
  log(
    `size: libtccc_workstation.a ${kb(statSync(LIBRARY).size)}, tccc-agent ${kb(statSync(AGENT).size)} (stripped ${kb(statSync(stripped).size)})`,
  );

  const base = ['--json', '--quiet', '--server', server.baseUrl, '--app', String(server.sdkAppId)];
  // Exit code 4: no call came within --wait, as intended.
  const idleArgs = ['--user', server.agents[0], '--token', await token(server.agents[0]), '--answer', '--wait', '3'];
  const idle = await run(AGENT, [...base, ...idleArgs], '', 4);
  const idleSummary = idle.find((l) => l.event === 'summary');
  if (idleSummary)
    log(
      `one logged-in tccc-agent, no call, 3 s: peak RSS ${idleSummary.maxRssKb} KiB, CPU ${idleSummary.cpuMs.toFixed(0)} ms`,
    );
  for (const media of TRANSPORTS) {
    const oneCall = await run(AGENT, [
      ...base,
      '--user',
      server.agents[0],
      '--token',
      await token(server.agents[0]),
      '--call',
      '10000000001',
      '--play',
      speech,
      '--record',
      join(dir, 'heard.wav'),
      '--hangup-after',
      String(SECONDS),
      '--media',
      media,
    ]);
    const s = oneCall.find((l) => l.event === 'summary');
    log(
      `one tccc-agent call of ${SECONDS} s over ${media} (process total, login to logout): CPU ${s.cpuMs.toFixed(0)} ms = ` +
        `${(s.cpuMs / SECONDS).toFixed(2)} ms per call-second, peak RSS ${s.maxRssKb} KiB`,
    );
  }

  // Agents for the many-instance runs, in the demo tenant's Sales group.
  const most = Math.max(...INSTANCES);
  const staff = Array.from({ length: most }, (_, i) => ({
    Name: `Bench ${i}`,
    Mail: `native-bench-${i}@tccc.local`,
    StaffNumber: String(7000 + i),
    SkillGroupNameList: ['售前 Sales'],
  }));
  for (let i = 0; i < staff.length; i += 50)
    await politely(() => ccc.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: staff.slice(i, i + 50) }));
  for (const n of INSTANCES) {
    const agents = [];
    for (const st of staff.slice(0, n)) agents.push({ userId: st.Mail, token: await token(st.Mail) });
    for (const transport of TRANSPORTS) {
      const input = JSON.stringify({
        server: server.baseUrl,
        sdkAppId: server.sdkAppId,
        seconds: SECONDS,
        capture: speech,
        transport,
        agents,
      });
      const [r] = (await run(MANY, [], input + '\n')).filter((l) => l.bench);
      log(
        `${n} instance(s) in one process, all in calls, ${transport}: ${r.cpuMsPerCallSecond.toFixed(2)} ms CPU per call-second, ` +
          `${(100 * r.coreShare).toFixed(1)} % of one core -> ~${Math.round(r.callsPerCore)} calls per core; ` +
          `RSS ${r.rssKbPerLoggedInInstance} KiB per logged-in instance, ${r.rssKbPerTalkingInstance} KiB talking; ` +
          `${r.volumeEventsPerCallSecond.toFixed(1)} onAudioVolume per call-second`,
      );
    }
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
