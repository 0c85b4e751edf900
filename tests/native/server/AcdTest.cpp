// SPDX-License-Identifier: Apache-2.0
// Automatic call distribution: longest idle first, priorities, ring timeout -> next agent, queue
// limits, maximum wait, nobody online, and a freed agent taking the oldest waiting call.
#include "RoutingHarness.hpp"

namespace tccc::server::testing {
namespace {

TEST(Acd, OffersToTheLongestIdleFreeAgent) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.advance(1000);
  ConnectionId a2 = h.login("a2@x.com");
  h.advance(1000);
  std::string sid = h.simCall();
  EXPECT_EQ(h.session(a1, sid)["state"], "ringing");
  EXPECT_TRUE(h.session(a2, sid).is_null());
  EXPECT_EQ(h.session(a1, sid)["timeout"], 20);
  EXPECT_EQ(h.session(a1, sid)["callerPhoneNumber"], "13800138000");
  EXPECT_EQ(h.session(a1, sid)["calleePhoneNumber"], "4008002000");
  EXPECT_EQ(h.session(a1, sid)["skillGroupId"], "1");
  // a1 is now ringing, so the next call goes to a2.
  std::string sid2 = h.simCall();
  EXPECT_EQ(h.session(a2, sid2)["state"], "ringing");
}

TEST(Acd, LongestIdleIsMeasuredFromBecomingFree) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  h.advance(1000);
  h.request(a1, "agent.setStatus", {{"status", "rest"}});
  h.advance(1000);
  h.request(a1, "agent.setStatus", {{"status", "free"}});  // a1 is free again, but more recently than a2
  std::string sid = h.simCall();
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
  EXPECT_TRUE(h.session(a1, sid).is_null());
}

TEST(Acd, RingTimeoutWithdrawsTheOfferAndTriesTheNextAgent) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.advance(10);
  ConnectionId a2 = h.login("a2@x.com");
  std::string sid = h.simCall();
  ASSERT_EQ(h.session(a1, sid)["state"], "ringing");
  h.advance(19999);
  EXPECT_EQ(h.session(a1, sid)["state"], "ringing");
  h.advance(1);
  Json ended = h.session(a1, sid);
  EXPECT_EQ(ended["state"], "ended");
  EXPECT_EQ(ended["endReason"], "ringTimeout");
  EXPECT_EQ(ended["closeBy"], "timer");
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
  // a2 answers; the CDR lists both legs.
  ASSERT_TRUE(h.request(a2, "session.accept", {{"sessionId", sid}})["ok"].get<bool>());
  EXPECT_EQ(h.session(a2, sid)["state"], "talking");
  EXPECT_EQ(h.status("a2@x.com"), "busy");
  EXPECT_EQ(h.status("a1@x.com"), "free");
  ASSERT_TRUE(h.request(a2, "session.hangUp", {{"sessionId", sid}})["ok"].get<bool>());
  Json cdr = h.cdrFor(sid);
  ASSERT_EQ(cdr["ServeParticipants"].size(), 2u);
  EXPECT_EQ(cdr["ServeParticipants"][0]["Mail"], "a1@x.com");
  EXPECT_EQ(cdr["ServeParticipants"][0]["EndStatusString"], "notAnswer");
  EXPECT_EQ(cdr["ServeParticipants"][1]["Mail"], "a2@x.com");
  EXPECT_EQ(cdr["SeatUser"]["Mail"], "a2@x.com");
}

TEST(Acd, SingleAgentIsOfferedAgainAfterARingTimeout) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = h.simCall();
  h.advance(20000);
  // Ended (autoTransfer), then a fresh ringing offer of the same call.
  auto states = h.events(a1, "session.state");
  ASSERT_GE(states.size(), 3u);
  EXPECT_EQ(states[states.size() - 2]["data"]["session"]["endReason"], "ringTimeout");
  EXPECT_EQ(states.back()["data"]["session"]["state"], "ringing");
}

TEST(Acd, RejectingARingingCallHandsItToTheNextAgent) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.advance(10);
  ConnectionId a2 = h.login("a2@x.com");
  std::string sid = h.simCall();
  ASSERT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", sid}})["ok"].get<bool>());
  EXPECT_EQ(h.session(a1, sid)["state"], "ended");
  EXPECT_EQ(h.session(a1, sid)["endReason"], "hangup");
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
}

TEST(Acd, HigherPriorityGroupIsServedFirst) {
  RoutingHarness h;
  ConnectionId a3 = h.login("a3@x.com");  // Sales (prio 0) and Support (prio 5)
  ASSERT_TRUE(h.request(a3, "agent.setStatus", {{"status", "notReady"}})["ok"].get<bool>());
  // Keep the groups "online" so calls queue, then queue a Sales call before a Support call.
  std::string sales = h.simCall("4008001000", "1");
  h.advance(1000);
  std::string support = h.simCall("4008001000", "2");
  EXPECT_EQ(h.engine->queueLength(kApp, 1), 1u);
  EXPECT_EQ(h.engine->queueLength(kApp, 2), 1u);
  h.request(a3, "agent.setStatus", {{"status", "stopNotReady"}});
  EXPECT_EQ(h.session(a3, support)["state"], "ringing");
  EXPECT_TRUE(h.session(a3, sales).is_null());
}

