// SPDX-License-Identifier: Apache-2.0
// The script-tag SDK's media adapter: a stand-in that fetches the real WebRtcMediaAdapter
// (dist/tccc-media.js, next to tccc.js) in idle time after `ready`, so the download that gets an
// agent to `ready` does not carry WebRTC code, while the first call does not wait for it either.
// Commands that arrive before the chunk are queued and replayed in order; if it cannot be fetched,
// the sessions concerned are reported as media `failed` and calls go on without audio.
import { loadScript } from './loadScript';
import type { MediaAdapter, MediaHost } from './MediaAdapter';
import type { MediaStreamSource } from './uiHost';
import { MEDIA_GLOBAL_KEY } from './webrtcSupport';
import type { MediaAction } from './vocabulary.generated';

/** What the real adapter is built with (a subset of WebRtcMediaOptions that a script tag can give). */
export interface LazyMediaOptions {
  holdMusicUrl?: string;
  transport?: 'auto' | 'webrtc' | 'websocket';
  fallbackAfterMs?: number;
}

type AdapterClass = new (options?: LazyMediaOptions) => MediaAdapter;

export class LazyMediaAdapter implements MediaAdapter {
  private _url: string;
  private _crossOrigin: string | null;
  private _host: MediaHost | undefined;
  private _real: MediaAdapter | undefined;
  private _speaker = '';
  private _queue: Array<[MediaAction, Record<string, unknown>]> = [];
  private _state: 'idle' | 'loading' | 'loaded' | 'failed' | 'closed' = 'idle';
  private _waiters: Array<[() => void, (e: Error) => void]> = [];

  private _options: LazyMediaOptions | undefined;

  constructor(url: string, crossOrigin: string | null, options?: LazyMediaOptions) {
    this._url = url;
    this._crossOrigin = crossOrigin;
    this._options = options;
  }

  attach(host: MediaHost): void {
    this._host = host;
  }

  /** Starts fetching the chunk when the page is idle (called once the SDK is ready). */
  prefetch(): void {
    const idle = (globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void })
      .requestIdleCallback;
    if (idle) idle(() => this._load(), { timeout: 2000 });
    else setTimeout(() => this._load(), 0);
  }

  handle(action: MediaAction, data: Record<string, unknown>): void {
    if (this._real) return this._real.handle(action, data);
    if (this._state === 'failed' || this._state === 'closed') return this._fail(data);
    this._queue.push([action, data]);
    this._load();
  }

  /** The real adapter's streams once it is loaded (the built-in UI's video pane asks for them). */
  remoteStream(sessionId: string): MediaStream | undefined {
    return (this._real as MediaStreamSource | undefined)?.remoteStream?.(sessionId);
  }

  localStream(sessionId: string): MediaStream | undefined {
    return (this._real as MediaStreamSource | undefined)?.localStream?.(sessionId);
  }

  /** Switches the microphone: at once when the real adapter is here (calls may be under way),
   *  otherwise it is fetched first, so a refused or missing device is reported now, not at the next call. */
  async setMicrophone(deviceId: string): Promise<void> {
    if (!this._real) {
      if (this._state === 'failed' || this._state === 'closed') throw new Error('media module unavailable');
      await new Promise<void>((resolve, reject) => {
        this._waiters.push([resolve, reject]);
        this._load();
      });
    }
    await this._real!.setMicrophone?.(deviceId);
  }

  /** The output for calls: kept until the real adapter is here (nothing plays before it). */
  async setSpeaker(deviceId: string): Promise<void> {
    this._speaker = deviceId;
    await this._real?.setSpeaker?.(deviceId);
  }

  close(): void {
    this._state = 'closed';
    this._queue = [];
    for (const [, reject] of this._waiters.splice(0)) reject(new Error('the SDK was destroyed'));
    this._real?.close();
  }

  private _load(): void {
    if (this._state !== 'idle') return;
    this._state = 'loading';
    const key = Symbol.for(MEDIA_GLOBAL_KEY);
    const ready = () => {
      const Adapter = (globalThis as Record<symbol, AdapterClass | undefined>)[key];
      if (!Adapter) return failed();
      if (this._state === 'closed') return;
      this._state = 'loaded';
      this._real = new Adapter(this._options);
      if (this._host) this._real.attach?.(this._host);
      if (this._speaker) void this._real.setSpeaker?.(this._speaker).catch(() => undefined);
      const queued = this._queue;
      this._queue = [];
      for (const [action, data] of queued) this._real.handle(action, data);
      for (const [resolve] of this._waiters.splice(0)) resolve();
    };
    const failed = () => {
      if (this._state === 'closed') return;
      this._state = 'failed';
      console.error(`[tccc] ${this._url} could not be loaded: calls go on without audio in this page.`);
      const queued = this._queue;
      this._queue = [];
      for (const [, data] of queued) this._fail(data);
      for (const [, reject] of this._waiters.splice(0)) reject(new Error('media module unavailable'));
    };
    if ((globalThis as Record<symbol, unknown>)[key]) return ready(); // another instance loaded it
    const doc = (globalThis as { document?: Document }).document;
    if (!doc?.createElement) return failed();
    loadScript(doc, this._url, this._crossOrigin, ready, failed);
  }

  private _fail(data: Record<string, unknown>): void {
    if (typeof data.sessionId === 'string')
      this._host?.emit('mediaStateChanged', {
        sessionId: data.sessionId,
        state: 'failed',
        reason: 'media module unavailable',
      });
  }
}
