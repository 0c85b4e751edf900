// SPDX-License-Identifier: Apache-2.0
// The transfer directory's list (TransferForm): skill groups and colleagues from
// tccc.Agent.getDirectory, each with a status dot and its status in the viewer's language, in the
// server's order (free first). A listbox driven from the search field (combobox pattern: the field
// keeps the focus, aria-activedescendant names the highlighted option), so the arrow keys move,
// Enter picks, and Tab leaves. Targets the server would refuse (an agent who cannot take the
// session now, a group nobody is online in) are listed, dimmed and announced as unavailable, but
// cannot be picked: a transfer to them fails anyway, and the agent should see why before trying.
// Everything from the server is set as text.
import { h } from './dom';
import type { Ctx } from './elements';
import type { DirectoryAgent, DirectorySkillGroup } from '../../js/src/types';

const TEXT = {
  'zh-CN': {
    list: '转接目标',
    search: '搜索',
    searchLabel: '搜索坐席和技能组',
    searchHint: '姓名、账号、工号或技能组',
    byId: '或按 ID',
    groups: '技能组',
    agents: '坐席',
    groupCounts: '空闲 {free} · 在线 {online} · 排队 {queued}',
    number: '工号 {n}',
    nobodyOnline: '无人在线',
    unavailable: '当前无法接听',
    empty: '没有匹配的技能组或坐席',
    loading: '正在加载…',
    failed: '目录加载失败：',
    truncated: '结果较多，仅显示前 {n} 条，请输入关键字缩小范围',
  },
  en: {
    list: 'Transfer targets',
    search: 'Search',
    searchLabel: 'Search agents and skill groups',
    searchHint: 'Name, ID, staff no., group',
    byId: 'Or by ID',
    groups: 'Skill groups',
    agents: 'Agents',
    groupCounts: '{free} free · {online} online · {queued} waiting',
    number: 'No. {n}',
    nobodyOnline: 'nobody online',
    unavailable: 'cannot take it now',
    empty: 'No skill group or agent matches',
    loading: 'Loading…',
    failed: 'Could not load the directory: ',
    truncated: 'Only the first {n} are shown; type to narrow the search',
  },
};
type TextKey = keyof (typeof TEXT)['en'];

/** What a pick transfers to. */
export type DirectoryTarget = { kind: 'userId' | 'skillGroupId'; id: string; label: string };

export interface DirectoryData {
  skillGroups: DirectorySkillGroup[];
  agents: DirectoryAgent[];
  truncated: boolean;
}

interface Entry {
  key: string;
  target: DirectoryTarget;
  enabled: boolean;
  el: HTMLElement;
}

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

export class DirectoryList {
  /** The listbox; `id` is what the search field's aria-controls names. */
  readonly el: HTMLDivElement;
  /** A polite live region: loading, empty, truncated, errors. */
  readonly note: HTMLDivElement;
  private entries: Entry[] = [];
  private active = -1;
  private picked = '';

  constructor(
    private ctx: Ctx,
    private combo: HTMLInputElement,
    private onPick: (target: DirectoryTarget | undefined) => void,
  ) {
    this.el = h('div', {
      role: 'listbox',
      id: 'transfer-list',
      class: 'dir',
      'aria-label': this.text('list'),
      'data-field': 'transfer-list',
    });
    this.note = h('div', { class: 'muted', 'aria-live': 'polite', 'data-field': 'transfer-list-note' });
    // A pointer pick; mousedown would move the focus off the field first.
    this.el.addEventListener('mousedown', (e) => e.preventDefault());
    this.el.addEventListener('click', (e) => {
      const option = (e.target as HTMLElement).closest('[role=option]');
      const index = this.entries.findIndex((x) => x.el === option);
      if (index >= 0) {
        this.highlight(index);
        this.pick();
        this.combo.focus();
      }
    });
  }

  text(key: TextKey): string {
    return (this.ctx.host.config().lang === 'en' ? TEXT.en : TEXT['zh-CN'])[key];
  }

  /** The highlighted entry moves by `delta` (wrapping); returns false when there is nothing to move over. */
  move(delta: number): boolean {
    if (!this.entries.length) return false;
    const next = this.active < 0 ? (delta > 0 ? 0 : this.entries.length - 1) : this.active + delta;
    this.highlight((next + this.entries.length) % this.entries.length);
    return true;
  }

  /** Picks the highlighted entry, if it can be picked; returns whether a pick happened. */
  pick(): boolean {
    const entry = this.entries[this.active];
    if (!entry || !entry.enabled) return false;
    this.picked = entry.key;
    this.markPicked();
    this.onPick(entry.target);
    return true;
  }

