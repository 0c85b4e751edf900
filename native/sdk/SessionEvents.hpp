// SPDX-License-Identifier: Apache-2.0
// Turns the core's SDK events (callIn, callOuted, calloutAccepted, userAccessed, sessionEnded,
// autoTransfer, transfer) into the workstation's (onNewSession, onAccepted, onEnded), and remembers
// the call the session-less methods act on (`answer()`, `terminate()`, `mute()` name no session).
// The C++ twin of js/src/workstation/SessionEvents.ts: the same rules, tested with the same rows
// (tests/native/sdk/SessionEventsTest.cpp), so that both workstation SDKs end calls alike.
#ifndef TCCC_NATIVE_SDK_SESSIONEVENTS_HPP
#define TCCC_NATIVE_SDK_SESSIONEVENTS_HPP

#include "protocol/Protocol.hpp"
#include "tccc/ITCCCWorkstation.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tccc::native {

/// One workstation event to emit, with owned strings (the callback gets views of them).
struct WorkstationEvent {
  enum class Kind { NewSession, Accepted, Ended };
  Kind kind = Kind::NewSession;
  std::string sessionId;
  TCCCSessionDirection direction = TCCCSessionDirection::CallIn;
  std::string fromUserId;
  std::string toUserId;
  std::string remark;
  TCCCEndReason reason = TCCCEndReason::Error;
  std::string message;  // Ended: the reason in words
};

/// Why a session ended, from `sessionEnded`'s closeBy/mainReason and whether it was ever connected.
std::pair<TCCCEndReason, std::string> endReasonOf(const protocol::Json& ended, bool accepted,
                                                  TCCCSessionDirection direction);

class SessionEvents {
 public:
  /// Feeds one SDK event (`data` as the core emits it, merged with the core's wire view of the
  /// session for callIn/callOuted); returns what to emit.
  std::vector<WorkstationEvent> feed(const std::string& event, const protocol::Json& data);
  /// The call session-less methods act on: the newest live call.
  std::optional<std::string> current() const;
  /// Whether the current call rings here, waiting for answer().
  bool currentRinging() const;
  /// The far end of a live call (for onAudioVolume's userId).
  std::string peerOf(const std::string& sessionId) const;
  void clear();

 private:
  struct Tracked {
    TCCCSessionDirection direction = TCCCSessionDirection::CallIn;
    bool accepted = false;
    std::string peer;
  };
  std::vector<WorkstationEvent> added(WorkstationEvent event);
  std::vector<WorkstationEvent> ended(const std::string& sessionId, TCCCEndReason reason, std::string message);

  std::map<std::string, Tracked> mSessions;
  std::vector<std::string> mOrder;  // arrival order; the newest live one is current
};

}  // namespace tccc::native

#endif
