// SPDX-License-Identifier: Apache-2.0
// The uni-app TCCCWorkstation API (seed guide, "座席端 SDK API 文档" › uni-app) in the browser, on the
// same SDK instance as `tccc` (Sdk.ts: the wasm core, the WebSocket transport, WebRtcMediaAdapter):
// a singleton whose methods take `(code, message)` callbacks instead of promises, whose events are
// `on('onEnded', (reason, reasonMessage, sessionId) => …)`, and whose calls need no sessionId (they
// act on the current call). This module owns the login lifecycle and the mapping; the parts are
// SessionEvents (events), AudioGraph + DeviceManager (volumes, route, music), media/CallMeters (levels,
// quality) and arguments.ts (checks). Entry points (the npm index, tccc-workstation.js) say where
// the wasm and the server are (environment.ts).
import { type MediaAdapter, NoopMediaAdapter } from '../MediaAdapter';
import { DIAGNOSTICS, Sdk } from '../Sdk';
import { buildSettings } from '../Settings';
import type { TcccError } from '../TcccError';
import type { Tccc, TuningOptions } from '../types';
import { VERSION } from '../version';
import { SDK_EVENTS } from '../vocabulary.generated';
import { WebRtcMediaAdapter } from '../WebRtcMediaAdapter';
import { webRtcAvailable } from '../webrtcSupport';
import { checkCall, checkDigits, checkExperimental, checkLogin, checkMusic } from './arguments';
import { AudioGraph } from './AudioGraph';
import { CallMeters } from '../media/CallMeters';
import { webRtcSource } from '../media/WebRtcStats';
import { DeviceManager } from './DeviceManager';
import { workstationEnvironment } from './environment';
import { TCCCServerType, TCCCWarningCode } from './enums';
import { Listeners } from './Listeners';
import { SessionEvents, type WorkstationEmit } from './SessionEvents';
import { TcccErrorCode } from './TcccErrorCode.generated';

/** `(code, message)`: `code == TcccErrorCode.ERR_NONE` is success. */
export type TCCCCallback = (code: number, message: string) => void;

/** `login`'s params: the seed's, plus `serverUrl` (ours). */
export interface TCCCLoginParams {
  /** The application, e.g. 1400000001 (`sdkAppId` is accepted too). */
  sdkAppID?: number | string;
  sdkAppId?: number | string;
  /** The agent, usually an e-mail address. */
  userId: string;
  /** The `Token` that the cloud API `CreateSDKLoginToken` returned. */
  token: string;
  /** `TCCCLoginType.Agent` (the default). */
  type?: number;
  /**
   * (ours) The tccc server, e.g. `https://cc.example.com`. Default: what
   * `callExperimentalAPI({api: 'setServerUrl'})` set, else, for tccc-workstation.js, the origin it
   * was loaded from.
   */
  serverUrl?: string;
}

/** `call`'s params. */
export interface TCCCCallParams {
  /** The number to call. */
  to: string;
  /** Shown instead of the number. */
  remark?: string;
  /** Your own data; comes back in the CDR. */
  uui?: string;
}

/** Log levels of `setLogLevel` (TRTC's numbering). */
export const TCCCLogLevel = Object.freeze({ Verbose: 0, Debug: 1, Info: 2, Warn: 3, Error: 4, Fatal: 5, None: 6 });

type LoginState = 'never' | 'loggingIn' | 'loggedIn' | 'loggedOut' | 'kicked' | 'failed';

const LOGIN_TIMEOUT_MS = 20000;

export class TCCCWorkstation {
  private static _shared: TCCCWorkstation | undefined;

  /** The one instance (created on first use). */
  static sharedInstance(): TCCCWorkstation {
    if (!TCCCWorkstation._shared) TCCCWorkstation._shared = new TCCCWorkstation();
    return TCCCWorkstation._shared;
  }

  /** Logs out, releases audio and listeners, and forgets the instance. */
  static destroyInstance(): void {
    const shared = TCCCWorkstation._shared;
    TCCCWorkstation._shared = undefined;
    shared?._destroy();
  }

  /** The Android/iOS spelling of {@link destroyInstance}. */
  static destroySharedInstance(): void {
    TCCCWorkstation.destroyInstance();
  }

  /** The SDK version, e.g. `'0.1.0'`. */
  static getSDKVersion(): string {
    return VERSION;
  }

