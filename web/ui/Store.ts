// SPDX-License-Identifier: Apache-2.0
// The UI's model, built only from the public SDK events (plus the backlog the loader kept while the
// chunk was loading). Views subscribe and redraw the parts that changed.
import type { AgentStatus, Tccc } from '../../js/src/types';
import type { UiHost } from '../../js/src/uiHost';

export type ConnState = 'connecting' | 'connected' | 'lost' | 'reconnecting' | 'kicked' | 'tokenExpired' | 'failed';
export type SessionState = 'ringing' | 'dialing' | 'talking' | 'ended';

export interface UiSession {
  sessionId: string;
  type: string;
  direction: 'in' | 'out';
  state: SessionState;
  /** Who is on the other end (a number, nickname or agent); from the network: text only. */
  peer: string;
  remark: string;
  /** Seconds the offer rings before it moves on (0: no limit), and when it started ringing. */
  timeout: number;
  createdAt: number;
  /** When the session began (the server's clock), for the session list. */
  startedAt: number;
  /** When talking began and (once ended) when it ended here; 0: not (yet). */
  talkingSince: number;
  endedAt: number;
  /** The service number an inbound phone call dialled, and the caller's IVR keys ("1 售前 Sales"). */
  serviceNumber: string;
  ivrChoice: string;
  muted: boolean;
  held: boolean;
  /** One-way audio warnings in force (mediaWarning), in the order they started. */
  audioWarnings: string[];
  /** The last `networkQuality` of the call: 1 Excellent … 6 Down, 0 not known (yet). */
  quality: number;
  /** How the call's audio travels (mediaTransportChanged), and whether that is because ICE (UDP)
   *  never connected rather than the integrator's choice. */
  transport: 'webrtc' | 'websocket';
  udpBlocked: boolean;
  /** The live transcript (`asr`): the last finished sentences, then the sentences still forming. */
  transcript: TranscriptLine[];
}

/** One sentence of the live transcript; `IN` the customer, `OUT` the agent. Text only, never HTML. */
export interface TranscriptLine {
  flow: 'IN' | 'OUT';
  sentenceId: number;
  text: string;
  final: boolean;
}

/** Sentences kept per session: enough to follow the call, bounded however long it goes on. */
const TRANSCRIPT_LINES = 12;

type Payload = { data: Record<string, unknown> };

/**
 * What each session type supports, as the core enforces it (src/core/SessionMachine.cpp): its API
 * family (Call.* for phone/voip/internal, Video.*, Chat.*) and the call-bar actions that apply.
 */
const CAPS: Record<
  string,
  { family: 'Call' | 'Video' | 'Chat'; hold: boolean; mute: boolean; keypad: boolean; transfer: boolean }
