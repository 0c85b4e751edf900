// SPDX-License-Identifier: Apache-2.0
#include "core/ReconnectPolicy.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace tccc::core {
namespace {

std::vector<std::int64_t> delays(std::uint32_t seed, int count, std::int64_t base = 500, std::int64_t max = 30000) {
  ReconnectPolicy policy(base, max, seed, 0);
  std::vector<std::int64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(*policy.nextDelay());
  return out;
}

TEST(ReconnectPolicy, CeilingDoublesFromBaseUpToMax) {
  ReconnectPolicy policy(500, 30000, 1, 0);
  const std::int64_t expected[] = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
  for (int attempt = 1; attempt <= 9; ++attempt) EXPECT_EQ(policy.ceiling(attempt), expected[attempt - 1]) << attempt;
  EXPECT_EQ(policy.ceiling(1000000), 30000);  // no overflow however long the outage
}

TEST(ReconnectPolicy, EveryDelayIsWithinZeroAndTheCeiling) {
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    ReconnectPolicy policy(500, 30000, seed, 0);
    for (int attempt = 1; attempt <= 40; ++attempt) {
      auto delay = policy.nextDelay();
      ASSERT_TRUE(delay);
      EXPECT_GE(*delay, 0);
      EXPECT_LE(*delay, policy.ceiling(attempt)) << "seed " << seed << " attempt " << attempt;
      EXPECT_EQ(policy.attempt(), attempt);
    }
  }
}

TEST(ReconnectPolicy, SameSeedSameDelaysDifferentSeedsDiffer) {
  EXPECT_EQ(delays(42, 20), delays(42, 20));
  EXPECT_NE(delays(42, 20), delays(43, 20));
  // Seed 0 is not a degenerate all-zero xorshift state.
  auto zero = delays(0, 20);
  EXPECT_NE(std::set<std::int64_t>(zero.begin(), zero.end()).size(), 1u);
}

TEST(ReconnectPolicy, JitterSpreadsOverTheWholeRange) {
  // Full jitter: across seeds, the first delay lands in every fifth of [0, base].
  int buckets[5] = {};
  for (std::uint32_t seed = 1; seed <= 1000; ++seed) {
    ReconnectPolicy policy(1000, 30000, seed * 2654435761u, 0);
    ++buckets[std::min<std::int64_t>(*policy.nextDelay() / 200, 4)];
  }
  for (int count : buckets) EXPECT_GT(count, 120);  // 200 expected per bucket
}

TEST(ReconnectPolicy, MaxAttemptsAndReset) {
  ReconnectPolicy policy(100, 1000, 7, 3);
  EXPECT_TRUE(policy.nextDelay());
  EXPECT_TRUE(policy.nextDelay());
  EXPECT_TRUE(policy.nextDelay());
  EXPECT_FALSE(policy.nextDelay());
  EXPECT_EQ(policy.attempt(), 3);
  policy.reset();
  EXPECT_EQ(policy.attempt(), 0);
  auto delay = policy.nextDelay();
  ASSERT_TRUE(delay);
  EXPECT_LE(*delay, 100);  // back to the base ceiling
}

TEST(ReconnectPolicy, NonsenseConfigurationIsMadeSafe) {
  ReconnectPolicy policy(0, -5, 1, -1);
  EXPECT_EQ(policy.ceiling(1), 1);
  EXPECT_EQ(policy.ceiling(10), 1);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(policy.nextDelay());  // negative max attempts = unlimited
  ReconnectPolicy inverted(5000, 1000, 1, 0);
  EXPECT_EQ(inverted.ceiling(3), 5000);  // max below base is raised to base
}

TEST(Xorshift32, UpToStaysInBounds) {
  Xorshift32 random(99);
  for (int i = 0; i < 10000; ++i) EXPECT_LE(random.upTo(6), 6u);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(random.upTo(6));
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(random.upTo(0), 0u);
}

}  // namespace
}  // namespace tccc::core
