// SPDX-License-Identifier: Apache-2.0
// The agent's status as the server last reported it, plus the one table that says which status
// requests an agent may make from which status (docs/protocol.md "Agent status").
#ifndef TCCC_CORE_AGENT_STATUS_MACHINE_HPP
#define TCCC_CORE_AGENT_STATUS_MACHINE_HPP

#include "core/SdkEvent.hpp"
#include "errors/Errors.hpp"
#include "protocol/Vocabulary.generated.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tccc::core {

// The statuses themselves are the wire vocabulary's (src/protocol/vocabulary.json).
using protocol::AgentStatus;
using protocol::agentStatusFromString;
inline constexpr int kAgentStatusCount = protocol::kAgentStatusCount;

/// What an agent may ask for: the five `Agent.setStatus` values (protocol::StatusRequest, in its
/// order) plus `Agent.online` / `Agent.offline`.
enum class AgentRequest : std::uint8_t { Free = 0, Rest, Arrange, NotReady, StopNotReady, Online, Offline };
inline constexpr int kAgentRequestCount = 7;

std::string_view toString(AgentRequest request);
/// Only the values `Agent.setStatus` accepts (free, rest, arrange, notReady, stopNotReady).
std::optional<AgentRequest> settableStatusFromString(std::string_view text);

class AgentStatusMachine {
 public:
  AgentStatus status() const { return mStatus; }
  const std::string& restReason() const { return mRestReason; }

  /// Whether `request` may be sent while the agent is in `from` (the legal-transition table).
  static bool isLegal(AgentStatus from, AgentRequest request);

  /// ERR_INVALID_STATE naming both the request and the current status when the table forbids it;
  /// a falsy Error otherwise.
  Error check(AgentRequest request) const;

  /// Applies a status the server reported (it is authoritative, so no table check). Returns true
  /// when status or rest reason changed, i.e. when `statusChanged` must be emitted.
  bool apply(AgentStatus status, std::string_view restReason);

  /// The `statusChanged` payload: {status} plus restReason while resting with a reason.
  SdkEvent statusChangedEvent() const;

 private:
  AgentStatus mStatus = AgentStatus::Offline;
  std::string mRestReason;
};

}  // namespace tccc::core

#endif
