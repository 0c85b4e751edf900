// SPDX-License-Identifier: Apache-2.0
// The public shape of the SDK: the `tccc` object, its options, results and event payloads. Names and
// fields follow the TCCC Web agent SDK documentation so that code written for it type-checks here.
import type { MediaAdapter } from './MediaAdapter';
import type { TcccError } from './TcccError';
import type {
  AgentStatus,
  ChatNotice,
  CloseBy,
  Disposition,
  HistoryOutcome,
  MonitorMode,
  ServerType,
  StatusRequest,
} from './vocabulary.generated';

// The wire's words (src/protocol/vocabulary.json). AgentStatus: `offline` is ours, an agent logged in
// to the SDK but not taking work. ServerType: which endpoint of the agent a phone session uses.
export type { AgentStatus, CloseBy, Disposition, HistoryOutcome, ServerType, StatusRequest };

/** The settled value of every successful API call: `res.data.sessionId` etc. */
export interface SuccessResponse<T = Record<string, unknown>> {
  status: 'success';
  data: T;
}

/**
 * The TCCC docs' result type. A call that fails does not resolve with `status: 'error'`: its
 * promise rejects with a {@link TcccError}, which also has `status: 'error'` and `errorMsg`.
 */
export type CommonSDKResponse = SuccessResponse<Record<string, unknown>>;

/** Options that name one session. */
export interface SessionOptions {
  /** The session ID, e.g. from the `callIn` event or `startOutboundCall`'s result. */
  sessionId: string;
}

export interface StartOutboundCallOptions {
  /** The number to call. */
  phoneNumber: string;
  /** Shown on the call bar instead of the number. */
  phoneDesc?: string;
  /** Your own data; comes back in the CDR push. */
  uui?: string;
  /** Use a caller number bound to this skill group. */
  skillGroupId?: string;
  /** Use this caller number. */
  callerPhoneNumber?: string;
  /** Pick the caller number from these number groups. */
  servingNumberGroupIds?: string[];
  /** Only `'number'`: dial the real number when number mapping is on. */
  phoneEncodeType?: 'number';
}

export interface CallResponseData {
  sessionId: string;
  calleePhoneNumber: string;
  callerPhoneNumber: string;
  serverType: ServerType;
  calleeLocation?: string;
  remark?: string;
}

export interface StartInternalCallOptions {
  /** The agent to call (their user ID). */
  calleeUserId: string;
  /** Ring the agent's mobile phone instead of their workbench. */
  useMobile?: boolean;
}

/** Transfer a session: give exactly one of `skillGroupId` and `userId`. */
export interface TransferOptions extends SessionOptions {
  skillGroupId?: string;
  userId?: string;
}

/** Options of {@link AgentApi.getDirectory}. */
export interface DirectoryOptions {
  /**
   * Case-insensitive substring of an agent's name, nickname, user id or staff number, or of a skill
   * group's name or id; at most 64 characters. Absent or empty: everything (up to `limit`).
   */
  query?: string;
  /** At most this many skill groups and this many agents, 1–100 (default 50). */
  limit?: number;
}

/** A skill group of the agent's application, as {@link AgentApi.getDirectory} lists it. */
export interface DirectorySkillGroup {
  skillGroupId: string;
  name: string;
  /** `tel` (calls), `im` (chats), … */
  type: string;
  /** Agents of the group free for a call now. */
  free: number;
  /** Agents of the group online (any status but `offline`). */
  online: number;
  /** Calls and chats waiting in the group's queue. */
  queued: number;
}

/** A colleague, as {@link AgentApi.getDirectory} lists it (never the agent itself). */
export interface DirectoryAgent {
  userId: string;
  name: string;
  nick: string;
  staffNumber: string;
  status: AgentStatus;
  /** Only while `status` is `rest`. */
  restReason: string;
  /** A call transferred to this agent would ring it now (free or notReady, connected, not on a call). */
  takesCalls: boolean;
  /** A chat transferred to this agent would be offered to it now (below its chat capacity). */
  takesChats: boolean;
  skillGroupIds: string[];
}

/** Options of {@link ChatApi.sendMessage}. */
export interface SendChatMessageOptions extends SessionOptions {
  /** The text, at most 4,000 characters (`ERR_CHAT_MESSAGE_TOO_LONG` beyond). Shown as text, never HTML. */
  text: string;
  /**
   * Your idempotency key (at most 64 characters; default: one the SDK makes up). Sending again with
   * the same `clientMsgId` — e.g. after `ERR_CONNECTION_LOST` — returns the stored message instead
   * of a second copy.
   */
  clientMsgId?: string;
}

