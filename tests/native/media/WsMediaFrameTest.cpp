// SPDX-License-Identifier: Apache-2.0
// The /ws/media wire format as the native SDK reads it: every server frame (audio, telephone-event,
// pong, report) round-trips through the shared encoders, and every malformed or misdirected one
// is refused with a reason, never read past its end. (The server's direction is covered by
// tests/native/server/media/WsMediaTest.cpp against the same code.)
#include "media/WsMediaFrame.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tccc::media {
namespace {

using Kind = WsMediaFrame::Kind;

std::string bytes(std::initializer_list<int> b) {
  std::string out;
  for (int v : b) out.push_back(static_cast<char>(v));
  return out;
}

struct ServerCase {
  const char* name;
  std::string input;
  Kind kind;
};

class ServerFrameParsing : public ::testing::TestWithParam<ServerCase> {};

TEST_P(ServerFrameParsing, ReadsOrRefuses) {
  const auto& c = GetParam();
  const auto f = WsMediaFrame::parseFromServer(c.input);
  EXPECT_EQ(f.kind, c.kind) << f.invalid;
  if (c.kind == Kind::Invalid) {
    EXPECT_STRNE(f.invalid, "");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ServerFrameParsing,
    ::testing::Values(ServerCase{"audio", bytes({1, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0xF8}), Kind::Audio},
                      ServerCase{"audio_largest", bytes({1, 0, 1, 0, 0, 0, 2}) + std::string(1275, 'x'), Kind::Audio},
                      ServerCase{"audio_too_big", bytes({1, 0, 1, 0, 0, 0, 2}) + std::string(1276, 'x'), Kind::Invalid},
                      ServerCase{"audio_without_packet", bytes({1, 0, 1, 0, 0, 0, 2}), Kind::Invalid},
                      ServerCase{"audio_short_header", bytes({1, 0, 1, 0}), Kind::Invalid},
                      ServerCase{"event", bytes({5, 0, 9, 0, 0, 1, 0, 5, 0x8A, 0x03, 0x20}), Kind::TelephoneEvent},
                      ServerCase{"event_short", bytes({5, 0, 9, 0, 0, 1, 0, 5, 0x8A, 0x03}), Kind::Invalid},
                      ServerCase{"event_long", bytes({5, 0, 9, 0, 0, 1, 0, 5, 0x8A, 0x03, 0x20, 0}), Kind::Invalid},
                      ServerCase{"pong", bytes({3, 0, 0, 0, 42}), Kind::Pong},
                      ServerCase{"pong_short", bytes({3, 0, 0, 42}), Kind::Invalid},
                      ServerCase{"pong_long", bytes({3, 0, 0, 0, 42, 0}), Kind::Invalid},
                      ServerCase{"report", bytes({4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), Kind::Report},
                      ServerCase{"report_short", bytes({4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), Kind::Invalid},
                      ServerCase{"report_long", bytes({4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), Kind::Invalid},
                      ServerCase{"ping_from_server", bytes({2, 0, 0, 0, 42}), Kind::Invalid},
                      ServerCase{"unknown_type", bytes({9, 1, 2, 3}), Kind::Invalid},
                      ServerCase{"zero_type", bytes({0, 0, 0, 0, 0, 0, 0, 1}), Kind::Invalid},
                      ServerCase{"high_type", bytes({0xFF, 0, 0, 0, 0, 0, 0, 1}), Kind::Invalid},
                      ServerCase{"empty", std::string(), Kind::Invalid},
                      ServerCase{"over_1500", bytes({1, 0, 1, 0, 0, 0, 2}) + std::string(1494, 'x'), Kind::Invalid}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WsMediaFrame, ServerFramesRoundTrip) {
  const std::uint8_t opus[] = {0xF8, 0xFF, 0xFE};
  auto a = WsMediaFrame::parseFromServer(WsMediaFrame::audio(0xBEEF, 0xFFFFFFFE, opus, sizeof opus));
  ASSERT_EQ(a.kind, Kind::Audio);
  EXPECT_EQ(a.sequence, 0xBEEF);
  EXPECT_EQ(a.timestamp, 0xFFFFFFFEu);
  EXPECT_EQ(a.payload, std::string("\xF8\xFF\xFE", 3));

  std::uint8_t ev[WsMediaFrame::kEventBytes];
  TelephoneEvent{11, true, 10, 4800}.write(ev);
  auto e = WsMediaFrame::parseFromServer(WsMediaFrame::telephoneEvent(7, 96000, ev));
  ASSERT_EQ(e.kind, Kind::TelephoneEvent);
  EXPECT_EQ(e.sequence, 7);
  EXPECT_EQ(e.timestamp, 96000u);
  const auto read = TelephoneEvent::read(reinterpret_cast<const std::uint8_t*>(e.payload.data()));
  EXPECT_EQ(read.event, 11);
  EXPECT_TRUE(read.end);
  EXPECT_EQ(read.volume, 10);
  EXPECT_EQ(read.duration, 4800);

  auto p = WsMediaFrame::parseFromServer(WsMediaFrame::pong(0xCAFEBABE));
  ASSERT_EQ(p.kind, Kind::Pong);
  EXPECT_EQ(p.pingId, 0xCAFEBABEu);

  auto r = WsMediaFrame::parseFromServer(WsMediaFrame::report(64, 7, 0x100, 1000));
  ASSERT_EQ(r.kind, Kind::Report);
  EXPECT_EQ(r.fractionLost, 64);
  EXPECT_EQ(r.cumulativeLost, 7u);
  EXPECT_EQ(r.jitter, 0x100u);
  EXPECT_EQ(r.packetsReceived, 1000u);
}

TEST(WsMediaFrame, PingIsWhatTheServerReads) {
  EXPECT_EQ(WsMediaFrame::ping(0x01020304), bytes({2, 1, 2, 3, 4}));
  auto f = WsMediaFrame::parse(WsMediaFrame::ping(0x01020304));
  ASSERT_EQ(f.kind, Kind::Ping);
  EXPECT_EQ(f.pingId, 0x01020304u);
  // And the other way round: what only a server sends is refused from a client, and the reverse.
  EXPECT_EQ(WsMediaFrame::parse(WsMediaFrame::pong(1)).kind, Kind::Invalid);
  EXPECT_EQ(WsMediaFrame::parseFromServer(WsMediaFrame::ping(1)).kind, Kind::Invalid);
}

TEST(WsMediaFrame, TelephoneEventLayoutIsRfc4733) {
  std::uint8_t ev[WsMediaFrame::kEventBytes];
  TelephoneEvent{5, false, 63, 0x0320}.write(ev);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(ev), 4), bytes({5, 0x3F, 0x03, 0x20}));
  TelephoneEvent{10, true, 0xFF, 1}.write(ev);  // the volume has 6 bits; the end bit is the top one
  EXPECT_EQ(std::string(reinterpret_cast<char*>(ev), 4), bytes({10, 0xBF, 0, 1}));
}

TEST(WsMediaFrame, EveryPrefixOfEveryServerFrameIsSafe) {
  const std::uint8_t opus[] = {1};  // one byte: any shorter audio frame has no packet at all
  const std::uint8_t ev[4] = {1, 2, 3, 4};
  for (const std::string& whole : {WsMediaFrame::audio(1, 2, opus, 1), WsMediaFrame::telephoneEvent(1, 2, ev),
                                   WsMediaFrame::pong(3), WsMediaFrame::report(1, 2, 3, 4)}) {
    for (std::size_t n = 0; n < whole.size(); ++n) {
      const std::string prefix = whole.substr(0, n);  // its own buffer: ASan sees any read past it
      EXPECT_EQ(WsMediaFrame::parseFromServer(prefix).kind, Kind::Invalid) << n;
    }
  }
}

}  // namespace
}  // namespace tccc::media
