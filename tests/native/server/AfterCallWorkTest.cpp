// SPDX-License-Identifier: Apache-2.0
// After-call work and history (docs/protocol.md "After-call work and history"): who may wrap up
// which session and when, what the request's fields may hold, where a wrap-up is stored (the CDR
// reads of DescribeTelCdr / DescribeIMCdrs), and what `agent.history` lists, through the routing
// engine with the real SQLite store behind it.
#include "RoutingHarness.hpp"
#include "StoreTestSupport.hpp"

#include "push/AfterCallRecords.hpp"
#include "push/DurableCdrSink.hpp"
#include "routing/AfterCallWork.hpp"
#include "store/SqliteStore.hpp"

#include <functional>

namespace tccc::server::testing {
namespace {

/// The engine with a SQLite store behind it; the CDRs the engine makes are stored when a test says.
struct AfterCallBench {
  test::TempDir dir;
  SqliteStore store{dir.file("tccc.db")};
  RoutingHarness h;
  AfterCallRecords records{store, nullptr, nullptr, [this] { return h.now; }};
  DurableCdrSink sink{store, nullptr, [this] { return h.now; }};
  std::size_t storedCdrs = 0;

  AfterCallBench() { h.engine->setAfterCallStore(&records); }

  /// What the CDR writer would have stored by now.
  void storeCdrs() {
    for (; storedCdrs < h.cdrs.size(); ++storedCdrs) ASSERT_TRUE(sink.storeCdr(kApp, h.cdrs[storedCdrs]));
  }

  /// a1 answers a /sim/inbound call on 4008002000 (group 1, ACW 10 s) and talks 7 s; it ends unless `live`.
  std::string answeredCall(ConnectionId a1, bool live = false) {
    std::string sid = h.simCall();
    h.advance(1000);
    EXPECT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
    h.advance(7000);
    if (!live) h.request(a1, "session.hangUp", {{"sessionId", sid}});
    h.advance(11000);  // after-call work over: free again
    return sid;
  }

