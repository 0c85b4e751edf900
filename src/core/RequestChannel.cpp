// SPDX-License-Identifier: Apache-2.0
#include "core/RequestChannel.hpp"

#include <utility>

namespace tccc::core {

void RequestChannel::send(std::string_view method, Json data, std::uint32_t handle, Settle settle,
                          const std::string& sessionId, std::int64_t nowMs) {
  PendingRequest pending;
  pending.id = mTracker.nextId();
  pending.handle = handle;
  pending.settle = settle;
  pending.deadlineMs = nowMs + mTimeoutMs;
  pending.method = std::string(method);
  pending.sessionId = sessionId;
  if (settle == Settle::SendDigits) {
    auto digits = data.find("digits");
    if (digits != data.end() && digits->is_string()) pending.digits = digits->get<std::string>();
  }
  std::int64_t id = pending.id;
  mTracker.add(std::move(pending));
  mQueue.send(protocol::encode(protocol::Request{id, std::string(method), std::move(data)}));
}

std::int64_t RequestChannel::expectLogin(std::int64_t deadlineMs) {
  PendingRequest pending;
  pending.id = mTracker.nextId();
  pending.settle = Settle::Login;
  pending.deadlineMs = deadlineMs;
  pending.method = "auth.login";
  std::int64_t id = pending.id;
  mTracker.add(std::move(pending));
  return id;
}

bool RequestChannel::expire(std::int64_t nowMs) {
  bool loginExpired = false;
  for (PendingRequest& expired : mTracker.expire(nowMs)) {
    if (expired.settle == Settle::Login)
      loginExpired = true;
    else if (expired.handle != 0)
      mQueue.reject(expired.handle, Error(Errc::RequestTimeout, expired.method + ": no answer from the server within " +
                                                                    std::to_string(mTimeoutMs) + " ms"));
  }
  return loginExpired;
}

void RequestChannel::failAll(Errc code, std::string_view why) {
  for (PendingRequest& pending : mTracker.takeAll())
    if (pending.handle != 0) mQueue.reject(pending.handle, Error(code, pending.method + ": " + std::string(why)));
}

}  // namespace tccc::core
