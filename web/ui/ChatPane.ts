// SPDX-License-Identifier: Apache-2.0
// The workbench's chat pane, built on the public headless chat API only: the agent's chats (several
// at once), the selected chat's messages, an input to send, and end / transfer through the session
// list and call bar as for any session. Messages come from Chat.getMessages (history, paged with
// afterSeq: also what was said before this agent had the chat) and the `messageReceived` event;
// the selected chat is ended (Chat.end) or transferred (Chat.transfer) from under its messages, and
// an ended chat's tab can be closed;
// each messageId is shown once, in seq order. Everything from the network — nicknames, message
// text, error messages — is set as textContent (dom.ts has no HTML path), so a visitor's
// `<img onerror=…>` stays text. A refused send (ERR_CHAT_MESSAGE_TOO_LONG, ERR_CHAT_FLOOD) keeps the
// draft in the input and shows the error under it.
import { h, show } from './dom';
import type { Ctx } from './elements';
import { transferForm, type TransferForm } from './TransferForm';
import type { UiSession } from './Store';
import { CSS } from './styles';
import type { ChatMessage } from '../../js/src/types';
import { adoptStyles } from './sheets';

const PANE_CSS = `
.chats { display: flex; gap: 4px; flex-wrap: wrap; margin: 0 0 6px; padding: 0; list-style: none; }
.chats button[aria-pressed=true] { font-weight: 600; outline: 2px solid #0052d9; }
.chats .unread { color: #d93026; margin-left: 4px; }
.chats li { display: flex; align-items: center; }
.chats [data-act=chat-close] { padding: 2px 6px; margin-left: 2px; }
.msgs { list-style: none; margin: 0; padding: 4px; max-height: 260px; overflow: auto; border: 1px solid #dee0e3; border-radius: 6px; }
.msgs li { margin: 4px 0; padding: 4px 6px; border-radius: 6px; background: #f2f3f5; white-space: pre-wrap; }
.msgs li.agent { background: #e8f0fe; margin-left: 24px; }
.msgs li.visitor { margin-right: 24px; }
.msgs li.system { background: none; color: #646a73; font-size: 12px; text-align: center; }
.msgs .who { display: block; font-size: 11px; color: #646a73; }
textarea { width: 100%; box-sizing: border-box; min-height: 48px; font: inherit; }
.count { font-size: 11px; color: #646a73; }
.count.over { color: #d93026; }
`;

const MAX_CHARS = 4000;

const TEXT = {
  'zh-CN': {
    chats: '在线会话',
    none: '暂无会话',
    send: '发送',
    placeholder: '输入消息，Enter 发送，Shift+Enter 换行',
    ended: '（已结束）',
    ringing: '（待接入）',
    system: '系统',
    'notice.joined': '{name} 加入了会话',
    'notice.transferred': '{name} 转接了会话',
    'notice.left': '{name} 离开了会话',
    'notice.ended': '会话已结束',
    loadError: '消息加载失败：',
    sendError: '发送失败：',
  },
  en: {
    chats: 'Chats',
    none: 'No chats',
    send: 'Send',
    placeholder: 'Type a message; Enter sends, Shift+Enter adds a line',
    ended: ' (ended)',
    ringing: ' (waiting)',
    system: 'System',
    'notice.joined': '{name} joined the chat',
    'notice.transferred': '{name} transferred the chat',
    'notice.left': '{name} left the chat',
    'notice.ended': 'The chat has ended.',
    loadError: 'Could not load messages: ',
    sendError: 'Not sent: ',
  },
};

interface ChatView {
  messages: Map<string, ChatMessage>;
  loaded: boolean;
  loading: boolean;
  unread: number;
  draft: string;
}

export class ChatPane extends HTMLElement {
  private ctx!: Ctx;
  private box!: HTMLElement;
  private tabs!: HTMLUListElement;
  private list!: HTMLUListElement;
  private input!: HTMLTextAreaElement;
  private count!: HTMLSpanElement;
  private sendBtn!: HTMLButtonElement;
  private error!: HTMLDivElement;
  private endBtn!: HTMLButtonElement;
  private transferBtn!: HTMLButtonElement;
  private transfer!: TransferForm;
  /** Ended chats whose tab the agent closed. */
  private closed = new Set<string>();
  private chats = new Map<string, ChatView>();
  private selected = '';
  private states = new Map<string, string>(); // last state seen per chat
  private listener = (p: { data: { sessionId: string; message: ChatMessage } }) =>
    this.received(p.data.sessionId, p.data.message);
  private listening = false;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  private text(key: keyof (typeof TEXT)['en']): string {
    return (this.ctx.host.config().lang === 'en' ? TEXT.en : TEXT['zh-CN'])[key];
  }

