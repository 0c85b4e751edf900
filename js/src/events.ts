// SPDX-License-Identifier: Apache-2.0
// Event names: the TCCC docs' eleven, then ours about the connection and the media.
import type { EventName, Events } from './types';

/** Every event name, in documentation order. */
export const EVENT_NAMES: readonly EventName[] = [
  'ready', 'tokenExpired', 'callIn', 'userAccessed', 'autoTransfer', 'sessionEnded', 'callOuted',
  'calloutAccepted', 'transfer', 'statusChanged', 'asr',
  'connectionLost', 'tryToReconnect', 'connectionRecovery', 'kickedOut', 'reconnectFailed',
  'mediaStateChanged', 'messageReceived', 'mediaWarning',
];

/** `tccc.events`: `tccc.on(tccc.events.callIn, …)` and `tccc.on('callIn', …)` are the same. */
export const events: Events = Object.freeze(
  Object.fromEntries(EVENT_NAMES.map((n) => [n, n])) as { [K in EventName]: K },
);