/** Options of {@link ChatApi.getMessages}: one page, oldest first. */
export interface GetChatMessagesOptions extends SessionOptions {
  /** Only messages with a `seq` above this (default 0: from the start). Page on with the last `seq`. */
  afterSeq?: number;
  /** At most this many (1–100, default 50); a page also stops at about 48 KB of text (`hasMore`). */
  limit?: number;
}

/** One chat message, as stored by the server. */
export interface ChatMessage {
  /** Unique id; the same wherever the message is seen (events, history, the visitor's page). */
  messageId: string;
  sessionId: string;
  /** 1, 2, 3 … within the session, in the order the server stored them. */
  seq: number;
  /** Who wrote it; `system` for the server's notices (an agent joined, transferred, the chat ended). */
  from: 'visitor' | 'agent' | 'system';
  /** The visitor's user id, or the agent's (empty for system notices). */
  senderId: string;
  /** The visitor's nickname or the agent's nick, when it was sent. */
  senderName: string;
  type: 'text';
  /** Plain text: render it with `textContent`, never as HTML. */
  text: string;
  /** The sender's idempotency key, when it gave one. */
  clientMsgId?: string;
  /**
   * For `system` messages: what happened (`joined`, `transferred`, `left`, `ended`), so that a UI can
   * word it in its own language; `senderName` is then the agent it is about. `text` is the English.
   */
  notice?: ChatNotice;
  /** When the server stored it (Unix epoch ms). */
  time: number;
}

export interface SendDigitsOptions extends SessionOptions {
  /** DTMF digits to send: `0-9 * # A-D`, at most 32. */
  dtmfText: string;
}

export interface SetStatusOptions {
  /** `stopNotReady` leaves `notReady` for `free`. `busy` is set by the server only. */
  status: StatusRequest;
  /** Why the agent rests (with `status: 'rest'`). */
  restReason?: string;
}

/** (ours) Options of {@link AgentApi.wrapUp}: the after-call work of one finished session. */
export interface WrapUpOptions extends SessionOptions {
  /** How the session went, as a code; the workbench words it in the agent's language. */
  disposition: Disposition;
  /** Free notes, at most 1000 characters (may be empty). */
  notes?: string;
}

/** (ours) Options of {@link AgentApi.getHistory}. */
export interface GetHistoryOptions {
  /** Unix ms: only sessions that started at or after it, e.g. local midnight. At most 48 h back (default 24 h). */
  since?: number;
  /** At most this many rows (1–100, default 100), newest first. */
  limit?: number;
}

/** (ours) One session of {@link AgentApi.getHistory}, as this agent had it. */
export interface HistoryEntry {
  sessionId: string;
  type: 'phone' | 'voip' | 'video' | 'im' | 'internal';
  direction: 'in' | 'out';
  /** The other party: the caller's or callee's number, or the chat visitor's nickname. */
  peer: string;
  /** When it started ringing at (or was dialled by) this agent, Unix ms. */
  startedAt: number;
  /** Seconds this agent talked (0 when not answered). */
  duration: number;
  /** `answered`; `missed` (rang here, not answered here); `abandoned` (the caller gave up while it
   * rang); `noAnswer` / `failed` (an outbound call the far end did not answer / that failed). */
  outcome: HistoryOutcome;
  /** The wrap-up, once there is one. */
  disposition?: Disposition;
  notes?: string;
}

/** A promise that resolves with {@link SuccessResponse} or rejects with {@link TcccError}. */
export type ApiResult<T = Record<string, unknown>> = Promise<SuccessResponse<T>>;

/**
 * Phone and audio calls. Every method resolves `{status:'success', data}` or rejects with a
 * {@link TcccError}: `ERR_NOT_READY` before `ready`, `ERR_INVALID_ARGUMENT` for a missing or malformed
 * option, `ERR_SESSION_NOT_FOUND` for an unknown `sessionId`, `ERR_INVALID_STATE` when the session
 * cannot do this now, `ERR_REQUEST_TIMEOUT` / `ERR_CONNECTION_LOST` when the server did not answer,
 * `ERR_DESTROYED` after `destroy()`, or the server's own code.
 */
