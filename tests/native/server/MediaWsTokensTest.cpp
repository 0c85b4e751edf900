// SPDX-License-Identifier: Apache-2.0
// The tickets of the audio WebSocket (routing/MediaWsTokens): single use, 30 s, bound to what they
// were issued for, and a store that stays bounded under a flood.
#include "routing/MediaWsTokens.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tccc::server::routing {
namespace {

MediaWsTokens::Grant grant(const std::string& session, const std::string& user = "a@x", std::int64_t app = 1400) {
  return MediaWsTokens::Grant{app, user, session};
}

TEST(MediaWsTokens, RedeemsOnceWithWhatItWasIssuedFor) {
  MediaWsTokens tokens;
  const std::string t = tokens.issue(grant("s-1", "agent@x", 1400000001), 1000);
  auto g = tokens.redeem(t, 2000);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->sessionId, "s-1");
  EXPECT_EQ(g->userId, "agent@x");
  EXPECT_EQ(g->sdkAppId, 1400000001);
  EXPECT_FALSE(tokens.redeem(t, 2001)) << "single use";
}

TEST(MediaWsTokens, ExpiresAfterThirtySeconds) {
  MediaWsTokens tokens;
  const std::string early = tokens.issue(grant("s-1"), 0);
  const std::string late = tokens.issue(grant("s-2"), 0);
  EXPECT_TRUE(tokens.redeem(early, MediaWsTokens::kLifetimeMs - 1));
  EXPECT_FALSE(tokens.redeem(late, MediaWsTokens::kLifetimeMs));
  EXPECT_EQ(tokens.size(), 0u);
}

TEST(MediaWsTokens, UnknownAndHostileTokensAreRefused) {
  MediaWsTokens tokens;
  tokens.issue(grant("s-1"), 0);
  for (std::string bad : {std::string(), std::string("mw-"), std::string(4096, 'a'), std::string("\0\xff", 2)})
    EXPECT_FALSE(tokens.redeem(bad, 1)) << bad.size();
  EXPECT_EQ(tokens.size(), 1u);
}

TEST(MediaWsTokens, TokensAreUnpredictableAndDistinct) {
  MediaWsTokens tokens(100000);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string t = tokens.issue(grant("s-1"), 0);
    EXPECT_GE(t.size(), 32u);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(MediaWsTokens, AFloodKeepsTheStoreBoundedAndTheNewestValid) {
  MediaWsTokens tokens(64);
  std::string first, last;
  for (int i = 0; i < 100000; ++i) {
    last = tokens.issue(grant("s-" + std::to_string(i)), 1000);
    if (i == 0) first = last;
    ASSERT_LE(tokens.size(), 64u);
    ASSERT_LE(tokens.queued(), 2 * 64u + 65);
  }
  EXPECT_FALSE(tokens.redeem(first, 1000)) << "the oldest made room";
  auto g = tokens.redeem(last, 1000);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->sessionId, "s-99999");
}

TEST(MediaWsTokens, IssueAndRedeemForeverStaysBounded) {
  // Redeemed tokens leave queue entries behind; they must not pile up either.
  MediaWsTokens tokens(16);
  const std::string keeper = tokens.issue(grant("s-keep"), 0);
  for (int i = 0; i < 50000; ++i) {
    auto t = tokens.issue(grant("s-x"), 1);
    ASSERT_TRUE(tokens.redeem(t, 1));
    ASSERT_LE(tokens.queued(), 2 * 16u + 65);
  }
  EXPECT_TRUE(tokens.redeem(keeper, 2));
}

}  // namespace
}  // namespace tccc::server::routing
