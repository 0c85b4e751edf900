// SPDX-License-Identifier: Apache-2.0
// Audio over the WebSocket (docs/protocol.md "Media over the WebSocket"): the frames of /ws/media
// against hostile input, the RFC 3550 arithmetic of the reports, simulated loss, and a bridge that
// forwards between a WebSocket leg and another leg (numbering, DTMF, taps, hold, reports, loss).
#include "media/AudioSource.hpp"
#include "media/LossInjector.hpp"
#include "media/MediaBridge.hpp"
#include "media/ReceptionStats.hpp"
#include "media/WebSocketLeg.hpp"
#include "media/WsMediaFrame.hpp"

#include <gtest/gtest.h>
#include <opus/opus.h>

#include <cmath>
#include <string>
#include <vector>

namespace tccc::server::media {
namespace {

using tccc::media::WsMediaFrame;

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

// --- frames ---------------------------------------------------------------------------------------

struct ParseCase {
  const char* name;
  std::string input;
  WsMediaFrame::Kind kind;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::size_t payload = 0;
};

class FrameParsing : public ::testing::TestWithParam<ParseCase> {};

TEST_P(FrameParsing, ReadsOrRefuses) {
  const auto& c = GetParam();
  auto f = WsMediaFrame::parse(c.input);
  EXPECT_EQ(f.kind, c.kind) << f.invalid;
  if (c.kind == WsMediaFrame::Kind::Invalid) {
    EXPECT_STRNE(f.invalid, "");
    return;
  }
  if (c.kind == WsMediaFrame::Kind::Ping) {
    EXPECT_EQ(f.pingId, c.ts);
    return;
  }
  EXPECT_EQ(f.sequence, c.seq);
  EXPECT_EQ(f.timestamp, c.ts);
  EXPECT_EQ(f.payload.size(), c.payload);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FrameParsing,
    ::testing::Values(
        ParseCase{"audio", bytes({1, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0xF8, 0xFF, 0xFE}), WsMediaFrame::Kind::Audio,
                  0x1234, 0xDEADBEEF, 3},
        ParseCase{"audio_largest", bytes({1, 0, 1, 0, 0, 0, 2}) + std::string(1275, 'x'), WsMediaFrame::Kind::Audio, 1,
                  2, 1275},
        ParseCase{"audio_too_big", bytes({1, 0, 1, 0, 0, 0, 2}) + std::string(1276, 'x'), WsMediaFrame::Kind::Invalid},
        ParseCase{"audio_empty", bytes({1, 0, 1, 0, 0, 0, 2}), WsMediaFrame::Kind::Invalid},
        ParseCase{"audio_short_header", bytes({1, 0, 1, 0}), WsMediaFrame::Kind::Invalid},
        ParseCase{"event", bytes({5, 0, 9, 0, 0, 1, 0, 5, 0x8A, 0x03, 0x20}), WsMediaFrame::Kind::TelephoneEvent, 9,
                  256, 4},
        ParseCase{"event_short", bytes({5, 0, 9, 0, 0, 1, 0, 5, 0x8A, 0x03}), WsMediaFrame::Kind::Invalid},
        ParseCase{"event_long", bytes({5, 0, 9, 0, 0, 1, 0, 5, 0x8A, 0x03, 0x20, 0}), WsMediaFrame::Kind::Invalid},
        ParseCase{"ping", bytes({2, 0, 0, 0, 42}), WsMediaFrame::Kind::Ping, 0, 42},
        ParseCase{"ping_short", bytes({2, 0, 0, 42}), WsMediaFrame::Kind::Invalid},
        ParseCase{"ping_long", bytes({2, 0, 0, 0, 42, 0}), WsMediaFrame::Kind::Invalid},
        ParseCase{"pong_from_client", bytes({3, 0, 0, 0, 42}), WsMediaFrame::Kind::Invalid},
        ParseCase{"report_from_client", bytes({4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), WsMediaFrame::Kind::Invalid},
        ParseCase{"unknown_type", bytes({9, 1, 2, 3}), WsMediaFrame::Kind::Invalid},
        ParseCase{"zero_type", bytes({0, 0, 0, 0, 0, 0, 0, 1}), WsMediaFrame::Kind::Invalid},
        ParseCase{"high_type", bytes({0xFF, 0, 0, 0, 0, 0, 0, 1}), WsMediaFrame::Kind::Invalid},
        ParseCase{"empty", std::string(), WsMediaFrame::Kind::Invalid},
        ParseCase{"over_1500", bytes({1, 0, 1, 0, 0, 0, 2}) + std::string(1494, 'x'), WsMediaFrame::Kind::Invalid}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WsMediaFrame, EncodesWhatItParses) {
  const std::uint8_t opus[] = {0xF8, 0xFF, 0xFE};
  auto a = WsMediaFrame::audio(0xBEEF, 0x01020304, opus, sizeof opus);
  EXPECT_EQ(a, bytes({1, 0xBE, 0xEF, 1, 2, 3, 4, 0xF8, 0xFF, 0xFE}));
  const std::uint8_t ev[] = {5, 0x8A, 0x03, 0x20};
  EXPECT_EQ(WsMediaFrame::telephoneEvent(1, 2, ev), bytes({5, 0, 1, 0, 0, 0, 2, 5, 0x8A, 0x03, 0x20}));
  EXPECT_EQ(WsMediaFrame::pong(0x01020304), bytes({3, 1, 2, 3, 4}));
  EXPECT_EQ(WsMediaFrame::report(64, 7, 0x100, 1000), bytes({4, 64, 0, 0, 0, 7, 0, 0, 1, 0, 0, 0, 0x03, 0xE8}));
}

TEST(WsMediaFrame, EveryShortPrefixOfEveryTypeIsRefusedWithoutReadingPastIt) {
  // Under ASan this reads nothing beyond the view it is given.
  for (int type = 0; type < 256; ++type)
    for (std::size_t n = 1; n < 7; ++n) {
      std::string s(n, '\x01');
      s[0] = static_cast<char>(type);
      auto f = WsMediaFrame::parse(s);
      if (type == 2 && n == 5) continue;  // a ping
      EXPECT_EQ(f.kind, WsMediaFrame::Kind::Invalid) << type << " " << n;
    }
}

// --- RFC 3550 arithmetic --------------------------------------------------------------------------

struct Arrival {
  std::uint16_t seq;
  std::uint32_t ts;
  std::uint32_t at;
};
struct ReportCase {
  const char* name;
  std::vector<Arrival> in;
  std::uint8_t fraction;
  std::uint32_t cumulative;
  std::uint32_t received;
  std::uint32_t jitter;
};

std::vector<Arrival> steady(std::uint16_t firstSeq, int n, std::vector<int> missing = {}) {
  std::vector<Arrival> out;
  for (int i = 0; i < n; ++i) {
    if (std::find(missing.begin(), missing.end(), i) != missing.end()) continue;
    out.push_back({static_cast<std::uint16_t>(firstSeq + i), 960u * i, 5000u + 960u * i});
  }
  return out;
}

class ReportArithmetic : public ::testing::TestWithParam<ReportCase> {};

TEST_P(ReportArithmetic, MatchesRfc3550) {
  const auto& c = GetParam();
  ReceptionStats s;
  for (auto& a : c.in) s.onPacket(a.seq, a.ts, a.at);
  auto r = s.report();
  EXPECT_EQ(r.fractionLost, c.fraction);
  EXPECT_EQ(r.cumulativeLost, c.cumulative);
  EXPECT_EQ(r.packetsReceived, c.received);
  EXPECT_EQ(r.jitter, c.jitter);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ReportArithmetic,
    ::testing::Values(
        ReportCase{"nothing", {}, 0, 0, 0, 0}, ReportCase{"no_loss_steady_clock", steady(100, 50), 0, 0, 50, 0},
        // 10 of 50 lost: 10/50 of 256 = 51.2 -> 51.
        ReportCase{"every_fifth_lost", steady(100, 50, {4, 9, 14, 19, 24, 29, 34, 39, 44, 49 - 1}), 51, 10, 40, 0},
        ReportCase{"wraps_without_loss", steady(65530, 20), 0, 0, 20, 0},
        ReportCase{"wraps_with_loss", steady(65530, 20, {3, 6, 9}), 38, 3, 17, 0},
        // A duplicate counts as received (A.3): more received than expected is no loss.
        ReportCase{"duplicate", {{1, 0, 0}, {2, 960, 960}, {2, 960, 960}, {3, 1920, 1920}}, 0, 0, 4, 0},
        // Reordered: the late one fills the gap.
        ReportCase{"reordered", {{1, 0, 0}, {3, 1920, 1920}, {2, 960, 970}, {4, 2880, 2880}}, 0, 0, 4, 1},
        // A single packet far away is not believed; the stream goes on.
        ReportCase{"one_wild_packet", {{1, 0, 0}, {2, 960, 960}, {30000, 0, 970}, {3, 1920, 1920}}, 0, 0, 3, 0},
        // Constant 100-unit delay swings: J converges towards 100 by 1/16 per packet.
        ReportCase{"alternating_delay",
                   {{1, 0, 0}, {2, 960, 1060}, {3, 1920, 1920}, {4, 2880, 2980}, {5, 3840, 3840}},
                   0,
                   0,
                   5,
                   22}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ReceptionStats, FractionCountsSinceTheLastReport) {
  ReceptionStats s;
  for (auto& a : steady(0, 10, {5})) s.onPacket(a.seq, a.ts, a.at);
  auto first = s.report();
  EXPECT_EQ(first.fractionLost, 25);  // 1/10
  for (auto& a : steady(10, 10)) s.onPacket(a.seq, a.ts, a.at + 0);
  auto second = s.report();
  EXPECT_EQ(second.fractionLost, 0);
  EXPECT_EQ(second.cumulativeLost, 1u);
  EXPECT_EQ(second.packetsReceived, 19u);
}

TEST(LossInjector, DropsExactlyTheFractionSet) {
  LossInjector l;
  int dropped = 0;
  for (int i = 0; i < 1000; ++i) dropped += l.drop();
  EXPECT_EQ(dropped, 0);
  l.setLoss(0.2);
  for (int i = 0; i < 1000; ++i) dropped += l.drop();
  EXPECT_EQ(dropped, 200);
  l.setLoss(0);
  for (int i = 0; i < 1000; ++i) dropped += l.drop();
  EXPECT_EQ(dropped, 200);
  l.setLoss(7);  // clamped
  EXPECT_TRUE(l.drop());
}

// --- a bridge between a WebSocket leg and another leg ---------------------------------------------

struct Sent {
  std::uint64_t source;
  RtpHeader header;
  std::string payload;
  bool dtmf;
};

/// The far side's leg: records what the bridge sends it and lets the test speak for it.
class FakeLeg final : public BridgeLeg {
 public:
  void start(MediaLegSink* sink) override { this->sink = sink; }
  void sendAudio(std::uint64_t source, const RtpHeader& h, const std::uint8_t* p, std::size_t n, std::int64_t,
                 bool dtmf) override {
    sent.push_back({source, h, std::string(reinterpret_cast<const char*>(p), n), dtmf});
  }
  bool isDtmf(std::uint8_t pt) const override { return pt == 101; }
  void setHeld(bool) override {}
  void setLoss(double) override {}
  void tick(std::chrono::steady_clock::time_point) override {}
  void close() override { closed = true; }
  bool connected() const override { return true; }
  void say(std::uint16_t seq, std::uint32_t ts, const std::string& payload, std::uint8_t pt = 111) {
    RtpHeader h;
    h.payloadType = pt;
    h.sequence = seq;
    h.timestamp = ts;
    h.ssrc = 0xFA;
    sink->onAudio(*this, h, reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
  }
  MediaLegSink* sink = nullptr;
  std::vector<Sent> sent;
  bool closed = false;
};

class FakeOutlet final : public WsMediaOutlet {
 public:
  void send(std::string frame, std::size_t audioBytes) override { frames.push_back({std::move(frame), audioBytes}); }
  void close(int code, std::string) override { closedWith = code; }
  std::vector<std::pair<std::string, std::size_t>> frames;
  int closedWith = 0;
  std::vector<std::string> ofType(int type) const {
    std::vector<std::string> out;
    for (auto& [f, n] : frames)
      if (!f.empty() && static_cast<std::uint8_t>(f[0]) == type) out.push_back(f);
    return out;
  }
};

class FakeTap final : public MediaTap {
 public:
  void joined(const std::string&, Side side, const std::string& who) override { joins.push_back({side, who}); }
  void audio(const std::string&, Side side, const RtpHeader& h, const std::uint8_t*, std::size_t) override {
    if (side == Side::Agent) agentAudio.push_back(h);
  }
  void left(const std::string&, Side side) override { lefts.push_back(side); }
  void ended(const std::string&) override {}
  void bargeAudio(const std::string&, const std::string&, const RtpHeader&, const std::uint8_t*, std::size_t) override {
  }
  void supervisorLeft(const std::string&) override {}
  std::vector<std::pair<Side, std::string>> joins;
  std::vector<Side> lefts;
  std::vector<RtpHeader> agentAudio;
};

std::uint16_t seqOf(const std::string& f) {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(f[1]) << 8) | static_cast<std::uint8_t>(f[2]));
}
std::uint32_t u32At(const std::string& f, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(f[at + i]);
  return v;
}

struct Bridged : ::testing::Test {
  FakeTap tap;
  MediaBridge bridge{"s-1", &tap};
  std::shared_ptr<FakeLeg> far = std::make_shared<FakeLeg>();
  std::shared_ptr<FakeOutlet> outlet = std::make_shared<FakeOutlet>();
  std::shared_ptr<MediaStats> stats = std::make_shared<MediaStats>();
  std::shared_ptr<WebSocketLeg> ws = std::make_shared<WebSocketLeg>(outlet, stats, false);
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  void SetUp() override {
    bridge.attach(Side::Far, far, "caller");
    bridge.attach(Side::Agent, ws, "agent@x");
  }
  void agentSays(std::uint16_t seq, std::uint32_t ts, const std::string& opus = "\xF8\xFF\xFE") {
    ws->onMessage(WsMediaFrame::audio(seq, ts, reinterpret_cast<const std::uint8_t*>(opus.data()), opus.size()), t0);
  }
};

TEST_F(Bridged, TheAgentsFramesReachTheFarLegAsRtpAndTheTapHearsThem) {
  for (int i = 0; i < 5; ++i) agentSays(static_cast<std::uint16_t>(700 + i), 48000u + 960u * i);
  ASSERT_EQ(far->sent.size(), 5u);
  EXPECT_EQ(far->sent[0].header.sequence, 700);
  EXPECT_EQ(far->sent[4].header.timestamp, 48000u + 4 * 960u);
  EXPECT_EQ(far->sent[0].payload, "\xF8\xFF\xFE");
  EXPECT_FALSE(far->sent[0].dtmf);
  ASSERT_EQ(tap.agentAudio.size(), 5u);
  EXPECT_NE(tap.agentAudio[0].ssrc, 0u);
  EXPECT_EQ(tap.agentAudio[0].sequence, 700);
  EXPECT_EQ(tap.joins.back(), (std::pair<Side, std::string>{Side::Agent, "agent@x"}));
  std::lock_guard lock(stats->mutex);
  EXPECT_EQ(stats->packetsIn, 5u);
  EXPECT_EQ(stats->bytesIn, 15u);
  EXPECT_EQ(stats->transport, "websocket");
  EXPECT_EQ(stats->state, "connected");
}

TEST_F(Bridged, TheFarSidesAudioBecomesFramesInOneUnbrokenNumbering) {
  for (int i = 0; i < 3; ++i) far->say(static_cast<std::uint16_t>(10 + i), 960u * i, "abc");
  // The far side's leg is replaced (the next caller leg, say): the numbering goes on by one.
  auto far2 = std::make_shared<FakeLeg>();
  bridge.attach(Side::Far, far2, "caller");
  EXPECT_TRUE(far->closed);
  far2->say(50000, 123456, "def");
  auto audio = outlet->ofType(1);
  ASSERT_EQ(audio.size(), 4u);
  for (std::size_t i = 1; i < audio.size(); ++i)
    EXPECT_EQ(seqOf(audio[i]), static_cast<std::uint16_t>(seqOf(audio[0]) + i)) << i;
  EXPECT_EQ(audio[1].substr(7), "abc");
  EXPECT_EQ(audio[3].substr(7), "def");
  EXPECT_EQ(outlet->frames[0].second, 3u) << "audio frames say their payload size for the counters";
}

TEST_F(Bridged, DtmfCrossesBothWaysAsEventsNeverToTheTap) {
  const std::uint8_t event[] = {5, 0x0A, 0x01, 0x40};
  ws->onMessage(WsMediaFrame::telephoneEvent(40, 9600, event), t0);
  ws->onMessage(WsMediaFrame::telephoneEvent(41, 9600, event), t0);
  ASSERT_EQ(far->sent.size(), 2u);
  EXPECT_TRUE(far->sent[0].dtmf);
  EXPECT_TRUE(far->sent[0].header.marker) << "an event's first packet";
  EXPECT_FALSE(far->sent[1].header.marker);
  EXPECT_EQ(far->sent[0].payload, std::string(reinterpret_cast<const char*>(event), 4));
  EXPECT_TRUE(tap.agentAudio.empty());
  far->say(7, 100, std::string(reinterpret_cast<const char*>(event), 4), 101);
  auto events = outlet->ofType(5);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].size(), 11u);
}

TEST_F(Bridged, HostileFramesAreCountedAndGoNowhere) {
  for (const std::string& bad :
       {bytes({}), bytes({9}), bytes({1, 0}), bytes({4, 1, 2, 3}), bytes({5, 0, 0, 0, 0, 0, 0, 1})})
    ws->onMessage(bad, t0);
  ws->onRefused();
  EXPECT_TRUE(far->sent.empty());
  std::lock_guard lock(stats->mutex);
  EXPECT_EQ(stats->dropped, 6u);
  EXPECT_EQ(stats->packetsIn, 0u);
}

TEST_F(Bridged, ReportsOnceASecondWhatArrived) {
  for (int i = 0; i < 10; ++i)
    if (i != 3 && i != 7) agentSays(static_cast<std::uint16_t>(i), 960u * i);
  ws->tick(t0 + std::chrono::milliseconds(500));
  EXPECT_TRUE(outlet->ofType(4).empty());
  ws->tick(t0 + std::chrono::milliseconds(1100));
  auto reports = outlet->ofType(4);
  ASSERT_EQ(reports.size(), 1u);
  const std::string& r = reports[0];
  ASSERT_EQ(r.size(), 14u);
  EXPECT_EQ(static_cast<std::uint8_t>(r[1]), 51);  // 2 of 10
  EXPECT_EQ(u32At(r, 2), 2u);
  EXPECT_EQ(u32At(r, 10), 8u);
  EXPECT_EQ(outlet->frames.back().second, 0u) << "a report is not audio";
}

TEST_F(Bridged, SimulatedLossDropsBothWaysAndShowsInTheReport) {
  bridge.setAgentLoss(0.2);
  for (int i = 0; i < 50; ++i) agentSays(static_cast<std::uint16_t>(i), 960u * i);
  for (int i = 0; i < 50; ++i) far->say(static_cast<std::uint16_t>(i), 960u * i, "x");
  EXPECT_EQ(far->sent.size(), 40u);
  EXPECT_EQ(outlet->ofType(1).size(), 40u);
  ws->tick(t0 + std::chrono::milliseconds(1100));
  auto reports = outlet->ofType(4);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_GE(static_cast<std::uint8_t>(reports[0][1]), 45);  // about 51 (20 %); the last loss may not show yet
  {
    std::lock_guard lock(stats->mutex);
    EXPECT_EQ(stats->impairedIn, 10u);
    EXPECT_EQ(stats->impairedOut, 10u);
    EXPECT_DOUBLE_EQ(stats->loss, 0.2);
  }
  bridge.setAgentLoss(0);
  for (int i = 50; i < 100; ++i) agentSays(static_cast<std::uint16_t>(i), 960u * i);
  EXPECT_EQ(far->sent.size(), 90u);
  ws->tick(t0 + std::chrono::milliseconds(2100));  // still counts the last packet lost before the change
  for (int i = 100; i < 150; ++i) agentSays(static_cast<std::uint16_t>(i), 960u * i);
  ws->tick(t0 + std::chrono::milliseconds(3100));
  EXPECT_EQ(static_cast<std::uint8_t>(outlet->ofType(4).back()[1]), 0) << "recovered";
}

TEST_F(Bridged, AWebRtcOrNewSocketLegReplacingItClosesTheSocket) {
  auto next = std::make_shared<FakeLeg>();
  bridge.attach(Side::Agent, next, "agent@x");
  EXPECT_EQ(outlet->closedWith, WebSocketLeg::kCloseLegEnded);
  agentSays(1, 960);
  EXPECT_TRUE(far->sent.empty()) << "a closed leg forwards nothing";
  std::lock_guard lock(stats->mutex);
  EXPECT_EQ(stats->state, "closed");
}

// The recorder and the recogniser keep one file and one transcript per party: a party's new leg
// (its socket reopened, or the WebRTC leg it was rung with replaced by its WebSocket) is not a new
// participant; another party's is. Found by recording a WebSocket call: the agent's first file was
// the unconnected WebRTC leg's 20 ms of silence, its voice in a second one.
TEST_F(Bridged, ANewLegOfTheSamePartyKeepsItsPlaceInTheTapsAnotherPartysDoesNot) {
  using Joins = std::vector<std::pair<Side, std::string>>;
  struct Case {
    const char* name;
    std::string nextParty;
    Joins joinsAfter;  // beyond the first two
    std::vector<Side> leftsAfter;
  };
  const std::vector<Case> cases = {
      {"the same agent's new socket", "agent@x", {}, {}},
      {"a transfer to another agent", "agent2@x", {{Side::Agent, "agent2@x"}}, {Side::Agent}},
  };
  for (const auto& c : cases) {
    FakeTap t;
    MediaBridge b{"s-2", &t};
    auto farLeg = std::make_shared<FakeLeg>();
    auto first = std::make_shared<FakeLeg>();
    b.attach(Side::Far, farLeg, "caller");
    b.attach(Side::Agent, first, "agent@x");
    const auto joinsBefore = t.joins.size();
    auto next = std::make_shared<FakeLeg>();
    b.attach(Side::Agent, next, c.nextParty);
    EXPECT_TRUE(first->closed) << c.name;
    EXPECT_EQ(Joins(t.joins.begin() + static_cast<std::ptrdiff_t>(joinsBefore), t.joins.end()), c.joinsAfter) << c.name;
    EXPECT_EQ(t.lefts, c.leftsAfter) << c.name;
    // Either way the new leg is the one that is heard.
    next->say(5, 960, "\xF8\xFF\xFE");
    EXPECT_EQ(farLeg->sent.size(), 1u) << c.name;
    // After the party left, the same name joining again is a new participant.
    b.detach(Side::Agent);
    b.attach(Side::Agent, std::make_shared<FakeLeg>(), c.nextParty);
    EXPECT_EQ(t.joins.back(), (std::pair<Side, std::string>{Side::Agent, c.nextParty})) << c.name;
  }
}

TEST_F(Bridged, DetachIfLeavesANewerLegAlone) {
  auto next = std::make_shared<FakeLeg>();
  bridge.attach(Side::Agent, next, "agent@x");
  bridge.detachIf(Side::Agent, ws.get());
  EXPECT_FALSE(next->closed);
  bridge.detachIf(Side::Agent, next.get());
  EXPECT_TRUE(next->closed);
}

TEST_F(Bridged, HoldPlaysMusicToTheSocketInTheSameNumbering) {
  bridge.setSimulatedCaller(AudioSource::syntheticVoice(7), "caller");
  bridge.detach(Side::Far);  // the simulated caller only
  auto now = std::chrono::steady_clock::now();
  std::int64_t us = 0;
  for (int i = 0; i < 5; ++i) bridge.tick(now, us += 20000);
  bridge.setHeld(true);
  for (int i = 0; i < 5; ++i) bridge.tick(now, us += 20000);
  auto audio = outlet->ofType(1);
  ASSERT_EQ(audio.size(), 10u);
  for (std::size_t i = 1; i < audio.size(); ++i)
    EXPECT_EQ(seqOf(audio[i]), static_cast<std::uint16_t>(seqOf(audio[0]) + i)) << i;
  // The music decodes to sound.
  int err = 0;
  OpusDecoder* dec = opus_decoder_create(48000, 1, &err);
  ASSERT_EQ(err, OPUS_OK);
  double energy = 0;
  for (std::size_t i = 5; i < audio.size(); ++i) {
    std::vector<opus_int16> pcm(5760);
    int n = opus_decode(dec, reinterpret_cast<const unsigned char*>(audio[i].data() + 7),
                        static_cast<opus_int32>(audio[i].size() - 7), pcm.data(), 5760, 0);
    ASSERT_GT(n, 0);
    for (int k = 0; k < n; ++k) energy += double(pcm[static_cast<std::size_t>(k)]) * pcm[static_cast<std::size_t>(k)];
  }
  opus_decoder_destroy(dec);
  EXPECT_GT(energy, 0);
}

}  // namespace
}  // namespace tccc::server::media
