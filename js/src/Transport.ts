// SPDX-License-Identifier: Apache-2.0
// The signalling WebSocket. It only moves frames: liveness, reconnect and backoff are the core's.
// Events from a socket that has been replaced or closed on the core's request are ignored, so a
// late close of an old socket can never be mistaken for the loss of the current one.
//
// preconnect() opens the first socket while the core's wasm is still loading, so the TCP (and TLS)
// handshake overlaps wasm compilation instead of following it; what that socket reports is parked
// until the core asks to connect, then replayed in order.
import type { WebSocketConstructor } from './types';

/** docs/protocol.md: a client's close code that logs the agent out, like auth.logout. */
const CLOSE_LOGOUT = 4005;

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
  /** Events of a preconnected socket that the core has not adopted yet, in arrival order. */
  private _parked: Array<() => void> | null = null;
  /** Subprotocols of the first socket only: the login in its handshake (handshakeLogin.ts). */
  private _firstProtocols: string[] | undefined;
  /** The current socket carries the login in its handshake (only ever the first one). */
  private _loginInHandshake = false;

  constructor(url: string, Ctor: WebSocketConstructor, handlers: TransportHandlers, firstProtocols?: string[]) {
    this._url = url;
    this._Ctor = Ctor;
    this._handlers = handlers;
    this._firstProtocols = firstProtocols;
  }

  /** Starts opening the first socket before the core asks for it (see the top of this file). */
  preconnect(): void {
    if (this._socket || this._parked) return;
    this._parked = [];
    this._open();
  }

  /** Opens a new socket, dropping any previous one; the first call adopts a preconnected socket. */
  connect(): void {
    const parked = this._parked;
    if (parked) {
      this._parked = null;
      // Replayed after the core's own command has returned, never from inside it.
      if (parked.length)
        queueMicrotask(() => {
          for (const deliver of parked) deliver();
        });
      return;
    }
    this._drop(1000);
    this._open();
  }

  private _open(): void {
    let socket: WebSocket;
    const protocols = this._firstProtocols;
    this._firstProtocols = undefined;
    try {
      socket = protocols ? new this._Ctor(this._url, protocols) : new this._Ctor(this._url);
    } catch (err) {
      // A malformed URL throws synchronously; report it as a failed connection, asynchronously so
      // the core is not re-entered from inside its own command.
      console.error('[tccc] cannot open the WebSocket:', err);
      const fail = () => this._handlers.onClose(1006);
      if (this._parked) this._parked.push(fail);
      else setTimeout(fail, 0);
      return;
    }
    this._socket = socket;
    this._loginInHandshake = protocols !== undefined;
    // While the socket is parked its events wait; each still checks, when delivered, that the
    // socket is current, so a replaced or dropped one stays silent.
    const deliver = (event: () => void) => {
      if (this._parked) this._parked.push(event);
      else event();
    };
    socket.onopen = () =>
      deliver(() => {
        if (this._socket === socket) this._handlers.onOpen();
      });
    socket.onmessage = (ev: MessageEvent) => {
      // Binary frames are reserved for media (not yet carried); only text goes to the core.
      const data: unknown = ev.data;
      if (typeof data === 'string')
        deliver(() => {
          if (this._socket === socket) this._handlers.onMessage(data);
        });
    };
    socket.onclose = (ev: CloseEvent) => {
      const code = typeof ev.code === 'number' ? ev.code : 1006;
      deliver(() => {
        if (this._socket !== socket) return;
        this._socket = null;
        this._handlers.onClose(code);
      });
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
  close(code: number): void {
    this._drop(code);
  }

  private _drop(code: number): void {
    // A socket that the server logged in by its handshake but the core never used (the SDK was
    // destroyed, or its wasm failed, while loading) says goodbye, so the agent does not linger
    // online for the grace period (docs/protocol.md, close code 4005).
    if (this._parked && this._loginInHandshake) code = CLOSE_LOGOUT;
    this._parked = null;
    const socket = this._socket;
    if (!socket) return;
    this._socket = null;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close(code);
    } catch {
      // Browsers accept only 1000 and 3000-4999 from scripts.
      try {
        socket.close(1000);
      } catch {
        /* already closing */
      }
    }
  }
}