  Json wrapUp(ConnectionId conn, const std::string& sid, Json extra = Json::object()) {
    Json data = {{"sessionId", sid}, {"disposition", "resolved"}};
    for (auto& [k, v] : extra.items()) data[k] = v;
    return h.request(conn, "session.wrapUp", data);
  }
};

// --- who may wrap up what, and with what -----------------------------------------------------------

struct WrapUpCase {
  const char* name;
  // Returns the connection that wraps up and the data it sends; the bench has a1's call `sid` ended.
  std::function<std::pair<ConnectionId, Json>(AfterCallBench&, ConnectionId a1, const std::string& sid)> act;
  Errc expected;
  const char* messagePart;
};

std::string codePoints(std::size_t n, const std::string& each) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += each;
  return s;
}

const WrapUpCase kWrapUpCases[] = {
    {"byTheAgentWhoServedIt",
     [](AfterCallBench&, ConnectionId a1, const std::string& sid) {
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "followUp"}, {"notes", "call back at 9"}}};
     },
     Errc::None, ""},
    {"withoutNotes",
     [](AfterCallBench&, ConnectionId a1, const std::string& sid) {
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "sale"}}};
     },
     Errc::None, ""},
    {"notesOf1000Characters",
     [](AfterCallBench&, ConnectionId a1, const std::string& sid) {
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "other"}, {"notes", codePoints(1000, "话")}}};
     },
     Errc::None, ""},
    {"notesOf1001Characters",
     [](AfterCallBench&, ConnectionId a1, const std::string& sid) {
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "other"}, {"notes", codePoints(1001, "话")}}};
     },
     Errc::InvalidArgument, "notes"},
    {"unknownDisposition",
     [](AfterCallBench&, ConnectionId a1, const std::string& sid) {
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "<b>great</b>"}}};
     },
     Errc::InvalidArgument, "disposition"},
    {"noDisposition",
     [](AfterCallBench&, ConnectionId a1, const std::string& sid) {
       return std::pair{a1, Json{{"sessionId", sid}, {"notes", "x"}}};
     },
     Errc::InvalidArgument, "disposition"},
    {"notesNotAString",
     [](AfterCallBench&, ConnectionId a1, const std::string& sid) {
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "other"}, {"notes", 5}}};
     },
     Errc::InvalidArgument, "notes"},
    {"anotherAgentOfTheTenant",
     [](AfterCallBench& b, ConnectionId, const std::string& sid) {
       return std::pair{b.h.login("a2@x.com"), Json{{"sessionId", sid}, {"disposition", "resolved"}}};
     },
     Errc::SessionNotFound, "not one of this agent's"},
    {"anAgentOfAnotherTenant",
     [](AfterCallBench& b, ConnectionId, const std::string& sid) {
       return std::pair{b.h.login("o1@y.com", kOtherApp), Json{{"sessionId", sid}, {"disposition", "resolved"}}};
     },
     Errc::SessionNotFound, "not one of this agent's"},
    {"unknownSession",
     [](AfterCallBench&, ConnectionId a1, const std::string&) {
       return std::pair{a1, Json{{"sessionId", "s-000000000000000000000000"}, {"disposition", "resolved"}}};
     },
     Errc::SessionNotFound, "s-000000000000000000000000"},
    {"aLiveCall",
     [](AfterCallBench& b, ConnectionId a1, const std::string&) {
       std::string live = b.answeredCall(a1, true);
       return std::pair{a1, Json{{"sessionId", live}, {"disposition", "resolved"}}};
     },
     Errc::InvalidState, "still live"},
    {"aCallThatRangOut",
     [](AfterCallBench& b, ConnectionId a1, const std::string&) {
       ConnectionId caller = 950;
       std::string missed = b.h.customer(
           caller, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13900000000"}})["data"]["sessionId"];
       b.h.advance(21000);  // rang 20 s at a1 without an answer
       b.h.customer(caller, "customer.hangUp");
       return std::pair{a1, Json{{"sessionId", missed}, {"disposition", "resolved"}}};
     },
     Errc::InvalidState, "not answered by this agent"},
    {"afterTheEngineForgotIt",
     [](AfterCallBench& b, ConnectionId a1, const std::string& sid) {
       b.storeCdrs();
       b.h.advance(6 * 60 * 1000);  // past endedRetentionMs: only the store knows it
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "complaint"}}};
     },
     Errc::None, ""},
    {"moreThan24HoursLater",
     [](AfterCallBench& b, ConnectionId a1, const std::string& sid) {
       b.storeCdrs();
       b.h.advance(25LL * 3600 * 1000);
       return std::pair{a1, Json{{"sessionId", sid}, {"disposition", "resolved"}}};
     },
     Errc::InvalidState, "24 hours"},
};

class WrapUpTest : public ::testing::TestWithParam<WrapUpCase> {};

TEST_P(WrapUpTest, AnswersAndStores) {
  const WrapUpCase& c = GetParam();
  AfterCallBench b;
  ConnectionId a1 = b.h.login("a1@x.com");
  b.h.request(a1, "agent.online");
  std::string sid = b.answeredCall(a1);
  auto [conn, data] = c.act(b, a1, sid);
  Json res = b.h.request(conn, "session.wrapUp", data);
  ASSERT_EQ(RoutingHarness::errorCode(res), code(c.expected)) << res.dump();
  b.storeCdrs();
  const std::string target = data.value("sessionId", "");
  auto stored = b.store.findWrapUp(kApp, target);
  if (c.expected != Errc::None) {
    EXPECT_NE(res["error"]["message"].get<std::string>().find(c.messagePart), std::string::npos) << res.dump();
    EXPECT_EQ(res["error"]["message"].get<std::string>().rfind("session.wrapUp: ", 0), 0u) << res.dump();
    EXPECT_FALSE(stored.has_value());
    return;
  }
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->userId, "a1@x.com");
  EXPECT_EQ(stored->disposition, data["disposition"]);
  EXPECT_EQ(stored->notes, data.value("notes", ""));
  // Every CDR read carries it: DescribeTelCdr's query and the push's lookup.
  auto cdr = b.store.findCdr(kApp, target);
  ASSERT_TRUE(cdr.has_value());
  EXPECT_EQ(cdr->cdr["Disposition"], data["disposition"]);
  EXPECT_EQ(cdr->cdr["AgentNotes"], data.value("notes", ""));
  EXPECT_EQ(cdr->cdr["SeatUser"]["UserId"], "a1@x.com");  // TCCC's own fields untouched
  CdrQuery q;
  q.sdkAppId = kApp;
  q.endTimestamp = b.h.now / 1000 + 1;
  auto [total, rows] = b.store.queryCdrs(q);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(rows[0].cdr["Disposition"], data["disposition"]);
}

