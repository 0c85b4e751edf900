// SPDX-License-Identifier: Apache-2.0
// How an inbound call finds an agent: it enters at a service number (through its IVR or straight
// to a skill group), waits in the group's queue, and is offered to the longest-idle free agent;
// a ring timeout or a reject offers it to the next one, and an agent who becomes free takes the
// best waiting call of its groups (higher group priority first, then the longest wait).
// Chats share the queue admission and the ringing steps (ChatRouting).
#ifndef TCCC_SERVER_ROUTING_CALLROUTING_HPP
#define TCCC_SERVER_ROUTING_CALLROUTING_HPP

#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"

#include <optional>

namespace tccc::server::routing {

struct Agent;

class CallRouting {
 public:
  explicit CallRouting(RoutingContext& c) : c(c) {}

  /// A call arrives at a service number: its IVR, or its default skill group.
  void arrive(Session& session, const ServiceNumberInfo& number, std::int64_t nowMs);
  /// Queues the call in a skill group (`first`: it starts waiting now) and offers it if it can.
  void enqueue(Session& session, std::int64_t skillGroupId, std::int64_t nowMs, bool first);
  void dequeue(Session& session);
  /// Rings `agent` with the call.
  void offerTo(Session& session, Agent& agent, std::int64_t nowMs);
  /// `agent` just became free: it takes the best call waiting in its groups, if any.
  void agentAvailable(Agent& agent, std::int64_t nowMs);
  /// The ringing agent's offer ends (endReason and closeBy for its view, legStatus for its CDR leg).
  void withdrawOffer(Session& session, EndReason endReason, CloseBy closeBy, EndStatus legStatus, std::int64_t nowMs);
  /// After a withdrawn offer: back to the call's group, or ended (unconnected) when it has none.
  void requeueOrEnd(Session& session, CloseBy closeByIfEnded, std::int64_t nowMs);
  /// The agent let it ring out: the next agent's turn (autoTransfer in the SDK).
  void ringTimedOut(Session& session, std::int64_t nowMs);

  // Steps calls and chats share: they differ in their queues, their timers and what they tell the
  // customer, not in these.

  /// The checks a session passes to wait in a skill group's queue, where `waiting` sessions already
  /// are: binds it to the group and, the first time, starts its wait. Returns how it ends instead
  /// (`waitedTooLong`: the end status of a full queue or an expired wait), or nullopt with the
  /// session marked queued and `giveUpAt` set; the caller then puts it in its own queue.
  std::optional<EndSpec> admit(Session& session, std::int64_t skillGroupId, std::size_t waiting, bool first,
                               EndStatus waitedTooLong, std::int64_t nowMs, std::int64_t& giveUpAt);
  /// Rings `agent` (a new leg of the session) and returns when the ring times out.
  std::int64_t startRinging(Session& session, Agent& agent, std::int64_t nowMs);
  /// Ends the ringing agent's leg and view (the session is not offered there again and is left
  /// Queued, outside any queue); returns that agent, or null if nobody was ringing.
  Agent* endOffer(Session& session, EndReason endReason, CloseBy closeBy, EndStatus legStatus, std::int64_t nowMs);

 private:
  bool tryOffer(Session& session, std::int64_t nowMs);

  RoutingContext& c;
};

}  // namespace tccc::server::routing

#endif
