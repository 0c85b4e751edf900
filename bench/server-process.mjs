// SPDX-License-Identifier: Apache-2.0
// What the load benches share: the server process as /proc shows it, and the simulated carrier's
// POST /sim/inbound spread over several keep-alive connections (the server limits requests per
// connection). Benches print figures; these helpers never throw on a process that has gone.
import fs from 'node:fs';
import http from 'node:http';

/** utime + stime of every thread of the process, live or exited, in seconds (ticks of 1/100 s). */
export function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Resident memory (VmRSS) in MB. */
export function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** Open file descriptors. */
export function openFds(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/**
 * POST /sim/inbound over `sockets` keep-alive connections used in turn. Resolves with
 * {status, text, body} (body: the parsed JSON or null; status 0 when the request failed or got no
 * answer within timeoutMs); `post.close()` drops the connections.
 */
export function makeSimCaller({ host = '127.0.0.1', port, sockets, timeoutMs = 10000 }) {
  const agents = Array.from({ length: sockets }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  let turn = 0;
  const post = (body) =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host,
          port,
          method: 'POST',
          path: '/sim/inbound',
          agent: agents[turn++ % agents.length],
          headers: { 'content-type': 'application/json' },
          timeout: timeoutMs,
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            let parsed = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: the caller reads `text`
            }
            resolve({ status: res.statusCode, text, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
      req.on('error', (e) => resolve({ status: 0, text: e.message, body: null }));
      req.end(JSON.stringify(body));
    });
  post.close = () => {
    for (const a of agents) a.destroy();
  };
  return post;
}
