// SPDX-License-Identifier: Apache-2.0
// The supervisor view (docs/protocol.md, "Supervisor view"): who may watch and act, the snapshot,
// coalesced updates, the tenant's borders, today's figures, forcing a status and logging out.
#include "RoutingHarness.hpp"

#include "routing/SupervisorDesk.hpp"

namespace tccc::server::testing {
namespace {

using routing::SupervisorDesk;

/// The routing bench plus a supervisor (role 1, administrator), a quality inspector (role 2) and another
/// tenant's supervisor; everybody else is an agent (role 3), as the cloud API numbers them.
class SupervisorBench : public RoutingHarness {
 public:
  SupervisorBench() {
    dir.addStaff(kApp, "boss@x.com", {});
    dir.staff[{kApp, "boss@x.com"}].role = 1;
    dir.addStaff(kApp, "qa@x.com", {});
    dir.staff[{kApp, "qa@x.com"}].role = 2;
    dir.addStaff(kOtherApp, "otherboss@y.com", {});
    dir.staff[{kOtherApp, "otherboss@y.com"}].role = 1;
  }

  /// Every supervisor.update the connection got, in order.
  std::vector<Json> updates(ConnectionId conn) {
    std::vector<Json> out;
    for (auto& f : events(conn, "supervisor.update")) out.push_back(f["data"]);
    return out;
  }
  /// The agent entry for `userId` in a list of agents (null if absent).
  static Json agentIn(const Json& agents, const std::string& userId) {
    for (auto& a : agents)
      if (a["userId"] == userId) return a;
    return Json();
  }
  static Json groupIn(const Json& groups, const std::string& id) {
    for (auto& g : groups)
      if (g["id"] == id) return g;
    return Json();
  }
};

class Supervisor : public ::testing::Test, public SupervisorBench {};

// --- who may do what ------------------------------------------------------------------------------

struct PermissionCase {
  const char* who;
  const char* method;
  Errc expected;
};

const PermissionCase kPermissions[] = {
    {"a2@x.com", "supervisor.watch", Errc::SipForbidden},
    {"a2@x.com", "supervisor.setAgentStatus", Errc::SipForbidden},
    {"a2@x.com", "supervisor.logoutAgent", Errc::SipForbidden},
    {"qa@x.com", "supervisor.watch", Errc::None},
    {"qa@x.com", "supervisor.setAgentStatus", Errc::SipForbidden},
    {"qa@x.com", "supervisor.logoutAgent", Errc::SipForbidden},
    {"boss@x.com", "supervisor.watch", Errc::None},
    {"boss@x.com", "supervisor.setAgentStatus", Errc::None},
    {"boss@x.com", "supervisor.logoutAgent", Errc::None},
    // Another tenant's supervisor does not reach this tenant's agent.
    {"otherboss@y.com", "supervisor.setAgentStatus", Errc::InvalidState},
    {"otherboss@y.com", "supervisor.logoutAgent", Errc::InvalidState},
};

TEST_F(Supervisor, OnlyTheRolesThatMayDoSo) {
  for (const auto& tc : kPermissions) {
    SCOPED_TRACE(std::string(tc.who) + " " + tc.method);
    SupervisorBench h;
    ConnectionId agent = h.login("a1@x.com");
    const std::int64_t app = std::string(tc.who).find("@y.com") != std::string::npos ? kOtherApp : kApp;
    ConnectionId who = h.login(tc.who, app);
    Json data = Json::object();
    if (std::string(tc.method) != "supervisor.watch") data["userId"] = "a1@x.com";
    if (std::string(tc.method) == "supervisor.setAgentStatus") data["status"] = "rest";
    Json res = h.request(who, tc.method, data);
    EXPECT_EQ(RoutingHarness::errorCode(res), code(tc.expected)) << res.dump();
    if (tc.expected == Errc::SipForbidden) {
      EXPECT_NE(res["error"]["message"].get<std::string>().find(tc.method), std::string::npos);
    }
    // Refused or not, the agent is where it was unless a supervisor of its tenant moved it.
    // A watch answer says what its watcher may do, so a page offers only the levers that work.
    if (std::string(tc.method) == "supervisor.watch" && tc.expected == Errc::None) {
      const bool supervisor = std::string(tc.who) == "boss@x.com";
      EXPECT_EQ(res["data"]["role"], supervisor ? 1 : 2);
      EXPECT_EQ(res["data"]["canAct"], supervisor);
    }
    const bool moved = tc.expected == Errc::None && std::string(tc.method) != "supervisor.watch";
    EXPECT_EQ(h.status("a1@x.com") == "free", !moved);
    (void)agent;
  }
}

// --- the snapshot ---------------------------------------------------------------------------------

TEST_F(Supervisor, SnapshotHoldsTheTenantsAgentsGroupsAndToday) {
  login("a1@x.com");
  ConnectionId a2 = login("a2@x.com");
  ASSERT_TRUE(request(a2, "agent.setStatus", {{"status", "rest"}, {"restReason", "lunch"}})["ok"].get<bool>());
  login("o1@y.com", kOtherApp);
  ConnectionId boss = login("boss@x.com");
  Json res = request(boss, "supervisor.watch");
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  const Json& data = res["data"];

  struct Expect {
    const char* userId;
    const char* status;
  };
  const Expect kAgents[] = {{"a1@x.com", "free"},    {"a2@x.com", "rest"},   {"a3@x.com", "offline"},
                            {"a4@x.com", "offline"}, {"boss@x.com", "free"}, {"o1@y.com", nullptr}};
  for (const auto& e : kAgents) {
    SCOPED_TRACE(e.userId);
    Json a = agentIn(data["agents"], e.userId);
    if (!e.status) {
      EXPECT_TRUE(a.is_null()) << "another tenant's agent leaked: " << a.dump();
      continue;
    }
    ASSERT_TRUE(a.is_object());
    EXPECT_EQ(a["status"], e.status);
  }
  EXPECT_EQ(agentIn(data["agents"], "a2@x.com")["restReason"], "lunch");
  EXPECT_EQ(agentIn(data["agents"], "a1@x.com")["name"], "nick-a1");
  EXPECT_EQ(agentIn(data["agents"], "a1@x.com")["since"], now);

  Json sales = groupIn(data["skillGroups"], "1");
  EXPECT_EQ(sales["name"], "Sales");
  EXPECT_EQ(sales["agentsOnline"], 2);  // a1 free, a2 resting
  EXPECT_EQ(sales["agentsFree"], 1);
  EXPECT_EQ(sales["queued"], 0);
  EXPECT_TRUE(groupIn(data["skillGroups"], "10").is_null());
  EXPECT_EQ(data["today"]["offered"], 0);
  EXPECT_TRUE(data["today"]["serviceLevel"].is_null());
}

// --- coalesced updates ----------------------------------------------------------------------------

TEST_F(Supervisor, ABurstOfChangesIsOneUpdateWithTheLatestState) {
  ConnectionId a1 = login("a1@x.com");
  ConnectionId boss = login("boss@x.com");
  ASSERT_TRUE(request(boss, "supervisor.watch")["ok"].get<bool>());
  advance(1000);
  EXPECT_TRUE(updates(boss).empty()) << "nothing changed, nothing sent";

  const char* kChurn[] = {"rest", "notReady", "arrange", "free", "rest"};
  for (const char* s : kChurn) {
    ASSERT_TRUE(request(a1, "agent.setStatus", {{"status", s}})["ok"].get<bool>());
    advance(10);
  }
  advance(SupervisorDesk::kUpdateEveryMs);
  auto got = updates(boss);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0]["agents"].size(), 1u);
  EXPECT_EQ(got[0]["agents"][0]["userId"], "a1@x.com");
  EXPECT_EQ(got[0]["agents"][0]["status"], "rest");
  EXPECT_EQ(groupIn(got[0]["skillGroups"], "1")["agentsFree"], 0);
  EXPECT_TRUE(got[0].find("today") == got[0].end()) << "today did not change";
}

