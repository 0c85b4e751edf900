// SPDX-License-Identifier: Apache-2.0
// Today's history: the sessions this agent had since local midnight (tccc.Agent.getHistory), newest
// first, each with its direction, time, duration, outcome and wrap-up in the viewer's language, and
// a call-back button on phone rows that dials the number (tccc.Call.startOutboundCall). It reloads
// when a session ends here and when a wrap-up is saved. Everything from the server is text.
import { clock, h, show } from './dom';
import type { Ctx } from './elements';
import { CSS } from './styles';
import { adoptStyles } from './sheets';
import { dispositionLabel, wrapUpEvents } from './WrapUpForm';
import type { HistoryEntry } from '../../js/src/types';

const HISTORY_CSS = `
.head { display: flex; align-items: center; justify-content: space-between; gap: 6px; }
.head h3 { margin: 8px 0 4px; }
li .line { display: flex; align-items: center; gap: 6px; }
li .line .text { flex: 1 1 auto; min-width: 0; }
.dir { white-space: nowrap; font-size: 12px; color: #4e5969; }
.dir[data-dir="out"] { color: #0052d9; }
li[data-outcome="missed"] .outcome, li[data-outcome="abandoned"] .outcome { color: #c9353f; }
.notes { font-size: 12px; color: #4e5969; }
.part { white-space: nowrap; }
`;

/** Local midnight of today, Unix ms: "today" is the agent's day, not the server's. */
export function startOfToday(now = new Date()): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
}

export class HistoryPane extends HTMLElement {
  private ctx!: Ctx;
  private list!: HTMLUListElement;
  private status!: HTMLDivElement;
  private rows: HistoryEntry[] = [];
  private loaded = false;
  private request = 0;
  private ended = new Set<string>();

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  init(ctx: Ctx): void {
    this.ctx = ctx;
    const { t, store } = ctx;
    const refresh = h('button', { type: 'button', 'data-act': 'history-refresh' }, t('refresh'));
    refresh.addEventListener('click', () => void this.load());
    this.status = h('div', { role: 'status', class: 'muted', 'data-field': 'history-status' });
    this.list = h('ul', { 'data-field': 'history', 'aria-label': t('history') });
    adoptStyles(this.shadowRoot!, CSS, HISTORY_CSS);
    this.shadowRoot!.append(
      h('section', {}, h('div', { class: 'head' }, h('h3', {}, t('history')), refresh), this.status, this.list),
    );
    for (const s of store.sessions.values()) if (s.state === 'ended') this.ended.add(s.sessionId);
    store.subscribe(() => this.onStore());
    wrapUpEvents(store).addEventListener('saved', () => void this.load());
    void this.load();
  }

  /** A session that ended here since the last look: its record is in the history now. */
  private onStore(): void {
    let fresh = false;
    for (const s of this.ctx.store.sessions.values()) {
      if (s.state !== 'ended' || this.ended.has(s.sessionId)) continue;
      this.ended.add(s.sessionId);
      fresh = true;
    }
    if (fresh) void this.load();
    else this.render(); // a call started or ended: the call-back buttons follow
  }

  async load(): Promise<void> {
    const { t, store } = this.ctx;
    const mine = ++this.request;
    try {
      const res = await store.tccc.Agent.getHistory({ since: startOfToday() });
      if (mine !== this.request) return;
      this.rows = res.data.sessions;
      this.loaded = true;
      this.status.textContent = '';
      show(this.status, false);
    } catch (err) {
      if (mine !== this.request) return;
      const message = (err as { errorMsg?: string }).errorMsg ?? String(err);
      this.status.textContent = t('historyFailed', message);
      this.status.className = 'error';
      show(this.status, true);
    }
    this.render();
  }

  private render(): void {
    const { t, store, host } = this.ctx;
    const busy = !!store.active() || !!store.ringing() || store.status === 'offline';
    const lang = host.config().lang;
    const items = this.rows.map((r) => {
      const time = new Date(r.startedAt).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
      const meta = [
        t(`type.${r.type}` as never),
        h('span', { class: 'outcome', 'data-field': 'history-outcome' }, t(`outcome.${r.outcome}` as never)),
        r.outcome === 'answered' ? clock(r.duration * 1000) : null,
        r.disposition ? h('span', { 'data-field': 'history-disposition' }, dispositionLabel(t, r.disposition)) : null,
      ].filter((x): x is string | HTMLSpanElement => x !== null);
      // Each part keeps its separator and never breaks inside ("Follow-up" has a hyphen, and
      // `.text` lets words break anywhere): a narrow panel moves a whole "· label" to the next line.
      const metaLine = h('div', { class: 'muted', 'data-field': 'history-meta' });
      meta.forEach((part, i) => {
        if (i) metaLine.append(' ');
        metaLine.append(h('span', { class: 'part' }, ...(i ? ['· ', part] : [part])));
      });
      let callBack: HTMLButtonElement | null = null;
      if (r.type === 'phone' && r.peer) {
        callBack = h(
          'button',
          { type: 'button', 'data-act': 'call-back', 'aria-label': t('callBackTo', r.peer) },
          t('callBack'),
        );
        callBack.disabled = busy;
        callBack.addEventListener('click', () => store.dial(r.peer, ''));
      }
      return h(
        'li',
        { 'data-session': r.sessionId, 'data-outcome': r.outcome },
        h(
          'div',
          { class: 'line' },
          h(
            'span',
            { class: 'dir', 'data-dir': r.direction },
            h('span', { 'aria-hidden': 'true' }, r.direction === 'out' ? '↗ ' : '↙ '),
            t(`dir.${r.direction}`),
          ),
          h('span', { class: 'text', 'data-field': 'history-peer' }, r.peer),
          h('span', { class: 'muted' }, time),
        ),
        h('div', { class: 'line' }, h('div', { class: 'text' }, metaLine), callBack),
        r.notes ? h('div', { class: 'text notes', 'data-field': 'history-notes' }, r.notes) : null,
      );
    });
    if (!items.length && this.loaded) items.push(h('li', { class: 'muted' }, t('noHistory')));
    this.list.replaceChildren(...items);
  }
}
