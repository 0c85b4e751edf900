// SPDX-License-Identifier: Apache-2.0
// A scripted tccc signalling peer for the SDK tests (docs/protocol.md), on 127.0.0.1 only. It is
// not a mock of the reference server: it speaks the wire protocol, and each test decides what it
// answers, so the shim and the wasm core are exercised through a real WebSocket.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { WebSocketServer } = require('ws');

const APP = 1400000001;
const USER = 'alice@example.com';
const TOKEN = 'tok-1';

class FakeServer {
  constructor() {
    this.frames = []; // every parsed frame received, in order: {socket, frame}
    this.sockets = []; // every connection, in order
    this.logins = []; // auth.login request data, in order
    this.seq = 0;
    this.agent = { userId: USER, sdkAppId: APP, name: 'Alice', status: 'free', restReason: '' };
    this.sessions = []; // the snapshot's sessions
    this.heartbeatMs = 10000;
    this.loginError = null; // {code, message}: refuse the login
    this.answerPings = true;
    this.silent = false; // when true, answer nothing at all (a dead peer)
    this.handlers = {}; // method -> (data, frame, socket) => {ok:true,data} | {ok:false,error} | null
    this.pinging = false; // when true, ping the current socket every 250 ms (a live server pings)
    this.wasmType = 'application/wasm'; // Content-Type of the wasm; null answers 404 instead
    this.tamper = null; // (file name, bytes) => the bytes served instead: a CDN that altered a file
    this._pingTimer = setInterval(() => {
      if (this.pinging && !this.silent) this.send({ v: 1, type: 'ping', t: Date.now() });
    }, 250);
    this._waiters = [];
  }

  /**
   * Listens on 127.0.0.1 (random port). With `staticDir`, GET /sdk/<file> serves that directory
   * (the built dist/), so a script-tag SDK can fetch its wasm from "next to itself".
   */
  static async start({ staticDir } = {}) {
    const server = new FakeServer();
    server.http = http.createServer((req, res) => server._static(staticDir, req, res));
    server.wss = new WebSocketServer({
      server: server.http,
      path: '/ws/agent',
      handleProtocols: (offered) => (offered.has('tccc.v1') ? 'tccc.v1' : false),
    });
    server.wss.on('connection', (socket, request) => server._onConnection(socket, request));
    await new Promise((resolve) => server.http.listen(0, '127.0.0.1', resolve));
    server.url = `http://127.0.0.1:${server.http.address().port}`;
    server.fetched = [];
    return server;
  }

  _static(dir, req, res) {
    const m = /^\/sdk\/([\w.-]+)$/.exec(new URL(req.url, 'http://x').pathname);
    const file = m && dir ? path.join(dir, m[1]) : null;
    const wasm = Boolean(file && file.endsWith('.wasm'));
    if (!file || !fs.existsSync(file) || (wasm && !this.wasmType)) {
      res.writeHead(404).end();
      return;
    }
    this.fetched.push(m[1]);
    const type = wasm ? this.wasmType : 'text/javascript';
    const bytes = fs.readFileSync(file);
    res.writeHead(200, { 'content-type': type }).end(this.tamper ? this.tamper(m[1], bytes) : bytes);
  }

  get port() {
    return this.http.address().port;
  }

  get socket() {
    return this.sockets[this.sockets.length - 1];
  }