INSTANTIATE_TEST_SUITE_P(AfterCallWork, WrapUpTest, ::testing::ValuesIn(kWrapUpCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AfterCallWork, ASecondWrapUpReplacesTheFirst) {
  AfterCallBench b;
  ConnectionId a1 = b.h.login("a1@x.com");
  b.h.request(a1, "agent.online");
  std::string sid = b.answeredCall(a1);
  ASSERT_TRUE(b.wrapUp(a1, sid, {{"disposition", "followUp"}, {"notes", "first"}}).value("ok", false));
  ASSERT_TRUE(b.wrapUp(a1, sid, {{"disposition", "resolved"}, {"notes", "second"}}).value("ok", false));
  b.storeCdrs();
  auto cdr = b.store.findCdr(kApp, sid);
  ASSERT_TRUE(cdr.has_value());
  EXPECT_EQ(cdr->cdr["Disposition"], "resolved");
  EXPECT_EQ(cdr->cdr["AgentNotes"], "second");
}

TEST(AfterCallWork, WithoutAStoreAWrapUpIsRefused) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  h.request(a1, "agent.online");
  std::string sid = h.simCall();
  h.advance(1000);
  h.request(a1, "session.accept", {{"sessionId", sid}});
  h.advance(2000);
  h.request(a1, "session.hangUp", {{"sessionId", sid}});
  Json res = h.request(a1, "session.wrapUp", {{"sessionId", sid}, {"disposition", "resolved"}});
  EXPECT_EQ(RoutingHarness::errorCode(res), code(Errc::NotSupported)) << res.dump();
  // History still lists what the engine keeps.
  Json list = h.request(a1, "agent.history")["data"]["sessions"];
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["sessionId"], sid);
}

TEST(AfterCallWork, ChatWrapUpIsReadByTheImCdrQuery) {
  test::TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  ImCdrRecord im;
  im.sdkAppId = kApp;
  im.sessionId = "s-chat";
  im.startTimestamp = 1700000000;
  im.cdr = Json{{"SessionId", "s-chat"}, {"StaffId", "a1@x.com"}, {"Timestamp", 1700000000}, {"Duration", 30}};
  store.storeImCdr(im);
  store.upsertWrapUp({kApp, "s-chat", "a1@x.com", "resolved", "ok", 1700000100});
  auto [total, rows] = store.queryImCdrs(kApp, 0, 1800000000, 0, 10);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(rows[0].cdr["Disposition"], "resolved");
  EXPECT_EQ(rows[0].cdr["AgentNotes"], "ok");
  auto found = store.findFinished(kApp, "s-chat");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->chat);
  EXPECT_EQ(found->cdr["Disposition"], "resolved");
}

// --- what a record says about one agent (historyRow) ------------------------------------------------

struct RowCase {
  const char* name;
  bool chat;
  Json cdr;
  const char* userId;
  const char* outcome;  // nullptr: no row for this agent
  const char* direction;
  const char* peer;
  std::int64_t duration;
};

Json leg(const char* mail, std::int64_t start, std::int64_t accept, std::int64_t end) {
  return Json{{"Mail", mail}, {"StartTimestamp", start}, {"AcceptTimestamp", accept}, {"EndedTimestamp", end}};
}

