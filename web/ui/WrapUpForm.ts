// SPDX-License-Identifier: Apache-2.0
// The wrap-up of the session that just ended: a disposition code and notes, saved with
// tccc.Agent.wrapUp into the session's CDR (docs/protocol.md "After-call work and history"). It
// appears below the after-call-work block once a call or chat the agent answered has ended, and
// stays until it is saved or put off ("Later"): the after-call-work countdown does not take it
// away, and working in it keeps the agent in after-call work. Saving again replaces the wrap-up.
import { h, show } from './dom';
import type { Ctx } from './elements';
import type { Translate } from './i18n';
import { CSS } from './styles';
import { adoptStyles } from './sheets';
import type { UiSession } from './Store';
import type { Disposition } from '../../js/src/types';

/** The codes the wire accepts (vocabulary.json `Disposition`), in the order the picker lists them. */
export const DISPOSITIONS: readonly Disposition[] = [
  'resolved',
  'followUp',
  'callBack',
  'noAnswer',
  'wrongNumber',
  'complaint',
  'sale',
  'other',
];

/** A disposition code in the viewer's words; an unknown code (a newer server's) as it is. */
export function dispositionLabel(t: Translate, code: string): string {
  return (DISPOSITIONS as readonly string[]).includes(code) ? t(`disp.${code}` as never) : code;
}

/** The notes' limit (vocabulary.json `notes`), in characters. */
export const NOTES_MAX = 1000;

const FORM_CSS = `
textarea { font: inherit; border: 1px solid #c9cdd4; border-radius: 6px; padding: 4px 6px; width: 100%;
  box-sizing: border-box; min-height: 64px; resize: vertical; }
label { font-size: 12px; color: #4e5969; }
.field { display: flex; flex-direction: column; gap: 2px; margin: 4px 0; }
.field select { max-width: 100%; }
.ok { color: #1b7a4f; font-size: 12px; }
`;

/** Per UI (its Store), kept across the rebuilds a language switch makes: HistoryPane listens for
 *  `saved`; sessions saved or put off are not offered again. */
const perStore = new WeakMap<object, { events: EventTarget; settled: Set<string> }>();
function shared(store: object): { events: EventTarget; settled: Set<string> } {
  let entry = perStore.get(store);
  if (!entry) perStore.set(store, (entry = { events: new EventTarget(), settled: new Set() }));
  return entry;
}
export function wrapUpEvents(store: object): EventTarget {
  return shared(store).events;
}

export class WrapUpForm extends HTMLElement {
  private ctx!: Ctx;
  private form!: HTMLFormElement;
  private about!: HTMLDivElement;
  private select!: HTMLSelectElement;
  private notes!: HTMLTextAreaElement;
  private save!: HTMLButtonElement;
  private status!: HTMLDivElement;
  private sessionId = '';
  /** The session saved here last: its form stays, saying so, until "Later" or the next session. */
  private savedHere = '';
  private get settled(): Set<string> {
    return shared(this.ctx.store).settled;
  }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  init(ctx: Ctx): void {
    this.ctx = ctx;
    const { t, store } = ctx;
    this.about = h('div', { class: 'muted text', 'data-field': 'wrap-up-session' });
    this.select = h('select', { id: 'wrap-up-disposition', 'data-field': 'wrap-up-disposition' });
    this.select.append(h('option', { value: '' }, t('pickDisposition')));
    for (const code of DISPOSITIONS) this.select.append(h('option', { value: code }, dispositionLabel(t, code)));
    this.notes = h('textarea', {
      id: 'wrap-up-notes',
      maxlength: NOTES_MAX,
      rows: 3,
      placeholder: t('wrapUpNotesHint'),
      'data-field': 'wrap-up-notes',
    });
    this.save = h('button', { type: 'submit', class: 'primary', 'data-act': 'wrap-up-save' }, t('saveWrapUp'));
    const later = h('button', { type: 'button', 'data-act': 'wrap-up-later' }, t('skipWrapUp'));
    this.status = h('div', { role: 'status', 'data-field': 'wrap-up-status' });
    this.form = h(
      'form',
      { 'aria-label': t('wrapUpTitle'), novalidate: true, 'data-field': 'wrap-up' },
      h('h3', {}, t('wrapUpTitle')),
      this.about,
      h('div', { class: 'field' }, h('label', { for: 'wrap-up-disposition' }, t('disposition')), this.select),
      h('div', { class: 'field' }, h('label', { for: 'wrap-up-notes' }, t('wrapUpNotes')), this.notes),
      h('div', { class: 'row' }, this.save, later),
      this.status,
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit();
    });
    // A choice answers "choose a disposition": that notice goes.
    this.select.addEventListener('change', () => {
      if (this.status.className === 'error') this.say('', 'muted');
    });
    later.addEventListener('click', () => {
      this.settled.add(this.sessionId);
      this.savedHere = '';
      this.update();
    });
    // Working on the wrap-up keeps the agent in after-call work instead of the countdown ending it.
    this.form.addEventListener('focusin', () => {
      if (store.status === 'arrange' && !store.acwKept) store.keepWrapping();
    });
    adoptStyles(this.shadowRoot!, CSS, FORM_CSS);
    this.shadowRoot!.append(h('section', {}, this.form));
    store.subscribe(() => this.update());
    this.update();
  }

  /** The latest ended session this agent answered that has no wrap-up from this page yet. */
  private pending(): UiSession | undefined {
    const ended = [...this.ctx.store.sessions.values()].filter(
      (s) => s.state === 'ended' && s.talkingSince > 0 && !this.settled.has(s.sessionId),
    );
    return ended.sort((a, b) => b.endedAt - a.endedAt)[0];
  }

  update(): void {
    const { t } = this.ctx;
    const next = this.pending();
    if (next && next.sessionId !== this.sessionId) {
      this.savedHere = '';
      // A newer session ended: its wrap-up starts empty.
      this.sessionId = next.sessionId;
      this.select.value = '';
      this.notes.value = '';
      this.status.textContent = '';
      this.status.className = '';
      this.save.disabled = false;
    }
    const current = this.ctx.store.sessions.get(this.sessionId);
    if (current)
      this.about.textContent = `${t(`type.${current.type}` as never)} · ${t(`dir.${current.direction}`)} · ${current.peer}`;
    show(this, !!this.sessionId && (!this.settled.has(this.sessionId) || this.savedHere === this.sessionId));
  }

  private async submit(): Promise<void> {
    const { t, store } = this.ctx;
    const sessionId = this.sessionId;
    const disposition = this.select.value as Disposition | '';
    if (!disposition) {
      this.say(t('pickDisposition'), 'error');
      this.select.focus();
      return;
    }
    this.save.disabled = true;
    this.say(t('wrapUpSaving'), 'muted');
    try {
      await store.tccc.Agent.wrapUp({ sessionId, disposition, notes: this.notes.value });
      if (sessionId !== this.sessionId) return;
      this.settled.add(sessionId);
      this.savedHere = sessionId;
      this.say(t('wrapUpSaved'), 'ok');
      wrapUpEvents(store).dispatchEvent(new Event('saved'));
    } catch (err) {
      if (sessionId !== this.sessionId) return;
      const message = (err as { errorMsg?: string; message?: string }).errorMsg ?? String(err);
      this.say(t('wrapUpFailed', message), 'error');
    } finally {
      if (sessionId === this.sessionId) this.save.disabled = false;
    }
  }

  private say(text: string, kind: 'ok' | 'error' | 'muted'): void {
    this.status.className = kind;
    this.status.textContent = text;
  }
}
