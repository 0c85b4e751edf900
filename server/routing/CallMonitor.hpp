// SPDX-License-Identifier: Apache-2.0
// Supervisors on agents' calls (supervisor.monitor / supervisor.stopMonitor, docs/protocol.md
// "Supervisor on a call"): who is on which call and how (listen, whisper, barge), and the tickets
// their browsers present at POST /media/monitor to open the supervisor's leg (media::MonitorMix).
// Listening is watching: an administrator or a quality inspector may listen; whispering and barging
// in speak to the call, which only an administrator may. One supervisor per call at a time. The
// call must be connected and its audio must pass through the server (an anchored call, or a call
// of the simulated network with server media).
#ifndef TCCC_SERVER_ROUTING_CALLMONITOR_HPP
#define TCCC_SERVER_ROUTING_CALLMONITOR_HPP

#include "routing/Agent.hpp"
#include "routing/MediaWsTokens.hpp"
#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

namespace tccc::server::routing {

class CallMonitor {
 public:
  /// Where the supervisor's browser posts its SDP offer, with the ticket as a bearer token.
  static constexpr const char* kPath = "/media/monitor";

  explicit CallMonitor(RoutingContext& c) : c(c) {}

  /// supervisor.monitor {sessionId, mode}: puts the supervisor on the call in `mode` (or changes
  /// the mode it is on it with) and answers {path, token, mode}: a single-use ticket for its leg,
  /// needed only when it has none yet.
  Result monitor(Agent& supervisor, const Json& data, std::int64_t nowMs);
  /// supervisor.stopMonitor {sessionId}: the supervisor leaves the call.
  Result stop(Agent& supervisor, const Json& data);
  /// A ticket presented at kPath: used up, and the call it names if its supervisor is still on it.
  std::variant<MonitorClaim, Error> redeem(std::string_view token, std::int64_t nowMs);

  /// The supervisor logged out or lost its socket: it leaves every call it was on.
  void supervisorGone(const Agent& supervisor);
  /// The call ended (its media closes with it).
  void sessionEnded(const Session& session);

 private:
  struct OnCall {
    AgentIdx supervisor;
    std::string userId;
    protocol::MonitorMode mode;
  };
  void leave(const std::string& sessionId);

  RoutingContext& c;
  std::unordered_map<std::string, OnCall> mOnCall;  // by session id
  MediaWsTokens mTickets;
};

}  // namespace tccc::server::routing

#endif