TEST_F(Supervisor, UpdatesStayWithinTheirTenantAndStopAfterUnwatch) {
  ConnectionId o1 = login("o1@y.com", kOtherApp);
  ConnectionId a1 = login("a1@x.com");
  ConnectionId boss = login("boss@x.com");
  ConnectionId other = login("otherboss@y.com", kOtherApp);
  ASSERT_TRUE(request(boss, "supervisor.watch")["ok"].get<bool>());
  ASSERT_TRUE(request(other, "supervisor.watch")["ok"].get<bool>());
  ASSERT_TRUE(request(o1, "agent.setStatus", {{"status", "rest"}})["ok"].get<bool>());
  advance(1000);
  EXPECT_TRUE(updates(boss).empty());
  ASSERT_EQ(updates(other).size(), 1u);
  EXPECT_EQ(updates(other)[0]["agents"][0]["userId"], "o1@y.com");

  ASSERT_TRUE(request(boss, "supervisor.unwatch")["ok"].get<bool>());
  ASSERT_TRUE(request(a1, "agent.setStatus", {{"status", "rest"}})["ok"].get<bool>());
  advance(1000);
  EXPECT_TRUE(updates(boss).empty());
}

TEST_F(Supervisor, QueuesAndTodaysFiguresFollowTheCalls) {
  ConnectionId boss = login("boss@x.com");
  ConnectionId a1 = login("a1@x.com");
  ASSERT_TRUE(request(a1, "agent.setStatus", {{"status", "rest"}})["ok"].get<bool>());
  ASSERT_TRUE(request(boss, "supervisor.watch")["ok"].get<bool>());
  const std::int64_t queuedAt = now;
  std::string call = simCall("4008002000");  // Sales: a1 online but resting, so it waits
  advance(SupervisorDesk::kUpdateEveryMs);
  auto got = updates(boss);
  ASSERT_FALSE(got.empty());
  Json sales = groupIn(got.back()["skillGroups"], "1");
  EXPECT_EQ(sales["queued"], 1);
  EXPECT_EQ(sales["longestWaitSince"], queuedAt);

  // Today's figures move as things happen: offered while it waits (no outcome yet, no level)...
  auto latestToday = [&](const std::vector<Json>& batch) {
    Json today;
    for (auto& u : batch)
      if (u.contains("today")) today = u["today"];
    return today;
  };
  Json today = latestToday(got);
  ASSERT_TRUE(today.is_object());
  EXPECT_EQ(today["offered"], 1);
  EXPECT_EQ(today["answered"], 0);
  EXPECT_TRUE(today["serviceLevel"].is_null());
  // ... answered within 20 s as a1, free after 5 s, answers, while the conversation goes on ...
  advance(5000);
  ASSERT_TRUE(request(a1, "agent.setStatus", {{"status", "free"}})["ok"].get<bool>());
  ASSERT_TRUE(request(a1, "session.accept", {{"sessionId", call}})["ok"].get<bool>());
  advance(SupervisorDesk::kUpdateEveryMs);
  got = updates(boss);
  today = latestToday(got);
  ASSERT_TRUE(today.is_object());
  EXPECT_EQ(today["offered"], 1);
  EXPECT_EQ(today["answered"], 1);
  EXPECT_EQ(today["answeredWithin20s"], 1);
  EXPECT_EQ(today["abandoned"], 0);
  EXPECT_EQ(today["serviceLevel"], 100.0);
  // ... and nothing counts twice when it ends.
  ASSERT_TRUE(request(a1, "session.hangUp", {{"sessionId", call}})["ok"].get<bool>());
  advance(SupervisorDesk::kUpdateEveryMs);
  for (auto& u : updates(boss)) got.push_back(u);
  EXPECT_EQ(latestToday(got), today);
  Json latest;  // updates carry only the groups that changed: the latest word on Sales
  for (auto& u : got)
    if (Json g = groupIn(u.value("skillGroups", Json::array()), "1"); g.is_object()) latest = g;
  EXPECT_EQ(latest["queued"], 0);
}

