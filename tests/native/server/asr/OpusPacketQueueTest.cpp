// SPDX-License-Identifier: Apache-2.0
// The media thread's hand-over queue: FIFO, bounded in packets and bytes, drops the oldest and says
// where the gap is.
#include "asr/OpusPacketQueue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tccc::server::asr {
namespace {

std::vector<std::uint8_t> bytes(std::size_t n, std::uint8_t fill) { return std::vector<std::uint8_t>(n, fill); }

TEST(OpusPacketQueue, FirstInFirstOutAcrossTheByteRingsEnd) {
  OpusPacketQueue q(4, 8000);  // 8000 bytes: sizes below wrap around it several times
  OpusPacketQueue::Packet p;
  for (std::uint32_t i = 0; i < 50; ++i) {
    auto b = bytes(700 + i * 37 % 900, static_cast<std::uint8_t>(i));
    ASSERT_TRUE(q.push(b.data(), b.size(), i * 960));
    ASSERT_TRUE(q.pop(p));
    EXPECT_EQ(p.rtpTimestamp, i * 960);
    EXPECT_EQ(p.bytes, b);
    EXPECT_FALSE(p.afterDrop);
  }
  EXPECT_FALSE(q.pop(p));
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(OpusPacketQueue, DropsTheOldestWhenFullAndMarksTheGap) {
  OpusPacketQueue q(3, 64 * 1024);
  for (std::uint32_t i = 0; i < 5; ++i) {
    auto b = bytes(100, static_cast<std::uint8_t>(i));
    q.push(b.data(), b.size(), i);
  }
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.dropped(), 2u);
  OpusPacketQueue::Packet p;
  ASSERT_TRUE(q.pop(p));
  EXPECT_EQ(p.rtpTimestamp, 2u);
  EXPECT_TRUE(p.afterDrop) << "packets 0 and 1 are missing in front of it";
  ASSERT_TRUE(q.pop(p));
  EXPECT_FALSE(p.afterDrop);
}

TEST(OpusPacketQueue, ByteBudgetAlsoDropsTheOldest) {
  OpusPacketQueue q(100, OpusPacketQueue::kMaxPacketBytes);
  auto big = bytes(OpusPacketQueue::kMaxPacketBytes / 2 + 1, 1);
  q.push(big.data(), big.size(), 1);
  q.push(big.data(), big.size(), 2);  // both cannot fit
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.dropped(), 1u);
}

TEST(OpusPacketQueue, RefusesEmptyAndOversizedPackets) {
  OpusPacketQueue q(4, 1000);
  auto huge = bytes(OpusPacketQueue::kMaxPacketBytes + 1, 0);
  EXPECT_FALSE(q.push(huge.data(), huge.size(), 0));
  EXPECT_FALSE(q.push(huge.data(), 0, 0));
  EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace tccc::server::asr
