// SPDX-License-Identifier: Apache-2.0
// The supervisor page: logs in a staff member of role 1, administrator (or 2, a quality inspector, who may only
// watch) through the demo backend's SdkURL (as an agent logs in, with sdk-login.js), calls
// tccc.Supervisor.watch() for the snapshot and applies every supervisorUpdate (only the agents,
// queues and figures that changed, at most four a second). The snapshot's `canAct` says whether the
// watcher may force a status or log an agent out; when not, the actions stay disabled and say why.
// Built for a thousand agents: one row per agent, created once and updated in place; at most
// MAX_ROWS rows are in the table (search and the status filter narrow it down); the durations tick
// once a second for the rows on screen only. Everything that comes from the server is set as text.
// An agent on a call can be listened to (administrators and inspectors), whispered to or barged in
// on (administrators): monitor-call.js opens the supervisor's own connection for the call's audio.
import { CallMonitor } from './monitor-call.js';
import { loadSdk, sdkOrigin } from './sdk-login.js';

var MAX_ROWS = 200;
var $ = function (id) {
  return document.getElementById(id);
};

var WORDS = {
  'zh-CN': {
    title: '班长台',
    account: '账号',
    login: '登录',
    state: '状态',
    loggedOut: '未登录',
    connecting: '登录中…',
    watching: '实时监控中',
    reconnecting: '重新连接中…',
    lang: 'English',
    today: '今日',
    offered: '排队来电',
    answered: '已接通',
    abandoned: '放弃',
    serviceLevel: '20 秒服务水平',
    queues: '技能组队列',
    queued: '排队',
    longestWait: '最长等待',
    freeOnline: '空闲 / 在线',
    noGroups: '暂无技能组',
    agents: '坐席',
    search: '搜索',
    filter: '状态筛选',
    all: '全部',
    colAgent: '坐席',
    colStatus: '状态',
    colTime: '持续时间',
    colActions: '操作',
    force: '强制状态',
    apply: '设置',
    logout: '强制签出',
    confirm: '确定',
    cancel: '取消',
    confirmStatus: '将 {name} 的状态设为「{status}」？',
    confirmLogout: '将 {name} 强制签出？',
    more: '仅显示前 {shown} 位（共 {total} 位符合条件），请用搜索缩小范围。',
    none: '没有符合条件的坐席。',
    done: '已完成：{name}',
    readOnly: '只读：您的角色（质检员）只能查看；强制状态和强制签出仅限班长。',
    watchOnly: '仅班长可操作，您的角色只能查看',
    onCall: '通话中',
    monitor: '监听',
    monitorStop: '结束监听',
    monitorMode: '监听方式',
    monitoring: { listen: '监听中', whisper: '耳语中', barge: '强插中' },
    monitorFailed: '监听失败：{name}：{why}',
    modes: { listen: '仅监听', whisper: '耳语（仅坐席听到）', barge: '强插（双方听到）' },
    counts: '共 {total} 位 · 在线 {online} · 空闲 {free}',
    status: {
      offline: '离线',
      free: '空闲',
      busy: '忙碌',
      arrange: '话后整理',
      notReady: '示忙',
      rest: '小休',
    },
  },
  en: {
    title: 'Supervisor',
    account: 'Account',
    login: 'Log in',
    state: 'State',
    loggedOut: 'Logged out',
    connecting: 'Logging in…',
    watching: 'Watching live',
    reconnecting: 'Reconnecting…',
    lang: '中文',
    today: 'Today',
    offered: 'Queued calls',
    answered: 'Answered',
    abandoned: 'Abandoned',
    serviceLevel: 'Service level (20 s)',
    queues: 'Skill group queues',
    queued: 'Queued',
    longestWait: 'Longest wait',
    freeOnline: 'Free / online',
    noGroups: 'No skill groups yet',
    agents: 'Agents',
    search: 'Search',
    filter: 'Status',
    all: 'All',
    colAgent: 'Agent',
    colStatus: 'Status',
    colTime: 'Time in status',
    colActions: 'Actions',
    force: 'Force status',
    apply: 'Set',
    logout: 'Log out',
    confirm: 'Confirm',
    cancel: 'Cancel',
    confirmStatus: 'Set {name} to “{status}”?',
    confirmLogout: 'Log {name} out?',
    more: 'Showing the first {shown} of {total} matching agents; search to narrow it down.',
    none: 'No agents match.',
    done: 'Done: {name}',
    readOnly:
      'Read-only: your role (quality inspector) may watch; only supervisors can force a status or log an agent out.',
    watchOnly: 'Only supervisors can do this; your role may only watch',
    onCall: 'on a call',
    monitor: 'Listen in',
    monitorStop: 'Stop monitoring',
    monitorMode: 'How',
    monitoring: { listen: 'listening in', whisper: 'whispering', barge: 'barged in' },
    monitorFailed: 'Could not listen in to {name}: {why}',
    modes: { listen: 'Listen only', whisper: 'Whisper (agent only)', barge: 'Barge in (both)' },
    counts: '{total} in all · {online} online · {free} free',
    status: {
      offline: 'Offline',
      free: 'Available',
      busy: 'Busy',
      arrange: 'After-call work',
      notReady: 'Not ready',
      rest: 'On break',
    },
  },
};
var STATUSES = ['free', 'busy', 'arrange', 'notReady', 'rest', 'offline'];
var FORCEABLE = ['free', 'rest', 'notReady', 'arrange'];

