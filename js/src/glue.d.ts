// SPDX-License-Identifier: Apache-2.0
// Types of the Emscripten glue (build/wasm/tccc-core.js), which esbuild resolves through the alias
// 'tccc-core-glue'. Only CoreAdapter.ts imports it.
declare module 'tccc-core-glue' {
  /** The class of bindings/TcccCore.js over the C exports of bindings/CoreBinding.cpp. */
  export interface TcccCore {
    start(now: number): void;
    call(api: string, argsJson: string, now: number): number;
    onOpen(now: number): void;
    onMessage(text: string, now: number): void;
    /** A pointer to at least `capacity` bytes of input buffer (grows only). */
    inputBuffer(capacity: number): number;
    /** Feeds the first `length` bytes of the input buffer as one frame. */
    onMessageInput(length: number, now: number): void;
    onClose(code: number, now: number): void;
    onTick(now: number): void;
    destroy(now: number): void;
    nextDeadline(): number;
    drain(): string;
    phase(): number;
    agentStatus(): string;
    sessions(): string;
    stats(): string;
    delete(): void;
    isDeleted(): boolean;
  }
  export interface TcccCoreModule {
    TcccCore: new (configJson: string) => TcccCore;
    HEAP8: Int8Array;
    HEAPU8: Uint8Array;
  }
  export interface ModuleOverrides {
    /** The core: compiled, or its bytes (the glue compiles them). */
    wasm: WebAssembly.Module | ArrayBuffer | Uint8Array;
  }
  /** Rejects if the wasm cannot be compiled or instantiated, or aborts while starting. */
  const createTcccCore: (overrides: ModuleOverrides) => Promise<TcccCoreModule>;
  export default createTcccCore;
}
