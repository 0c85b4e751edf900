// SPDX-License-Identifier: Apache-2.0
// Session state machines: for every session type × direction, one table of legal transitions over
// (none), ringing, dialing, talking, held, ended, and the one function that maps a transition to
// the SDK events of docs/protocol.md. What each type can do (hold, mute, DTMF, transfer, outbound)
// lives in a second table so that the API checks and the machines never disagree.
#ifndef TCCC_CORE_SESSION_MACHINE_HPP
#define TCCC_CORE_SESSION_MACHINE_HPP

#include "core/SdkEvent.hpp"
#include "protocol/Vocabulary.generated.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace tccc::core {

// The session vocabulary of the wire (SessionType, Direction, SessionState, EndReason, their names and
// parsers) is generated from src/protocol/vocabulary.json; the core uses it as its own.
using protocol::Direction;
using protocol::directionFromString;
using protocol::EndReason;
using protocol::endReasonFromString;
using protocol::SessionState;
using protocol::sessionStateFromString;
using protocol::SessionType;
using protocol::sessionTypeFromString;
inline constexpr int kSessionTypeCount = protocol::kSessionTypeCount;
inline constexpr int kDirectionCount = protocol::kDirectionCount;
inline constexpr int kSessionStateCount = protocol::kSessionStateCount;

/// Which public API family drives a session type: Call.* (phone, voip, internal), Chat.* (im),
/// Video.* (video).
enum class ApiFamily : std::uint8_t { Call = 0, Chat, Video };

struct SessionCapabilities {
  ApiFamily family;
  bool hold;       // Call.hold / unHold
  bool muteAudio;  // muteMic / unmuteMic / isMicMuted
  bool muteVideo;  // Video.muteVideo / unmuteVideo
  bool digits;     // Call.sendDigits
  bool transfer;   // *.transfer
  bool outbound;   // may exist with direction "out"
  bool media;      // has a media leg the shim must tear down when it ends
};

std::string_view toString(ApiFamily family);

/// The SDK events a single transition can produce, before payloads are attached.
enum class SessionEventKind : int {
  CallIn = 0,
  UserAccessed,
  CallOuted,
  CalloutAccepted,
  AutoTransfer,
  Transfer,
  SessionEnded
};
std::string_view toString(SessionEventKind kind);

class SessionMachine {
 public:
  static const SessionCapabilities& capabilities(SessionType type);

  /// Whether `from -> to` is an edge of the (type, direction) table. Staying in a state is not an edge.
  static bool isLegal(SessionType type, Direction direction, SessionState from, SessionState to);

  /// THE transition function: the SDK events of one legal edge, in emission order (for an end
  /// caused by a transfer: `transfer` then `sessionEnded`). nullopt for an illegal edge.
  static std::optional<std::vector<SessionEventKind>> transition(SessionType type, Direction direction,
                                                                 SessionState from, SessionState to,
                                                                 EndReason endReason);

  /// The shortest chain of states from `from` to `to` through the table (excluding `from`, ending in
  /// `to`); empty when from == to; nullopt when `to` cannot be reached (e.g. a state going backwards).
  static std::optional<std::vector<SessionState>> path(SessionType type, Direction direction, SessionState from,
                                                       SessionState to);

  /// The SDK events for a jump from `from` to `to` (every edge of the shortest path). nullopt when
  /// there is no path.
  static std::optional<std::vector<SessionEventKind>> eventsFor(SessionType type, Direction direction,
                                                                SessionState from, SessionState to,
                                                                EndReason endReason);

  /// The documented payload of an SDK event for a session in wire form (docs/protocol.md), with
  /// exactly the fields the TCCC documentation lists for its type: never the raw server object.
  static SdkEvent payload(SessionEventKind kind, SessionType type, const protocol::Json& wire);
};

}  // namespace tccc::core

#endif
