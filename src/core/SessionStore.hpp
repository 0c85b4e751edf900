// SPDX-License-Identifier: Apache-2.0
// The client's view of its sessions: one record per session id in the order first seen, each
// driven only through SessionMachine. Server session objects (wire form, docs/protocol.md) go in;
// the SDK events of the path from the old state to the new one come out.
#ifndef TCCC_CORE_SESSION_STORE_HPP
#define TCCC_CORE_SESSION_STORE_HPP

#include "core/SessionMachine.hpp"
#include "errors/Errors.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::core {

struct SessionRecord {
  std::string id;
  SessionType type = SessionType::Phone;
  Direction direction = Direction::In;
  SessionState state = SessionState::None;
  protocol::Json wire;  // the last wire form the server sent (or the local end), as sessions() shows it
  bool micMuted = false;
  bool videoMuted = false;

  bool live() const { return state != SessionState::Ended; }
};

/// A wire session checked for the fields the state machine needs.
struct WireSession {
  std::string id;
  SessionType type = SessionType::Phone;
  Direction direction = Direction::In;
  SessionState state = SessionState::Ringing;
  EndReason endReason = EndReason::Hangup;
};

class SessionStore {
 public:
  /// Ended sessions kept for deleteCall and sessions() before the oldest are forgotten, so a
  /// long-running page cannot grow without bound when the integrator never calls deleteCall.
  static constexpr std::size_t kMaxEndedSessions = 64;
  static constexpr std::size_t kMaxSessionIdLength = protocol::field::sessionId.max;  // the wire's limit

  /// Checks a wire session: object, sessionId (1…128 chars), known type, direction and state;
  /// endReason defaults to hangup. ERR_PROTOCOL naming the field otherwise.
  static Error parse(const protocol::Json& wire, WireSession& out);

  /// Applies a server session (from `session.state` or a snapshot). Appends the events of the
  /// shortest path from the known state (none when new, or when an ended session comes back live:
  /// docs/protocol.md, re-offers replace the ended copy) to the reported one. A malformed session
  /// is ERR_PROTOCOL; a jump the table cannot make (backwards, or a changed type) is
  /// ERR_INVALID_STATE; either way nothing changes.
  Error apply(const protocol::Json& wire, SdkEvents& out);

  /// Ends a live session locally (it vanished from a snapshot): closeBy/mainReason as given,
  /// `sessionEnded` appended. No-op for an unknown or ended session.
  void endLocally(std::string_view id, std::string_view closeBy, std::string_view mainReason, SdkEvents& out);

  const SessionRecord* find(std::string_view id) const;
  SessionRecord* find(std::string_view id);
  bool erase(std::string_view id);
  /// Erases an ended session the integrator deleted, and remembers its id so that a late `ended`
  /// report of it (a delayed event, a snapshot taken before the server processed the delete) does
  /// not bring it back as a new callIn + sessionEnded. A live report of it is a re-offer and counts.
  bool forget(std::string_view id);

  const std::vector<SessionRecord>& records() const { return mRecords; }
  /// True while a session with a media leg (any type but im) is not ended.
  bool hasLiveCall() const;
  /// Wire forms, oldest first.
  protocol::Json toJson() const;

 private:
  void evictEnded();

  static constexpr std::size_t kMaxForgotten = 64;

  std::vector<SessionRecord> mRecords;
  std::vector<std::string> mForgotten;  // oldest first, at most kMaxForgotten
};

}  // namespace tccc::core

#endif
