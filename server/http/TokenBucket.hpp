// SPDX-License-Identifier: Apache-2.0
// A token bucket for per-connection rate limits: `ratePerSec` tokens accrue continuously up to
// `burst`; each request takes one. Single-threaded like the rest of the server. Used for connection
// and cloud API limits (steady clock) and for chat floods in the routing engine (its `nowMs`).
#ifndef TCCC_SERVER_HTTP_TOKENBUCKET_HPP
#define TCCC_SERVER_HTTP_TOKENBUCKET_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace tccc::server {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  /// No limit (a rate of 0); assign a real bucket later.
  TokenBucket() : TokenBucket(0, 0, std::int64_t{0}) {}
  TokenBucket(double ratePerSec, double burst, Clock::time_point now = Clock::now())
      : mRate(ratePerSec), mBurst(burst), mTokens(burst), mLastNs(nanoseconds(now)) {}
  /// The same bucket on an injected millisecond clock (the sans-I/O routing engine's `nowMs`).
  TokenBucket(double ratePerSec, double burst, std::int64_t nowMs)
      : mRate(ratePerSec), mBurst(burst), mTokens(burst), mLastNs(nowMs * 1000000) {}

  /// Takes one token if there is one. A rate of 0 or less disables the limit.
  bool take(Clock::time_point now = Clock::now()) { return takeAt(nanoseconds(now)); }
  bool takeAtMs(std::int64_t nowMs) { return takeAt(nowMs * 1000000); }

 private:
  static std::int64_t nanoseconds(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }

  // Integer time, so that the elapsed interval is exact however far the clock is from its epoch.
  bool takeAt(std::int64_t nowNs) {
    if (mRate <= 0) return true;
    std::int64_t elapsedNs = nowNs - mLastNs;
    if (elapsedNs > 0) {
      mTokens = std::min(mBurst, mTokens + static_cast<double>(elapsedNs) * mRate / 1e9);
      mLastNs = nowNs;
    }
    if (mTokens < 1.0) return false;
    mTokens -= 1.0;
    return true;
  }

  double mRate;
  double mBurst;
  double mTokens;
  std::int64_t mLastNs;  // time of the last refill, in the clock's nanoseconds
};

}  // namespace tccc::server

#endif
