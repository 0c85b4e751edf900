// SPDX-License-Identifier: Apache-2.0
// The UI's custom elements, each in its own (open) shadow root: the floating button, the workbench
// (agent and connection state, status switcher, after-call work, dial pad, session list, call bar)
// and the incoming-call alert. They draw from the Store and act only through the public tccc API.
// Keyboard: everything is a native button/select/input (Tab, Enter, Space); Escape closes the open
// sub-panel, then the workbench.
import { clock, h, show } from './dom';
import { DEFAULT_REST_REASONS, restReasonLabel, type Translate } from './i18n';
import type { NotifyPrompt } from './NotifyPrompt';
import { Ringtone, type RingOutcome } from './Ringtone';
import { capsOf, type Store, type UiSession } from './Store';
import { CSS } from './styles';
import { transferForm, type TransferForm } from './TransferForm';
import type { UiHost } from '../../js/src/uiHost';
import type { AgentStatus } from '../../js/src/types';
import { adoptStyles } from './sheets';

export interface Ctx {
  store: Store;
  host: UiHost;
  t: Translate;
}

abstract class UiElement extends HTMLElement {
  protected ctx!: Ctx;
  protected root: ShadowRoot;
  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
  }
  init(ctx: Ctx): void {
    this.ctx = ctx;
    adoptStyles(this.root, CSS);
    this.build();
    ctx.store.subscribe(() => this.update());
    this.update();
  }
  protected abstract build(): void;
  abstract update(): void;
  /** Called every second while mounted (timers, countdowns). */
  tick(): void {
    /* most elements have no clock */
  }
}

// --- floating button -----------------------------------------------------------------------------

export class FloatButton extends UiElement {
  private button!: HTMLButtonElement;
  private dot!: HTMLSpanElement;
  private label!: HTMLSpanElement;
  protected build(): void {
    const { t } = this.ctx;
    this.dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    this.label = h('span');
    this.button = h(
      'button',
      { class: 'float', type: 'button', 'data-act': 'float', 'aria-haspopup': 'dialog' },
      this.dot,
      t('workbench'),
      ' · ',
      this.label,
    );
    this.button.addEventListener('click', () => {
      const vis = this.ctx.host.visibility();
      if (vis.workbench) this.ctx.host.tccc.UI.hideWorkbench();
      else this.ctx.host.tccc.UI.showWorkbench();
    });
    this.root.append(this.button);
  }
  /** Gives the button the keyboard focus (the workbench it opened has closed). */
  focusButton(): void {
    this.button.focus();
  }
  update(): void {
    const { store, t, host } = this.ctx;
    this.dot.className = `dot ${store.status}`;
    this.label.textContent = t(`status.${store.status}` as never);
    this.button.setAttribute('aria-expanded', String(host.visibility().workbench));
  }
}

// --- incoming alert ------------------------------------------------------------------------------

