// SPDX-License-Identifier: Apache-2.0
// The plain-HTML demo: log an agent in by loading the SdkURL this page's backend returns, then drive
// the public window.tccc API — one-click outbound, answering a callIn, status switching — and show
// every SDK event in a live log. Everything from the network is shown with textContent, never as HTML.
(function () {
  'use strict';
  var $ = function (id) {
    return document.getElementById(id);
  };
  var activeSessionId = '';
  var ringingSessionId = '';

  function showError(text) {
    $('error').textContent = text || '';
  }
  function setState(text) {
    $('state').textContent = text;
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

  function refresh() {
    var ready = !!window.tccc && $('state').getAttribute('data-ready') === '1';
    $('set-status').disabled = !ready;
    $('call').disabled = !ready || !!activeSessionId;
    $('incoming').hidden = !ringingSessionId;
    $('active').hidden = !activeSessionId;
    $('session').textContent = activeSessionId;
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
    activeSessionId = ringingSessionId = '';
    refresh();
    try {
      setState('获取 SdkURL… getting the SdkURL');
      var res = await backend('api/sdk-url', { userId: $('agent').value });
      setState('加载 SDK… loading the SDK');
      var tccc = await loadSdk(res.sdkUrl);
      applyBuiltinUi(tccc);
      Object.keys(tccc.events).forEach(function (name) {
        tccc.on(tccc.events[name], function (p) {
          log(name, p);
        });
      });
      tccc.on(tccc.events.ready, function () {
        $('state').setAttribute('data-ready', '1');
        setState('已就绪 ready (' + $('agent').value + ')');
        $('status').textContent = tccc.Agent.getStatus();
        refresh();
      });
      tccc.on(tccc.events.statusChanged, function (p) {
        $('status').textContent = p.data.status + (p.data.restReason ? ' · ' + p.data.restReason : '');
      });
      tccc.on(tccc.events.callIn, function (p) {
        ringingSessionId = p.data.sessionId;
        $('incoming-peer').textContent =
          p.data.callerPhoneNumber || p.data.nickname || p.data.peerUserId || p.data.sessionId;
        refresh();
      });
      tccc.on(tccc.events.callOuted, function (p) {
        activeSessionId = p.data.sessionId;
        refresh();
      });
      tccc.on(tccc.events.userAccessed, function (p) {
        activeSessionId = p.data.sessionId;
        if (ringingSessionId === p.data.sessionId) ringingSessionId = '';
        refresh();
      });
      tccc.on(tccc.events.sessionEnded, function (p) {
        if (activeSessionId === p.data.sessionId) activeSessionId = '';
        if (ringingSessionId === p.data.sessionId) ringingSessionId = '';
        refresh();
      });
      ['tokenExpired', 'kickedOut', 'reconnectFailed'].forEach(function (name) {
        tccc.on(tccc.events[name], function (p) {
          $('state').removeAttribute('data-ready');
          setState(name);
          showError((p.data && (p.data.message || p.data.reason)) || name);
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
  $('set-status').addEventListener('click', function () {
    var status = $('status-select').value;
    var current = window.tccc.Agent.getStatus();
    // Leaving notReady is its own request (stopNotReady), as in the TCCC API.
    if (status === 'free' && current === 'notReady') status = 'stopNotReady';
    run(
      window.tccc.Agent.setStatus(
        status === 'rest' ? { status: status, restReason: '休息 break' } : { status: status },
      ),
    );
  });
  // The seed guide's "一键外呼" sample.
  $('call').addEventListener('click', function () {
    run(
      window.tccc.Call.startOutboundCall({ phoneNumber: $('phone').value.trim(), phoneDesc: 'demo' }).then(
        function (res) {
          activeSessionId = res.data.sessionId;
          refresh();
        },
      ),
    );
  });
  $('answer').addEventListener('click', function () {
    run(window.tccc.Call.accept({ sessionId: ringingSessionId }));
  });
  $('reject').addEventListener('click', function () {
    run(window.tccc.Call.hungUp({ sessionId: ringingSessionId }));
  });
  $('hangup').addEventListener('click', function () {
    run(window.tccc.Call.hungUp({ sessionId: activeSessionId }));
  });

  backend('api/agents')
    .then(function (res) {
      res.agents.forEach(function (a) {
        var o = document.createElement('option');
        o.value = a.userId;
        o.textContent = a.name ? a.userId + ' (' + a.name + ')' : a.userId;
        $('agent').append(o);
      });
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
