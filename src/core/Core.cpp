// SPDX-License-Identifier: Apache-2.0
// Core is the facade; Core::Impl owns the parts and wires them together. Each part owns its state and
// has one job, and all of them write to one CommandQueue, so the host carries out commands in the
// order they were decided:
//   Connection     phase, socket, login (handshake, resume), heartbeat liveness, backoff, frames in
//   RequestChannel requests in flight: ids, deadlines, failing them when the connection ends
//   ApiDispatcher  API call -> checked request -> pending request -> Resolve/Reject (+ media commands)
//   MediaRelay     media signalling in and out; prepare/start/end and the media actions
//   ChatSync       exactly-once messageReceived (ChatTracker), catch-up fetches
// Impl itself routes what the connection decodes (responses by how they settle, events by name),
// applies agent and session events to their machines, and reconciles the login snapshot.
#include "core/Core.hpp"

#include "core/AgentStatusMachine.hpp"
#include "core/ApiDispatcher.hpp"
#include "core/ChatSync.hpp"
#include "core/CommandQueue.hpp"
#include "core/Connection.hpp"
#include "core/MediaRelay.hpp"
#include "core/RequestChannel.hpp"
#include "core/SessionStore.hpp"
#include "core/SnapshotReconciler.hpp"

#include <utility>

namespace tccc::core {
namespace {

constexpr std::size_t kMaxReasonLength = 256;

}  // namespace

class Core::Impl final : public Connection::Listener {
 public:
  explicit Impl(CoreConfig config) : mConfig(std::move(config)) {}

  // --- inputs ------------------------------------------------------------------------------------

  void start(std::int64_t now) { mConnection.start(now); }
  std::uint32_t call(std::string_view api, const Json& args, std::int64_t now) {
    return mDispatcher.call(api, args, now);
  }
  void onOpen(std::int64_t now) { mConnection.onOpen(now); }
  void onMessage(std::string_view text, std::int64_t now) { mConnection.onMessage(text, now); }
  void onClose(int code, std::int64_t now) { mConnection.onClose(code, now); }

  void onTick(std::int64_t now) {
    if (!mConnection.running()) return;
    if (mRequests.expire(now)) {
      // No login answer: the connection is as good as dead (its loss fails the rest).
      mConnection.loginTimedOut(now);
      return;
    }
    mConnection.onTick(now);
  }

  void destroy() { mConnection.destroy(); }

  std::optional<std::int64_t> nextDeadline() const {
    if (!mConnection.running()) return std::nullopt;
    std::optional<std::int64_t> earliest = mRequests.nextDeadline();
    std::optional<std::int64_t> connection = mConnection.nextDeadline();
    if (connection && (!earliest || *connection < *earliest)) earliest = connection;
    return earliest;
  }

  std::vector<Command> drain() { return mQueue.drain(); }

  Phase phase() const { return mConnection.phase(); }
  std::string agentStatus() const { return std::string(toString(mAgent.status())); }
  Json sessions() const { return mSessions.toJson(); }
  CoreStats stats() const { return mStats; }

 private:
  // --- what the connection decodes (Connection::Listener) ----------------------------------------

  void onResponse(protocol::Response& response, std::int64_t now) override {
    auto pending = mRequests.take(response.id);
    if (!pending) {
      ++mStats.unmatchedResponses;
      return;
    }
    switch (pending->settle) {
      case Settle::Login:
        loginAnswered(response, now);
        break;
      case Settle::ChatCatchUp:
        mChat.onPage(*pending, response, now);
        break;
      case Settle::Silent:
        break;
      default:
        mDispatcher.settle(*pending, response, now);
        break;
    }
  }