export interface CallApi {
  /** Places an outbound call. `data.sessionId` identifies it; `callOuted` follows. */
  startOutboundCall(options: StartOutboundCallOptions): ApiResult<CallResponseData>;
  /** Answers a ringing session (from `callIn`). */
  accept(options: SessionOptions): ApiResult;
  /** Hangs up (or rejects, while ringing) a session. */
  hungUp(options: SessionOptions): ApiResult;
  /** Forgets an ended session. */
  deleteCall(options: SessionOptions): ApiResult;
  /** Mutes the agent's microphone in a session. */
  muteMic(options: SessionOptions): ApiResult;
  /** Unmutes the agent's microphone in a session. */
  unmuteMic(options: SessionOptions): ApiResult;
  /** Whether the microphone is muted in a session: `data.isMicMuted`. */
  isMicMuted(options: SessionOptions): ApiResult<{ sessionId: string; isMicMuted: boolean }>;
  /** Calls another agent. */
  startInternalCall(options: StartInternalCallOptions): ApiResult<{ sessionId: string }>;
  /** Transfers a session to a skill group or an agent. */
  transfer(options: TransferOptions): ApiResult;
  /** Puts a call on hold (the customer hears music). */
  hold(options: SessionOptions): ApiResult;
  /** Takes a call off hold. */
  unHold(options: SessionOptions): ApiResult;
  /**
   * (ours) Pauses the call's recording, e.g. while the customer reads out a card number (PCI DSS):
   * the paused span is silent in every participant's file and marked in the CDR (`Recordings`).
   * `ERR_INVALID_STATE` unless the call is connected (talking or held).
   */
  pauseRecording(options: SessionOptions): ApiResult;
  /** (ours) Resumes a paused recording. */
  resumeRecording(options: SessionOptions): ApiResult;
  /** Sends DTMF digits, e.g. an extension. */
  sendDigits(options: SendDigitsOptions): ApiResult;
}

/**
 * Online (chat) sessions. Errors as for {@link CallApi}. An agent may hold several chats at once
 * (up to its im skill groups' `MaxConcurrency`) and take calls meanwhile: chats never make it `busy`.
 */
export interface ChatApi {
  accept(options: SessionOptions): ApiResult;
  /** Ends an accepted chat, or declines a ringing one (it goes to the next agent). */
  end(options: SessionOptions): ApiResult;
  /** To an online (im) skill group or an agent; the next agent sees the whole history. */
  transfer(options: TransferOptions): ApiResult;
  /**
   * (ours) Sends a text message in an accepted chat; resolves with the stored message
   * (`data.message`: id, `seq`, time). `ERR_CHAT_MESSAGE_TOO_LONG` over 4,000 characters,
   * `ERR_CHAT_FLOOD` when more than about 2 per second (burst 10) are sent in one chat,
   * `ERR_INVALID_STATE` when the chat is not accepted (or has ended).
   */
  sendMessage(options: SendChatMessageOptions): ApiResult<{ sessionId: string; message: ChatMessage }>;
  /**
   * (ours) One page of a chat's stored messages, oldest first, including those from before this
   * agent had it (queued time, previous agents). Works for live and ended chats, after a reconnect
   * and after a transfer. `hasMore`: ask again with `afterSeq` = the last `seq`.
   */
  getMessages(options: GetChatMessagesOptions): ApiResult<{
    sessionId: string;
    messages: ChatMessage[];
    hasMore: boolean;
    lastSeq: number;
  }>;
}

/** One speech recognition result of the `asr` event. */
export interface AsrResult {
  text: string;
  isFinal: boolean;
  /** Utterance number within the call and direction, from 1. */
  sentenceId: number;
  startTime: number;
  endTime: number;
}

/** Video sessions. Errors as for {@link CallApi}. */
export interface VideoApi {
  accept(options: SessionOptions): ApiResult;
  end(options: SessionOptions): ApiResult;
  muteMic(options: SessionOptions): ApiResult;
  unmuteMic(options: SessionOptions): ApiResult;
  muteVideo(options: SessionOptions): ApiResult;
  unmuteVideo(options: SessionOptions): ApiResult;
  transfer(options: TransferOptions): ApiResult;
  /** (ours) As {@link CallApi.pauseRecording}. */
  pauseRecording(options: SessionOptions): ApiResult;
  /** (ours) As {@link CallApi.resumeRecording}. */
  resumeRecording(options: SessionOptions): ApiResult;
}

