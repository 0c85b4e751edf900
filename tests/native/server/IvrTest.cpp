// SPDX-License-Identifier: Apache-2.0
// IVR menus per service number: keys route to skill groups, wrong keys and silence replay the menu,
// and the third failure ends the call (ivrEnd).
#include "RoutingHarness.hpp"

namespace tccc::server::testing {
namespace {

TEST(Ivr, KeyRoutesToItsSkillGroupAndIsRecorded) {
  RoutingHarness h;
  ConnectionId a4 = h.login("a4@x.com");  // Support only
  std::string sid = h.simCall("4008001000", "2");
  Json s = h.session(a4, sid);
  ASSERT_EQ(s["state"], "ringing");
  EXPECT_EQ(s["skillGroupId"], "2");
  ASSERT_EQ(s["ivrPath"].size(), 1u);
  EXPECT_EQ(s["ivrPath"][0]["key"], "2");
  EXPECT_EQ(s["ivrPath"][0]["label"], "Support");
  h.request(a4, "session.accept", {{"sessionId", sid}});
  h.advance(3000);
  h.request(a4, "session.hangUp", {{"sessionId", sid}});
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["IVRKeyPressed"], Json::array({"2"}));
  EXPECT_EQ(cdr["IVRKeyPressedEx"][0]["Key"], "2");
  EXPECT_EQ(cdr["IVRKeyPressedEx"][0]["Label"], "Support");
  EXPECT_EQ(cdr["QueuedSkillGroupName"], "Support");
}

TEST(Ivr, CustomerSocketHearsTheMenuAndABadKeyReplaysIt) {
  RoutingHarness h;
  h.login("a1@x.com");
  ConnectionId cust = 700;
  Json res = h.customer(cust, "customer.dial", {{"serviceNumber", "4008001000"}, {"caller", "13900000000"}});
  std::string sid = res["data"]["sessionId"];
  auto menus = h.events(cust, "customer.ivr");
  ASSERT_EQ(menus.size(), 1u);
  EXPECT_EQ(menus[0]["data"]["prompt"], "Press 1 for sales, 2 for support");
  EXPECT_EQ(menus[0]["data"]["options"].size(), 2u);
  h.customer(cust, "customer.dtmf", {{"digits", "9"}});
  menus = h.events(cust, "customer.ivr");
  ASSERT_EQ(menus.size(), 2u);
  EXPECT_EQ(menus[1]["data"]["attempt"], 2);
  h.customer(cust, "customer.dtmf", {{"digits", "1"}});
  EXPECT_EQ(h.events(cust, "customer.state").back()["data"]["state"], "ringing");
  EXPECT_EQ(h.sim(sid)["ivrPath"].size(), 2u);
}

TEST(Ivr, ThreeBadKeysEndTheCallWithIvrEnd) {
  RoutingHarness h;
  h.login("a1@x.com");
  std::string sid = h.simCall("4008001000", "789");
  EXPECT_EQ(h.sim(sid)["state"], "ended");
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["EndStatusString"], "ivrEnd");
  EXPECT_EQ(cdr["IVRKeyPressed"], Json::array({"7", "8", "9"}));
  EXPECT_EQ(cdr["QueuedTimestamp"], 0);
}

TEST(Ivr, SilenceCountsAsAFailedAttempt) {
  RoutingHarness h;
  h.login("a1@x.com");
  std::string sid = h.simCall("4008001000", "");
  h.advance(15000);
  h.advance(15000);
  EXPECT_EQ(h.sim(sid)["state"], "ivr");
  h.advance(15000);
  EXPECT_EQ(h.sim(sid)["endStatus"], "ivrEnd");
  EXPECT_EQ(h.cdrFor(sid)["IVRDuration"], 45);
}

TEST(Ivr, CallerHangingUpInTheMenuIsIvrGiveUp) {
  RoutingHarness h;
  ConnectionId cust = 701;
  Json res = h.customer(cust, "customer.dial", {{"serviceNumber", "4008001000"}, {"caller", "13900000000"}});
  std::string sid = res["data"]["sessionId"];
  h.engine->customerDisconnected(cust, h.now);
  h.pump();
  EXPECT_EQ(h.cdrFor(sid)["EndStatusString"], "ivrGiveUp");
}

TEST(Ivr, IvrDurationRunsUntilTheCallQueues) {
  RoutingHarness h;
  h.login("a1@x.com");
  ConnectionId cust = 702;
  Json res = h.customer(cust, "customer.dial", {{"serviceNumber", "4008001000"}, {"caller", "13900000000"}});
  std::string sid = res["data"]["sessionId"];
  h.advance(4000);
  h.customer(cust, "customer.dtmf", {{"digits", "1"}});
  h.customer(cust, "customer.hangUp");
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["IVRDuration"], 4);
  EXPECT_EQ(cdr["QueuedTimestamp"].get<std::int64_t>() - cdr["StartTimestamp"].get<std::int64_t>(), 4);
}

}  // namespace
}  // namespace tccc::server::testing
