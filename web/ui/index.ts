// SPDX-License-Identifier: Apache-2.0
// Entry of the built-in UI chunk (dist/tccc-ui.js). The SDK's uiLoader fetches this file only when
// the UI is to be shown; running it defines the custom elements and registers `mount` under
// window[Symbol.for('tccc.ui')]. One <tccc-ui> root per SDK instance holds the floating button,
// the incoming alert and the workbench, and follows tccc.UI's visibility switches and options.
import { CallBar, type Ctx, FloatButton, IncomingAlert, Workbench } from './elements';
import { translator } from './i18n';
import { NotifyPrompt } from './NotifyPrompt';
import { DeviceSettings } from './DeviceSettings';
import { VideoPane } from './VideoPane';
import { ChatPane } from './ChatPane';
import { WrapUpForm } from './WrapUpForm';
import { HistoryPane } from './HistoryPane';
import { Store } from './Store';
import { UI_GLOBAL_KEY, type UiHost, type UiModule } from '../../js/src/uiHost';
import { adoptStyles } from './sheets';

// The alert and the workbench share one dock at the right edge: the alert sits above the panel and
// the panel shrinks to what is left, so neither covers the other at any window size. The empty part
// of the dock lets clicks through to the page.
const DOCK_CSS = `
.dock { position: fixed; z-index: 2147483001; right: 24px; top: 16px; bottom: 80px; width: min(340px, calc(100vw - 32px));
  display: flex; flex-direction: column; justify-content: flex-end; pointer-events: none; }
.dock > * { display: block; flex: none; pointer-events: auto; }
.dock > tccc-workbench { display: flex; flex-direction: column; flex: 0 1 auto; min-height: 0; }
.dock > [hidden] { display: none !important; }
@media (max-width: 480px) { .dock { right: 16px; } }
`;

class UiRoot extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }
}

function define(name: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, ctor);
}
define('tccc-ui', UiRoot);
define('tccc-float-button', FloatButton);
define('tccc-incoming-alert', IncomingAlert);
define('tccc-workbench', Workbench);
define('tccc-call-bar', CallBar);
define('tccc-video-pane', VideoPane);
define('tccc-chat-pane', ChatPane);
define('tccc-notify-prompt', NotifyPrompt);
define('tccc-device-settings', DeviceSettings);
define('tccc-wrap-up', WrapUpForm);
define('tccc-history', HistoryPane);

function mount(host: UiHost): () => void {
  const store = new Store(host);
  const root = document.createElement('tccc-ui');
  root.setAttribute('data-tccc', 'ui');
  document.body.append(root);
  let parts: { float: FloatButton; alert: IncomingAlert; workbench: Workbench } | undefined;
  let lang = '';
  let buttons = '';
  let reasons = '';
  let wasOpen = false;

  // The elements are (re)built when the language or the layout options change: their text is set
  // once at build time, so a rebuild is the simplest way to switch everything over.
  const build = () => {
    const cfg = host.config();
    lang = cfg.lang;
    buttons = cfg.callBarButtons.join();
    reasons = cfg.restReasons.join('\n');
    const shadow = root.shadowRoot!;
    shadow.replaceChildren();
    store.stop();
    const ctx: Ctx = { store, host, t: translator(cfg.lang) };
    const float = document.createElement('tccc-float-button') as FloatButton;
    const alert = document.createElement('tccc-incoming-alert') as IncomingAlert;
    const workbench = document.createElement('tccc-workbench') as Workbench;
    const dock = document.createElement('div');
    dock.className = 'dock';
    dock.append(alert, workbench);
    adoptStyles(shadow, DOCK_CSS);
    shadow.append(float, dock);
    root.setAttribute('lang', cfg.lang);
    for (const el of [float, alert, workbench]) el.init(ctx);
    parts = { float, alert, workbench };
    store.subscribe(applyVisibility);
    store.start();
    applyVisibility();
  };
  const applyVisibility = () => {
    if (!parts) return;
    const v = host.visibility();
    const open = v.visible && v.workbench;
    // Closing the workbench while the keyboard is in it (Escape, its × button) hands the focus back
    // to the float button, as a dialog returns it to its opener; else it would fall to the page's body.
    const focusBack = wasOpen && !open && root.shadowRoot!.activeElement === parts.workbench;
    parts.float.hidden = !(v.visible && v.floatButton);
    parts.workbench.hidden = !open;
    // The alert is shown whenever the UI is (the float button alone is enough to take calls).
    parts.alert.hidden = !(v.visible && (v.floatButton || v.workbench));
    if (open && !wasOpen) parts.workbench.focusPanel();
    if (focusBack && !parts.float.hidden) parts.float.focusButton();
    wasOpen = open;
  };
  build();

  const unwatch = host.onChange(() => {
    const cfg = host.config();
    if (cfg.lang !== lang || cfg.callBarButtons.join() !== buttons || cfg.restReasons.join('\n') !== reasons) build();
    else applyVisibility();
  });
  const timer = setInterval(() => {
    if (parts) {
      parts.workbench.tickAll();
      parts.alert.tick();
    }
  }, 1000);
  return () => {
    clearInterval(timer);
    unwatch();
    store.stop();
    root.remove();
  };
}

const mod: UiModule = { mount };
(window as unknown as Record<symbol, UiModule>)[Symbol.for(UI_GLOBAL_KEY)] = mod;
