// SPDX-License-Identifier: Apache-2.0
// The CDR handed to the CdrSink for every way a session can end (tccc-facts.md §3.2 push fields).
#include "RoutingHarness.hpp"

#include <functional>

namespace tccc::server::testing {
namespace {

struct CdrCase {
  const char* name;
  std::function<std::string(RoutingHarness&)> scenario;  // returns the sessionId
  const char* endStatus;
  const char* hungUpSide;
  int direction;
  int callType;
  bool accepted;
};

std::string acceptedInbound(RoutingHarness& h, bool agentHangsUp) {
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId cust = 900;
  std::string sid = h.customer(cust, "customer.dial",
                               {{"serviceNumber", "4008001000"}, {"caller", "13800000000"}})["data"]["sessionId"];
  h.advance(2000);
  h.customer(cust, "customer.dtmf", {{"digits", "1"}});
  h.advance(3000);
  h.request(a1, "session.accept", {{"sessionId", sid}});
  h.advance(7000);
  if (agentHangsUp)
    h.request(a1, "session.hangUp", {{"sessionId", sid}});
  else
    h.customer(cust, "customer.hangUp");
  return sid;
}

std::string outboundTo(RoutingHarness& h, const std::string& number, std::int64_t waitMs, bool cancel = false) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = h.request(a1, "call.startOutbound",
                              {{"phoneNumber", number}, {"clientRequestId", "c"}, {"uui", "U-1"}})["data"]["sessionId"];
  h.advance(waitMs);
  if (cancel) h.request(a1, "session.hangUp", {{"sessionId", sid}});
  return sid;
}

const CdrCase kCases[] = {
    {"okUserHangsUp", [](RoutingHarness& h) { return acceptedInbound(h, false); }, "ok", "user", 0, 2, true},
    {"okSeatHangsUp", [](RoutingHarness& h) { return acceptedInbound(h, true); }, "ok", "seat", 0, 2, true},
    {"waitingGiveUp",
     [](RoutingHarness& h) {
       ConnectionId a1 = h.login("a1@x.com");
       h.request(a1, "agent.setStatus", {{"status", "rest"}});
       std::string sid = h.simCall();
       h.advance(120000);
       return sid;
     },
     "waitingGiveUp", "user", 0, 2, false},
    {"ringingGiveUp",
     [](RoutingHarness& h) {
       h.login("a1@x.com");
       ConnectionId cust = 901;
       std::string sid = h.customer(cust, "customer.dial",
                                    {{"serviceNumber", "4008002000"}, {"caller", "13800000000"}})["data"]["sessionId"];
       h.advance(4000);
       h.customer(cust, "customer.hangUp");
       return sid;
     },
     "ringingGiveUp", "user", 0, 2, false},
    {"noSeatOnline", [](RoutingHarness& h) { return h.simCall(); }, "noSeatOnline", "user", 0, 2, false},
    {"ivrEnd",
     [](RoutingHarness& h) {
       h.login("a1@x.com");
       return h.simCall("4008001000", "000");
     },
     "ivrEnd", "user", 0, 2, false},
    {"busy", [](RoutingHarness& h) { return outboundTo(h, "10000000002", 1000); }, "busy", "user", 1, 1, false},
    {"notAnswer", [](RoutingHarness& h) { return outboundTo(h, "10000000003", 30000); }, "notAnswer", "user", 1, 1,
     false},
    {"userReject", [](RoutingHarness& h) { return outboundTo(h, "10000000004", 2000); }, "userReject", "user", 1, 1,
     false},
    {"callerCancel", [](RoutingHarness& h) { return outboundTo(h, "10000000003", 3000, true); }, "callerCancel", "seat",
     1, 1, false},
    {"outboundOk", [](RoutingHarness& h) { return outboundTo(h, "10000000005", 6000); }, "ok", "user", 1, 1, true},
};

class CdrFields : public ::testing::TestWithParam<CdrCase> {};

TEST_P(CdrFields, ForEachEndStatus) {
  const CdrCase& c = GetParam();
  RoutingHarness h;
  std::int64_t start = h.now / 1000;
  std::string sid = c.scenario(h);
  ASSERT_EQ(h.cdrs.size(), 1u) << "exactly one CDR per session";
  Json cdr = h.cdrFor(sid);
  ASSERT_TRUE(cdr.is_object());
  EXPECT_EQ(cdr["SdkAppId"], kApp);
  EXPECT_EQ(cdr["SessionId"], sid);
  EXPECT_EQ(cdr["EndStatusString"], c.endStatus);
  EXPECT_EQ(cdr["HungUpSide"], c.hungUpSide);
  EXPECT_EQ(cdr["Direction"], c.direction);
  EXPECT_EQ(cdr["CallType"], c.callType);
  EXPECT_EQ(cdr["StartTimestamp"], start);
  EXPECT_EQ(cdr["EndedTimestamp"], h.now / 1000);
  for (const char* k : {"Caller", "Callee", "RingTimestamp", "AcceptTimestamp", "QueuedTimestamp", "Duration",
                        "IVRDuration", "IVRKeyPressed", "IVRKeyPressedEx", "SeatUser", "ServeParticipants",
                        "QueuedSkillGroupId", "QueuedSkillGroupName", "Uui", "UserRemark", "RecordId"})
    EXPECT_TRUE(cdr.contains(k)) << k;
  if (c.accepted) {
    EXPECT_GT(cdr["AcceptTimestamp"].get<std::int64_t>(), 0);
    EXPECT_EQ(cdr["Duration"], cdr["EndedTimestamp"].get<std::int64_t>() - cdr["AcceptTimestamp"].get<std::int64_t>());
    EXPECT_EQ(cdr["SeatUser"]["Mail"], "a1@x.com");
    EXPECT_EQ(cdr["SeatUser"]["SkillGroupNameList"], Json::array({"Sales"}));
    EXPECT_FALSE(cdr["SeatUser"]["StaffNumber"].get<std::string>().empty());
  } else {
    EXPECT_EQ(cdr["AcceptTimestamp"], 0);
    EXPECT_EQ(cdr["Duration"], 0);
  }
  if (c.direction == 1) {
    EXPECT_EQ(cdr["Caller"], "02100000001");
    EXPECT_EQ(cdr["Uui"], "U-1");
    EXPECT_EQ(cdr["QueuedSkillGroupId"], 1);
  }
}

INSTANTIATE_TEST_SUITE_P(EndStatuses, CdrFields, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<CdrCase>& i) { return std::string(i.param.name); });

