// SPDX-License-Identifier: Apache-2.0
// directory.list (docs/protocol.md "Transfer directory"): the tenant's skill groups and agents with
// live statuses, searched, ordered and bounded, and never another tenant's or the caller itself.
#include "RoutingHarness.hpp"

#include <string>
#include <vector>

namespace tccc::server::testing {
namespace {

/// The default tenant with a1 asking, a2 free, a3 resting, a4 and solo never logged in.
struct DirectoryBench {
  RoutingHarness h;
  ConnectionId self = 0;
  DirectoryBench() {
    self = h.login("a1@x.com");
    h.login("a2@x.com");
    ConnectionId a3 = h.login("a3@x.com");
    h.request(a3, "agent.setStatus", {{"status", "rest"}, {"restReason", "lunch"}});
  }
  Json list(Json data = Json::object()) { return h.request(self, "directory.list", std::move(data)); }
};

std::vector<std::string> agentIds(const Json& res) {
  std::vector<std::string> out;
  for (auto& a : res["data"]["agents"]) out.push_back(a["userId"].get<std::string>());
  return out;
}

std::vector<std::string> groupIds(const Json& res) {
  std::vector<std::string> out;
  for (auto& g : res["data"]["skillGroups"]) out.push_back(g["skillGroupId"].get<std::string>());
  return out;
}

struct SearchCase {
  const char* name;
  Json data;
  std::vector<std::string> agents;
  std::vector<std::string> groups;
  bool truncated;
};

void PrintTo(const SearchCase& c, std::ostream* os) { *os << c.name; }

class DirectorySearch : public ::testing::TestWithParam<SearchCase> {};

TEST_P(DirectorySearch, ListsMatchesFreeFirst) {
  DirectoryBench b;
  Json res = b.list(GetParam().data);
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  EXPECT_EQ(agentIds(res), GetParam().agents);
  EXPECT_EQ(groupIds(res), GetParam().groups);
  EXPECT_EQ(res["data"]["truncated"].get<bool>(), GetParam().truncated);
}

const SearchCase kSearches[] = {
    // Free first, then resting, then offline (by name); never a1 itself, never the other tenant.
    {"Everything", Json::object(), {"a2@x.com", "a3@x.com", "a4@x.com", "solo@x.com"}, {"1", "2", "3"}, false},
    {"UserIdAnyCase", {{"query", "A3@X"}}, {"a3@x.com"}, {}, false},
    {"StaffNumber", {{"query", "1002"}}, {"a3@x.com"}, {}, false},
    {"DigitMatchesIdsAndNumbers", {{"query", "3"}}, {"a3@x.com", "a4@x.com"}, {"3"}, false},
    {"GroupName", {{"query", "sup"}}, {}, {"2"}, false},
    {"Nick", {{"query", "nick-so"}}, {"solo@x.com"}, {}, false},
    {"OtherTenantsAgent", {{"query", "o1@y"}}, {}, {}, false},
    {"OtherTenantsGroup", {{"query", "Other"}}, {}, {}, false},
    {"Self", {{"query", "a1@x"}}, {}, {}, false},
    {"NoMatch", {{"query", "zzz"}}, {}, {}, false},
    {"Limit", {{"limit", 1}}, {"a2@x.com"}, {"1"}, true},
    {"LimitExact", {{"limit", 4}}, {"a2@x.com", "a3@x.com", "a4@x.com", "solo@x.com"}, {"1", "2", "3"}, false},
    {"NullQueryIsAbsent",
     {{"query", nullptr}},
     {"a2@x.com", "a3@x.com", "a4@x.com", "solo@x.com"},
     {"1", "2", "3"},
     false},
};

INSTANTIATE_TEST_SUITE_P(Queries, DirectorySearch, ::testing::ValuesIn(kSearches),
                         [](const auto& info) { return std::string(info.param.name); });

struct BadCase {
  const char* name;
  Json data;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class DirectoryBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(DirectoryBadInput, IsRefusedWithTheField) {
  DirectoryBench b;
  Json res = b.list(GetParam().data);
  EXPECT_EQ(RoutingHarness::errorCode(res), code(Errc::InvalidArgument)) << res.dump();
  EXPECT_EQ(res["error"]["message"].get<std::string>().rfind("directory.list: ", 0), 0u) << res.dump();
}

const BadCase kBad[] = {
    {"LimitZero", {{"limit", 0}}},     {"LimitOver", {{"limit", 101}}},
    {"LimitText", {{"limit", "ten"}}}, {"QueryTooLong", {{"query", std::string(65, 'a')}}},
    {"QueryNumber", {{"query", 5}}},   {"QueryObject", {{"query", Json::object()}}},
};

INSTANTIATE_TEST_SUITE_P(Fields, DirectoryBadInput, ::testing::ValuesIn(kBad),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(TransferDirectory, ShowsLiveStatusAndCounts) {
  DirectoryBench b;
  Json res = b.list();
  ASSERT_TRUE(res["ok"].get<bool>());
  auto& agents = res["data"]["agents"];
  EXPECT_EQ(agents[0]["status"], "free");
  EXPECT_EQ(agents[0]["takesCalls"], true);
  EXPECT_EQ(agents[0]["takesChats"], true);
  EXPECT_EQ(agents[1]["status"], "rest");
  EXPECT_EQ(agents[1]["restReason"], "lunch");
  EXPECT_EQ(agents[1]["takesCalls"], false);
  EXPECT_EQ(agents[1]["skillGroupIds"], Json::array({"1", "2"}));
  EXPECT_EQ(agents[1]["staffNumber"], "1002");
  EXPECT_EQ(agents[1]["nick"], "nick-a3");
  EXPECT_EQ(agents[2]["status"], "offline");
  EXPECT_EQ(agents[2]["takesCalls"], false);
  EXPECT_EQ(agents[2]["takesChats"], false);
  auto& sales = res["data"]["skillGroups"][0];
  EXPECT_EQ(sales["name"], "Sales");
  EXPECT_EQ(sales["free"], 2);    // a1 and a2
  EXPECT_EQ(sales["online"], 3);  // a1, a2 and a3 (resting)
  EXPECT_EQ(sales["queued"], 0);

  // a3 comes back: it sorts with the free agents (by name) and Support now has a free agent.
  ConnectionId a3 = 3;
  ASSERT_TRUE(b.h.request(a3, "agent.setStatus", {{"status", "free"}})["ok"].get<bool>());
  res = b.list();
  EXPECT_EQ(agentIds(res), (std::vector<std::string>{"a2@x.com", "a3@x.com", "a4@x.com", "solo@x.com"}));
  EXPECT_EQ(res["data"]["agents"][1]["status"], "free");
  EXPECT_EQ(res["data"]["agents"][1]["restReason"], "");
  EXPECT_EQ(res["data"]["skillGroups"][1]["free"], 1);
}

TEST(TransferDirectory, FreeGroupsComeFirstAndQueuesAreCounted) {
  DirectoryBench b;
  // a2 rests too: Sales has a1 free; Support (a3 resting) none. A call queues on the plain number
  // (Sales) once a1 rests as well.
  b.h.request(2, "agent.setStatus", {{"status", "rest"}});
  b.h.request(b.self, "agent.setStatus", {{"status", "rest"}});
  b.h.simCall("4008002000");
  Json res = b.list();
  ASSERT_TRUE(res["ok"].get<bool>());
  EXPECT_EQ(groupIds(res), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(res["data"]["skillGroups"][0]["free"], 0);
  EXPECT_EQ(res["data"]["skillGroups"][0]["queued"], 1);

  ConnectionId a4 = b.h.login("a4@x.com");  // Support gets a free agent and moves up
  (void)a4;
  res = b.list();
  EXPECT_EQ(groupIds(res), (std::vector<std::string>{"2", "1", "3"}));
  EXPECT_EQ(res["data"]["agents"][0]["userId"], "a4@x.com");
}

TEST(TransferDirectory, NotReadyAgentsStillTakeTransferredCalls) {
  DirectoryBench b;
  ASSERT_TRUE(b.h.request(2, "agent.setStatus", {{"status", "notReady"}})["ok"].get<bool>());
  Json res = b.list({{"query", "a2@"}});
  ASSERT_EQ(res["data"]["agents"].size(), 1u);
  EXPECT_EQ(res["data"]["agents"][0]["status"], "notReady");
  EXPECT_EQ(res["data"]["agents"][0]["takesCalls"], true);  // tccc-facts.md §3.3
  EXPECT_EQ(res["data"]["agents"][0]["takesChats"], false);
}

TEST(TransferDirectory, OtherTenantSeesOnlyItsOwn) {
  DirectoryBench b;
  ConnectionId o1 = b.h.login("o1@y.com", kOtherApp);
  Json res = b.h.request(o1, "directory.list");
  ASSERT_TRUE(res["ok"].get<bool>());
  EXPECT_EQ(agentIds(res), std::vector<std::string>{});
  EXPECT_EQ(groupIds(res), std::vector<std::string>{"10"});
}

TEST(TransferDirectory, FollowsStaffChanges) {
  DirectoryBench b;
  ASSERT_EQ(agentIds(b.list()).size(), 4u);
  b.h.dir.staff.erase({kApp, "a4@x.com"});
  b.h.dir.addStaff(kApp, "new@x.com", {3});
  EXPECT_EQ(agentIds(b.list()).size(), 4u);  // cached until the directory says it changed
  b.h.engine->directoryChanged(kApp, b.h.now);
  b.h.pump();
  EXPECT_EQ(agentIds(b.list()), (std::vector<std::string>{"a2@x.com", "a3@x.com", "new@x.com", "solo@x.com"}));
}

TEST(TransferDirectory, NeedsALogin) {
  RoutingHarness h;
  Json res = h.request(99, "directory.list");
  EXPECT_EQ(RoutingHarness::errorCode(res), code(Errc::SipBadRequest));
}

}  // namespace
}  // namespace tccc::server::testing