  private _listeners = new Listeners();
  private _sessions = new SessionEvents();
  private _graph = new AudioGraph((message) => this._warning(TCCCWarningCode.AudioNotApplied, message));
  private _devices = new DeviceManager(this._graph, {
    error: (code, message) => this._error(code, message),
    warn: (message) => this._warning(TCCCWarningCode.AudioNotApplied, message),
  });
  private _meters = this._makeMeters();
  private _sdk: Sdk | undefined;
  private _media: WebRtcMediaAdapter | undefined;
  private _state: LoginState = 'never';
  private _userId = '';
  private _serverUrl: string | undefined;
  private _tuning: TuningOptions | undefined;
  private _peers = new Map<string, string>();
  private _mediaLost = new Set<string>();
  private _logLevel: number = TCCCLogLevel.Info;
  private _console = true;

  private constructor() {}

  getSDKVersion(): string {
    return VERSION;
  }

  // --- events -----------------------------------------------------------------------------------

  /** Listens to a workstation event (`onError`, `onEnded`, …); a bad name or callback is an onError. */
  on(name: string, callback: (...args: never[]) => void): void {
    if (!this._listeners.on(name, callback))
      this._error(
        typeof callback === 'function' ? TcccErrorCode.ERR_UNKNOWN_EVENT : TcccErrorCode.ERR_INVALID_ARGUMENT,
        `on: ${typeof callback === 'function' ? `there is no event ${JSON.stringify(name)}` : 'callback must be a function'}`,
      );
  }

  /** Removes `callback` of `name`, every listener of `name`, or with `'*'` every listener. */
  off(name: string, callback?: (...args: never[]) => void): void {
    if (!this._listeners.off(name, callback))
      this._error(TcccErrorCode.ERR_UNKNOWN_EVENT, `off: there is no event ${JSON.stringify(name)}`);
  }

  // --- login ------------------------------------------------------------------------------------

  /** Logs the agent in; `callback(ERR_NONE, …)` once calls can be made and received. */
  login(params: TCCCLoginParams, callback?: TCCCCallback): void {
    const cb = this._once(callback);
    const checked = checkLogin(params);
    if (!checked.ok) return cb(checked.code, checked.message);
    const env = workstationEnvironment();
    if (!env) return cb(TcccErrorCode.ERR_INTERNAL, 'login: this build has no workstation environment');
    this._graph.unlock();
    this._teardown(); // a second login replaces the first
    const server = checked.value.serverUrl ?? this._serverUrl ?? env.defaultServerUrl?.();
    if (!server)
      return cb(
        TcccErrorCode.ERR_INVALID_ARGUMENT,
        'login: no server: give serverUrl, or callExperimentalAPI({api: "setServerUrl", params: {serverUrl}})',
      );
    const media = this._makeMedia();
    const settings = buildSettings(
      { sdkAppId: checked.value.sdkAppId, userId: checked.value.userId, token: checked.value.token, server },
      { wasm: env.wasm, WebSocket: env.WebSocket, tuning: this._tuning, media },
    );
    if (settings.configError) return cb(settings.configError.code, settings.configError.errorMsg);
    const sdk = new Sdk(settings);
    this._sdk = sdk;
    this._media = media instanceof WebRtcMediaAdapter ? media : undefined;
    this._userId = checked.value.userId;
    this._state = 'loggingIn';
    this._log(TCCCLogLevel.Info, `login ${checked.value.userId} at ${server}`);
    const timer = setTimeout(
      () => failLogin(TcccErrorCode.ERR_SIP_REQUESTTIMEOUT, 'login: the server did not answer in time'),
      LOGIN_TIMEOUT_MS,
    );
    // An SDK that cannot start (no WebSocket, the wasm not loadable) emits no event: its state says
    // so, and any call then rejects with the reason.
    const watch = setInterval(() => {
      if (this._sdkState(sdk) !== 'failed') return;
      clearInterval(watch);
      sdk.api.Agent.setStatus({ status: 'free' }).then(
        () => undefined,
        (err: TcccError) => failLogin(err.code, `login: ${err.errorMsg}`),
      );
    }, 100);
    const failLogin = (code: number, message: string) => {
      clearTimeout(timer);
      clearInterval(watch);
      if (this._sdk !== sdk || this._state !== 'loggingIn') return;
      this._teardown('failed');
      cb(code, message);
    };
    for (const name of SDK_EVENTS)
      sdk.api.on(name, (event: unknown) => {
        if (this._sdk !== sdk) return;
        const payload = (event ?? {}) as { data?: Record<string, unknown>; message?: string };
        const data = payload.data ?? {};
        if (this._state === 'loggingIn') {
          if (name === 'ready') {
            clearTimeout(timer);
            clearInterval(watch);
            this._state = 'loggedIn';
            return cb(TcccErrorCode.ERR_NONE, 'logged in');
          }
          if (name === 'tokenExpired')
            return failLogin(
              typeof data.code === 'number' ? data.code : TcccErrorCode.ERR_HTTP_TOKEN_ERROR,
              `login: ${payload.message || 'the token was refused'}`,
            );
          if (name === 'connectionLost' || name === 'tryToReconnect' || name === 'reconnectFailed')
            return failLogin(TcccErrorCode.ERR_HTTP_REQUEST_FAILURE, `login: cannot reach the server at ${server}`);
        }
        this._onSdkEvent(name, data, payload);
      });
  }

