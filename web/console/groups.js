// SPDX-License-Identifier: Apache-2.0
// The skill groups tab: every group with its type, maximum concurrency and member count, and a form
// that creates one (CreateCCCSkillGroup). The cloud API has no rename or delete for a group.
import { api } from './console-api.js';
import { $, el, cell, busy, notify, showError, openDialog, closeDialog, formError } from './dom.js';
import { t, errorText, onLanguage, dateTime } from './i18n.js';
import { groups, loadGroups, loadStaff, memberCount } from './directory.js';

// CreateCCCSkillGroup's SkillGroupType: 0 phone, 1 online (chat), 3 audio, 4 video.
const TYPES = [0, 1, 3, 4];

function row(g) {
  const id = Number(g.SkillGroupId);
  return el(
    'tr',
    { 'data-group': String(id) },
    cell('groups.col.id', String(id)),
    cell('groups.col.name', el('b', { className: 'cc-break', 'data-testid': 'cc-group-name-cell' }, g.SkillGroupName)),
    cell(
      'groups.col.type',
      el('span', { className: 'cc-chip', 'data-type': Number(g.SkillGroupType) }, typeText(g.SkillGroupType)),
    ),
    cell('groups.col.concurrency', el('span', { className: 'cc-num' }, String(g.MaxConcurrency ?? 1))),
    cell('groups.col.members', el('span', { className: 'cc-num', 'data-testid': 'cc-group-members' }, memberCount(id))),
    cell('groups.col.modified', el('span', { className: 'cc-num' }, dateTime(g.LastModifyTimestamp))),
  );
}

function typeText(type) {
  const key = `type.${Number(type)}`;
  const text = t(key);
  return text === key ? String(type) : text;
}

export function render() {
  const list = groups();
  $('group-rows').replaceChildren(...list.map(row));
  $('groups-count').textContent = t('groups.count', { n: list.length });
  $('groups-empty').hidden = list.length > 0;
}

export async function show(force = false) {
  try {
    await Promise.all([loadGroups(force), loadStaff(force)]);
    render();
  } catch (e) {
    showError(t('loadFailed', { error: errorText(e) }));
  }
}

/** Forgets what was shown (sign-out). */
export function reset() {
  $('group-rows').replaceChildren();
  $('groups-count').textContent = '';
}

function fillTypes() {
  const value = $('group-type').value || '0';
  $('group-type').replaceChildren(...TYPES.map((type) => el('option', { value: String(type) }, typeText(type))));
  $('group-type').value = value;
}

function openForm() {
  formError($('group-error'), '');
  $('group-name').value = '';
  fillTypes();
  $('group-type').value = '0';
  $('group-concurrency').value = '1';
  openDialog($('group-dialog'), $('group-name'));
}

async function save(event) {
  event.preventDefault();
  const name = $('group-name').value.trim();
  const type = Number($('group-type').value);
  const concurrency = Number($('group-concurrency').value);
  if (!name) {
    formError($('group-error'), t('groups.vName'), [$('group-name')]);
    return;
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) {
    formError($('group-error'), t('groups.vConcurrency'), [$('group-concurrency')]);
    return;
  }
  formError($('group-error'), '');
  try {
    const r = await busy(
      $('group-save'),
      api('CreateCCCSkillGroup', { SkillGroupName: name, SkillGroupType: type, MaxConcurrency: concurrency }),
    );
    closeDialog($('group-dialog'));
    notify(t('groups.created', { name, id: r.SkillGroupId }));
    await show(true);
  } catch (e) {
    formError(
      $('group-error'),
      errorText(e),
      e.code === 'InvalidParameterValue.SkillGroupExists' ? [$('group-name')] : [],
    );
  }
}

$('group-add').addEventListener('click', openForm);
$('group-form').addEventListener('submit', save);
$('group-cancel').addEventListener('click', () => closeDialog($('group-dialog')));
$('groups-refresh').addEventListener('click', () => show(true));
onLanguage(() => {
  render();
  if ($('group-dialog').open) fillTypes();
});
