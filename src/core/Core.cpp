// SPDX-License-Identifier: Apache-2.0
// Core wires the small machines together: connection lifecycle (connect, login, heartbeat
// liveness, loss, backoff, resume), request/response correlation, server events, and the public
// API. Everything it does comes out as Commands, in the order the host must carry them out.
#include "core/Core.hpp"

#include "core/AgentStatusMachine.hpp"
#include "core/ApiValidator.hpp"
#include "core/ChatTracker.hpp"
#include "core/ReconnectPolicy.hpp"
#include "core/RequestTracker.hpp"
#include "core/SessionStore.hpp"
#include "core/SnapshotReconciler.hpp"
#include "protocol/Validator.hpp"

#include <algorithm>
#include <utility>

namespace tccc::core {
namespace {

constexpr int kCloseNormal = 1000;
constexpr int kCloseHeartbeatTimeout = 4000;  // ours: the client gave up on a silent connection
constexpr int kCloseKicked = 4003;            // docs/protocol.md: logged in elsewhere
constexpr std::int64_t kDefaultHeartbeatMs = 10000;
constexpr std::int64_t kMinHeartbeatMs = 1000;
constexpr std::int64_t kMaxHeartbeatMs = 600000;
constexpr std::size_t kMaxResumeTokenLength = 1024;
constexpr std::size_t kMaxReasonLength = 256;
constexpr std::int64_t kHandshakeLoginId = 1;  // docs/protocol.md, "Login in the handshake"

std::string hex32(std::uint32_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
  return out;
}

}  // namespace

class Core::Impl {
 public:
  explicit Impl(CoreConfig config)
      : mConfig(std::move(config)),
        mReconnect(mConfig.reconnectBaseMs, mConfig.reconnectMaxMs, mConfig.randomSeed, mConfig.maxReconnectAttempts) {
    if (mConfig.requestTimeoutMs < 1) mConfig.requestTimeoutMs = 1;
    if (mConfig.loginTimeoutMs < 1) mConfig.loginTimeoutMs = 1;
  }

  // --- inputs ------------------------------------------------------------------------------------

  void start(std::int64_t now) {
    if (mPhase != Phase::Idle) return;  // start twice is harmless
    // Without credentials a login can only fail; say so now instead of after a round trip.
    const char* missing = mConfig.sdkAppId <= 0 ? "sdkAppId" : mConfig.userId.empty() ? "userId"
                                                             : mConfig.token.empty()  ? "token"
                                                                                      : nullptr;
    if (missing) {
      Json data = Json::object();
      data["message"] = std::string("cannot log in: ") + missing + " is missing";
      data["code"] = static_cast<int>(Errc::InvalidArgument);
      fail("tokenExpired", std::move(data));
      return;
    }
    mPhase = Phase::Connecting;
    connect(now);
  }

  std::uint32_t call(std::string_view api, const Json& args, std::int64_t now) {
    std::uint32_t handle = mNextHandle++;
    if (mNextHandle == 0) mNextHandle = 1;  // 0 means "no promise"
    if (mPhase == Phase::Destroyed) {
      reject(handle, Error(Errc::Destroyed, std::string(api.substr(0, 64)) + ": the SDK has been destroyed"));
      return handle;
    }
    if (api.substr(0, 6) == "Media.") {
      // Host-internal: the media adapter's signalling (not a public API, so not in ApiValidator).
      mediaSignal(handle, api, args, now);
      return handle;
    }
    ValidatedCall validated;
    if (Error error = ApiValidator::validate(api, args, validated)) {
      reject(handle, error);
      return handle;
    }
    const ApiSpec& spec = *validated.spec;
    if (mPhase != Phase::Ready) {
      reject(handle, Error(Errc::NotReady, std::string(spec.name) + ": " + notReadyReason()));
      return handle;
    }
    if (Error error = ApiValidator::checkState(validated, mSessions, mAgent)) {
      reject(handle, error);
      return handle;
    }
    if (spec.action == SessionAction::QueryMute) {
      const SessionRecord* session = mSessions.find(validated.sessionId);
      Json data = Json::object();
      data["sessionId"] = validated.sessionId;
      data["isMicMuted"] = session && session->micMuted;
      resolve(handle, std::move(data));
      return handle;
    }
    if (spec.action == SessionAction::Delete) {
      // Forgetting an ended session is local; the server is told so that the next snapshot does
      // not bring it back, but nobody waits for its answer.
      mSessions.forget(validated.sessionId);
      mChats.forget(validated.sessionId);
      sendRequest(spec.method->name, std::move(validated.data), 0, Settle::Silent, validated.sessionId, now);
      Json data = Json::object();
      data["sessionId"] = validated.sessionId;
      resolve(handle, std::move(data));
      return handle;
    }
    Json data = std::move(validated.data);
    if (!spec.method->idempotent) data["clientRequestId"] = nextClientRequestId();
    if (spec.settle == Settle::ChatSend && !data.contains("clientMsgId"))
      data["clientMsgId"] = "cm-" + hex32(mConfig.randomSeed) + "-" + std::to_string(++mClientRequestCounter);
    sendRequest(spec.method->name, std::move(data), handle, spec.settle, validated.sessionId, now);
    if (spec.action == SessionAction::Accept) mediaPrepare(validated.sessionId);
    return handle;
  }

