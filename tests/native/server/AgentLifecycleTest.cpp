// SPDX-License-Identifier: Apache-2.0
// Login, resume, kick, grace period, after-call work and the login snapshot.
#include "RoutingHarness.hpp"

namespace tccc::server::testing {
namespace {

Json loginWith(RoutingHarness& h, ConnectionId conn, Json data) {
  if (!data.contains("sdkAppId")) data["sdkAppId"] = kApp;
  return h.request(conn, "auth.login", data);
}

TEST(AgentLogin, Errors) {
  RoutingHarness h;
  auto err = [&](Json d) { return RoutingHarness::errorCode(loginWith(h, 50, d)); };
  EXPECT_EQ(err({{"userId", "a1@x.com"}, {"token", "nope"}}), code(Errc::HttpTokenError));
  // A token the directory would accept for an agent it does not list (deleted meanwhile).
  EXPECT_EQ(err({{"userId", "ghost@x.com"}, {"token", "good-ghost@x.com"}}), code(Errc::HttpTokenError));
  EXPECT_EQ(err({{"userId", "o1@y.com"}, {"token", "good-o1@y.com"}}), code(Errc::HttpTokenError)) << "wrong tenant";
  EXPECT_EQ(err({{"userId", "a1@x.com"}}), code(Errc::InvalidArgument));
  EXPECT_EQ(err({{"userId", 7}, {"token", "x"}}), code(Errc::InvalidArgument));
  EXPECT_EQ(err({{"sdkAppId", "abc"}, {"userId", "a1@x.com"}, {"token", "x"}}), code(Errc::InvalidArgument));
  EXPECT_EQ(err({{"userId", "a1@x.com"}, {"resumeToken", "r-made-up"}}), code(Errc::HttpTokenError));
  EXPECT_FALSE(h.engine->isAgentLoggedIn(50));
  // Without a valid credential an agent that exists and one that does not get the same answer,
  // in every tenant: the login does not tell who is there.
  const Json known = loginWith(h, 50, {{"userId", "a1@x.com"}, {"token", "nope"}});
  for (const Json& probe : {Json{{"userId", "ghost@x.com"}, {"token", "nope"}},
                            Json{{"sdkAppId", kApp + 999}, {"userId", "a1@x.com"}, {"token", "nope"}}}) {
    const Json unknown = loginWith(h, 50, probe);
    EXPECT_EQ(unknown["error"], known["error"]) << probe.dump();
  }
  EXPECT_EQ(loginWith(h, 50, {{"userId", "ghost@x.com"}, {"resumeToken", "r-made-up"}})["error"],
            loginWith(h, 50, {{"userId", "a1@x.com"}, {"resumeToken", "r-made-up"}})["error"]);
  // sdkAppId may come as a string of digits (the SDK reads it from a data attribute).
  EXPECT_EQ(err({{"sdkAppId", std::to_string(kApp)}, {"userId", "a1@x.com"}, {"token", "good-a1@x.com"}}), 0);
  EXPECT_EQ(err({{"userId", "a1@x.com"}, {"token", "good-a1@x.com"}}), code(Errc::InvalidState))
      << "twice on one socket";
}

TEST(AgentLogin, OneUseTokenWorksOnceAndResumeNeedsNoToken) {
  RoutingHarness h;
  Json first = loginWith(h, 1, {{"userId", "a1@x.com"}, {"token", "once-a1@x.com"}});
  ASSERT_TRUE(first["ok"].get<bool>());
  std::string resume = first["data"]["resumeToken"];
  EXPECT_EQ(first["data"]["heartbeatMs"], 10000);
  EXPECT_EQ(first["data"]["serverTime"], h.now);
  h.engine->agentDisconnected(1, h.now);
  EXPECT_EQ(RoutingHarness::errorCode(loginWith(h, 2, {{"userId", "a1@x.com"}, {"token", "once-a1@x.com"}})),
            code(Errc::HttpTokenError));
  Json again = loginWith(h, 3, {{"userId", "a1@x.com"}, {"resumeToken", resume}, {"lastSeq", 1}});
  ASSERT_TRUE(again["ok"].get<bool>()) << again.dump();
  EXPECT_NE(again["data"]["resumeToken"], resume) << "a fresh resume token on every login";
  h.engine->agentDisconnected(3, h.now);
  EXPECT_EQ(RoutingHarness::errorCode(loginWith(h, 4, {{"userId", "a1@x.com"}, {"resumeToken", resume}})),
            code(Errc::HttpTokenError))
      << "the old resume token is stale";
}

// A restart (docs/reliability.md, "Server crash: agents"): the token kept at the agent's last login
// resumes on the restarted server, which never issued it; a logout voids it everywhere.
TEST(AgentLogin, AResumeTokenKeptAcrossARestartResumesOnlyTheLatestOne) {
  RoutingHarness before;
  ConnectionId conn = before.login("a1@x.com");
  const std::string first = before.findResponse(conn, before.nextId - 1)["data"]["resumeToken"];
  Json resumed = loginWith(before, 60, {{"userId", "a1@x.com"}, {"resumeToken", first}});
  ASSERT_TRUE(resumed.value("ok", false)) << resumed.dump();
  const std::string latest = resumed["data"]["resumeToken"];
  ASSERT_EQ(before.dir.keptResumeTokens["a1@x.com"], latest);

  RoutingHarness after;  // the restarted server, over what the first one kept
  after.dir.keptResumeTokens = before.dir.keptResumeTokens;
  EXPECT_EQ(RoutingHarness::errorCode(loginWith(after, 70, {{"userId", "a1@x.com"}, {"resumeToken", first}})),
            code(Errc::HttpTokenError))
      << "superseded before the restart";
  EXPECT_EQ(RoutingHarness::errorCode(loginWith(after, 70, {{"userId", "a2@x.com"}, {"resumeToken", latest}})),
            code(Errc::HttpTokenError))
      << "another agent's";
  Json again = loginWith(after, 71, {{"userId", "a1@x.com"}, {"resumeToken", latest}});
  ASSERT_TRUE(again.value("ok", false)) << again.dump();
  EXPECT_EQ(again["data"]["agent"]["status"], "free");
  const std::string next = again["data"]["resumeToken"];
  EXPECT_NE(next, latest);
  EXPECT_EQ(after.dir.keptResumeTokens["a1@x.com"], next);
  // The restarted server's own token is the current one from now on; the kept one is used up.
  EXPECT_EQ(RoutingHarness::errorCode(loginWith(after, 72, {{"userId", "a1@x.com"}, {"resumeToken", latest}})),
            code(Errc::HttpTokenError));
  ASSERT_TRUE(after.request(71, "auth.logout").value("ok", false));
  EXPECT_EQ(after.dir.keptResumeTokens.count("a1@x.com"), 0u);
}

TEST(AgentLogin, SecondLoginKicksTheFirstSocket) {
  RoutingHarness h;
  ConnectionId first = h.login("a1@x.com");
  ConnectionId second = h.login("a1@x.com");
  ASSERT_TRUE(h.closed.count(first));
  EXPECT_EQ(h.closed[first].first, 4003);
  auto kicked = h.events(first, "agent.kicked");
  ASSERT_EQ(kicked.size(), 1u);
  EXPECT_EQ(kicked[0]["data"]["reason"], "loggedInElsewhere");
  EXPECT_FALSE(h.engine->isAgentLoggedIn(first));
  EXPECT_TRUE(h.engine->isAgentLoggedIn(second));
  // The kicked socket's close report must not disturb the new one.
  h.engine->agentDisconnected(first, h.now);
  EXPECT_TRUE(h.engine->isAgentLoggedIn(second));
  std::string sid = h.simCall();
  EXPECT_EQ(h.session(second, sid)["state"], "ringing");
  // The new socket's seq continues the same stream.
  Json res = h.frames[second].front();
  EXPECT_EQ(res["data"]["seq"], kicked[0]["seq"]);
}

TEST(AgentLogin, GracePeriodKeepsStatusAndCallsAndResumeGetsTheSnapshot) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string resume = h.frames[a1][0]["data"]["resumeToken"];
  std::string sid = h.simCall();
  h.request(a1, "session.accept", {{"sessionId", sid}});
  h.engine->agentDisconnected(a1, h.now);
  h.advance(59000);
  EXPECT_EQ(h.status("a1@x.com"), "busy");
  EXPECT_EQ(h.sim(sid)["state"], "connected");
  Json res = loginWith(h, 9, {{"userId", "a1@x.com"}, {"resumeToken", resume}});
  ASSERT_TRUE(res["ok"].get<bool>());
  EXPECT_EQ(res["data"]["agent"]["status"], "busy");
  ASSERT_EQ(res["data"]["sessions"].size(), 1u);
  EXPECT_EQ(res["data"]["sessions"][0]["state"], "talking");
  EXPECT_EQ(res["data"]["sessions"][0]["sessionId"], sid);
  EXPECT_TRUE(h.events(9, "agent.status").empty()) << "nothing changed, so no event";
  h.advance(120000);
  EXPECT_EQ(h.sim(sid)["state"], "connected") << "the grace timer of the old socket is void";
}

TEST(AgentLogin, AfterTheGracePeriodTheAgentGoesOfflineAndItsCallsMoveOn) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.advance(10);
  ConnectionId a2 = h.login("a2@x.com");
  std::string talking = h.simCall();
  h.request(a1, "session.accept", {{"sessionId", talking}});
  h.request(a2, "agent.setStatus", {{"status", "rest"}});
  std::string ringing = h.simCall();
  ASSERT_EQ(h.sim(ringing)["state"], "queued");
  h.request(a2, "agent.setStatus", {{"status", "free"}});
  ASSERT_EQ(h.session(a2, ringing)["state"], "ringing");
  h.engine->agentDisconnected(a2, h.now);
  h.engine->agentDisconnected(a1, h.now);
  h.advance(60000);
  EXPECT_EQ(h.status("a1@x.com"), "offline");
  EXPECT_EQ(h.status("a2@x.com"), "offline");
  EXPECT_EQ(h.cdrFor(talking)["EndStatusString"], "error");
  EXPECT_EQ(h.cdrFor(ringing)["EndStatusString"], "noSeatOnline") << "nobody is left online for it";
}