export class IncomingAlert extends UiElement {
  private box!: HTMLDivElement;
  private heading!: HTMLHeadingElement;
  private type!: HTMLSpanElement;
  private peer!: HTMLDivElement;
  private service!: HTMLDivElement;
  private ivr!: HTMLDivElement;
  private remark!: HTMLDivElement;
  private countdown!: HTMLDivElement;
  private notice!: HTMLDivElement;
  private answer!: HTMLButtonElement;
  private ringtone = new Ringtone();
  private ringingId = '';
  private prompt!: NotifyPrompt;
  protected build(): void {
    const { t, store } = this.ctx;
    this.type = h('span', { class: 'muted' });
    this.heading = h('h2', { 'data-field': 'alert-title' }, t('incoming'));
    this.peer = h('div', { class: 'peer', 'data-field': 'alert-peer' });
    this.service = h('div', { class: 'text muted', 'data-field': 'alert-service' });
    this.ivr = h('div', { class: 'text muted', 'data-field': 'alert-ivr' });
    this.remark = h('div', { class: 'text muted', 'data-field': 'alert-remark' });
    this.countdown = h('div', { class: 'muted', 'data-field': 'alert-countdown' });
    this.notice = h('div', { class: 'notice', role: 'status', 'data-field': 'alert-notice' });
    this.answer = h('button', { type: 'button', class: 'primary', 'data-act': 'answer' }, t('answer'));
    const reject = h('button', { type: 'button', class: 'danger', 'data-act': 'reject' }, t('reject'));
    // Each session type answers with its own API family (Call/Video/Chat.accept; Store.accept).
    const ringing = () => {
      const s = store.ringing();
      return s && s.sessionId === this.ringingId ? s : undefined;
    };
    this.answer.addEventListener('click', () => {
      const s = ringing();
      if (s) store.accept(s);
    });
    reject.addEventListener('click', () => {
      const s = ringing();
      if (s) store.end(s);
    });
    this.prompt = document.createElement('tccc-notify-prompt') as NotifyPrompt;
    this.prompt.setAttribute('only-ask', '');
    this.box = h(
      'div',
      { class: 'alert', role: 'alertdialog', 'aria-live': 'assertive', 'aria-label': t('incoming') },
      h('header', {}, this.heading, this.type),
      this.peer,
      this.service,
      this.ivr,
      this.remark,
      this.countdown,
      this.notice,
      h('div', { class: 'row' }, this.answer, reject),
      this.prompt,
    );
    this.root.append(this.box);
    this.prompt.init(this.ctx);
  }
  disconnectedCallback(): void {
    this.ringtone.stop();
  }
  update(): void {
    const { store, t } = this.ctx;
    const s = store.ringing();
    show(this.box, !!s);
    if (!s) {
      if (this.ringingId) {
        this.ringingId = '';
        this.ringtone.stop();
        this.notice.textContent = '';
      }
      return;
    }
    // A chat is a new conversation, not a ringing phone: its own title and answer wording.
    const title = incomingTitle(s.type, t);
    this.heading.textContent = title;
    this.box.setAttribute('aria-label', title);
    this.answer.textContent = s.type === 'im' ? t('acceptChat') : t('answer');
    this.type.textContent = t(`type.${s.type}` as never);
    this.peer.textContent = s.peer;
    line(this.service, t('serviceNumber'), s.serviceNumber);
    line(this.ivr, t('ivrChoice'), s.ivrChoice);
    line(this.remark, t('remarkLabel'), s.remark);
    this.tick();
    if (s.sessionId !== this.ringingId) {
      this.ringingId = s.sessionId;
      this.notice.textContent = '';
      const id = s.sessionId;
      void this.ringtone.start(title, s.peer).then((outcome) => {
        if (this.ringingId === id) this.notice.textContent = noticeFor(outcome, t);
      });
      // Bring the answer button under the keyboard at once; the page keeps focus otherwise.
      if (this.ctx.host.visibility().workbench) this.answer.focus();
    }
  }
  override tick(): void {
    const s = this.ctx.store.ringing();
    if (!s || !s.timeout) {
      this.countdown.textContent = '';
      return;
    }
    const left = Math.max(0, Math.ceil((s.createdAt + s.timeout * 1000 - Date.now()) / 1000));
    this.countdown.textContent = this.ctx.t('ringsFor', left);
    this.prompt.tick();
  }
}

function incomingTitle(type: string, t: Translate): string {
  return type === 'im' || type === 'video' || type === 'internal' ? t(`incoming.${type}`) : t('incoming');
}

/** "Label: value" as text, hidden while there is no value. */
function line(el: HTMLElement, label: string, value: string): void {
  el.textContent = value ? `${label}: ${value}` : '';
  show(el, !!value);
}

function noticeFor(outcome: RingOutcome, t: Translate): string {
  switch (outcome) {
    case 'blocked-notified':
      return t('ringtoneBlocked');
    case 'blocked-silent':
      return t('ringtoneBlockedNoNotify');
    case 'hidden-silent':
      return t('hiddenNoNotify');
    case 'hidden-notified':
      return t('hiddenNotified');
    default:
      return '';
  }
}