Json phoneCdr(int direction, const char* endStatus, std::int64_t accept, Json legs, const char* seatUser = "") {
  return Json{{"Direction", direction},
              {"CallType", direction ? 1 : 2},
              {"Caller", "13800138000"},
              {"Callee", "4008002000"},
              {"StartTimestamp", 1000},
              {"AcceptTimestamp", accept},
              {"EndedTimestamp", 1100},
              {"Duration", accept ? 1100 - accept : 0},
              {"EndStatusString", endStatus},
              {"SeatUser", Json{{"UserId", seatUser}}},
              {"ServeParticipants", std::move(legs)}};
}

const RowCase kRowCases[] = {
    {"answeredInbound", false, phoneCdr(0, "ok", 1010, Json::array({leg("a1", 1005, 1010, 1100)}), "a1"), "a1",
     "answered", "in", "13800138000", 90},
    {"rangOutHereAnsweredByAColleague", false,
     phoneCdr(0, "ok", 1040, Json::array({leg("a1", 1005, 0, 1025), leg("a2", 1025, 1040, 1100)}), "a2"), "a1",
     "missed", "in", "13800138000", 0},
    {"theColleaguesRow", false,
     phoneCdr(0, "ok", 1040, Json::array({leg("a1", 1005, 0, 1025), leg("a2", 1025, 1040, 1100)}), "a2"), "a2",
     "answered", "in", "13800138000", 60},
    {"callerGaveUpWhileItRang", false, phoneCdr(0, "ringingGiveUp", 0, Json::array({leg("a1", 1005, 0, 1010)})), "a1",
     "abandoned", "in", "13800138000", 0},
    {"outboundAnswered", false, phoneCdr(1, "ok", 1020, Json::array({leg("a1", 1000, 1000, 1100)}), "a1"), "a1",
     "answered", "out", "4008002000", 80},
    {"outboundNotAnswered", false, phoneCdr(1, "notAnswer", 0, Json::array({leg("a1", 1000, 0, 1030)}), "a1"), "a1",
     "noAnswer", "out", "4008002000", 0},
    {"outboundFailed", false, phoneCdr(1, "error", 0, Json::array({leg("a1", 1000, 0, 1001)}), "a1"), "a1", "failed",
     "out", "4008002000", 0},
    {"notThisAgents", false, phoneCdr(0, "ok", 1010, Json::array({leg("a2", 1005, 1010, 1100)}), "a2"), "a1", nullptr,
     "", "", 0},
    {"aMailThatOnlyContainsTheUserId", false,
     phoneCdr(0, "ok", 1010, Json::array({leg("xa1", 1005, 1010, 1100)}), "xa1"), "a1", nullptr, "", "", 0},
    {"chatServed", true,
     Json{{"StaffId", "a1"}, {"Nickname", "访客"}, {"Timestamp", 1000}, {"Duration", 45}, {"ClientUserId", "v1"}}, "a1",
     "answered", "in", "访客", 45},
    {"chatOfAnotherAgent", true, Json{{"StaffId", "a2"}, {"Nickname", "v"}, {"Timestamp", 1000}, {"Duration", 45}},
     "a1", nullptr, "", "", 0},
    {"notAnObject", false, Json::array(), "a1", nullptr, "", "", 0},
};

class HistoryRowTest : public ::testing::TestWithParam<RowCase> {};

TEST_P(HistoryRowTest, SaysWhatTheAgentDid) {
  const RowCase& c = GetParam();
  FinishedRecord r{"s-1", c.chat, c.cdr};
  auto row = routing::historyRow(r, c.userId);
  if (!c.outcome) {
    EXPECT_FALSE(row.has_value()) << row->dump();
    return;
  }
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ((*row)["outcome"], c.outcome);
  EXPECT_EQ((*row)["direction"], c.direction);
  EXPECT_EQ((*row)["peer"], c.peer);
  EXPECT_EQ((*row)["duration"], c.duration);
  EXPECT_FALSE(row->contains("disposition"));
  r.cdr["Disposition"] = "sale";
  r.cdr["AgentNotes"] = "n";
  EXPECT_EQ((*routing::historyRow(r, c.userId))["disposition"], "sale");
}