  /** `ERR_NONE` while logged in (also while the SDK reconnects by itself); otherwise why not. */
  checkLogin(callback?: TCCCCallback): void {
    const [code, message] = this._loginStatus();
    this._once(callback)(code, message);
  }

  /** Logs out: the server takes the agent offline at once and ends its calls. */
  logout(callback?: TCCCCallback): void {
    const cb = this._once(callback);
    if (!this._sdk) return cb(TcccErrorCode.ERR_HAD_LOGGEDOUT, 'logout: not logged in');
    this._teardown('loggedOut');
    cb(TcccErrorCode.ERR_NONE, 'logged out');
  }

  // --- calls ------------------------------------------------------------------------------------

  /** Places an outbound call; `onNewSession` (CallOut) follows, then `onAccepted` when answered. */
  call(params: TCCCCallParams, callback?: TCCCCallback): void {
    const cb = this._once(callback);
    const checked = checkCall(params);
    if (!checked.ok) return cb(checked.code, checked.message);
    const api = this._api(cb, 'call');
    if (!api) return;
    this._graph.unlock(); // in the click that placed the call: Web Audio may start now
    this._settle(api.Call.startOutboundCall(checked.value), cb);
  }

  /** Answers the call ringing here. */
  answer(callback?: TCCCCallback): void {
    const cb = this._once(callback);
    const api = this._api(cb, 'answer');
    if (!api) return;
    const sessionId = this._sessions.current();
    if (!sessionId || !this._sessions.currentRinging())
      return cb(TcccErrorCode.ERR_INVALID_STATE, 'answer: no call is ringing');
    this._graph.unlock();
    this._settle(api.Call.accept({ sessionId }), cb);
  }

  /** Hangs up the current call (or rejects it while it rings); nothing to do without one. */
  terminate(callback?: TCCCCallback): void {
    this._onCurrent('terminate', callback, (api, sessionId) => api.Call.hungUp({ sessionId }), true);
  }

  /** Sends DTMF digits (0-9 * # A-D) in the current call. */
  sendDTMF(digits: string, callback?: TCCCCallback): void {
    const checked = checkDigits(digits);
    if (!checked.ok) return this._reply(callback, checked.code, checked.message);
    this._onCurrent('sendDTMF', callback, (api, sessionId) =>
      api.Call.sendDigits({ sessionId, dtmfText: checked.value }),
    );
  }

  /** Mutes the microphone in the current call (the far end hears silence). */
  mute(callback?: TCCCCallback): void {
    this._onCurrent('mute', callback, (api, sessionId) => api.Call.muteMic({ sessionId }));
  }

  unmute(callback?: TCCCCallback): void {
    this._onCurrent('unmute', callback, (api, sessionId) => api.Call.unmuteMic({ sessionId }));
  }

  /**
   * Mixes music into what the far end hears (with the microphone, as TRTC's background music): a
   * file URL, `{path, loop}`, or nothing for the built-in melody. Loops until stopPlayMusic().
   */
  startPlayMusic(params?: string | { path?: string; loop?: boolean }, callback?: TCCCCallback): void {
    const checked = checkMusic(params);
    if (!checked.ok) return this._reply(callback, checked.code, checked.message);
    this._graph.startMusic(checked.value.url, checked.value.loop).then(
      () => this._reply(callback, TcccErrorCode.ERR_NONE, 'playing'),
      (err: Error) => {
        this._warning(TCCCWarningCode.AudioNotApplied, `startPlayMusic: ${err?.message ?? String(err)}`);
        this._reply(callback, TcccErrorCode.ERR_NOT_SUPPORTED, `startPlayMusic: ${err?.message ?? String(err)}`);
      },
    );
  }

