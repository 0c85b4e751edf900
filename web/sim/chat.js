// SPDX-License-Identifier: Apache-2.0
// The web chat visitor of the customer simulator (chat.html): the visitor side of docs/protocol.md
// "Chat" over /ws/customer.
//
// Delivery: every message has a server id and a per-chat seq. The page shows each messageId once
// (events, resume pages and send answers may all carry the same message) in seq order. When the
// socket drops it reconnects with backoff and sends chat.resume {sessionId, visitorToken, afterSeq}
// with the highest seq it has without a hole, then pages chat.history until nothing is missing, then
// re-sends the messages that were never acknowledged with their original clientMsgId (the server
// returns the stored copy of any that did arrive). The chat id and token are kept in sessionStorage,
// so a reload resumes too. Nothing received is ever inserted as HTML: only textContent.
(function () {
  'use strict';

  var en = new URLSearchParams(location.search).get('lang') === 'en';
  var TEXT = {
    title: ['在线咨询（网页访客）', 'Web chat (visitor)'],
    service: ['服务号码（所属应用）', 'Service number (which application)'],
    nickname: ['昵称', 'Nickname'],
    clientData: ['自定义数据（可选）', 'Client data (optional)'],
    channel: ['渠道名称（可选）', 'Channel name (optional)'],
    start: ['开始咨询', 'Start chat'],
    stateLabel: ['状态：', 'State: '],
    textLabel: ['消息', 'Message'],
    send: ['发送', 'Send'],
    end: ['结束咨询', 'End chat'],
    logTitle: ['信令日志', 'Signalling log'],
    idle: ['未开始', 'not started'],
    starting: ['正在连接…', 'connecting…'],
    queued: ['排队中，请稍候', 'waiting for an agent'],
    ringing: ['正在为您分配客服', 'finding an agent'],
    connected: ['对话中', 'chatting'],
    ended: ['已结束', 'ended'],
    joined: ['客服 %s 为您服务', 'Agent %s joined'],
    me: ['我', 'Me'],
    system: ['系统', 'System'],
    'notice.joined': ['客服 %s 加入了会话', 'Agent %s joined the chat'],
    'notice.transferred': ['客服 %s 转接了会话', 'Agent %s transferred the chat'],
    'notice.left': ['客服 %s 离开了会话', 'Agent %s left the chat'],
    'notice.ended': ['会话已结束', 'The chat has ended.'],
    online: ['', ''],
    offline: ['（连接中断，正在重连…）', '(connection lost, reconnecting…)'],
    failed: ['请求失败：', 'Request failed: '],
    nicknameRequired: ['请填写昵称', 'Please enter a nickname'],
    gone: ['会话已不存在', 'This chat no longer exists'],
    // What a visitor can do about the errors it may meet, in its language (the code follows).
    'err.ERR_STORAGE_UNAVAILABLE': [
      '系统暂时无法保存消息，请稍后重新发送',
      'Messages cannot be saved right now: send it again in a moment',
    ],
    'err.ERR_CHAT_FLOOD': ['发送太频繁，请稍后再发', 'Too many messages: wait a moment'],
    'err.ERR_CHAT_MESSAGE_TOO_LONG': ['消息太长，请分几条发送', 'The message is too long: split it up'],
    'err.ERR_RATE_LIMITED': ['请求太频繁，请稍后再试', 'Too many requests: try again in a moment'],
    'err.ERR_CONNECTION_LOST': ['连接已断开，正在重连', 'The connection was lost; reconnecting'],
  };
  function t(key) {
    var v = TEXT[key];
    return v ? v[en ? 1 : 0] : key;
  }
  var $ = function (id) {
    return document.getElementById(id);
  };
  if (en) {
    document.documentElement.lang = 'en';
    document.title = 'Web chat';
    $('lang').textContent = '中文';
    $('lang').href = '?';
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) {
    el.textContent = t(el.getAttribute('data-i18n'));
  });

  var STORE_KEY = 'tccc-sim-chat';
  var ws = null;
  var open = false;
  var nextId = 1;
  var pending = {}; // request id -> {resolve, reject}
  var chat = null; // {sessionId, visitorToken}
  var ended = false;
  var state = 'idle';
  var seqs = {}; // seq -> true, for the hole-free high-water mark
  var contiguous = 0; // every seq up to this one is shown
  var shown = {}; // messageId -> <li>
  var outbox = []; // {clientMsgId, text, li}: sent but not acknowledged
  var backoff = 300;
  var lastRx = 0;
  var stats = { resumes: 0, duplicatesDropped: 0 };

  function log(line) {
    var div = document.createElement('div');
    div.textContent = new Date().toISOString().slice(11, 23) + ' ' + line;
    $('log').appendChild(div);
    while ($('log').childNodes.length > 300) $('log').removeChild($('log').firstChild);
  }
  function showError(text) {
    $('error').textContent = text || '';
  }
  function errText(e) {
    if (e && TEXT['err.' + e.name]) return t('err.' + e.name) + ' (' + e.name + ')';
    return (e && e.name ? e.name + ': ' : '') + (e && e.message ? e.message : String(e));
  }

  function setState(s, extra) {
    state = s;
    $('state').dataset.state = s;
    $('state').textContent = t(s);
    var live = s !== 'idle' && s !== 'ended';
    $('text').disabled = !live;
    $('send').disabled = !live;
    $('end').disabled = !live;
    $('start').disabled = live;
    if (extra && extra.agent && extra.agent.nick) $('agent').textContent = t('joined').replace('%s', extra.agent.nick);
    if (s !== 'connected' && s !== 'ended') $('agent').textContent = '';
  }
  function setConn(ok) {
    $('conn').textContent = ok ? t('online') : t('offline');
    $('conn').dataset.open = ok ? '1' : '0';
  }

  // --- messages -------------------------------------------------------------------------------------

  function fill(li, m) {
    li.textContent = '';
    li.className = m.from;
    li.dataset.messageId = m.messageId;
    li.dataset.seq = String(m.seq);
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = m.from === 'visitor' ? t('me') : m.from === 'system' ? t('system') : m.senderName || '';
    var body = document.createElement('span');
    body.className = 'text';
    // A server notice is worded in this page's language; its English text is the fallback.
    body.textContent =
      m.from === 'system' && m.notice && TEXT['notice.' + m.notice]
        ? t('notice.' + m.notice).replace('%s', m.senderName || '')
        : m.text;
    li.appendChild(who);
    li.appendChild(body);
  }

  function place(li, seq) {
    var list = $('messages');
    var before = null;
    for (var n = list.firstChild; n; n = n.nextSibling) {
      var s = n.dataset.seq ? Number(n.dataset.seq) : Infinity; // pending ones stay at the end
      if (s > seq) {
        before = n;
        break;
      }
    }
    list.insertBefore(li, before);
    list.scrollTop = list.scrollHeight;
  }

  function addMessage(m) {
    if (!m || typeof m.messageId !== 'string' || typeof m.seq !== 'number') return;
    if (shown[m.messageId]) {
      stats.duplicatesDropped++;
      return;
    }
    var li = null;
    if (m.clientMsgId) {
      for (var i = 0; i < outbox.length; i++) {
        if (outbox[i].clientMsgId === m.clientMsgId) {
          li = outbox[i].li;
          outbox.splice(i, 1);
          break;
        }
      }
    }
    if (li) li.parentNode && li.parentNode.removeChild(li);
    else li = document.createElement('li');
    fill(li, m);
    shown[m.messageId] = li;
    seqs[m.seq] = true;
    while (seqs[contiguous + 1]) contiguous++;
    place(li, m.seq);
  }

  // --- socket ---------------------------------------------------------------------------------------

  function wsUrl() {
    var u = new URL('/ws/customer', location.href);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }

  function connect() {
    if (ws) return;
    var sock = new WebSocket(wsUrl());
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock) return;
      open = true;
      backoff = 300;
      lastRx = Date.now();
      setConn(true);
      log('open');
      if (chat && !ended) resume();
    };
    sock.onmessage = function (ev) {
      if (ws !== sock) return;
      lastRx = Date.now();
      var f;
      try {
        f = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (f.type === 'ping') {
        sock.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
        return;
      }
      if (f.type === 'res') {
        var p = pending[f.id];
        if (!p) return;
        delete pending[f.id];
        if (f.ok) p.resolve(f.data || {});
        else
          p.reject({
            code: f.error && f.error.code,
            name: errorName(f.error && f.error.code),
            message: f.error && f.error.message,
          });
        return;
      }
      if (f.type === 'evt') onEvent(f.event, f.data || {});
    };
    sock.onclose = function (ev) {
      if (ws !== sock) return;
      ws = null;
      open = false;
      log('close ' + ev.code);
      var lost = pending;
      pending = {};
      for (var id in lost) lost[id].reject({ name: 'ERR_CONNECTION_LOST', message: 'connection lost' });
      if (chat && !ended) {
        setConn(false);
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    };
  }

  function errorName(code) {
    var names = {
      '-11019': 'ERR_CHAT_MESSAGE_TOO_LONG',
      '-11020': 'ERR_CHAT_FLOOD',
      '-11021': 'ERR_STORAGE_UNAVAILABLE',
      '-11001': 'ERR_INVALID_ARGUMENT',
      '-11002': 'ERR_INVALID_STATE',
      '-11004': 'ERR_SESSION_NOT_FOUND',
      '-11011': 'ERR_RATE_LIMITED',
      '-11013': 'ERR_NOT_FOUND',
      '-11016': 'ERR_INTERNAL',
    };
    return names[String(code)] || String(code);
  }

  function request(method, data) {
    return new Promise(function (resolve, reject) {
      if (!ws || !open) {
        reject({ name: 'ERR_CONNECTION_LOST', message: 'not connected' });
        return;
      }
      var id = nextId++;
      pending[id] = { resolve: resolve, reject: reject };
      ws.send(JSON.stringify({ v: 1, type: 'req', id: id, method: method, data: data || {} }));
    });
  }

  function whenOpen() {
    return new Promise(function (resolve) {
      if (open) return resolve();
      connect();
      var timer = setInterval(function () {
        if (open) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
  }

  // A socket that stopped delivering anything (not even the server's pings) is given up on.
  setInterval(function () {
    if (ws && open && Date.now() - lastRx > 35000) {
      log('silent: closing');
      ws.close(4000);
    }
  }, 5000);

  function onEvent(name, d) {
    if (chat && d.sessionId && d.sessionId !== chat.sessionId) return;
    if (name === 'chat.message') {
      addMessage(d.message);
      return;
    }
    if (name === 'customer.state') {
      log('state ' + d.state + (d.reason ? ' (' + d.reason + ')' : ''));
      if (d.state === 'ended') finish();
      else setState(d.state, d);
    }
  }

  function finish() {
    ended = true;
    setState('ended');
    sessionStorage.removeItem(STORE_KEY);
    for (var i = 0; i < outbox.length; i++) outbox[i].li.classList.add('failed');
  }

  // --- chat -----------------------------------------------------------------------------------------

  function resume() {
    stats.resumes++;
    request('chat.resume', { sessionId: chat.sessionId, visitorToken: chat.visitorToken, afterSeq: contiguous })
      .then(function (r) {
        (r.messages || []).forEach(addMessage);
        if (r.state === 'ended') finish();
        else setState(r.state, r);
        return r.hasMore ? catchUp() : null;
      })
      .then(function () {
        if (!ended) flushOutbox();
      })
      .catch(function (e) {
        if (e && e.name === 'ERR_SESSION_NOT_FOUND') {
          showError(t('gone'));
          finish();
          return;
        }
        if (e && e.name !== 'ERR_CONNECTION_LOST') showError(t('failed') + errText(e));
      });
  }

  function catchUp() {
    return request('chat.history', { afterSeq: contiguous, limit: 100 }).then(function (r) {
      var before = contiguous;
      (r.messages || []).forEach(addMessage);
      if (r.hasMore && contiguous > before) return catchUp();
      return null;
    });
  }

  function deliver(item) {
    return request('chat.send', { text: item.text, clientMsgId: item.clientMsgId })
      .then(function (r) {
        addMessage(r.message);
        showError('');
      })
      .catch(function (e) {
        if (e && e.name === 'ERR_CONNECTION_LOST') return; // stays in the outbox: re-sent on resume
        var i = outbox.indexOf(item);
        if (i >= 0) outbox.splice(i, 1);
        item.li.classList.add('failed');
        showError(t('failed') + errText(e));
      });
  }

  function flushOutbox() {
    outbox.slice().forEach(deliver);
  }

  function send() {
    var text = $('text').value;
    if (!text.trim() || ended || !chat) return;
    var item = {
      clientMsgId: 'v-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10),
      text: text,
      li: document.createElement('li'),
    };
    item.li.className = 'visitor pending';
    item.li.dataset.clientMsgId = item.clientMsgId;
    var body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    item.li.appendChild(body);
    $('messages').appendChild(item.li);
    outbox.push(item);
    $('text').value = '';
    if (open) deliver(item);
  }

  function start(ev) {
    ev.preventDefault();
    showError('');
    var nickname = $('nickname').value.trim();
    if (!nickname) {
      showError(t('nicknameRequired'));
      return;
    }
    var data = { serviceNumber: $('service').value.trim(), nickname: nickname };
    if ($('clientData').value) data.clientData = $('clientData').value;
    if ($('channel').value) data.channelName = $('channel').value;
    $('messages').textContent = '';
    shown = {};
    seqs = {};
    contiguous = 0;
    outbox = [];
    ended = false;
    chat = null;
    setState('starting');
    whenOpen()
      .then(function () {
        return request('chat.start', data);
      })
      .then(function (r) {
        chat = { sessionId: r.sessionId, visitorToken: r.visitorToken };
        sessionStorage.setItem(STORE_KEY, JSON.stringify(chat));
        log('chat ' + r.sessionId);
        if (state === 'starting') setState('queued');
      })
      .catch(function (e) {
        setState('idle');
        showError(t('failed') + errText(e));
      });
  }

  $('setup').addEventListener('submit', start);
  $('send').addEventListener('click', send);
  $('text').addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      send();
    }
  });
  $('end').addEventListener('click', function () {
    if (!chat || ended) return;
    request('chat.end', {})
      .then(finish)
      .catch(function (e) {
        showError(t('failed') + errText(e));
      });
  });

  setState('idle');
  try {
    var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
    if (saved && saved.sessionId && saved.visitorToken) {
      chat = saved;
      setState('queued');
      connect();
    }
  } catch (e) {
    sessionStorage.removeItem(STORE_KEY);
  }

  // For tests and the curious: drop the socket as a network failure would, and read the page state.
  window.tcccChatSim = {
    drop: function () {
      if (ws) ws.close(4000, 'dropped on purpose');
    },
    get sessionId() {
      return chat && chat.sessionId;
    },
    get state() {
      return state;
    },
    get open() {
      return open;
    },
    get outbox() {
      return outbox.length;
    },
    get stats() {
      return stats;
    },
    messages: function () {
      return Array.prototype.map.call($('messages').querySelectorAll('li[data-message-id]'), function (li) {
        return {
          messageId: li.dataset.messageId,
          seq: Number(li.dataset.seq),
          from: li.className,
          text: li.querySelector('.text').textContent,
        };
      });
    },
  };
})();
