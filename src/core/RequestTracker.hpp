// SPDX-License-Identifier: Apache-2.0
// Requests in flight on the current connection: id allocation (1…2^31−1, wrapping and skipping ids
// still pending), one deadline each, and what to do with the answer.
#ifndef TCCC_CORE_REQUEST_TRACKER_HPP
#define TCCC_CORE_REQUEST_TRACKER_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tccc::core {

/// How a response settles the request: which API promise (if any) and which resolve shape.
enum class Settle : std::uint8_t {
  Login = 0,  // auth.login: handled by Core, no API handle
  Empty,      // resolve {}
  SessionId,  // resolve {sessionId} (the request's)
  Outbound,   // resolve the CallResponse fields of call.startOutbound
  Internal,   // resolve {sessionId} from the response of call.startInternal
  Mute,       // resolve {sessionId}; on success the session's mic is muted, plus a Media command
  Unmute,     // ditto, unmuted
  MuteVideo,  // ditto for the camera
  UnmuteVideo,
  Hold,  // resolve {sessionId} plus a Media command
  UnHold,
  SendDigits,
  Silent,       // fire-and-forget (session.delete): no promise, errors ignored
  ChatSend,     // resolve {sessionId, message}; the message counts as delivered (ChatTracker)
  ChatHistory,  // resolve {sessionId, messages, hasMore, lastSeq}
  ChatCatchUp,  // no promise: missed messages, handed to ChatTracker and emitted as messageReceived
  MediaWs,      // resolve {path, token} of media.ws: where the host opens the call's audio WebSocket
  Data,         // resolve the server's answer as it is (supervisor.watch: the snapshot)
  History,      // resolve {sessions}: agent.history's rows, each checked field by field (HistoryRows)
  Directory,    // resolve {skillGroups, agents, truncated} of directory.list (DirectoryAnswer)
};

struct PendingRequest {
  std::int64_t id = 0;
  std::uint32_t handle = 0;  // 0: no API promise waits for it
  Settle settle = Settle::Empty;
  std::int64_t deadlineMs = 0;
  std::string method;
  std::string sessionId;  // for session requests
  std::string digits;     // for sendDigits
};

class RequestTracker {
 public:
  static constexpr std::int64_t kMaxId = 2147483647;

  /// `lastId` is the id handed out before the first nextId() (tests use it to reach the wrap).
  explicit RequestTracker(std::int64_t lastId = 0) : mLastId(lastId) {}

  /// The next free request id: counts up from 1, wraps after 2^31−1, never returns an id in use.
  std::int64_t nextId();

  void add(PendingRequest request);
  /// Removes and returns the request answered by a response with this id.
  std::optional<PendingRequest> take(std::int64_t id);
  /// Removes and returns every request whose deadline is at or before `nowMs`, oldest first.
  std::vector<PendingRequest> expire(std::int64_t nowMs);
  /// Removes and returns everything (connection lost, destroyed).
  std::vector<PendingRequest> takeAll();

  std::optional<std::int64_t> nextDeadline() const;
  std::size_t size() const { return mPending.size(); }
  bool contains(std::int64_t id) const;

 private:
  std::int64_t mLastId;
  std::vector<PendingRequest> mPending;  // a handful at most: a linear scan beats a map here
};

}  // namespace tccc::core

#endif
