// SPDX-License-Identifier: Apache-2.0
// The routing engine's parts on their own (TimerQueue, Outbox, Acd, SessionTable) and its far-end
// seam: an outbound route plugged in from outside takes the numbers it reaches and drives the call
// through FarEndEvents, as a SIP trunk or another node will.
#include "RoutingHarness.hpp"

#include "routing/Acd.hpp"
#include "routing/FarEnd.hpp"
#include "routing/Outbox.hpp"
#include "routing/SessionTable.hpp"
#include "routing/TenantDirectory.hpp"
#include "routing/TimerQueue.hpp"

#include <gtest/gtest.h>

#include <random>

namespace tccc::server::testing {
namespace {

using namespace routing;

struct Fired {
  std::uint64_t id, gen;
  std::int64_t at;
};

class RecordingOwner : public TimerOwner {
 public:
  std::vector<Fired> fired;
  void onTimer(std::uint64_t id, std::uint64_t gen, std::int64_t nowMs) override { fired.push_back({id, gen, nowMs}); }
};

TEST(TimerQueue, FiresDueTimersEarliestFirstAndTiesInArmingOrder) {
  TimerQueue timers;
  RecordingOwner owner;
  timers.arm(300, owner, 3, 0);
  timers.arm(100, owner, 1, 0);
  timers.arm(200, owner, 2, 0);
  timers.arm(200, owner, 4, 0);
  EXPECT_EQ(timers.next(), 100);
  timers.fireDue(250);
  ASSERT_EQ(owner.fired.size(), 3u);
  EXPECT_EQ(owner.fired[0].id, 1u);
  EXPECT_EQ(owner.fired[1].id, 2u);
  EXPECT_EQ(owner.fired[2].id, 4u);
  EXPECT_EQ(owner.fired[2].at, 250);
  EXPECT_EQ(timers.next(), 300);
  timers.fireDue(299);
  EXPECT_EQ(owner.fired.size(), 3u);
}

TEST(TimerQueue, ATimerArmedWhileFiringFiresInTheSameCallWhenDue) {
  TimerQueue timers;
  struct Chain : TimerOwner {
    TimerQueue* q;
    int count = 0;
    void onTimer(std::uint64_t, std::uint64_t, std::int64_t now) override {
      if (++count < 3) q->arm(now, *this, 0, 0);
    }
  } chain;
  chain.q = &timers;
  timers.arm(10, chain, 0, 0);
  timers.fireDue(10);
  EXPECT_EQ(chain.count, 3);
  EXPECT_FALSE(timers.next());
}

TEST(Outbox, AResponseGoesBeforeTheEventsItsRequestCaused) {
  Outbox out;
  out.send(1, "before");
  std::size_t mark = out.mark();
  out.event(1, 7, "agent.status", Json{{"status", "free"}});
  out.close(1, 1000, "bye");
  out.respond(1, 42, Result{Json::object()}, mark);
  auto commands = out.take();
  ASSERT_EQ(commands.size(), 4u);
  EXPECT_EQ(commands[0].text, "before");
  EXPECT_EQ(Json::parse(commands[1].text)["id"], 42);
  EXPECT_EQ(Json::parse(commands[2].text)["seq"], 7);
  EXPECT_EQ(commands[3].type, Command::Type::Close);
  EXPECT_TRUE(out.take().empty());
}

TEST(Outbox, NothingIsSentToConnectionZero) {
  Outbox out;
  out.send(0, "x");
  out.event(0, 1, "e", Json::object());
  EXPECT_TRUE(out.take().empty());
}

class AcdBooks : public ::testing::Test {
 protected:
  AcdBooks() { seedDirectory(dir); }
  Agent agent(AgentIdx idx, AgentStatus status) {
    Agent a;
    a.idx = idx;
    a.sdkAppId = kApp;
    a.status = status;
    return a;
  }
  FakeDirectory dir;
  TenantDirectory tenants{dir};
  Acd acd{tenants};
};

TEST_F(AcdBooks, GroupsTheTenantDoesNotHaveAreDroppedAndDuplicatesCountOnce) {
  Agent a = agent(0, AgentStatus::Free);
  acd.setGroups(a, {1, 99, 1, 2, 10});  // 99 unknown, 10 is another tenant's
  EXPECT_EQ(a.groups, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(acd.group(kApp, 1)->online, 1);
  EXPECT_EQ(acd.group(kApp, 2)->online, 1);
  EXPECT_EQ(acd.group(kApp, 99), nullptr);
}

TEST_F(AcdBooks, OnlineCountsAndAvailabilityFollowTheAgentAcrossGroupChanges) {
  Agent a = agent(0, AgentStatus::Free);
  acd.setGroups(a, {1});
  a.availKey = 500;
  acd.setAvailable(a, true);
  EXPECT_EQ(acd.group(kApp, 1)->available.size(), 1u);
  acd.setGroups(a, {2});  // moves its online count and its place among the free agents
  EXPECT_EQ(acd.group(kApp, 1)->online, 0);
  EXPECT_TRUE(acd.group(kApp, 1)->available.empty());
  EXPECT_EQ(acd.group(kApp, 2)->online, 1);
  EXPECT_EQ(*acd.group(kApp, 2)->available.begin(), std::make_pair(std::int64_t{500}, AgentIdx{0}));
  acd.setAvailable(a, false);
  EXPECT_TRUE(acd.group(kApp, 2)->available.empty());
  acd.countOnline(a, false);
  EXPECT_EQ(acd.group(kApp, 2)->online, 0);
  Agent offline = agent(1, AgentStatus::Offline);
  acd.setGroups(offline, {1, 2});
  EXPECT_EQ(acd.group(kApp, 1)->online, 0);  // an offline agent serves its groups but is not online
}

TEST_F(AcdBooks, ChatQueuesDisappearWhenEmpty) {
  acd.chatQueue(kApp, 1).insert({10, 1});
  acd.chatQueue(kApp, 1).insert({5, 2});
  EXPECT_EQ(acd.chatsWaiting(kApp, 1), 2u);
  EXPECT_EQ(acd.chatQueue(kApp, 1).begin()->second, 2u);  // oldest first
  acd.dropChat(kApp, 1, {10, 1});
  acd.dropChat(kApp, 1, {5, 2});
  EXPECT_EQ(acd.chatsWaiting(kApp, 1), 0u);
  EXPECT_TRUE(acd.groupsWithChats().empty());
}

TEST(SessionTableTest, EndedSessionsAreKeptUntilTheirTimeAndAtMostTheCap) {
  std::mt19937_64 rng(7);
  std::vector<std::string> forgotten;
  SessionTable table(rng, [&](const Session& s) { forgotten.push_back(s.id); });
  Session& a = table.create(kApp, SessionType::Phone, Direction::In, 0);
  Session& b = table.create(kApp, SessionType::Im, Direction::In, 0);
  std::string aId = a.id, bId = b.id;
  EXPECT_NE(aId, bId);
  EXPECT_EQ(table.find(aId), &a);
  EXPECT_EQ(table.bySerial(b.serial), &b);
  EXPECT_EQ(table.liveCount(), 2u);
  table.retire(a, 1000);
  EXPECT_EQ(table.liveCount(), 1u);
  table.dropExpired(999);
  EXPECT_NE(table.find(aId), nullptr);
  table.dropExpired(1000);
  EXPECT_EQ(table.find(aId), nullptr);
  EXPECT_EQ(forgotten, std::vector<std::string>{aId});
  for (std::size_t i = 0; i < kMaxEndedSessions + 5; ++i)
    table.retire(table.create(kApp, SessionType::Phone, Direction::In, 0), 1'000'000);
  EXPECT_EQ(forgotten.size(), 6u);  // the cap dropped the five oldest at once
}

// A far end from outside the engine: numbers starting with 9 are "on the trunk".
class TrunkFarEnd : public FarEnd {
 public:
  Session* dialed = nullptr;
  std::vector<std::string> states;
  std::vector<std::string> media;
  bool reaches(std::string_view number) const override { return !number.empty() && number[0] == '9'; }
  void dial(Session& session, std::int64_t) override { dialed = &session; }
  void customerState(Session&, const Json& state) override { states.push_back(state["state"].get<std::string>()); }
  Result agentMedia(Session&, std::string_view method, Json payload) override {
    media.push_back(std::string(method) + ":" + payload.value("sdp", ""));
    return Json::object();
  }
};

TEST(FarEndSeam, AnOutboundRouteTakesItsNumbersAndDrivesTheCallThroughTheEvents) {
  RoutingHarness h;
  TrunkFarEnd trunk;
  h.engine->addOutboundRoute(trunk);
  ConnectionId agent = h.login("a1@x.com");
  Json res = h.request(agent, "call.startOutbound", {{"phoneNumber", "900-123"}, {"clientRequestId", "c-1"}});
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  std::string sid = res["data"]["sessionId"];
  ASSERT_NE(trunk.dialed, nullptr);
  EXPECT_EQ(trunk.dialed->id, sid);
  EXPECT_EQ(trunk.dialed->callee, "900123");  // the vocabulary's normalised number
  EXPECT_EQ(h.session(agent, sid)["state"], "dialing");

  h.engine->farEndEvents().answered(*trunk.dialed, h.now);
  h.pump();
  EXPECT_EQ(h.session(agent, sid)["state"], "talking");
  EXPECT_EQ(h.status("a1@x.com"), "busy");
  EXPECT_EQ(trunk.states, std::vector<std::string>{"connected"});
  res = h.request(agent, "media.answer", {{"sessionId", sid}, {"sdp", "v=0"}});
  EXPECT_TRUE(res["ok"].get<bool>());
  EXPECT_EQ(trunk.media, std::vector<std::string>{"media.answer:v=0"});

  h.engine->farEndEvents().hungUp(*trunk.dialed, true, h.now);
  h.pump();
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["EndStatusString"], "ok");
  EXPECT_EQ(cdr["HungUpSide"], "user");
  EXPECT_EQ(h.session(agent, sid)["closeBy"], "client");
}

TEST(FarEndSeam, ARefusalEndsTheCallWithItsReasonAndNumbersNobodyReachesRingOut) {
  RoutingHarness h;
  TrunkFarEnd trunk;
  h.engine->addOutboundRoute(trunk);
  ConnectionId agent = h.login("a1@x.com");
  std::string sid = h.request(agent, "call.startOutbound",
                              {{"phoneNumber", "9555"}, {"clientRequestId", "c-1"}})["data"]["sessionId"];
  h.engine->farEndEvents().refused(*trunk.dialed, EndStatus::Busy, h.now);
  h.pump();
  EXPECT_EQ(h.cdrFor(sid)["EndStatusString"], "busy");
  EXPECT_EQ(h.session(agent, sid)["mainReason"], "busy");
  h.advance(30000);  // after-call work is over: the agent may dial again

  std::string other = h.request(agent, "call.startOutbound",
                                {{"phoneNumber", "1234"}, {"clientRequestId", "c-2"}})["data"]["sessionId"];
  h.advance(29000);
  EXPECT_EQ(h.session(agent, other)["state"], "dialing");
  h.advance(2000);
  EXPECT_EQ(h.cdrFor(other)["EndStatusString"], "notAnswer");
}

}  // namespace
}  // namespace tccc::server::testing
