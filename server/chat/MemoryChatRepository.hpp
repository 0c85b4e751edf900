// SPDX-License-Identifier: Apache-2.0
// ChatRepository in memory: what the routing engine uses when the host gives it no durable store
// (unit tests, embedding), with the same ordering and idempotency rules as the SQLite one.
#ifndef TCCC_SERVER_CHAT_MEMORYCHATREPOSITORY_HPP
#define TCCC_SERVER_CHAT_MEMORYCHATREPOSITORY_HPP

#include "chat/ChatRepository.hpp"

#include <map>

namespace tccc::server {

class MemoryChatRepository : public ChatRepository {
 public:
  ChatMessageRecord appendChatMessage(const ChatMessageRecord& message) override;
  std::vector<ChatMessageRecord> listChatMessages(std::int64_t sdkAppId, std::string_view sessionId,
                                                  std::int64_t afterSeq, std::int64_t limit) override;
  std::int64_t lastChatSeq(std::int64_t sdkAppId, std::string_view sessionId) override;
  std::pair<std::int64_t, std::vector<ChatMessageRecord>> queryChatMessages(std::int64_t sdkAppId,
                                                                            std::string_view sessionId, bool ascending,
                                                                            std::int64_t offset,
                                                                            std::int64_t limit) override;
  void storeImCdr(const ImCdrRecord& cdr) override;
  void journalLiveChat(const LiveChatRecord& entry) override;
  std::pair<std::int64_t, std::vector<ImCdrRecord>> queryImCdrs(std::int64_t sdkAppId, std::int64_t start,
                                                                std::int64_t end, std::int64_t offset,
                                                                std::int64_t limit) override;

  /// The live-chat journal as it stands (tests).
  const std::map<std::pair<std::int64_t, std::string>, LiveChatRecord>& liveChats() const { return mLiveChats; }

  /// Makes the next appends throw (tests of the "store failed" path).
  void setFailing(bool failing) { mFailing = failing; }

 private:
  using Key = std::pair<std::int64_t, std::string>;
  std::map<Key, std::vector<ChatMessageRecord>> mMessages;
  std::map<Key, ImCdrRecord> mCdrs;
  std::map<Key, LiveChatRecord> mLiveChats;
  bool mFailing = false;
};

}  // namespace tccc::server

#endif
