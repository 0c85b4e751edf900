// SPDX-License-Identifier: Apache-2.0
#include "core/RequestTracker.hpp"

#include <utility>

namespace tccc::core {

std::int64_t RequestTracker::nextId() {
  // At most size() ids are taken, far fewer than 2^31−1, so this loop ends after a few steps.
  do {
    mLastId = mLastId >= kMaxId ? 1 : mLastId + 1;
  } while (contains(mLastId));
  return mLastId;
}

bool RequestTracker::contains(std::int64_t id) const {
  for (const auto& request : mPending)
    if (request.id == id) return true;
  return false;
}

void RequestTracker::add(PendingRequest request) { mPending.push_back(std::move(request)); }

std::optional<PendingRequest> RequestTracker::take(std::int64_t id) {
  for (auto it = mPending.begin(); it != mPending.end(); ++it) {
    if (it->id == id) {
      PendingRequest request = std::move(*it);
      mPending.erase(it);
      return request;
    }
  }
  return std::nullopt;
}

std::vector<PendingRequest> RequestTracker::expire(std::int64_t nowMs) {
  std::vector<PendingRequest> expired;
  for (auto it = mPending.begin(); it != mPending.end();) {
    if (it->deadlineMs <= nowMs) {
      expired.push_back(std::move(*it));
      it = mPending.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

std::vector<PendingRequest> RequestTracker::takeAll() {
  std::vector<PendingRequest> all = std::move(mPending);
  mPending.clear();
  return all;
}

std::optional<std::int64_t> RequestTracker::nextDeadline() const {
  std::optional<std::int64_t> earliest;
  for (const auto& request : mPending)
    if (!earliest || request.deadlineMs < *earliest) earliest = request.deadlineMs;
  return earliest;
}

}  // namespace tccc::core
