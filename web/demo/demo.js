// SPDX-License-Identifier: Apache-2.0
// The plain-HTML demo: log an agent in by loading the SdkURL this page's backend returns, then drive
// the public window.tccc API — one-click outbound, answering a callIn, status switching — and show
// every SDK event in a live log. Everything from the network is shown with textContent, never as HTML.
// Sessions are told apart by type (demo-sessions.js): a chat is answered and ended with tccc.Chat.*,
// and runs alongside calls.
(function () {
  'use strict';
  var words = window.tcccDemoSessions;
  var $ = function (id) {
    return document.getElementById(id);
  };
  var offers = {}; // sessionId -> callIn data: the type and peer of every session offered to us
  var callId = ''; // the call in progress (outbound or answered); chats are not calls
  var ringing = null; // the callIn data of the offer on screen
  var chats = []; // answered chats: [{sessionId, type, peer}]

  function showError(text) {
    $('error').textContent = text || '';
  }
  function setState(text) {
    $('state').textContent = text;
  }
  function showStatus(status, restReason) {
    var el = $('status');
    el.setAttribute('data-status', status);
    el.textContent = words.statusText(status, restReason);
  }

  function log(name, payload) {
    var li = document.createElement('li');
    li.setAttribute('data-event', name);
    li.textContent =
      new Date().toLocaleTimeString() +
      '  ' +
      name +
      '  ' +
      JSON.stringify(payload && payload.data !== undefined ? payload.data : payload);
    $('log').prepend(li);
    while ($('log').children.length > 200) $('log').lastChild.remove();
  }

  async function backend(path, body) {
    var res = await fetch(
      path,
      body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {},
    );
    var json = await res.json().catch(function () {
      return {};
    });
    if (!res.ok) throw new Error((json.error && json.error.code + ': ' + json.error.message) || 'HTTP ' + res.status);
    return json;
  }

  // Loading the SdkURL *is* the login (as with the real TCCC SDK). A second login first destroys the
  // first instance, which also removes window.tccc so the new script can install its own.
  function loadSdk(sdkUrl) {
    if (window.tccc) window.tccc.destroy();
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = sdkUrl;
      script.onload = function () {
        resolve(window.tccc);
      };
      script.onerror = function () {
        reject(new Error('could not load ' + sdkUrl));
      };
      document.body.appendChild(script);
    });
  }

  function isReady() {
    return !!window.tccc && $('state').getAttribute('data-ready') === '1';
  }

  function refresh() {
    var ready = isReady();
    $('set-status').disabled = !ready;
    $('call').disabled = !ready || !!callId;
    $('incoming').hidden = !ringing;
    if (ringing) {
      $('incoming-title').textContent = words.incomingTitle(ringing.type);
      $('incoming-peer').textContent = words.peerOf(ringing);
      $('incoming-details').replaceChildren.apply(
        $('incoming-details'),
        words.detailsOf(ringing).map(function (line) {
          var li = document.createElement('li');
          li.textContent = line;
          return li;
        }),
      );
      $('reject').textContent = words.declineLabel(ringing.type);
    }
    $('active').hidden = !callId;
    $('session').textContent = callId;
    $('chats').replaceChildren.apply($('chats'), chats.map(chatRow));
  }

  function chatRow(chat) {
    var li = document.createElement('li');
    li.setAttribute('data-testid', 'chat');
    li.setAttribute('data-session', chat.sessionId);
    var peer = document.createElement('b');
    peer.textContent = chat.peer;
    var id = document.createElement('code');
    id.textContent = chat.sessionId;
    var end = document.createElement('button');
    end.type = 'button';
    end.setAttribute('data-testid', 'end-chat');
    end.textContent = words.endLabel(chat.type);
    end.addEventListener('click', function () {
      run(words.end(window.tccc, chat));
    });
    li.append('会话 Chat ', peer, ' ', id, ' ', end);
    return li;
  }

  // A session the agent is now in (answered here, in the built-in workbench, or dialled).
  function joined(sessionId) {
    var offer = offers[sessionId];
    if (ringing && ringing.sessionId === sessionId) ringing = null;
    if (offer && words.isChat(offer.type)) {
      if (
        !chats.some(function (c) {
          return c.sessionId === sessionId;
        })
      )
        chats.push({ sessionId: sessionId, type: offer.type, peer: words.peerOf(offer) });
    } else {
      callId = sessionId;
    }
  }

  function ended(sessionId) {
    if (callId === sessionId) callId = '';
    if (ringing && ringing.sessionId === sessionId) ringing = null;
    chats = chats.filter(function (c) {
      return c.sessionId !== sessionId;
    });
    delete offers[sessionId];
  }

  function run(promise) {
    showError('');
    return promise.catch(function (err) {
      showError((err && (err.errorMsg || err.message)) || String(err));
    });
  }

  function applyBuiltinUi(tccc) {
    if ($('builtin').checked) tccc.UI.show();
    else tccc.UI.hide();
  }

  async function login() {
    showError('');
    $('state').removeAttribute('data-ready');
    offers = {};
    callId = '';
    ringing = null;
    chats = [];
    refresh();
    try {
      setState('获取 SdkURL… getting the SdkURL');
      var res = await backend('api/sdk-url', { userId: $('agent').value });
      setState('加载 SDK… loading the SDK');
      var tccc = await loadSdk(res.sdkUrl);
      applyBuiltinUi(tccc);
      // Every event but the meters (audioVolume, networkQuality: several a second during a call).
      Object.keys(tccc.events).forEach(function (name) {
        if (name === 'audioVolume' || name === 'networkQuality') return;
        tccc.on(tccc.events[name], function (p) {
          log(name, p);
        });
      });
      tccc.on(tccc.events.ready, function () {
        $('state').setAttribute('data-ready', '1');
        setState('已就绪 ready (' + $('agent').value + ')');
        showStatus(tccc.Agent.getStatus(), '');
        refresh();
      });
      tccc.on(tccc.events.statusChanged, function (p) {
        showStatus(p.data.status, p.data.restReason);
      });
      tccc.on(tccc.events.callIn, function (p) {
        offers[p.data.sessionId] = p.data;
        ringing = p.data;
        refresh();
      });
      tccc.on(tccc.events.callOuted, function (p) {
        callId = p.data.sessionId;
        refresh();
      });
      tccc.on(tccc.events.userAccessed, function (p) {
        joined(p.data.sessionId);
        refresh();
      });
      tccc.on(tccc.events.sessionEnded, function (p) {
        ended(p.data.sessionId);
        refresh();
      });
      ['tokenExpired', 'kickedOut', 'reconnectFailed'].forEach(function (name) {
        tccc.on(tccc.events[name], function (p) {
          $('state').removeAttribute('data-ready');
          setState('未登录 logged out');
          showError(words.problemText(name, p.data));
          refresh();
        });
      });
      setState('登录中… logging in');
    } catch (err) {
      setState('未登录 logged out');
      showError(err.message);
    }
  }

  $('login').addEventListener('click', login);
  $('builtin').addEventListener('change', function () {
    if (window.tccc) applyBuiltinUi(window.tccc);
  });
  // Every button checks that there is something to act on: a click before login does nothing.
  $('set-status').addEventListener('click', function () {
    if (!isReady()) return;
    var status = $('status-select').value;
    var current = window.tccc.Agent.getStatus();
    // Leaving notReady is its own request (stopNotReady), as in the TCCC API.
    if (status === 'free' && current === 'notReady') status = 'stopNotReady';
    // The reason goes as a code; every page shows it in its own words (demo-sessions.js).
    run(window.tccc.Agent.setStatus(status === 'rest' ? { status: status, restReason: 'break' } : { status: status }));
  });
  // The seed guide's "一键外呼" sample.
  $('call').addEventListener('click', function () {
    if (!isReady()) return;
    run(
      window.tccc.Call.startOutboundCall({ phoneNumber: $('phone').value.trim(), phoneDesc: 'demo' }).then(
        function (res) {
          callId = res.data.sessionId;
          refresh();
        },
      ),
    );
  });
  $('answer').addEventListener('click', function () {
    if (isReady() && ringing) run(words.accept(window.tccc, ringing));
  });
  $('reject').addEventListener('click', function () {
    if (isReady() && ringing) run(words.end(window.tccc, ringing));
  });
  $('hangup').addEventListener('click', function () {
    if (isReady() && callId) run(words.end(window.tccc, { sessionId: callId, type: (offers[callId] || {}).type }));
  });

  backend('api/agents')
    .then(function (res) {
      res.agents.forEach(function (a) {
        var o = document.createElement('option');
        o.value = a.userId;
        o.textContent = a.name ? a.userId + ' (' + a.name + ')' : a.userId;
        $('agent').append(o);
      });
      // Enabled only now, as in the Vue and React demos: a click before the list came would
      // log in nobody (the select is still empty).
      $('login').disabled = res.agents.length === 0;
    })
    .catch(function (err) {
      showError(
        '后端不可用 the demo backend is not reachable (' +
          err.message +
          '): run `npm start`, or `node web/demo/server.mjs`.',
      );
    });
  refresh();
})();