  void onOpen(std::int64_t now) {
    if (mSocket != Socket::Opening) return;  // not a socket the core asked for
    mSocket = Socket::Open;
    mConnectDeadline.reset();
    mLastRxMs = now;
    std::int64_t id = mRequests.nextId();
    PendingRequest pending;
    pending.id = id;
    pending.settle = Settle::Login;
    pending.deadlineMs = now + mConfig.loginTimeoutMs;
    pending.method = "auth.login";
    mRequests.add(std::move(pending));
    // The server logs a handshake-login socket in as it opens and answers as request 1 (the first
    // socket's first id: nothing is sent before the login).
    if (mSocketCarriesLogin && id == kHandshakeLoginId && mResumeToken.empty()) return;
    Json data = Json::object();
    data["sdkAppId"] = mConfig.sdkAppId;
    data["userId"] = mConfig.userId;
    if (!mResumeToken.empty()) {
      data["resumeToken"] = mResumeToken;
      data["lastSeq"] = mLastSeq;
    } else {
      data["token"] = mConfig.token;
    }
    send(protocol::encode(protocol::Request{id, "auth.login", std::move(data)}));
  }

  void onMessage(std::string_view text, std::int64_t now) {
    if (mSocket != Socket::Open) return;
    ++mStats.framesReceived;
    mLastRxMs = now;  // any frame, even a bad one, shows the connection is alive
    protocol::Decoded decoded = protocol::decode(text);
    if (!decoded.ok()) {
      ++mStats.droppedFrames;
      return;
    }
    protocol::Frame& frame = *decoded.frame;
    if (auto* ping = std::get_if<protocol::Ping>(&frame)) {
      send(protocol::encode(protocol::Pong{ping->t}));
    } else if (auto* response = std::get_if<protocol::Response>(&frame)) {
      handleResponse(*response, now);
    } else if (auto* event = std::get_if<protocol::Event>(&frame)) {
      handleEvent(*event, now);
    } else if (std::holds_alternative<protocol::Request>(frame)) {
      ++mStats.droppedFrames;  // the server never sends requests in protocol version 1
    }
    // pong: liveness only, already refreshed.
  }

  void onClose(int code, std::int64_t now) {
    if (mSocket == Socket::Closed) return;  // closed on our own command, or never opened
    if (mPhase == Phase::Idle || mPhase == Phase::Failed || mPhase == Phase::Destroyed) return;
    mSocket = Socket::Closed;
    if (code == kCloseKicked) {
      kick("another login took over this agent", now);
      return;
    }
    lose(now);
  }

  void onTick(std::int64_t now) {
    if (mPhase == Phase::Idle || mPhase == Phase::Failed || mPhase == Phase::Destroyed) return;
    for (PendingRequest& expired : mRequests.expire(now)) {
      if (expired.settle == Settle::Login) {
        // No login answer: the connection is as good as dead. lose() fails the rest.
        closeSocket(kCloseHeartbeatTimeout);
        lose(now);
        return;
      }
      if (expired.handle != 0)
        reject(expired.handle, Error(Errc::RequestTimeout, expired.method + ": no answer from the server within " +
                                                               std::to_string(mConfig.requestTimeoutMs) + " ms"));
    }
    if (mLoggedIn && now >= mLastRxMs + 3 * mHeartbeatMs) {
      closeSocket(kCloseHeartbeatTimeout);
      lose(now);
      return;
    }
    if (mConnectDeadline && now >= *mConnectDeadline) {
      closeSocket(kCloseHeartbeatTimeout);
      lose(now);
      return;
    }
    if (mReconnectAt && now >= *mReconnectAt) {
      mReconnectAt.reset();
      Json data = Json::object();
      data["attempt"] = mReconnect.attempt();
      data["delayMs"] = mReconnectDelayMs;
      emit("tryToReconnect", std::move(data));
      connect(now);
    }
  }

