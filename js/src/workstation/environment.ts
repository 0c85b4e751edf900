// SPDX-License-Identifier: Apache-2.0
// Where the workstation gets its wasm and default server: each entry point (the npm index, the
// script tag) says so once, before the page uses the workstation. Kept out of the public typings.
import type { WasmSource } from '../CoreAdapter';
import type { WebSocketConstructor } from '../types';

export interface WorkstationEnvironment {
  wasm: () => Promise<WasmSource> | WasmSource;
  /** The server when neither login nor setServerUrl names one. */
  defaultServerUrl?: () => string | undefined;
  WebSocket?: WebSocketConstructor;
}

let current: WorkstationEnvironment | undefined;

export function configureWorkstation(env: WorkstationEnvironment): void {
  current = env;
}

export function workstationEnvironment(): WorkstationEnvironment | undefined {
  return current;
}