TEST(Acd, AFreedAgentTakesTheOldestWaitingCall) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ASSERT_TRUE(h.request(a1, "agent.setStatus", {{"status", "rest"}})["ok"].get<bool>());
  std::string first = h.simCall();
  h.advance(500);
  std::string second = h.simCall();
  EXPECT_EQ(h.sim(first)["state"], "queued");
  EXPECT_EQ(h.engine->queueLength(kApp, 1), 2u);
  h.request(a1, "agent.setStatus", {{"status", "free"}});
  EXPECT_EQ(h.session(a1, first)["state"], "ringing");
  EXPECT_EQ(h.engine->queueLength(kApp, 1), 1u);
  // After the call and its after-call work, the agent picks the second one.
  h.request(a1, "session.accept", {{"sessionId", first}});
  h.request(a1, "session.hangUp", {{"sessionId", first}});
  EXPECT_EQ(h.status("a1@x.com"), "arrange");
  EXPECT_TRUE(h.session(a1, second).is_null());
  h.advance(10000);
  EXPECT_EQ(h.status("a1@x.com"), "free");
  EXPECT_EQ(h.session(a1, second)["state"], "ringing");
}

TEST(Acd, QueueLimitEndsTheExtraCallWithWaitingGiveUp) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.request(a1, "agent.setStatus", {{"status", "rest"}});
  for (int i = 0; i < 3; ++i) h.simCall();
  EXPECT_EQ(h.engine->queueLength(kApp, 1), 3u);
  std::string extra = h.simCall();
  EXPECT_EQ(h.sim(extra)["state"], "ended");
  EXPECT_EQ(h.sim(extra)["endStatus"], "waitingGiveUp");
  EXPECT_EQ(h.cdrFor(extra)["EndStatusString"], "waitingGiveUp");
}

TEST(Acd, MaxWaitEndsAQueuedCall) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.request(a1, "agent.setStatus", {{"status", "notReady"}});
  std::string sid = h.simCall();
  h.advance(119999);
  EXPECT_EQ(h.sim(sid)["state"], "queued");
  h.advance(1);
  EXPECT_EQ(h.sim(sid)["state"], "ended");
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["EndStatusString"], "waitingGiveUp");
  EXPECT_EQ(cdr["QueuedSkillGroupId"], 1);
  EXPECT_EQ(cdr["QueuedSkillGroupName"], "Sales");
  EXPECT_EQ(h.engine->queueLength(kApp, 1), 0u);
}

TEST(Acd, NobodyOnlineEndsTheCallAtOnce) {
  RoutingHarness h;
  std::string sid = h.simCall();
  EXPECT_EQ(h.sim(sid)["state"], "ended");
  EXPECT_EQ(h.cdrFor(sid)["EndStatusString"], "noSeatOnline");
  // An agent who went offline does not count either.
  ConnectionId a1 = h.login("a1@x.com");
  h.request(a1, "agent.offline");
  std::string sid2 = h.simCall();
  EXPECT_EQ(h.cdrFor(sid2)["EndStatusString"], "noSeatOnline");
}

TEST(Acd, DisconnectedAgentGetsNoNewOffers) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.engine->agentDisconnected(a1, h.now);
  std::string sid = h.simCall();
  // Still online (grace period), so the call queues rather than failing.
  EXPECT_EQ(h.sim(sid)["state"], "queued");
  ConnectionId again =
      h.request(99, "auth.login", {{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "good-a1@x.com"}})["ok"] ? 99
                                                                                                                  : 0;
  ASSERT_EQ(again, 99u);
  EXPECT_EQ(h.session(99, sid)["state"], "ringing");
}

TEST(Acd, CallerHangingUpWhileRingingIsRingingGiveUp) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId cust = 500;
  Json res = h.customer(cust, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13900000000"}});
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  std::string sid = res["data"]["sessionId"];
  EXPECT_EQ(h.events(cust, "customer.state").back()["data"]["state"], "ringing");
  h.customer(cust, "customer.hangUp");
  EXPECT_EQ(h.session(a1, sid)["endReason"], "cancel");
  EXPECT_EQ(h.session(a1, sid)["closeBy"], "client");
  EXPECT_EQ(h.cdrFor(sid)["EndStatusString"], "ringingGiveUp");
  EXPECT_EQ(h.cdrFor(sid)["HungUpSide"], "user");
  EXPECT_EQ(h.status("a1@x.com"), "free");
}

}  // namespace
}  // namespace tccc::server::testing