  init(ctx: Ctx): void {
    this.ctx = ctx;
    this.tabs = h('ul', { class: 'chats', 'data-field': 'chat-list' });
    this.list = h('ul', { class: 'msgs', 'data-field': 'chat-messages', 'aria-live': 'polite' });
    this.input = h('textarea', {
      'aria-label': this.text('placeholder'),
      placeholder: this.text('placeholder'),
      'data-field': 'chat-input',
    });
    this.count = h('span', { class: 'count', 'data-field': 'chat-count' });
    this.sendBtn = h('button', { type: 'button', class: 'primary', 'data-act': 'chat-send' }, this.text('send'));
    this.error = h('div', { class: 'error', role: 'alert', 'data-field': 'chat-error' });
    this.input.addEventListener('input', () => this.updateCount());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.send();
      }
    });
    this.sendBtn.addEventListener('click', () => void this.send());
    const { t, store } = ctx;
    const current = () => this.sessions().find((s) => s.sessionId === this.selected && s.state === 'talking');
    this.endBtn = h('button', { type: 'button', class: 'danger', 'data-act': 'chat-end' }, t('endChat'));
    this.endBtn.addEventListener('click', () => {
      const s = current();
      if (s) store.end(s);
    });
    this.transfer = transferForm(ctx, current);
    this.transferBtn = h('button', { type: 'button', 'data-act': 'chat-transfer' }, t('transfer'));
    this.transferBtn.addEventListener('click', () => this.transfer.toggle());
    this.box = h(
      'section',
      { 'aria-label': this.text('chats'), 'data-field': 'chat-pane' },
      h('h3', {}, this.text('chats')),
      this.tabs,
      this.list,
      this.input,
      h('div', { class: 'row' }, this.sendBtn, this.count),
      this.error,
      h('div', { class: 'row' }, this.transferBtn, this.endBtn),
      this.transfer.form,
    );
    adoptStyles(this.shadowRoot!, CSS, PANE_CSS);
    this.shadowRoot!.append(this.box);
    this.listen();
    ctx.store.subscribe(() => this.update());
    this.update();
  }

  connectedCallback(): void {
    if (this.ctx) this.listen();
  }
  disconnectedCallback(): void {
    if (!this.listening) return;
    try {
      this.ctx.store.tccc.off('messageReceived', this.listener);
    } catch {
      /* destroyed */
    }
    this.listening = false;
  }
  private listen(): void {
    if (this.listening) return;
    try {
      this.ctx.store.tccc.on('messageReceived', this.listener);
      this.listening = true;
    } catch {
      /* the SDK was destroyed */
    }
  }

  tick(): void {
    /* no clock */
  }

  private sessions(): UiSession[] {
    return [...this.ctx.store.sessions.values()].filter(
      (s) => s.type === 'im' && !(s.state === 'ended' && this.closed.has(s.sessionId)),
    );
  }

  /** Closes an ended chat's tab (its messages stay on the server: DescribeChatMessages). */
  private close(sessionId: string): void {
    this.closed.add(sessionId);
    this.chats.delete(sessionId);
    if (this.selected === sessionId) this.selected = '';
    this.update();
  }

  private view(sessionId: string): ChatView {
    let v = this.chats.get(sessionId);
    if (!v) {
      v = { messages: new Map(), loaded: false, loading: false, unread: 0, draft: '' };
      this.chats.set(sessionId, v);
    }
    return v;
  }

  update(): void {
    const chats = this.sessions();
    show(this.box, chats.length > 0);
    // Forget chats the store forgot.
    for (const id of [...this.chats.keys()]) if (!chats.some((s) => s.sessionId === id)) this.chats.delete(id);
    for (const id of [...this.states.keys()]) if (!chats.some((s) => s.sessionId === id)) this.states.delete(id);
    // A chat the agent has just accepted opens (the agent answered it to talk in it).
    let accepted = '';
    for (const s of chats) {
      if (s.state === 'talking' && this.states.get(s.sessionId) !== 'talking') accepted = s.sessionId;
      this.states.set(s.sessionId, s.state);
    }
    if (accepted && accepted !== this.selected) {
      this.select(accepted);
      return;
    }
    if (!chats.some((s) => s.sessionId === this.selected)) {
      const pick = chats.find((s) => s.state === 'talking') ?? chats[chats.length - 1];
      this.select(pick ? pick.sessionId : '');
      return;
    }
    this.render();
  }

  private select(sessionId: string): void {
    if (sessionId === this.selected) {
      this.render();
      return;
    }
    const old = this.selected ? this.chats.get(this.selected) : undefined;
    if (old) old.draft = this.input.value;
    this.selected = sessionId;
    const v = sessionId ? this.view(sessionId) : undefined;
    if (v) {
      v.unread = 0;
      this.input.value = v.draft;
    } else {
      this.input.value = '';
    }
    this.error.textContent = '';
    this.render();
  }

  private render(): void {
    const chats = this.sessions();
    this.tabs.replaceChildren(
      ...(chats.length
        ? chats.map((s) => {
            const v = this.view(s.sessionId);
            const suffix = s.state === 'ended' ? this.text('ended') : s.state === 'ringing' ? this.text('ringing') : '';
            const b = h(
              'button',
              {
                type: 'button',
                'data-chat': s.sessionId,
                'aria-pressed': s.sessionId === this.selected ? 'true' : 'false',
              },
              h('span', { class: 'text' }, s.peer),
              suffix,
              v.unread ? h('span', { class: 'unread', 'data-field': 'chat-unread' }, String(v.unread)) : null,
            );
            b.addEventListener('click', () => this.select(s.sessionId));
            if (s.state !== 'ended') return h('li', {}, b);
            const x = h(
              'button',
              { type: 'button', 'data-act': 'chat-close', 'aria-label': `${this.ctx.t('close')} ${s.peer}` },
              '×',
            );
            x.addEventListener('click', () => this.close(s.sessionId));
            return h('li', {}, b, x);
          })
        : [h('li', { class: 'muted' }, this.text('none'))]),
    );
    const s = chats.find((c) => c.sessionId === this.selected);
    const canSend = !!s && s.state === 'talking';
    this.input.disabled = !canSend;
    this.sendBtn.disabled = !canSend;
    show(this.endBtn, canSend);
    show(this.transferBtn, canSend);
    if (!canSend) this.transfer.close();
    this.updateCount();
    if (!s) {
      this.list.replaceChildren();
      return;
    }
    const v = this.view(s.sessionId);
    // Ringing chats show their history too (what the visitor already wrote), ended ones stay readable.
    if (!v.loaded && !v.loading) void this.load(s.sessionId);
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 4;
    const items = [...v.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => this.item(m, s));
    this.list.replaceChildren(...items);
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  /** A server notice in the viewer's language; any other message as it was written. */
  private messageText(m: ChatMessage): string {
    if (m.from !== 'system' || !m.notice) return m.text;
    return this.text(`notice.${m.notice}` as const).replace('{name}', m.senderName);
  }

  private item(m: ChatMessage, s: UiSession): HTMLLIElement {
    const who = m.from === 'system' ? this.text('system') : m.senderName || (m.from === 'visitor' ? s.peer : '');
    return h(
      'li',
      { class: m.from, 'data-message-id': m.messageId, 'data-seq': m.seq },
      h('span', { class: 'who' }, who),
      h('span', { class: 'text' }, this.messageText(m)),
    );
  }

  private updateCount(): void {
    const n = [...this.input.value].length;
    this.count.textContent = n ? `${n} / ${MAX_CHARS}` : '';
    this.count.classList.toggle('over', n > MAX_CHARS);
  }

  private add(sessionId: string, m: ChatMessage): boolean {
    const v = this.view(sessionId);
    if (v.messages.has(m.messageId)) return false;
    v.messages.set(m.messageId, m);
    return true;
  }

  private received(sessionId: string, m: ChatMessage): void {
    if (!this.add(sessionId, m)) return;
    if (sessionId !== this.selected) this.view(sessionId).unread++;
    this.render();
  }

  /** Every stored message of a chat, page by page. */
  private async load(sessionId: string): Promise<void> {
    const v = this.view(sessionId);
    v.loading = true;
    try {
      let after = 0;
      for (let pages = 0; pages < 200; pages++) {
        const r = await this.ctx.store.tccc.Chat.getMessages({ sessionId, afterSeq: after, limit: 100 });
        for (const m of r.data.messages) this.add(sessionId, m);
        if (!r.data.hasMore || !r.data.messages.length) break;
        after = r.data.messages[r.data.messages.length - 1].seq;
      }
      v.loaded = true;
    } catch (err) {
      if (sessionId === this.selected) this.error.textContent = this.text('loadError') + this.describe(err);
    } finally {
      v.loading = false;
    }
    if (sessionId === this.selected) this.render();
  }

  private async send(): Promise<void> {
    const sessionId = this.selected;
    const text = this.input.value;
    if (!sessionId || !text.trim() || this.sendBtn.disabled) return;
    this.sendBtn.disabled = true;
    try {
      const r = await this.ctx.store.tccc.Chat.sendMessage({ sessionId, text });
      this.error.textContent = '';
      // Clear the input only if it still holds what was sent (the agent may have typed on meanwhile).
      if (this.selected === sessionId && this.input.value === text) this.input.value = '';
      else if (this.view(sessionId).draft === text) this.view(sessionId).draft = '';
      this.add(sessionId, r.data.message);
    } catch (err) {
      // The draft stays: the agent can shorten it, or wait out the flood limit and send again.
      this.error.textContent = this.text('sendError') + this.describe(err);
    } finally {
      this.render();
    }
  }

  private describe(err: unknown): string {
    const e = err as { name?: string; errorMsg?: string; message?: string };
    return e && e.errorMsg ? `${e.name}: ${e.errorMsg}` : String(e && e.message ? e.message : err);
  }
}
