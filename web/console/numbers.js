// SPDX-License-Identifier: Apache-2.0
// The numbers tab: the tenant's service numbers, each with its IVR menu (a prompt and keys that lead
// to skill groups) or the skill group its calls go straight to, and the outbound caller numbers
// (read-only). Numbers are added, edited and deleted with the console's own actions
// (DescribeServiceNumbers, ModifyServiceNumber, DeleteServiceNumber); the editor checks a menu the
// way the server does before it sends it, so the common mistakes are explained in the page's words.
import { api } from './console-api.js';
import {
  $,
  el,
  cell,
  button,
  busy,
  notify,
  showError,
  openDialog,
  closeDialog,
  formError,
  confirmDelete,
} from './dom.js';
import { t, errorText, onLanguage } from './i18n.js';
import { groupName, loadGroups, openWithGroups, voiceGroups } from './directory.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];
const MAX_PROMPT = 500;
const MAX_LABEL = 64;

let numbers = [];
let callers = [];
let editing = null; // the number being edited, null when adding

// --- the list ---------------------------------------------------------------------------------------

function card(n) {
  const options = Array.isArray(n.IvrOptions) ? n.IvrOptions : [];
  const body = [];
  if (options.length) {
    body.push(
      el(
        'p',
        { className: 'cc-prompt', 'data-testid': 'cc-number-prompt' },
        el('span', { className: 'cc-k' }, t('numbers.prompt')),
        el('span', { className: 'cc-prompt-text' }, n.IvrPrompt || t('none')),
      ),
    );
    const keys = el('ul', { className: 'cc-keys', 'aria-label': t('numbers.menu') });
    for (const o of options) {
      keys.append(
        el(
          'li',
          { 'data-key': o.Key, 'data-testid': 'cc-number-option' },
          el('kbd', { 'aria-label': t('numbers.key', { key: o.Key }) }, o.Key),
          el('span', { className: 'cc-key-label', 'data-testid': 'cc-number-option-label' }, o.Label),
          el('span', { className: 'cc-arrow', 'aria-hidden': 'true' }, '→'),
          el('span', { className: 'cc-chip' }, groupName(o.SkillGroupId)),
        ),
      );
    }
    body.push(keys);
  } else if (Number(n.DefaultSkillGroupId)) {
    body.push(el('p', { className: 'cc-route' }, t('numbers.noMenu', { group: groupName(n.DefaultSkillGroupId) })));
  } else {
    body.push(el('p', { className: 'cc-route cc-warn' }, t('numbers.noRoute')));
  }
  return el(
    'li',
    { className: 'cc-number', 'data-number': n.Number },
    el(
      'div',
      { className: 'cc-number-head' },
      el('h2', { className: 'cc-number-title' }, n.Number),
      el(
        'span',
        { className: 'cc-actions' },
        button(t('edit'), {
          'data-testid': 'cc-number-edit',
          'aria-label': t('numbers.editOf', { number: n.Number }),
          onClick: () => openForm(n),
        }),
        button(t('delete'), {
          className: 'cc-btn cc-danger-text',
          'data-testid': 'cc-number-delete',
          'aria-label': t('numbers.deleteOf', { number: n.Number }),
          onClick: () => remove(n),
        }),
      ),
    ),
    ...body,
  );
}

function callerRow(c) {
  const chips = el('span', { className: 'cc-chips' });
  for (const id of c.SkillGroupIds || []) chips.append(el('span', { className: 'cc-chip' }, groupName(id)));
  if (!chips.childNodes.length) chips.append(t('none'));
  return el('tr', { 'data-number': c.Number }, cell('callers.col.number', c.Number), cell('callers.col.groups', chips));
}

export function render() {
  $('numbers').replaceChildren(...numbers.map(card));
  $('numbers-empty').hidden = numbers.length > 0;
  $('numbers-count').textContent = t('numbers.count', { n: numbers.length });
  $('caller-rows').replaceChildren(...callers.map(callerRow));
  $('callers-empty').hidden = callers.length > 0;
}