> = {
  phone: { family: 'Call', hold: true, mute: true, keypad: true, transfer: true },
  voip: { family: 'Call', hold: true, mute: true, keypad: false, transfer: true },
  video: { family: 'Video', hold: false, mute: true, keypad: false, transfer: true },
  im: { family: 'Chat', hold: false, mute: false, keypad: false, transfer: true },
  internal: { family: 'Call', hold: true, mute: true, keypad: false, transfer: false },
};
export const capsOf = (type: string) => CAPS[type] ?? CAPS.phone;
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export class Store {
  conn: ConnState = 'connecting';
  reconnectAttempt = 0;
  status: AgentStatus = 'offline';
  restReason = '';
  sessions = new Map<string, UiSession>();
  /** After-call work: when the countdown ends (0 = none), and whether the agent chose to keep wrapping up. */
  acwEndsAt = 0;
  acwKept = false;
  /** The last failed action's message (a TcccError.errorMsg: shown as text). */
  error = '';
  /** Remarks typed in the dial pad, by the session they labelled (the wire form may not echo them). */
  private dialRemarks = new Map<string, string>();
  private arrangeRequested = false;
  private watchers: Array<() => void> = [];
  private offs: Array<() => void> = [];

  constructor(private host: UiHost) {}

  get tccc(): Tccc {
    return this.host.tccc;
  }

  start(): void {
    // Not audioVolume: the UI shows no levels, and a listener would make the SDK deliver them.
    const names = (Object.keys(this.tccc.events) as Array<keyof Tccc['events']>).filter((n) => n !== 'audioVolume');
    for (const name of names) {
      const fn = (payload: unknown) => {
        this.apply(name, payload as Payload);
      };
      this.tccc.on(name, fn);
      this.offs.push(() => {
        try {
          this.tccc.off(name, fn);
        } catch {
          /* destroyed */
        }
      });
    }
    this.status = this.tccc.Agent.getStatus();
    this.conn = 'connected'; // the loader mounts the UI after `ready`
    this.sync();
    this.changed();
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.watchers = [];
  }

  subscribe(fn: () => void): void {
    this.watchers.push(fn);
  }

  changed(): void {
    for (const w of [...this.watchers]) {
      try {
        w();
      } catch (err) {
        console.error('[tccc] UI update failed:', err);
      }
    }
  }

  /** The session the call bar controls: talking first, then dialling (a chat is not a call). */
  active(): UiSession | undefined {
    const list = [...this.sessions.values()].filter((s) => s.type !== 'im');
    return list.find((s) => s.state === 'talking') ?? list.find((s) => s.state === 'dialing');
  }

  ringing(): UiSession | undefined {
    return [...this.sessions.values()].find((s) => s.state === 'ringing' && s.direction === 'in');
  }

  /** Runs an SDK call; a rejection becomes the visible error line instead of an unhandled rejection. */
  async run<T>(what: () => Promise<T>): Promise<T | undefined> {
    this.error = '';
    this.changed();
    try {
      return await what();
    } catch (err) {
      this.error = str((err as { errorMsg?: unknown }).errorMsg) || String(err);
      this.changed();
      return undefined;
    }
  }

  /** Answers a ringing session with its family's API (Call/Video/Chat.accept). */
  accept(s: UiSession): void {
    const id = { sessionId: s.sessionId };
    const fam = capsOf(s.type).family;
    void this.run(() =>
      fam === 'Video'
        ? this.tccc.Video.accept(id)
        : fam === 'Chat'
          ? this.tccc.Chat.accept(id)
          : this.tccc.Call.accept(id),
    );
  }

  /** Hangs up, or rejects while ringing (Call.hungUp / Video.end / Chat.end). */
  end(s: UiSession): void {
    const id = { sessionId: s.sessionId };
    const fam = capsOf(s.type).family;
    void this.run(() =>
      fam === 'Video' ? this.tccc.Video.end(id) : fam === 'Chat' ? this.tccc.Chat.end(id) : this.tccc.Call.hungUp(id),
    );
  }

  /** Mutes or unmutes the agent's microphone (Call/Video.muteMic). */
  async setMuted(s: UiSession, muted: boolean): Promise<void> {
    const id = { sessionId: s.sessionId };
    const api = capsOf(s.type).family === 'Video' ? this.tccc.Video : this.tccc.Call;
    await (muted ? api.muteMic(id) : api.unmuteMic(id));
  }

  /** Transfers to an agent or a skill group (Call/Video/Chat.transfer). */
  transfer(s: UiSession, target: { userId: string } | { skillGroupId: string }): Promise<unknown> {
    const opts = { sessionId: s.sessionId, ...target };
    const fam = capsOf(s.type).family;
    return fam === 'Video'
      ? this.tccc.Video.transfer(opts)
      : fam === 'Chat'
        ? this.tccc.Chat.transfer(opts)
        : this.tccc.Call.transfer(opts);
  }

  dial(number: string, remark: string): void {
    void this.run(async () => {
      const opts: { phoneNumber: string; phoneDesc?: string } = { phoneNumber: number };
      if (remark) opts.phoneDesc = remark;
      const res = await this.tccc.Call.startOutboundCall(opts);
      if (remark) this.dialRemarks.set(res.data.sessionId, remark);
      this.sync();
      this.changed();
      return res;
    });
  }

  setStatus(status: 'free' | 'rest' | 'notReady' | 'arrange' | 'stopNotReady', restReason?: string): void {
    if (status === 'arrange') this.arrangeRequested = true;
    void this.run(() => this.tccc.Agent.setStatus(restReason ? { status, restReason } : { status }));
  }

  /** Agent.offline / Agent.online: documented as void, so a missing promise is not an error. */
  setOnline(online: boolean): void {
    void this.run(async () => (online ? this.tccc.Agent.online() : this.tccc.Agent.offline()));
  }

  keepWrapping(): void {
    this.acwKept = true;
    this.acwEndsAt = 0;
    this.setStatus('arrange');
  }

  patch(sessionId: string, p: Partial<UiSession>): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    Object.assign(s, p);
    this.changed();
  }

  /**
   * Rebuilds the session list from the core's table (the source of truth, numbers included), keeping
   * what only the UI knows: when it started ringing/talking here, and the agent's mute choice.
   */
  sync(): void {
    const next = new Map<string, UiSession>();
    for (const w of this.host.sessions()) {
      const id = str(w.sessionId);
      if (!id) continue;
      const old = this.sessions.get(id);
      const wireState = str(w.state);
      const state: SessionState =
        wireState === 'held'
          ? 'talking'
          : ['ringing', 'dialing', 'talking', 'ended'].includes(wireState)
            ? (wireState as SessionState)
            : 'ended';
      const type = str(w.type) || 'phone';
      const direction = w.direction === 'out' ? 'out' : 'in';
      let peer: string;
      if (type === 'internal') peer = str(w.peerUserId);
      else if (type === 'phone')
        peer =
          direction === 'out'
            ? str(w.calleePhoneNumber) || str(w.protectedCallee)
            : str(w.callerPhoneNumber) || str(w.protectedCaller);
      else peer = str(w.nickname) || str(w.userId);
      const now = Date.now();
      const ivr = Array.isArray(w.ivrPath) ? (w.ivrPath as Array<Record<string, unknown>>) : [];
      next.set(id, {
        sessionId: id,
        type,
        direction,
        state,
        peer,
        remark: str(w.remark) || str(w.calleeRemark) || this.dialRemarks.get(id) || '',
        timeout: Number(w.timeout) || 0,
        createdAt: old?.createdAt ?? now,
        startedAt: Number(w.createdAt) || old?.startedAt || now,
        // An ended session keeps when its talk began, for its duration in the session list.
        talkingSince:
          state === 'talking' || state === 'ended' ? old?.talkingSince || (state === 'talking' ? now : 0) : 0,
        endedAt: state === 'ended' ? old?.endedAt || now : 0,
        serviceNumber: type === 'phone' && direction === 'in' ? str(w.calleePhoneNumber) : '',
        ivrChoice: ivr.map((p) => [str(p.key), str(p.label)].filter(Boolean).join(' ')).join(' → '),
        muted: state === 'ended' ? false : old ? old.muted : w.muted === true,
        held: state === 'ended' ? false : old ? old.held : wireState === 'held',
        audioWarnings: state === 'ended' ? [] : (old?.audioWarnings ?? []),
        quality: state === 'ended' ? 0 : (old?.quality ?? 0),
        transport: old?.transport ?? 'webrtc',
        udpBlocked: old?.udpBlocked ?? false,
        transcript: old?.transcript ?? [],
      });
    }
    this.sessions = next;
  }

  apply(name: string, payload: Payload): void {
    const data = (payload && payload.data) || {};
    switch (name) {
      case 'ready':
      case 'connectionRecovery':
        this.conn = 'connected';
        this.status = this.tccc.Agent.getStatus();
        break;
      case 'connectionLost':
        this.conn = 'lost';
        break;
      case 'tryToReconnect':
        this.conn = 'reconnecting';
        this.reconnectAttempt = Number(data.attempt) || 0;
        break;
      case 'kickedOut':
        this.conn = 'kicked';
        break;
      case 'tokenExpired':
        this.conn = 'tokenExpired';
        break;
      case 'reconnectFailed':
        this.conn = 'failed';
        break;
      case 'statusChanged': {
        const next = str(data.status) as AgentStatus;
        if (next === 'arrange' && this.status !== 'arrange' && !this.arrangeRequested) {
          // Entered after-call work because a call ended: start the countdown.
          const secs = this.host.config().acwSeconds;
          this.acwKept = false;
          this.acwEndsAt = secs > 0 ? Date.now() + secs * 1000 : 0;
        }
        if (next !== 'arrange') {
          this.acwEndsAt = 0;
          this.acwKept = false;
        }
        this.arrangeRequested = false;
        this.status = next;
        this.restReason = str(data.restReason);
        break;
      }
      case 'callIn':
      case 'callOuted':
      case 'userAccessed':
      case 'calloutAccepted':
      case 'sessionEnded':
      case 'autoTransfer':
      case 'transfer':
        break;
      case 'mediaStateChanged':
        this.changed();
        return; // new streams for the video pane
      case 'asr': {
        const s = this.sessions.get(str(data.sessionId));
        const result = (data.result ?? {}) as Record<string, unknown>;
        const flow = data.flow === 'OUT' ? 'OUT' : data.flow === 'IN' ? 'IN' : null;
        const sentenceId = Number(result.sentenceId);
        if (!s || !flow || !Number.isFinite(sentenceId)) return;
        const line: TranscriptLine = { flow, sentenceId, text: str(result.text), final: result.isFinal === true };
        // A partial replaces the one before it; the final replaces the partials of its sentence.
        const rest = s.transcript.filter((l) => !(l.flow === flow && l.sentenceId === sentenceId));
        const next = line.text ? [...rest, line] : rest;
        this.patch(s.sessionId, { transcript: next.slice(-TRANSCRIPT_LINES) });
        return;
      }
      case 'networkQuality': {
        const s = this.sessions.get(str(data.sessionId));
        const quality = Number(data.quality);
        if (!s || !Number.isInteger(quality) || quality < 0 || quality > 6 || quality === s.quality) return;
        this.patch(s.sessionId, { quality });
        return;
      }
      case 'mediaTransportChanged': {
        const s = this.sessions.get(str(data.sessionId));
        const transport = data.transport === 'websocket' ? 'websocket' : 'webrtc';
        if (!s || s.transport === transport) return;
        this.patch(s.sessionId, {
          transport,
          udpBlocked: data.reason === 'iceTimeout' || data.reason === 'iceLost',
        });
        return;
      }
      case 'mediaWarning': {
        const s = this.sessions.get(str(data.sessionId));
        const warning = str(data.warning);
        if (!s || !warning) return;
        const others = s.audioWarnings.filter((w) => w !== warning);
        this.patch(s.sessionId, { audioWarnings: data.active === true ? [...others, warning] : others });
        return;
      }
      default:
        return;
    }
    this.sync();
    this.changed();
  }
}
