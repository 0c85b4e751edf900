// SPDX-License-Identifier: Apache-2.0
#include "core/AgentStatusMachine.hpp"

namespace tccc::core {
namespace {

// The five setStatus values are the wire's StatusRequest, in its order.
static_assert(static_cast<int>(AgentRequest::StopNotReady) + 1 == protocol::kStatusRequestCount);

// kLegal[status][request]. Rows: offline, free, busy, arrange, notReady, rest.
// Columns: free, rest, arrange, notReady, stopNotReady, online, offline.
// - busy is set and left only by the server (a call is in progress);
// - offline allows nothing but online;
// - stopNotReady only leaves notReady;
// - asking for the status one already has is legal: the server treats it as a no-op (and a new
//   restReason while resting is a real change);
// - online while online (busy included) is a no-op the server accepts, so integrators may call it
//   unconditionally.
constexpr bool kLegal[kAgentStatusCount][kAgentRequestCount] = {
    /* offline  */ {false, false, false, false, false, true, false},
    /* free     */ {true, true, true, true, false, true, true},
    /* busy     */ {false, false, false, false, false, true, false},
    /* arrange  */ {true, true, true, true, false, true, true},
    /* notReady */ {true, true, true, true, true, true, true},
    /* rest     */ {true, true, true, true, false, true, true},
};

}  // namespace

std::string_view toString(AgentRequest request) {
  switch (request) {
    case AgentRequest::Online:
      return "online";
    case AgentRequest::Offline:
      return "offline";
    default:
      return protocol::kStatusRequestNames[static_cast<int>(request)];
  }
}

std::optional<AgentRequest> settableStatusFromString(std::string_view text) {
  // online/offline are separate APIs, not setStatus values.
  auto request = protocol::statusRequestFromString(text);
  return request ? std::optional<AgentRequest>(static_cast<AgentRequest>(*request)) : std::nullopt;
}

bool AgentStatusMachine::isLegal(AgentStatus from, AgentRequest request) {
  return kLegal[static_cast<int>(from)][static_cast<int>(request)];
}

Error AgentStatusMachine::check(AgentRequest request) const {
  if (isLegal(mStatus, request)) return {};
  std::string message = "cannot request '" + std::string(toString(request)) + "' while the agent is '" +
                        std::string(toString(mStatus)) + "'";
  if (mStatus == AgentStatus::Busy)
    message += ": the status cannot be changed during a call";
  else if (mStatus == AgentStatus::Offline)
    message += ": only Agent.online is allowed while offline";
  else if (request == AgentRequest::StopNotReady)
    message += ": stopNotReady only leaves 'notReady'";
  return Error(Errc::InvalidState, std::move(message));
}

bool AgentStatusMachine::apply(AgentStatus status, std::string_view restReason) {
  // A rest reason only means something while resting; dropping it elsewhere keeps a stale reason
  // from turning a later identical report into a spurious change.
  std::string_view reason = status == AgentStatus::Rest ? restReason : std::string_view();
  if (status == mStatus && reason == mRestReason) return false;
  mStatus = status;
  mRestReason.assign(reason.data(), reason.size());
  return true;
}

SdkEvent AgentStatusMachine::statusChangedEvent() const {
  SdkEvent event{"statusChanged", protocol::Json::object()};
  event.data["status"] = std::string(toString(mStatus));
  if (!mRestReason.empty()) event.data["restReason"] = mRestReason;
  return event;
}

}  // namespace tccc::core
