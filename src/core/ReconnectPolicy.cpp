// SPDX-License-Identifier: Apache-2.0
#include "core/ReconnectPolicy.hpp"

namespace tccc::core {

ReconnectPolicy::ReconnectPolicy(std::int64_t baseMs, std::int64_t maxMs, std::uint32_t seed, int maxAttempts)
    : mBaseMs(baseMs < 1 ? 1 : baseMs),
      mMaxMs(maxMs < mBaseMs ? mBaseMs : maxMs),
      mMaxAttempts(maxAttempts < 0 ? 0 : maxAttempts),
      mRandom(seed) {}

std::int64_t ReconnectPolicy::ceiling(int attempt) const {
  std::int64_t value = mBaseMs;
  // Doubling stops at the ceiling, so neither the shift nor the product can overflow.
  for (int i = 1; i < attempt && value < mMaxMs; ++i) value *= 2;
  return value < mMaxMs ? value : mMaxMs;
}

std::optional<std::int64_t> ReconnectPolicy::nextDelay() {
  if (mMaxAttempts > 0 && mAttempt >= mMaxAttempts) return std::nullopt;
  ++mAttempt;
  return static_cast<std::int64_t>(mRandom.upTo(static_cast<std::uint64_t>(ceiling(mAttempt))));
}

}  // namespace tccc::core