// --- call bar ------------------------------------------------------------------------------------

export class CallBar extends UiElement {
  private bar!: HTMLDivElement;
  private peer!: HTMLDivElement;
  private remark!: HTMLDivElement;
  private state!: HTMLSpanElement;
  private timer!: HTMLSpanElement;
  private audioWarning!: HTMLDivElement;
  private quality!: HTMLSpanElement;
  private transport!: HTMLDivElement;
  private transcript!: HTMLOListElement;
  private transcriptShown = '';
  private buttons = new Map<string, HTMLButtonElement>();
  private keypad!: HTMLDivElement;
  private transfer!: TransferForm;
  protected build(): void {
    const { t, store, host } = this.ctx;
    this.peer = h('div', { class: 'peer', 'data-field': 'call-peer' });
    this.remark = h('div', { class: 'text muted', 'data-field': 'call-remark' });
    this.state = h('span', { class: 'muted', 'data-field': 'call-state' });
    this.timer = h('span', { class: 'timer', 'data-field': 'call-timer' });
    // The call's network quality (networkQuality): four bars and a word, coloured from Poor down.
    this.quality = h('span', { class: 'quality', role: 'status', 'data-field': 'call-quality', hidden: true });
    this.audioWarning = h('div', { class: 'notice', role: 'status', 'data-field': 'call-audio-warning', hidden: true });
    // The call's audio left WebRTC for the WebSocket (mediaTransportChanged): said, as it may explain its quality.
    this.transport = h('div', { class: 'text muted', role: 'status', 'data-field': 'call-transport', hidden: true });
    // The live transcript (server --asr): a polite live region, so a screen reader reads new sentences.
    this.transcript = h('ol', {
      class: 'transcript',
      'data-field': 'call-transcript',
      'aria-label': t('transcript'),
      'aria-live': 'polite',
      hidden: true,
    });
    const row = h('div', { class: 'call-actions', role: 'toolbar', 'aria-label': t('call') });
    const act = (fn: (s: UiSession) => void) => () => {
      const s = store.active();
      if (s) fn(s);
    };
    const defs: Record<string, [string, (s: UiSession) => void, string?]> = {
      mute: [
        t('mute'),
        (s) => {
          const muted = !s.muted;
          void store.run(async () => {
            await store.setMuted(s, muted);
            store.patch(s.sessionId, { muted });
          });
        },
      ],
      hold: [
        t('hold'),
        (s) => {
          const held = !s.held;
          void store.run(async () => {
            await (held
              ? store.tccc.Call.hold({ sessionId: s.sessionId })
              : store.tccc.Call.unHold({ sessionId: s.sessionId }));
            store.patch(s.sessionId, { held });
          });
        },
      ],
      keypad: [t('keypad'), () => this.toggle(this.keypad)],
      transfer: [t('transfer'), () => this.transfer.toggle()],
      hangUp: [t('hangUp'), (s) => store.end(s), 'danger'],
    };
    for (const name of host.config().callBarButtons) {
      const [label, fn, cls] = defs[name];
      const b = h('button', { type: 'button', 'data-act': name, class: cls }, label);
      b.addEventListener('click', act(fn));
      this.buttons.set(name, b);
      row.append(b);
    }
    this.keypad = h('div', { class: 'keys', role: 'group', 'aria-label': t('keypad'), hidden: true });
    for (const d of '123456789*0#') {
      const b = h('button', { type: 'button', 'data-dtmf': d }, d);
      b.addEventListener(
        'click',
        act((s) => {
          void store.run(() => store.tccc.Call.sendDigits({ sessionId: s.sessionId, dtmfText: d }));
        }),
      );
      this.keypad.append(b);
    }
    this.transfer = transferForm(this.ctx, () => store.active());
    this.bar = h(
      'div',
      { 'data-field': 'call-bar' },
      h('div', { class: 'row' }, this.state, this.timer, this.quality),
      this.peer,
      this.remark,
      this.transport,
      this.audioWarning,
      this.transcript,
      row,
      this.keypad,
      this.transfer.form,
    );
    this.root.append(this.bar);
    this.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      const open = [this.transfer.form, this.keypad].find((p) => !p.hidden);
      if (open) {
        show(open, false);
        e.stopPropagation();
      }
    });
  }
  private renderTranscript(s: UiSession): void {
    const { t } = this.ctx;
    const key = JSON.stringify(s.transcript);
    if (key === this.transcriptShown) return;
    this.transcriptShown = key;
    this.transcript.replaceChildren(
      ...s.transcript.map((l) =>
        h(
          'li',
          { class: l.final ? 'final' : 'partial', 'data-flow': l.flow },
          h('span', { class: 'who' }, l.flow === 'IN' ? t('transcriptCustomer') : t('transcriptAgent')),
          h('span', {}, l.text),
        ),
      ),
    );
    show(this.transcript, s.transcript.length > 0);
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }
  private toggle(panel: HTMLElement): void {
    show(panel, panel.hidden);
  }
  update(): void {
    const { store, t } = this.ctx;
    const s = store.active();
    show(this.bar, !!s);
    if (!s) {
      show(this.keypad, false);
      this.transfer.close();
      return;
    }
    this.peer.textContent = s.peer;
    this.remark.textContent = s.remark;
    const talking = s.state === 'talking';
    const warnings = talking ? s.audioWarnings.map((w) => t(`audio.${w}` as never)) : [];
    this.audioWarning.textContent = warnings.join(' ');
    show(this.audioWarning, warnings.length > 0);
    this.renderTranscript(s);
    const quality = talking && !s.held ? s.quality : 0;
    if (quality > 0) {
      const word = t(`quality.${quality}` as never);
      // Bars lit: 4 for Excellent, 3 Good, 2 Poor, 1 Bad or Vbad, 0 Down.
      const lit = [0, 4, 3, 2, 1, 1, 0][quality];
      this.quality.textContent = `${'▮'.repeat(lit)}${'▯'.repeat(4 - lit)} ${t('network')} ${word}`;
      this.quality.dataset.level = String(quality);
    }
    show(this.quality, quality > 0);
    const viaSocket = talking && s.transport === 'websocket';
    if (viaSocket) this.transport.textContent = t(s.udpBlocked ? 'viaWebSocketNoUdp' : 'viaWebSocket');
    show(this.transport, viaSocket);
    this.state.textContent = s.held ? t('held') : t(`state.${s.state}` as never);
    const mute = this.buttons.get('mute');
    if (mute) {
      mute.textContent = s.muted ? t('unmute') : t('mute');
      mute.setAttribute('aria-pressed', String(s.muted));
      mute.disabled = !talking;
    }
    const hold = this.buttons.get('hold');
    if (hold) {
      hold.textContent = s.held ? t('unHold') : t('hold');
      hold.setAttribute('aria-pressed', String(s.held));
      hold.disabled = !talking;
    }
    for (const n of ['keypad', 'transfer']) {
      const b = this.buttons.get(n);
      if (b) b.disabled = !talking;
    }
    // Only what this session type supports (a video call has no hold or keypad, a chat no mute).
    const caps = capsOf(s.type);
    for (const n of ['mute', 'hold', 'keypad', 'transfer'] as const) {
      const b = this.buttons.get(n);
      if (b) show(b, caps[n]);
    }
    if (!talking) {
      show(this.keypad, false);
      this.transfer.close();
    }
    this.tick();
  }
  override tick(): void {
    const s = this.ctx.store.active();
    this.timer.textContent = s ? clock(Date.now() - (s.talkingSince || s.createdAt)) : '';
  }
}