  void destroy(std::int64_t now) {
    if (mPhase == Phase::Destroyed) return;
    for (PendingRequest& pending : mRequests.takeAll())
      if (pending.handle != 0) reject(pending.handle, Error(Errc::Destroyed, pending.method + ": the SDK was destroyed"));
    // Say goodbye so the server takes the agent offline at once instead of holding its status for
    // the reconnect grace period, during which calls would still be offered to nobody. The frame is
    // queued before the close, and a WebSocket flushes queued frames before it closes.
    if (mLoggedIn) send(protocol::encode(protocol::Request{mRequests.nextId(), "auth.logout", Json::object()}));
    closeSocket(kCloseNormal);
    mLoggedIn = false;
    mConnectDeadline.reset();
    mReconnectAt.reset();
    mPhase = Phase::Destroyed;
  }

  std::optional<std::int64_t> nextDeadline() const {
    if (mPhase == Phase::Idle || mPhase == Phase::Failed || mPhase == Phase::Destroyed) return std::nullopt;
    std::optional<std::int64_t> earliest = mRequests.nextDeadline();
    auto consider = [&](std::optional<std::int64_t> at) {
      if (at && (!earliest || *at < *earliest)) earliest = at;
    };
    if (mLoggedIn) consider(mLastRxMs + 3 * mHeartbeatMs);
    consider(mConnectDeadline);
    consider(mReconnectAt);
    return earliest;
  }

  std::vector<Command> drain() {
    std::vector<Command> out;
    out.swap(mCommands);
    return out;
  }

  Phase phase() const { return mPhase; }
  std::string agentStatus() const { return std::string(toString(mAgent.status())); }
  Json sessions() const { return mSessions.toJson(); }
  CoreStats stats() const { return mStats; }

 private:
  enum class Socket { Closed, Opening, Open };

  // --- connection lifecycle ----------------------------------------------------------------------

  void connect(std::int64_t now) {
    mSocket = Socket::Opening;
    // Only the first socket carries the login in its handshake (the host opens it so, at most once).
    mSocketCarriesLogin = mHandshakeLoginUnused;
    mHandshakeLoginUnused = false;
    // A socket that never opens (and whose host never reports a close) must not hang the core.
    mConnectDeadline = now + mConfig.loginTimeoutMs;
    Command command;
    command.kind = CommandKind::Connect;
    mCommands.push_back(std::move(command));
  }

  void closeSocket(int code) {
    if (mSocket == Socket::Closed) return;
    mSocket = Socket::Closed;
    Command command;
    command.kind = CommandKind::Close;
    command.code = code;
    mCommands.push_back(std::move(command));
  }

  void failPending(Errc code, std::string_view why) {
    for (PendingRequest& pending : mRequests.takeAll())
      if (pending.handle != 0) reject(pending.handle, Error(code, pending.method + ": " + std::string(why)));
  }

  // The connection is gone (closed, silent, or never logged in): fail what was in flight, tell the
  // integrator once per outage, and arm the backoff timer.
  void lose(std::int64_t now) {
    mLoggedIn = false;
    mChats.resetInFlight();
    mConnectDeadline.reset();
    failPending(Errc::ConnectionLost, "the connection to the server was lost; the outcome is unknown");
    mPhase = Phase::Reconnecting;
    if (!mLossAnnounced) {
      mLossAnnounced = true;
      emit("connectionLost", Json::object());
    }
    auto delay = mReconnect.nextDelay();
    if (!delay) {
      mPhase = Phase::Failed;
      Json data = Json::object();
      data["attempts"] = mReconnect.attempt();
      emit("reconnectFailed", std::move(data));
      return;
    }
    mReconnectDelayMs = *delay;
    mReconnectAt = now + *delay;
  }

  // Terminal: the core will not reconnect by itself (token rejected, kicked out).
  void fail(std::string_view event, Json data) {
    failPending(Errc::ConnectionLost, "the connection to the server was closed");
    closeSocket(kCloseNormal);
    mLoggedIn = false;
    mConnectDeadline.reset();
    mReconnectAt.reset();
    mPhase = Phase::Failed;
    emit(std::string(event), std::move(data));
  }

  void kick(std::string reason, std::int64_t now) {
    if (mPhase == Phase::Failed || mPhase == Phase::Destroyed) return;
    Json data = Json::object();
    data["reason"] = std::move(reason);
    fail("kickedOut", std::move(data));
  }

  std::string notReadyReason() const {
    switch (mPhase) {
      case Phase::Idle: return "the SDK has not been started";
      case Phase::Connecting: return "the SDK is still logging in; wait for the ready event";
      case Phase::Reconnecting: return "the connection was lost and the SDK is reconnecting";
      case Phase::Failed: return "the SDK is logged out (token expired or kicked out); log in again";
      default: return "the SDK is not ready";
    }
  }

  // --- frames in -----------------------------------------------------------------------------------

