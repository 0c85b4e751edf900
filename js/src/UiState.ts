// SPDX-License-Identifier: Apache-2.0
// tccc.UI: the visibility and options of the built-in UI (floating button + workbench). The UI code
// itself is a separate chunk (dist/tccc-ui.js, from web/ui) that uiLoader.ts fetches only when the UI
// is to be shown, so none of it ships in the headless payload. The state lives here so that calls
// made before the chunk loads are not lost; the chunk subscribes to it with onChange.
import { TcccError } from './TcccError';
import type { CallBarButton, UiApi, UiOptions } from './types';

export interface UiVisibility {
  /** Everything (hide()/show()). */
  visible: boolean;
  floatButton: boolean;
  workbench: boolean;
}

/** The call-bar buttons, in their default order. */
export const CALL_BAR_BUTTONS: readonly CallBarButton[] = ['mute', 'hold', 'keypad', 'transfer', 'hangUp'];

/** Options after validation, every field present. */
export type UiConfig = Required<UiOptions>;

const DEFAULT_CONFIG: UiConfig = {
  lang: 'zh-CN',
  callBarButtons: [...CALL_BAR_BUTTONS],
  restReasons: [],
  acwSeconds: 10,
};

export class UiState {
  private _state: UiVisibility = { visible: true, floatButton: true, workbench: false };
  private _config: UiConfig = DEFAULT_CONFIG;
  private _watchers: Array<() => void> = [];

  get(): UiVisibility {
    return { ...this._state };
  }

  /** The options; treat as read-only (configure() replaces the object, never mutates it). */
  config(): UiConfig {
    return this._config;
  }

  /** Whether the UI has anything to show (false = headless mode). */
  wanted(): boolean {
    return this._state.visible && (this._state.floatButton || this._state.workbench);
  }

  /** Called after every change of visibility or options. */
  onChange(watcher: () => void): () => void {
    this._watchers.push(watcher);
    return () => {
      this._watchers = this._watchers.filter((w) => w !== watcher);
    };
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
      configure: (options: UiOptions) => this._configure(options),
    };
  }

  /**
   * Validates everything first, so bad options change nothing: throws ERR_INVALID_ARGUMENT. Kept
   * terse on purpose (one message for every mistake): this file ships in the headless payload.
   */
  private _configure(o: UiOptions): void {
    if (o === undefined) return; // nothing to change
    const list = (v: unknown, ok: (x: unknown) => boolean) => v === undefined || (Array.isArray(v) && v.every(ok));
    const s = o && o.acwSeconds;
    if (
      !o ||
      typeof o !== 'object' ||
      !(o.lang === undefined || o.lang === 'zh-CN' || o.lang === 'en') ||
      !list(o.callBarButtons, (b) => CALL_BAR_BUTTONS.includes(b as CallBarButton)) ||
      !list(o.restReasons, (r) => typeof r === 'string' && r.length > 0 && r.length <= 64) ||
      !(s === undefined || (Number.isInteger(s) && s >= 0 && s <= 3600))
    ) {
      throw TcccError.of(
        'ERR_INVALID_ARGUMENT',
        `UI.configure: bad options ${JSON.stringify(o)}; expected ` +
          `{lang?: "zh-CN"|"en", callBarButtons?: [${CALL_BAR_BUTTONS.join(',')}], restReasons?: strings of 1-64 chars, acwSeconds?: 0-3600}`,
      );
    }
    const c = this._config;
    this._config = {
      lang: o.lang ?? c.lang,
      callBarButtons: o.callBarButtons ? [...new Set(o.callBarButtons)] : c.callBarButtons,
      restReasons: o.restReasons ? [...new Set(o.restReasons)] : c.restReasons,
      acwSeconds: s ?? c.acwSeconds,
    };
    this._notify();
  }

  private _set(patch: Partial<UiVisibility>): void {
    const next = { ...this._state, ...patch };
    if (
      next.visible === this._state.visible &&
      next.floatButton === this._state.floatButton &&
      next.workbench === this._state.workbench
    )
      return;
    this._state = next;
    this._notify();
  }

  private _notify(): void {
    for (const w of [...this._watchers]) {
      try {
        w();
      } catch (err) {
        console.error('[tccc] UI watcher threw:', err);
      }
    }
  }
}
