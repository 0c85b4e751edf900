// SPDX-License-Identifier: Apache-2.0
// Compile-time checks that the hand-written public typings (types.ts, with their documentation) say
// exactly what the wire vocabulary (src/protocol/vocabulary.json, vocabulary.generated.ts) has: an
// API, an event or a tuning option added on one side and not the other fails `tsc` (the typings
// build, scripts/build-js.mjs). Nothing here is bundled or published.
import type {
  AgentApiName,
  CallApiName,
  ChatApiName,
  CoreConfigJson,
  SdkEventName,
  SupervisorApiName,
  TuningKey,
  VideoApiName,
} from './vocabulary.generated';
import type { AgentApi, CallApi, ChatApi, EventName, SupervisorApi, TuningOptions, VideoApi } from './types';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

export type VocabularyMatchesTypings = [
  Holds<Same<keyof CallApi, CallApiName>>,
  Holds<Same<keyof ChatApi, ChatApiName>>,
  Holds<Same<keyof VideoApi, VideoApiName>>,
  // getStatus() is answered by the shim from the core's state, not a request.
  Holds<Same<Exclude<keyof AgentApi, 'getStatus'>, AgentApiName>>,
  Holds<Same<keyof SupervisorApi, SupervisorApiName>>,
  Holds<Same<EventName, SdkEventName>>,
  Holds<Same<keyof TuningOptions, TuningKey>>,
  Holds<Same<TuningKey, Extract<keyof CoreConfigJson, TuningKey>>>,
];