  stopPlayMusic(): void {
    this._graph.stopMusic();
  }

  // --- devices, logs, experiments ---------------------------------------------------------------

  getDeviceManager(): DeviceManager {
    return this._devices;
  }

  /** TRTC's levels: 0 Verbose … 6 None (default 2, Info). */
  setLogLevel(level: number): void {
    if (typeof level !== 'number' || level < 0 || level > 6)
      return this._error(TcccErrorCode.ERR_INVALID_ARGUMENT, 'setLogLevel: level must be 0 (Verbose) to 6 (None)');
    this._logLevel = level;
  }

  /** Whether the workstation's own log lines go to the console (default true). */
  setConsoleEnabled(enabled: boolean): void {
    this._console = !!enabled;
  }

  /**
   * Settings that are not in the uni-app API: `setServerUrl` {serverUrl}, `setEarpieceDevice`
   * {deviceId}, `setTuning` {TuningOptions}. Returns the code (0 on success); failures go to onError too.
   */
  callExperimentalAPI(json: string | { api: string; params?: Record<string, unknown> }): number {
    const checked = checkExperimental(json);
    if (!checked.ok) return this._fail(checked.code, checked.message);
    const { api, params } = checked.value;
    switch (api) {
      case 'setServerUrl':
        if (typeof params.serverUrl !== 'string' || !params.serverUrl)
          return this._fail(TcccErrorCode.ERR_INVALID_ARGUMENT, 'setServerUrl: params.serverUrl must be a URL');
        this._serverUrl = params.serverUrl;
        return TcccErrorCode.ERR_NONE;
      case 'setEarpieceDevice':
        if (typeof params.deviceId !== 'string')
          return this._fail(TcccErrorCode.ERR_INVALID_ARGUMENT, 'setEarpieceDevice: params.deviceId must be a string');
        this._devices.setEarpieceDevice(params.deviceId);
        return TcccErrorCode.ERR_NONE;
      case 'setTuning':
        this._tuning = params;
        return TcccErrorCode.ERR_NONE;
      default:
        return this._fail(TcccErrorCode.ERR_NOT_SUPPORTED, `callExperimentalAPI: unknown api ${JSON.stringify(api)}`);
    }
  }

  // --- internals --------------------------------------------------------------------------------

  private _makeMedia(): MediaAdapter {
    if (!webRtcAvailable()) return new NoopMediaAdapter();
    const gum = (c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c);
    return new WebRtcMediaAdapter({
      getUserMedia: async (c) => this._graph.processCapture(await gum(c)),
      playbackStream: (remote) => this._graph.processPlayback(remote),
      createAudioElement: () => {
        const el = document.createElement('audio');
        el.autoplay = true;
        el.style.display = 'none';
        el.dataset.tcccWorkstation = '';
        document.body.appendChild(el);
        this._devices.adopt(el);
        return el;
      },
    });
  }

  private _onSdkEvent(name: string, data: Record<string, unknown>, payload: { message?: string }): void {
    switch (name) {
      case 'callIn':
      case 'callOuted': {
        // callOuted carries only the sessionId: the rest is in the core's view of the session.
        const wire = this._wireSession(typeof data.sessionId === 'string' ? data.sessionId : '');
        // A login's snapshot replays the calls that ended in the last minutes (so that `tccc` can
        // say how they ended); a workstation that was not there reports no call that is over.
        if (wire.state === 'ended') return;
        const emits = this._sessions.feed(name, { ...wire, ...data });
        const peer = name === 'callIn' ? wire.callerPhoneNumber : wire.calleePhoneNumber;
        if (emits.length) this._peers.set(String(data.sessionId), typeof peer === 'string' ? peer : '');
        return this._emitAll(emits);
      }
      case 'calloutAccepted':
      case 'userAccessed':
      case 'autoTransfer':
      case 'transfer':
      case 'sessionEnded':
        return this._emitAll(this._sessions.feed(name, data));
      case 'connectionLost':
        return this._listeners.emit('onConnectionLost', TCCCServerType.Signalling);
      case 'tryToReconnect':
        return this._listeners.emit('onTryToReconnect', TCCCServerType.Signalling);
      case 'connectionRecovery':
        return this._listeners.emit('onConnectionRecovery', TCCCServerType.Signalling);
      case 'kickedOut':
        this._teardown('kicked');
        return this._error(TcccErrorCode.ERR_SIP_FORBIDDEN, 'this agent logged in elsewhere');
      case 'tokenExpired':
        return this._error(TcccErrorCode.ERR_HTTP_TOKEN_ERROR, payload.message || 'the login token was refused');
      case 'reconnectFailed':
        this._teardown('failed');
        return this._error(TcccErrorCode.ERR_HTTP_REQUEST_FAILURE, 'the connection to the server is lost for good');
      case 'mediaStateChanged':
        return this._onMediaState(data);
      case 'mediaWarning':
        if (data.active !== true) return;
        return data.warning === 'microphoneSilent'
          ? this._warning(TCCCWarningCode.MicrophoneSilent, 'the microphone gives only silence')
          : this._warning(TCCCWarningCode.NoInboundAudio, 'no audio arrives from the far end');
      default:
        return;
    }
  }

