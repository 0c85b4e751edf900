// SPDX-License-Identifier: Apache-2.0
// The signalling WebSocket. It only moves frames: liveness, reconnect and backoff are the core's.
// Events from a socket that has been replaced or closed on the core's request are ignored, so a
// late close of an old socket can never be mistaken for the loss of the current one.
import type { WebSocketConstructor } from './types';

export interface TransportHandlers {
  onOpen(): void;
  onMessage(text: string): void;
  onClose(code: number): void;
}

export class Transport {
  private _Ctor: WebSocketConstructor;
  private _url: string;
  private _handlers: TransportHandlers;
  private _socket: WebSocket | null = null;

  constructor(url: string, Ctor: WebSocketConstructor, handlers: TransportHandlers) {
    this._url = url;
    this._Ctor = Ctor;
    this._handlers = handlers;
  }

  /** Opens a new socket, dropping any previous one. */
  connect(): void {
    this._drop(1000);
    let socket: WebSocket;
    try {
      socket = new this._Ctor(this._url);
    } catch (err) {
      // A malformed URL throws synchronously; report it as a failed connection, asynchronously so
      // the core is not re-entered from inside its own command.
      console.error('[tccc] cannot open the WebSocket:', err);
      setTimeout(() => this._handlers.onClose(1006), 0);
      return;
    }
    this._socket = socket;
    socket.onopen = () => { if (this._socket === socket) this._handlers.onOpen(); };
    socket.onmessage = (ev: MessageEvent) => {
      // Binary frames are reserved for media (not yet carried); only text goes to the core.
      if (this._socket === socket && typeof ev.data === 'string') this._handlers.onMessage(ev.data);
    };
    socket.onclose = (ev: CloseEvent) => {
      if (this._socket !== socket) return;
      this._socket = null;
      this._handlers.onClose(typeof ev.code === 'number' ? ev.code : 1006);
    };
    // An error is always followed by close, which is what the core needs to hear.
    socket.onerror = () => {};
  }

  /** Sends a text frame; returns false if there is no open socket (the core will notice). */
  send(text: string): boolean {
    const socket = this._socket;
    if (!socket || socket.readyState !== 1) return false;
    try {
      socket.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the current socket at the core's request; its close event is not reported back. */
  close(code: number): void { this._drop(code); }

  private _drop(code: number): void {
    const socket = this._socket;
    if (!socket) return;
    this._socket = null;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close(code);
    } catch {
      // Browsers accept only 1000 and 3000-4999 from scripts.
      try { socket.close(1000); } catch { /* already closing */ }
    }
  }
}
