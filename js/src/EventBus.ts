// SPDX-License-Identifier: Apache-2.0
// Listener registry behind tccc.on/off. Delivery is asynchronous (one microtask per event, in
// order) for two reasons: a promise settled by the same core batch resolves first, as the protocol
// promises ("a response is sent before the events it caused"), and a listener that calls back into
// the SDK never re-enters the command pump. A throwing listener is reported and skipped.
import { TcccError } from './TcccError';
import { EVENT_NAMES } from './events';
import type { EventName, EventPayloads, Listener } from './types';

type AnyListener = (payload: unknown) => void;

export class EventBus {
  private _listeners = new Map<EventName, AnyListener[]>();
  private _readyPayload: EventPayloads['ready'] | undefined;
  private _closed = false;

  on<K extends EventName>(event: K, callback: Listener<K>): void {
    this._check(event, callback);
    if (this._closed) return;
    const list = this._listeners.get(event) ?? [];
    list.push(callback as AnyListener);
    this._listeners.set(event, list);
    // `ready` is sticky: integrators often subscribe after the SDK has already logged in (e.g. in a
    // component mounted later). Call such a late listener once, asynchronously like any event.
    if (event === 'ready' && this._readyPayload) {
      const payload = this._readyPayload;
      queueMicrotask(() => {
        const stillThere = this._listeners.get('ready')?.includes(callback as AnyListener);
        if (stillThere) this._call(event, callback as AnyListener, payload);
      });
    }
  }

  off<K extends EventName>(event: K, callback: Listener<K>): void {
    this._check(event, callback);
    const list = this._listeners.get(event);
    if (!list) return;
    const i = list.indexOf(callback as AnyListener);
    if (i >= 0) list.splice(i, 1);
  }

  /** Whether `event` has a listener now. */
  listening(event: EventName): boolean {
    return !!this._listeners.get(event)?.length;
  }

  /** Queues delivery of one event to the listeners registered when it is delivered. */
  emit(event: string, data: Record<string, unknown>): void {
    if (this._closed || !(EVENT_NAMES as readonly string[]).includes(event)) return;
    const name = event as EventName;
    const payload: Record<string, unknown> = { data };
    // tokenExpired also carries `message` at the top level: integrators destructure ({message}).
    if (name === 'tokenExpired') payload.message = typeof data.message === 'string' ? data.message : '';
    if (name === 'ready') this._readyPayload = payload as EventPayloads['ready'];
    queueMicrotask(() => {
      if (this._closed) return;
      // Copy: a listener may call on/off while we iterate.
      for (const listener of [...(this._listeners.get(name) ?? [])]) this._call(name, listener, payload);
    });
  }

  /** Drops every listener; later emits are ignored (used by destroy()). */
  close(): void {
    this._closed = true;
    this._listeners.clear();
  }

  private _call(event: EventName, listener: AnyListener, payload: unknown): void {
    try {
      listener(payload);
    } catch (err) {
      console.error(`[tccc] a listener of "${event}" threw; other listeners still run:`, err);
    }
  }

  private _check(event: unknown, callback: unknown): void {
    if (typeof event !== 'string' || !(EVENT_NAMES as readonly string[]).includes(event)) {
      const name = JSON.stringify(String(event));
      throw TcccError.of('ERR_UNKNOWN_EVENT', `There is no event named ${name}; see tccc.events.`);
    }
    if (typeof callback !== 'function') {
      const got = typeof callback;
      throw TcccError.of('ERR_INVALID_ARGUMENT', `The listener of "${event}" must be a function, got ${got}.`);
    }
  }
}
