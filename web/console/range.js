// SPDX-License-Identifier: Apache-2.0
// What the records tabs (calls, chats) share: the search's date range (two <input type=date>, read
// as Unix seconds from the start of the first day to the end of the last, local time, at most 90
// days) and the pager under the list.
import { showError, clearMessages } from './dom.js';
import { t, dateInput } from './i18n.js';

/** The bounds of `from`..`to` as {start, end} in Unix seconds, or {error, field} when they make no range. */
export function readRange(from, to) {
  if (!from.value || !to.value) return { error: t('range.vDate'), field: !from.value ? from : to };
  const [fy, fm, fd] = from.value.split('-').map(Number);
  const [ty, tm, td] = to.value.split('-').map(Number);
  const start = Math.floor(new Date(fy, fm - 1, fd).getTime() / 1000);
  const end = Math.floor(new Date(ty, tm - 1, td + 1).getTime() / 1000) - 1;
  if (end < start) return { error: t('range.vRange'), field: to };
  if (end - start >= 90 * 86400) return { error: t('range.vRange90'), field: from };
  return { start, end };
}

/** The range to search, or null after saying what is wrong (the field marked and focused). */
export function checkRange(from, to) {
  for (const f of [from, to]) f.removeAttribute('aria-invalid');
  const r = readRange(from, to);
  if (r.error) {
    showError(r.error);
    r.field.setAttribute('aria-invalid', 'true');
    r.field.focus();
    return null;
  }
  clearMessages();
  return r;
}

/** Empty date fields become today: the first search of a tab. */
export function fillToday(from, to) {
  const today = dateInput(new Date());
  if (!from.value) from.value = today;
  if (!to.value) to.value = today;
}

/** Wires the pager's buttons: `go(page)` loads another page; `page()` is the one shown (0-based). */
export function bindPager(prev, next, { page, go }) {
  prev.addEventListener('click', () => {
    if (page() > 0) go(page() - 1);
  });
  next.addEventListener('click', () => go(page() + 1));
}

/** The pager {nav, text, prev, next} for `total` rows, `size` a page, on page `page` (0-based); `key` words it. */
export function renderPager(pager, { page, total, size, key }) {
  const pages = Math.max(1, Math.ceil(total / size));
  pager.nav.hidden = total === 0;
  pager.text.textContent = t(key, { page: page + 1, pages, total });
  pager.prev.disabled = page <= 0;
  pager.next.disabled = page + 1 >= pages;
}