export interface AgentApi {
  /**
   * Takes the agent online (status `free`). Documented as `void`: the returned promise may be
   * ignored, a failure is then only logged (never an unhandled rejection).
   */
  online(): ApiResult;
  /** Takes the agent offline. Like `online()`, the promise may be ignored. */
  offline(): ApiResult;
  /** Changes the agent's status; `statusChanged` follows. `ERR_INVALID_STATE` while `busy`. */
  setStatus(options: SetStatusOptions): ApiResult;
  /** The agent's status as last confirmed by the server (synchronous). */
  getStatus(): AgentStatus;
  /**
   * (ours) Files the after-call work of a finished session this agent answered: a disposition code
   * and notes, stored with its CDR (`Disposition`, `AgentNotes` in DescribeTelCdr / DescribeIMCdrs
   * and in an updated CDR push). Allowed for 24 hours after the end; a later one replaces the
   * earlier. `ERR_INVALID_STATE` while the session is live or when this agent did not answer it,
   * `ERR_SESSION_NOT_FOUND` for a session that is not this agent's.
   */
  wrapUp(options: WrapUpOptions): ApiResult<{ sessionId: string }>;
  /** (ours) This agent's finished sessions since `since` (default: the last 24 hours), newest first. */
  getHistory(options?: GetHistoryOptions): ApiResult<{ sessions: HistoryEntry[] }>;
  /**
   * (ours) The transfer directory of the agent's application, live: its skill groups (those with a
   * free agent first) and its colleagues with their current status (free first, then after-call
   * work, not ready, resting, busy, offline; each by name). `truncated`: a list was cut at `limit`.
   * Rejects `ERR_INVALID_ARGUMENT` (a `query` over 64 characters, a `limit` outside 1–100) and, like
   * every API, `ERR_NOT_READY` before `ready`.
   */
  getDirectory(options?: DirectoryOptions): ApiResult<{
    skillGroups: DirectorySkillGroup[];
    agents: DirectoryAgent[];
    truncated: boolean;
  }>;
}

/** (ours) One agent as the supervisor view sees it. `since` is when its status began (epoch ms). */
export interface SupervisedAgent {
  userId: string;
  name: string;
  status: AgentStatus;
  restReason?: string;
  since: number;
  /** The call ringing at it or that it is on, if any. */
  sessionId?: string;
}

/** (ours) A skill group's queue as the supervisor view sees it. */
export interface SupervisedSkillGroup {
  id: string;
  name: string;
  /** Calls waiting in the queue. */
  queued: number;
  /** When the longest-waiting call started waiting (epoch ms); 0 when none waits. */
  longestWaitSince: number;
  agentsFree: number;
  agentsOnline: number;
}

/** (ours) Today's inbound calls that queued, counted when they end; the day starts at midnight of the server's `--utc-offset` (Beijing time by default). */
export interface SupervisorToday {
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithin20s: number;
  /** answeredWithin20s / offered in percent (one decimal), or null before the first call. */
  serviceLevel: number | null;
}

/** (ours) The answer of `Supervisor.watch`: the whole picture, then `supervisorUpdate` events. */
export interface SupervisorSnapshot {
  agents: SupervisedAgent[];
  skillGroups: SupervisedSkillGroup[];
  today: SupervisorToday;
  /** How often updates come at most (ms). */
  updateEveryMs: number;
  /** The watcher's own staff role: 2 (quality inspector) or 3 (administrator). */
  role: number;
  /** Whether the watcher may use setAgentStatus and logoutAgent (role 1, administrator); a page hides them otherwise. */
  canAct: boolean;
}

/** (ours) What changed since the last update: only the agents and groups that changed. */
export interface SupervisorUpdate {
  agents?: SupervisedAgent[];
  skillGroups?: SupervisedSkillGroup[];
  today?: SupervisorToday;
}

/**
 * (ours) The supervisor view, for staff with role 1 (administrator; role 2, quality inspector, may
 * only watch). Others get `ERR_SIP_FORBIDDEN`.
 */
