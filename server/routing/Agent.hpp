// SPDX-License-Identifier: Apache-2.0
// An agent (staff member) as the routing engine knows it: its connection, status and the
// durations spent in each, the skill groups it serves, and its view of every session it has seen.
#ifndef TCCC_SERVER_ROUTING_AGENT_HPP
#define TCCC_SERVER_ROUTING_AGENT_HPP

#include "routing/Ids.hpp"

#include "errors/Errors.hpp"

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace tccc::server::routing {

/// An agent's view of one session: its wire form as last sent (docs/protocol.md, "Sessions").
/// Kept as the JSON text that was sent, not as a tree: a tree cost ~20 allocations to build, as
/// many to free at the next change, and ~2 KB per view; only a login's snapshot reads it back.
struct SessionView {
  std::string sessionId;
  std::string wire;                            // the session object as JSON text
  SessionState state = SessionState::Ringing;  // the "state" in `wire`
  SessionType type = SessionType::Phone;       // the "type" in `wire`
  bool outgoing = false;                       // "direction" is "out"
  bool ended = false;
  std::int64_t endedAtMs = 0;
  std::int64_t acceptMs = 0;
};

struct Agent {
  AgentIdx idx = 0;
  std::int64_t sdkAppId = 0;
  StaffInfo staff;
  std::vector<std::int64_t> groups;  // skill groups the tenant knows, in the staff's order
  ConnectionId conn = 0;             // 0 while away
  bool removed = false;              // staff deleted through the cloud API

  // Status
  AgentStatus status = AgentStatus::Offline;
  std::string restReason;
  StatusReason lastReason = StatusReason::Login;
  std::int64_t statusSinceMs = 0;
  std::int64_t lastOnlineMs = 0;
  std::int64_t idleSinceMs = 0;
  std::array<std::int64_t, protocol::kAgentStatusCount> durations{};  // ms per status, before the current one
  std::uint64_t acwGen = 0;                                           // bumped to cancel the after-call-work timer

  // Connection
  std::int64_t seq = 0;        // the event stream's last sequence number
  std::string resumeToken;     // the credential a reconnect logs in with
  std::uint64_t graceGen = 0;  // bumped to cancel the grace-period expiry

  // Routing
  bool available = false;     // in its groups' longest-idle sets (ACD)
  std::int64_t availKey = 0;  // the idle-since time it is filed under there
  std::string offering;       // the call ringing at it (chats ring many at once and are not here)
  std::vector<SessionView> views;
  std::unordered_map<std::string, std::pair<std::int64_t, std::variant<Json, Error>>>
      dedupe;  // clientRequestId -> (expiry, answer)

  SessionView* view(std::string_view sessionId) {
    for (auto& v : views)
      if (v.sessionId == sessionId) return &v;
    return nullptr;
  }
  const std::string& displayName() const { return staff.nick.empty() ? staff.name : staff.nick; }
};

}  // namespace tccc::server::routing

#endif