  _onConnection(socket, request) {
    this.sockets.push(socket);
    socket.handshakeProtocols = request.headers['sec-websocket-protocol'] || '';
    socket.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let frame;
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        return;
      }
      this.frames.push({ socket, frame });
      if (!this.silent) this._answer(socket, frame);
      this._notify();
    });
    socket.on('close', (code) => {
      socket.closeCode = code;
      this._notify();
    });
    // docs/protocol.md, "Login in the handshake": answered as request 1, like a login frame.
    const login = socket.handshakeProtocols
      .split(',')
      .map((s) => s.trim())
      .find((s) => s.startsWith('tccc.login.'));
    if (login) {
      const data = JSON.parse(Buffer.from(login.slice('tccc.login.'.length), 'base64url').toString('utf8'));
      const frame = { v: 1, type: 'req', id: 1, method: 'auth.login', data, handshake: true };
      this.frames.push({ socket, frame });
      if (!this.silent) this._answer(socket, frame);
    }
    this._notify();
  }

  _answer(socket, frame) {
    if (frame.type === 'ping') {
      if (this.answerPings) this.sendTo(socket, { v: 1, type: 'pong', t: frame.t });
      return;
    }
    if (frame.type !== 'req') return;
    if (frame.method === 'auth.login') {
      this.logins.push(frame.data);
      if (this.loginError) {
        this.sendTo(socket, { v: 1, type: 'res', id: frame.id, ok: false, error: this.loginError });
        return;
      }
      this.sendTo(socket, { v: 1, type: 'res', id: frame.id, ok: true, data: this.snapshot() });
      return;
    }
    const handler = this.handlers[frame.method];
    const result = handler ? handler(frame.data || {}, frame, socket) : { ok: true, data: {} };
    if (result === null) return; // the test answers later (or never)
    this.sendTo(socket, { v: 1, type: 'res', id: frame.id, ...result });
  }

  snapshot() {
    return {
      resumeToken: `r-${this.logins.length}`,
      heartbeatMs: this.heartbeatMs,
      serverTime: Date.now(),
      seq: this.seq,
      agent: { ...this.agent },
      sessions: this.sessions.map((s) => ({ ...s })),
      iceServers: [],
    };
  }

  sendTo(socket, frame) {
    if (socket && socket.readyState === 1) socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  send(frame) {
    this.sendTo(this.socket, frame);
  }

  /** Sends a server event with the next seq (and remembers the state for the next snapshot). */
  event(event, data) {
    this.seq += 1;
    this.send({ v: 1, type: 'evt', seq: this.seq, event, data });
  }

  /** Sets a session's state server-side and tells the agent. */
  session(session) {
    const i = this.sessions.findIndex((s) => s.sessionId === session.sessionId);
    if (i >= 0) this.sessions[i] = { ...this.sessions[i], ...session };
    else this.sessions.push(session);
    const full = this.sessions.find((s) => s.sessionId === session.sessionId);
    this.event('session.state', { session: { ...full } });
  }

  status(status, reason = 'request', restReason) {
    this.agent.status = status;
    this.event('agent.status', { status, reason, ...(restReason ? { restReason } : {}) });
  }

  /** Frames of a given method (requests from the SDK). */
  requests(method) {
    return this.frames.filter((f) => f.frame.type === 'req' && f.frame.method === method).map((f) => f.frame);
  }

  /** Waits until predicate() is true (checked on every frame/connection), or fails after ms. */
  waitFor(predicate, ms = 5000, what = 'condition') {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._waiters = this._waiters.filter((w) => w !== waiter);
        reject(new Error(`FakeServer: timed out waiting for ${what}`));
      }, ms);
      const waiter = () => {
        if (!predicate()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      this._waiters.push(waiter);
    });
  }

  _notify() {
    this._waiters = this._waiters.filter((w) => !w());
  }

  /** Drops the current connection abruptly, as a network failure would (no close handshake). */
  drop() {
    if (this.socket) this.socket.terminate();
  }

  async close() {
    clearInterval(this._pingTimer);
    for (const s of this.sockets) s.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
    // fetch() keeps HTTP connections alive; close them or close() waits for their idle timeout.
    this.http.closeAllConnections();
    if (this.http.listening) await new Promise((resolve) => this.http.close(resolve));
  }
}

/** A phone session in wire form. */
function phoneSession(sessionId, state, extra = {}) {
  return {
    sessionId,
    type: 'phone',
    direction: 'in',
    state,
    timeout: 30,
    createdAt: Date.now(),
    calleePhoneNumber: '4008001000',
    callerPhoneNumber: '13800138000',
    callerLocation: '',
    remark: '',
    ivrPath: [{ key: '1', label: 'Sales' }],
    serverType: 'staffSeat',
    skillGroupId: '1',
    muted: false,
    held: false,
    ...extra,
  };
}

module.exports = { FakeServer, phoneSession, APP, USER, TOKEN };