TEST(AgentLogin, LogoutTakesTheAgentOfflineAtOnceAndItsOfferMovesOn) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.advance(10);
  ConnectionId a2 = h.login("a2@x.com");
  std::string sid = h.simCall();
  ASSERT_EQ(h.session(a1, sid)["state"], "ringing") << "a1 has been idle longest";
  Json res = h.request(a1, "auth.logout", Json::object());
  EXPECT_TRUE(res["ok"].get<bool>());
  ASSERT_TRUE(h.closed.count(a1));
  EXPECT_EQ(h.closed[a1].first, 1000);
  h.advance(0);
  // No grace period: offline now, and the call rings the next agent without waiting for a timeout.
  EXPECT_EQ(h.status("a1@x.com"), "offline");
  EXPECT_FALSE(h.engine->isAgentLoggedIn(a1));
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
  // The socket's close report afterwards changes nothing.
  h.engine->agentDisconnected(a1, h.now);
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
}

TEST(AfterCallWork, ArrangeForTheGroupsAcwThenFree) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = h.simCall();
  h.request(a1, "session.accept", {{"sessionId", sid}});
  h.request(a1, "session.hangUp", {{"sessionId", sid}});
  EXPECT_EQ(h.status("a1@x.com"), "arrange");
  auto ev = h.events(a1, "agent.status").back();
  EXPECT_EQ(ev["data"]["reason"], "callEnded");
  h.advance(9999);
  EXPECT_EQ(h.status("a1@x.com"), "arrange");
  h.advance(1);
  EXPECT_EQ(h.status("a1@x.com"), "free");
  EXPECT_EQ(h.events(a1, "agent.status").back()["data"]["reason"], "acwTimeout");
}

