// SPDX-License-Identifier: Apache-2.0
// The engine's handles for its entities, and the wire vocabulary it speaks (src/protocol).
#ifndef TCCC_SERVER_ROUTING_IDS_HPP
#define TCCC_SERVER_ROUTING_IDS_HPP

#include "../Interfaces.hpp"

#include "protocol/Vocabulary.generated.hpp"

#include <cstdint>

namespace tccc::server::routing {

/// An agent's slot in the AgentRegistry: stable for the life of the engine.
using AgentIdx = std::uint32_t;
/// A session's serial number: never reused, unlike a session id string it is cheap to keep in queues.
using SessionSerial = std::uint64_t;

using protocol::AgentStatus;
using protocol::CloseBy;
using protocol::CustomerState;
using protocol::Direction;
using protocol::EndReason;
using protocol::EndStatus;
using protocol::HungUpSide;
using protocol::SessionState;
using protocol::SessionType;
using protocol::StatusReason;

/// Unix epoch seconds of a millisecond time, 0 for none (CDR timestamps).
inline std::int64_t seconds(std::int64_t ms) { return ms > 0 ? ms / 1000 : 0; }

}  // namespace tccc::server::routing

#endif
