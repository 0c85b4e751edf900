// SPDX-License-Identifier: Apache-2.0
// The staff tab: every staff member with role, skill groups and live status; add (CreateStaff),
// edit (ModifyStaff: name, nickname, number, mobile, skill groups) and delete (DeleteStaff, after
// a confirmation; the server keeps anyone signed in).
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
import { groups, loadGroups, openWithGroups, loadStaff, staff, statusOf } from './directory.js';

const ROLES = [3, 2, 1];
let editing = null; // the staff row being edited, null when adding

const roleOf = (s) => Number(s.RoleId || (Array.isArray(s.RoleList) && s.RoleList[0]) || 3);

function matches(s, query) {
  if (!query) return true;
  return [s.Name, s.Nick, s.Mail, s.StaffNumber].some((v) => typeof v === 'string' && v.toLowerCase().includes(query));
}

function row(s) {
  const status = statusOf(s.Mail);
  const name = s.Name || s.Mail;
  const chips = el('span', { className: 'cc-chips' });
  for (const g of s.SkillGroupList || []) chips.append(el('span', { className: 'cc-chip' }, g.SkillGroupName || ''));
  if (!chips.childNodes.length) chips.append(t('none'));
  return el(
    'tr',
    { 'data-mail': s.Mail },
    cell(
      'staff.col.name',
      el('b', { 'data-testid': 'cc-staff-name-cell' }, name),
      s.Nick && s.Nick !== name ? el('small', { className: 'cc-sub' }, s.Nick) : null,
    ),
    cell('staff.col.mail', el('span', { className: 'cc-break' }, s.Mail)),
    cell('staff.col.number', s.StaffNumber || t('none')),
    cell('staff.col.phone', s.Phone || t('none')),
    cell('staff.col.role', el('span', { className: 'cc-role', 'data-role': roleOf(s) }, t(`role.${roleOf(s)}`))),
    cell('staff.col.groups', chips),
    cell(
      'staff.col.status',
      el(
        'span',
        { className: 'cc-badge', 'data-status': status, 'data-testid': 'cc-staff-status' },
        statusText(status),
      ),
    ),
    cell(
      'staff.col.actions',
      el(
        'span',
        { className: 'cc-actions' },
        button(t('edit'), {
          'data-testid': 'cc-staff-edit',
          'aria-label': t('staff.editOf', { name }),
          onClick: () => openForm(s),
        }),
        button(t('delete'), {
          className: 'cc-btn cc-danger-text',
          'data-testid': 'cc-staff-delete',
          'aria-label': t('staff.deleteOf', { name }),
          onClick: () => remove(s),
        }),
      ),
    ),
  );
}

function statusText(status) {
  const key = `status.${status}`;
  const text = t(key);
  return text === key ? status : text;
}

export function render() {
  const query = $('staff-search').value.trim().toLowerCase();
  const list = staff().filter((s) => matches(s, query));
  $('staff-rows').replaceChildren(...list.map(row));
  $('staff-count').textContent = t('staff.count', { n: staff().length });
  $('staff-empty').hidden = list.length > 0;
  $('staff-empty').textContent = staff().length ? t('staff.noMatch') : t('staff.empty');
}

export async function show(force = false) {
  try {
    await Promise.all([loadStaff(force), loadGroups(force)]);
    render();
  } catch (e) {
    showError(t('loadFailed', { error: errorText(e) }));
  }
}

/** Forgets what was shown (sign-out). */
export function reset() {
  $('staff-search').value = '';
  $('staff-rows').replaceChildren();
  $('staff-count').textContent = '';
}

// --- the form ---------------------------------------------------------------------------------------

function fillRoles(selected) {
  $('staff-role').replaceChildren(
    ...ROLES.map((r) => el('option', { value: String(r), selected: r === selected }, t(`role.${r}`))),
  );
  $('staff-role').value = String(selected);
}

function fillGroups(checked) {
  const box = $('staff-groups');
  const list = groups();
  if (!list.length) {
    box.replaceChildren(el('p', { className: 'cc-hint' }, t('staff.noGroups')));
    return;
  }
  box.replaceChildren(
    ...list.map((g) =>
      el(
        'label',
        { className: 'cc-check' },
        el('input', {
          type: 'checkbox',
          value: String(g.SkillGroupId),
          checked: checked.has(Number(g.SkillGroupId)),
          'data-testid': 'cc-staff-group',
          'data-name': g.SkillGroupName,
        }),
        ` ${g.SkillGroupName} `,
        el('small', { className: 'cc-sub' }, t(`type.${Number(g.SkillGroupType)}`)),
      ),
    ),
  );
}