TEST(AfterCallWork, AskingForArrangeAgainKeepsWrappingUpAndFreeEndsItEarly) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = h.simCall();
  h.request(a1, "session.accept", {{"sessionId", sid}});
  h.request(a1, "session.hangUp", {{"sessionId", sid}});
  h.request(a1, "agent.setStatus", {{"status", "arrange"}});
  h.advance(30000);
  EXPECT_EQ(h.status("a1@x.com"), "arrange");
  h.request(a1, "agent.setStatus", {{"status", "free"}});
  EXPECT_EQ(h.status("a1@x.com"), "free");
}

TEST(AfterCallWork, ZeroAcwGoesStraightToFree) {
  RoutingHarness h;
  ConnectionId a4 = h.login("a4@x.com");  // Support: afterCallWorkSec 0
  std::string sid = h.simCall("4008001000", "2");
  h.request(a4, "session.accept", {{"sessionId", sid}});
  h.request(a4, "session.hangUp", {{"sessionId", sid}});
  EXPECT_EQ(h.status("a4@x.com"), "free");
}

TEST(Snapshot, EndedSessionsStayFiveMinutesUnlessDeleted) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string resume = h.frames[a1][0]["data"]["resumeToken"];
  std::string kept = h.simCall();
  h.request(a1, "session.accept", {{"sessionId", kept}});
  h.request(a1, "session.hangUp", {{"sessionId", kept}});
  h.advance(10000);
  std::string deleted = h.simCall();
  h.request(a1, "session.accept", {{"sessionId", deleted}});
  h.request(a1, "session.hangUp", {{"sessionId", deleted}});
  h.request(a1, "session.delete", {{"sessionId", deleted}});
  h.engine->agentDisconnected(a1, h.now);
  Json res = loginWith(h, 20, {{"userId", "a1@x.com"}, {"resumeToken", resume}});
  ASSERT_EQ(res["data"]["sessions"].size(), 1u);
  EXPECT_EQ(res["data"]["sessions"][0]["sessionId"], kept);
  EXPECT_EQ(res["data"]["sessions"][0]["state"], "ended");
  resume = res["data"]["resumeToken"];
  h.advance(300000);
  h.engine->agentDisconnected(20, h.now);
  res = loginWith(h, 21, {{"userId", "a1@x.com"}, {"resumeToken", resume}});
  EXPECT_TRUE(res["data"]["sessions"].empty());
}

