// SPDX-License-Identifier: Apache-2.0
// The customer simulator pages' logic (caller.html, voip.html, video.html, callee.html; the page
// says which with <body data-mode="phone|voip|video|callee">). Signalling is the customer side of
// docs/protocol.md over /ws/customer; media follows its "Media" section: this page is the offerer —
// whenever its state becomes `connected` (an agent accepted, or — callee page — it answered an
// outbound call) it opens the microphone (and camera for video), offers, trickles candidates and
// applies the answer. Where the server anchors media (mediaAnchored, the default) this page's
// connection is with the server: a caller page opens it as soon as its call is placed (it hears the
// queue's music meanwhile), and it outlives a transfer or a ring timeout: the next agent is joined
// to it without a new negotiation. Where the browsers talk directly (--media-mode p2p) the old
// connection is dropped and the next `connected` offers anew. A later offer from the other side (an
// ICE restart) is answered on the same connection; if ICE fails here this page offers an ICE restart.
// While the agent holds the call this page's microphone is off (a held caller is not heard).
// Nothing received is ever inserted as HTML: only textContent.
(function () {
  'use strict';

  var en = new URLSearchParams(location.search).get('lang') === 'en';
  var mode = document.body.dataset.mode || 'phone';
  var TEXT = {
    title: ['模拟来电（PSTN 客户）', 'Caller simulator (PSTN customer)'],
    titleVoip: ['模拟网页语音来电（VoIP 客户）', 'Web voice caller (VoIP customer)'],
    titleVideo: ['模拟视频来电', 'Video caller'],
    titleCallee: ['模拟被叫（外呼接听方）', 'Callee simulator (answers outbound calls)'],
    userId: ['访客 ID', 'Visitor ID'],
    nickname: ['昵称', 'Nickname'],
    number: ['本机号码（被叫）', 'My number (callee)'],
    register: ['登记号码', 'Register number'],
    registered: ['已登记：', 'Registered: '],
    answer: ['接听', 'Answer'],
    reject: ['拒接', 'Reject'],
    busy: ['忙线', 'Busy'],
    incoming: ['来电：', 'Incoming call from '],
    service: ['拨打的服务号码', 'Service number to dial'],
    caller: ['本机号码（主叫）', 'Your number (caller ID)'],
    prekeys: ['语音菜单出现时自动按键（可选）', 'Keys to press when the menu plays (optional)'],
    call: ['呼叫', 'Call'],
    hangup: ['挂断', 'Hang up'],
    mute: ['静音', 'Mute'],
    unmute: ['取消静音', 'Unmute'],
    stateLabel: ['状态：', 'State: '],
    ivrLabel: ['语音菜单：', 'Menu:'],
    play: ['点击播放坐席声音', 'Click to hear the agent'],
    logTitle: ['信令日志', 'Signalling log'],
    agentDigits: ['坐席发送按键：', 'Agent sent keys: '],
    idle: ['空闲', 'idle'],
    dialing: ['正在呼叫…', 'dialling…'],
    ivr: ['语音菜单', 'menu'],
    queued: ['排队中', 'queued'],
    ringing: ['坐席振铃中', 'ringing at an agent'],
    connected: ['通话中', 'connected'],
    held: ['保持中', 'on hold'],
    ended: ['已结束', 'ended'],
    noMic: ['无法使用麦克风：', 'Microphone unavailable: '],
    wsClosed: ['与服务器的连接已断开', 'The connection to the server closed'],
    failed: ['请求失败：', 'Request failed: '],
    media: ['媒体：', 'Media: '],
  };
  function t(key) {
    var v = TEXT[key];
    return v ? v[en ? 1 : 0] : key;
  }
  // Why a call ended (customer.state `reason`, the EndStatus codes): shown in words, never the code.
  var REASONS = {
    ok: ['通话结束', 'call ended'],
    unconnected: ['未接通', 'not connected'],
    seatGiveUp: ['坐席未接听', 'the agent did not answer'],
    seatForward: ['已转接', 'transferred'],
    ivrGiveUp: ['在语音菜单中挂断', 'hung up in the menu'],
    ivrEnd: ['语音菜单结束', 'the menu ended the call'],
    waitingGiveUp: ['排队时挂断', 'hung up while queued'],
    ringingGiveUp: ['振铃时挂断', 'hung up while ringing'],
    noSeatOnline: ['暂无坐席在线', 'no agent online'],
    error: ['系统错误', 'system error'],
    notAnswer: ['无人接听', 'no answer'],
    userReject: ['已拒接', 'declined'],
    busy: ['忙线', 'busy'],
    callerCancel: ['主叫取消', 'cancelled by the caller'],
    waitingTimeout: ['排队超时', 'queue timed out'],
    userTimeout: ['超时未接听', 'not answered in time'],
  };
  function reasonText(code) {
    var v = REASONS[code];
    return v ? v[en ? 1 : 0] : '';
  }

  var $ = function (id) {
    return document.getElementById(id);
  };
  if (en) {
    document.documentElement.lang = 'en';
    document.title =
      { phone: 'Caller simulator', voip: 'VoIP caller', video: 'Video caller', callee: 'Callee simulator' }[mode] ||
      'Caller simulator';
    $('lang').textContent = '中文';
    $('lang').href = '?';
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) {
    el.textContent = t(el.getAttribute('data-i18n'));
  });

  // --- state ---------------------------------------------------------------------------------
  var ws = null;
  var nextId = 1;
  var pending = {}; // request id -> {resolve, reject}
  var sessionId = '';
  var iceServers = [];
  var pc = null;
  var anchored = false; // the server terminates this call's media (see the top of this file)
  var local = null;
  var remote = null;
  var remoteCandidates = []; // candidates that arrived before the answer
  var muted = false;
  var onHold = false;
  var preKeysSent = false;
  var history = []; // every customer.state, for tests and the log
  var digitsFromAgent = []; // customer.dtmf events, in order
  var numbers = []; // callee page: registered numbers
  var incomingCaller = '';
  var withVideo = mode === 'video';

  function log(line) {
    var el = $('log');
    el.textContent += new Date().toISOString().slice(11, 23) + ' ' + line + '\n';
    el.scrollTop = el.scrollHeight;
  }
  function showError(text) {
    $('error').textContent = text || '';
  }
  function setState(state, reason) {
    var el = $('state');
    el.dataset.state = state;
    el.dataset.reason = reason || '';
    var words = reasonText(reason);
    el.textContent = t(state) + (words ? (en ? ' (' + words + ')' : '（' + words + '）') : '');
    var live = state !== 'idle' && state !== 'ended';
    if ($('call')) $('call').disabled = live;
    $('hangup').disabled = !live;
    $('mute').disabled = state !== 'connected' && state !== 'held';
    var incoming = mode === 'callee' && state === 'ringing';
    ['answer', 'reject', 'busy'].forEach(function (id) {
      if ($(id)) $(id).disabled = !incoming;
    });
    if ($('incoming')) $('incoming').textContent = incoming ? t('incoming') + incomingCaller : '';
  }

  // --- signalling ----------------------------------------------------------------------------
  function wsUrl() {
    var u = new URL('/ws/customer', location.href);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.href;
  }

  function connect() {
    if (ws && ws.readyState <= 1) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      ws = new WebSocket(wsUrl());
      ws.onopen = function () {
        resolve();
      };
      ws.onerror = function () {
        reject(new Error(t('wsClosed')));
      };
      ws.onclose = function () {
        for (var id in pending) pending[id].reject(new Error(t('wsClosed')));
        pending = {};
        if (sessionId) {
          endMedia();
          setState('ended', t('wsClosed'));
          sessionId = '';
        }
        ws = null;
      };
      ws.onmessage = function (ev) {
        onFrame(ev.data);
      };
    });
  }

  function request(method, data) {
    return connect().then(function () {
      return new Promise(function (resolve, reject) {
        var id = nextId++;
        pending[id] = { resolve: resolve, reject: reject };
        ws.send(JSON.stringify({ v: 1, type: 'req', id: id, method: method, data: data || {} }));
      });
    });
  }

  function onFrame(text) {
    var f;
    try {
      f = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!f || typeof f !== 'object') return;
    if (f.type === 'ping') {
      ws.send(JSON.stringify({ v: 1, type: 'pong', t: f.t }));
      return;
    }
    if (f.type === 'res') {
      var p = pending[f.id];
      if (!p) return;
      delete pending[f.id];
      if (f.ok) p.resolve(f.data || {});
      else p.reject(new Error((f.error && f.error.message) || 'error ' + (f.error && f.error.code)));
      return;
    }
    if (f.type !== 'evt' || !f.data || typeof f.data !== 'object') return;
    var d = f.data;
    if (f.event !== 'media.candidate') log('← ' + f.event + ' ' + JSON.stringify(d).slice(0, 200));
    switch (f.event) {
      case 'customer.state':
        onState(d);
        break;
      case 'customer.ivr':
        onIvr(d);
        break;
      case 'customer.dtmf':
        digitsFromAgent.push(String(d.digits || ''));
        $('agentDigits').textContent = t('agentDigits') + digitsFromAgent.join('');
        break;
      case 'media.offer':
        // The agent renegotiates (its ICE restart): answer on the same connection.
        if (pc && typeof d.sdp === 'string') answerOffer(d.sdp);
        break;
      case 'media.answer':
        if (pc && typeof d.sdp === 'string' && pc.signalingState === 'have-local-offer') {
          pc.setRemoteDescription({ type: 'answer', sdp: d.sdp })
            .then(function () {
              var early = remoteCandidates.splice(0);
              early.forEach(addRemoteCandidate);
            })
            .catch(function (e) {
              showError(t('media') + e.message);
            });
        }
        break;
      case 'media.candidate':
        if (d.candidate && typeof d.candidate === 'object') {
          if (pc && pc.remoteDescription) addRemoteCandidate(d.candidate);
          else remoteCandidates.push(d.candidate);
        }
        break;
      default:
        break;
    }
  }

  function onState(d) {
    // A callee page learns its session from the ringing event of an outbound call.
    if (mode === 'callee' && d.state === 'ringing' && !sessionId && d.sessionId) {
      sessionId = String(d.sessionId);
      incomingCaller = String(d.caller || '');
      history = [];
      digitsFromAgent = [];
    }
    if (d.sessionId && sessionId && d.sessionId !== sessionId) return;
    history.push({ state: d.state, reason: d.reason || '' });
    setState(String(d.state || ''), d.reason ? String(d.reason) : '');
    if (d.mediaAnchored === true) anchored = true;
    // Back in the queue or ringing at another agent (transfer, ring timeout): with direct media the
    // old agent's connection is gone and the next `connected` starts a new one; an anchored
    // connection stays (the server plays to it and joins the next agent to it).
    if ((d.state === 'queued' || d.state === 'ringing') && pc && !anchored) endMedia();
    onHold = d.state === 'held';
    applyMic();
    if (d.state === 'connected' && !pc) startMedia();
    if (d.state === 'ended') {
      endMedia();
      sessionId = '';
      if ($('ivr')) $('ivr').hidden = true;
    }
  }

  function onIvr(d) {
    $('ivr').hidden = false;
    $('prompt').textContent = String(d.prompt || '');
    var list = $('options');
    list.textContent = '';
    (Array.isArray(d.options) ? d.options : []).forEach(function (o) {
      var li = document.createElement('li');
      li.textContent = String(o.key) + ' — ' + String(o.label);
      list.appendChild(li);
    });
    setState('ivr');
    var keys = $('prekeys') ? $('prekeys').value.replace(/[^0-9*#]/g, '') : '';
    if (keys && !preKeysSent) {
      preKeysSent = true;
      sendKeys(keys);
    }
  }

  function sendKeys(keys) {
    request('customer.dtmf', { digits: keys }).catch(function (e) {
      showError(t('failed') + e.message);
    });
  }

  // --- media ---------------------------------------------------------------------------------
  function startMedia() {
    var sid = sessionId;
    pc = new RTCPeerConnection({ iceServers: iceServers });
    var thisPc = pc;
    pc.onicecandidate = function (ev) {
      if (!ev.candidate || pc !== thisPc) return;
      request('media.candidate', { sessionId: sid, candidate: ev.candidate.toJSON() }).catch(function () {});
    };
    pc.ontrack = function (ev) {
      if (!remote) remote = ev.streams[0] || new MediaStream();
      if (remote.getTracks().indexOf(ev.track) < 0) remote.addTrack(ev.track);
      var el = ev.track.kind === 'video' ? $('remoteVideo') : $('remote');
      if (!el) return;
      el.srcObject = remote;
      el.play().then(
        function () {
          $('play').hidden = true;
        },
        function () {
          $('play').hidden = false;
        },
      );
    };
    pc.oniceconnectionstatechange = function () {
      if (pc !== thisPc) return;
      log('ice ' + pc.iceConnectionState);
      // The network changed under us: gather anew and offer again; the agent answers on the same pc.
      if (pc.iceConnectionState === 'failed') offer({ iceRestart: true });
    };
    navigator.mediaDevices
      .getUserMedia({ audio: true, video: withVideo })
      .then(function (stream) {
        if (pc !== thisPc) {
          stream.getTracks().forEach(function (tr) {
            tr.stop();
          });
          return;
        }
        local = stream;
        stream.getTracks().forEach(function (tr) {
          thisPc.addTrack(tr, stream);
        });
        applyMic();
        if ($('localVideo')) $('localVideo').srcObject = stream;
        return offer({});
      })
      .catch(function (e) {
        showError(t('noMic') + (e && e.message ? e.message : String(e)));
      });
  }

  function offer(options) {
    var thisPc = pc;
    var sid = sessionId;
    return thisPc
      .createOffer(options)
      .then(function (o) {
        return thisPc.setLocalDescription(o);
      })
      .then(function () {
        if (pc !== thisPc) return;
        return request('media.offer', { sessionId: sid, sdp: thisPc.localDescription.sdp });
      })
      .catch(function (e) {
        showError(t('media') + e.message);
      });
  }

  function answerOffer(sdp) {
    var thisPc = pc;
    var sid = sessionId;
    var step =
      thisPc.signalingState === 'have-local-offer'
        ? thisPc.setLocalDescription({ type: 'rollback' })
        : Promise.resolve();
    step
      .then(function () {
        return thisPc.setRemoteDescription({ type: 'offer', sdp: sdp });
      })
      .then(function () {
        remoteCandidates.splice(0).forEach(addRemoteCandidate);
        return thisPc.createAnswer();
      })
      .then(function (a) {
        return thisPc.setLocalDescription(a);
      })
      .then(function () {
        if (pc !== thisPc) return;
        return request('media.answer', { sessionId: sid, sdp: thisPc.localDescription.sdp });
      })
      .catch(function (e) {
        showError(t('media') + e.message);
      });
  }

  /** The microphone is on unless muted here or held by the agent. */
  function applyMic() {
    if (local)
      local.getAudioTracks().forEach(function (tr) {
        tr.enabled = !muted && !onHold;
      });
  }

  function addRemoteCandidate(c) {
    pc.addIceCandidate(c.candidate ? c : null).catch(function (e) {
      log('candidate ignored: ' + e.message);
    });
  }

  function endMedia() {
    if (pc) {
      try {
        pc.close();
      } catch (e) {
        /* closed */
      }
    }
    pc = null;
    if (local)
      local.getTracks().forEach(function (tr) {
        tr.stop();
      });
    local = null;
    remote = null;
    remoteCandidates = [];
    $('remote').srcObject = null;
    if ($('remoteVideo')) $('remoteVideo').srcObject = null;
    if ($('localVideo')) $('localVideo').srcObject = null;
    $('play').hidden = true;
  }

  // --- controls ------------------------------------------------------------------------------
  if ($('call'))
    $('call').onclick = function () {
      showError('');
      preKeysSent = false;
      history = [];
      digitsFromAgent = [];
      $('agentDigits').textContent = '';
      setState('dialing');
      var method = 'customer.dial';
      var data = { serviceNumber: $('service').value.trim() };
      if (mode === 'phone') {
        data.caller = $('caller').value.replace(/[^0-9+]/g, '');
      } else {
        method = mode === 'video' ? 'customer.video' : 'customer.voip';
        data.userId = $('userId').value.trim();
        if ($('nickname').value.trim()) data.nickname = $('nickname').value.trim();
      }
      request(method, data)
        .then(function (r) {
          sessionId = String(r.sessionId || '');
          iceServers = Array.isArray(r.iceServers) ? r.iceServers : [];
          anchored = r.mediaAnchored === true;
          // Anchored, the page connects to the server at once: it hears the queue's music, and
          // when an agent accepts only the agent's side has to connect.
          if (anchored && !pc && sessionId) startMedia();
        })
        .catch(function (e) {
          setState('idle');
          showError(t('failed') + e.message);
        });
    };
  $('hangup').onclick = function () {
    request('customer.hangUp', {}).catch(function (e) {
      showError(t('failed') + e.message);
    });
  };
  $('mute').onclick = function () {
    muted = !muted;
    applyMic();
    $('mute').textContent = t(muted ? 'unmute' : 'mute');
  };
  // Callee page: own a number, then answer, reject or send busy when an outbound call rings here.
  if ($('register'))
    $('register').onclick = function () {
      showError('');
      request('customer.registerNumber', { number: $('number').value.trim() })
        .then(function (r) {
          if (numbers.indexOf(r.number) < 0) numbers.push(String(r.number));
          $('registered').textContent = t('registered') + numbers.join(', ');
        })
        .catch(function (e) {
          showError(t('failed') + e.message);
        });
    };
  ['answer', 'reject', 'busy'].forEach(function (id) {
    if ($(id))
      $(id).onclick = function () {
        request('customer.' + id, { sessionId: sessionId }).catch(function (e) {
          showError(t('failed') + e.message);
        });
      };
  });
  $('play').onclick = function () {
    $('remote')
      .play()
      .then(
        function () {
          $('play').hidden = true;
        },
        function () {},
      );
  };
  '123456789*0#'.split('').forEach(function (k) {
    var b = document.createElement('button');
    b.textContent = k;
    b.dataset.key = k;
    b.onclick = function () {
      if (sessionId) sendKeys(k);
    };
    if ($('keypad')) $('keypad').appendChild(b);
  });
  setState('idle');

  // For tests and debugging: read-only views of the call.
  window.tcccCaller = {
    get sessionId() {
      return sessionId;
    },
    get state() {
      return $('state').dataset.state;
    },
    get history() {
      return history.slice();
    },
    get pc() {
      return pc;
    },
    get remoteStream() {
      return remote;
    },
    get localStream() {
      return local;
    },
    get digitsFromAgent() {
      return digitsFromAgent.slice();
    },
    get numbers() {
      return numbers.slice();
    },
    get incomingCaller() {
      return incomingCaller;
    },
  };
})();