export async function show() {
  try {
    const [r] = await Promise.all([api('DescribeServiceNumbers', {}), loadGroups()]);
    numbers = Array.isArray(r.ServiceNumbers) ? r.ServiceNumbers : [];
    callers = Array.isArray(r.CallerNumbers) ? r.CallerNumbers : [];
    render();
  } catch (e) {
    showError(t('loadFailed', { error: errorText(e) }));
  }
}

/** Forgets what was shown (sign-out). */
export function reset() {
  numbers = [];
  callers = [];
  render();
}

// --- the editor -------------------------------------------------------------------------------------

/** A <select> of the groups that take calls; `extra` keeps a value that is not among them. */
function groupSelect(value, props, withNone) {
  const list = voiceGroups().map((g) => [Number(g.SkillGroupId), g.SkillGroupName]);
  if (value && !list.some(([id]) => id === Number(value))) list.push([Number(value), groupName(value)]);
  const select = el('select', { className: 'cc-input', ...props });
  if (withNone) select.append(el('option', { value: '0' }, t('numbers.defaultNone')));
  else if (!value) select.append(el('option', { value: '' }, t('none')));
  for (const [id, name] of list) select.append(el('option', { value: String(id) }, name));
  select.value = value ? String(value) : withNone ? '0' : '';
  return select;
}

function optionRow(o) {
  const key = el('select', { className: 'cc-input cc-key', 'data-testid': 'cc-ivr-key' });
  for (const k of KEYS) key.append(el('option', { value: k }, k));
  key.value = o.Key;
  const label = el('input', {
    type: 'text',
    className: 'cc-input',
    maxlength: String(MAX_LABEL),
    value: o.Label || '',
    'data-testid': 'cc-ivr-label',
    autocomplete: 'off',
  });
  const group = groupSelect(o.SkillGroupId, { 'data-testid': 'cc-ivr-group' }, false);
  const li = el('li', { className: 'cc-option', 'data-testid': 'cc-ivr-option' });
  const remove = button('×', {
    className: 'cc-btn cc-icon',
    'data-testid': 'cc-ivr-remove',
    onClick: () => {
      li.remove();
      relabelOptions();
    },
  });
  li.append(
    el('label', { className: 'cc-field cc-key-field' }, el('span', { 'data-part': 'key' }), key),
    el('label', { className: 'cc-field' }, el('span', { 'data-part': 'label' }), label),
    el('label', { className: 'cc-field' }, el('span', { 'data-part': 'group' }), group),
    remove,
  );
  $('ivr-options').append(li);
  relabelOptions();
}

/** The words of the option rows: their field names, "Key n" and the remove button's name. */
function relabelOptions() {
  const rows = [...$('ivr-options').children];
  rows.forEach((li, i) => {
    const n = i + 1;
    li.setAttribute('aria-label', t('numbers.optionN', { n }));
    li.querySelector('[data-part=key]').textContent = t('numbers.f.key');
    li.querySelector('[data-part=label]').textContent = t('numbers.f.label');
    li.querySelector('[data-part=group]').textContent = t('numbers.f.group');
    const remove = li.querySelector('[data-testid=cc-ivr-remove]');
    remove.setAttribute('aria-label', t('numbers.removeOption', { n }));
    remove.title = t('numbers.removeOption', { n });
  });
  $('ivr-no-options').hidden = rows.length > 0;
  $('ivr-add-option').disabled = rows.length >= KEYS.length;
}

function addOption() {
  const used = new Set([...$('ivr-options').querySelectorAll('[data-testid=cc-ivr-key]')].map((s) => s.value));
  const key = KEYS.find((k) => !used.has(k));
  if (!key) return;
  const first = voiceGroups()[0];
  optionRow({ Key: key, Label: '', SkillGroupId: first ? Number(first.SkillGroupId) : 0 });
  const rows = $('ivr-options').children;
  rows[rows.length - 1].querySelector('[data-testid=cc-ivr-label]').focus();
}

function setTitle() {
  $('number-dialog-title').textContent = editing
    ? `${t('numbers.editTitle')} · ${editing.Number}`
    : t('numbers.newTitle');
}

