// SPDX-License-Identifier: Apache-2.0
// Brings the local view (agent status + sessions) in line with the snapshot a login response
// carries, producing the minimal list of SDK events: nothing for what the client already knew,
// the events of the state-machine path for what it missed, and `sessionEnded` (closeBy "admin",
// mainReason "connectionLost") for a live session the server no longer lists.
#ifndef TCCC_CORE_SNAPSHOT_RECONCILER_HPP
#define TCCC_CORE_SNAPSHOT_RECONCILER_HPP

#include "core/AgentStatusMachine.hpp"
#include "core/SessionStore.hpp"

#include <cstddef>

namespace tccc::core {

struct ReconcileReport {
  std::size_t rejectedSessions = 0;   // malformed, or reported in a state the client cannot reach
  std::vector<std::string> endedIds;  // sessions that reached `ended` during reconciliation
};

class SnapshotReconciler {
 public:
  /// `snapshot` is the data of a successful auth.login response ({agent, sessions, …}). Session
  /// events come first, in snapshot order, then local sessions that vanished, then
  /// `statusChanged`: the order in which they happened on the server (a call ends, then the agent
  /// goes to after-call work).
  static ReconcileReport reconcile(const protocol::Json& snapshot, AgentStatusMachine& agent, SessionStore& sessions,
                                   SdkEvents& out);
};

}  // namespace tccc::core

#endif