  void handleLogin(const protocol::Response& response, std::int64_t now) {
    if (!response.ok) {
      // Only an overloaded or failing server is worth asking again; any other refusal (bad or
      // stale token, unknown or forbidden agent, a protocol the server does not speak) would be
      // refused again, so it ends the session and the integrator must log in anew.
      const Errc code = response.error.code;
      const bool transient = code == Errc::Internal || code == Errc::RateLimited || code == Errc::HttpRequestFailure ||
                             code == Errc::SipServiceUnavailable || code == Errc::SipServerTimeout ||
                             code == Errc::SipRequesttimeout;
      if (!transient) {
        Json data = Json::object();
        data["message"] = response.error.message;
        data["code"] = static_cast<int>(response.error.code);
        fail("tokenExpired", std::move(data));
        return;
      }
      // A transient refusal (server busy, internal error): try again later like any loss.
      closeSocket(kCloseNormal);
      lose(now);
      return;
    }
    const Json& data = response.data;
    if (auto token = protocol::readString(data, "resumeToken", kMaxResumeTokenLength)) mResumeToken = *token;
    mHeartbeatMs = kDefaultHeartbeatMs;
    if (auto heartbeat = protocol::readInt(data, "heartbeatMs"))
      mHeartbeatMs = std::clamp<std::int64_t>(*heartbeat, kMinHeartbeatMs, kMaxHeartbeatMs);
    if (auto seq = protocol::readInt(data, "seq"); seq && *seq >= 0) mLastSeq = *seq;
    // STUN/TURN servers for the media adapter; handed over with each media.offer.
    auto ice = data.find("iceServers");
    mIceServers = ice != data.end() && ice->is_array() ? *ice : Json::array();
    mLoggedIn = true;
    mLastRxMs = now;
    mLossAnnounced = false;
    mReconnect.reset();

    SdkEvents events;
    ReconcileReport report = SnapshotReconciler::reconcile(data, mAgent, mSessions, events);
    mStats.rejectedEvents += report.rejectedSessions;
    bool first = !mEverReady;
    mEverReady = true;
    mPhase = Phase::Ready;
    if (first) emit("ready", Json::object());
    for (const auto& id : report.endedIds) mediaEnd(id);
    for (auto& event : events) emit(std::move(event.name), std::move(event.data));
    mChats.resetInFlight();
    if (auto list = data.find("sessions"); list != data.end() && list->is_array())
      for (const auto& wire : *list) chatSessionSeen(wire, now);
    if (!first) emit("connectionRecovery", Json::object());
  }

  void handleResponse(protocol::Response& response, std::int64_t now) {
    auto pending = mRequests.take(response.id);
    if (!pending) {
      ++mStats.unmatchedResponses;
      return;
    }
    if (pending->settle == Settle::Login) {
      handleLogin(response, now);
      return;
    }
    if (pending->settle == Settle::ChatCatchUp) {
      chatPageAnswered(*pending, response, now);
      return;
    }
    if (pending->settle == Settle::Silent) return;
    settleCall(*pending, response);
  }

  // Out of line, as handleEvent: browsers compile a WebAssembly function on its first call, and the
  // frame that makes the SDK ready (the login answer) should not compile what only later frames use
  // (bench/media.mjs, script load -> ready; bindings/CMakeLists.txt keeps Binaryen from inlining it).
  [[gnu::noinline]] void settleCall(PendingRequest& pending, protocol::Response& response) {
    if (!response.ok) {
      reject(pending.handle, response.error);
      return;
    }
    Json data = Json::object();
    data["sessionId"] = pending.sessionId;
    SessionRecord* session = mSessions.find(pending.sessionId);
    switch (pending.settle) {
      case Settle::Empty: data = Json::object(); break;
      case Settle::Outbound:
      case Settle::Internal: {
        auto sessionId = protocol::readString(response.data, "sessionId", SessionStore::kMaxSessionIdLength);
        if (!sessionId || sessionId->empty()) {
          reject(pending.handle, Error(Errc::Protocol, pending.method + ": the server's answer has no sessionId"));
          return;
        }
        data["sessionId"] = *sessionId;
        if (pending.settle == Settle::Outbound) {
          // The CallResponse of the TCCC documentation, and nothing else from the server's object.
          static constexpr std::string_view kRequired[] = {"calleePhoneNumber", "callerPhoneNumber", "serverType"};
          static constexpr std::string_view kOptional[] = {"calleeLocation", "remark"};
          for (auto key : kRequired) {
            auto value = protocol::readString(response.data, key, 256);
            data[std::string(key)] = value ? *value : std::string();
          }
          for (auto key : kOptional)
            if (auto value = protocol::readString(response.data, key, 256)) data[std::string(key)] = *value;
        }
        break;
      }
      case Settle::Mute:
      case Settle::Unmute:
        if (session) session->micMuted = pending.settle == Settle::Mute;
        media(pending.settle == Settle::Mute ? MediaAction::Mute : MediaAction::Unmute, pending.sessionId, nullptr);
        break;
      case Settle::MuteVideo:
      case Settle::UnmuteVideo:
        if (session) session->videoMuted = pending.settle == Settle::MuteVideo;
        media(pending.settle == Settle::MuteVideo ? MediaAction::MuteVideo : MediaAction::UnmuteVideo, pending.sessionId,
              nullptr);
        break;
      case Settle::Hold: media(MediaAction::Hold, pending.sessionId, nullptr); break;
      case Settle::UnHold: media(MediaAction::UnHold, pending.sessionId, nullptr); break;
      case Settle::SendDigits: media(MediaAction::SendDigits, pending.sessionId, &pending.digits); break;
      case Settle::ChatSend:
      case Settle::ChatHistory:
        if (!chatResolveData(pending, response.data, data)) {
          reject(pending.handle, Error(Errc::Protocol, pending.method + ": malformed answer from the server"));
          return;
        }
        break;
      default: break;  // SessionId
    }
    resolve(pending.handle, std::move(data));
  }