TEST_F(Supervisor, TodayStartsAtTheContactCentersMidnightNotUtcs) {
  // 2023-11-15 00:00 in Beijing (the default --utc-offset, +08:00) is 2023-11-14 16:00 UTC.
  const std::int64_t beijingMidnight = 1699977600000;
  now = beijingMidnight - 4000;
  ConnectionId boss = login("boss@x.com");
  ConnectionId a1 = login("a1@x.com");
  ASSERT_TRUE(request(boss, "supervisor.watch")["ok"].get<bool>());
  auto answerOneCall = [&] {
    std::string call = simCall("4008002000");
    ASSERT_TRUE(request(a1, "session.accept", {{"sessionId", call}})["ok"].get<bool>());
    ASSERT_TRUE(request(a1, "session.hangUp", {{"sessionId", call}})["ok"].get<bool>());
    ASSERT_TRUE(request(a1, "agent.setStatus", {{"status", "free"}})["ok"].get<bool>());  // out of ACW
    advance(SupervisorDesk::kUpdateEveryMs);
  };
  auto latestToday = [&] {
    Json today;
    for (auto& u : updates(boss))
      if (u.contains("today")) today = u["today"];
    return today;
  };
  answerOneCall();
  EXPECT_EQ(latestToday()["offered"], 1) << "before local midnight";
  answerOneCall();
  EXPECT_EQ(latestToday()["offered"], 2);
  ASSERT_LT(now, beijingMidnight);
  advance(beijingMidnight - now + 1000);  // 16:00:01 UTC: the same UTC day, a new local one
  answerOneCall();
  EXPECT_EQ(latestToday()["offered"], 1) << "after local midnight the count starts again";
  EXPECT_EQ(latestToday()["serviceLevel"], 100.0);
}

