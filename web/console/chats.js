// SPDX-License-Identifier: Apache-2.0
// The chat records tab: the tenant's finished chats between two dates (DescribeIMCdrs, newest
// first, a page at a time) with the local start time, the visitor, the agent who served last, the
// skill group, how long it lasted and how it ended; per chat its messages (DescribeChatMessages,
// oldest first) as a conversation: the visitor's on the left, the agents' on the right, the server's
// notices (joined, transferred, ended) in the middle, in the page's language.
import { api } from './console-api.js';
import { $, el, cell, button, nameLines, replaceRow, conversation, showError } from './dom.js';
import { t, errorText, onLanguage, dateTime, duration, clock, has } from './i18n.js';
import { loadGroups, loadStaff, groupById, staffByMail } from './directory.js';
import { checkRange, fillToday, renderPager, bindPager } from './range.js';

const PAGE_SIZE = 20; // DescribeIMCdrs: Limit 1–100
const MESSAGE_PAGE = 100; // DescribeChatMessages: Limit 1–100
const MAX_MESSAGES = 5000;
const COLUMNS = 7;

let rows = [];
let total = 0;
let page = 0;
let range = null; // {start, end} in Unix seconds, of the last search
let loading = false;
let failed = false; // the last load failed: the error line says so, not "no chats"
let generation = 0; // of the last search or page asked for: older answers are dropped
const messages = new Map(); // session id -> MessageBody list, or 'loading', or an ApiError

const text = (v) => (typeof v === 'string' ? v : '');
const sessionOf = (cdr) => text(cdr.SessionId) || text(cdr.Id); // the same on this server

/** The visitor: the nickname, with the user id under it. */
function customerOf(cdr) {
  const id = text(cdr.ClientUserId);
  return { name: text(cdr.Nickname) || id, id };
}

/** The agent who served last (StaffId is the e-mail): the name from the staff list when known. */
function agentOf(cdr) {
  const mail = text(cdr.StaffId);
  const s = mail ? staffByMail(mail) : null;
  return { name: (s && s.Name) || mail, mail };
}

function groupText(cdr) {
  const name = text(cdr.SkillGroupName);
  if (name) return name;
  const g = cdr.SkillGroupId ? groupById(cdr.SkillGroupId) : null;
  return g ? g.SkillGroupName : t('none');
}

function endText(cdr) {
  const key = `imEnd.${Number(cdr.EndStatus)}`;
  return has(key) ? t(key) : t('end.unknown');
}

function actionsCell(cdr) {
  const id = sessionOf(cdr);
  const open = messages.has(id);
  const values = { who: customerOf(cdr).name || t('none'), time: dateTime(cdr.Timestamp) };
  return cell(
    'chats.col.actions',
    button(open ? t('chats.hide') : t('chats.open'), {
      'data-testid': 'cc-chat-open',
      'aria-expanded': String(open),
      'aria-label': t(open ? 'chats.hideOf' : 'chats.openOf', values),
      onClick: () => toggleMessages(id),
    }),
  );
}

function row(cdr) {
  const id = sessionOf(cdr);
  const customer = customerOf(cdr);
  const agent = agentOf(cdr);
  const served = Number(cdr.Duration) > 0 || !!agent.mail;
  return el(
    'tr',
    { 'data-session': id },
    cell('chats.col.time', el('span', { className: 'cc-num' }, dateTime(cdr.Timestamp))),
    cell('chats.col.customer', ...nameLines(customer.name, customer.id, { 'data-testid': 'cc-chat-customer' })),
    cell('chats.col.agent', ...nameLines(agent.name, agent.mail, { 'data-testid': 'cc-chat-agent' })),
    cell('chats.col.group', el('span', { className: 'cc-break', 'data-testid': 'cc-chat-group' }, groupText(cdr))),
    cell('chats.col.duration', el('span', { className: 'cc-num' }, served ? duration(cdr.Duration) : t('none'))),
    cell(
      'chats.col.end',
      el(
        'span',
        { className: 'cc-end', 'data-im-end': String(Number(cdr.EndStatus)), 'data-testid': 'cc-chat-end' },
        endText(cdr),
      ),
    ),
    actionsCell(cdr),
  );
}

// The server's notices are stored in English ("Alice joined the chat"): worded again in the page's language.
const NOTICES = [
  [/^(.+) joined the chat$/, 'notice.joined'],
  [/^(.+) transferred the chat$/, 'notice.transferred'],
  [/^(.+) left the chat$/, 'notice.left'],
  [/^The chat has ended\.?$/, 'notice.ended'],
];

function noticeText(content) {
  for (const [re, key] of NOTICES) {
    const m = re.exec(content);
    if (m) return t(key, { name: m[1] || '' });
  }
  return content;
}