function openForm(n) {
  editing = n || null;
  formError($('number-error'), '');
  setTitle();
  $('ivr-number').value = n ? n.Number : '';
  $('ivr-number').disabled = !!n;
  $('ivr-prompt').value = n ? n.IvrPrompt || '' : '';
  $('ivr-options').replaceChildren();
  for (const o of (n && n.IvrOptions) || []) optionRow(o);
  relabelOptions();
  const def = groupSelect(n ? Number(n.DefaultSkillGroupId) || 0 : 0, {}, true);
  const value = def.value;
  $('ivr-default').replaceChildren(...def.children);
  $('ivr-default').value = value;
  openDialog($('number-dialog'), n ? $('ivr-prompt') : $('ivr-number'));
}

function readForm() {
  return {
    Number: $('ivr-number').value.trim(),
    IvrPrompt: $('ivr-prompt').value.trim(),
    IvrOptions: [...$('ivr-options').children].map((li) => ({
      Key: li.querySelector('[data-testid=cc-ivr-key]').value,
      Label: li.querySelector('[data-testid=cc-ivr-label]').value.trim(),
      SkillGroupId: Number(li.querySelector('[data-testid=cc-ivr-group]').value) || 0,
    })),
    DefaultSkillGroupId: Number($('ivr-default').value) || 0,
  };
}

/** What the server would refuse, in the page's words: [text, fields] or null. */
function invalid(f) {
  const rows = [...$('ivr-options').children];
  if (!editing) {
    if (!/^\+?[0-9]{3,20}$/.test(f.Number)) return [t('numbers.vNumber'), [$('ivr-number')]];
    if (numbers.some((n) => n.Number === f.Number))
      return [t('numbers.vExists', { number: f.Number }), [$('ivr-number')]];
  }
  const seen = new Map();
  for (let i = 0; i < f.IvrOptions.length; i++) {
    const o = f.IvrOptions[i];
    const keyField = rows[i].querySelector('[data-testid=cc-ivr-key]');
    if (seen.has(o.Key)) return [t('numbers.vKeyTwice', { key: o.Key }), [keyField, seen.get(o.Key)]];
    seen.set(o.Key, keyField);
    if (!o.Label) return [t('numbers.vLabel', { key: o.Key }), [rows[i].querySelector('[data-testid=cc-ivr-label]')]];
    if (!o.SkillGroupId)
      return [t('numbers.vGroup', { key: o.Key }), [rows[i].querySelector('[data-testid=cc-ivr-group]')]];
  }
  if (f.IvrOptions.length && !f.IvrPrompt) return [t('numbers.vPrompt'), [$('ivr-prompt')]];
  if (!f.IvrOptions.length && !f.DefaultSkillGroupId) return [t('numbers.vDefault'), [$('ivr-default')]];
  return null;
}

async function save(event) {
  event.preventDefault();
  const f = readForm();
  if (editing) f.Number = editing.Number;
  const bad = invalid(f);
  if (bad) {
    formError($('number-error'), bad[0], bad[1]);
    return;
  }
  formError($('number-error'), '');
  try {
    await busy($('number-save'), api('ModifyServiceNumber', f));
    closeDialog($('number-dialog'));
    notify(t('saved'));
    await show();
  } catch (e) {
    formError($('number-error'), errorText(e));
  }
}

async function remove(n) {
  if (!(await confirmDelete(t('numbers.confirmDelete', { number: n.Number })))) return;
  try {
    await api('DeleteServiceNumber', { Number: n.Number });
    notify(t('deletedItem', { name: n.Number }));
    await show();
  } catch (e) {
    showError(errorText(e));
  }
}

$('number-add').addEventListener('click', () => openWithGroups(openForm));
$('ivr-add-option').addEventListener('click', addOption);
$('number-form').addEventListener('submit', save);
$('number-cancel').addEventListener('click', () => closeDialog($('number-dialog')));
$('numbers-refresh').addEventListener('click', () => {
  loadGroups(true).then(show, (e) => showError(errorText(e)));
});
$('ivr-prompt').setAttribute('maxlength', String(MAX_PROMPT));
onLanguage(() => {
  render();
  if ($('number-dialog').open) {
    setTitle();
    relabelOptions();
    const none = $('ivr-default').querySelector('option[value="0"]');
    if (none) none.textContent = t('numbers.defaultNone');
  }
});
