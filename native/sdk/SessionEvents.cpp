// SPDX-License-Identifier: Apache-2.0
#include "sdk/SessionEvents.hpp"

#include <algorithm>
#include <string_view>

namespace tccc::native {

namespace {

using Json = protocol::Json;

std::string str(const Json& data, const char* key) {
  if (!data.is_object()) return {};
  const auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string firstOf(const Json& data, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (auto value = str(data, key); !value.empty()) return value;
  }
  return {};
}

template <class Set>
bool oneOf(std::string_view value, const Set& set) {
  return std::find(std::begin(set), std::end(set), value) != std::end(set);
}

// The center's reasons for ending a phone call (vocabulary `EndStatus`) that say more than closeBy.
constexpr std::string_view kRejected[] = {"userReject", "busy"};
constexpr std::string_view kTimedOut[] = {"notAnswer", "userTimeout", "waitingTimeout"};
constexpr std::string_view kFailed[] = {"error", "unconnected"};
constexpr std::string_view kAudioTypes[] = {"phone", "voip", "internal"};

}  // namespace

std::pair<TCCCEndReason, std::string> endReasonOf(const Json& ended, bool accepted, TCCCSessionDirection direction) {
  const std::string main = str(ended, "mainReason");
  if (oneOf(main, kRejected)) return {TCCCEndReason::Rejected, "the far end refused the call (" + main + ")"};
  if (oneOf(main, kTimedOut)) return {TCCCEndReason::Timeout, "nobody answered in time (" + main + ")"};
  if (oneOf(main, kFailed)) return {TCCCEndReason::Error, "the call failed (" + main + ")"};
  const std::string closeBy = str(ended, "closeBy");
  if (closeBy == "seat") return {TCCCEndReason::LocalBye, "this agent hung up"};
  if (closeBy == "timer") return {TCCCEndReason::Timeout, "nobody answered in time"};
  if (closeBy == "client") {
    if (accepted) return {TCCCEndReason::RemoteBye, "the far end hung up"};
    if (direction == TCCCSessionDirection::CallIn) {
      return {TCCCEndReason::RemoteCancel, "the caller hung up before the call was answered"};
    }
    return {TCCCEndReason::Rejected, "the far end refused the call"};
  }
  // 'admin' (or a server that gave none): the center closed it.
  const std::string why = main.empty() ? "" : " (" + main + ")";
  if (accepted) return {TCCCEndReason::RemoteBye, "the call was ended by the contact center" + why};
  return {TCCCEndReason::Error, "the call could not be connected" + why};
}

std::vector<WorkstationEvent> SessionEvents::feed(const std::string& event, const Json& data) {
  const std::string sessionId = str(data, "sessionId");
  if (sessionId.empty()) return {};
  if (event == "callIn") {
    // Chats and video sessions are not the workstation's.
    const std::string type = str(data, "type");
    if (!type.empty() && !oneOf(type, kAudioTypes)) return {};
    WorkstationEvent e;
    e.kind = WorkstationEvent::Kind::NewSession;
    e.sessionId = sessionId;
    e.direction = TCCCSessionDirection::CallIn;
    e.fromUserId = firstOf(data, {"callerPhoneNumber", "userId", "peerUserId"});
    e.toUserId = firstOf(data, {"calleePhoneNumber", "callee"});
    e.remark = str(data, "remark");
    return added(std::move(e));
  }
  if (event == "callOuted") {
    WorkstationEvent e;
    e.kind = WorkstationEvent::Kind::NewSession;
    e.sessionId = sessionId;
    e.direction = TCCCSessionDirection::CallOut;
    e.fromUserId = str(data, "callerPhoneNumber");
    e.toUserId = firstOf(data, {"calleePhoneNumber", "peerUserId"});
    e.remark = str(data, "remark");
    return added(std::move(e));
  }
  if (event == "calloutAccepted" || event == "userAccessed") {
    auto it = mSessions.find(sessionId);
    if (it == mSessions.end() || it->second.accepted) return {};
    it->second.accepted = true;
    WorkstationEvent e;
    e.kind = WorkstationEvent::Kind::Accepted;
    e.sessionId = sessionId;
    return {std::move(e)};
  }
  if (event == "autoTransfer") {
    // Rang here too long: the call went to the next agent.
    return ended(sessionId, TCCCEndReason::Timeout, "not answered in time: offered to another agent");
  }
  if (event == "transfer") return ended(sessionId, TCCCEndReason::LocalBye, "transferred");
  if (event == "sessionEnded") {
    auto it = mSessions.find(sessionId);
    if (it == mSessions.end()) return {};
    auto [reason, message] = endReasonOf(data, it->second.accepted, it->second.direction);
    return ended(sessionId, reason, std::move(message));
  }
  return {};
}

std::optional<std::string> SessionEvents::current() const {
  if (mOrder.empty()) return std::nullopt;
  return mOrder.back();
}

bool SessionEvents::currentRinging() const {
  const auto id = current();
  if (!id) return false;
  const auto& s = mSessions.at(*id);
  return s.direction == TCCCSessionDirection::CallIn && !s.accepted;
}

std::string SessionEvents::peerOf(const std::string& sessionId) const {
  const auto it = mSessions.find(sessionId);
  return it == mSessions.end() ? std::string() : it->second.peer;
}

void SessionEvents::clear() {
  mSessions.clear();
  mOrder.clear();
}

std::vector<WorkstationEvent> SessionEvents::added(WorkstationEvent event) {
  if (mSessions.count(event.sessionId)) return {};  // a snapshot after a reconnect repeats nothing
  Tracked tracked;
  tracked.direction = event.direction;
  tracked.peer = event.direction == TCCCSessionDirection::CallIn ? event.fromUserId : event.toUserId;
  mSessions.emplace(event.sessionId, std::move(tracked));
  mOrder.push_back(event.sessionId);
  return {std::move(event)};
}

// The first ending wins: `transfer` and `autoTransfer` are followed by a `sessionEnded`.
std::vector<WorkstationEvent> SessionEvents::ended(const std::string& sessionId, TCCCEndReason reason,
                                                   std::string message) {
  if (!mSessions.erase(sessionId)) return {};
  mOrder.erase(std::remove(mOrder.begin(), mOrder.end(), sessionId), mOrder.end());
  WorkstationEvent e;
  e.kind = WorkstationEvent::Kind::Ended;
  e.sessionId = sessionId;
  e.reason = reason;
  e.message = std::move(message);
  return {std::move(e)};
}

}  // namespace tccc::native