TEST_F(Supervisor, TodaysFiguresSurviveARestartFromTheStoredCdrs) {
  // The restarted server counts the calls its CDRs say ended today (local), and nothing else.
  const std::int64_t beijingMidnight = 1699977600000;
  now = beijingMidnight + 3600000;  // 01:00 local
  const std::int64_t q = beijingMidnight + 60000;
  engine->countStoredCalls(
      {
          {kApp, q, q + 5000, q + 65000},                 // answered within 20 s
          {kApp, q, q + 30000, q + 90000},                // answered after 30 s
          {kApp, q, 0, q + 40000},                        // abandoned
          {kApp, q - 7200000, q - 7100000, q - 7000000},  // ended yesterday, local time
          {kApp, 0, q + 1000, q + 2000},                  // never queued
          {kOtherApp, q, q + 1000, q + 2000},             // another tenant's
      },
      now);
  ConnectionId boss = login("boss@x.com");
  Json today = request(boss, "supervisor.watch")["data"]["today"];
  EXPECT_EQ(today["offered"], 3);
  EXPECT_EQ(today["answered"], 2);
  EXPECT_EQ(today["abandoned"], 1);
  EXPECT_EQ(today["answeredWithin20s"], 1);
  EXPECT_EQ(today["serviceLevel"], 33.3);
}

// --- the levers -----------------------------------------------------------------------------------

struct ForceCase {
  const char* from;  // the agent's status first
  const char* to;    // what the supervisor asks for
  Errc expected;
  const char* after;
};

const ForceCase kForce[] = {
    {"free", "rest", Errc::None, "rest"},
    {"free", "notReady", Errc::None, "notReady"},
    {"rest", "free", Errc::None, "free"},
    {"notReady", "stopNotReady", Errc::None, "free"},
    {"arrange", "free", Errc::None, "free"},
    {"busy", "rest", Errc::InvalidState, "busy"},
    {"offline", "free", Errc::InvalidState, "offline"},
};

TEST_F(Supervisor, ForcesAnAgentsStatusAndTheAgentIsTold) {
  for (const auto& tc : kForce) {
    SCOPED_TRACE(std::string(tc.from) + " -> " + tc.to);
    SupervisorBench h;
    ConnectionId a1 = h.login("a1@x.com");
    const std::string from = tc.from;
    Json reached = Json{{"ok", true}};
    if (from == "busy") {
      reached = h.request(a1, "call.startOutbound", {{"phoneNumber", "10000000003"}, {"clientRequestId", "c1"}});
    } else if (from == "offline") {
      reached = h.request(a1, "agent.offline");
    } else if (from != "free") {
      reached = h.request(a1, "agent.setStatus", {{"status", from}});
    }
    ASSERT_TRUE(reached["ok"].get<bool>()) << reached.dump();
    ConnectionId boss = h.login("boss@x.com");
    const std::size_t before = h.events(a1, "agent.status").size();
    Json res = h.request(boss, "supervisor.setAgentStatus", {{"userId", "a1@x.com"}, {"status", tc.to}});
    EXPECT_EQ(RoutingHarness::errorCode(res), code(tc.expected)) << res.dump();
    EXPECT_EQ(h.status("a1@x.com"), tc.after);
    auto told = h.events(a1, "agent.status");
    if (tc.expected == Errc::None) {
      ASSERT_EQ(told.size(), before + 1);
      EXPECT_EQ(told.back()["data"]["status"], tc.after);
      EXPECT_EQ(told.back()["data"]["reason"], "admin");
    } else {
      EXPECT_EQ(told.size(), before);
    }
  }
}

