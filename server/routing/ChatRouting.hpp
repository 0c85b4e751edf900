// SPDX-License-Identifier: Apache-2.0
// Chat (im) sessions: docs/protocol.md "Chat".
//
// Rules (decided here, documented in docs/protocol.md):
// - A chat is routed like a call over an online (`im`) skill group: queue, offer, ring timeout →
//   next agent (autoTransfer), maxQueueLength / maxWaitSec, transfer to a group or agent.
// - Chats never make an agent `busy`. An agent takes new chats while `free` or `busy` (on a call),
//   connected, and holding fewer chats (live + ringing) than its capacity: the largest
//   MaxConcurrency of its im skill groups. Among those, the least loaded, then longest idle, is
//   offered first. Calls ignore chats entirely.
// - Every message is stored (ChatRepository) before it is acknowledged or delivered, with a
//   per-session seq 1, 2, 3 …; a sender's clientMsgId makes a retry return the stored message.
// - A visitor whose socket drops may resume (chat.resume with its visitorToken) for
//   chatVisitorGraceMs; an agent gone for good hands its chats back to their group.
#ifndef TCCC_SERVER_ROUTING_CHATROUTING_HPP
#define TCCC_SERVER_ROUTING_CHATROUTING_HPP

#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"

#include "../chat/ChatRepository.hpp"
#include "../http/TokenBucket.hpp"

#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace tccc::server::routing {

struct Agent;
struct CustomerLeg;

class ChatRouting {
 public:
  explicit ChatRouting(RoutingContext& c);
  ~ChatRouting();

  /// Where messages and IM CDRs go (not owned); without one, chats are kept in memory.
  void setRepository(ChatRepository* repository) { mRepository = repository; }

  // --- agent side ---
  Result accept(Agent& agent, Session& chat, std::int64_t nowMs);
  Result hangUp(Agent& agent, Session& chat, std::int64_t nowMs);
  Result transfer(Agent& agent, Session& chat, const Json& data, std::int64_t nowMs);
  /// chat.send from an agent (`chat` may be null: the agent knows the id, the engine forgot it).
  Result agentSend(Agent& agent, Session* chat, const std::string& sessionId, const Json& data, std::int64_t nowMs);
  Result agentHistory(Agent& agent, Session* chat, const std::string& sessionId, const Json& data);
  /// The agent is offline for good (grace period over, logout, removed): its chats go back to
  /// their group, history and all, instead of ending on the visitor.
  void agentGone(Agent& agent, std::int64_t nowMs);
  /// Whether the agent holds an accepted chat that has not ended.
  bool holdsChats(const Agent& agent) const;

  /// A chat the last run of the server left live (its live-chat journal entry): it goes on under
  /// its id, with its history and visitorToken. One an agent had accepted stays that agent's, who
  /// has the reconnect grace period to log in again (then, as for any agent gone, it goes back to
  /// its group); one still waiting is queued again once its visitor is back. Either way the visitor
  /// has chatVisitorGraceMs to resume. False when the entry cannot be resumed (written by an older
  /// server, its skill group gone, its id taken).
  bool restore(const LiveChatRecord& entry, std::int64_t nowMs);

  // --- visitor side (/ws/customer) ---
  Result start(CustomerLeg& leg, const Json& data, std::int64_t nowMs);
  Result resume(CustomerLeg& leg, const Json& data, std::int64_t nowMs);
  Result visitorSend(Session& chat, const Json& data, std::int64_t nowMs);
  Result visitorHistory(Session& chat, const Json& data);
  /// chat.end (or customer.hangUp) from the visitor.
  void visitorEnded(Session& chat, std::int64_t nowMs);
  /// The visitor's socket dropped: not a goodbye, the chat waits chatVisitorGraceMs for a resume.
  void visitorLeft(Session& chat, std::int64_t nowMs);

  // --- both ---
  void end(Session& chat, const EndSpec& spec, std::int64_t nowMs);
  /// Offers waiting chats, moves offers on from agents who cannot take them now, and retries IM
  /// CDRs the store refused. Run once after every input the engine handles.
  void dispatch(std::int64_t nowMs);
  /// The session's one timer: queue wait, ring timeout, visitor grace.
  void onTimer(Session& chat, std::int64_t nowMs);
  /// The session is dropped from the engine's memory.
  void forget(const Session& chat) { mChats.erase(chat.id); }

  /// The im fields of a session's wire form (nickname, … lastMessageSeq).
  void wireFields(const Session& chat, Json& wire) const;
  /// Views keep the wire form of their last state change; a snapshot needs the current message count.
  void refreshWires(Json& sessions) const;

  /// Whether a chat transferred to `agent` would be offered to it now (connected, free or busy,
  /// below its capacity).
  bool takesChatNow(const Agent& agent) const { return eligible(agent, true) && load(agent) < capacity(agent); }

 private:
  struct ChatState;
  ChatState* state(const std::string& sessionId) const;
  /// The chat state of a new or restored chat, with the visitor's fields of `visitor` (chat.start's
  /// data or a journal entry's resume fields) on the session too.
  ChatState& adopt(Session& chat, const Json& visitor, std::int64_t nowMs);
  ChatRepository& repository();
  Result send(Session& chat, protocol::MessageFrom from, const std::string& senderId, const std::string& senderName,
              const Json& data, std::int64_t nowMs);
  Result history(const Session& chat, const Json& data, bool forVisitor);
  void enqueue(Session& chat, std::int64_t skillGroupId, std::int64_t nowMs, bool first);
  void dequeue(Session& chat);
  void offer(Session& chat, Agent& agent, std::int64_t nowMs);
  void withdraw(Session& chat, EndReason endReason, CloseBy closeBy, EndStatus legStatus, std::int64_t nowMs);
  void arm(Session& chat);
  void tellVisitor(Session& chat, CustomerState state, std::optional<EndStatus> reason = std::nullopt);
  /// Stores and delivers a notice from the server; `agentName` is the agent it is about ("" for Ended).
  void systemMessage(Session& chat, protocol::ChatNotice notice, const std::string& agentName, std::int64_t nowMs);
  void deliver(Session& chat, const ChatMessageRecord& message);
  void storeImCdr(const Session& chat);
  /// Writes the chat's entry in the live-chat journal (at its start and at each accept); at the start
  /// the chat is not in its group yet: `skillGroupId` says which.
  void journal(const Session& chat, std::int64_t nowMs, std::int64_t skillGroupId = 0);
  bool eligible(const Agent& agent, bool forNewOffer) const;
  int load(const Agent& agent) const;
  int capacity(const Agent& agent) const;

  RoutingContext& c;
  std::unique_ptr<ChatRepository> mOwnRepository;  // used when the host sets none
  ChatRepository* mRepository = nullptr;
  std::unordered_map<std::string, std::shared_ptr<ChatState>> mChats;  // by sessionId
  std::set<SessionSerial> mOffers;                                     // chats ringing at an agent
  std::vector<ImCdrRecord> mUnstoredImCdrs;  // the repository failed: retried on the next dispatch
};

}  // namespace tccc::server::routing

#endif
