// SPDX-License-Identifier: Apache-2.0
// The agent status machine: every request from every status (docs/protocol.md "Agent status").
#include "RoutingHarness.hpp"

namespace tccc::server::testing {
namespace {

struct StatusCase {
  const char* from;
  const char* method;
  const char* status;  // for agent.setStatus
  Errc expected;
  const char* to;
};

// Puts a freshly logged-in agent into `status`.
void reach(RoutingHarness& h, ConnectionId conn, const std::string& status) {
  if (status == "free") return;
  if (status == "offline") {
    ASSERT_TRUE(h.request(conn, "agent.offline")["ok"].get<bool>());
  } else if (status == "busy") {
    ASSERT_TRUE(h.request(conn, "call.startOutbound", {{"phoneNumber", "10000000003"}, {"clientRequestId", "c1"}})["ok"]
                    .get<bool>());
  } else {
    ASSERT_TRUE(h.request(conn, "agent.setStatus", {{"status", status}})["ok"].get<bool>());
  }
  ASSERT_EQ(h.status("a1@x.com"), status);
}

const StatusCase kCases[] = {
    {"offline", "agent.setStatus", "free", Errc::InvalidState, "offline"},
    {"offline", "agent.setStatus", "rest", Errc::InvalidState, "offline"},
    {"offline", "agent.setStatus", "arrange", Errc::InvalidState, "offline"},
    {"offline", "agent.setStatus", "notReady", Errc::InvalidState, "offline"},
    {"offline", "agent.setStatus", "stopNotReady", Errc::InvalidState, "offline"},
    {"offline", "agent.setStatus", "busy", Errc::InvalidArgument, "offline"},
    {"offline", "agent.online", "", Errc::None, "free"},
    {"offline", "agent.offline", "", Errc::InvalidState, "offline"},

    {"free", "agent.setStatus", "free", Errc::None, "free"},
    {"free", "agent.setStatus", "rest", Errc::None, "rest"},
    {"free", "agent.setStatus", "arrange", Errc::None, "arrange"},
    {"free", "agent.setStatus", "notReady", Errc::None, "notReady"},
    {"free", "agent.setStatus", "stopNotReady", Errc::InvalidState, "free"},
    {"free", "agent.setStatus", "busy", Errc::InvalidArgument, "free"},
    {"free", "agent.setStatus", "offline", Errc::InvalidArgument, "free"},
    {"free", "agent.online", "", Errc::None, "free"},
    {"free", "agent.offline", "", Errc::None, "offline"},

    {"busy", "agent.setStatus", "free", Errc::InvalidState, "busy"},
    {"busy", "agent.setStatus", "rest", Errc::InvalidState, "busy"},
    {"busy", "agent.setStatus", "arrange", Errc::InvalidState, "busy"},
    {"busy", "agent.setStatus", "notReady", Errc::InvalidState, "busy"},
    {"busy", "agent.setStatus", "stopNotReady", Errc::InvalidState, "busy"},
    {"busy", "agent.online", "", Errc::None, "busy"},
    {"busy", "agent.offline", "", Errc::InvalidState, "busy"},

    {"arrange", "agent.setStatus", "free", Errc::None, "free"},
    {"arrange", "agent.setStatus", "rest", Errc::None, "rest"},
    {"arrange", "agent.setStatus", "arrange", Errc::None, "arrange"},
    {"arrange", "agent.setStatus", "notReady", Errc::None, "notReady"},
    {"arrange", "agent.setStatus", "stopNotReady", Errc::InvalidState, "arrange"},
    {"arrange", "agent.online", "", Errc::None, "arrange"},
    {"arrange", "agent.offline", "", Errc::None, "offline"},

    {"notReady", "agent.setStatus", "free", Errc::None, "free"},
    {"notReady", "agent.setStatus", "rest", Errc::None, "rest"},
    {"notReady", "agent.setStatus", "arrange", Errc::None, "arrange"},
    {"notReady", "agent.setStatus", "notReady", Errc::None, "notReady"},
    {"notReady", "agent.setStatus", "stopNotReady", Errc::None, "free"},
    {"notReady", "agent.online", "", Errc::None, "notReady"},
    {"notReady", "agent.offline", "", Errc::None, "offline"},

    {"rest", "agent.setStatus", "free", Errc::None, "free"},
    {"rest", "agent.setStatus", "rest", Errc::None, "rest"},
    {"rest", "agent.setStatus", "arrange", Errc::None, "arrange"},
    {"rest", "agent.setStatus", "notReady", Errc::None, "notReady"},
    {"rest", "agent.setStatus", "stopNotReady", Errc::InvalidState, "rest"},
    {"rest", "agent.online", "", Errc::None, "rest"},
    {"rest", "agent.offline", "", Errc::None, "offline"},
};

class AgentStatusTable : public ::testing::TestWithParam<StatusCase> {};

TEST_P(AgentStatusTable, RequestFromStatus) {
  const StatusCase& c = GetParam();
  RoutingHarness h;
  ConnectionId conn = h.login("a1@x.com");
  reach(h, conn, c.from);
  std::size_t eventsBefore = h.events(conn, "agent.status").size();
  Json data = Json::object();
  if (*c.status) data["status"] = c.status;
  Json res = h.request(conn, c.method, data);
  EXPECT_EQ(RoutingHarness::errorCode(res), code(c.expected)) << res.dump();
  EXPECT_EQ(h.status("a1@x.com"), c.to);
  auto evs = h.events(conn, "agent.status");
  if (std::string(c.from) != c.to) {
    ASSERT_EQ(evs.size(), eventsBefore + 1);
    EXPECT_EQ(evs.back()["data"]["status"], c.to);
    EXPECT_EQ(evs.back()["data"]["reason"], "request");
  } else {
    EXPECT_EQ(evs.size(), eventsBefore) << "no event when nothing changed";
  }
}

INSTANTIATE_TEST_SUITE_P(EveryStatus, AgentStatusTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<StatusCase>& i) {
                           std::string n =
                               std::string(i.param.from) + "_" + (i.param.method + 6) + "_" + i.param.status;
                           for (auto& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(AgentStatus, RestCarriesItsReasonAndChangingTheReasonIsAnEvent) {
  RoutingHarness h;
  ConnectionId conn = h.login("a1@x.com");
  ASSERT_TRUE(h.request(conn, "agent.setStatus", {{"status", "rest"}, {"restReason", "lunch"}})["ok"].get<bool>());
  auto ev = h.events(conn, "agent.status").back();
  EXPECT_EQ(ev["data"]["restReason"], "lunch");
  ASSERT_TRUE(h.request(conn, "agent.setStatus", {{"status", "rest"}, {"restReason", "meeting"}})["ok"].get<bool>());
  EXPECT_EQ(h.events(conn, "agent.status").back()["data"]["restReason"], "meeting");
}

TEST(AgentStatus, BadArgumentsAreInvalidArgument) {
  RoutingHarness h;
  ConnectionId conn = h.login("a1@x.com");
  EXPECT_EQ(RoutingHarness::errorCode(h.request(conn, "agent.setStatus", {{"status", 5}})),
            code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(conn, "agent.setStatus", Json::object())), code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(
                h.request(conn, "agent.setStatus", {{"status", "rest"}, {"restReason", std::string(65, 'x')}})),
            code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(conn, "agent.fly")), code(Errc::UnknownMethod));
}

TEST(AgentStatus, LoginSnapshotAlreadyShowsFreeAndCountsTheLoginEvent) {
  RoutingHarness h;
  ConnectionId conn = h.login("a1@x.com");
  auto& f = h.frames[conn];
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[0]["type"], "res");
  // The snapshot is accurate at once (a client's getStatus() in its ready handler says free) ...
  EXPECT_EQ(f[0]["data"]["agent"]["status"], "free");
  EXPECT_EQ(f[0]["data"]["seq"], 1);
  // ... and the login's own event carries a seq the snapshot already covers, so clients drop it.
  EXPECT_EQ(f[1]["event"], "agent.status");
  EXPECT_EQ(f[1]["seq"], 1);
  EXPECT_EQ(f[1]["data"]["status"], "free");
  EXPECT_EQ(f[1]["data"]["reason"], "login");
}

TEST(AgentStatus, DurationsFeedStaffStatusMetrics) {
  RoutingHarness h;
  ConnectionId conn = h.login("a1@x.com");
  h.advance(5000);
  h.request(conn, "agent.setStatus", {{"status", "rest"}, {"restReason", "tea"}});
  h.advance(7000);
  h.request(conn, "agent.setStatus", {{"status", "arrange"}});
  h.advance(3000);
  Json rows = h.engine->staffStatusMetrics(kApp, {"a1@x.com"}, h.now);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["Status"], "afterCallWork");
  EXPECT_EQ(rows[0]["FreeDuration"], 5);
  EXPECT_EQ(rows[0]["RestDuration"], 7);
  EXPECT_EQ(rows[0]["AfterCallWorkDuration"], 3);
  EXPECT_EQ(rows[0]["OnlineDuration"], 15);
  EXPECT_EQ(rows[0]["LastOnlineTimestamp"], 1700000000);
  EXPECT_EQ(rows[0]["LastStatusTimestamp"], 1700000012);
  // All of the tenant's known agents when no ids are given; other tenants never leak in.
  h.login("o1@y.com", kOtherApp);
  Json all = h.engine->staffStatusMetrics(kApp, {}, h.now);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["Email"], "a1@x.com");
}

}  // namespace
}  // namespace tccc::server::testing