// --- workbench -----------------------------------------------------------------------------------

const SETTABLE: AgentStatus[] = ['free', 'notReady', 'rest'];

export class Workbench extends UiElement {
  private panel!: HTMLDivElement;
  private statusText!: HTMLSpanElement;
  private dot!: HTMLSpanElement;
  private conn!: HTMLSpanElement;
  private statusSelect!: HTMLSelectElement;
  /** Shows a status the agent cannot pick (after-call work, busy, offline) while it is in force. */
  private currentStatus!: HTMLOptionElement;
  private reasonSelect!: HTMLSelectElement;
  private onlineBtn!: HTMLButtonElement;
  private dialSection!: HTMLElement;
  private acw!: HTMLElement;
  private acwText!: HTMLDivElement;
  private keepBtn!: HTMLButtonElement;
  private list!: HTMLUListElement;
  private error!: HTMLDivElement;
  private dialBtn!: HTMLButtonElement;
  private callBar!: CallBar;
  private panes!: HTMLDivElement;
  private mounted: Pane[] = [];
  protected build(): void {
    const { t, store, host } = this.ctx;
    const close = h('button', { type: 'button', 'aria-label': t('close'), 'data-act': 'close' }, '×');
    close.addEventListener('click', () => host.tccc.UI.hideWorkbench());
    this.dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    this.statusText = h('span', { 'data-field': 'agent-status' });
    this.conn = h('span', { class: 'muted', 'data-field': 'connection' });

    // Status switcher: the statuses an agent may pick, and the rest reasons.
    this.statusSelect = h('select', { 'aria-label': t('switchStatus'), 'data-field': 'status-select' });
    this.currentStatus = h('option', { value: '', disabled: true, 'data-field': 'status-current' });
    this.statusSelect.append(this.currentStatus);
    for (const st of SETTABLE) this.statusSelect.append(h('option', { value: st }, t(`status.${st}` as never)));
    // The built-in reasons are sent as codes and shown in each viewer's language (restReasonLabel).
    const reasons = host.config().restReasons.length ? host.config().restReasons : DEFAULT_REST_REASONS;
    this.reasonSelect = h('select', { 'aria-label': t('restReason'), 'data-field': 'rest-reason' });
    for (const r of reasons) this.reasonSelect.append(h('option', { value: r }, restReasonLabel(t, r)));
    const apply = h('button', { type: 'button', 'data-act': 'apply-status' }, t('confirm'));
    this.statusSelect.addEventListener('change', () => show(this.reasonSelect, this.statusSelect.value === 'rest'));
    apply.addEventListener('click', () => {
      const v = this.statusSelect.value;
      if (!v) return; // still showing the current status: nothing picked
      if (v === 'rest') store.setStatus('rest', this.reasonSelect.value);
      else if (v === 'free' && store.status === 'notReady') store.setStatus('stopNotReady');
      else store.setStatus(v as 'free' | 'notReady');
    });

    // Going offline ends the agent's availability without closing the page (Agent.offline);
    // destroy() is the integrator's full log-out.
    this.onlineBtn = h('button', { type: 'button', 'data-act': 'online-toggle' });
    this.onlineBtn.addEventListener('click', () => store.setOnline(store.status === 'offline'));
    const lang = h(
      'select',
      { 'aria-label': t('language'), 'data-field': 'lang-select' },
      h('option', { value: 'zh-CN' }, '中文'),
      h('option', { value: 'en' }, 'English'),
    );
    lang.value = host.config().lang;
    lang.addEventListener('change', () => host.tccc.UI.configure({ lang: lang.value as 'zh-CN' | 'en' }));

    // After-call work.
    this.acwText = h('div', { 'data-field': 'acw-text' });
    const back = h('button', { type: 'button', class: 'primary', 'data-act': 'acw-free' }, t('backToFree'));
    back.addEventListener('click', () => store.setStatus('free'));
    this.keepBtn = h('button', { type: 'button', 'data-act': 'acw-keep' }, t('keepWrapping'));
    this.keepBtn.addEventListener('click', () => store.keepWrapping());
    this.acw = h(
      'section',
      { 'aria-label': t('acwTitle'), 'data-field': 'acw' },
      h('h3', {}, t('acwTitle')),
      this.acwText,
      h('div', { class: 'row' }, back, this.keepBtn),
    );

    // Dial pad.
    const number = h('input', {
      type: 'tel',
      inputmode: 'tel',
      maxlength: 32,
      'aria-label': t('number'),
      placeholder: t('number'),
      'data-field': 'dial-number',
    });
    const remark = h('input', {
      type: 'text',
      maxlength: 128,
      'aria-label': t('remark'),
      placeholder: t('remark'),
      'data-field': 'dial-remark',
    });
    const keys = h('div', { class: 'keys', role: 'group', 'aria-label': t('dialPad') });
    for (const d of '123456789*0#') {
      const b = h('button', { type: 'button', 'data-key': d }, d);
      b.addEventListener('click', () => {
        number.value += d;
      });
      keys.append(b);
    }
    this.dialBtn = h('button', { type: 'submit', class: 'primary', 'data-act': 'dial' }, t('call'));
    const form = h(
      'form',
      { 'aria-label': t('dialPad') },
      h('div', { class: 'row' }, number),
      keys,
      h('div', { class: 'row' }, remark, this.dialBtn),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const n = number.value.trim();
      if (!n) {
        number.focus();
        return;
      }
      store.dial(n, remark.value.trim());
    });

