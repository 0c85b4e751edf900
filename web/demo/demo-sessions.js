// SPDX-License-Identifier: Apache-2.0
// What the three demos say about sessions and agent statuses, in the pages' two languages side by
// side ("中文 English"), and which API family drives each session type. The core refuses
// Call.accept on a chat (`… is not a Call session; use Chat.* for im sessions`): a chat (im) is
// answered and ended with tccc.Chat.*, a video call with tccc.Video.*, everything else with
// tccc.Call.*. Only calls make the agent busy; chats run alongside them, so a demo keeps outbound
// calls available during a chat.
//
// One classic script for all three demos: the plain demo loads it with a script tag, the Vite demos
// import it for its side effect; both then read window.tcccDemoSessions (Jest runs it in a vm
// context). No `module.exports` branch: bundlers rewrite that name.
(function (root, factory) {
  'use strict';
  root.tcccDemoSessions = factory();
})(typeof self !== 'undefined' ? self : globalThis, function () {
  'use strict';

  var STATUS = {
    offline: '离线 Offline',
    free: '空闲 Available',
    busy: '忙碌 Busy',
    arrange: '话后整理 After-call work',
    notReady: '示忙 Not ready',
    rest: '小休 On break',
  };
  // Rest reasons travel as codes, so each viewer reads them in the page's words, not the sender's.
  var REST_REASONS = {
    meal: '用餐 Meal',
    meeting: '会议 Meeting',
    training: '培训 Training',
    break: '休息 Break',
  };
  var PROBLEMS = {
    loggedInElsewhere: '已在别处登录 Logged in elsewhere',
    staffRemoved: '坐席已被删除 This agent was removed',
    tokenExpired: '登录已失效，请重新登录 The login expired: log in again',
    kickedOut: '已被下线 Logged out by the server',
    reconnectFailed: '重连失败，请重新登录 Reconnecting failed: log in again',
  };

  function text(v) {
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
  }

  /** The API family of a session type: 'Chat', 'Video' or 'Call'. */
  function familyOf(type) {
    return type === 'im' ? 'Chat' : type === 'video' ? 'Video' : 'Call';
  }

  function isChat(type) {
    return type === 'im';
  }

  /** Answers a ringing session ({sessionId, type}) with its own family's accept. */
  function accept(tccc, session) {
    return tccc[familyOf(session.type)].accept({ sessionId: session.sessionId });
  }

  /** Ends (or declines) a session with its own family's API: Chat.end, Video.end or Call.hungUp. */
  function end(tccc, session) {
    var family = familyOf(session.type);
    var id = { sessionId: session.sessionId };
    return family === 'Call' ? tccc.Call.hungUp(id) : tccc[family].end(id);
  }

  /** The heading of an offer: a chat is a new conversation, not a ringing phone. */
  function incomingTitle(type) {
    if (type === 'im') return '新会话 New chat';
    if (type === 'video') return '视频来电 Incoming video call';
    if (type === 'internal') return '内线来电 Internal call';
    return '来电 Incoming call';
  }

  function endLabel(type) {
    return type === 'im' ? '结束会话 End chat' : '挂断 Hang up';
  }

  function declineLabel(type) {
    return type === 'im' ? '拒绝 Decline' : '拒接 Decline';
  }

  /** Who is on the other end, from callIn / callOuted data (text: render it with textContent). */
  function peerOf(data) {
    return (
      text(data.callerPhoneNumber) ||
      text(data.protectedCaller) ||
      text(data.nickname) ||
      text(data.peerUserId) ||
      text(data.userId) ||
      text(data.calleePhoneNumber) || // an outbound call (callOuted): the number dialled
      text(data.sessionId)
    );
  }

  /** The offer's details the callIn data carries: dialled service number, IVR choices, remark. */
  function detailsOf(data) {
    var lines = [];
    if (data.type === 'phone' && text(data.calleePhoneNumber))
      lines.push('服务号码 Service number: ' + text(data.calleePhoneNumber));
    var path = Array.isArray(data.ivrPath) ? data.ivrPath : [];
    if (path.length)
      lines.push(
        '按键 Menu choice: ' +
          path
            .map(function (p) {
              return [text(p.key), text(p.label)].filter(Boolean).join(' ');
            })
            .join(' → '),
      );
    if (text(data.channelName)) lines.push('渠道 Channel: ' + text(data.channelName));
    if (text(data.remark)) lines.push('备注 Remark: ' + text(data.remark));
    return lines;
  }

  function restReasonText(code) {
    return REST_REASONS[code] || text(code);
  }

  /** An agent status (and rest reason) in words, never the raw code. */
  function statusText(status, restReason) {
    var words = STATUS[status] || text(status);
    return restReason ? words + ' · ' + restReasonText(restReason) : words;
  }

  /** Why the SDK stopped (kickedOut / tokenExpired / reconnectFailed) in words. */
  function problemText(eventName, data) {
    var reason = data && text(data.reason);
    return PROBLEMS[reason] || PROBLEMS[eventName] || text(data && data.message) || eventName;
  }

  return {
    REST_REASONS: REST_REASONS,
    familyOf: familyOf,
    isChat: isChat,
    accept: accept,
    end: end,
    incomingTitle: incomingTitle,
    endLabel: endLabel,
    declineLabel: declineLabel,
    peerOf: peerOf,
    detailsOf: detailsOf,
    restReasonText: restReasonText,
    statusText: statusText,
    problemText: problemText,
  };
});
