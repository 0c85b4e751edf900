// SPDX-License-Identifier: Apache-2.0
// Event names: the TCCC docs' eleven, then ours about the connection, the media and chats
// (src/protocol/vocabulary.json, `sdkEvents`).
import type { EventName, Events } from './types';
import { SDK_EVENTS } from './vocabulary.generated';

/** Every event name, in documentation order. */
export const EVENT_NAMES: readonly EventName[] = SDK_EVENTS;

/** `tccc.events`: `tccc.on(tccc.events.callIn, …)` and `tccc.on('callIn', …)` are the same. */
export const events: Events = Object.freeze(
  Object.fromEntries(EVENT_NAMES.map((n) => [n, n])) as { [K in EventName]: K },
);
