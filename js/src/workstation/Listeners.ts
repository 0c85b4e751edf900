// SPDX-License-Identifier: Apache-2.0
// The workstation's `on(name, cb)` / `off(name)` / `off('*')`. Listeners are called with positional
// arguments, as the uni-app API's are (`onEnded(reason, reasonMessage, sessionId)`), each in its own
// try/catch so that one that throws neither stops the others nor reaches the SDK.

/** Every workstation event name. */
export const WORKSTATION_EVENTS = [
  'onError',
  'onWarning',
  'onNewSession',
  'onAccepted',
  'onEnded',
  'onAudioVolume',
  'onNetworkQuality',
  'onConnectionLost',
  'onTryToReconnect',
  'onConnectionRecovery',
] as const;
export type WorkstationEventName = (typeof WORKSTATION_EVENTS)[number];

type AnyListener = (...args: unknown[]) => void;

export class Listeners {
  private _map = new Map<string, AnyListener[]>();

  /** Adds a listener; false when the name or the callback is not usable (the caller reports it). */
  on(name: unknown, callback: unknown): boolean {
    if (!isEventName(name) || typeof callback !== 'function') return false;
    const list = this._map.get(name) ?? [];
    list.push(callback as AnyListener);
    this._map.set(name, list);
    return true;
  }

  /** Removes `callback`, or every listener of `name`, or with `'*'` every listener at all. */
  off(name: unknown, callback?: unknown): boolean {
    if (name === '*') {
      this._map.clear();
      return true;
    }
    if (!isEventName(name)) return false;
    if (typeof callback !== 'function') {
      this._map.delete(name);
      return true;
    }
    const list = this._map.get(name) ?? [];
    const i = list.indexOf(callback as AnyListener);
    if (i >= 0) list.splice(i, 1);
    return true;
  }

  has(name: WorkstationEventName): boolean {
    return (this._map.get(name)?.length ?? 0) > 0;
  }

  emit(name: WorkstationEventName, ...args: unknown[]): void {
    for (const listener of [...(this._map.get(name) ?? [])]) {
      try {
        listener(...args);
      } catch (err) {
        console.error(`[tccc] a ${name} listener threw:`, err);
      }
    }
  }
}

export function isEventName(name: unknown): name is WorkstationEventName {
  return typeof name === 'string' && (WORKSTATION_EVENTS as readonly string[]).includes(name);
}
