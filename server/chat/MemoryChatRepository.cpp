// SPDX-License-Identifier: Apache-2.0
#include "chat/MemoryChatRepository.hpp"

#include <algorithm>
#include <stdexcept>

namespace tccc::server {

ChatMessageRecord MemoryChatRepository::appendChatMessage(const ChatMessageRecord& message) {
  if (mFailing) throw std::runtime_error("chat store unavailable");
  auto& list = mMessages[{message.sdkAppId, message.sessionId}];
  if (!message.clientMsgId.empty())
    for (const auto& m : list)
      if (m.senderRole == message.senderRole && m.clientMsgId == message.clientMsgId) return m;
  list.push_back(message);
  return message;
}

std::vector<ChatMessageRecord> MemoryChatRepository::listChatMessages(std::int64_t sdkAppId, std::string_view sessionId,
                                                                      std::int64_t afterSeq, std::int64_t limit) {
  std::vector<ChatMessageRecord> out;
  auto it = mMessages.find({sdkAppId, std::string(sessionId)});
  if (it == mMessages.end()) return out;
  for (const auto& m : it->second) {
    if (static_cast<std::int64_t>(out.size()) >= limit) break;
    if (m.seq > afterSeq) out.push_back(m);
  }
  return out;
}

std::int64_t MemoryChatRepository::lastChatSeq(std::int64_t sdkAppId, std::string_view sessionId) {
  auto it = mMessages.find({sdkAppId, std::string(sessionId)});
  return it == mMessages.end() || it->second.empty() ? 0 : it->second.back().seq;
}

std::pair<std::int64_t, std::vector<ChatMessageRecord>> MemoryChatRepository::queryChatMessages(
    std::int64_t sdkAppId, std::string_view sessionId, bool ascending, std::int64_t offset, std::int64_t limit) {
  std::vector<ChatMessageRecord> all;
  for (const auto& [key, list] : mMessages)
    if (key.first == sdkAppId && (sessionId.empty() || key.second == sessionId))
      all.insert(all.end(), list.begin(), list.end());
  std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
    return ascending ? a.createdMs < b.createdMs : a.createdMs > b.createdMs;
  });
  std::vector<ChatMessageRecord> page;
  for (std::int64_t i = offset; i < static_cast<std::int64_t>(all.size()) && i < offset + limit; ++i)
    page.push_back(all[static_cast<std::size_t>(i)]);
  return {static_cast<std::int64_t>(all.size()), std::move(page)};
}

void MemoryChatRepository::storeImCdr(const ImCdrRecord& cdr) {
  mCdrs[{cdr.sdkAppId, cdr.sessionId}] = cdr;
  mLiveChats.erase({cdr.sdkAppId, cdr.sessionId});
}

void MemoryChatRepository::journalLiveChat(const LiveChatRecord& entry) {
  mLiveChats[{entry.soFar.sdkAppId, entry.soFar.sessionId}] = entry;
}

std::pair<std::int64_t, std::vector<ImCdrRecord>> MemoryChatRepository::queryImCdrs(
    std::int64_t sdkAppId, std::int64_t start, std::int64_t end, std::int64_t offset, std::int64_t limit) {
  std::vector<ImCdrRecord> all;
  for (const auto& [key, c] : mCdrs)
    if (key.first == sdkAppId && c.startTimestamp >= start && c.startTimestamp <= end) all.push_back(c);
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.startTimestamp > b.startTimestamp; });
  std::vector<ImCdrRecord> page;
  for (std::int64_t i = offset; i < static_cast<std::int64_t>(all.size()) && i < offset + limit; ++i)
    page.push_back(all[static_cast<std::size_t>(i)]);
  return {static_cast<std::int64_t>(all.size()), std::move(page)};
}

}  // namespace tccc::server