export interface SupervisorApi {
  /** Starts watching the tenant: resolves with the snapshot; `supervisorUpdate` events follow. */
  watch(): ApiResult<SupervisorSnapshot & Record<string, unknown>>;
  /** Stops the updates. */
  unwatch(): ApiResult;
  /** Forces an agent's status (the agent sees `statusChanged`). `ERR_INVALID_STATE` while it is offline or busy. */
  setAgentStatus(options: { userId: string } & SetStatusOptions): ApiResult;
  /** Logs an agent out: its SDK raises `kickedOut` with reason `supervisorLogout`. */
  logoutAgent(options: { userId: string }): ApiResult;
  /**
   * Puts the supervisor on an agent's connected call, or changes how it is on it: `listen` (heard by
   * nobody; role 1 or 2), `whisper` (the agent hears the supervisor, the customer does not) or
   * `barge` (both do; whisper and barge need role 1). One supervisor per call. Resolves with a
   * single-use ticket, valid 30 s: POST the supervisor's SDP offer to `path` (on the SDK's server)
   * with `Authorization: Bearer <token>` and `Content-Type: application/sdp`; the answer is the
   * server's SDP (docs/protocol.md, "Supervisor on a call"). Calling it again with another mode
   * changes the mode on the connection already open, which then ignores the new ticket.
   */
  monitor(options: { sessionId: string; mode: MonitorMode }): ApiResult<MonitorTicket & Record<string, unknown>>;
  /** Takes the supervisor off the call: its connection is closed by the server. */
  stopMonitor(options: { sessionId: string }): ApiResult;
}

/** (ours) The answer of `Supervisor.monitor`. */
export interface MonitorTicket {
  /** Where to POST the SDP offer, on the SDK's server (`/media/monitor`). */
  path: string;
  token: string;
  mode: MonitorMode;
}

export interface DevicesApi {
  /** Whether this browser has what the SDK needs: WebSocket, WebAssembly, WebRTC and getUserMedia. */
  isBrowserSupported(): boolean;
  /**
   * Audio inputs. Labels are empty until the page has microphone permission. Rejects
   * `ERR_NOT_SUPPORTED` without `navigator.mediaDevices` (pages not served over HTTPS or localhost).
   */
  getMicrophones(): Promise<MediaDeviceInfo[]>;
  /** Audio outputs. Rejects `ERR_NOT_SUPPORTED` without mediaDevices. */
  getSpeakers(): Promise<MediaDeviceInfo[]>;
  /**
   * Uses this microphone (a `deviceId` from {@link getMicrophones}) from now on, also in calls under
   * way: the new device's track replaces the old one without renegotiation, so the call is not
   * dropped. Rejects `ERR_INVALID_ARGUMENT` (no deviceId), `ERR_MIC_NOT_AUTHORIZED` (permission
   * refused), `ERR_MIC_START_FAIL` (the device cannot be opened; the old microphone stays),
   * `ERR_NOT_SUPPORTED` (no WebRTC media in this environment).
   */
  setMicrophone(options: { deviceId: string }): Promise<SuccessResponse<{ deviceId: string }>>;
  /**
   * (ours) Plays calls on this audio output (a `deviceId` from {@link getSpeakers}; `''` = the
   * system's default) from now on, also calls under way, through `HTMLMediaElement.setSinkId`.
   * Rejects `ERR_INVALID_ARGUMENT` (deviceId not a string, over 256 characters),
   * `ERR_SPEAKER_START_FAIL` (no such output, or not allowed; the old one stays) and
   * `ERR_NOT_SUPPORTED` where the browser cannot choose an output (no `setSinkId`: Safari, Firefox
   * before 116).
   */
  setSpeaker(options: { deviceId: string }): Promise<SuccessResponse<{ deviceId: string }>>;
  /** (ours) The output {@link setSpeaker} chose (`''`: the system's default). */
  getSpeaker(): string;
  /** (ours) Whether this browser can choose an audio output (`HTMLMediaElement.setSinkId`). */
  canChooseSpeaker(): boolean;
}

/**
 * The built-in UI (floating button, workbench, incoming alert, call bar): a separate file,
 * `tccc-ui.js`, fetched from next to the SDK only while something is to be shown. Hiding both the
 * floating button and the workbench (or `hide()`) is headless mode.
 */
export interface UiApi {
  /** Hides everything (headless mode); nothing is loaded if the UI was not loaded yet. */
  hide(): void;
  /** Shows what the floating-button and workbench switches allow (loads the UI if needed). */
  show(): void;
  showfloatButton(): void;
  hidefloatButton(): void;
  showWorkbench(): void;
  hideWorkbench(): void;
  /**
   * Sets UI options; fields left out keep their value. Throws a {@link TcccError}
   * `ERR_INVALID_ARGUMENT` (and changes nothing) for an unknown language or button, or a bad value.
   * @example tccc.UI.configure({ lang: 'en', callBarButtons: ['mute', 'hangUp'] })
   */
  configure(options: UiOptions): void;
}