var params = new URLSearchParams(location.search);
var lang = params.get('lang') === 'en' ? 'en' : 'zh-CN';
var w = WORDS[lang];
var agents = new Map(); // userId -> {data, row, cells}
var groups = new Map(); // id -> {data, el, cells}
var today = null;
var shown = []; // the agents whose rows are in the table, in order
var stateKey = 'loggedOut';
var pending = null; // the action waiting for confirmation
var me = ''; // the supervisor's own userId: it logs itself out with the SDK, not from the table
// What the server says the watcher may do (the watch answer's canAct): never offer a lever the
// server would refuse with ERR_SIP_FORBIDDEN. False until a watch answer says otherwise.
var canAct = false;
var MODES = ['listen', 'whisper', 'barge'];
var monitor = null; // CallMonitor, once logged in
var monitoredUser = ''; // the agent whose call the supervisor is on

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, function (_, k) {
    return values[k] === undefined ? '' : String(values[k]);
  });
}
function showError(text) {
  $('error').textContent = text || '';
}
function setState(key) {
  stateKey = key;
  $('state').textContent = w[key];
  $('state').setAttribute('data-state', key);
}
function duration(sinceMs) {
  if (!sinceMs) return '–';
  var s = Math.max(0, Math.floor((Date.now() - sinceMs) / 1000));
  var h = Math.floor(s / 3600);
  var m = Math.floor((s % 3600) / 60);
  var pad = function (n) {
    return n < 10 ? '0' + n : String(n);
  };
  return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s % 60);
}
function statusText(a) {
  var text = w.status[a.status] || a.status;
  if (a.status === 'rest' && a.restReason) text += ' · ' + a.restReason;
  if (a.sessionId && a.status !== 'busy') text += ' · ' + w.onCall;
  return text;
}

// --- static text ---------------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = 'tccc · ' + w.title;
  document.querySelectorAll('[data-i18n]').forEach(function (el) {
    el.textContent = w[el.getAttribute('data-i18n')];
  });
  $('lang').textContent = w.lang;
  $('lang').lang = lang === 'en' ? 'zh-CN' : 'en';
  var filter = $('filter');
  var value = filter.value || '';
  filter.replaceChildren();
  [''].concat(STATUSES).forEach(function (s) {
    var o = document.createElement('option');
    o.value = s;
    o.textContent = s ? w.status[s] : w.all;
    filter.append(o);
  });
  filter.value = value;
  setState(stateKey);
  // Rows and cards carry text in the old language: build them again.
  agents.forEach(function (entry) {
    entry.row = null;
  });
  groups.forEach(function (entry) {
    entry.el = null;
  });
  renderGroups();
  renderToday();
  renderTable();
}

// --- the agents table ----------------------------------------------------------------------------

function button(text, testId, onClick) {
  var b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('data-testid', testId);
  b.addEventListener('click', onClick);
  return b;
}

/** A <select> of `values`, each worded by `words[value]`. */
function picker(label, testId, values, words) {
  var select = document.createElement('select');
  select.setAttribute('aria-label', label);
  select.setAttribute('data-testid', testId);
  values.forEach(function (v) {
    var o = document.createElement('option');
    o.value = v;
    o.textContent = words[v];
    select.append(o);
  });
  return select;
}

