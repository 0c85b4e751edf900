// SPDX-License-Identifier: Apache-2.0
// Requests on the wire and the promises waiting for them: sends a request frame, remembers it
// (RequestTracker: id, deadline, how its answer settles) until its answer comes, its deadline passes
// (ERR_REQUEST_TIMEOUT) or the connection ends (every one fails at once). Which answer settles what is
// decided by the parts that sent them: ApiDispatcher (API calls), Connection (the login), ChatSync
// (catch-up pages).
#ifndef TCCC_CORE_REQUEST_CHANNEL_HPP
#define TCCC_CORE_REQUEST_CHANNEL_HPP

#include "core/CommandQueue.hpp"
#include "core/RequestTracker.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tccc::core {

class RequestChannel {
 public:
  /// `timeoutMs`: how long a request may go unanswered (at least 1; the login has its own deadline).
  RequestChannel(CommandQueue& queue, std::int64_t timeoutMs)
      : mQueue(queue), mTimeoutMs(timeoutMs < 1 ? 1 : timeoutMs) {}

  /// Sends `method` with `data` and waits for its answer; `handle` 0 means no API promise waits.
  void send(std::string_view method, Json data, std::uint32_t handle, Settle settle, const std::string& sessionId,
            std::int64_t nowMs);
  /// Waits for the answer to an auth.login until `deadlineMs` and returns its id; the caller sends
  /// the frame (or not: a handshake login is answered without one).
  std::int64_t expectLogin(std::int64_t deadlineMs);
  /// The request an answer with this id settles, no longer waited for; nullopt when none waits.
  std::optional<PendingRequest> take(std::int64_t id) { return mTracker.take(id); }
  /// Rejects the requests whose deadline has passed with ERR_REQUEST_TIMEOUT. Returns true if the
  /// login was among them: the caller then treats the connection as lost.
  bool expire(std::int64_t nowMs);
  /// Rejects everything in flight with `code` and "<method>: <why>" (connection lost, destroyed).
  void failAll(Errc code, std::string_view why);

  std::int64_t nextId() { return mTracker.nextId(); }
  std::optional<std::int64_t> nextDeadline() const { return mTracker.nextDeadline(); }
  std::size_t size() const { return mTracker.size(); }

 private:
  CommandQueue& mQueue;
  std::int64_t mTimeoutMs;
  RequestTracker mTracker;
};

}  // namespace tccc::core

#endif
