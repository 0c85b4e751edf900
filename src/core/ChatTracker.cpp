// SPDX-License-Identifier: Apache-2.0
#include "core/ChatTracker.hpp"

#include "core/AnswerFields.hpp"

#include "protocol/Vocabulary.generated.hpp"

namespace tccc::core {

using Json = protocol::Json;

bool ChatTracker::onSession(const std::string& sessionId, std::int64_t lastMessageSeq, bool talking) {
  if (lastMessageSeq < 0) lastMessageSeq = 0;
  auto it = find(sessionId);
  if (it == mChats.end()) {
    if (mChats.size() >= kMaxChats) {
      // Bounded: drop an idle entry (no fetch in flight). Its session is long gone in practice.
      for (auto x = mChats.begin(); x != mChats.end(); ++x)
        if (!x->second.inFlight) {
          mChats.erase(x);
          break;
        }
    }
    Chat chat;
    chat.delivered = chat.highestSeen = lastMessageSeq;  // what came before is history
    mChats.emplace_back(sessionId, chat);
    return false;
  }
  Chat& chat = it->second;
  if (lastMessageSeq > chat.highestSeen) chat.highestSeen = lastMessageSeq;
  if (!talking || chat.highestSeen <= chat.delivered || chat.inFlight) return false;
  chat.inFlight = true;
  chat.wanted = false;
  return true;
}

ChatTracker::Verdict ChatTracker::onMessage(const std::string& sessionId, std::int64_t seq) {
  Chat& chat = at(sessionId);  // a message before its session: treated as a new chat at 0
  if (seq > chat.highestSeen) chat.highestSeen = seq;
  if (seq <= chat.delivered) return Verdict::Duplicate;
  if (seq == chat.delivered + 1 && !chat.inFlight) {
    chat.delivered = seq;
    return Verdict::Deliver;
  }
  // Ahead of what we have (or a fetch is already filling the hole): the fetch brings it in order.
  if (!chat.inFlight) chat.wanted = true;
  return Verdict::Gap;
}

void ChatTracker::onOwnMessage(const std::string& sessionId, std::int64_t seq) {
  Chat& chat = at(sessionId);
  if (seq > chat.highestSeen) chat.highestSeen = seq;
  if (seq == chat.delivered + 1 && !chat.inFlight)
    chat.delivered = seq;
  else if (seq > chat.delivered && !chat.inFlight)
    chat.wanted = true;  // others' messages came before ours
}

bool ChatTracker::takeCatchUp(const std::string& sessionId) {
  auto it = find(sessionId);
  if (it == mChats.end() || !it->second.wanted || it->second.inFlight) return false;
  it->second.wanted = false;
  it->second.inFlight = true;
  return true;
}

std::vector<const Json*> ChatTracker::onPage(const std::string& sessionId, const Json& messages, bool hasMore,
                                             bool& fetchAgain) {
  std::vector<const Json*> out;
  fetchAgain = false;
  auto it = find(sessionId);
  if (it == mChats.end()) return out;
  Chat& chat = it->second;
  if (messages.is_array()) {
    for (const auto& m : messages) {
      auto seq = protocol::readInt(m, "seq");
      if (!seq || *seq <= chat.delivered) continue;
      if (*seq != chat.delivered + 1) break;  // never hand out past a hole
      chat.delivered = *seq;
      if (*seq > chat.highestSeen) chat.highestSeen = *seq;
      out.push_back(&m);
    }
  }
  fetchAgain = hasMore || chat.highestSeen > chat.delivered;
  // No progress on a page that should have had some: stop rather than loop; the next event retries.
  if (fetchAgain && out.empty() && !hasMore) fetchAgain = false;
  chat.inFlight = fetchAgain;
  chat.wanted = false;
  return out;
}

void ChatTracker::fetchFailed(const std::string& sessionId) {
  auto it = find(sessionId);
  if (it != mChats.end()) it->second.inFlight = false;
}

void ChatTracker::resetInFlight() {
  for (auto& [id, chat] : mChats) {
    chat.inFlight = false;
    chat.wanted = false;
  }
}

void ChatTracker::forget(std::string_view sessionId) {
  auto it = find(sessionId);
  if (it != mChats.end()) mChats.erase(it);
}

std::vector<ChatTracker::Entry>::iterator ChatTracker::find(std::string_view sessionId) {
  auto it = mChats.begin();
  while (it != mChats.end() && it->first != sessionId) ++it;
  return it;
}

std::vector<ChatTracker::Entry>::const_iterator ChatTracker::find(std::string_view sessionId) const {
  auto it = mChats.begin();
  while (it != mChats.end() && it->first != sessionId) ++it;
  return it;
}

ChatTracker::Chat& ChatTracker::at(const std::string& sessionId) {
  auto it = find(sessionId);
  if (it != mChats.end()) return it->second;
  return mChats.emplace_back(sessionId, Chat{}).second;
}

std::int64_t ChatTracker::delivered(const std::string& sessionId) const {
  auto it = find(sessionId);
  return it == mChats.end() ? 0 : it->second.delivered;
}

std::optional<Json> normaliseChatMessage(const Json& message) {
  if (!message.is_object()) return std::nullopt;
  auto seq = protocol::readInt(message, "seq");
  auto id = protocol::readString(message, "messageId", 128);
  auto sessionId = protocol::readString(message, "sessionId", 128);
  auto from = protocol::readString(message, "from", 16);
  auto text = protocol::readString(message, "text", 65536);
  auto time = protocol::readInt(message, "time");
  if (!seq || *seq < 1 || !id || id->empty() || !sessionId || !from || !text || !time) return std::nullopt;
  Json out = Json::object();
  out["messageId"] = std::move(*id);
  out["sessionId"] = std::move(*sessionId);
  out["seq"] = *seq;
  out["from"] = std::move(*from);
  static constexpr PickField kFields[] = {
      {"senderId", 256, Pick::TextOrEmpty}, {"senderName", 256, Pick::TextOrEmpty}, {"clientMsgId", 64, Pick::Text}};
  pickFields(message, out, kFields);
  auto type = protocol::readString(message, "type", 32);
  out["type"] = type ? std::move(*type) : std::string("text");
  out["text"] = std::move(*text);
  // Only a known notice passes: the UI words it from its own table, so an unknown one would
  // show nothing; without it the message's text is shown as it is.
  if (auto notice = protocol::readString(message, "notice", 32); notice && protocol::chatNoticeFromString(*notice))
    out["notice"] = *notice;
  out["time"] = *time;
  return out;
}

}  // namespace tccc::core