TEST(Cdr, AcceptedInboundTimestampsAndIvr) {
  RoutingHarness h;
  std::int64_t start = h.now / 1000;
  std::string sid = acceptedInbound(h, false);
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["Caller"], "13800000000");
  EXPECT_EQ(cdr["Callee"], "4008001000");
  EXPECT_EQ(cdr["QueuedTimestamp"], start + 2);
  EXPECT_EQ(cdr["IVRDuration"], 2);
  EXPECT_EQ(cdr["RingTimestamp"], start + 2);
  EXPECT_EQ(cdr["AcceptTimestamp"], start + 5);
  EXPECT_EQ(cdr["Duration"], 7);
  EXPECT_EQ(cdr["IVRKeyPressed"], Json::array({"1"}));
  ASSERT_EQ(cdr["ServeParticipants"].size(), 1u);
  Json p = cdr["ServeParticipants"][0];
  EXPECT_EQ(p["Mail"], "a1@x.com");
  EXPECT_EQ(p["Type"], "staffSeat");
  EXPECT_EQ(p["SkillGroupId"], 1);
  EXPECT_EQ(p["SkillGroupName"], "Sales");
  EXPECT_EQ(p["AcceptTimestamp"], start + 5);
  EXPECT_EQ(p["EndStatusString"], "ok");
}

}  // namespace
}  // namespace tccc::server::testing
