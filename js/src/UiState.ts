// SPDX-License-Identifier: Apache-2.0
// tccc.UI: the visibility the built-in UI (floating button + workbench, loaded lazily in a later
// issue) will honour. No UI code ships in this payload; the state is kept so calls made before the
// UI loads are not lost, and the UI subscribes to it with onChange.
import type { UiApi } from './types';

export interface UiVisibility {
  /** Everything (hide()/show()). */
  visible: boolean;
  floatButton: boolean;
  workbench: boolean;
}

export class UiState {
  private _state: UiVisibility = { visible: true, floatButton: true, workbench: false };
  private _watchers: Array<(s: UiVisibility) => void> = [];

  get(): UiVisibility { return { ...this._state }; }

  onChange(watcher: (s: UiVisibility) => void): () => void {
    this._watchers.push(watcher);
    return () => { this._watchers = this._watchers.filter((w) => w !== watcher); };
  }

  api(): UiApi {
    const set = (patch: Partial<UiVisibility>) => () => this._set(patch);
    return {
      hide: set({ visible: false }),
      show: set({ visible: true }),
      showfloatButton: set({ floatButton: true }),
      hidefloatButton: set({ floatButton: false }),
      showWorkbench: set({ workbench: true }),
      hideWorkbench: set({ workbench: false }),
    };
  }

  private _set(patch: Partial<UiVisibility>): void {
    const next = { ...this._state, ...patch };
    if (next.visible === this._state.visible && next.floatButton === this._state.floatButton &&
        next.workbench === this._state.workbench) return;
    this._state = next;
    for (const w of [...this._watchers]) {
      try { w(this.get()); } catch (err) { console.error('[tccc] UI watcher threw:', err); }
    }
  }
}