  // Out of line, as ApiDispatcher::settle (see there): the login answer should not compile it. Being
  // reached only through the Listener (an indirect call) also keeps Binaryen from inlining it.
  [[gnu::noinline]] void onEvent(protocol::Event& event, std::int64_t now) override {
    auto kind = protocol::serverEventFromString(event.event);
    if (!kind) {
      ++mStats.unknownEvents;  // newer servers may send events this build does not know
      return;
    }
    switch (*kind) {
      case protocol::ServerEvent::AgentStatus:
        agentStatusEvent(event.data);
        break;
      case protocol::ServerEvent::SessionState:
        sessionStateEvent(event.data, now);
        break;
      case protocol::ServerEvent::MediaOffer:
      case protocol::ServerEvent::MediaAnswer:
      case protocol::ServerEvent::MediaCandidate:
        mMedia.relay(event);
        break;
      case protocol::ServerEvent::ChatMessage:
        mChat.onMessageEvent(event.data, now);
        break;
      case protocol::ServerEvent::SessionAsr:
        asrEvent(event.data);
        break;
      case protocol::ServerEvent::SupervisorUpdate:
        // The supervisor view's coalesced changes, as the server sent them (docs/protocol.md).
        if (event.data.is_object())
          mQueue.emit("supervisorUpdate", std::move(event.data));
        else
          ++mStats.rejectedEvents;
        break;
      case protocol::ServerEvent::AgentKicked: {
        auto reason = protocol::readString(event.data, "reason", kMaxReasonLength);
        mConnection.kick(reason && !reason->empty() ? *reason : std::string("kicked out by the server"));
        break;
      }
    }
  }

  void onLost() override { mChat.onLost(); }

  /// The server's live transcript of a call: `asr` {sessionId, flow, result} for a session this
  /// agent has and that has not ended (the SDK never raises one after sessionEnded).
  void asrEvent(const Json& data) {
    auto sessionId = protocol::readString(data, "sessionId", 64);
    auto flow = protocol::readString(data, "flow", 3);
    auto result = data.find("result");
    if (!sessionId || !flow || (*flow != "IN" && *flow != "OUT") || result == data.end() || !result->is_object()) {
      ++mStats.rejectedEvents;
      return;
    }
    const SessionRecord* session = mSessions.find(*sessionId);
    if (!session || !session->live()) return;
    // Key by key, as MediaRelay builds its objects: Json{{…}} would link the JSON library's
    // initializer-list constructor into the wasm for this one event (0.5 KB raw).
    Json out = Json::object();
    out["sessionId"] = std::move(*sessionId);
    out["flow"] = std::move(*flow);
    out["result"] = *result;
    mQueue.emit("asr", std::move(out));
  }

  // --- the login snapshot and server state --------------------------------------------------------

  void loginAnswered(const protocol::Response& response, std::int64_t now) {
    Connection::Login login = mConnection.loginAnswered(response, now);  // queues `ready` the first time
    if (login == Connection::Login::Refused) return;
    const Json& data = response.data;
    mMedia.setIceServers(data);
    SdkEvents events;
    ReconcileReport report = SnapshotReconciler::reconcile(data, mAgent, mSessions, events);
    mStats.rejectedEvents += report.rejectedSessions;
    for (const auto& id : report.endedIds) mMedia.end(id);
    mQueue.emit(events);
    mChat.onSnapshot(data, now);
    if (login == Connection::Login::Resumed) mQueue.emit("connectionRecovery", Json::object());
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
      mQueue.emit(std::move(changed.name), std::move(changed.data));
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
    bool wasRinging = before && before->state == SessionState::Ringing;
    SdkEvents events;
    if (mSessions.apply(*it, events)) {
      ++mStats.rejectedEvents;
      return;
    }
    if (wasLive && parsed.state == SessionState::Ended) mMedia.end(parsed.id);
    mQueue.emit(events);
    mChat.onSession(*it, now);
    if (wasDialing && parsed.state == SessionState::Talking) mMedia.startIfCaller(parsed);
    // However the call was answered, a leg that connected while it rang now carries the agent.
    if (wasRinging && parsed.state == SessionState::Talking) mMedia.answered(parsed.id);
  }

  // Declared in the order they must be built: each part gets references to those above it.
  CoreConfig mConfig;
  CoreStats mStats;
  CommandQueue mQueue;
  AgentStatusMachine mAgent;
  SessionStore mSessions;
  RequestChannel mRequests{mQueue, mConfig.requestTimeoutMs};
  Connection mConnection{mQueue, mRequests, mConfig, mStats, *this};
  MediaRelay mMedia{mQueue, mRequests, mConnection, mSessions, mStats};
  ChatSync mChat{mQueue, mRequests, mConnection, mSessions, mStats, mConfig.userId};
  ApiDispatcher mDispatcher{mQueue, mRequests, mConnection, mSessions, mAgent, mMedia, mChat, mConfig.randomSeed};
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
void Core::destroy(std::int64_t nowMs) { mImpl->destroy(); }
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
      case CommandKind::Connect:
        item["kind"] = "connect";
        break;
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
