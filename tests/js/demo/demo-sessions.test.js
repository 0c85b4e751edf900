// SPDX-License-Identifier: Apache-2.0
// The demos' session words (web/demo/demo-sessions.js): each session type is driven by its own API
// family, offers and statuses are shown in words (never raw codes), and rest reasons travel as codes.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const sandbox = {};
vm.runInNewContext(readFileSync(join(__dirname, '../../../web/demo/demo-sessions.js'), 'utf8'), { self: sandbox });
const words = sandbox.tcccDemoSessions;

function fakeTccc() {
  const calls = [];
  const api = (family) =>
    new Proxy({}, { get: (_, method) => (opts) => (calls.push(`${family}.${method} ${opts.sessionId}`), 'ok') });
  return { calls, Call: api('Call'), Chat: api('Chat'), Video: api('Video') };
}

describe('demo-sessions', () => {
  test('a chat is answered and ended with Chat.*, a video call with Video.*, a phone call with Call.*', () => {
    const tccc = fakeTccc();
    words.accept(tccc, { sessionId: 'c1', type: 'im' });
    words.end(tccc, { sessionId: 'c1', type: 'im' });
    words.accept(tccc, { sessionId: 'v1', type: 'video' });
    words.end(tccc, { sessionId: 'v1', type: 'video' });
    words.accept(tccc, { sessionId: 'p1', type: 'phone' });
    words.end(tccc, { sessionId: 'p1', type: 'phone' });
    words.end(tccc, { sessionId: 'x1', type: undefined });
    expect(tccc.calls).toEqual([
      'Chat.accept c1',
      'Chat.end c1',
      'Video.accept v1',
      'Video.end v1',
      'Call.accept p1',
      'Call.hungUp p1',
      'Call.hungUp x1',
    ]);
  });

  test('an offer is titled by its type: a chat is a new chat, not an incoming call', () => {
    expect(words.incomingTitle('im')).toBe('新会话 New chat');
    expect(words.incomingTitle('phone')).toBe('来电 Incoming call');
    expect(words.endLabel('im')).toBe('结束会话 End chat');
    expect(words.endLabel('phone')).toBe('挂断 Hang up');
  });

  test('offer details: service number, IVR choice and remark from the callIn data', () => {
    const data = {
      type: 'phone',
      calleePhoneNumber: '4008001000',
      callerPhoneNumber: '13800138000',
      ivrPath: [{ key: '1', label: '售前 Sales' }],
      remark: 'VIP',
    };
    expect(words.peerOf(data)).toBe('13800138000');
    expect(words.detailsOf(data)).toEqual([
      '服务号码 Service number: 4008001000',
      '按键 Menu choice: 1 售前 Sales',
      '备注 Remark: VIP',
    ]);
    expect(words.peerOf({ type: 'im', nickname: 'Ann' })).toBe('Ann');
    expect(words.peerOf({ calleePhoneNumber: '10000000001' })).toBe('10000000001');
  });

  test('statuses, rest reasons and stop reasons in words, never the raw code', () => {
    expect(words.statusText('arrange', '')).toBe('话后整理 After-call work');
    expect(words.statusText('rest', 'break')).toBe('小休 On break · 休息 Break');
    expect(words.statusText('rest', '自定义')).toBe('小休 On break · 自定义');
    expect(words.problemText('kickedOut', { reason: 'loggedInElsewhere' })).toBe('已在别处登录 Logged in elsewhere');
    expect(words.problemText('tokenExpired', { message: 'token expired' })).toMatch(/^登录已失效/);
  });
});
