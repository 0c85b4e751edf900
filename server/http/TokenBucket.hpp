// SPDX-License-Identifier: Apache-2.0
// A token bucket for per-connection rate limits: `ratePerSec` tokens accrue continuously up to
// `burst`; each request takes one. Single-threaded like the rest of the server.
#ifndef TCCC_SERVER_HTTP_TOKENBUCKET_HPP
#define TCCC_SERVER_HTTP_TOKENBUCKET_HPP

#include <algorithm>
#include <chrono>

namespace tccc::server {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double ratePerSec, double burst, Clock::time_point now = Clock::now())
      : mRate(ratePerSec), mBurst(burst), mTokens(burst), mLast(now) {}

  /// Takes one token if there is one. A rate of 0 or less disables the limit.
  bool take(Clock::time_point now = Clock::now()) {
    if (mRate <= 0) return true;
    double elapsed = std::chrono::duration<double>(now - mLast).count();
    if (elapsed > 0) {
      mTokens = std::min(mBurst, mTokens + elapsed * mRate);
      mLast = now;
    }
    if (mTokens < 1.0) return false;
    mTokens -= 1.0;
    return true;
  }

 private:
  double mRate;
  double mBurst;
  double mTokens;
  Clock::time_point mLast;
};

}  // namespace tccc::server

#endif