    // During a call the call bar has the keypad: a second one (and dialling) would only confuse.
    this.dialSection = h('section', { 'data-field': 'dial-section' }, h('h3', {}, t('dialPad')), form);

    this.list = h('ul', { class: 'sessions', 'data-field': 'sessions' });
    this.error = h('div', { class: 'error', role: 'alert', 'data-field': 'error' });
    this.callBar = document.createElement('tccc-call-bar') as CallBar;
    this.panes = h('div', { 'data-slot': 'panes' });
    const notify = h('section', {}, h('h3', {}, t('notify')));
    const devices = h('section', {});
    const wrapUp = h('div', { 'data-slot': 'wrap-up' }); // WrapUpForm.ts
    const history = h('div', { 'data-slot': 'history' }); // HistoryPane.ts
    this.panel = h(
      'div',
      { class: 'panel', role: 'dialog', 'aria-label': t('workbench'), tabindex: -1 },
      h('header', {}, h('h2', {}, t('workbench')), h('div', { class: 'row' }, lang, close)),
      h('div', { class: 'row' }, this.dot, this.statusText, this.conn),
      this.error,
      this.callBar,
      this.panes,
      this.acw,
      wrapUp,
      h(
        'section',
        {},
        h('h3', {}, t('switchStatus')),
        h('div', { class: 'row' }, this.statusSelect, this.reasonSelect, apply, this.onlineBtn),
      ),
      this.dialSection,
      h('section', {}, h('h3', {}, t('sessions')), this.list),
      history,
      notify,
      devices,
    );
    this.root.append(this.panel);
    this.callBar.init(this.ctx);
    this.mountPane(document.createElement('tccc-video-pane') as unknown as Pane);
    this.mountPane(document.createElement('tccc-chat-pane') as unknown as Pane); // ChatPane.ts
    this.mountPane(document.createElement('tccc-notify-prompt') as unknown as Pane, notify);
    this.mountPane(document.createElement('tccc-device-settings') as unknown as Pane, devices); // DeviceSettings.ts
    this.mountPane(document.createElement('tccc-wrap-up') as unknown as Pane, wrapUp);
    this.mountPane(document.createElement('tccc-history') as unknown as Pane, history);
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        host.tccc.UI.hideWorkbench();
      }
    });
    show(this.reasonSelect, false);
  }
  /** Moves keyboard focus into the panel (when the workbench opens). */
  focusPanel(): void {
    this.panel.focus();
  }
  update(): void {
    const { store, t } = this.ctx;
    this.dot.className = `dot ${store.status}`;
    this.statusText.textContent =
      t(`status.${store.status}` as never) +
      (store.status === 'rest' && store.restReason ? ` · ${restReasonLabel(t, store.restReason)}` : '');
    this.conn.textContent = `${t('connection')}: ${store.conn === 'reconnecting' ? t('conn.reconnecting', store.reconnectAttempt) : t(`conn.${store.conn}` as never)}`;
    this.error.textContent = store.error ? t('errorPrefix') + store.error : '';
    this.statusSelect.disabled = store.status === 'busy' || store.status === 'offline';
    const settable = SETTABLE.includes(store.status);
    this.currentStatus.textContent = settable ? '' : t(`status.${store.status}` as never);
    show(this.currentStatus, !settable);
    if (this.root.activeElement !== this.statusSelect) {
      // Not a status one can pick (after-call work, busy): say so instead of a stale "Available".
      this.statusSelect.value = settable ? store.status : '';
      show(this.reasonSelect, store.status === 'rest');
    }
    this.onlineBtn.textContent = store.status === 'offline' ? t('goOnline') : t('goOffline');
    this.onlineBtn.disabled = store.status === 'busy';
    show(this.acw, store.status === 'arrange');
    show(this.keepBtn, !store.acwKept);
    const inCall = !!store.active();
    show(this.dialSection, !inCall);
    this.dialBtn.disabled = inCall || !!store.ringing();
    this.renderSessions();
    this.tick();
  }
  /** The session list, newest first: who, type, direction, state, start time and duration (text only). */
  private renderSessions(): void {
    const { store, t } = this.ctx;
    const items = [...store.sessions.values()].reverse().map((s) =>
      h(
        'li',
        { 'data-session': s.sessionId, 'data-state': s.state },
        h('div', { class: 'row between' }, h('span', { class: 'text' }, s.peer), durationOf(s)),
        h(
          'div',
          { class: 'muted', 'data-field': 'session-meta' },
          [
            t(`type.${s.type}` as never),
            t(`dir.${s.direction}`),
            t(`state.${s.state}` as never),
            new Date(s.startedAt).toLocaleTimeString(this.ctx.host.config().lang, {
              hour: '2-digit',
              minute: '2-digit',
            }),
          ].join(' · '),
        ),
        s.remark ? h('div', { class: 'text muted' }, s.remark) : null,
      ),
    );
    this.list.replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, t('noSessions'))]));
  }
  override tick(): void {
    const { store, t } = this.ctx;
    for (const el of Array.from(this.list.querySelectorAll<HTMLElement>('[data-field=session-duration]'))) {
      const s = store.sessions.get(el.closest('li')?.dataset.session ?? '');
      if (s) el.textContent = durationOf(s).textContent;
    }
    if (store.status !== 'arrange') return;
    if (store.acwKept || !store.acwEndsAt) {
      this.acwText.textContent = t('acwKept');
      return;
    }
    this.acwText.textContent = t('acwCountdown', Math.max(0, Math.ceil((store.acwEndsAt - Date.now()) / 1000)));
  }
  tickAll(): void {
    this.tick();
    this.callBar.tick();
    for (const p of this.mounted) p.tick?.();
  }

  // --- panes: the mount point for the workbench's panes ------------------------------------------
  // A pane is a custom element with init(ctx) (build and subscribe to ctx.store) and, optionally,
  // tick() (called every second). They go below the call bar, in mounting order, unless a parent is
  // given. Mounted here: the video pane (VideoPane.ts) and the notification switch (NotifyPrompt.ts).
  mountPane(pane: Pane, parent: HTMLElement = this.panes): void {
    parent.append(pane);
    pane.init(this.ctx);
    this.mounted.push(pane);
  }
}

/** How long a session has been (or was) in talk: a live clock while talking, '—' if it never was. */
function durationOf(s: UiSession): HTMLSpanElement {
  const end = s.state === 'ended' ? s.endedAt : Date.now();
  const text = s.talkingSince ? clock(end - s.talkingSince) : '—';
  return h('span', { class: 'timer muted', 'data-field': 'session-duration' }, text);
}

/** What mountPane() needs of a pane element. */
export type Pane = HTMLElement & { init(ctx: Ctx): void; tick?(): void };
