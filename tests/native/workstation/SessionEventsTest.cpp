// SPDX-License-Identifier: Apache-2.0
// The native workstation's session events (native/sdk/SessionEvents): the end-reason rows are the
// Web workstation's (tests/fixtures/workstation/end-reasons.json, read by its Jest test too), so the
// two SDKs cannot drift apart; the rest mirrors tests/js/workstation/events.test.js.
#include "sdk/SessionEvents.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <map>

namespace tccc::native {
namespace {

using Json = protocol::Json;
using Kind = WorkstationEvent::Kind;

const std::map<std::string, TCCCEndReason> kReasons = {
    {"Error", TCCCEndReason::Error},       {"Timeout", TCCCEndReason::Timeout},
    {"LocalBye", TCCCEndReason::LocalBye}, {"RemoteBye", TCCCEndReason::RemoteBye},
    {"Rejected", TCCCEndReason::Rejected}, {"RemoteCancel", TCCCEndReason::RemoteCancel},
};

Json endReasonRows() {
  std::ifstream in(std::string(TCCC_SOURCE_DIR) + "/tests/fixtures/workstation/end-reasons.json");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return Json::parse(text).at("rows");
}

TEST(WorkstationEndReason, EveryRowOfTheSharedTable) {
  const Json rows = endReasonRows();
  ASSERT_GE(rows.size(), 10u);
  for (const auto& row : rows) {
    Json ended = Json::object();
    if (row.contains("closeBy")) ended["closeBy"] = row["closeBy"];
    if (row.contains("mainReason")) ended["mainReason"] = row["mainReason"];
    const auto direction = row["direction"] == "CallIn" ? TCCCSessionDirection::CallIn : TCCCSessionDirection::CallOut;
    const auto [reason, message] = endReasonOf(ended, row["accepted"].get<bool>(), direction);
    EXPECT_EQ(reason, kReasons.at(row["reason"].get<std::string>())) << row.dump();
    EXPECT_FALSE(message.empty()) << row.dump();
  }
}

TEST(WorkstationSessionEvents, InboundRingsIsAcceptedAndTheCallerHangsUp) {
  SessionEvents s;
  const auto added = s.feed("callIn", {{"sessionId", "s1"},
                                       {"type", "phone"},
                                       {"callerPhoneNumber", "13800138000"},
                                       {"calleePhoneNumber", "4008001000"},
                                       {"remark", "VIP"}});
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].kind, Kind::NewSession);
  EXPECT_EQ(added[0].direction, TCCCSessionDirection::CallIn);
  EXPECT_EQ(added[0].fromUserId, "13800138000");
  EXPECT_EQ(added[0].toUserId, "4008001000");
  EXPECT_EQ(added[0].remark, "VIP");
  EXPECT_EQ(s.current(), "s1");
  EXPECT_TRUE(s.currentRinging());
  EXPECT_EQ(s.peerOf("s1"), "13800138000");
  const auto accepted = s.feed("userAccessed", {{"sessionId", "s1"}});
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].kind, Kind::Accepted);
  EXPECT_FALSE(s.currentRinging());
  const auto ended = s.feed("sessionEnded", {{"sessionId", "s1"}, {"closeBy", "client"}});
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].kind, Kind::Ended);
  EXPECT_EQ(ended[0].reason, TCCCEndReason::RemoteBye);
  EXPECT_FALSE(s.current());
}

TEST(WorkstationSessionEvents, OutboundIsAcceptedOnceAndTheAgentHangsUp) {
  SessionEvents s;
  const auto added = s.feed("callOuted", {{"sessionId", "o1"}, {"calleePhoneNumber", "10000000001"}});
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].direction, TCCCSessionDirection::CallOut);
  EXPECT_EQ(added[0].toUserId, "10000000001");
  EXPECT_EQ(s.peerOf("o1"), "10000000001");
  EXPECT_EQ(s.feed("calloutAccepted", {{"sessionId", "o1"}}).size(), 1u);
  EXPECT_TRUE(s.feed("calloutAccepted", {{"sessionId", "o1"}}).empty());
  EXPECT_EQ(s.feed("sessionEnded", {{"sessionId", "o1"}, {"closeBy", "seat"}}).at(0).reason, TCCCEndReason::LocalBye);
}

TEST(WorkstationSessionEvents, RingingCancelAndRingTimeout) {
  SessionEvents s;
  s.feed("callIn", {{"sessionId", "a"}, {"type", "phone"}});
  EXPECT_EQ(s.feed("sessionEnded", {{"sessionId", "a"}, {"closeBy", "client"}}).at(0).reason,
            TCCCEndReason::RemoteCancel);
  s.feed("callIn", {{"sessionId", "b"}, {"type", "phone"}});
  EXPECT_EQ(s.feed("autoTransfer", {{"sessionId", "b"}}).at(0).reason, TCCCEndReason::Timeout);
}

TEST(WorkstationSessionEvents, TransferEndsOnce) {
  SessionEvents s;
  s.feed("callIn", {{"sessionId", "t"}, {"type", "phone"}});
  s.feed("userAccessed", {{"sessionId", "t"}});
  EXPECT_EQ(s.feed("transfer", {{"sessionId", "t"}}).at(0).reason, TCCCEndReason::LocalBye);
  EXPECT_TRUE(s.feed("sessionEnded", {{"sessionId", "t"}, {"closeBy", "seat"}}).empty());
}

TEST(WorkstationSessionEvents, ChatsVideoRepeatsAndUnknownsEmitNothing) {
  SessionEvents s;
  EXPECT_TRUE(s.feed("callIn", {{"sessionId", "c"}, {"type", "im"}}).empty());
  EXPECT_TRUE(s.feed("callIn", {{"sessionId", "v"}, {"type", "video"}}).empty());
  EXPECT_TRUE(s.feed("sessionEnded", {{"sessionId", "c"}, {"closeBy", "client"}}).empty());
  EXPECT_EQ(s.feed("callIn", {{"sessionId", "p"}, {"type", "phone"}}).size(), 1u);
  EXPECT_TRUE(s.feed("callIn", {{"sessionId", "p"}, {"type", "phone"}}).empty());
  EXPECT_TRUE(s.feed("statusChanged", {{"status", "busy"}}).empty());
  EXPECT_TRUE(s.feed("callIn", {{"type", "phone"}}).empty());  // no sessionId
  EXPECT_TRUE(s.feed("callIn", Json::array()).empty());        // not even an object
}

TEST(WorkstationSessionEvents, TheCurrentCallIsTheNewestLiveOne) {
  SessionEvents s;
  s.feed("callIn", {{"sessionId", "x"}, {"type", "phone"}});
  s.feed("callOuted", {{"sessionId", "y"}});
  EXPECT_EQ(s.current(), "y");
  s.feed("sessionEnded", {{"sessionId", "y"}, {"closeBy", "seat"}});
  EXPECT_EQ(s.current(), "x");
  s.clear();
  EXPECT_FALSE(s.current());
}

}  // namespace
}  // namespace tccc::native
