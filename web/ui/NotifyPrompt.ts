// SPDX-License-Identifier: Apache-2.0
// "Call notifications" row of the workbench and the incoming alert: says whether a system
// notification will announce calls when the ringtone cannot (autoplay blocked, tab in the
// background), and offers the button that asks for the permission — on a click, the user gesture
// browsers require (Ringtone.ts never asks by itself).
import { h, show } from './dom';
import type { Ctx } from './elements';
import { CSS } from './styles';
import { adoptStyles } from './sheets';

type Permission = NotificationPermission | 'unsupported';

function permission(): Permission {
  const N = (window as { Notification?: typeof Notification }).Notification;
  return N ? N.permission : 'unsupported';
}

export class NotifyPrompt extends HTMLElement {
  private ctx!: Ctx;
  private text!: HTMLSpanElement;
  private button!: HTMLButtonElement;
  private shown: Permission | '' = '';

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  init(ctx: Ctx): void {
    this.ctx = ctx;
    const { t } = ctx;
    this.text = h('span', { class: 'muted', 'data-field': 'notify-state', role: 'status' });
    this.button = h('button', { type: 'button', 'data-act': 'enable-notify' }, t('enableNotify'));
    this.button.addEventListener('click', () => {
      const N = (window as { Notification?: typeof Notification }).Notification;
      if (!N) return;
      // Older browsers take a callback instead of returning a promise: support both.
      const done = () => this.update();
      const p = N.requestPermission(done) as Promise<NotificationPermission> | undefined;
      if (p && typeof p.then === 'function') p.then(done, done);
    });
    adoptStyles(this.shadowRoot!, CSS);
    this.shadowRoot!.append(h('div', { class: 'row', 'aria-label': t('notify') }, this.button, this.text));
    this.update();
  }

  /** The permission can change in the browser's own UI at any time: re-read it every second. */
  tick(): void {
    this.update();
  }

  update(): void {
    const p = permission();
    if (p === this.shown) return;
    this.shown = p;
    const { t } = this.ctx;
    // In the incoming alert (`only-ask`) it appears only while there is something to ask for.
    show(this, this.hasAttribute('only-ask') ? p === 'default' : p !== 'unsupported');
    show(this.button, p === 'default');
    this.text.textContent = p === 'granted' ? t('notifyOn') : p === 'denied' ? t('notifyDenied') : t('notifyOff');
  }
}