TEST_F(Supervisor, RestReasonGoesOnlyWithRest) {
  ConnectionId a1 = login("a1@x.com");
  ConnectionId boss = login("boss@x.com");
  Json res =
      request(boss, "supervisor.setAgentStatus", {{"userId", "a1@x.com"}, {"status", "rest"}, {"restReason", "x"}});
  EXPECT_EQ(errorCode(res), 0);
  EXPECT_EQ(events(a1, "agent.status").back()["data"]["restReason"], "x");
  // As agent.setStatus: a reason with another status is dropped.
  res =
      request(boss, "supervisor.setAgentStatus", {{"userId", "a1@x.com"}, {"status", "notReady"}, {"restReason", "y"}});
  EXPECT_EQ(errorCode(res), 0);
  EXPECT_EQ(status("a1@x.com"), "notReady");
  EXPECT_FALSE(events(a1, "agent.status").back()["data"].contains("restReason"));
}

TEST_F(Supervisor, LogsAnAgentOutWithAKickReason) {
  ConnectionId a1 = login("a1@x.com");
  ConnectionId boss = login("boss@x.com");
  ASSERT_TRUE(request(boss, "supervisor.watch")["ok"].get<bool>());
  Json res = request(boss, "supervisor.logoutAgent", {{"userId", "a1@x.com"}});
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  auto kicked = events(a1, "agent.kicked");
  ASSERT_EQ(kicked.size(), 1u);
  EXPECT_EQ(kicked[0]["data"]["reason"], "supervisorLogout");
  ASSERT_TRUE(closed.count(a1));
  EXPECT_EQ(closed[a1].first, 4003);
  EXPECT_EQ(status("a1@x.com"), "offline");
  advance(SupervisorDesk::kUpdateEveryMs);
  EXPECT_EQ(agentIn(updates(boss).back()["agents"], "a1@x.com")["status"], "offline");
  // Again: nobody to log out. Yourself: not this way.
  EXPECT_EQ(errorCode(request(boss, "supervisor.logoutAgent", {{"userId", "a1@x.com"}})), code(Errc::InvalidState));
  EXPECT_EQ(errorCode(request(boss, "supervisor.logoutAgent", {{"userId", "boss@x.com"}})),
            code(Errc::InvalidArgument));
  EXPECT_EQ(errorCode(request(boss, "supervisor.logoutAgent", {{"userId", "nobody@x.com"}})), code(Errc::InvalidState));
}

TEST_F(Supervisor, AWatcherWhoseSocketWentAwayIsSentNothing) {
  ConnectionId a1 = login("a1@x.com");
  ConnectionId boss = login("boss@x.com");
  ASSERT_TRUE(request(boss, "supervisor.watch")["ok"].get<bool>());
  engine->agentDisconnected(boss, now);
  ASSERT_TRUE(request(a1, "agent.setStatus", {{"status", "rest"}})["ok"].get<bool>());
  advance(1000);
  EXPECT_TRUE(updates(boss).empty());
}

// --- a thousand agents ----------------------------------------------------------------------------

TEST_F(Supervisor, ManyAgentsComeInFramesUnderTheLimit) {
  for (int i = 0; i < 1500; ++i) dir.addStaff(kApp, "agent" + std::to_string(i) + "@x.com", {1});
  std::vector<ConnectionId> conns;
  for (int i = 0; i < 1500; ++i) conns.push_back(login("agent" + std::to_string(i) + "@x.com"));
  ConnectionId boss = login("boss@x.com");
  Json res = request(boss, "supervisor.watch");
  ASSERT_TRUE(res["ok"].get<bool>());
  std::set<std::string> seen;
  for (auto& a : res["data"]["agents"]) seen.insert(a["userId"].get<std::string>());
  for (auto& u : updates(boss))
    for (auto& a : u["agents"]) seen.insert(a["userId"].get<std::string>());
  EXPECT_EQ(seen.size(), dir.listStaff(kApp).size());
  for (auto& f : frames[boss]) EXPECT_LT(f.dump().size(), protocol::kMaxFrameBytes);

  // Every agent changes at once: one round of frames, each under the limit, all of them in it.
  frames[boss].clear();
  for (auto c : conns) ASSERT_TRUE(request(c, "agent.setStatus", {{"status", "rest"}})["ok"].get<bool>());
  advance(SupervisorDesk::kUpdateEveryMs);
  std::size_t agents = 0;
  for (auto& u : updates(boss)) agents += u.value("agents", Json::array()).size();
  EXPECT_EQ(agents, conns.size());
  for (auto& f : frames[boss]) EXPECT_LT(f.dump().size(), protocol::kMaxFrameBytes);
}

}  // namespace
}  // namespace tccc::server::testing
