// SPDX-License-Identifier: Apache-2.0
// Keeps one timer armed to fire no later than the core's next deadline. Background tabs throttle
// timers (to a minute or more) and frozen ones run none at all, so the page becoming visible again,
// resuming from the Page Lifecycle's frozen state, or the network coming back also ticks the core at
// once: a dead connection is then noticed immediately, not at the next throttled timer.
import { monotonicNow } from './clock';

/** Document events after which the timers may have been held back: the core is ticked at once. */
const DOCUMENT_WAKE_EVENTS = ['visibilitychange', 'resume'] as const;

export class Scheduler {
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _armedFor = 0; // when the armed timer fires (monotonicNow clock)
  private _tick: () => void;
  private _msUntilDeadline: () => number;
  private _wake = () => this._tick();
  private _windowHooked = false;

  constructor(tick: () => void, msUntilDeadline: () => number) {
    this._tick = tick;
    this._msUntilDeadline = msUntilDeadline;
    const g = globalThis as { addEventListener?: (t: string, f: () => void) => void; document?: unknown };
    if (typeof g.addEventListener === 'function' && g.document) {
      g.addEventListener('online', this._wake);
      for (const type of DOCUMENT_WAKE_EVENTS) (g.document as Document).addEventListener(type, this._wake);
      this._windowHooked = true;
    }
  }

  /**
   * Makes sure a timer fires no later than the core's next deadline (call after every input). An
   * armed timer that fires earlier is kept: every received frame moves the liveness deadline a bit
   * later, and re-creating the timer per frame would cost more than one early, harmless tick.
   */
  rearm(): void {
    const ms = this._msUntilDeadline();
    if (ms < 0) return; // nothing due; an armed timer just ticks once for nothing
    const at = monotonicNow() + ms;
    if (this._timer !== null && this._armedFor <= at) return;
    if (this._timer !== null) clearTimeout(this._timer);
    this._armedFor = at;
    // Clamp to the 32-bit limit of setTimeout; an overflow would fire at once.
    this._timer = setTimeout(
      () => {
        this._timer = null;
        this._tick();
      },
      Math.min(ms, 0x7fffffff),
    );
  }

  stop(): void {
    if (this._timer !== null) clearTimeout(this._timer);
    this._timer = null;
    if (this._windowHooked) {
      const g = globalThis as unknown as Window;
      g.removeEventListener('online', this._wake);
      for (const type of DOCUMENT_WAKE_EVENTS) g.document.removeEventListener(type, this._wake);
      this._windowHooked = false;
    }
  }
}
