// SPDX-License-Identifier: Apache-2.0
// A stand-in for a browser page in which dist/tccc.js runs as a classic <script>: a fresh vm global
// with the web APIs the entry and the Emscripten glue use (Node's own fetch, WebSocket from ws,
// WebAssembly), document.currentScript set while the script runs, and window event listeners.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const WebSocket = require('ws');
const { DIST } = require('./sdk');

const SCRIPT = fs.readFileSync(path.join(DIST, 'tccc.js'), 'utf8');

/** A page: a global object with just what the entry and the Emscripten glue touch. */
function makePage(baseUrl, { throttleTimers = false } = {}) {
  const console = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const listeners = {};
  // Spy on streaming compilation (the path a browser takes for an application/wasm response).
  const wasm = Object.create(WebAssembly);
  wasm.instantiateStreaming = jest.fn((r, imports) => WebAssembly.instantiateStreaming(r, imports));
  wasm.compileStreaming = jest.fn((r) => WebAssembly.compileStreaming(r));
  wasm.compile = jest.fn((bytes) => WebAssembly.compile(bytes));
  const page = {
    // fetch is a spy too: tests see which URLs the SDK asked for.
    console,
    WebSocket,
    WebAssembly: wasm,
    fetch: jest.fn((...args) => fetch(...args)),
    Response,
    URL,
    URLSearchParams,
    TextDecoder,
    TextEncoder,
    // A background tab: timers of half a second or more do not fire (browsers throttle them).
    setTimeout: throttleTimers ? (f, ms) => (ms >= 500 ? { throttled: true } : setTimeout(f, ms)) : setTimeout,
    clearTimeout: (t) => {
      if (!(t && t.throttled)) clearTimeout(t);
    },
    queueMicrotask,
    performance,
    crypto: globalThis.crypto,
    Promise,
    addEventListener: (t, f) => {
      (listeners[t] = listeners[t] || []).push(f);
    },
    removeEventListener: (t, f) => {
      listeners[t] = (listeners[t] || []).filter((x) => x !== f);
    },
    listeners,
  };
  page.window = page;
  page.self = page;
  page.document = {
    baseURI: `${baseUrl}/page.html`,
    currentScript: null,
    addEventListener: page.addEventListener,
    removeEventListener: page.removeEventListener,
  };
  return vm.createContext(page);
}

/** Runs dist/tccc.js (or `code`, e.g. as fetched from a server) as <script src=src data-…=dataset> would. */
function loadScript(page, src, dataset = {}, code = SCRIPT) {
  page.document.currentScript = { src, dataset };
  vm.runInContext(code, page, { filename: 'tccc.js' });
  page.document.currentScript = null;
}

module.exports = { makePage, loadScript };
