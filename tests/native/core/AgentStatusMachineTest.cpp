// SPDX-License-Identifier: Apache-2.0
// Every (status × request) pair of the agent-status table, legal and illegal, against an
// expectation written out independently from docs/protocol.md and tccc-facts §3.3.
#include "core/AgentStatusMachine.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tccc::core {
namespace {

using Json = protocol::Json;

// The legal pairs, spelled out. Everything else is illegal.
const std::set<std::pair<std::string, std::string>> kLegal = {
    {"offline", "online"},
    // free, arrange, rest: any settable status except stopNotReady, plus online (no-op) and offline.
    {"free", "free"},
    {"free", "rest"},
    {"free", "arrange"},
    {"free", "notReady"},
    {"free", "online"},
    {"free", "offline"},
    {"arrange", "free"},
    {"arrange", "rest"},
    {"arrange", "arrange"},
    {"arrange", "notReady"},
    {"arrange", "online"},
    {"arrange", "offline"},
    {"rest", "free"},
    {"rest", "rest"},
    {"rest", "arrange"},
    {"rest", "notReady"},
    {"rest", "online"},
    {"rest", "offline"},
    // notReady: the only status stopNotReady leaves.
    {"notReady", "free"},
    {"notReady", "rest"},
    {"notReady", "arrange"},
    {"notReady", "notReady"},
    {"notReady", "stopNotReady"},
    {"notReady", "online"},
    {"notReady", "offline"},
    // busy: nothing but the no-op online (only the server leaves busy).
    {"busy", "online"},
};

struct Pair {
  AgentStatus from;
  AgentRequest request;
};

std::vector<Pair> allPairs() {
  std::vector<Pair> pairs;
  for (int s = 0; s < kAgentStatusCount; ++s)
    for (int r = 0; r < kAgentRequestCount; ++r)
      pairs.push_back({static_cast<AgentStatus>(s), static_cast<AgentRequest>(r)});
  return pairs;
}

void PrintTo(const Pair& p, std::ostream* os) { *os << toString(p.from) << " + " << toString(p.request); }

class AgentStatusTransition : public ::testing::TestWithParam<Pair> {};

TEST_P(AgentStatusTransition, MatchesTheTable) {
  const auto [from, request] = GetParam();
  const bool legal = kLegal.count({std::string(toString(from)), std::string(toString(request))}) > 0;
  EXPECT_EQ(AgentStatusMachine::isLegal(from, request), legal);

  AgentStatusMachine machine;
  machine.apply(from, "");
  Error error = machine.check(request);
  if (legal) {
    EXPECT_FALSE(error) << error.message;
  } else {
    EXPECT_EQ(error.code, Errc::InvalidState);
    // The message names both the request and the current status.
    EXPECT_NE(error.message.find("'" + std::string(toString(request)) + "'"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("'" + std::string(toString(from)) + "'"), std::string::npos) << error.message;
  }
}

INSTANTIATE_TEST_SUITE_P(AllPairs, AgentStatusTransition, ::testing::ValuesIn(allPairs()),
                         [](const ::testing::TestParamInfo<Pair>& info) {
                           return std::string(toString(info.param.from)) + "_" +
                                  std::string(toString(info.param.request));
                         });

TEST(AgentStatus, NamesRoundTrip) {
  for (int s = 0; s < kAgentStatusCount; ++s) {
    auto status = static_cast<AgentStatus>(s);
    EXPECT_EQ(agentStatusFromString(toString(status)), status);
  }
  EXPECT_EQ(agentStatusFromString("Free"), std::nullopt);
  EXPECT_EQ(agentStatusFromString("afterCallWork"), std::nullopt);
  EXPECT_EQ(agentStatusFromString(""), std::nullopt);
}

TEST(AgentStatus, OnlyTheFiveSetStatusValuesAreSettable) {
  std::set<std::string> settable;
  for (const char* name :
       {"free", "rest", "arrange", "notReady", "stopNotReady", "busy", "offline", "online", "FREE", ""})
    if (settableStatusFromString(name)) settable.insert(name);
  EXPECT_EQ(settable, (std::set<std::string>{"free", "rest", "arrange", "notReady", "stopNotReady"}));
}

TEST(AgentStatus, ServerStatusIsAppliedWithoutTableCheckAndReportsChanges) {
  AgentStatusMachine machine;
  EXPECT_EQ(machine.status(), AgentStatus::Offline);
  EXPECT_FALSE(machine.apply(AgentStatus::Offline, ""));
  EXPECT_TRUE(machine.apply(AgentStatus::Busy, ""));  // authoritative: offline -> busy is fine
  EXPECT_FALSE(machine.apply(AgentStatus::Busy, ""));
  EXPECT_TRUE(machine.apply(AgentStatus::Rest, "lunch"));
  EXPECT_EQ(machine.restReason(), "lunch");
  EXPECT_FALSE(machine.apply(AgentStatus::Rest, "lunch"));
  EXPECT_TRUE(machine.apply(AgentStatus::Rest, "meeting"));
  EXPECT_EQ(machine.statusChangedEvent().name, "statusChanged");
  EXPECT_EQ(machine.statusChangedEvent().data, (Json{{"status", "rest"}, {"restReason", "meeting"}}));
  // A reason outside rest is dropped, so it neither shows nor makes the next report a "change".
  EXPECT_TRUE(machine.apply(AgentStatus::Free, "stale"));
  EXPECT_EQ(machine.statusChangedEvent().data, (Json{{"status", "free"}}));
  EXPECT_FALSE(machine.apply(AgentStatus::Free, ""));
}

}  // namespace
}  // namespace tccc::core
