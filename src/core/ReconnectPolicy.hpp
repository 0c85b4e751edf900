// SPDX-License-Identifier: Apache-2.0
// When to try again after losing the connection: exponential backoff with full jitter
// (delay uniform in [0, min(max, base·2^(attempt−1))]), so that many agents cut off by the same
// outage do not reconnect in lock step. The randomness comes from a seeded xorshift32, which keeps
// the core free of OS randomness and makes tests deterministic.
#ifndef TCCC_CORE_RECONNECT_POLICY_HPP
#define TCCC_CORE_RECONNECT_POLICY_HPP

#include <cstdint>
#include <optional>

namespace tccc::core {

/// xorshift32 (Marsaglia). Not for secrets: only jitter and request-id salt.
class Xorshift32 {
 public:
  explicit Xorshift32(std::uint32_t seed) : mState(seed != 0 ? seed : 0x9E3779B9u) {}
  std::uint32_t next() {
    mState ^= mState << 13;
    mState ^= mState >> 17;
    mState ^= mState << 5;
    return mState;
  }
  /// Uniform in [0, bound] (inclusive), by multiply-shift: no modulo bias worth measuring here.
  std::uint64_t upTo(std::uint64_t bound) { return (static_cast<std::uint64_t>(next()) * (bound + 1)) >> 32; }

 private:
  std::uint32_t mState;
};

class ReconnectPolicy {
 public:
  /// maxAttempts 0 = unlimited. base/max below 1 ms are raised to 1 ms; max is at least base.
  ReconnectPolicy(std::int64_t baseMs, std::int64_t maxMs, std::uint32_t seed, int maxAttempts);

  /// The delay before the next attempt, counting it; nullopt once maxAttempts are used up.
  std::optional<std::int64_t> nextDelay();
  /// The upper bound of the delay for attempt n (1-based): min(max, base·2^(n−1)).
  std::int64_t ceiling(int attempt) const;

  /// Attempts made since the last success.
  int attempt() const { return mAttempt; }
  /// A connection succeeded (login OK): the next loss starts from the base again.
  void reset() { mAttempt = 0; }

 private:
  std::int64_t mBaseMs;
  std::int64_t mMaxMs;
  int mMaxAttempts;
  int mAttempt = 0;
  Xorshift32 mRandom;
};

}  // namespace tccc::core

#endif