  /** A call's media connection as the connection events with `TCCCServerType.Media`; a failure as onError. */
  private _onMediaState(data: Record<string, unknown>): void {
    const sessionId = typeof data.sessionId === 'string' ? data.sessionId : '';
    switch (data.state) {
      case 'disconnected':
        if (!this._mediaLost.has(sessionId)) {
          this._mediaLost.add(sessionId);
          this._listeners.emit('onConnectionLost', TCCCServerType.Media);
        }
        return;
      case 'iceRestart':
        return this._listeners.emit('onTryToReconnect', TCCCServerType.Media);
      case 'connected':
        if (this._mediaLost.delete(sessionId)) this._listeners.emit('onConnectionRecovery', TCCCServerType.Media);
        return;
      case 'failed': {
        const reason = typeof data.reason === 'string' ? data.reason : 'the media connection failed';
        const code = /microphone/.test(reason) ? TcccErrorCode.ERR_MIC_START_FAIL : TcccErrorCode.ERR_ANSWER_FAILURE;
        return this._error(code, reason);
      }
      case 'closed':
        this._mediaLost.delete(sessionId);
        return;
      default:
        return;
    }
  }

  private _emitAll(emits: WorkstationEmit[]): void {
    for (const e of emits) {
      if (e.name === 'onAccepted') this._meters.start();
      if (e.name === 'onEnded') {
        this._peers.delete(e.args[2]);
        if (!this._sessions.current()) this._meters.stop();
        this._devices.prune();
      }
      this._log(TCCCLogLevel.Info, `${e.name} ${JSON.stringify(e.args)}`);
      (this._listeners.emit as (name: string, ...args: unknown[]) => void)(e.name, ...e.args);
    }
  }

  /** The SDK's own view (its diagnostics hook): its state and the core's sessions. */
  private _diagnostics(sdk: Sdk | undefined): { state?: string; sessions?: unknown[] } {
    const api = sdk?.api as unknown as Record<symbol, (() => { state?: string; sessions?: unknown[] }) | undefined>;
    return api?.[DIAGNOSTICS]?.() ?? {};
  }

  private _sdkState(sdk: Sdk): string | undefined {
    return this._diagnostics(sdk).state;
  }

  private _wireSession(sessionId: string): Record<string, unknown> {
    const sessions = this._diagnostics(this._sdk).sessions ?? [];
    const found = sessions.find((s) => (s as { sessionId?: unknown }).sessionId === sessionId);
    return (found as Record<string, unknown>) ?? {};
  }

  /**
   * The levels and quality of the current call (src/media/CallMeters.ts) from its peer connection,
   * the far end's level as the page's own audio graph measures it when it can. Nothing is reported
   * while the connection is not up (as the native SDKs do).
   */
  private _makeMeters(): CallMeters {
    const stats = webRtcSource(() => this._peerConnection());
    const source = {
      read: async () => {
        const s = await stats.read();
        return s?.connected ? { ...s, remoteLevel: this._graph.remoteLevel() ?? s.remoteLevel } : undefined;
      },
    };
    return new CallMeters(source, {
      volume: (agent, remote) => {
        this._listeners.emit('onAudioVolume', this._userId, agent);
        this._listeners.emit('onAudioVolume', this._remoteUserId(), remote);
      },
      quality: ({ quality }) => this._listeners.emit('onNetworkQuality', { userId: this._userId, quality }, []),
    });
  }

  private _peerConnection(): RTCPeerConnection | undefined {
    const id = this._sessions.current();
    return id ? this._media?.peerConnection(id) : undefined;
  }

  private _remoteUserId(): string {
    const id = this._sessions.current();
    return (id && this._peers.get(id)) || '';
  }

