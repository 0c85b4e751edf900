// SPDX-License-Identifier: Apache-2.0
// The only module that touches the Emscripten Module: it loads the WebAssembly core, owns the
// TcccCore object (bindings/TcccCore.js; and deletes it), feeds it inputs and turns the commands it
// drains into calls on a CommandSink (the facade). Everything above this file sees plain typed
// methods.
import createTcccCore, { type TcccCore, type TcccCoreModule } from 'tccc-core-glue';
import { monotonicNow } from './clock';
import { compileWasmFromUrl } from './wasmCompile';
import { type CoreConfigJson, Phase } from './vocabulary.generated';

/** Where the wasm comes from: bytes (Node, bundlers) or a URL fetched by the browser. */
export type WasmSource =
  | { kind: 'bytes'; bytes: ArrayBuffer | Uint8Array }
  | { kind: 'url'; url: string; module?: Promise<WebAssembly.Module> };

/** The commands of src/core/Core.hpp, as commandsToJson writes them. */
export type Command =
  | { kind: 'connect' }
  | { kind: 'send'; text: string }
  | { kind: 'close'; code: number }
  | { kind: 'emit'; name: string; data: Record<string, unknown> }
  | { kind: 'resolve'; handle: number; data: Record<string, unknown> }
  | { kind: 'reject'; handle: number; code: number; message: string }
  | { kind: 'media'; name: string; data: Record<string, unknown> };

export interface CommandSink {
  /** Carries out one command. Called in queue order; never re-entered. */
  execute(command: Command): void;
  /** The core trapped (a C++ abort): it is unusable from now on. */
  fatal(error: unknown): void;
}

export { Phase, type CoreConfigJson } from './vocabulary.generated';

const now = monotonicNow;

/** Frames up to this many UTF-8 bytes go through the fast input path (protocol limit: 64 KiB). */
const MAX_FAST_INPUT_BYTES = 3 * 65536;
const utf8 = new TextEncoder();

export class CoreAdapter {
  private _module: TcccCoreModule;
  private _core: TcccCore | null;
  private _sink: CommandSink;
  private _pumping = false;
  private _broken = false;
  private _inputPtr = 0; // inputBuffer() of the core, owned by the C++ side
  private _inputCapacity = 0;

  private constructor(module: TcccCoreModule, core: TcccCore, sink: CommandSink) {
    this._module = module;
    this._core = core;
    this._sink = sink;
  }

  /** Loads the module and creates one core. Rejects when the wasm cannot be fetched or compiled. */
  static async load(source: WasmSource, config: CoreConfigJson, sink: CommandSink): Promise<CoreAdapter> {
    // In the browser the glue gets the module compiled from the URL (with the compilation that
    // started with the script, if there is one); in Node the bytes, which it compiles itself.
    const wasm = source.kind === 'bytes' ? source.bytes : await (source.module ?? compileWasmFromUrl(source.url));
    const module = await createTcccCore({ wasm });
    return new CoreAdapter(module, new module.TcccCore(JSON.stringify(config)), sink);
  }

  start(): void {
    this._input((c) => c.start(now()));
  }
  /**
   * A public API call. `register` receives the handle before the core's commands are carried out,
   * because the core may settle the call at once (bad arguments, not ready) in the same batch.
   * Returns false if the core is gone (destroyed or trapped).
   */
  call(api: string, argsJson: string, register: (handle: number) => void): boolean {
    if (!this._core || this._broken) return false;
    this._input((c) => register(c.call(api, argsJson, now())));
    return true;
  }
  onOpen(): void {
    this._input((c) => c.onOpen(now()));
  }
  onMessage(text: string): void {
    this._input((c) => {
      // UTF-8 needs at most 3 bytes per UTF-16 unit. Frames beyond the protocol's limit take the
      // plain path (the core refuses them anyway) so the input buffer never balloons.
      const capacity = text.length * 3;
      if (capacity > MAX_FAST_INPUT_BYTES) {
        c.onMessage(text, now());
        return;
      }
      if (capacity > this._inputCapacity) {
        this._inputCapacity = Math.max(capacity, 4096);
        this._inputPtr = c.inputBuffer(this._inputCapacity);
      }
      // Re-read HEAPU8 every time: memory growth replaces the view (addresses stay valid).
      const view = this._module.HEAPU8.subarray(this._inputPtr, this._inputPtr + capacity);
      const { written } = utf8.encodeInto(text, view);
      c.onMessageInput(written ?? 0, now());
    });
  }
  onClose(code: number): void {
    this._input((c) => c.onClose(code, now()));
  }
  onTick(): void {
    this._input((c) => c.onTick(now()));
  }

  /** Milliseconds until the core wants onTick, or -1 for never. */
  msUntilDeadline(): number {
    if (!this._core || this._broken) return -1;
    const deadline = this._core.nextDeadline();
    return deadline < 0 ? -1 : Math.max(0, deadline - now());
  }

  phase(): Phase {
    return this._core && !this._broken ? this._core.phase() : Phase.Destroyed;
  }
  agentStatus(): string {
    return this._core && !this._broken ? this._core.agentStatus() : 'offline';
  }
  sessions(): unknown[] {
    return this._core && !this._broken ? (JSON.parse(this._core.sessions()) as unknown[]) : [];
  }
  /** The core's counters of dropped or tolerated input (CoreStats). */
  stats(): Record<string, number> {
    return this._core && !this._broken ? (JSON.parse(this._core.stats()) as Record<string, number>) : {};
  }
  /** Bytes of wasm linear memory (grows only): lets tests see a leak. */
  heapBytes(): number {
    return this._module.HEAP8.length;
  }
  isDeleted(): boolean {
    return this._core === null;
  }

  /** Tells the core to shut down, carries out its last commands, then frees the C++ object. */
  destroy(): void {
    if (!this._core) return;
    if (!this._broken) this._input((c) => c.destroy(now()));
    if (!this._broken) this._core.delete();
    this._core = null;
  }

  // Every input is followed by draining the queue. Inputs may arrive while commands are being
  // carried out (a send that fails synchronously, say): the outer loop then drains their commands
  // after the current batch, so commands always run in the order the core queued them.
  private _input(fn: (core: TcccCore) => void): void {
    const core = this._core;
    if (!core || this._broken) return;
    try {
      fn(core);
    } catch (err) {
      this._fail(err);
      return;
    }
    if (this._pumping) return;
    this._pumping = true;
    try {
      for (;;) {
        if (this._broken || !this._core) break;
        let batch: Command[];
        try {
          batch = JSON.parse(this._core.drain()) as Command[];
        } catch (err) {
          this._fail(err);
          break;
        }
        if (batch.length === 0) break;
        for (const command of batch) this._sink.execute(command);
      }
    } finally {
      this._pumping = false;
    }
  }

  private _fail(err: unknown): void {
    // A trap leaves the wasm instance in an undefined state: never call into it again.
    this._broken = true;
    this._sink.fatal(err);
  }
}
