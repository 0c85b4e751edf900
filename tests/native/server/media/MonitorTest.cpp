// SPDX-License-Identifier: Apache-2.0
// A supervisor on a call (docs/media.md, "Supervisor on a call"): MonitorMix's queues and sums, and
// what each party of a MediaBridge hears in each mode, with legs that record what they are sent.
// Every party says a tone of its own; a listener's audio is decoded and its tones measured.
#include "media/MediaBridge.hpp"
#include "media/MonitorMix.hpp"

#include <gtest/gtest.h>
#include <opus/opus.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace tccc::server::media {
namespace {

using Party = MonitorMix::Party;
constexpr double kPi = 3.14159265358979323846;

/// 20 ms of a sine of `hz` at a quarter of full scale, continuing from sample `offset`.
MonitorMix::Frame tone(double hz, std::size_t offset) {
  MonitorMix::Frame f{};
  for (std::size_t i = 0; i < f.size(); ++i)
    f[i] = static_cast<std::int16_t>(8000 * std::sin(2 * kPi * hz * double(offset + i) / kSampleRate));
  return f;
}

/// The strength of `hz` in `pcm` (Goertzel), relative to a full-scale sine: about 0.25 for tone().
double strength(const std::vector<std::int16_t>& pcm, double hz) {
  if (pcm.empty()) return 0;
  const double w = 2 * kPi * hz / kSampleRate;
  double s1 = 0, s2 = 0;
  for (std::int16_t x : pcm) {
    double s = x / 32768.0 + 2 * std::cos(w) * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const double power = s1 * s1 + s2 * s2 - 2 * std::cos(w) * s1 * s2;
  return 2 * std::sqrt(std::max(power, 0.0)) / double(pcm.size());
}

class Encoder {
 public:
  Encoder() {
    int err = 0;
    mEncoder = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &err);
  }
  ~Encoder() { opus_encoder_destroy(mEncoder); }
  std::vector<std::uint8_t> encode(const MonitorMix::Frame& pcm) {
    std::vector<std::uint8_t> out(1500);
    int n = opus_encode(mEncoder, pcm.data(), kFrameSamples, out.data(), static_cast<opus_int32>(out.size()));
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
  }

 private:
  OpusEncoder* mEncoder = nullptr;
};

/// Decodes everything one listener was sent, in order.
class Ear {
 public:
  Ear() {
    int err = 0;
    mDecoder = opus_decoder_create(kSampleRate, 1, &err);
  }
  ~Ear() { opus_decoder_destroy(mDecoder); }
  void hear(const std::uint8_t* opus, std::size_t size) {
    std::vector<std::int16_t> pcm(5760);
    int n = opus_decode(mDecoder, opus, static_cast<opus_int32>(size), pcm.data(), 5760, 0);
    if (n > 0) heard.insert(heard.end(), pcm.begin(), pcm.begin() + n);
  }
  /// What was heard after the first `skip` samples (the codec's and the queue's start).
  std::vector<std::int16_t> after(std::size_t skip) const {
    return heard.size() > skip ? std::vector<std::int16_t>(heard.begin() + skip, heard.end())
                               : std::vector<std::int16_t>{};
  }
  std::vector<std::int16_t> heard;