/** A call-bar button of the built-in UI. */
export type CallBarButton = 'mute' | 'hold' | 'keypad' | 'transfer' | 'hangUp';

/** Options of the built-in UI ({@link UiApi.configure}). */
export interface UiOptions {
  /** Language of the UI: `'zh-CN'` (default) or `'en'`. */
  lang?: 'zh-CN' | 'en';
  /** The call-bar buttons, in this order (default: all, `mute, hold, keypad, transfer, hangUp`). */
  callBarButtons?: CallBarButton[];
  /** Rest reasons offered by the status switcher (default: a built-in list in the UI's language). */
  restReasons?: string[];
  /**
   * Length in seconds of the after-call-work countdown shown after a call (default 10, the reference
   * server's default). Set it to your skill groups' setting: the server does not announce it.
   */
  acwSeconds?: number;
}

/** An IVR key the caller pressed. */
export interface IvrStep {
  key: string;
  label: string;
}

interface CallInBase {
  sessionId: string;
  /** Seconds the session rings before it goes to the next agent; 0 = no limit. */
  timeout: number;
  remark?: string;
}

export interface PhoneCallIn extends CallInBase {
  type: 'phone';
  calleePhoneNumber: string;
  callerPhoneNumber?: string;
  callerLocation?: string;
  ivrPath?: IvrStep[];
  protectedCallee?: string;
  protectedCaller?: string;
  serverType: ServerType;
}

export interface ImCallIn extends CallInBase {
  type: 'im';
  nickname: string;
  avatar?: string;
  peerSource?: string;
  channelName?: string;
  clientData?: string;
}

export interface VoipCallIn extends CallInBase {
  type: 'voip';
  callee: string;
  calleeRemark?: string;
  userId: string;
  nickname?: string;
  avatar?: string;
  peerSource?: string;
  ivrPath?: IvrStep[];
  clientData?: string;
}

export interface VideoCallIn extends CallInBase {
  type: 'video';
  userId: string;
  nickname?: string;
  avatar?: string;
}

export interface InternalCallIn extends CallInBase {
  type: 'internal';
  peerUserId: string;
}

/** Payload of `callIn`, by session type. */
export type CallInData = PhoneCallIn | ImCallIn | VoipCallIn | VideoCallIn | InternalCallIn;

export interface SessionEndedData {
  sessionId: string;
  /** Who ended it. */
  closeBy: CloseBy;
  /** Phone sessions closed by `admin`: why (e.g. `busy`, `notAnswer`). */
  mainReason?: string;
  subReason?: string;
}

