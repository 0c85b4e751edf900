// SPDX-License-Identifier: Apache-2.0
// The transfer form, shared by the call bar and the chat pane: a searchable directory of the
// application's skill groups and agents with live availability (tccc.Agent.getDirectory, drawn by
// DirectoryList), refreshed every few seconds while the form is open, so an agent picks a colleague
// who is free now instead of remembering IDs. A pick fills the target fields below the list; they
// stay editable as the fallback for a raw agent or skill group ID (a directory that failed to load,
// a target the integrator knows better), and are checked before anything is sent, so a typo says
// what is wrong here instead of coming back as a server error.
import { DirectoryList, type DirectoryTarget } from './DirectoryList';
import { h, show } from './dom';
import type { Ctx } from './elements';
import type { UiSession } from './Store';

/** How often the open form asks the server again, so statuses stay live (ms). */
export const DIRECTORY_REFRESH_MS = 4000;
/** Typing pauses this long before the search goes out (ms). */
const SEARCH_DEBOUNCE_MS = 250;

export interface TransferForm {
  form: HTMLFormElement;
  /** Shows the form (or hides it when it is open) and puts the cursor in the search field. */
  toggle(): void;
  close(): void;
}

/** What is wrong with a target, as an i18n key; '' when it may be sent. */
export function transferProblem(kind: string, target: string): '' | 'transferEmpty' | 'badAgentId' | 'badSkillGroupId' {
  if (!target) return 'transferEmpty';
  if (kind === 'skillGroupId') return /^\d{1,19}$/.test(target) ? '' : 'badSkillGroupId';
  return /^[^\s]{1,128}$/.test(target) ? '' : 'badAgentId';
}

export function transferForm(ctx: Ctx, session: () => UiSession | undefined): TransferForm {
  const { t, store } = ctx;
  const search = h('input', {
    type: 'search',
    id: 'transfer-search',
    maxlength: 64,
    autocomplete: 'off',
    role: 'combobox',
    'aria-expanded': 'true',
    'aria-autocomplete': 'list',
    'aria-controls': 'transfer-list',
    'data-field': 'transfer-search',
  });
  const kind = h(
    'select',
    { 'data-field': 'transfer-kind', id: 'transfer-kind' },
    h('option', { value: 'userId' }, t('toAgent')),
    h('option', { value: 'skillGroupId' }, t('toSkillGroup')),
  );
  const target = h('input', {
    type: 'text',
    maxlength: 128,
    id: 'transfer-target',
    autocomplete: 'off',
    'data-field': 'transfer-target',
  });
  const targetLabel = h('label', { for: 'transfer-target' });
  const problem = h('div', { class: 'error', role: 'alert', 'data-field': 'transfer-problem' });
  const labelTarget = () => {
    const agent = kind.value === 'userId';
    targetLabel.textContent = t(agent ? 'agentId' : 'skillGroupId');
    target.setAttribute('aria-label', targetLabel.textContent);
    target.placeholder = t(agent ? 'agentIdExample' : 'skillGroupIdExample');
    target.inputMode = agent ? 'email' : 'numeric';
    problem.textContent = '';
  };
  const picked = (pick: DirectoryTarget | undefined) => {
    if (!pick) {
      target.value = '';
      return;
    }
    kind.value = pick.kind;
    labelTarget();
    target.value = pick.id;
  };
  const list = new DirectoryList(ctx, search, picked);
  const searchLabel = h('label', { for: 'transfer-search' }, list.text('search'));
  search.placeholder = list.text('searchHint');
  search.setAttribute('aria-label', list.text('searchLabel'));
  kind.addEventListener('change', () => {
    labelTarget();
    list.clearPick();
  });
  target.addEventListener('input', () => list.clearPick());
  labelTarget();
  const cancel = h('button', { type: 'button' }, t('cancel'));
  const form = h(
    'form',
    { hidden: true, novalidate: true, class: 'transfer', 'data-field': 'transfer-form' },
    h('div', { class: 'row' }, h('strong', {}, t('transferTo'))),
    h('div', { class: 'row search' }, searchLabel, search),
    list.el,
    list.note,
    h('div', { class: 'row' }, h('label', { for: 'transfer-kind' }, list.text('byId')), kind),
    h('div', { class: 'row' }, targetLabel, target),
    problem,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'primary', 'data-act': 'transfer-confirm' }, t('confirm')),
      cancel,
    ),
  );

  // --- the live directory ---------------------------------------------------------------------
  let timer: ReturnType<typeof setInterval> | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let generation = 0; // answers to an older query or an earlier opening are dropped
  const refresh = async () => {
    if (form.hidden || !form.isConnected) return stop();
    const mine = ++generation;
    const query = search.value.trim();
    list.loading();
    try {
      const res = await store.tccc.Agent.getDirectory(query ? { query } : {});
      if (mine !== generation || form.hidden) return;
      list.render(res.data, session()?.type === 'im');
    } catch (err) {
      if (mine !== generation || form.hidden) return;
      list.failed((err as { errorMsg?: string; message?: string }).errorMsg ?? String(err));
    }
  };
  const stop = () => {
    clearInterval(timer);
    clearTimeout(debounce);
    timer = debounce = undefined;
    generation++;
  };
  const start = () => {
    stop();
    void refresh();
    timer = setInterval(() => void refresh(), DIRECTORY_REFRESH_MS);
  };
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void refresh(), SEARCH_DEBOUNCE_MS);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (list.move(e.key === 'ArrowDown' ? 1 : -1)) e.preventDefault();
    } else if (e.key === 'Enter' && !e.isComposing && list.hasActive()) {
      // Enter on a highlighted option picks it; it never sends the transfer by itself.
      e.preventDefault();
      list.pick();
    }
  });

  const close = () => {
    show(form, false);
    problem.textContent = '';
    stop();
  };
  cancel.addEventListener('click', close);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const s = session();
    const value = target.value.trim();
    const wrong = transferProblem(kind.value, value);
    problem.textContent = wrong ? t(wrong) : '';
    if (wrong) {
      (list.hasActive() || !search.value ? search : target).focus();
      return;
    }
    if (!s) return;
    void store.run(async () => {
      await store.transfer(s, kind.value === 'userId' ? { userId: value } : { skillGroupId: value });
      close();
      target.value = '';
      search.value = '';
      list.clearPick();
    });
  });
  return {
    form,
    close,
    toggle() {
      show(form, form.hidden);
      if (form.hidden) return stop();
      search.focus();
      start();
    },
  };
}