INSTANTIATE_TEST_SUITE_P(AfterCallWork, HistoryRowTest, ::testing::ValuesIn(kRowCases),
                         [](const auto& info) { return std::string(info.param.name); });

// --- agent.history ------------------------------------------------------------------------------

TEST(AfterCallWork, HistoryListsTheAgentsSessionsNewestFirst) {
  AfterCallBench b;
  ConnectionId a1 = b.h.login("a1@x.com");
  ConnectionId a2 = b.h.login("a2@x.com");
  b.h.request(a2, "agent.setStatus", {{"status", "rest"}});
  b.h.request(a1, "agent.online");
  std::string first = b.answeredCall(a1);
  ASSERT_TRUE(b.wrapUp(a1, first, {{"disposition", "callBack"}, {"notes", "<i>x</i>"}}).value("ok", false));
  b.storeCdrs();
  b.h.advance(6 * 60 * 1000);               // the first one now only in the store
  std::string second = b.answeredCall(a1);  // the second only in the engine (not stored yet)

  Json list = b.h.request(a1, "agent.history")["data"]["sessions"];
  ASSERT_EQ(list.size(), 2u) << list.dump();
  EXPECT_EQ(list[0]["sessionId"], second);
  EXPECT_EQ(list[1]["sessionId"], first);
  EXPECT_EQ(list[1]["outcome"], "answered");
  EXPECT_EQ(list[1]["direction"], "in");
  EXPECT_EQ(list[1]["type"], "phone");
  EXPECT_EQ(list[1]["peer"], "13800138000");
  EXPECT_EQ(list[1]["duration"], 7);
  EXPECT_EQ(list[1]["disposition"], "callBack");
  EXPECT_EQ(list[1]["notes"], "<i>x</i>");
  EXPECT_FALSE(list[0].contains("disposition"));

  // Stored too now: still listed once.
  b.storeCdrs();
  EXPECT_EQ(b.h.request(a1, "agent.history")["data"]["sessions"].size(), 2u);
  // Bounded, and only since `since`.
  Json one = b.h.request(a1, "agent.history", {{"limit", 1}})["data"]["sessions"];
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["sessionId"], second);
  EXPECT_EQ(b.h.request(a1, "agent.history", {{"since", b.h.now + 60000}})["data"]["sessions"].size(), 0u);
  // Another agent sees none of it.
  EXPECT_EQ(b.h.request(a2, "agent.history")["data"]["sessions"].size(), 0u);
}

struct HistoryArgCase {
  const char* name;
  Json data;
  Errc expected;
};

const HistoryArgCase kHistoryArgs[] = {
    {"none", Json::object(), Errc::None},
    {"limit100", Json{{"limit", 100}}, Errc::None},
    {"limit0", Json{{"limit", 0}}, Errc::InvalidArgument},
    {"limit101", Json{{"limit", 101}}, Errc::InvalidArgument},
    {"limitText", Json{{"limit", "ten"}}, Errc::InvalidArgument},
    {"sinceNegative", Json{{"since", -1}}, Errc::InvalidArgument},
    {"sinceLongAgoIsClamped", Json{{"since", 0}}, Errc::None},
};

class HistoryArgTest : public ::testing::TestWithParam<HistoryArgCase> {};

TEST_P(HistoryArgTest, ChecksItsFields) {
  AfterCallBench b;
  ConnectionId a1 = b.h.login("a1@x.com");
  Json res = b.h.request(a1, "agent.history", GetParam().data);
  EXPECT_EQ(RoutingHarness::errorCode(res), code(GetParam().expected)) << res.dump();
  if (GetParam().expected == Errc::None) {
    EXPECT_TRUE(res["data"]["sessions"].is_array());
  }
}

INSTANTIATE_TEST_SUITE_P(AfterCallWork, HistoryArgTest, ::testing::ValuesIn(kHistoryArgs),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tccc::server::testing