 private:
  OpusDecoder* mDecoder = nullptr;
};

TEST(MonitorMix, EachListenerHearsTheOtherTwoSummed) {
  MonitorMix mix;
  Encoder far, agent, supervisor;
  std::map<Party, Ear> ears;
  for (std::size_t t = 0; t < 50; ++t) {
    const std::size_t at = t * kFrameSamples;
    auto say = [&](Party p, Encoder& e, double hz) {
      auto opus = e.encode(tone(hz, at));
      mix.heard(p, opus.data(), opus.size());
    };
    say(Party::Far, far, 440);
    say(Party::Agent, agent, 1000);
    say(Party::Supervisor, supervisor, 2500);
    mix.advance();
    for (Party listener : {Party::Far, Party::Agent, Party::Supervisor}) {
      RtpHeader h;
      std::array<unsigned char, 1500> out{};
      std::size_t size = 0;
      ASSERT_TRUE(mix.encodeFor(listener, h, out, size));
      ears[listener].hear(out.data(), size);
    }
  }
  struct Expect {
    Party listener;
    bool far, agent, supervisor;
  };
  for (auto e : {Expect{Party::Supervisor, true, true, false}, Expect{Party::Agent, true, false, true},
                 Expect{Party::Far, false, true, true}}) {
    auto pcm = ears[e.listener].after(10 * kFrameSamples);
    const auto name = std::to_string(static_cast<int>(e.listener));
    EXPECT_EQ(strength(pcm, 440) > 0.1, e.far) << name << " 440 Hz " << strength(pcm, 440);
    EXPECT_EQ(strength(pcm, 1000) > 0.1, e.agent) << name << " 1 kHz " << strength(pcm, 1000);
    EXPECT_EQ(strength(pcm, 2500) > 0.1, e.supervisor) << name << " 2.5 kHz " << strength(pcm, 2500);
  }
}

TEST(MonitorMix, AQueueStartsAtTwoFramesPlaysSilenceWhenDryAndKeepsAtMostFour) {
  MonitorMix mix;
  const auto a = tone(440, 0);
  mix.heard(Party::Far, a);
  mix.advance();  // one frame is not enough to start
  EXPECT_EQ(mix.current(Party::Far)[100], 0);
  EXPECT_EQ(mix.queued(Party::Far), kFrameSamples);
  mix.heard(Party::Far, a);
  mix.advance();
  EXPECT_EQ(mix.current(Party::Far)[100], a[100]);
  mix.advance();
  EXPECT_EQ(mix.current(Party::Far)[100], a[100]);
  mix.advance();  // dry: silence, and it waits for two frames again
  EXPECT_EQ(mix.current(Party::Far)[100], 0);
  mix.heard(Party::Far, a);
  mix.advance();
  EXPECT_EQ(mix.current(Party::Far)[100], 0);
  for (int i = 0; i < 10; ++i) mix.heard(Party::Far, a);  // a burst: the oldest audio goes
  EXPECT_EQ(mix.queued(Party::Far), MonitorMix::kMaxQueued);
  const std::uint8_t garbage[] = {0xff, 0xff, 0xff};
  mix.heard(Party::Agent, garbage, 0);  // nothing to decode: dropped
  EXPECT_EQ(mix.queued(Party::Agent), 0u);
}

/// A leg that records what it is sent, decoded per source kind.
class RecordingLeg final : public BridgeLeg {
 public:
  void start(MediaLegSink* sink) override { this->sink = sink; }
  void sendAudio(std::uint64_t source, const RtpHeader&, const std::uint8_t* payload, std::size_t size, std::int64_t,
                 bool dtmf) override {
    if (dtmf) return;
    sources.push_back(source);
    ear.hear(payload, size);
  }
  bool isDtmf(std::uint8_t payloadType) const override { return payloadType == 101; }
  void setHeld(bool) override {}
  void setLoss(double) override {}
  void tick(std::chrono::steady_clock::time_point) override {}
  void close() override { closed = true; }
  bool connected() const override { return true; }

  /// The party on this leg says `pcm`.
  void say(const MonitorMix::Frame& pcm, std::uint16_t seq) {
    auto opus = encoder.encode(pcm);
    RtpHeader h;
    h.payloadType = 111;
    h.sequence = seq;
    h.timestamp = seq * kFrameSamples;
    h.ssrc = 0x1234;
    sink->onAudio(*this, h, opus.data(), opus.size());
  }