function buildRow(entry) {
  var a = entry.data;
  var tr = document.createElement('tr');
  tr.setAttribute('data-user', a.userId);
  var who = document.createElement('td');
  var name = document.createElement('b');
  var id = document.createElement('small');
  id.textContent = a.userId;
  who.append(name, document.createElement('br'), id);
  var status = document.createElement('td');
  var badge = document.createElement('span');
  badge.className = 'sv-badge';
  badge.setAttribute('data-testid', 'sv-status');
  status.append(badge);
  var time = document.createElement('td');
  time.className = 'sv-time';
  time.setAttribute('data-testid', 'sv-time');
  var actions = document.createElement('td');
  actions.className = 'sv-actions';
  var select = picker(w.force + ' · ' + (a.name || a.userId), 'sv-force-select', FORCEABLE, w.status);
  var set = button(w.apply, 'sv-force', function () {
    ask('status', entry.data, select.value);
  });
  var out = button(w.logout, 'sv-logout', function () {
    ask('logout', entry.data);
  });
  // Listening in: a button while the agent is on a call; once on it, the mode and a way out.
  var listen = button(w.monitor, 'sv-monitor', function () {
    startMonitor(entry.data, 'listen');
  });
  var mode = picker(w.monitorMode + ' · ' + (a.name || a.userId), 'sv-monitor-mode', MODES, w.modes);
  mode.addEventListener('change', function () {
    startMonitor(entry.data, mode.value);
  });
  var stop = button(w.monitorStop, 'sv-monitor-stop', stopMonitor);
  var monitorBox = document.createElement('span');
  monitorBox.className = 'sv-monitor';
  monitorBox.append(listen, mode, stop);
  actions.append(select, set, out, monitorBox);
  tr.append(who, status, time, actions);
  entry.row = tr;
  entry.cells = {
    name: name,
    badge: badge,
    time: time,
    select: select,
    set: set,
    out: out,
    listen: listen,
    mode: mode,
    stop: stop,
  };
  updateRow(entry);
  return tr;
}

function updateRow(entry) {
  if (!entry.row) return;
  var a = entry.data;
  var c = entry.cells;
  c.name.textContent = a.name || a.userId;
  c.badge.setAttribute('data-status', a.status);
  c.time.textContent = duration(a.since);
  var offline = a.status === 'offline';
  c.set.disabled = !canAct || offline || a.status === 'busy';
  c.select.disabled = c.set.disabled;
  c.out.disabled = !canAct || offline || a.userId === me;
  var onIt = monitoredUser === a.userId && monitor && monitor.sessionId;
  // Only a connected call can be listened to: a ringing one (the agent still free) cannot.
  c.listen.hidden = !a.sessionId || a.status !== 'busy' || !!onIt;
  c.mode.hidden = c.stop.hidden = !onIt;
  if (onIt) c.mode.value = monitor.mode;
  // Whispering and barging in speak to the call: administrators only (the server says so too).
  Array.prototype.forEach.call(c.mode.options, function (o) {
    o.disabled = o.value !== 'listen' && !canAct;
  });
  // The badge says how the supervisor is on the call: a barge is heard by the customer, and recorded.
  c.badge.textContent = statusText(a) + (onIt ? ' · ' + (w.monitoring[monitor.mode] || w.monitoring.listen) : '');
  entry.row.classList.toggle('sv-monitored', !!onIt);
  [c.select, c.set, c.out].forEach(function (el) {
    if (canAct) {
      el.removeAttribute('title');
      el.removeAttribute('aria-describedby');
    } else {
      el.title = w.watchOnly;
      el.setAttribute('aria-describedby', 'read-only');
    }
  });
}

// --- listening in --------------------------------------------------------------------------------

function refreshRow(userId) {
  var entry = agents.get(userId);
  if (entry) updateRow(entry);
}

function startMonitor(agent, mode) {
  if (!monitor || !agent.sessionId) return;
  var previous = monitoredUser;
  monitoredUser = agent.userId;
  monitor.start(agent.sessionId, mode).then(
    function () {
      showError('');
      if (previous && previous !== agent.userId) refreshRow(previous);
      refreshRow(agent.userId);
    },
    function (err) {
      if (!monitor.sessionId) monitoredUser = '';
      refreshRow(agent.userId);
      if (previous && previous !== agent.userId) refreshRow(previous);
      showError(fill(w.monitorFailed, { name: agent.name || agent.userId, why: err.errorMsg || err.message || err }));
    },
  );
}

function stopMonitor() {
  var user = monitoredUser;
  monitoredUser = '';
  if (monitor) monitor.stop();
  refreshRow(user);
}

function matches(a, query, status) {
  if (status && a.status !== status) return false;
  if (!query) return true;
  return a.userId.toLowerCase().indexOf(query) >= 0 || (a.name || '').toLowerCase().indexOf(query) >= 0;
}

