// SPDX-License-Identifier: Apache-2.0
// Exactly-once delivery of chat messages to the integrator. The server numbers the messages of a
// chat 1, 2, 3 … (seq) and delivers them at least once: as `chat.message` events while this agent
// holds the chat, and on request through `chat.history`. This tracker keeps, per chat session, the
// highest seq already handed to the integrator (`delivered`); a message at delivered+1 goes out, one
// at or below is a duplicate, one further ahead means messages were missed (a dropped socket, a
// reconnect) and the core fetches them with `chat.history afterSeq=delivered` before going on.
//
// What counts as new: messages stored after the chat first reached this agent (the session's
// `lastMessageSeq` when the core first saw it). Older ones (the visitor's words while queued, the
// previous agent's conversation after a transfer) are history: Chat.getMessages reads them.
#ifndef TCCC_CORE_CHAT_TRACKER_HPP
#define TCCC_CORE_CHAT_TRACKER_HPP

#include "protocol/Protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tccc::core {

class ChatTracker {
 public:
  static constexpr std::int64_t kCatchUpPage = 100;

  enum class Verdict { Deliver, Duplicate, Gap };

  /// A chat session as the server reported it (callIn, state change, snapshot). Returns true when
  /// the core should fetch missed messages now (the chat is live and accepted, the server has more
  /// than was delivered, and no fetch is in flight); the fetch is then marked in flight.
  bool onSession(const std::string& sessionId, std::int64_t lastMessageSeq, bool talking);
  /// A live message with this seq. Deliver advances `delivered`; Gap marks a fetch in flight when
  /// none was (the caller then fetches: check catchUpNeeded()).
  Verdict onMessage(const std::string& sessionId, std::int64_t seq);
  /// The answer to one's own chat.send: a message this agent sent is delivered by definition.
  void onOwnMessage(const std::string& sessionId, std::int64_t seq);
  /// True if a fetch should be sent now for this session (set by onMessage Gap / onSession).
  bool takeCatchUp(const std::string& sessionId);
  /// One page of a fetch arrived: returns the messages to hand out (in order, after delivered),
  /// and whether another page must be fetched.
  std::vector<const protocol::Json*> onPage(const std::string& sessionId, const protocol::Json& messages, bool hasMore,
                                            bool& fetchAgain);
  /// A fetch failed (error, connection lost): it may be tried again later.
  void fetchFailed(const std::string& sessionId);
  /// The connection was lost: no fetch is in flight any more.
  void resetInFlight();
  void forget(std::string_view sessionId);

  std::int64_t delivered(const std::string& sessionId) const;
  std::size_t size() const { return mChats.size(); }

 private:
  struct Chat {
    std::int64_t delivered = 0;
    std::int64_t highestSeen = 0;  // the highest seq the server has shown us (event or session)
    bool inFlight = false;
    bool wanted = false;  // a fetch should be sent
  };
  static constexpr std::size_t kMaxChats = 256;  // ended chats are forgotten with their sessions
  using Entry = std::pair<std::string, Chat>;

  std::vector<Entry>::iterator find(std::string_view sessionId);
  std::vector<Entry>::const_iterator find(std::string_view sessionId) const;
  Chat& at(const std::string& sessionId);  // inserts a new chat at 0 when unknown

  // An agent holds a handful of chats (its capacity): a flat vector searched linearly is as fast
  // as a hash map here and keeps the hash-table code (~4 KB) out of the wasm.
  std::vector<Entry> mChats;
};

/// Checks a server message object and copies its documented fields (messageId, sessionId, seq,
/// from, senderId, senderName, type, text, clientMsgId?, time). nullopt when malformed.
std::optional<protocol::Json> normaliseChatMessage(const protocol::Json& message);

}  // namespace tccc::core

#endif