  [[gnu::noinline]] void handleEvent(protocol::Event& event, std::int64_t now) {
    if (!mLoggedIn) {
      ++mStats.droppedFrames;  // before the snapshot, events have no base to apply to
      return;
    }
    if (event.seq <= mLastSeq) {
      ++mStats.duplicateEvents;
      return;
    }
    if (event.seq > mLastSeq + 1) ++mStats.seqGaps;
    mLastSeq = event.seq;

    auto kind = protocol::serverEventFromString(event.event);
    if (!kind) {
      ++mStats.unknownEvents;  // newer servers may send events this build does not know
      return;
    }
    switch (*kind) {
      case protocol::ServerEvent::AgentStatus: agentStatusEvent(event.data); break;
      case protocol::ServerEvent::SessionState: sessionStateEvent(event.data, now); break;
      case protocol::ServerEvent::MediaOffer:
      case protocol::ServerEvent::MediaAnswer:
      case protocol::ServerEvent::MediaCandidate: relayMediaEvent(event); break;
      case protocol::ServerEvent::ChatMessage: chatMessageEvent(event.data, now); break;
      case protocol::ServerEvent::AgentKicked: {
        auto reason = protocol::readString(event.data, "reason", kMaxReasonLength);
        kick(reason && !reason->empty() ? *reason : std::string("kicked out by the server"), now);
        break;
      }
    }
  }

  void agentStatusEvent(const Json& data) {
    auto text = protocol::readString(data, "status", 16);
    auto status = text ? agentStatusFromString(*text) : std::nullopt;
    if (!status) {
      ++mStats.rejectedEvents;
      return;
    }
    auto reason = protocol::readString(data, "restReason", kMaxReasonLength);
    if (mAgent.apply(*status, reason ? *reason : std::string())) {
      SdkEvent changed = mAgent.statusChangedEvent();
      emit(std::move(changed.name), std::move(changed.data));
    }
  }

  void sessionStateEvent(const Json& data, std::int64_t now) {
    auto it = data.find("session");
    if (it == data.end()) {
      ++mStats.rejectedEvents;
      return;
    }
    WireSession parsed;
    if (SessionStore::parse(*it, parsed)) {
      ++mStats.rejectedEvents;
      return;
    }
    const SessionRecord* before = mSessions.find(parsed.id);
    bool wasLive = before && before->live();
    bool wasDialing = before && before->state == SessionState::Dialing;
    SdkEvents events;
    if (mSessions.apply(*it, events)) {
      ++mStats.rejectedEvents;
      return;
    }
    if (wasLive && parsed.state == SessionState::Ended) mediaEnd(parsed.id);
    for (auto& sdkEvent : events) emit(std::move(sdkEvent.name), std::move(sdkEvent.data));
    chatSessionSeen(*it, now);
    if (wasDialing && parsed.state == SessionState::Talking) mediaStartIfCaller(parsed);
  }

  // --- commands out --------------------------------------------------------------------------------

  void sendRequest(std::string_view method, Json data, std::uint32_t handle, Settle settle,
                   const std::string& sessionId, std::int64_t now) {
    PendingRequest pending;
    pending.id = mRequests.nextId();
    pending.handle = handle;
    pending.settle = settle;
    pending.deadlineMs = now + mConfig.requestTimeoutMs;
    pending.method = std::string(method);
    pending.sessionId = sessionId;
    if (settle == Settle::SendDigits) {
      auto digits = data.find("digits");
      if (digits != data.end() && digits->is_string()) pending.digits = digits->get<std::string>();
    }
    std::int64_t id = pending.id;
    mRequests.add(std::move(pending));
    send(protocol::encode(protocol::Request{id, std::string(method), std::move(data)}));
  }

