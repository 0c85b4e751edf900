// SPDX-License-Identifier: Apache-2.0
#include "core/ChatSync.hpp"

#include <utility>

namespace tccc::core {

void ChatSync::emit(const std::string& sessionId, const Json& message) {
  auto normalised = normaliseChatMessage(message);
  if (!normalised) {
    ++mStats.rejectedEvents;
    return;
  }
  // The agent's own words come back in its chat.send answer; they are not "received".
  if ((*normalised)["from"].get<std::string>() == "agent" && (*normalised)["senderId"].get<std::string>() == mUserId)
    return;
  Json data = Json::object();
  data["sessionId"] = sessionId;
  data["message"] = std::move(*normalised);
  mQueue.emit("messageReceived", std::move(data));
}

void ChatSync::fetch(const std::string& sessionId, std::int64_t now) {
  Json data = Json::object();
  data["sessionId"] = sessionId;
  data["afterSeq"] = mChats.delivered(sessionId);
  data["limit"] = ChatTracker::kCatchUpPage;
  mRequests.send("chat.history", std::move(data), 0, Settle::ChatCatchUp, sessionId, now);
}

void ChatSync::onSnapshot(const Json& loginData, std::int64_t now) {
  mChats.resetInFlight();
  if (auto list = loginData.find("sessions"); list != loginData.end() && list->is_array())
    for (const auto& wire : *list) onSession(wire, now);
}

void ChatSync::onSession(const Json& wire, std::int64_t now) {
  if (!wire.is_object() || wire.value("type", std::string()) != "im") return;
  auto id = protocol::readString(wire, "sessionId", SessionStore::kMaxSessionIdLength);
  if (!id || id->empty()) return;
  const SessionRecord* session = mSessions.find(*id);
  if (!session) return;
  std::int64_t last = protocol::readInt(wire, "lastMessageSeq").value_or(0);
  if (mChats.onSession(*id, last, session->state == SessionState::Talking)) fetch(*id, now);
}

void ChatSync::onMessageEvent(const Json& data, std::int64_t now) {
  auto id = protocol::readString(data, "sessionId", SessionStore::kMaxSessionIdLength);
  auto message = data.find("message");
  std::int64_t seq = 0;
  if (message != data.end()) seq = protocol::readInt(*message, "seq").value_or(0);
  if (!id || id->empty() || seq < 1 || !mSessions.find(*id)) {
    ++mStats.rejectedEvents;
    return;
  }
  switch (mChats.onMessage(*id, seq)) {
    case ChatTracker::Verdict::Deliver:
      emit(*id, *message);
      break;
    case ChatTracker::Verdict::Duplicate:
      ++mStats.duplicateEvents;
      break;
    case ChatTracker::Verdict::Gap:
      if (mChats.takeCatchUp(*id)) fetch(*id, now);
      break;
  }
}

void ChatSync::onPage(const PendingRequest& pending, const protocol::Response& response, std::int64_t now) {
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
  for (const Json* m : mChats.onPage(pending.sessionId, *messages, hasMore, fetchAgain)) emit(pending.sessionId, *m);
  if (fetchAgain && mConnection.loggedIn()) fetch(pending.sessionId, now);
}

bool ChatSync::resolveData(const PendingRequest& pending, const Json& answer, Json& data, std::int64_t now) {
  data = Json::object();
  data["sessionId"] = pending.sessionId;
  if (pending.settle == Settle::ChatSend) {
    auto m = answer.find("message");
    if (m == answer.end()) return false;
    auto normalised = normaliseChatMessage(*m);
    if (!normalised) return false;
    mChats.onOwnMessage(pending.sessionId, (*normalised)["seq"].get<std::int64_t>());
    if (mChats.takeCatchUp(pending.sessionId)) fetch(pending.sessionId, now);
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

}  // namespace tccc::core
