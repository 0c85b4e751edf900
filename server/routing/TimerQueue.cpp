// SPDX-License-Identifier: Apache-2.0
#include "routing/TimerQueue.hpp"

namespace tccc::server::routing {

void TimerQueue::arm(std::int64_t atMs, TimerOwner& owner, std::uint64_t id, std::uint64_t gen) {
  mTimers.push(Timer{atMs, mArmed++, &owner, id, gen});
}

void TimerQueue::fireDue(std::int64_t nowMs) {
  while (!mTimers.empty() && mTimers.top().at <= nowMs) {
    Timer t = mTimers.top();
    mTimers.pop();
    t.owner->onTimer(t.id, t.gen, nowMs);
  }
}

std::optional<std::int64_t> TimerQueue::next() const {
  if (mTimers.empty()) return std::nullopt;
  return mTimers.top().at;
}

}  // namespace tccc::server::routing