function openForm(s) {
  editing = s || null;
  formError($('staff-error'), '');
  $('staff-dialog-title').textContent = s ? `${t('staff.editTitle')} · ${s.Name || s.Mail}` : t('staff.newTitle');
  $('staff-mail').value = s ? s.Mail : '';
  $('staff-mail').disabled = !!s;
  $('staff-name').value = s ? s.Name || '' : '';
  $('staff-nick').value = s ? s.Nick || '' : '';
  $('staff-number').value = s ? s.StaffNumber || '' : '';
  $('staff-phone').value = s ? s.Phone || '' : '';
  fillRoles(s ? roleOf(s) : 3);
  // ModifyStaff has no role: it is chosen once, when the staff member is added.
  $('staff-role').disabled = !!s;
  $('staff-role-note').hidden = !s;
  fillGroups(new Set(s ? (s.SkillGroupList || []).map((g) => Number(g.SkillGroupId)) : []));
  openDialog($('staff-dialog'), s ? $('staff-name') : $('staff-mail'));
}

function readForm() {
  const value = (id) => $(id).value.trim();
  const picked = [...$('staff-groups').querySelectorAll('input[type=checkbox]:checked')];
  return {
    mail: value('staff-mail'),
    name: value('staff-name'),
    nick: value('staff-nick'),
    number: value('staff-number'),
    phone: value('staff-phone'),
    role: Number($('staff-role').value) || 3,
    groupIds: picked.map((c) => Number(c.value)),
    groupNames: picked.map((c) => c.getAttribute('data-name')),
  };
}

function invalid(f) {
  if (!editing && !/^[^\s@]+@[^\s@]+$/.test(f.mail)) return [t('staff.vMail'), $('staff-mail')];
  if (!f.name) return [t('staff.vName'), $('staff-name')];
  if (f.phone && !/^[0-9+-]+$/.test(f.phone)) return [t('staff.vPhone'), $('staff-phone')];
  return null;
}

async function save(event) {
  event.preventDefault();
  const f = readForm();
  const bad = invalid(f);
  if (bad) {
    formError($('staff-error'), bad[0], [bad[1]]);
    return;
  }
  formError($('staff-error'), '');
  try {
    if (editing) {
      await busy(
        $('staff-save'),
        api('ModifyStaff', {
          Email: editing.Mail,
          Name: f.name,
          Nick: f.nick,
          StaffNo: f.number,
          Phone: f.phone,
          SkillGroupIds: f.groupIds,
        }),
      );
      notify(t('saved'));
    } else {
      const r = await busy(
        $('staff-save'),
        api('CreateStaff', {
          Staffs: [
            {
              Mail: f.mail,
              Name: f.name,
              Nick: f.nick || undefined,
              StaffNumber: f.number || undefined,
              Phone: f.phone || undefined,
              Role: f.role,
              SkillGroupNameList: f.groupNames,
            },
          ],
        }),
      );
      const failed = (r.ErrorStaffList || [])[0];
      if (failed) {
        formError($('staff-error'), errorText({ code: failed.Code, message: failed.Message }), [$('staff-mail')]);
        return;
      }
      notify(t('staff.created', { mail: f.mail }));
    }
    closeDialog($('staff-dialog'));
    await show(true);
  } catch (e) {
    formError($('staff-error'), errorText(e));
  }
}

async function remove(s) {
  const name = s.Name || s.Mail;
  if (!(await confirmDelete(t('staff.confirmDelete', { name, mail: s.Mail })))) return;
  try {
    const r = await api('DeleteStaff', { StaffList: [s.Mail] });
    if ((r.OnlineStaffList || []).includes(s.Mail)) {
      showError(t('staff.online', { mail: s.Mail }));
      return;
    }
    let notFound = [];
    try {
      notFound = (r.DeleteStatusInfo && JSON.parse(r.DeleteStatusInfo).NotFound) || [];
    } catch {
      notFound = [];
    }
    if (notFound.includes(s.Mail)) showError(t('staff.notFound', { mail: s.Mail }));
    else notify(t('deletedItem', { name: `${name} (${s.Mail})` }));
    await show(true);
  } catch (e) {
    showError(errorText(e));
  }
}

$('staff-add').addEventListener('click', () => openWithGroups(openForm));
$('staff-form').addEventListener('submit', save);
$('staff-cancel').addEventListener('click', () => closeDialog($('staff-dialog')));
$('staff-search').addEventListener('input', render);
$('staff-refresh').addEventListener('click', () => show(true));
onLanguage(() => {
  render();
  if ($('staff-dialog').open) {
    // The open form keeps what was typed; only its worded parts change.
    const checked = new Set([...$('staff-groups').querySelectorAll('input:checked')].map((c) => Number(c.value)));
    const role = Number($('staff-role').value) || 3;
    fillRoles(role);
    fillGroups(checked);
    $('staff-dialog-title').textContent = editing
      ? `${t('staff.editTitle')} · ${editing.Name || editing.Mail}`
      : t('staff.newTitle');
  }
});
