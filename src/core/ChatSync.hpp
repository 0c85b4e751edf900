// SPDX-License-Identifier: Apache-2.0
// Chat (im) messages for the integrator (docs/protocol.md "Chat"): `chat.message` events and
// `chat.history` pages become exactly one `messageReceived` {sessionId, message} per message not
// sent by this agent, in seq order. ChatTracker decides what is new, a duplicate or a gap; this
// class feeds it from sessions, events and answers, emits what it hands out, and fetches what a gap
// (or a reconnect) says was missed, a page at a time.
#ifndef TCCC_CORE_CHAT_SYNC_HPP
#define TCCC_CORE_CHAT_SYNC_HPP

#include "core/ChatTracker.hpp"
#include "core/CommandQueue.hpp"
#include "core/Connection.hpp"
#include "core/RequestChannel.hpp"
#include "core/SessionStore.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tccc::core {

class ChatSync {
 public:
  /// `userId`: this agent's, whose own messages are not "received".
  ChatSync(CommandQueue& queue, RequestChannel& requests, const Connection& connection, const SessionStore& sessions,
           CoreStats& stats, const std::string& userId)
      : mQueue(queue),
        mRequests(requests),
        mConnection(connection),
        mSessions(sessions),
        mStats(stats),
        mUserId(userId) {}

  /// A login answer's snapshot: no fetch is in flight any more; each chat in it may have news.
  void onSnapshot(const Json& loginData, std::int64_t nowMs);
  /// A session in wire form (session.state or snapshot): an accepted chat with messages beyond
  /// those delivered is caught up.
  void onSession(const Json& wire, std::int64_t nowMs);
  /// A `chat.message` event.
  void onMessageEvent(const Json& data, std::int64_t nowMs);
  /// The answer to a catch-up fetch (Settle::ChatCatchUp).
  void onPage(const PendingRequest& pending, const protocol::Response& response, std::int64_t nowMs);
  /// The documented result of Chat.sendMessage ({sessionId, message}) or Chat.getMessages
  /// ({sessionId, messages, hasMore, lastSeq}) from the server's answer; false when it is malformed.
  /// One's own sent message counts as delivered.
  bool resolveData(const PendingRequest& pending, const Json& answer, Json& data, std::int64_t nowMs);
  /// The connection was lost: no fetch is in flight any more.
  void onLost() { mChats.resetInFlight(); }
  /// The integrator deleted the session.
  void forget(std::string_view sessionId) { mChats.forget(sessionId); }

 private:
  void emit(const std::string& sessionId, const Json& message);
  void fetch(const std::string& sessionId, std::int64_t nowMs);

  CommandQueue& mQueue;
  RequestChannel& mRequests;
  const Connection& mConnection;
  const SessionStore& mSessions;
  CoreStats& mStats;
  const std::string& mUserId;
  ChatTracker mChats;
};

}  // namespace tccc::core

#endif