  /** Forgets the pick (the raw ID fields were edited). */
  clearPick(): void {
    this.picked = '';
    this.markPicked();
  }

  hasActive(): boolean {
    return this.active >= 0;
  }

  loading(): void {
    if (!this.entries.length) this.note.textContent = this.text('loading');
  }

  failed(message: string): void {
    this.note.textContent = this.text('failed') + message;
  }

  /**
   * Draws `data` for a session of `chat` (im) or call type: a chat goes to im groups and to agents
   * who take chats; a call to the other groups and to agents who take calls. The highlight and the
   * pick stay on the same target across refreshes.
   */
  render(data: DirectoryData, chat: boolean): void {
    const { t } = this.ctx;
    const activeKey = this.entries[this.active]?.key;
    const entries: Entry[] = [];
    const section = (name: 'groups' | 'agents', rows: Array<Omit<Entry, 'el'> & { el: HTMLElement }>) => {
      if (!rows.length) return null;
      const heading = h('div', { class: 'heading', id: `dir-h-${name}`, role: 'presentation' }, this.text(name));
      entries.push(...rows);
      return h('div', { role: 'group', 'aria-labelledby': `dir-h-${name}` }, heading, ...rows.map((r) => r.el));
    };
    const groups = data.skillGroups
      .filter((g) => (g.type === 'im') === chat)
      .map((g) => {
        const enabled = g.online > 0;
        const el = this.option(
          g.free > 0 ? 'free' : g.online > 0 ? 'busy' : 'offline',
          g.name || g.skillGroupId,
          `ID ${g.skillGroupId}`,
          enabled ? fill(this.text('groupCounts'), g as unknown as Record<string, number>) : this.text('nobodyOnline'),
          enabled,
        );
        return {
          key: `g:${g.skillGroupId}`,
          target: { kind: 'skillGroupId' as const, id: g.skillGroupId, label: g.name || g.skillGroupId },
          enabled,
          el,
        };
      });
    const agents = data.agents.map((a) => {
      const enabled = chat ? a.takesChats : a.takesCalls;
      const name = a.nick || a.name || a.userId;
      const sub = a.staffNumber ? `${a.userId} · ${fill(this.text('number'), { n: a.staffNumber })}` : a.userId;
      let status = t(`status.${a.status}` as Parameters<typeof t>[0]);
      if (a.status === 'rest' && a.restReason)
        status += this.ctx.host.config().lang === 'en' ? ` (${a.restReason})` : `（${a.restReason}）`;
      if (!enabled && (a.status === 'free' || a.status === 'notReady' || a.status === 'busy'))
        status += ` · ${this.text('unavailable')}`;
      return {
        key: `a:${a.userId}`,
        target: { kind: 'userId' as const, id: a.userId, label: name },
        enabled,
        el: this.option(a.status, name, sub, status, enabled),
      };
    });
    const parts = [section('groups', groups), section('agents', agents)].filter((x): x is HTMLDivElement => !!x);
    entries.forEach((e, i) => (e.el.id = `dir-opt-${i}`));
    this.entries = entries;
    this.el.replaceChildren(...parts);
    this.active = activeKey ? entries.findIndex((e) => e.key === activeKey) : -1;
    this.highlight(this.active);
    if (this.picked && !entries.some((e) => e.key === this.picked && e.enabled)) {
      // The picked target went away or became unavailable: say so by dropping the pick.
      this.picked = '';
      this.onPick(undefined);
    }
    this.markPicked();
    this.note.textContent = !entries.length
      ? this.text('empty')
      : data.truncated
        ? fill(this.text('truncated'), { n: Math.max(data.agents.length, data.skillGroups.length) })
        : '';
  }

  private option(status: string, name: string, sub: string, state: string, enabled: boolean): HTMLElement {
    return h(
      'div',
      {
        role: 'option',
        'aria-selected': 'false',
        'aria-disabled': enabled ? undefined : 'true',
        'data-status': status,
      },
      h('span', { class: `dot ${status}`, 'aria-hidden': 'true' }),
      h('span', { class: 'name' }, name, h('span', { class: 'sub' }, sub)),
      h('span', { class: 'st', 'data-field': 'transfer-option-status' }, state),
    );
  }

  private highlight(index: number): void {
    this.entries.forEach((e, i) => e.el.classList.toggle('active', i === index));
    this.active = index;
    const entry = this.entries[index];
    if (entry) {
      this.combo.setAttribute('aria-activedescendant', entry.el.id);
      entry.el.scrollIntoView?.({ block: 'nearest' });
    } else {
      this.combo.removeAttribute('aria-activedescendant');
    }
  }

  private markPicked(): void {
    for (const e of this.entries) e.el.setAttribute('aria-selected', String(e.key === this.picked));
  }
}
