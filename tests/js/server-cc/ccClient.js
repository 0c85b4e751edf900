// SPDX-License-Identifier: Apache-2.0
// Helpers for the contact-center suites: the real tccc-server and its official cloud API client
// come from the shared tests/js/helpers/server.js; this adds raw agent/customer WebSockets.
'use strict';

const WebSocket = require('ws');
const shared = require('../helpers/server');

/** Starts a fresh server (port 0, temporary data dir) through the shared helper. */
async function startServer(options = {}) {
  const server = await shared.startServer(options);
  server.host = '127.0.0.1';
  return server;
}

const { cloudClient } = shared;

/** A raw signalling socket that records every frame and answers server pings. */
class Socket {
  constructor(url) {
    this.frames = [];
    this.waiters = [];
    this.nextId = 1;
    this.ws = new WebSocket(url);
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
    this.ws.on('message', (data) => {
      const f = JSON.parse(String(data));
      if (f.type === 'ping') this.ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => !w(f));
    });
  }
  open() {
    return new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
  }
  /** Resolves with the first frame (already received or future) matching `pred`. */
  waitFor(pred, what = 'frame', ms = 8000) {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`)),
        ms,
      );
      this.waiters.push((f) => {
        if (!pred(f)) return false;
        clearTimeout(timer);
        resolve(f);
        return true;
      });
    });
  }
  request(method, data = {}) {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ v: 1, type: 'req', id, method, data }));
    return this.waitFor((f) => f.type === 'res' && f.id === id, `response to ${method}`);
  }
  waitSession(sessionId, state) {
    return this.waitFor(
      (f) =>
        f.type === 'evt' &&
        f.event === 'session.state' &&
        f.data.session.sessionId === sessionId &&
        f.data.session.state === state,
      `session ${sessionId} ${state}`,
    );
  }
  close() {
    this.ws.close();
    return this.closed;
  }
}

/**
 * Logs `userId` in on a raw agent socket with a fresh login token (CreateSDKLoginToken through the
 * official client) and resolves once the agent is free. The socket keeps the login's `resumeToken`.
 */
async function loginAgent(server, userId) {
  const { Token } = await cloudClient(server).CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: userId });
  const agent = new Socket(`ws://${server.host}:${server.port}/ws/agent`);
  await agent.open();
  const res = await agent.request('auth.login', { sdkAppId: server.sdkAppId, userId, token: Token });
  if (!res.ok) throw new Error(`login of ${userId} failed: ${JSON.stringify(res.error)}`);
  agent.resumeToken = res.data.resumeToken;
  if (res.data.agent.status === 'offline') {
    await agent.waitFor((f) => f.event === 'agent.status' && f.data.status === 'free', 'free after login');
  }
  return agent;
}

/** The CDRs DescribeTelCdr (official client) finds for one session started in the last hour. */
async function cdrsOf(server, sessionId) {
  const now = Math.floor(Date.now() / 1000);
  const res = await cloudClient(server).DescribeTelCdr({
    SdkAppId: server.sdkAppId,
    StartTimeStamp: now - 3600,
    EndTimeStamp: now + 60,
    SessionIds: [sessionId],
    PageSize: 100,
    PageNumber: 0,
  });
  return res.TelCdrs || [];
}

async function httpJson(server, method, urlPath, body) {
  const res = await fetch(`http://${server.host}:${server.port}${urlPath}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

module.exports = { startServer, cloudClient, Socket, httpJson, loginAgent, cdrsOf };