/** Every listener receives `{data}`; the table below says what `data` holds. */
export interface EventPayloads {
  /** Logged in: the API may be used. Sticky: a listener added later is called once. */
  ready: { data: Record<string, unknown> };
  /** The login token was refused (bad, expired or used): get a new one and initialise again. */
  tokenExpired: { message: string; data: { message: string; code?: number } };
  /** A session is offered to the agent (inbound), by type. */
  callIn: { data: CallInData };
  /** The agent is connected to the customer of a ringing session. */
  userAccessed: { data: { sessionId: string } };
  /** A ringing session timed out and went to the next agent. */
  autoTransfer: { data: { sessionId: string } };
  /** A session ended. */
  sessionEnded: { data: SessionEndedData };
  /** An outbound call was placed. */
  callOuted: { data: { sessionId: string } };
  /** The far end answered an outbound call. */
  calloutAccepted: { data: { sessionId: string } };
  /** A session was transferred away (then `sessionEnded`). */
  transfer: { data: { sessionId: string } };
  /** The agent's status changed. */
  statusChanged: { data: { status: AgentStatus; restReason?: string } };
  /** Speech recognition result. `flow` IN = customer, OUT = agent. */
  /**
   * Live transcript of a call whose media goes through the server (server option `--asr`): `IN` is
   * the customer, `OUT` the agent. Partial results while an utterance forms, then exactly one final
   * (`isFinal`) per utterance, in order; none after `sessionEnded`. Times are epoch milliseconds.
   */
  asr: { data: { sessionId: string; result: AsrResult; flow: 'IN' | 'OUT' } };
  /** (ours) While `Supervisor.watch` is on: the agents, queues and figures that changed (at most 4 a second). */
  supervisorUpdate: { data: SupervisorUpdate };
  /**
   * (ours) A chat message arrived in a chat this agent holds (from the visitor, or a system
   * notice): exactly once per message, in `seq` order, also for messages that came while the
   * connection was down (they follow `connectionRecovery`). The agent's own messages are not
   * repeated here (they are the result of `Chat.sendMessage`); older history: `Chat.getMessages`.
   */
  messageReceived: { data: { sessionId: string; message: ChatMessage } };
  /** (ours) The connection to the server dropped or stopped answering. */
  connectionLost: { data: Record<string, unknown> };
  /** (ours) A reconnect attempt starts now: `attempt` counts from 1, after `delayMs` of backoff. */
  tryToReconnect: { data: { attempt: number; delayMs: number } };
  /** (ours) Reconnected and re-synchronised with the server. */
  connectionRecovery: { data: Record<string, unknown> };
  /** (ours) The agent logged in elsewhere; this instance will not reconnect. */
  kickedOut: { data: { reason?: string } };
  /** (ours) Only with `tuning.maxReconnectAttempts` set: every attempt failed; the SDK gives up. */
  reconnectFailed: { data: { attempts: number } };
  /**
   * (ours) A session's audio changed: `connecting` (microphone and peer connection being set up),
   * `connected`, `disconnected`, `failed` (with `reason`, e.g. no microphone), `playing`,
   * `autoplayBlocked` (the browser wants a click or key press first; playback resumes on it),
   * `closed`.
   */
  mediaStateChanged: {
    data: {
      sessionId: string;
      state: 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed' | 'autoplayBlocked' | 'playing';
      reason?: string;
    };
  };
  /**
   * (ours) One-way audio during a connected call, when it starts (`active: true`) and when it ends:
   * `noInboundAudio`, no audio packets from the far side for 4 s; `microphoneSilent`, the agent's
   * microphone, unmuted and not on hold, has given digital silence for 8 s (a dead headset, a
   * hardware mute switch). Muting, holding or a lost connection end a warning rather than raise one.
   */
  mediaWarning: {
    data: {
      sessionId: string;
      warning: 'noInboundAudio' | 'microphoneSilent';
      active: boolean;
    };
  };
  /**
   * (ours; the Web form of the native SDKs' `onAudioVolume`) The levels of a connected call, about
   * every 300 ms: `agent`, the agent's voice as sent (0 while muted), and `remote`, the far end's as
   * received, each 0–100. Measured only while this event or `networkQuality` has a listener.
   * @example tccc.on('audioVolume', ({ data }) => meter.style.width = `${data.agent}%`)
   */
  audioVolume: { data: { sessionId: string; agent: number; remote: number } };
  /**
   * (ours; the Web form of `onNetworkQuality`) A connected call's network quality about every 2 s,
   * on the TCCC scale: 1 Excellent, 2 Good, 3 Poor, 4 Bad, 5 Vbad (very bad), 6 Down (unusable: no
   * audio arrives), 0 Unknown; graded from the figures beside it, over the last interval (a figure
   * that could not be measured is left out). Measured only while this event or `audioVolume` has a
   * listener.
   */
  networkQuality: { data: NetworkQualityData };
  /**
   * (ours) A call's audio changed transport: `websocket` when it goes over the WebSocket (the
   * `media.transport` option; `reason` `iceTimeout` when `auto` gave up waiting for WebRTC to
   * connect, `iceLost` when `auto` moved a call whose WebRTC connection was lost mid-call and did not
   * come back, `configured` when `websocket` was asked for).
   */
  mediaTransportChanged: {
    data: { sessionId: string; transport: 'webrtc' | 'websocket'; reason: 'iceTimeout' | 'iceLost' | 'configured' };
  };
}

/** `networkQuality`'s data. */
export interface NetworkQualityData {
  sessionId: string;
  /** 1 Excellent … 6 Down, 0 Unknown (`TCCCQuality`). */
  quality: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  /** Audio packets lost, in percent, the worse of the two directions (0.1 resolution). */
  lossPercent?: number;
  /** Jitter of the audio arriving, ms. */
  jitterMs?: number;
  /** Round-trip time to the media server, ms. */
  rttMs?: number;
}

export type EventName = keyof EventPayloads;
export type Listener<K extends EventName> = (payload: EventPayloads[K]) => void;

/** `tccc.events`: event names, for `tccc.on(tccc.events.callIn, …)`. */
export type Events = { readonly [K in EventName]: K };