  private _loginStatus(): [number, string] {
    switch (this._state) {
      case 'loggedIn':
        return [TcccErrorCode.ERR_NONE, 'logged in'];
      case 'loggingIn':
        return [TcccErrorCode.ERR_NOT_READY, 'logging in: wait for the login callback'];
      case 'loggedOut':
        return [TcccErrorCode.ERR_HAD_LOGGEDOUT, 'logged out: log in again'];
      case 'kicked':
        return [TcccErrorCode.ERR_SIP_FORBIDDEN, 'this agent logged in elsewhere: log in again'];
      case 'failed':
        return [TcccErrorCode.ERR_HTTP_REQUEST_FAILURE, 'not logged in: the last login or connection failed'];
      default:
        return [TcccErrorCode.ERR_SIP_BAD_REQUEST, 'not logged in: call login first'];
    }
  }

  /** The `tccc` object while logged in; otherwise answers `cb` with why not. */
  private _api(cb: TCCCCallback, method: string): Tccc | undefined {
    if (this._state === 'loggedIn' && this._sdk) return this._sdk.api;
    const [code, message] = this._loginStatus();
    cb(code === TcccErrorCode.ERR_NONE ? TcccErrorCode.ERR_NOT_READY : code, `${method}: ${message}`);
    return undefined;
  }

  private _onCurrent(
    method: string,
    callback: TCCCCallback | undefined,
    act: (api: Tccc, sessionId: string) => Promise<unknown>,
    noCallIsFine = false,
  ): void {
    const cb = this._once(callback, method);
    const api = this._api(cb, method);
    if (!api) return;
    const sessionId = this._sessions.current();
    if (!sessionId)
      return noCallIsFine
        ? cb(TcccErrorCode.ERR_NONE, `${method}: no call`)
        : cb(TcccErrorCode.ERR_INVALID_STATE, `${method}: there is no call`);
    this._settle(act(api, sessionId), cb);
  }

  private _settle(p: Promise<unknown>, cb: TCCCCallback): void {
    p.then(
      () => cb(TcccErrorCode.ERR_NONE, 'ok'),
      (err: TcccError) => cb(err?.code ?? TcccErrorCode.ERR_INTERNAL, err?.errorMsg ?? String(err)),
    );
  }

  /**
   * The callback, called at most once and never throwing into the SDK. Without a callback a failure
   * goes to onError (named after `method` when given), so it is never silent.
   */
  private _once(callback: TCCCCallback | undefined, method?: string): TCCCCallback {
    let done = false;
    return (code, message) => {
      if (done) return;
      done = true;
      this._reply(callback, code, message, method);
    };
  }

  private _reply(callback: unknown, code: number, message: string, _method?: string): void {
    if (code !== TcccErrorCode.ERR_NONE) this._log(TCCCLogLevel.Debug, `${code} ${message}`);
    if (typeof callback === 'function') {
      try {
        (callback as TCCCCallback)(code, message);
      } catch (err) {
        console.error('[tccc] a workstation callback threw:', err);
      }
    } else if (code !== TcccErrorCode.ERR_NONE) {
      this._error(code, message);
    }
  }

  private _fail(code: number, message: string): number {
    this._error(code, message);
    return code;
  }

  private _error(code: number, message: string): void {
    this._log(TCCCLogLevel.Error, `onError ${code} ${message}`);
    this._listeners.emit('onError', code, message);
  }

  private _warning(code: number, message: string): void {
    this._log(TCCCLogLevel.Warn, `onWarning ${code} ${message}`);
    this._listeners.emit('onWarning', code, message);
  }

  private _log(level: number, text: string): void {
    if (!this._console || level < this._logLevel) return;
    const line = `[tccc-workstation] ${text}`;
    if (level >= TCCCLogLevel.Error) console.error(line);
    else if (level >= TCCCLogLevel.Warn) console.warn(line);
    else console.info(line);
  }

  /** Ends the SDK instance (logging out) and the call state; `state` is what checkLogin says next. */
  private _teardown(state?: LoginState): void {
    const sdk = this._sdk;
    this._sdk = undefined;
    this._media = undefined;
    this._meters.stop();
    this._sessions.clear();
    this._peers.clear();
    this._mediaLost.clear();
    if (state) this._state = state;
    sdk?.destroy();
    this._devices.prune();
  }

  private _destroy(): void {
    this._teardown('loggedOut');
    this._graph.close();
    this._listeners.off('*');
  }
}

/** The seed's import spelling: `import {TcccWorkstation} from "tccc-sdk"`. */
export const TcccWorkstation = TCCCWorkstation;