TEST(Snapshot, EndedSessionsAreCappedPerAgent) {
  RoutingHarness h;
  ConnectionId a4 = h.login("a4@x.com");  // Support: no after-call work, so calls follow at once
  std::string resume = h.frames[a4][0]["data"]["resumeToken"];
  std::string last;
  for (int i = 0; i < 60; ++i) {
    last = h.simCall("4008001000", "2");
    ASSERT_TRUE(h.request(a4, "session.accept", {{"sessionId", last}})["ok"].get<bool>());
    ASSERT_TRUE(h.request(a4, "session.hangUp", {{"sessionId", last}})["ok"].get<bool>());
  }
  h.engine->agentDisconnected(a4, h.now);
  Json res = loginWith(h, 40, {{"userId", "a4@x.com"}, {"resumeToken", resume}});
  ASSERT_EQ(res["data"]["sessions"].size(), 50u) << "the newest 50 ended sessions";
  EXPECT_EQ(res["data"]["sessions"].back()["sessionId"], last);
  EXPECT_EQ(h.cdrs.size(), 60u);
}

TEST(Snapshot, SeqIncreasesByOnePerEventAcrossReconnects) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string resume = h.frames[a1][0]["data"]["resumeToken"];
  h.request(a1, "agent.setStatus", {{"status", "rest"}});
  h.engine->agentDisconnected(a1, h.now);
  h.simCall();  // queues (a1 resting)
  Json res = loginWith(h, 30, {{"userId", "a1@x.com"}, {"resumeToken", resume}});
  h.request(30, "agent.setStatus", {{"status", "free"}});
  std::int64_t seq = res["data"]["seq"];
  std::vector<Json> all = h.frames[a1];
  for (auto& f : h.frames[30]) all.push_back(f);
  std::int64_t expect = 1;
  for (auto& f : all)
    if (f["type"] == "evt") {
      EXPECT_EQ(f["seq"], expect++) << f.dump();
    }
  EXPECT_EQ(seq, 2);
}

TEST(Directory, ChangesReachLoggedInAgents) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.dir.staff[{kApp, "a1@x.com"}].skillGroupIds = {2};
  h.engine->directoryChanged(kApp, h.now);
  std::string sid = h.simCall("4008001000", "2");
  EXPECT_EQ(h.session(a1, sid)["state"], "ringing");
  h.dir.staff.erase({kApp, "a1@x.com"});
  h.engine->directoryChanged(kApp, h.now);
  h.advance(0);
  EXPECT_EQ(h.closed[a1].first, 4003);
  EXPECT_EQ(h.status("a1@x.com"), "offline");
}

}  // namespace
}  // namespace tccc::server::testing
