// SPDX-License-Identifier: Apache-2.0
// One SDK instance: wires the core (through CoreAdapter) to the WebSocket, the timer, the event bus,
// the media adapter and the UI state, and builds the public `tccc` object on top. It holds no
// business rules: options go to the core as JSON and the core validates them, so the browser, the
// native tests and the server agree on every error.
import { CoreAdapter, type Command, type CommandSink, type WasmSource } from './CoreAdapter';
import { createDevices } from './Devices';
import { EventBus } from './EventBus';
import { events } from './events';
import { type MediaAdapter, NoopMediaAdapter } from './MediaAdapter';
import { Scheduler } from './Scheduler';
import { TcccError } from './TcccError';
import { Transport } from './Transport';
import { handshakeLoginProtocols } from './handshakeLogin';
import { UiState } from './UiState';
import { uiLoader } from './uiLoader';
import { VERSION } from './version';
import { API_METHODS, type MediaAction, VOID_APIS } from './vocabulary.generated';
import type { AgentStatus, SuccessResponse, Tccc, TuningOptions, WebSocketConstructor } from './types';

/** Everything an entry point has worked out before the SDK starts. */
export interface SdkSettings {
  sdkAppId: number | string;
  userId: string;
  token: string;
  /** ws:// or wss:// URL of the agent endpoint. */
  wsUrl: string;
  /** Produces the wasm; called once, at once. */
  wasm: () => Promise<WasmSource> | WasmSource;
  WebSocket?: WebSocketConstructor;
  tuning?: TuningOptions;
  media?: MediaAdapter;
  /** Makes the default media adapter when `media` is not given (each entry picks its own). */
  mediaFactory?: () => MediaAdapter;
  /** Set when the settings are unusable (e.g. a missing parameter): every call rejects with it. */
  configError?: TcccError;
  /** Called once by destroy() (the script entry removes window.tccc). */
  onDestroy?: () => void;
  /** Browser: load the built-in UI from `url` when it is to be shown (see uiLoader.ts). */
  ui?: { url: string; crossOrigin: string | null };
}

/** Key of the diagnostics hook used by the test-suite; not part of the public API. */
export const DIAGNOSTICS = Symbol.for('tccc.diagnostics');

interface Pending {
  resolve: (value: SuccessResponse) => void;
  reject: (error: TcccError) => void;
}

interface Queued extends Pending {
  api: string;
  argsJson: string;
}

type State = 'loading' | 'running' | 'failed' | 'destroyed';

function randomSeed(): number {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.getRandomValues === 'function') return c.getRandomValues(new Uint32Array(1))[0];
  return Math.floor(Math.random() * 0x100000000);
}

export class Sdk implements CommandSink {
  private _settings: SdkSettings;
  private _bus = new EventBus();
  private _ui = new UiState();
  private _media: MediaAdapter;
  private _state: State = 'loading';
  private _failure: TcccError | undefined;
  private _adapter: CoreAdapter | undefined;
  private _transport: Transport | undefined;
  private _scheduler: Scheduler | undefined;
  private _pending = new Map<number, Pending>();
  private _queued: Queued[] = [];
  private _uiUnload: (() => void) | undefined;
  readonly api: Tccc;

  constructor(settings: SdkSettings) {
    this._settings = settings;
    // Browsers get real audio; Node (tests, bots) has no WebRTC and keeps the signalling only.
    this._media = settings.media ?? settings.mediaFactory?.() ?? new NoopMediaAdapter();
    const prefetch = (this._media as { prefetch?: () => void }).prefetch;
    if (prefetch) this._bus.on('ready', () => prefetch.call(this._media));
    this._media.attach?.({
      signal: (kind, data) => this._invoke(`Media.${kind}`, data),
      mediaWs: async (sessionId) => {
        const res = await this._invoke('Media.ws', { sessionId });
        const data = res.data as { path: string; token: string };
        // The media socket is on the signalling origin (ws: or wss: as the agent socket is).
        return { path: data.path, token: data.token, url: new URL(data.path, this._settings.wsUrl).toString() };
      },
      emit: (name, data) => this._bus.emit(name, data),
      metering: () => this._bus.listening('audioVolume') || this._bus.listening('networkQuality'),
    });
    this.api = this._buildApi();
    if (settings.ui) {
      this._uiUnload = uiLoader(
        settings.ui.url,
        settings.ui.crossOrigin,
        this.api,
        this._ui,
        this._bus,
        () =>
          (this._adapter && this._state === 'running' ? this._adapter.sessions() : []) as Array<
            Record<string, unknown>
          >,
        this._media,
      ); // the UI's video pane reads remoteStream()/localStream() when the adapter has them
    }
    if (settings.configError) {
      this._state = 'failed';
      this._failure = settings.configError;
      return;
    }
    void this._load();
  }

