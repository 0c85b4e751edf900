// SPDX-License-Identifier: Apache-2.0
// Each agent's view of the sessions it has seen: the wire form of docs/protocol.md ("Sessions"),
// sent as session.state on every change, kept for the snapshot a (re)login answers with, and
// forgotten after endedRetentionMs (or session.delete).
#ifndef TCCC_SERVER_ROUTING_SESSIONVIEWS_HPP
#define TCCC_SERVER_ROUTING_SESSIONVIEWS_HPP

#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"

namespace tccc::server::routing {

struct Agent;

class SessionViews {
 public:
  explicit SessionViews(RoutingContext& c) : c(c) {}

  /// The agent's view of `session` is now `state` (plus `extra` fields): sent and kept.
  void update(Agent& agent, Session& session, SessionState state, std::int64_t nowMs, const Json& extra = Json());
  /// Sends the agent's view again in its current state (a flag such as muted changed).
  void refresh(Agent& agent, Session& session, std::int64_t nowMs);
  /// Ends `agent`'s view of a session that is ending, and the agent's open leg, with the session's
  /// end status (closeBy "seat" for the agent who ended it); in a call that was `connected`, a leg
  /// that never answered ends "ok" instead.
  void end(Session& session, Agent& agent, const EndSpec& spec, EndReason endReason, bool connected,
           std::int64_t nowMs);
  /// session.delete: forgets an ended session. ERR_INVALID_STATE while it is live.
  Result forget(Agent& agent, const std::string& sessionId);
  /// Drops views that ended more than endedRetentionMs ago.
  void prune(Agent& agent, std::int64_t nowMs);
  /// The login response: agent, sessions, the event stream position and what the client needs.
  Json snapshot(Agent& agent, std::int64_t nowMs);

 private:
  class WireText;
  /// The agent placed this call (its wire "direction" is "out").
  static bool isOutgoing(const Agent& agent, const Session& session);
  /// Writes `session` as `agent` sees it in `state` (a chat's fields come through `imFields`).
  void wire(WireText& out, const Agent& agent, const Session& session, SessionState state, Json& imFields) const;

  RoutingContext& c;
};

}  // namespace tccc::server::routing

#endif