// Which agents the table shows: those that match, by name, at most MAX_ROWS. Called when the
// search or filter changes, when an agent appears, or when a change moves one in or out.
function renderTable() {
  var query = $('search').value.trim().toLowerCase();
  var status = $('filter').value;
  var list = [];
  agents.forEach(function (entry) {
    if (matches(entry.data, query, status)) list.push(entry);
  });
  list.sort(function (x, y) {
    var a = x.data.name || x.data.userId;
    var b = y.data.name || y.data.userId;
    return a < b ? -1 : a > b ? 1 : x.data.userId < y.data.userId ? -1 : 1;
  });
  shown = list.slice(0, MAX_ROWS);
  $('rows').replaceChildren.apply(
    $('rows'),
    shown.map(function (entry) {
      return entry.row || buildRow(entry);
    }),
  );
  $('more').hidden = list.length <= MAX_ROWS && list.length > 0;
  $('more').textContent = list.length ? fill(w.more, { shown: shown.length, total: list.length }) : w.none;
  renderCounts();
}

function renderCounts() {
  var online = 0;
  var free = 0;
  agents.forEach(function (entry) {
    if (entry.data.status !== 'offline') online++;
    if (entry.data.status === 'free') free++;
  });
  $('counts').textContent = fill(w.counts, { total: agents.size, online: online, free: free });
}

function applyAgents(list) {
  var query = $('search').value.trim().toLowerCase();
  var status = $('filter').value;
  var reflow = false;
  for (var i = 0; i < list.length; i++) {
    var a = list[i];
    if (!a || typeof a.userId !== 'string') continue;
    var entry = agents.get(a.userId);
    if (!entry) {
      entry = { data: a, row: null, cells: null };
      agents.set(a.userId, entry);
      if (matches(a, query, status)) reflow = true;
      continue;
    }
    var was = matches(entry.data, query, status);
    // The agent is off the call the supervisor is on (it ended, or went to another agent): off too.
    if (a.userId === monitoredUser && monitor && monitor.sessionId && a.sessionId !== monitor.sessionId) {
      monitor.stop();
      monitoredUser = '';
    }
    entry.data = a;
    if (was !== matches(a, query, status)) reflow = true;
    else updateRow(entry);
  }
  if (reflow) renderTable();
  else renderCounts();
}

// --- queues and today ----------------------------------------------------------------------------

function renderGroups() {
  var ul = $('groups');
  var list = Array.from(groups.values()).sort(function (x, y) {
    return Number(x.data.id) - Number(y.data.id);
  });
  if (!list.length) {
    var li = document.createElement('li');
    li.className = 'sv-empty';
    li.textContent = w.noGroups;
    ul.replaceChildren(li);
    return;
  }
  ul.replaceChildren.apply(
    ul,
    list.map(function (entry) {
      if (!entry.el) buildGroup(entry);
      updateGroup(entry);
      return entry.el;
    }),
  );
}

function buildGroup(entry) {
  var li = document.createElement('li');
  li.className = 'sv-group';
  li.setAttribute('data-group', entry.data.id);
  var name = document.createElement('h3');
  var dl = document.createElement('dl');
  var cells = { name: name };
  [
    ['queued', w.queued],
    ['wait', w.longestWait],
    ['agents', w.freeOnline],
  ].forEach(function (pair) {
    var dt = document.createElement('dt');
    dt.textContent = pair[1];
    var dd = document.createElement('dd');
    dd.setAttribute('data-testid', 'sv-group-' + pair[0]);
    cells[pair[0]] = dd;
    dl.append(dt, dd);
  });
  li.append(name, dl);
  entry.el = li;
  entry.cells = cells;
}

function updateGroup(entry) {
  var g = entry.data;
  var c = entry.cells;
  c.name.textContent = g.name || g.id;
  c.queued.textContent = String(g.queued);
  c.wait.textContent = g.queued ? duration(g.longestWaitSince) : '–';
  c.agents.textContent = g.agentsFree + ' / ' + g.agentsOnline;
  entry.el.classList.toggle('sv-waiting', g.queued > 0);
}

function applyGroups(list) {
  var added = false;
  for (var i = 0; i < list.length; i++) {
    var g = list[i];
    if (!g || typeof g.id !== 'string') continue;
    var entry = groups.get(g.id);
    if (!entry) {
      groups.set(g.id, { data: g, el: null, cells: null });
      added = true;
    } else {
      entry.data = g;
      if (entry.el) updateGroup(entry);
    }
  }
  if (added) renderGroups();
}

