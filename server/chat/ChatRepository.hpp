// SPDX-License-Identifier: Apache-2.0
// Durable storage of chat (im) sessions: their messages, in order, and their service records (IM
// CDRs). The routing engine writes through this interface synchronously on the event-loop thread and
// acknowledges a message only once append() has returned, so a message a sender saw acknowledged is
// never lost: either append() itself waited for the disk, or the repository is a ChatGroupCommit and
// its host holds back every frame until the appends before it are on disk (ContactCenter). SqliteStore
// implements it for the server; MemoryChatRepository for tests and for an engine given no store.
#ifndef TCCC_SERVER_CHAT_CHATREPOSITORY_HPP
#define TCCC_SERVER_CHAT_CHATREPOSITORY_HPP

#include "Interfaces.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tccc::server {

/// One chat message as stored and as sent on the wire (docs/protocol.md "Chat").
struct ChatMessageRecord {
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::int64_t seq = 0;       // 1, 2, 3 … per session, no gaps
  std::string messageId;      // "m-…", unique
  std::string senderRole;     // visitor | agent | system
  std::string senderId;       // visitor userId or agent userId ("" for system)
  std::string senderName;     // nickname / agent nick at the time of sending
  std::string clientMsgId;    // the sender's idempotency key ("" for system messages)
  std::string type = "text";  // text (system messages: text too)
  std::string content;
  std::int64_t createdMs = 0;  // Unix epoch ms
};

/// One finished chat session: the IMCdrInfo model of the cloud API plus what it is queried by.
struct ImCdrRecord {
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::int64_t startTimestamp = 0;  // Unix seconds
  Json cdr;                         // IMCdrInfo fields (Id, Duration, EndStatus, Nickname, …)
};

/// Group commit of chat appends: appendChatMessage() commits without waiting for the disk and counts
/// the commit; syncAppended() makes every append counted so far durable, on another thread, so one
/// fsync covers all the messages of a burst and none waits on the event loop.
class ChatGroupCommit {
 public:
  virtual ~ChatGroupCommit() = default;
  /// Appends committed so far, durable or not. Any thread.
  virtual std::uint64_t appendedCount() const = 0;
  /// Reads and writes of chat messages so far (the event loop's thread): frames made by an input
  /// that read or wrote messages may tell of an append not yet durable, so they wait for it.
  virtual std::uint64_t accessCount() const = 0;
  /// Makes the appends counted when it starts durable; returns that count, or nullopt when the disk
  /// refused (the caller tries again). Runs on a helper thread, never on the event loop.
  virtual std::optional<std::uint64_t> syncAppended() = 0;
};

/// A chat the live-chat journal holds: what its IM CDR was when last journaled, and what the chat
/// needs to go on after a restart (routing/ChatRouting::restore).
struct LiveChatRecord {
  ImCdrRecord soFar;
  std::int64_t acceptedSec = 0;    // 0: no agent had accepted it
  std::int64_t journaledAtMs = 0;  // when the entry was written
  std::int64_t lastMessageMs = 0;  // the chat's newest stored message (0: none), when listed
  // visitorToken, skillGroupId, agentUserId, serviceNumber, … (ChatRouting::journal); empty for
  // entries an older server wrote, which cannot be resumed.
  Json resume = Json::object();
};

/// What start-up recovery needs of the live-chat journal (SqliteStore implements it).
class LiveChatJournal {
 public:
  virtual ~LiveChatJournal() = default;
  /// Every journaled chat, every tenant's, oldest first.
  virtual std::vector<LiveChatRecord> listLiveChats() = 0;
  /// Stores the IM CDRs and deletes their chats' journal entries, in one transaction: a second
  /// recovery finds nothing left, and no chat gets two CDRs.
  virtual void closeLiveChats(const std::vector<ImCdrRecord>& cdrs) = 0;
};

class ChatRepository {
 public:
  virtual ~ChatRepository() = default;
  /// Stores one message. If the session already has a message from the same sender role with the
  /// same non-empty clientMsgId, nothing is written and that earlier message is returned instead
  /// (idempotent retries). Throws StoreError (or another std::exception) when it cannot be stored.
  virtual ChatMessageRecord appendChatMessage(const ChatMessageRecord& message) = 0;
  /// False while the disk is failing (the server's StorageBreaker is open): the caller refuses a
  /// message at once (StorageUnavailable) instead of trying to store it.
  virtual bool acceptingWrites() const { return true; }
  /// Messages of a session with seq > afterSeq, oldest first, at most `limit`.
  virtual std::vector<ChatMessageRecord> listChatMessages(std::int64_t sdkAppId, std::string_view sessionId,
                                                          std::int64_t afterSeq, std::int64_t limit) = 0;
  /// The highest seq of a session (0: no message).
  virtual std::int64_t lastChatSeq(std::int64_t sdkAppId, std::string_view sessionId) = 0;
  /// Cloud API DescribeChatMessages: (total, page) with `ascending` order and offset/limit paging.
  virtual std::pair<std::int64_t, std::vector<ChatMessageRecord>> queryChatMessages(std::int64_t sdkAppId,
                                                                                    std::string_view sessionId,
                                                                                    bool ascending, std::int64_t offset,
                                                                                    std::int64_t limit) = 0;
  /// Writes (or replaces) the IM CDR of a finished session, and deletes its live-chat journal
  /// entry in the same transaction.
  virtual void storeImCdr(const ImCdrRecord& cdr) = 0;
  /// Journals a live chat (`lastMessageMs` is not written), replacing the chat's earlier entry. A
  /// chat still live when the server dies becomes an IM CDR at the next start
  /// (chat/InterruptedChatRecovery, docs/reliability.md). Throws when it cannot be written.
  virtual void journalLiveChat(const LiveChatRecord& entry) = 0;
  /// Cloud API DescribeIMCdrs: (total, page), newest first, StartTimestamp within [start, end].
  virtual std::pair<std::int64_t, std::vector<ImCdrRecord>> queryImCdrs(std::int64_t sdkAppId, std::int64_t start,
                                                                        std::int64_t end, std::int64_t offset,
                                                                        std::int64_t limit) = 0;
};

}  // namespace tccc::server

#endif