  std::string nextClientRequestId() {
    return "cr-" + hex32(mConfig.randomSeed) + "-" + std::to_string(++mClientRequestCounter);
  }

  void send(std::string text) {
    Command command;
    command.kind = CommandKind::Send;
    command.text = std::move(text);
    mCommands.push_back(std::move(command));
  }

  void emit(std::string name, Json data) {
    Command command;
    command.kind = CommandKind::Emit;
    command.name = std::move(name);
    command.data = std::move(data);
    mCommands.push_back(std::move(command));
  }

  void resolve(std::uint32_t handle, Json data) {
    Command command;
    command.kind = CommandKind::Resolve;
    command.handle = handle;
    command.data = std::move(data);
    mCommands.push_back(std::move(command));
  }

  void reject(std::uint32_t handle, Error error) {
    Command command;
    command.kind = CommandKind::Reject;
    command.handle = handle;
    command.error = std::move(error);
    mCommands.push_back(std::move(command));
  }

  void media(MediaAction action, const std::string& sessionId, const std::string* digits) {
    Command command;
    command.kind = CommandKind::Media;
    command.name = std::string(toString(action));
    command.data = Json::object();
    command.data["sessionId"] = sessionId;
    if (digits) command.data["digits"] = *digits;
    mCommands.push_back(std::move(command));
  }

  // --- media signalling (docs/protocol.md, "Media") ------------------------------------------------
  // The core never looks inside SDP or candidates: it checks shapes and sizes, that the session is
  // one of ours and live, and passes them between the socket and the host's media adapter.

  // The request (and event) a Media.* API or media.* event name stands for: offer, answer, candidate.
  static const protocol::MethodSpec* mediaMethod(std::string_view kind) {
    using protocol::AgentMethod;
    if (kind == "offer") return &protocol::methodSpec(AgentMethod::MediaOffer);
    if (kind == "answer") return &protocol::methodSpec(AgentMethod::MediaAnswer);
    if (kind == "candidate") return &protocol::methodSpec(AgentMethod::MediaCandidate);
    return nullptr;
  }

  // A session that may carry media right now: known, of a media type, and not ended.
  bool mediaSession(const std::string& sessionId) const {
    const SessionRecord* session = mSessions.find(sessionId);
    return session && session->live() && SessionMachine::capabilities(session->type).media;
  }

  void mediaSignal(std::uint32_t handle, std::string_view api, const Json& args, std::int64_t now) {
    const protocol::MethodSpec* method = mediaMethod(api.substr(6));
    if (!method) {
      reject(handle, Error(Errc::InvalidArgument, "unknown API " + std::string(api.substr(0, 64))));
      return;
    }
    Json data;
    if (Error error = protocol::validateFields(*method, args, data, api)) {
      reject(handle, std::move(error));
      return;
    }
    if (mPhase != Phase::Ready) {
      reject(handle, Error(Errc::NotReady, std::string(api) + ": " + notReadyReason()));
      return;
    }
    std::string sessionId = data["sessionId"].get<std::string>();
    if (!mSessions.find(sessionId)) {
      reject(handle, Error(Errc::SessionNotFound, std::string(api) + ": no session " + sessionId));
      return;
    }
    if (!mediaSession(sessionId)) {
      reject(handle, Error(Errc::InvalidState, std::string(api) + ": the session has ended or carries no media"));
      return;
    }
    sendRequest(method->name, std::move(data), handle, Settle::Empty, sessionId, now);
  }

  void relayMediaEvent(const protocol::Event& event) {
    std::string kind = event.event.substr(6);
    const protocol::MethodSpec* method = mediaMethod(kind);
    Json data;
    if (!method || protocol::validateFields(*method, event.data, data, event.event)) {
      ++mStats.rejectedEvents;
      return;
    }
    // Signalling for a session we do not have (or that ended) has nobody to go to.
    if (!mediaSession(data["sessionId"].get<std::string>())) {
      ++mStats.rejectedEvents;
      return;
    }
    if (kind == "offer") data["iceServers"] = mIceServers;
    Command command;
    command.kind = CommandKind::Media;
    command.name = std::move(kind);
    command.data = std::move(data);
    mCommands.push_back(std::move(command));
  }

  // Who offers (docs/protocol.md, "Media"): a customer leg offers by itself; between two agents (an
  // internal call) nobody else would, so the caller's host is told to start once the callee answered.
  void mediaStartIfCaller(const WireSession& session) {
    if (session.type != SessionType::Internal || session.direction != Direction::Out) return;
    Command command;
    command.kind = CommandKind::Media;
    command.name = std::string(toString(MediaAction::Start));
    command.data = Json{{"sessionId", session.id}, {"iceServers", mIceServers}};
    mCommands.push_back(std::move(command));
  }

