// SPDX-License-Identifier: Apache-2.0
// The call records tab: the tenant's calls between two dates (DescribeTelCdr, newest first, a page
// at a time) with the local time, direction, numbers, agent, skill group, talk time and how the call
// ended; per call its recording in an <audio> player (the CDR's signed RecordURL, fetched by the
// browser itself) and its transcript (DescribeTelRecordAsr) with who said what when.
import { api } from './console-api.js';
import { $, el, cell, button, nameLines, replaceRow, conversation, showError } from './dom.js';
import { t, errorText, onLanguage, dateTime, duration, clock, has } from './i18n.js';
import { loadStaff, staffByMail } from './directory.js';
import { checkRange, fillToday, renderPager, bindPager } from './range.js';

const PAGE_SIZE = 20;
const COLUMNS = 9;

let rows = [];
let total = 0;
let page = 0;
let range = null; // {start, end} in Unix seconds, of the last search
const audioOpen = new Set(); // session ids whose player is shown
const transcripts = new Map(); // session id -> AsrDataList, or 'loading', or an ApiError

function endText(cdr) {
  const s = typeof cdr.EndStatusString === 'string' ? cdr.EndStatusString : '';
  return s && has(`end.${s}`) ? t(`end.${s}`) : s || t('none');
}

function agentCell(cdr) {
  const seat = cdr.SeatUser && typeof cdr.SeatUser === 'object' ? cdr.SeatUser : {};
  const mail = typeof seat.Mail === 'string' ? seat.Mail : '';
  const name = (typeof seat.Name === 'string' && seat.Name) || mail;
  return cell('records.col.agent', ...nameLines(name, mail));
}

function groupCell(cdr) {
  const name = typeof cdr.QueuedSkillGroupName === 'string' ? cdr.QueuedSkillGroupName : '';
  const keys = Array.isArray(cdr.IVRKeyPressed) ? cdr.IVRKeyPressed.filter((k) => typeof k === 'string') : [];
  return cell(
    'records.col.group',
    el('span', { className: 'cc-break', 'data-testid': 'cc-rec-group' }, name || t('none')),
    keys.length ? el('small', { className: 'cc-sub' }, t('records.ivr', { keys: keys.join(' ') })) : null,
  );
}

function actionsCell(cdr) {
  const id = cdr.SessionId;
  const box = el('span', { className: 'cc-actions cc-wrap' });
  if (typeof cdr.RecordURL === 'string' && cdr.RecordURL) {
    const open = audioOpen.has(id);
    box.append(
      button(open ? t('records.hideAudio') : `▶ ${t('records.play')}`, {
        'data-testid': 'cc-rec-play',
        'aria-expanded': String(open),
        onClick: () => toggleAudio(cdr),
      }),
    );
  } else {
    box.append(el('span', { className: 'cc-muted', 'data-testid': 'cc-rec-no-recording' }, t('records.noRecording')));
  }
  if (cdr.RecordURL || Number(cdr.AcceptTimestamp) > 0) {
    const open = transcripts.has(id);
    box.append(
      button(open ? t('records.hideTranscript') : t('records.transcript'), {
        'data-testid': 'cc-rec-transcript',
        'aria-expanded': String(open),
        onClick: () => toggleTranscript(cdr),
      }),
    );
  }
  return cell('records.col.actions', box);
}

/** Who said a sentence: the agent (a staff member's e-mail) or the customer (the call's outside number). */
function speaker(user, cdr) {
  const s = staffByMail(user);
  if (s) return { side: 'agent', text: `${t('records.agent')} · ${s.Name || user}` };
  const customer = Number(cdr.Direction) === 1 ? cdr.Callee : cdr.Caller;
  if (user === customer) return { side: 'customer', text: `${t('records.customer')} · ${user}` };
  return { side: 'other', text: user || t('none') };
}

function detailRow(cdr) {
  const id = cdr.SessionId;
  const parts = [];
  if (audioOpen.has(id)) {
    const audio = el('audio', {
      controls: true,
      preload: 'auto',
      src: cdr.RecordURL,
      'data-testid': 'cc-rec-audio',
      'aria-label': t('records.audioLabel', { time: dateTime(cdr.Time || cdr.StartTimestamp) }),
    });
    parts.push(el('div', { className: 'cc-player' }, audio));
  }
  if (transcripts.has(id)) {
    const data = transcripts.get(id);
    const lines = Array.isArray(data)
      ? data.map((line) => {
          const who = speaker(line.User, cdr);
          return {
            side: who.side,
            who: who.text,
            time: line.Start ? clock(line.Start) : '',
            text: typeof line.Message === 'string' ? line.Message : '',
          };
        })
      : data;
    parts.push(
      conversation(t('records.transcriptTitle'), lines, {
        box: 'cc-rec-lines',
        line: 'cc-rec-line',
        emptyId: 'cc-rec-no-lines',
        empty: t('records.transcriptEmpty'),
      }),
    );
  }
  if (!parts.length) return null;
  return el('tr', { className: 'cc-detail', 'data-detail': id }, el('td', { colspan: String(COLUMNS) }, ...parts));
}

