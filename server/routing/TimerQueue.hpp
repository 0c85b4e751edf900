// SPDX-License-Identifier: Apache-2.0
// The engine's timers, sans-I/O: a deadline per pending timer, fired by tick(now). A timer names
// its owner and a (id, generation) pair; the owner bumps its generation to cancel, so a timer that
// fires after the fact is recognised as stale and ignored instead of being searched for and removed.
#ifndef TCCC_SERVER_ROUTING_TIMERQUEUE_HPP
#define TCCC_SERVER_ROUTING_TIMERQUEUE_HPP

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

namespace tccc::server::routing {

class TimerOwner {
 public:
  /// A timer armed with (id, gen) is due. The owner compares `gen` with its current one.
  virtual void onTimer(std::uint64_t id, std::uint64_t gen, std::int64_t nowMs) = 0;

 protected:
  ~TimerOwner() = default;
};

class TimerQueue {
 public:
  void arm(std::int64_t atMs, TimerOwner& owner, std::uint64_t id, std::uint64_t gen);
  /// Fires every timer due at `nowMs`, earliest first (timers armed meanwhile included).
  void fireDue(std::int64_t nowMs);
  /// The earliest pending deadline (may be a stale timer's: firing it then does nothing).
  std::optional<std::int64_t> next() const;

 private:
  struct Timer {
    std::int64_t at;
    std::uint64_t order;  // equal deadlines fire in the order they were armed
    TimerOwner* owner;
    std::uint64_t id;
    std::uint64_t gen;
    bool operator>(const Timer& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> mTimers;
  std::uint64_t mArmed = 0;
};

}  // namespace tccc::server::routing

#endif