/** One message as a conversation line: who (visitor, agent or the server), when, and what. */
function line(m, cdr) {
  const from = text(m.From);
  const parts = Array.isArray(m.Messages) ? m.Messages : [];
  const system = from === 'system' || parts.some((p) => p && p.Type === 'system');
  const content = parts.map((p) => text(p && p.Content)).join('\n');
  const time = Number(m.Timestamp) > 0 ? clock(Number(m.Timestamp) * 1000) : '';
  if (system) return { side: 'system', who: t('chats.system'), time, text: noticeText(content) };
  const customer = customerOf(cdr);
  if (from && from === customer.id)
    return { side: 'customer', who: `${t('chats.customer')} · ${customer.name}`, time, text: content };
  const s = staffByMail(from);
  if (s || from === text(cdr.StaffId) || (customer.id && from))
    return { side: 'agent', who: `${t('chats.agent')} · ${(s && s.Name) || from}`, time, text: content };
  return { side: 'other', who: from || t('none'), time, text: content };
}

function detailRow(cdr) {
  const id = sessionOf(cdr);
  if (!messages.has(id)) return null;
  const data = messages.get(id);
  const lines = Array.isArray(data) ? data.map((m) => line(m, cdr)) : data;
  const box = conversation(t('chats.messagesTitle'), lines, {
    box: 'cc-chat-lines',
    line: 'cc-chat-line',
    emptyId: 'cc-chat-no-lines',
    empty: t('chats.noMessages'),
  });
  return el('tr', { className: 'cc-detail', 'data-detail': id }, el('td', { colspan: String(COLUMNS) }, box));
}

export function render() {
  const body = [];
  for (const cdr of rows) {
    body.push(row(cdr));
    const detail = detailRow(cdr);
    if (detail) body.push(detail);
  }
  $('chat-rows').replaceChildren(...body);
  $('chats-table').setAttribute('aria-busy', String(loading));
  const status = $('chats-status');
  const waiting = loading && !rows.length;
  const none = !loading && !failed && !!range && !rows.length;
  status.textContent = waiting ? t('loading') : none ? t('chats.empty') : '';
  status.hidden = !waiting && !none;
  renderPager(
    { nav: $('chats-pager'), text: $('chats-page'), prev: $('chats-prev'), next: $('chats-next') },
    { page, total, size: PAGE_SIZE, key: 'chats.page' },
  );
}

function rerender(id) {
  // Only this chat's rows change: the others (and the focus on its button) stay.
  const old = $('chat-rows').querySelector(`tr[data-session="${CSS.escape(id)}"]`);
  const cdr = rows.find((r) => sessionOf(r) === id);
  if (!old || !cdr) return render();
  replaceRow(old, row(cdr), detailRow(cdr));
}

/** Every message of a chat, oldest first. */
async function allMessages(id) {
  const list = [];
  for (;;) {
    const r = await api('DescribeChatMessages', {
      SessionId: id,
      Order: 1,
      Offset: list.length,
      Limit: MESSAGE_PAGE,
    });
    const got = Array.isArray(r.Messages) ? r.Messages : [];
    list.push(...got);
    if (got.length < MESSAGE_PAGE || list.length >= Number(r.TotalCount || 0) || list.length >= MAX_MESSAGES)
      return list;
  }
}

async function toggleMessages(id) {
  if (messages.has(id)) {
    messages.delete(id);
    rerender(id);
    return;
  }
  messages.set(id, 'loading');
  rerender(id);
  let result;
  try {
    // Staff names for the agents' lines; the list is usually loaded already.
    [result] = await Promise.all([allMessages(id), loadStaff().catch(() => [])]);
  } catch (e) {
    result = e;
  }
  if (messages.get(id) !== 'loading') return; // closed (or the page changed) meanwhile
  messages.set(id, result);
  rerender(id);
}

async function load() {
  if (!range) return;
  const mine = ++generation;
  loading = true;
  failed = false;
  render();
  try {
    const r = await api('DescribeIMCdrs', {
      StartTimestamp: range.start,
      EndTimestamp: range.end,
      Offset: page * PAGE_SIZE,
      Limit: PAGE_SIZE,
    });
    if (mine !== generation) return;
    rows = Array.isArray(r.IMCdrs) ? r.IMCdrs : [];
    total = Number(r.TotalCount) || 0;
    // Messages of chats no longer on the page are dropped.
    const here = new Set(rows.map(sessionOf));
    for (const id of [...messages.keys()]) if (!here.has(id)) messages.delete(id);
  } catch (e) {
    if (mine !== generation) return;
    failed = true;
    showError(t('loadFailed', { error: errorText(e) }));
  }
  loading = false;
  render();
}

async function search(event) {
  if (event) event.preventDefault();
  const r = checkRange($('chats-from'), $('chats-to'));
  if (!r) return;
  range = r;
  page = 0;
  // Names of the agents and skill groups: a failure leaves the ids.
  await Promise.all([load(), loadStaff().catch(() => []), loadGroups().catch(() => [])]);
  render();
}

/** Shown: the first time searches today; afterwards reloads the page it was on (new chats appear). */
export async function show() {
  if (!range) {
    fillToday($('chats-from'), $('chats-to'));
    await search();
  } else {
    await load();
  }
}

/** Forgets the search (sign-out). */
export function reset() {
  generation++;
  rows = [];
  total = 0;
  page = 0;
  range = null;
  loading = false;
  failed = false;
  messages.clear();
  $('chats-from').value = '';
  $('chats-to').value = '';
  render();
}

$('chats-form').addEventListener('submit', search);
bindPager($('chats-prev'), $('chats-next'), {
  page: () => page,
  go: (p) => {
    page = p;
    load();
  },
});
onLanguage(render);