  // --- CommandSink: what the core asks for ---------------------------------------------------

  execute(command: Command): void {
    switch (command.kind) {
      case 'connect':
        this._transport?.connect();
        break;
      case 'send':
        this._transport?.send(command.text);
        break;
      case 'close':
        this._transport?.close(command.code);
        break;
      case 'emit':
        this._bus.emit(command.name, command.data ?? {});
        break;
      case 'resolve':
        this._settle(command.handle, (p) => p.resolve({ status: 'success', data: command.data ?? {} }));
        break;
      case 'reject':
        this._settle(command.handle, (p) => p.reject(new TcccError(command.code, command.message)));
        break;
      case 'media':
        try {
          this._media.handle(command.name as MediaAction, command.data ?? {});
        } catch (err) {
          console.error(`[tccc] media action "${command.name}" failed:`, err);
        }
        break;
      default:
        break; // a newer core's command this shim does not know: nothing to do
    }
  }

  fatal(error: unknown): void {
    console.error('[tccc] the SDK core stopped working:', error);
    this._fail(TcccError.of('ERR_INTERNAL', `The SDK core stopped working: ${String(error)}`));
  }

  // --- lifecycle ------------------------------------------------------------------------------

  private async _load(): Promise<void> {
    const Ctor = this._settings.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof Ctor !== 'function') {
      const hint = 'No WebSocket implementation: in Node pass init({WebSocket: require("ws")}).';
      this._fail(TcccError.of('ERR_NOT_SUPPORTED', hint), true);
      return;
    }
    // The socket starts opening now and the wasm loads meanwhile (Transport.preconnect): the
    // core adopts it with its first "connect" command.
    const { sdkAppId, userId, token, tuning } = this._settings;
    const loginProtocols =
      tuning?.handshakeLogin === false ? undefined : handshakeLoginProtocols(sdkAppId, userId, token);
    const transport = new Transport(
      this._settings.wsUrl,
      Ctor,
      {
        onOpen: () => this._input(() => this._adapter?.onOpen()),
        onMessage: (text) => this._input(() => this._adapter?.onMessage(text)),
        onClose: (code) => this._input(() => this._adapter?.onClose(code)),
      },
      loginProtocols,
    );
    this._transport = transport;
    transport.preconnect();
    let adapter: CoreAdapter;
    try {
      const source = await this._settings.wasm();
      const config = {
        sdkAppId,
        userId,
        token,
        randomSeed: randomSeed(),
        handshakeLogin: loginProtocols !== undefined,
      };
      adapter = await CoreAdapter.load(source, { ...tuning, ...config }, this);
    } catch (err) {
      this._fail(TcccError.of('ERR_HTTP_REQUEST_FAILURE', `Could not load tccc-core.wasm: ${String(err)}`), true);
      return;
    }
    if (this._state !== 'loading') {
      // destroyed (or failed) while the wasm was loading
      adapter.destroy();
      return;
    }
    this._adapter = adapter;
    this._scheduler = new Scheduler(
      () => this._input(() => adapter.onTick()),
      () => adapter.msUntilDeadline(),
    );
    this._state = 'running';
    this._input(() => adapter.start());
    // Calls made while the wasm loaded go to the core now, in order; it answers them as it would
    // have (typically ERR_NOT_READY, or ERR_INVALID_ARGUMENT for bad options).
    const queued = this._queued;
    this._queued = [];
    for (const q of queued) this._send(q.api, q.argsJson, q);
  }

  /** Every input is followed by re-arming the timer at the core's new deadline. */
  private _input(fn: () => void): void {
    if (this._state !== 'running') return;
    fn();
    this._scheduler?.rearm();
  }

  private _fail(error: TcccError, log = false): void {
    if (this._state === 'destroyed' || this._state === 'failed') return;
    if (log) console.error(`[tccc] ${error.message}`);
    this._state = 'failed';
    this._failure = error;
    this._scheduler?.stop();
    this._transport?.close(1000);
    this._rejectAll(error);
  }

  private _rejectAll(error: TcccError): void {
    const pending = [...this._pending.values(), ...this._queued];
    this._pending.clear();
    this._queued = [];
    for (const p of pending) p.reject(new TcccError(error.code, error.errorMsg));
  }

  destroy(): void {
    if (this._state === 'destroyed') return;
    this._state = 'destroyed';
    // Listeners are dropped first: nothing the core says while shutting down reaches the page.
    this._bus.close();
    this._scheduler?.stop();
    // The core rejects its pending calls with ERR_DESTROYED and asks to close the socket; the
    // adapter carries that out (its pump ignores our state) and then deletes the core object.
    // (After a trap the adapter refuses to call into the wasm again; it only forgets the object.)
    this._adapter?.destroy();
    this._transport?.close(1000);
    this._rejectAll(TcccError.of('ERR_DESTROYED', 'The SDK instance has been destroyed.'));
    try {
      this._media.close();
    } catch (err) {
      console.error('[tccc] media close failed:', err);
    }
    this._uiUnload?.();
    try {
      this._settings.onDestroy?.();
    } catch (err) {
      console.error('[tccc] onDestroy failed:', err);
    }
  }

  // --- API calls ------------------------------------------------------------------------------

  /** One public API call: never throws; resolves {status:'success', data} or rejects TcccError. */
  private _invoke(api: string, options: unknown): Promise<SuccessResponse> {
    return new Promise<SuccessResponse>((resolve, reject) => {
      if (this._state === 'destroyed') {
        return reject(TcccError.of('ERR_DESTROYED', `${api}: the SDK instance has been destroyed.`));
      }
      if (this._state === 'failed') {
        const f = this._failure ?? TcccError.of('ERR_INTERNAL', 'The SDK failed.');
        return reject(new TcccError(f.code, f.errorMsg));
      }
      let argsJson: string | undefined;
      try {
        argsJson = JSON.stringify(options === undefined ? {} : options);
      } catch (err) {
        // A cycle or a BigInt: the core could never see these options.
        const why = `${api}: options cannot be serialised to JSON (${String(err)}).`;
        return reject(TcccError.of('ERR_INVALID_ARGUMENT', why));
      }
      // A function or symbol stringifies to undefined; hand the core a non-object so it rejects it.
      const json = argsJson === undefined ? 'null' : argsJson;
      if (this._state === 'loading') {
        this._queued.push({ api, argsJson: json, resolve, reject });
        return;
      }
      this._send(api, json, { resolve, reject });
    });
  }

  private _send(api: string, argsJson: string, p: Pending): void {
    const adapter = this._adapter;
    let registered = false;
    if (adapter && this._state === 'running') {
      adapter.call(api, argsJson, (handle) => {
        registered = true;
        this._pending.set(handle, p);
      });
      this._scheduler?.rearm();
    }
    if (!registered) {
      const f = this._failure ?? TcccError.of('ERR_DESTROYED', `${api}: the SDK instance has been destroyed.`);
      p.reject(new TcccError(f.code, f.errorMsg));
    }
  }

  private _settle(handle: number, fn: (p: Pending) => void): void {
    const p = this._pending.get(handle);
    if (!p) return;
    this._pending.delete(handle);
    fn(p);
  }

  // --- the public object ------------------------------------------------------------------------

  private _buildApi(): Tccc {
    // Every API of the vocabulary is one core call. Those the TCCC docs declare `void` (Agent.online,
    // offline) take no options (an onclick handler's event is ignored) and are routinely called
    // without looking at the result: they keep their promise for those who await it, but an ignored
    // failure is a warning, not an unhandled rejection.
    const call = (api: string) => {
      if (!VOID_APIS.includes(api)) return (options?: unknown) => this._invoke(api, options);
      return () => {
        const p = this._invoke(api, undefined);
        p.catch((err: TcccError) => console.warn(`[tccc] ${api} failed: ${err.errorMsg}`));
        return p;
      };
    };
    const group = (ns: keyof typeof API_METHODS) =>
      Object.fromEntries(API_METHODS[ns].map((n) => [n, call(`${ns}.${n}`)]));
    const api = {
      Call: Object.freeze(group('Call')),
      Chat: Object.freeze(group('Chat')),
      Video: Object.freeze(group('Video')),
      Agent: Object.freeze({
        ...group('Agent'),
        getStatus: (): AgentStatus => {
          const adapter = this._adapter;
          return (adapter && this._state === 'running' ? adapter.agentStatus() : 'offline') as AgentStatus;
        },
      }),
      Supervisor: Object.freeze(group('Supervisor')),
      Devices: Object.freeze(createDevices(() => this._media)),
      UI: Object.freeze(this._ui.api()),
      events,
      version: VERSION,
      on: (event: never, callback: never) => this._bus.on(event, callback),
      off: (event: never, callback: never) => this._bus.off(event, callback),
      destroy: () => this.destroy(),
    } as unknown as Tccc;
    Object.defineProperty(api, DIAGNOSTICS, {
      enumerable: false,
      value: () => ({
        state: this._state,
        phase: this._adapter?.phase(),
        heapBytes: this._adapter?.heapBytes(),
        sessions: this._adapter?.sessions(),
        stats: this._adapter?.stats(),
        pendingCalls: this._pending.size,
        coreDeleted: this._adapter ? this._adapter.isDeleted() : null,
        ui: this._ui.get(),
      }),
    });
    return Object.freeze(api);
  }

  /** The UI state, for the built-in UI when it loads. */
  get ui(): UiState {
    return this._ui;
  }
}
