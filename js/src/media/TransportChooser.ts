// SPDX-License-Identifier: Apache-2.0
// Which transport one call's audio takes (the `media.transport` option), as a pure state machine:
// the adapter (TransportMediaAdapter.ts) feeds it what happens and carries out what it says.
//
//   webrtc     every action goes to WebRTC, as before this option existed.
//   auto       WebRTC answers the offer; once the call is answered a timer runs, and when ICE has not
//              connected by then the call asks for the WebSocket; when that opens, the WebRTC leg
//              ends and the switch is announced. A refusal (media not anchored) keeps WebRTC.
//              A connected call whose ICE is lost (the network stopped passing UDP mid-call) gets
//              the same timer: ICE restarts meanwhile, and if it has not connected again by then
//              the call moves to the WebSocket the same way.
//   websocket  the WebRTC actions of a call are held back while the WebSocket is asked for (once the
//              call is answered: the server gives no ticket for a ringing call); when it opens they
//              are dropped, when it is refused (media not anchored) they go to WebRTC after all.
// A ticket refused because the call is not connected yet (this side called and it still rings) is
// asked for again after the same delay.
// Once a call is on the WebSocket, WebRTC signalling for it is dropped; when that leg gives up, the
// call starts over (a fresh offer from the server is negotiated as a new call's).

export type TransportMode = 'auto' | 'webrtc' | 'websocket';

export type ChooserEvent =
  | 'offer'
  | 'ringingOffer'
  | 'start'
  | 'prepare'
  /** answer, candidate */
  | 'signal'
  | 'iceConnected'
  /** the WebRTC leg of a connected call lost its connection (disconnected or failed) */
  | 'iceLost'
  | 'timeout'
  | 'wsOpened'
  | 'wsRefused'
  /** the server gave no ticket yet because the call is not connected (the caller of a ringing call) */
  | 'wsNotYet'
  | 'wsClosed';

export type Phase = 'new' | 'ringing' | 'trying' | 'asking' | 'webrtc' | 'websocket';

export type Effect =
  /** hand this event's action to WebRTC */
  | 'forward'
  /** keep this event's action for WebRTC, in case the WebSocket is refused */
  | 'queue'
  /** this event's action has no use: drop it */
  | 'drop'
  | 'startTimer'
  | 'cancelTimer'
  | 'askWebSocket'
  /** the kept actions go to WebRTC now */
  | 'replay'
  /** the kept actions are of no use any more */
  | 'discard'
  | 'endWebRtc'
  | 'closeWebSocket'
  | 'announce';

/** Why a call moved to the WebSocket (mediaTransportChanged `reason`). */
export type SwitchReason = 'iceTimeout' | 'iceLost' | 'configured';

export class TransportChooser {
  phase: Phase = 'new';
  /** Whether the call's WebRTC leg had connected before it was asked to leave it. */
  private _wasConnected = false;

  constructor(readonly mode: TransportMode) {}

  /** Why the call is on the WebSocket (once it is). */
  get reason(): SwitchReason {
    if (this.mode !== 'auto') return 'configured';
    return this._wasConnected ? 'iceLost' : 'iceTimeout';
  }

  step(event: ChooserEvent): Effect[] {
    if (this.mode === 'webrtc') return isAction(event) ? ['forward'] : [];
    return this.mode === 'auto' ? this._auto(event) : this._websocket(event);
  }

  private _auto(event: ChooserEvent): Effect[] {
    const p = this.phase;
    switch (event) {
      case 'ringingOffer':
        if (p === 'websocket') return ['drop'];
        if (p === 'new') this.phase = 'ringing';
        return ['forward'];
      case 'offer':
      case 'start':
        if (p === 'websocket') return ['drop'];
        if (p === 'new' || p === 'ringing') {
          this.phase = 'trying';
          return ['forward', 'startTimer'];
        }
        return ['forward'];
      case 'prepare':
        if (p === 'ringing') {
          this.phase = 'trying';
          return ['forward', 'startTimer'];
        }
        return p === 'websocket' ? ['drop'] : ['forward'];
      case 'signal':
        return p === 'websocket' ? ['drop'] : ['forward'];
      case 'iceConnected':
        if (p !== 'trying' && p !== 'asking') return [];
        this.phase = 'webrtc';
        this._wasConnected = true;
        return p === 'trying' ? ['cancelTimer'] : [];
      case 'iceLost':
        if (p !== 'webrtc' || !this._wasConnected) return [];
        this.phase = 'trying';
        return ['startTimer'];
      case 'timeout':
        if (p !== 'trying') return [];
        this.phase = 'asking';
        return ['askWebSocket'];
      case 'wsOpened':
        if (p !== 'asking') return ['closeWebSocket']; // WebRTC connected meanwhile: it stays
        this.phase = 'websocket';
        return ['endWebRtc', 'announce'];
      case 'wsRefused':
        if (p === 'asking') this.phase = 'webrtc';
        return [];
      case 'wsNotYet':
        if (p !== 'asking') return [];
        this.phase = 'trying';
        return ['startTimer'];
      case 'wsClosed':
        if (p === 'websocket') {
          this.phase = 'new';
          this._wasConnected = false; // what comes next is negotiated as a new call's
        }
        return [];
    }
  }

  private _websocket(event: ChooserEvent): Effect[] {
    const p = this.phase;
    switch (event) {
      case 'ringingOffer':
        if (p === 'new') this.phase = 'ringing';
        return this._hold();
      case 'offer':
      case 'start':
        if (p === 'new') {
          this.phase = 'asking';
          return ['queue', 'askWebSocket'];
        }
        return this._hold();
      case 'prepare':
        if (p === 'ringing') {
          this.phase = 'asking';
          return ['queue', 'askWebSocket'];
        }
        return this._hold();
      case 'signal':
        return this._hold();
      case 'wsOpened':
        if (p !== 'asking') return ['closeWebSocket'];
        this.phase = 'websocket';
        return ['discard', 'announce'];
      case 'wsRefused':
        if (p !== 'asking') return [];
        this.phase = 'webrtc';
        return ['replay'];
      case 'wsNotYet':
        return p === 'asking' ? ['startTimer'] : [];
      case 'timeout':
        return p === 'asking' ? ['askWebSocket'] : [];
      case 'wsClosed':
        if (p === 'websocket') this.phase = 'new';
        return [];
      default:
        return []; // iceConnected, iceLost: no WebRTC runs before the WebSocket is refused
    }
  }

  /** A WebRTC action while the WebSocket may still take the call. */
  private _hold(): Effect[] {
    if (this.phase === 'webrtc') return ['forward'];
    if (this.phase === 'websocket') return ['drop'];
    return ['queue'];
  }
}

function isAction(event: ChooserEvent): boolean {
  return (
    event === 'offer' || event === 'ringingOffer' || event === 'start' || event === 'prepare' || event === 'signal'
  );
}