  MediaLegSink* sink = nullptr;
  bool closed = false;
  std::vector<std::uint64_t> sources;
  Ear ear;
  Encoder encoder;
};

/// What the call's record is told about the supervisor (the parties' audio is CallTap's business).
class SupervisorTap final : public MediaTap {
 public:
  void joined(const std::string&, Side, const std::string&) override {}
  void audio(const std::string&, Side, const RtpHeader&, const std::uint8_t*, std::size_t) override {}
  void left(const std::string&, Side) override {}
  void ended(const std::string&) override {}
  void bargeAudio(const std::string&, const std::string& supervisor, const RtpHeader& header, const std::uint8_t* opus,
                  std::size_t size) override {
    speakers.insert(supervisor);
    timestamps.push_back(header.timestamp);
    ear.hear(opus, size);
  }
  void supervisorLeft(const std::string&) override { ++lefts; }

  std::set<std::string> speakers;
  std::vector<std::uint32_t> timestamps;
  Ear ear;
  int lefts = 0;
};

struct ModeCase {
  const char* name;
  MonitorMode mode;
  bool agentHearsSupervisor, farHearsSupervisor;
};

class BridgeWithSupervisor : public ::testing::TestWithParam<ModeCase> {};

// The far side says 440 Hz, the agent 1 kHz, the supervisor 2.5 kHz, for a second.
TEST_P(BridgeWithSupervisor, EachPartyHearsWhatTheModeSays) {
  const ModeCase& c = GetParam();
  SupervisorTap tap;
  MediaBridge bridge("s-1", &tap);
  auto far = std::make_shared<RecordingLeg>();
  auto agent = std::make_shared<RecordingLeg>();
  auto supervisor = std::make_shared<RecordingLeg>();
  bridge.attach(Side::Far, far, "customer");
  bridge.attach(Side::Agent, agent, "agent1");
  bridge.attachMonitor(supervisor, c.mode, "boss1");
  const auto start = std::chrono::steady_clock::now();
  for (std::uint16_t t = 0; t < 50; ++t) {
    const std::size_t at = std::size_t(t) * kFrameSamples;
    far->say(tone(440, at), t);
    agent->say(tone(1000, at), t);
    supervisor->say(tone(2500, at), t);
    bridge.tick(start + std::chrono::milliseconds(20 * t), 20000 * std::int64_t(t));
  }
  const std::size_t skip = 10 * kFrameSamples;
  auto heard = [&](RecordingLeg& leg, double hz) { return strength(leg.ear.after(skip), hz) > 0.1; };
  // The supervisor always hears both parties, never itself.
  EXPECT_TRUE(heard(*supervisor, 440));
  EXPECT_TRUE(heard(*supervisor, 1000));
  EXPECT_FALSE(heard(*supervisor, 2500));
  // The parties hear each other in every mode, and the supervisor as the mode says.
  EXPECT_TRUE(heard(*agent, 440));
  EXPECT_EQ(heard(*agent, 2500), c.agentHearsSupervisor);
  EXPECT_FALSE(heard(*agent, 1000));
  EXPECT_TRUE(heard(*far, 1000));
  EXPECT_EQ(heard(*far, 2500), c.farHearsSupervisor);
  EXPECT_FALSE(heard(*far, 440));
  // The call's record holds what the customer heard the supervisor say: every frame of a barge, in
  // the supervisor's own numbering and voice; nothing of a whisper or of listening.
  if (c.farHearsSupervisor) {
    EXPECT_EQ(tap.speakers, std::set<std::string>{"boss1"});
    ASSERT_EQ(tap.timestamps.size(), 50u);
    for (std::size_t i = 0; i < tap.timestamps.size(); ++i) EXPECT_EQ(tap.timestamps[i], i * kFrameSamples);
    EXPECT_TRUE(strength(tap.ear.after(2 * kFrameSamples), 2500) > 0.1);
  } else {
    EXPECT_TRUE(tap.timestamps.empty());
  }

  // The supervisor leaves: the parties' packets are forwarded again, untouched.
  bridge.detachMonitor();
  EXPECT_EQ(tap.lefts, 1);
  EXPECT_TRUE(supervisor->closed);
  const std::size_t before = agent->sources.size();
  far->say(tone(440, 0), 60);
  ASSERT_EQ(agent->sources.size(), before + 1);
  EXPECT_EQ(agent->sources.back() & 0xffffffffu, 0x1234u);  // the far side's own stream
}

INSTANTIATE_TEST_SUITE_P(Modes, BridgeWithSupervisor,
                         ::testing::Values(ModeCase{"listen", MonitorMode::Listen, false, false},
                                           ModeCase{"whisper", MonitorMode::Whisper, true, false},
                                           ModeCase{"barge", MonitorMode::Barge, true, true}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(BridgeWithSupervisor, TheSimulatedCallersVoiceIsMixedAndAClosedCallClosesTheSupervisorsLeg) {
  MediaBridge bridge("s-2", nullptr);
  auto agent = std::make_shared<RecordingLeg>();
  auto supervisor = std::make_shared<RecordingLeg>();
  bridge.attach(Side::Agent, agent, "agent1");
  std::vector<std::int16_t> voice;  // two seconds: the loop pauses half a second between rounds
  for (std::size_t f = 0; f < 100; ++f) {
    const auto frame = tone(440, f * kFrameSamples);
    voice.insert(voice.end(), frame.begin(), frame.end());
  }
  bridge.setSimulatedCaller(AudioSource::loop(std::move(voice)), "caller");
  bridge.attachMonitor(supervisor, MonitorMode::Whisper, "boss1");
  const auto start = std::chrono::steady_clock::now();
  for (std::uint16_t t = 0; t < 50; ++t) {
    supervisor->say(tone(2500, std::size_t(t) * kFrameSamples), t);
    bridge.tick(start + std::chrono::milliseconds(20 * t), 20000 * std::int64_t(t));
  }
  // The agent hears the caller and the whispering supervisor in one stream: the mix.
  EXPECT_TRUE(strength(agent->ear.after(10 * kFrameSamples), 440) > 0.1);
  EXPECT_TRUE(strength(agent->ear.after(10 * kFrameSamples), 2500) > 0.1);
  EXPECT_TRUE(strength(supervisor->ear.after(10 * kFrameSamples), 440) > 0.1);
  bridge.close();
  EXPECT_TRUE(supervisor->closed);
}

}  // namespace
// A barge while the call is held reaches nobody (the customer hears music), so nothing of it is
// recorded; a new leg of the supervisor's is a new timeline, told to the record as a leave first.
TEST(BridgeWithSupervisor, ABargeWhileHeldIsNotRecordedAndANewLegEndsTheLastOnesFile) {
  SupervisorTap tap;
  MediaBridge bridge("s-3", &tap);
  auto far = std::make_shared<RecordingLeg>();
  auto agent = std::make_shared<RecordingLeg>();
  bridge.attach(Side::Far, far, "customer");
  bridge.attach(Side::Agent, agent, "agent1");
  auto first = std::make_shared<RecordingLeg>();
  bridge.attachMonitor(first, MonitorMode::Barge, "boss1");
  bridge.setHeld(true);
  for (std::uint16_t t = 0; t < 5; ++t) first->say(tone(2500, std::size_t(t) * kFrameSamples), t);
  EXPECT_TRUE(tap.timestamps.empty());
  bridge.setHeld(false);
  for (std::uint16_t t = 5; t < 10; ++t) first->say(tone(2500, std::size_t(t) * kFrameSamples), t);
  EXPECT_EQ(tap.timestamps.size(), 5u);

  auto second = std::make_shared<RecordingLeg>();
  bridge.attachMonitor(second, MonitorMode::Barge, "boss1");
  EXPECT_TRUE(first->closed);
  EXPECT_EQ(tap.lefts, 1);
  bridge.setMonitorMode(MonitorMode::Whisper);
  second->say(tone(2500, 0), 0);
  EXPECT_EQ(tap.timestamps.size(), 5u);
  bridge.close();
  EXPECT_EQ(tap.lefts, 2);
}

}  // namespace tccc::server::media
