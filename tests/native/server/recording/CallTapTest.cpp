// SPDX-License-Identifier: Apache-2.0
// Which participants of a call are recorded, driven through CallTap as the media plane drives it
// (configure before each leg, joined/audio/left on the media thread, ended): nothing before an agent
// joins, the caller from the agent's join on, a file per agent after a transfer, a file per leg of a
// supervisor who barges in, and the settings of the leg being opened deciding (a skill group that
// opts out, a switch turned mid-call).
#include "../PushReceiver.hpp"
#include "RecordingPipeline.hpp"
#include "calltap/CallTap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace tccc::server;
using tccc::server::test::decodeFile;
using tccc::server::test::Receiver;
using tccc::server::test::RecordingPipeline;
using tccc::server::test::ToneEncoder;

namespace {

using media::Side;

/// One thing that happens to the call, in order.
struct Step {
  enum Kind { Configure, Join, Talk, Leave, Barge, SupervisorLeaves } kind;
  Side side = Side::Far;
  std::string participant;  // Join
  bool record = true;       // Configure
};

Step configure(bool record) { return {Step::Configure, Side::Far, "", record}; }
Step join(Side side, std::string who) { return {Step::Join, side, std::move(who), true}; }
Step talk(Side side) { return {Step::Talk, side, "", true}; }
Step leave(Side side) { return {Step::Leave, side, "", true}; }
/// A supervisor says a second of its tone barged in.
Step barge(std::string who) { return {Step::Barge, Side::Agent, std::move(who), true}; }
Step supervisorLeaves() { return {Step::SupervisorLeaves, Side::Agent, "", true}; }

struct Case {
  const char* name;
  std::vector<Step> steps;
  /// The participant files the catalogue ends with, as "customer:13800138000" / "agent:a1", and
  /// how many 1 s spans of talk each holds.
  std::vector<std::pair<std::string, int>> files;
};

const Side kFar = Side::Far;
const Side kAgent = Side::Agent;

class CallTapTest : public ::testing::TestWithParam<Case> {};

TEST_P(CallTapTest, RecordsWhoTalksOnceAnAgentIsThere) {
  const Case& c = GetParam();
  Receiver receiver({{200, R"({"ErrCode":0})"}});
  RecordingPipeline p(receiver.port);
  CallTap tap(&p.recorder, nullptr, p.io.get_executor(), [](auto&&...) {});
  ToneEncoder tones[2] = {ToneEncoder(440), ToneEncoder(660)};
  std::uint32_t rtp[2] = {1000, 500000};
  ToneEncoder supervisorTone(2500);
  std::uint32_t supervisorRtp = 90000;
  for (const Step& s : c.steps) {
    const auto i = static_cast<std::size_t>(s.side);
    switch (s.kind) {
      case Step::Configure:
        tap.configure("s1", 7, s.record, false);
        break;
      case Step::Join:
        tap.joined("s1", s.side, s.participant);
        break;
      case Step::Talk:  // one second of 20 ms packets
        for (int n = 0; n < 50; ++n, rtp[i] += 960) {
          auto packet = tones[i].next();
          media::RtpHeader header;
          header.timestamp = rtp[i];
          tap.audio("s1", s.side, header, packet.data(), packet.size());
        }
        break;
      case Step::Leave:
        tap.left("s1", s.side);
        break;
      case Step::Barge:
        for (int n = 0; n < 50; ++n, supervisorRtp += 960) {
          auto packet = supervisorTone.next();
          media::RtpHeader header;
          header.timestamp = supervisorRtp;
          tap.bargeAudio("s1", s.participant, header, packet.data(), packet.size());
        }
        break;
      case Step::SupervisorLeaves:
        tap.supervisorLeft("s1");
        break;
    }
  }
  // Every file started is still open until the call ends: none more, none fewer.
  EXPECT_EQ(p.recorder.health().active, c.files.size());
  tap.ended("s1");
  auto has = [&](const char* who) {
    return std::any_of(c.files.begin(), c.files.end(), [&](const auto& f) { return f.first.rfind(who, 0) == 0; });
  };
  const bool mixed = has("customer:") && (has("agent:") || has("supervisor:"));  // the mix needs both sides
  auto rows = p.settled("s1", c.files.size() + (mixed ? 1 : 0));
  std::vector<std::pair<std::string, int>> got;
  for (const auto& r : rows) {
    if (r.participant == "mix") continue;
    EXPECT_EQ(r.state, "complete") << r.participant << " " << r.error;
    auto decoded = decodeFile(r.path);
    const int seconds = static_cast<int>((decoded.frames() + 24000) / 48000);
    got.emplace_back(r.participant + ":" + r.endpointUser, seconds);
  }
  std::sort(got.begin(), got.end());
  auto want = c.files;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CallTapTest,
    ::testing::Values(
        Case{"caller_never_answered", {configure(true), join(kFar, "13800138000"), talk(kFar), leave(kFar)}, {}},
        Case{"answered_after_queueing",
             {configure(true), join(kFar, "13800138000"), talk(kFar), configure(true), join(kAgent, "a1"), talk(kFar),
              talk(kAgent)},
             {{"customer:13800138000", 1}, {"agent:a1", 1}}},
        Case{"outbound_agent_first",
             {configure(true), join(kAgent, "a1"), talk(kAgent), configure(true), join(kFar, "13900139000"), talk(kFar),
              talk(kAgent)},
             {{"agent:a1", 2}, {"customer:13900139000", 1}}},
        Case{"skill_group_opted_out",
             {configure(true), join(kFar, "13800138000"), talk(kFar), configure(false), join(kAgent, "a1"), talk(kFar),
              talk(kAgent)},
             {}},
        Case{"transfer_gives_a_third_file",
             {configure(true), join(kFar, "13800138000"), configure(true), join(kAgent, "a1"), talk(kFar), talk(kAgent),
              leave(kAgent), talk(kFar), configure(true), join(kAgent, "a2"), talk(kAgent)},
             {{"customer:13800138000", 2}, {"agent:a1", 1}, {"agent:a2", 1}}},
        Case{"switched_off_mid_call_spares_the_next_agent",
             {configure(true), join(kFar, "13800138000"), configure(true), join(kAgent, "a1"), talk(kFar), talk(kAgent),
              leave(kAgent), configure(false), join(kAgent, "a2"), talk(kAgent), talk(kFar)},
             {{"customer:13800138000", 2}, {"agent:a1", 1}}},
        Case{"a_barging_supervisor_gets_a_file_of_its_own",
             {configure(true), join(kFar, "13800138000"), configure(true), join(kAgent, "a1"), talk(kFar), talk(kAgent),
              barge("boss1"), talk(kAgent)},
             {{"customer:13800138000", 1}, {"agent:a1", 2}, {"supervisor:boss1", 1}}},
        Case{"a_supervisor_back_on_a_new_leg_gets_a_second_file",
             {configure(true), join(kFar, "13800138000"), configure(true), join(kAgent, "a1"), talk(kAgent),
              barge("boss1"), supervisorLeaves(), barge("boss1")},
             {{"agent:a1", 1}, {"supervisor:boss1", 1}, {"supervisor:boss1", 1}, {"customer:13800138000", 0}}},
        Case{"no_supervisor_file_where_the_call_is_not_recorded",
             {configure(true), join(kFar, "13800138000"), configure(false), join(kAgent, "a1"), talk(kAgent),
              barge("boss1")},
             {}},
        Case{"a_barge_before_any_agent_is_captured_is_not_recorded",
             {configure(true), join(kFar, "13800138000"), barge("boss1")},
             {}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
