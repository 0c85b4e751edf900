// SPDX-License-Identifier: Apache-2.0
// An agent's presence: login (with a token or a resume token) and the snapshot it answers with,
// logout, a socket that drops and the grace period that keeps its status and calls for a
// reconnect, being logged in elsewhere, and staff changes made through the cloud API.
#ifndef TCCC_SERVER_ROUTING_AGENTLIFECYCLE_HPP
#define TCCC_SERVER_ROUTING_AGENTLIFECYCLE_HPP

#include "routing/Ids.hpp"
#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/TimerQueue.hpp"

namespace tccc::server::routing {

struct Agent;

class AgentLifecycle : public TimerOwner {
 public:
  explicit AgentLifecycle(RoutingContext& c) : c(c) {}

  /// auth.login on `conn` (data validated): the snapshot, or why not.
  Result login(ConnectionId conn, const Json& data, std::int64_t nowMs);
  /// auth.logout, or a socket closed with the goodbye code: offline now, no grace period.
  void logout(Agent& agent, ConnectionId conn, std::int64_t nowMs);
  /// The agent's socket is gone without a goodbye: status and calls wait out the grace period.
  void disconnected(Agent& agent, ConnectionId conn, std::int64_t nowMs);
  /// Staff of a tenant changed: deleted staff are logged out, the others' groups follow.
  void staffChanged(std::int64_t sdkAppId, std::int64_t nowMs);
  /// Logs the agent out from outside (a supervisor): `agent.kicked` with `reason`, its socket closed
  /// with the no-reconnect code, then as auth.logout (offline, its calls and offer ended).
  void kick(Agent& agent, protocol::KickReason reason, std::int64_t nowMs);
  /// An agent the last run of the server had a chat with (ChatRouting::restore): known again,
  /// offline, with the reconnect grace period to log in before its chats go back to their group,
  /// as if its socket had dropped at `nowMs`.
  Agent& holdForReturn(const StaffInfo& staff, std::int64_t nowMs);

  void onTimer(std::uint64_t agentIdx, std::uint64_t gen, std::int64_t nowMs) override;  // grace period over

 private:
  Agent& ensure(const StaffInfo& staff);
  void expire(Agent& agent, std::int64_t nowMs);
  /// Logged out or put out: its resume token is void, here and in what a restart keeps.
  void dropResumeToken(Agent& agent);
  void mediaConnection(Agent& agent, bool up);

  RoutingContext& c;
};

}  // namespace tccc::server::routing

#endif