  // Accepting a call means media within one signalling round trip: the host may open the
  // microphone (and camera) now, while the accept and the far side's offer are on their way, instead
  // of after the offer arrives. If the accept fails, the session's end still releases them.
  void mediaPrepare(const std::string& sessionId) {
    const SessionRecord* session = mSessions.find(sessionId);
    if (!session || !SessionMachine::capabilities(session->type).media) return;
    Command command;
    command.kind = CommandKind::Media;
    command.name = std::string(toString(MediaAction::Prepare));
    command.data = Json{{"sessionId", sessionId}, {"video", session->type == SessionType::Video}};
    mCommands.push_back(std::move(command));
  }

  void mediaEnd(const std::string& sessionId) {
    const SessionRecord* session = mSessions.find(sessionId);
    if (session && SessionMachine::capabilities(session->type).media) media(MediaAction::End, sessionId, nullptr);
  }

  // --- chat (im) messages: ChatTracker decides, these send and emit ------------------------------
  // docs/protocol.md "Chat": `chat.message` events and `chat.history` pages become exactly one
  // `messageReceived` {sessionId, message} per message not sent by this agent, in seq order.

  void chatEmit(const std::string& sessionId, const Json& message) {
    auto normalised = normaliseChatMessage(message);
    if (!normalised) {
      ++mStats.rejectedEvents;
      return;
    }
    // The agent's own words come back in its chat.send answer; they are not "received".
    if ((*normalised)["from"].get<std::string>() == "agent" &&
        (*normalised)["senderId"].get<std::string>() == mConfig.userId)
      return;
    Json data = Json::object();
    data["sessionId"] = sessionId;
    data["message"] = std::move(*normalised);
    emit("messageReceived", std::move(data));
  }

  void chatFetch(const std::string& sessionId, std::int64_t now) {
    Json data = Json::object();
    data["sessionId"] = sessionId;
    data["afterSeq"] = mChats.delivered(sessionId);
    data["limit"] = ChatTracker::kCatchUpPage;
    sendRequest("chat.history", std::move(data), 0, Settle::ChatCatchUp, sessionId, now);
  }

  void chatSessionSeen(const Json& wire, std::int64_t now) {
    if (!wire.is_object() || wire.value("type", std::string()) != "im") return;
    auto id = protocol::readString(wire, "sessionId", SessionStore::kMaxSessionIdLength);
    if (!id || id->empty()) return;
    const SessionRecord* session = mSessions.find(*id);
    if (!session) return;
    std::int64_t last = protocol::readInt(wire, "lastMessageSeq").value_or(0);
    if (mChats.onSession(*id, last, session->state == SessionState::Talking)) chatFetch(*id, now);
  }

  void chatMessageEvent(const Json& data, std::int64_t now) {
    auto id = protocol::readString(data, "sessionId", SessionStore::kMaxSessionIdLength);
    auto message = data.find("message");
    std::int64_t seq = 0;
    if (message != data.end()) seq = protocol::readInt(*message, "seq").value_or(0);
    if (!id || id->empty() || seq < 1 || !mSessions.find(*id)) {
      ++mStats.rejectedEvents;
      return;
    }
    switch (mChats.onMessage(*id, seq)) {
      case ChatTracker::Verdict::Deliver: chatEmit(*id, *message); break;
      case ChatTracker::Verdict::Duplicate: ++mStats.duplicateEvents; break;
      case ChatTracker::Verdict::Gap:
        if (mChats.takeCatchUp(*id)) chatFetch(*id, now);
        break;
    }
  }

  void chatPageAnswered(const PendingRequest& pending, const protocol::Response& response, std::int64_t now) {
    if (!response.ok) {
      mChats.fetchFailed(pending.sessionId);
      return;
    }
    auto messages = response.data.find("messages");
    if (messages == response.data.end()) {
      mChats.fetchFailed(pending.sessionId);
      return;
    }
    bool fetchAgain = false;
    bool hasMore = protocol::readBool(response.data, "hasMore").value_or(false);
    for (const Json* m : mChats.onPage(pending.sessionId, *messages, hasMore, fetchAgain))
      chatEmit(pending.sessionId, *m);
    if (fetchAgain && mLoggedIn) chatFetch(pending.sessionId, now);
  }