function row(cdr) {
  const time = cdr.Time || cdr.StartTimestamp;
  const dir = Number(cdr.Direction) === 1 ? 1 : 0;
  return el(
    'tr',
    { 'data-session': cdr.SessionId },
    cell('records.col.time', el('span', { className: 'cc-num' }, dateTime(time))),
    cell('records.col.direction', el('span', { className: 'cc-chip', 'data-dir': dir }, t(`dir.${dir}`))),
    cell(
      'records.col.caller',
      el('span', { className: 'cc-num cc-break', 'data-testid': 'cc-rec-caller' }, cdr.Caller || t('none')),
    ),
    cell('records.col.callee', el('span', { className: 'cc-num cc-break' }, cdr.Callee || t('none'))),
    agentCell(cdr),
    groupCell(cdr),
    cell('records.col.duration', el('span', { className: 'cc-num' }, duration(cdr.Duration))),
    cell(
      'records.col.end',
      el(
        'span',
        { className: 'cc-end', 'data-end': cdr.EndStatusString || '', 'data-testid': 'cc-rec-end' },
        endText(cdr),
      ),
    ),
    actionsCell(cdr),
  );
}

export function render() {
  const body = [];
  for (const cdr of rows) {
    body.push(row(cdr));
    const detail = detailRow(cdr);
    if (detail) body.push(detail);
  }
  $('record-rows').replaceChildren(...body);
  $('records-empty').hidden = rows.length > 0 || !range;
  renderPager(
    { nav: $('records-pager'), text: $('records-page'), prev: $('records-prev'), next: $('records-next') },
    { page, total, size: PAGE_SIZE, key: 'records.page' },
  );
}

function rerender(id) {
  // Only this call's rows change: keep the others (a playing recording keeps playing).
  const old = $('record-rows').querySelector(`tr[data-session="${CSS.escape(id)}"]`);
  const cdr = rows.find((r) => r.SessionId === id);
  if (!old || !cdr) return render();
  const oldDetail =
    old.nextElementSibling && old.nextElementSibling.classList.contains('cc-detail') ? old.nextElementSibling : null;
  const detail = detailRow(cdr);
  // A player that stays keeps its element (and its position in the recording).
  const keepAudio = oldDetail && audioOpen.has(id) ? oldDetail.querySelector('audio') : null;
  if (detail && keepAudio) detail.querySelector('audio').replaceWith(keepAudio);
  replaceRow(old, row(cdr), detail);
}

function toggleAudio(cdr) {
  const id = cdr.SessionId;
  if (audioOpen.has(id)) audioOpen.delete(id);
  else audioOpen.add(id);
  rerender(id);
  const audio = $('record-rows').querySelector(`tr[data-detail="${CSS.escape(id)}"] audio`);
  if (audio && audioOpen.has(id)) {
    audio.focus();
    // The click is the user's gesture: start at once. A refusal (autoplay rules) leaves the controls.
    audio.play().catch(() => {});
  }
}

async function toggleTranscript(cdr) {
  const id = cdr.SessionId;
  if (transcripts.has(id)) {
    transcripts.delete(id);
    rerender(id);
    return;
  }
  transcripts.set(id, 'loading');
  rerender(id);
  try {
    // Staff names for the speakers; the list is usually loaded already.
    const [r] = await Promise.all([api('DescribeTelRecordAsr', { SessionId: id }), loadStaff().catch(() => [])]);
    if (!transcripts.has(id)) return;
    const list = Array.isArray(r.AsrDataList) ? r.AsrDataList.slice() : [];
    list.sort((a, b) => Number(a.Start || 0) - Number(b.Start || 0));
    transcripts.set(id, list);
  } catch (e) {
    if (!transcripts.has(id)) return;
    transcripts.set(id, e);
  }
  rerender(id);
}

async function load() {
  if (!range) return;
  try {
    const r = await api('DescribeTelCdr', {
      StartTimeStamp: range.start,
      EndTimeStamp: range.end,
      PageSize: PAGE_SIZE,
      PageNumber: page,
    });
    rows = Array.isArray(r.TelCdrs) ? r.TelCdrs : [];
    total = Number(r.TotalCount) || 0;
    // Details of calls no longer on the page are dropped.
    const here = new Set(rows.map((c) => c.SessionId));
    for (const id of [...audioOpen]) if (!here.has(id)) audioOpen.delete(id);
    for (const id of [...transcripts.keys()]) if (!here.has(id)) transcripts.delete(id);
    render();
  } catch (e) {
    showError(t('loadFailed', { error: errorText(e) }));
  }
}

async function search(event) {
  if (event) event.preventDefault();
  const r = checkRange($('records-from'), $('records-to'));
  if (!r) return;
  range = r;
  page = 0;
  await Promise.all([load(), loadStaff().catch(() => [])]);
}

/** Shown: the first time searches today; afterwards reloads the page it was on (new calls appear). */
export async function show() {
  if (!range) {
    fillToday($('records-from'), $('records-to'));
    await search();
  } else {
    await load();
  }
}

/** Forgets the search (sign-out). */
export function reset() {
  rows = [];
  total = 0;
  page = 0;
  range = null;
  audioOpen.clear();
  transcripts.clear();
  $('records-from').value = '';
  $('records-to').value = '';
  render();
}

$('records-form').addEventListener('submit', search);
bindPager($('records-prev'), $('records-next'), {
  page: () => page,
  go: (p) => {
    page = p;
    load();
  },
});
onLanguage(render);