/** The SDK object: `window.tccc` after the script tag loads, or what `init()` returns. */
export interface Tccc {
  readonly Call: CallApi;
  readonly Chat: ChatApi;
  readonly Video: VideoApi;
  readonly Agent: AgentApi;
  /** (ours) The supervisor view (role 1 or 2). */
  readonly Supervisor: SupervisorApi;
  readonly Devices: DevicesApi;
  readonly UI: UiApi;
  /** Event names. */
  readonly events: Events;
  /** The SDK version. */
  readonly version: string;
  /**
   * Listens to an event. Throws a {@link TcccError} synchronously — the SDK's one synchronous error —
   * `ERR_UNKNOWN_EVENT` for an unknown name, `ERR_INVALID_ARGUMENT` when `callback` is not a function.
   * A listener that throws does not disturb the SDK or other listeners.
   */
  on<K extends EventName>(event: K, callback: Listener<K>): void;
  /** Removes a listener added with `on` (same errors as `on`). */
  off<K extends EventName>(event: K, callback: Listener<K>): void;
  /**
   * Logs out and frees everything: closes the connection, stops timers, rejects pending calls with
   * `ERR_DESTROYED`, removes listeners and, if this is `window.tccc`, deletes it so the SDK can be
   * loaded again. Every API call afterwards rejects with `ERR_DESTROYED`.
   */
  destroy(): void;
}

/** Tuning of the connection: the core's timers (ms) and how it logs in. Defaults suit production. */
export interface TuningOptions {
  requestTimeoutMs?: number;
  loginTimeoutMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** 0 = keep trying forever. */
  maxReconnectAttempts?: number;
  /**
   * Default true: the first connection carries the login in its WebSocket handshake, saving a round
   * trip before `ready`. False sends it as the first frame instead, for a proxy on the way that
   * drops the `Sec-WebSocket-Protocol` header.
   */
  handshakeLogin?: boolean;
}

/** A WebSocket constructor (the browser's, or `ws` in Node). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Options of {@link init}: either `sdkUrl`, or `sdkAppId` + `userId` + `token` + `serverUrl`. */
export interface InitOptions {
  /**
   * The `SdkURL` returned by `CreateSDKLoginToken`: its query gives sdkAppId, userId (or userid) and
   * token, its origin the server (unless `serverUrl` or a `server` query parameter says otherwise).
   */
  sdkUrl?: string;
  sdkAppId?: number | string;
  userId?: string;
  token?: string;
  /** The server, e.g. `https://cc.example.com` (the WebSocket goes to `/ws/agent` below it). */
  serverUrl?: string;
  /** Where to fetch `tccc-core.wasm` (default: next to this module). */
  wasmUrl?: string | URL;
  /** The wasm bytes themselves (Node, or pages that bundle it). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** WebSocket implementation (default: the global one; in Node pass `require('ws')`). */
  WebSocket?: WebSocketConstructor;
  /** Also install the instance as `window.tccc` (never replacing an existing one). */
  global?: boolean;
  tuning?: TuningOptions;
  /**
   * Receives the core's media actions (`mute`, `unmute`, `muteVideo`, `unmuteVideo`, `hold`,
   * `unHold`, `sendDigits`, `end`) and the far side's signalling (`offer`, `answer`, `candidate`),
   * each with `data.sessionId`. Default: the built-in WebRTC adapter in browsers, nothing in Node.
   * Or the built-in adapter's transport options, e.g. `{transport: 'websocket'}` (MediaTransportOptions).
   */
  media?: MediaAdapter | MediaTransportOptions;
  /**
   * Browser only: load the built-in UI (`tccc-ui.js`) once logged in, unless `UI.hide()` /
   * `UI.hidefloatButton()` said otherwise. Default `false` (headless). The script tag defaults to `true`.
   */
  ui?: boolean;
  /** Where to fetch `tccc-ui.js` (default: next to this module). */
  uiUrl?: string | URL;
}

/**
 * How a browser's calls carry their audio (`init({media: {transport}})`, or the script tag's
 * `data-media-transport` / `data-media-fallback-after-ms`).
 */
export interface MediaTransportOptions {
  /**
   * `auto` (default): WebRTC, switching to the WebSocket when ICE has not connected within
   * `fallbackAfterMs` (a network that blocks UDP); `webrtc`: WebRTC only; `websocket`: the WebSocket
   * for every call with server-anchored media (others stay on WebRTC). See docs/media.md.
   */
  transport?: 'auto' | 'webrtc' | 'websocket';
  /** `auto`: how long ICE may take before the audio moves to the WebSocket (default 4000 ms). */
  fallbackAfterMs?: number;
}

export type { MediaAdapter, TcccError };
