// SPDX-License-Identifier: Apache-2.0
// Turns the core's SDK events (the `tccc` vocabulary: callIn, callOuted, calloutAccepted,
// userAccessed, sessionEnded, autoTransfer, transfer) into the uni-app workstation's (onNewSession,
// onAccepted, onEnded), and remembers the call the workstation's session-less methods act on
// (`answer()`, `terminate()`, `mute()` … name no session). Pure: no timers, no browser.
//
// The core's `sessionEnded` says who closed a session (`closeBy`) and, for calls the center closed,
// why (`mainReason`), but not whether it was ever connected: that is what this tracker adds, to tell
// a caller who hung up a connected call (RemoteBye) from one who gave up while it rang (RemoteCancel).
import { TCCCEndReason, TCCCSessionDirection } from './enums';

/** Payload of `onNewSession`. */
export interface TCCCSessionInfo {
  sessionId: string;
  sessionDirection: TCCCSessionDirection;
  /** Who calls: the caller's number (or agent) inbound, the agent's caller number outbound if known. */
  fromUserId: string;
  /** Who is called: the service number inbound, the dialled number outbound. */
  toUserId: string;
  /** The remark shown instead of the number (`call({remark})`, or the session's remark). */
  remark: string;
}

/** One workstation event to emit: its name and its listener's arguments. */
export type WorkstationEmit =
  | { name: 'onNewSession'; args: [TCCCSessionInfo] }
  | { name: 'onAccepted'; args: [string] }
  | { name: 'onEnded'; args: [TCCCEndReason, string, string] };

interface Tracked {
  direction: TCCCSessionDirection;
  accepted: boolean;
}

/** What `sessionEnded` carries that matters here. */
export interface SessionEndedInfo {
  closeBy?: string;
  mainReason?: string;
}

// The center's reasons for ending a phone call (vocabulary `EndStatus`) that say more than closeBy.
const REJECTED = new Set(['userReject', 'busy']);
const TIMED_OUT = new Set(['notAnswer', 'userTimeout', 'waitingTimeout']);
const FAILED = new Set(['error', 'unconnected']);

/** Why a session ended, as `TCCCEndReason`, with a message in words. */
export function endReasonOf(
  ended: SessionEndedInfo,
  accepted: boolean,
  direction: TCCCSessionDirection,
): [TCCCEndReason, string] {
  const main = ended.mainReason ?? '';
  if (REJECTED.has(main)) return [TCCCEndReason.Rejected, `the far end refused the call (${main})`];
  if (TIMED_OUT.has(main)) return [TCCCEndReason.Timeout, `nobody answered in time (${main})`];
  if (FAILED.has(main)) return [TCCCEndReason.Error, `the call failed (${main})`];
  switch (ended.closeBy) {
    case 'seat':
      return [TCCCEndReason.LocalBye, 'this agent hung up'];
    case 'timer':
      return [TCCCEndReason.Timeout, 'nobody answered in time'];
    case 'client':
      if (accepted) return [TCCCEndReason.RemoteBye, 'the far end hung up'];
      return direction === TCCCSessionDirection.CallIn
        ? [TCCCEndReason.RemoteCancel, 'the caller hung up before the call was answered']
        : [TCCCEndReason.Rejected, 'the far end refused the call'];
    default:
      // 'admin' (or a server that gave none): the center closed it.
      return accepted
        ? [TCCCEndReason.RemoteBye, `the call was ended by the contact center${main ? ` (${main})` : ''}`]
        : [TCCCEndReason.Error, `the call could not be connected${main ? ` (${main})` : ''}`];
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Calls of these session types are the workstation's; chats and video sessions are not. */
const AUDIO_TYPES = new Set(['phone', 'voip', 'internal', undefined]);

export class SessionEvents {
  private _sessions = new Map<string, Tracked>();
  /** Sessions in the order they arrived; the newest live one is the current call. */
  private _order: string[] = [];

  /** The call session-less methods act on: the newest live call, or undefined. */
  current(): string | undefined {
    return this._order[this._order.length - 1];
  }

  /** Whether the current call rings here, waiting for `answer()`. */
  currentRinging(): boolean {
    const id = this.current();
    const s = id ? this._sessions.get(id) : undefined;
    return !!s && s.direction === TCCCSessionDirection.CallIn && !s.accepted;
  }

  /** Feeds one SDK event (`data` as the `tccc` listener receives it); returns what to emit. */
  feed(event: string, data: Record<string, unknown>): WorkstationEmit[] {
    const sessionId = str(data.sessionId);
    if (!sessionId) return [];
    switch (event) {
      case 'callIn':
        if (!AUDIO_TYPES.has(data.type as string | undefined)) return [];
        return this._new(sessionId, TCCCSessionDirection.CallIn, {
          sessionId,
          sessionDirection: TCCCSessionDirection.CallIn,
          fromUserId: str(data.callerPhoneNumber) || str(data.userId) || str(data.peerUserId),
          toUserId: str(data.calleePhoneNumber) || str(data.callee),
          remark: str(data.remark),
        });
      case 'callOuted':
        return this._new(sessionId, TCCCSessionDirection.CallOut, {
          sessionId,
          sessionDirection: TCCCSessionDirection.CallOut,
          fromUserId: str(data.callerPhoneNumber),
          toUserId: str(data.calleePhoneNumber) || str(data.peerUserId),
          remark: str(data.remark),
        });
      case 'calloutAccepted':
      case 'userAccessed': {
        const s = this._sessions.get(sessionId);
        if (!s || s.accepted) return [];
        s.accepted = true;
        return [{ name: 'onAccepted', args: [sessionId] }];
      }
      case 'autoTransfer':
        // Rang here too long: the call went to the next agent.
        return this._end(sessionId, TCCCEndReason.Timeout, 'not answered in time: offered to another agent');
      case 'transfer':
        return this._end(sessionId, TCCCEndReason.LocalBye, 'transferred');
      case 'sessionEnded': {
        const s = this._sessions.get(sessionId);
        if (!s) return [];
        const [reason, message] = endReasonOf(data, s.accepted, s.direction);
        return this._end(sessionId, reason, message);
      }
      default:
        return [];
    }
  }

  /** Forgets everything (logout). */
  clear(): void {
    this._sessions.clear();
    this._order = [];
  }

  private _new(sessionId: string, direction: TCCCSessionDirection, info: TCCCSessionInfo): WorkstationEmit[] {
    if (this._sessions.has(sessionId)) return []; // a snapshot after a reconnect repeats nothing
    this._sessions.set(sessionId, { direction, accepted: false });
    this._order.push(sessionId);
    return [{ name: 'onNewSession', args: [info] }];
  }

  /** The first ending wins: `transfer` and `autoTransfer` are followed by a `sessionEnded`. */
  private _end(sessionId: string, reason: TCCCEndReason, message: string): WorkstationEmit[] {
    if (!this._sessions.delete(sessionId)) return [];
    this._order = this._order.filter((id) => id !== sessionId);
    return [{ name: 'onEnded', args: [reason, message, sessionId] }];
  }
}
