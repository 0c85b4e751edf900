// SPDX-License-Identifier: Apache-2.0
// Agents' statuses (docs/protocol.md, "Agent status"): the changes and why, the time spent in each
// (DescribeStaffStatusMetrics), after-call work and its timer, and what a status means for the ACD
// (an agent is offered calls while free, connected, not ringing and not on a call).
#ifndef TCCC_SERVER_ROUTING_AGENTSTATUSTRACKER_HPP
#define TCCC_SERVER_ROUTING_AGENTSTATUSTRACKER_HPP

#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"
#include "routing/TimerQueue.hpp"

#include <string>
#include <vector>

namespace tccc::server::routing {

struct Agent;

class AgentStatusTracker : public TimerOwner {
 public:
  explicit AgentStatusTracker(RoutingContext& c) : c(c) {}

  /// Moves the agent to `status` (a rest reason only with rest) and tells it; a no-op when nothing
  /// changes. The last agent of a group going offline ends the calls waiting there.
  void set(Agent& agent, AgentStatus status, StatusReason reason, const std::string& restReason, std::int64_t nowMs);
  /// Files the agent as free in the ACD, or takes it out, as its state now says; a newly free
  /// agent is offered the best waiting call at once.
  void refreshAvailability(Agent& agent, std::int64_t nowMs);
  /// Whether the agent is on a call that has not ended (chats never count).
  bool onCall(const Agent& agent) const;
  /// A call of the agent ended: after-call work (the group's afterCallWorkSec) or free again.
  void callEnded(Agent& agent, const Session& session, std::int64_t nowMs);

  // agent.setStatus / agent.online / agent.offline
  Result requestStatus(Agent& agent, const Json& data, std::int64_t nowMs);
  Result goOnline(Agent& agent, std::int64_t nowMs);
  Result goOffline(Agent& agent, std::int64_t nowMs);

  /// DescribeStaffStatusMetrics rows of the tenant's agents (all of them when `userIds` is empty).
  Json metrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds, std::int64_t nowMs) const;

  void onTimer(std::uint64_t agentIdx, std::uint64_t gen, std::int64_t nowMs) override;  // after-call work over

 private:
  RoutingContext& c;
};

}  // namespace tccc::server::routing

#endif
