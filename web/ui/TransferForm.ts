// SPDX-License-Identifier: Apache-2.0
// The transfer form, shared by the call bar and the chat pane: to an agent (user ID) or a skill
// group (numeric ID). The SDK has no API that lists agents or skill groups, so the target is typed:
// the field has a visible label, an example, and is checked before anything is sent, so a typo says
// what is wrong here instead of coming back as a server error.
import { h, show } from './dom';
import type { Ctx } from './elements';
import type { UiSession } from './Store';

export interface TransferForm {
  form: HTMLFormElement;
  /** Shows the form (or hides it when it is open) and puts the cursor in the target field. */
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
  kind.addEventListener('change', labelTarget);
  labelTarget();
  const cancel = h('button', { type: 'button' }, t('cancel'));
  const form = h(
    'form',
    { hidden: true, novalidate: true, 'data-field': 'transfer-form' },
    h('div', { class: 'row' }, h('label', { for: 'transfer-kind' }, t('transferTo')), kind),
    h('div', { class: 'row' }, targetLabel, target),
    problem,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'primary', 'data-act': 'transfer-confirm' }, t('confirm')),
      cancel,
    ),
  );
  const close = () => {
    show(form, false);
    problem.textContent = '';
  };
  cancel.addEventListener('click', close);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const s = session();
    const value = target.value.trim();
    const wrong = transferProblem(kind.value, value);
    problem.textContent = wrong ? t(wrong) : '';
    if (wrong) {
      target.focus();
      return;
    }
    if (!s) return;
    void store.run(async () => {
      await store.transfer(s, kind.value === 'userId' ? { userId: value } : { skillGroupId: value });
      close();
      target.value = '';
    });
  });
  return {
    form,
    close,
    toggle() {
      show(form, form.hidden);
      if (!form.hidden) target.focus();
    },
  };
}