function renderToday() {
  var t = today || { offered: 0, answered: 0, abandoned: 0, serviceLevel: null };
  $('offered').textContent = String(t.offered);
  $('answered').textContent = String(t.answered);
  $('abandoned').textContent = String(t.abandoned);
  $('service-level').textContent = t.serviceLevel === null ? '–' : t.serviceLevel + '%';
}

// One tick a second: the durations on screen, nothing else.
setInterval(function () {
  for (var i = 0; i < shown.length; i++)
    if (shown[i].row) shown[i].cells.time.textContent = duration(shown[i].data.since);
  groups.forEach(function (entry) {
    if (entry.el && entry.data.queued) entry.cells.wait.textContent = duration(entry.data.longestWaitSince);
  });
}, 1000);

// --- actions, confirmed --------------------------------------------------------------------------

function ask(kind, agent, status) {
  if (!canAct) return;
  pending = { kind: kind, userId: agent.userId, name: agent.name || agent.userId, status: status };
  $('confirm-text').textContent =
    kind === 'logout'
      ? fill(w.confirmLogout, { name: pending.name })
      : fill(w.confirmStatus, { name: pending.name, status: w.status[status] });
  $('confirm').hidden = false;
  $('confirm-yes').focus();
}
function closeConfirm() {
  $('confirm').hidden = true;
  pending = null;
}
$('confirm-no').addEventListener('click', closeConfirm);
$('confirm').addEventListener('keydown', function (e) {
  if (e.key === 'Escape') closeConfirm();
});
$('confirm-yes').addEventListener('click', function () {
  var p = pending;
  closeConfirm();
  if (!p || !window.tccc) return;
  var call =
    p.kind === 'logout'
      ? window.tccc.Supervisor.logoutAgent({ userId: p.userId })
      : window.tccc.Supervisor.setAgentStatus({ userId: p.userId, status: p.status });
  call.then(
    function () {
      showError('');
    },
    function (err) {
      showError(p.name + ': ' + (err.errorMsg || err.message || String(err)));
    },
  );
});

// --- login and watch -----------------------------------------------------------------------------

async function watch(tccc) {
  var res = await tccc.Supervisor.watch();
  var snap = res.data || res;
  canAct = snap.canAct === true;
  $('read-only').hidden = canAct;
  agents.clear();
  groups.clear();
  today = snap.today || null;
  applyGroups(snap.skillGroups || []);
  renderGroups();
  applyAgents(snap.agents || []);
  renderTable();
  renderToday();
  setState('watching');
}

async function login() {
  showError('');
  setState('connecting');
  $('login').disabled = true;
  // Another account may have used this page before: the rights come with this one's watch answer.
  canAct = false;
  try {
    var userId = $('user').value.trim();
    me = userId;
    var tccc = await loadSdk(userId);
    tccc.UI.hide(); // this page is the supervisor's view; no agent workbench on top of it
    if (monitor) monitor.release();
    monitoredUser = '';
    monitor = new CallMonitor(tccc, sdkOrigin, $('monitor-audio'));
    tccc.on('supervisorUpdate', function (u) {
      var d = (u && u.data) || u || {};
      if (d.agents) applyAgents(d.agents);
      if (d.skillGroups) applyGroups(d.skillGroups);
      if (d.today) {
        today = d.today;
        renderToday();
      }
    });
    tccc.on('connectionLost', function () {
      // The server takes a supervisor without its socket off every call.
      if (monitor) monitor.release();
      var was = monitoredUser;
      monitoredUser = '';
      refreshRow(was);
      setState('reconnecting');
    });
    // A new connection starts without the old one's watch: watch again.
    tccc.on('connectionRecovery', function () {
      watch(tccc).catch(function (err) {
        showError(err.errorMsg || err.message);
      });
    });
    tccc.on('kickedOut', function () {
      setState('loggedOut');
    });
    await new Promise(function (resolve) {
      tccc.on('ready', resolve);
    });
    await watch(tccc);
  } catch (err) {
    // Not allowed to watch (or no login): do not leave the account logged in as an agent.
    if (window.tccc) window.tccc.destroy();
    setState('loggedOut');
    showError(err.errorMsg || err.message || String(err));
  } finally {
    $('login').disabled = false;
  }
}

$('login').addEventListener('click', login);
$('lang').addEventListener('click', function () {
  lang = lang === 'en' ? 'zh-CN' : 'en';
  w = WORDS[lang];
  applyLanguage();
});
$('search').addEventListener('input', renderTable);
$('filter').addEventListener('change', renderTable);
applyLanguage();
if (params.get('autologin') === '1') login();
