// SPDX-License-Identifier: Apache-2.0
// The level the simulator reports of what an agent says (rmsIn): it follows a voice and, when the
// sender goes quiet the way Opus DTX does (no packets at all), falls to silence instead of keeping
// the last loud value.
#include "media/LevelMeter.hpp"

#include <gtest/gtest.h>
#include <opus/opus.h>

#include <cmath>
#include <vector>

namespace tccc::server::media {
namespace {

std::vector<std::uint8_t> toneFrame(OpusEncoder* enc, int frameIndex) {
  std::vector<opus_int16> pcm(960);
  for (int i = 0; i < 960; ++i)
    pcm[i] = static_cast<opus_int16>(8000 * std::sin(2 * M_PI * 440 * (frameIndex * 960 + i) / 48000.0));
  std::vector<std::uint8_t> packet(1275);
  const int n = opus_encode(enc, pcm.data(), 960, packet.data(), static_cast<opus_int32>(packet.size()));
  packet.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return packet;
}

TEST(LevelMeter, FollowsAToneAndFallsToSilenceInADtxGap) {
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  ASSERT_EQ(err, OPUS_OK);
  LevelMeter meter;
  EXPECT_EQ(meter.rms(), 0.0);
  for (int i = 0; i < 25; ++i) {
    const auto packet = toneFrame(enc, i);
    ASSERT_TRUE(meter.add(packet.data(), packet.size()));
  }
  EXPECT_GT(meter.rms(), 0.1);  // 8000/32768/sqrt(2) ≈ 0.17
  meter.addSilence(960 * 10);   // 200 ms with nothing sent: part of the window
  EXPECT_GT(meter.rms(), 0.05);
  EXPECT_LT(meter.rms(), 0.17);
  meter.addSilence(48000 * 60);  // a minute: the whole window is silence, and nothing piles up
  EXPECT_EQ(meter.rms(), 0.0);
  opus_encoder_destroy(enc);
}

// What every leg feeds it: packets with their timestamps. A jump past the frames in between is a
// DTX pause (silence); a jump of 10 s or more is a new stream, not a pause; timestamps wrap.
TEST(LevelMeter, CountsTimestampGapsBetweenPacketsAsSilence) {
  struct Case {
    const char* name;
    std::uint32_t firstTimestamp;
    std::uint32_t gapTicks;  // from the last tone frame to the next packet
    bool expectQuieter;
  };
  const std::vector<Case> cases = {
      {"back to back", 1000, 960, false},
      {"a 400 ms DTX pause", 1000, 960 * 21, true},
      {"across the 32-bit wrap", 0xFFFFFFFFu - 960 * 30, 960 * 21, true},
      {"a 20 s jump: a new stream", 1000, 48000 * 20, false},
  };
  for (const Case& c : cases) {
    int err = 0;
    OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
    ASSERT_EQ(err, OPUS_OK);
    LevelMeter meter;
    std::uint32_t ts = c.firstTimestamp;
    for (int i = 0; i < 25; ++i, ts += 960) {
      const auto packet = toneFrame(enc, i);
      ASSERT_TRUE(meter.addPacket(ts, packet.data(), packet.size())) << c.name;
    }
    const double loud = meter.rms();
    const auto next = toneFrame(enc, 25);
    ASSERT_TRUE(meter.addPacket(ts - 960 + c.gapTicks, next.data(), next.size())) << c.name;
    if (c.expectQuieter)
      EXPECT_LT(meter.rms(), loud * 0.8) << c.name;
    else
      EXPECT_GT(meter.rms(), loud * 0.9) << c.name;
    opus_encoder_destroy(enc);
  }
}

}  // namespace
}  // namespace tccc::server::media
