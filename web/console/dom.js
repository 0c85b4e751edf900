// SPDX-License-Identifier: Apache-2.0
// Small DOM helpers the console's views share: elements built from text only (never HTML: all
// that the server sends is treated as hostile), table cells that carry their column's name for the
// narrow (card) layout, the page's message lines, modal dialogs and the delete confirmation.
import { t } from './i18n.js';

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
