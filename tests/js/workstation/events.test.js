// SPDX-License-Identifier: Apache-2.0
// How the core's SDK events become the workstation's (js/src/workstation/SessionEvents.ts), above
// all which TCCCEndReason a session's end gets from its closeBy / mainReason and whether it was
// ever connected.
const { loadTs } = require('../helpers/tsModule');

const { SessionEvents, endReasonOf } = loadTs('js/src/workstation/SessionEvents.ts');
const { TCCCEndReason: R, TCCCSessionDirection: D } = loadTs('js/src/workstation/enums.ts');

// The rows are shared with the native workstation's test (tests/native/workstation/SessionEventsTest.cpp).
const END_REASONS = require('../../fixtures/workstation/end-reasons.json').rows;

describe('endReasonOf', () => {
  test.each(END_REASONS.map((r) => [r.closeBy, r.mainReason, r.accepted, r.direction, r.reason]))(
    'closeBy %s, mainReason %s, accepted %s, direction %s -> %s',
    (closeBy, mainReason, accepted, dir, expected) => {
      const [reason, message] = endReasonOf({ closeBy, mainReason }, accepted, D[dir]);
      expect(reason).toBe(R[expected]);
      expect(typeof message).toBe('string');
      expect(message.length).toBeGreaterThan(0);
    },
  );
});

describe('SessionEvents', () => {
  test('inbound: callIn -> onNewSession(CallIn), userAccessed -> onAccepted, the caller hangs up -> RemoteBye', () => {
    const s = new SessionEvents();
    const [nw] = s.feed('callIn', {
      sessionId: 's1',
      type: 'phone',
      callerPhoneNumber: '13800138000',
      calleePhoneNumber: '4008001000',
      remark: 'VIP',
    });
    expect(nw).toEqual({
      name: 'onNewSession',
      args: [
        {
          sessionId: 's1',
          sessionDirection: D.CallIn,
          fromUserId: '13800138000',
          toUserId: '4008001000',
          remark: 'VIP',
        },
      ],
    });
    expect(s.current()).toBe('s1');
    expect(s.currentRinging()).toBe(true);
    expect(s.feed('userAccessed', { sessionId: 's1' })).toEqual([{ name: 'onAccepted', args: ['s1'] }]);
    expect(s.currentRinging()).toBe(false);
    const [ended] = s.feed('sessionEnded', { sessionId: 's1', closeBy: 'client' });
    expect(ended.name).toBe('onEnded');
    expect(ended.args[0]).toBe(R.RemoteBye);
    expect(ended.args[2]).toBe('s1');
    expect(s.current()).toBeUndefined();
  });

  test('outbound: callOuted -> onNewSession(CallOut), calloutAccepted -> onAccepted once, agent hangs up -> LocalBye', () => {
    const s = new SessionEvents();
    expect(s.feed('callOuted', { sessionId: 'o1', calleePhoneNumber: '10000000001' })[0].args[0]).toMatchObject({
      sessionDirection: D.CallOut,
      toUserId: '10000000001',
    });
    expect(s.feed('calloutAccepted', { sessionId: 'o1' })).toHaveLength(1);
    expect(s.feed('calloutAccepted', { sessionId: 'o1' })).toEqual([]);
    expect(s.feed('sessionEnded', { sessionId: 'o1', closeBy: 'seat' })[0].args[0]).toBe(R.LocalBye);
  });

  test('a caller who gives up while it rings is RemoteCancel; a ring timeout (autoTransfer) is Timeout', () => {
    const s = new SessionEvents();
    s.feed('callIn', { sessionId: 'a', type: 'phone' });
    expect(s.feed('sessionEnded', { sessionId: 'a', closeBy: 'client' })[0].args[0]).toBe(R.RemoteCancel);
    s.feed('callIn', { sessionId: 'b', type: 'phone' });
    expect(s.feed('autoTransfer', { sessionId: 'b' })[0].args[0]).toBe(R.Timeout);
  });

  test('transfer ends once: the sessionEnded after it is not a second onEnded', () => {
    const s = new SessionEvents();
    s.feed('callIn', { sessionId: 't', type: 'phone' });
    s.feed('userAccessed', { sessionId: 't' });
    expect(s.feed('transfer', { sessionId: 't' })[0].args[0]).toBe(R.LocalBye);
    expect(s.feed('sessionEnded', { sessionId: 't', closeBy: 'seat' })).toEqual([]);
  });

  test("chats and video sessions are not the workstation's; repeats and unknown sessions emit nothing", () => {
    const s = new SessionEvents();
    expect(s.feed('callIn', { sessionId: 'c', type: 'im' })).toEqual([]);
    expect(s.feed('callIn', { sessionId: 'v', type: 'video' })).toEqual([]);
    expect(s.feed('sessionEnded', { sessionId: 'c', closeBy: 'client' })).toEqual([]);
    expect(s.feed('callIn', { sessionId: 'p', type: 'phone' })).toHaveLength(1);
    expect(s.feed('callIn', { sessionId: 'p', type: 'phone' })).toEqual([]);
    expect(s.feed('statusChanged', { status: 'busy' })).toEqual([]);
  });

  test('the current call is the newest live one', () => {
    const s = new SessionEvents();
    s.feed('callIn', { sessionId: 'x', type: 'phone' });
    s.feed('callOuted', { sessionId: 'y' });
    expect(s.current()).toBe('y');
    s.feed('sessionEnded', { sessionId: 'y', closeBy: 'seat' });
    expect(s.current()).toBe('x');
    s.clear();
    expect(s.current()).toBeUndefined();
  });
});