  // The documented shapes of Chat.sendMessage / Chat.getMessages results, from the server's answer.
  bool chatResolveData(const PendingRequest& pending, const Json& answer, Json& data) {
    data = Json::object();
    data["sessionId"] = pending.sessionId;
    if (pending.settle == Settle::ChatSend) {
      auto m = answer.find("message");
      if (m == answer.end()) return false;
      auto normalised = normaliseChatMessage(*m);
      if (!normalised) return false;
      mChats.onOwnMessage(pending.sessionId, (*normalised)["seq"].get<std::int64_t>());
      if (mChats.takeCatchUp(pending.sessionId)) chatFetch(pending.sessionId, mLastRxMs);
      data["message"] = std::move(*normalised);
      return true;
    }
    auto list = answer.find("messages");
    if (list == answer.end() || !list->is_array()) return false;
    Json messages = Json::array();
    for (const auto& m : *list)
      if (auto normalised = normaliseChatMessage(m)) messages.push_back(std::move(*normalised));
    data["messages"] = std::move(messages);
    data["hasMore"] = protocol::readBool(answer, "hasMore").value_or(false);
    data["lastSeq"] = protocol::readInt(answer, "lastSeq").value_or(0);
    return true;
  }

  CoreConfig mConfig;
  Phase mPhase = Phase::Idle;
  Socket mSocket = Socket::Closed;
  std::vector<Command> mCommands;
  AgentStatusMachine mAgent;
  SessionStore mSessions;
  ChatTracker mChats;
  RequestTracker mRequests;
  ReconnectPolicy mReconnect;
  CoreStats mStats;

  std::uint32_t mNextHandle = 1;
  std::uint64_t mClientRequestCounter = 0;
  bool mEverReady = false;
  bool mLoggedIn = false;      // the current socket has a successful auth.login
  bool mHandshakeLoginUnused = mConfig.handshakeLogin;  // the host's first socket is still to come
  bool mSocketCarriesLogin = false;                     // the current socket logged in by its handshake
  bool mLossAnnounced = false; // connectionLost already emitted for this outage
  std::string mResumeToken;
  Json mIceServers = Json::array();  // from the last login response
  std::int64_t mHeartbeatMs = kDefaultHeartbeatMs;
  std::int64_t mLastSeq = 0;
  std::int64_t mLastRxMs = 0;
  std::int64_t mReconnectDelayMs = 0;
  std::optional<std::int64_t> mConnectDeadline;
  std::optional<std::int64_t> mReconnectAt;
};

Core::Core(CoreConfig config) : mImpl(std::make_unique<Impl>(std::move(config))) {}
Core::~Core() = default;

void Core::start(std::int64_t nowMs) { mImpl->start(nowMs); }
std::uint32_t Core::call(std::string_view api, const Json& args, std::int64_t nowMs) {
  return mImpl->call(api, args, nowMs);
}
void Core::onOpen(std::int64_t nowMs) { mImpl->onOpen(nowMs); }
void Core::onMessage(std::string_view text, std::int64_t nowMs) { mImpl->onMessage(text, nowMs); }
void Core::onClose(int code, std::int64_t nowMs) { mImpl->onClose(code, nowMs); }
void Core::onTick(std::int64_t nowMs) { mImpl->onTick(nowMs); }
void Core::destroy(std::int64_t nowMs) { mImpl->destroy(nowMs); }
std::optional<std::int64_t> Core::nextDeadline() const { return mImpl->nextDeadline(); }
std::vector<Command> Core::drain() { return mImpl->drain(); }
Phase Core::phase() const { return mImpl->phase(); }
std::string Core::agentStatus() const { return mImpl->agentStatus(); }
Json Core::sessions() const { return mImpl->sessions(); }
CoreStats Core::stats() const { return mImpl->stats(); }

std::string commandsToJson(const std::vector<Command>& commands) {
  Json out = Json::array();
  for (const auto& command : commands) {
    Json item = Json::object();
    switch (command.kind) {
      case CommandKind::Connect: item["kind"] = "connect"; break;
      case CommandKind::Send:
        item["kind"] = "send";
        item["text"] = command.text;
        break;
      case CommandKind::Close:
        item["kind"] = "close";
        item["code"] = command.code;
        break;
      case CommandKind::Emit:
        item["kind"] = "emit";
        item["name"] = command.name;
        item["data"] = command.data.is_null() ? Json::object() : command.data;
        break;
      case CommandKind::Resolve:
        item["kind"] = "resolve";
        item["handle"] = command.handle;
        item["data"] = command.data.is_null() ? Json::object() : command.data;
        break;
      case CommandKind::Reject:
        item["kind"] = "reject";
        item["handle"] = command.handle;
        item["code"] = static_cast<int>(command.error.code);
        item["name"] = std::string(errcName(command.error.code));
        item["message"] = command.error.message;
        break;
      case CommandKind::Media:
        item["kind"] = "media";
        item["name"] = command.name;
        item["data"] = command.data.is_null() ? Json::object() : command.data;
        break;
    }
    out.push_back(std::move(item));
  }
  return protocol::dump(out);
}

}  // namespace tccc::core
