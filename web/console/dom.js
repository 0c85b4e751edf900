// SPDX-License-Identifier: Apache-2.0
// Small DOM helpers the console's views share: elements built from text only (never HTML: all
// that the server sends is treated as hostile), table cells that carry their column's name for the
// narrow (card) layout, rows with a detail row under them, conversations (who said what when), the
// page's message lines, modal dialogs and the delete confirmation.
import { t, errorText } from './i18n.js';

export const $ = (id) => document.getElementById(id);

/**
 * `el('td', {className: 'x', 'data-testid': 'y'}, child, 'text', …)`: a property when the element
 * has it (className, type, value, disabled, hidden, checked), an attribute otherwise; strings as
 * text nodes; null, undefined and false children are skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className' || k === 'type' || k === 'value' || k === 'disabled' || k === 'hidden' || k === 'checked')
      node[k] = v;
    else if (k === 'onClick') node.addEventListener('click', v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
  return node;
}

/** A table cell that names its column (shown before the value when the table is a list of cards). */
export function cell(labelKey, ...children) {
  // One box for the value: in the card layout the cell is a grid of the column's name and it.
  return el('td', { 'data-label': t(labelKey) }, el('div', { className: 'cc-cell' }, ...children));
}

export function button(text, props = {}) {
  return el('button', { type: 'button', className: 'cc-btn', ...props }, text);
}

/** A cell's value as a name with a smaller second line (an e-mail, a user id) when that says more; "—" for none. */
export function nameLines(name, sub, props = {}) {
  if (!name) return [el('span', props, t('none'))];
  return [
    el('span', { className: 'cc-break', ...props }, name),
    sub && sub !== name ? el('small', { className: 'cc-sub cc-break' }, sub) : null,
  ];
}

// --- rows with details ----------------------------------------------------------------------------

/**
 * Puts `fresh` (and its detail row `detail`, if any) where `old` and the detail row under it were.
 * A control of the old row that had the focus hands it to its namesake (same data-testid).
 */
export function replaceRow(old, fresh, detail) {
  const next = old.nextElementSibling;
  const oldDetail = next && next.classList.contains('cc-detail') ? next : null;
  const active = document.activeElement;
  const focused = active && old.contains(active) ? active.getAttribute('data-testid') : null;
  old.replaceWith(fresh);
  if (oldDetail) oldDetail.remove();
  if (detail) fresh.after(detail);
  const again = focused && fresh.querySelector(`[data-testid="${CSS.escape(focused)}"]`);
  if (again) again.focus();
}

/**
 * What was said in a session, for its detail row: a heading, then "Loading…", the error, `texts.empty`,
 * or one bubble per line ({side, who, time, text}; side customer, agent, system or other): the
 * customer's on the left, the agent's on the right, notices in the middle. `texts`: `empty`, the
 * note for no lines, and the test ids of the box (`box`), of each line (`line`) and of that note (`emptyId`).
 */
export function conversation(title, data, texts) {
  const box = el('div', { className: 'cc-transcript', 'data-testid': texts.box }, el('h3', {}, title));
  if (data === 'loading') box.append(el('p', { className: 'cc-muted', role: 'status' }, t('loading')));
  else if (data instanceof Error) box.append(el('p', { className: 'cc-error' }, errorText(data)));
  else if (!data.length) box.append(el('p', { className: 'cc-muted', 'data-testid': texts.emptyId }, texts.empty));
  else {
    const list = el('ol', {});
    for (const line of data) {
      list.append(
        el(
          'li',
          { 'data-side': line.side, 'data-testid': texts.line },
          el('span', { className: 'cc-line-head' }, el('b', {}, line.who), ' ', el('time', {}, line.time)),
          el('span', { className: 'cc-line-text' }, line.text),
        ),
      );
    }
    box.append(list);
  }
  return box;
}

// --- the message lines under the tabs ---------------------------------------------------------

let noticeTimer = 0;

export function showError(text) {
  $('error').textContent = text || '';
  if (text) $('notice').textContent = '';
}

/** A short confirmation ("Saved."), gone after a few seconds. */
export function notify(text) {
  $('error').textContent = '';
  $('notice').textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    $('notice').textContent = '';
  }, 6000);
}

export function clearMessages() {
  $('error').textContent = '';
  $('notice').textContent = '';
}

// --- dialogs --------------------------------------------------------------------------------------

/** Opens a modal <dialog>; focus goes to its first enabled field (or `focus`). */
export function openDialog(dialog, focus) {
  if (!dialog.open) dialog.showModal();
  const first = focus || dialog.querySelector('input:not([disabled]), select:not([disabled]), textarea, button');
  if (first) first.focus();
}

export function closeDialog(dialog) {
  if (dialog.open) dialog.close();
}

/** Marks the fields of a form error: `fields` get aria-invalid, the error line gets `text`. */
export function formError(errorLine, text, fields = []) {
  errorLine.textContent = text || '';
  const form = errorLine.closest('form');
  if (form) form.querySelectorAll('[aria-invalid]').forEach((f) => f.removeAttribute('aria-invalid'));
  for (const f of fields) f.setAttribute('aria-invalid', 'true');
  if (fields[0]) fields[0].focus();
}

/** While `promise` runs the submit button says "Saving…" and cannot be pressed twice. */
export async function busy(buttonEl, promise) {
  const label = buttonEl.textContent;
  buttonEl.disabled = true;
  buttonEl.textContent = t('saving');
  try {
    return await promise;
  } finally {
    buttonEl.disabled = false;
    buttonEl.textContent = label;
  }
}

let answer = null;

/** Asks `text`; resolves true when the operator confirms (the dialog's default is Cancel). */
export function confirmDelete(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  if (answer) answer(false);
  openDialog(dialog, $('confirm-no'));
  return new Promise((resolve) => {
    answer = resolve;
  });
}

function settle(value) {
  const resolve = answer;
  answer = null;
  closeDialog($('confirm'));
  if (resolve) resolve(value);
}

$('confirm-yes').addEventListener('click', () => settle(true));
$('confirm-no').addEventListener('click', () => settle(false));
// Escape closes a modal dialog by itself: that is a "no".
$('confirm').addEventListener('close', () => settle(false));
