// SPDX-License-Identifier: Apache-2.0
// The crash journal of live calls (docs/reliability.md, "Server crash: live calls"): the engine
// journals a call's CDR so far when it starts and when it is answered; the CDR writer writes it
// down (or leaves it out when the call's CDR comes in the same batch) and deletes it with the CDR;
// at the next start InterruptedCallRecovery turns what is left into CDRs ended when the server was
// last alive, with EndStatusString "error", once.
#include "push/InterruptedCallRecovery.hpp"

#include "IoTestSupport.hpp"
#include "RoutingHarness.hpp"
#include "StoreTestSupport.hpp"
#include "push/CdrWriter.hpp"
#include "store/SqliteStore.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <functional>

namespace tccc::server::testing {
namespace {

using tccc::server::test::TempDir;

std::int64_t countRows(SqliteStore& store, const char* table) {
  SqliteDatabase::Statement st(store.database(), std::string("SELECT COUNT(*) FROM ") + table);
  return st.step() ? st.int64(0) : -1;
}

/// The newest journal entry the engine made for a session (null when none).
Json lastJournaled(const RoutingHarness& h, const std::string& sid) {
  Json last;
  for (const auto& j : h.journal)
    if (j["SessionId"] == sid) last = j;
  return last;
}

/// A server run that is killed: the journal entries reach the database through a real CdrWriter,
/// whose thread is then stopped without the calls ending (what SIGKILL leaves behind, as far as
/// the database is concerned).
void journalThenDie(const std::string& dbPath, const std::vector<std::pair<std::int64_t, Json>>& entries,
                    std::int64_t clockMs) {
  boost::asio::io_context io;
  CdrWriter writer(io, dbPath, nullptr, [clockMs] { return clockMs; });
  for (const auto& [app, cdr] : entries) writer.journalLiveCall(app, cdr);
  // flush() waits for CDRs: one CDR of an unrelated call carries every entry queued before it.
  ASSERT_TRUE(writer.storeCdr(kApp, Json{{"SessionId", "marker"}, {"SdkAppId", kApp}, {"StartTimestamp", 1}}));
  ASSERT_TRUE(writer.flush());
}

struct LiveCase {
  const char* name;
  // Puts a call in the state; returns its session id.
  std::function<std::string(RoutingHarness&)> scenario;
  bool answered;
  const char* seat;  // SeatUser.Mail expected in the recovered CDR
  std::size_t legs;  // ServeParticipants
};

std::string talking(RoutingHarness& h, ConnectionId agent) {
  std::string sid = h.simCall();
  h.advance(1000);
  EXPECT_TRUE(h.request(agent, "session.accept", {{"sessionId", sid}}).value("ok", false));
  h.advance(5000);
  return sid;
}

const LiveCase kCases[] = {
    {"ringing",
     [](RoutingHarness& h) {
       h.login("a1@x.com");
       std::string sid = h.simCall();
       h.advance(3000);
       return sid;
     },
     // Journaled when it started, not at each offer (cost per call): the agent it rang at is not known.
     false, "", 0},
    {"queued",
     [](RoutingHarness& h) {
       ConnectionId a1 = h.login("a1@x.com");
       h.request(a1, "agent.setStatus", {{"status", "rest"}});
       std::string sid = h.simCall();
       h.advance(3000);
       return sid;
     },
     false, "", 0},
    {"talking", [](RoutingHarness& h) { return talking(h, h.login("a1@x.com")); }, true, "a1@x.com", 1},
    {"held",
     [](RoutingHarness& h) {
       ConnectionId a1 = h.login("a1@x.com");
       std::string sid = talking(h, a1);
       EXPECT_TRUE(h.request(a1, "session.hold", {{"sessionId", sid}}).value("ok", false));
       h.advance(2000);
       return sid;
     },
     true, "a1@x.com", 1},
    {"transferred",
     [](RoutingHarness& h) {
       ConnectionId a1 = h.login("a1@x.com");
       ConnectionId a2 = h.login("a2@x.com");
       std::string sid = talking(h, a1);
       EXPECT_TRUE(
           h.request(a1, "session.transfer", {{"sessionId", sid}, {"userId", "a2@x.com"}, {"clientRequestId", "t"}})
               .value("ok", false));
       h.advance(1000);
       EXPECT_TRUE(h.request(a2, "session.accept", {{"sessionId", sid}}).value("ok", false));
       h.advance(4000);
       return sid;
     },
     true, "a2@x.com", 2},
};

class LiveCallRecovery : public ::testing::TestWithParam<LiveCase> {};

TEST_P(LiveCallRecovery, RecoversTheCallOnceEndedWhenTheServerWasLastAlive) {
  const LiveCase& c = GetParam();
  RoutingHarness h;
  const std::int64_t startMs = h.now;
  std::string sid = c.scenario(h);
  ASSERT_TRUE(h.cdrs.empty()) << "the call must still be live";
  Json soFar = lastJournaled(h, sid);
  ASSERT_TRUE(soFar.is_object()) << "the engine journaled nothing for " << sid;
  EXPECT_EQ(soFar["EndedTimestamp"], 0);
  // Started, then each answer: one entry per moment, no more.
  std::size_t entries = 0;
  for (const auto& j : h.journal) entries += j["SessionId"] == sid;
  EXPECT_EQ(entries, 1 + (c.answered ? c.legs : 0));

  TempDir dir;
  const std::string db = dir.file("tccc.db");
  const std::int64_t diedAtMs = h.now;  // the writer's clock: its rows and liveness mark say "now"
  journalThenDie(db, {{kApp, soFar}}, diedAtMs);

  SqliteStore store(db);
  ASSERT_EQ(store.listLiveCalls().size(), 1u);
  EXPECT_EQ(InterruptedCallRecovery(store, true).run(diedAtMs + 60000), 1);
  auto rec = store.findCdr(kApp, sid);
  ASSERT_TRUE(rec);
  const Json& cdr = rec->cdr;
  EXPECT_EQ(cdr["Caller"], "13800138000");
  EXPECT_EQ(cdr["StartTimestamp"], startMs / 1000);
  EXPECT_EQ(cdr["EndedTimestamp"], diedAtMs / 1000) << "ends when last alive, not at the restart";
  EXPECT_EQ(cdr["EndStatusString"], "error");
  EXPECT_EQ(cdr["HungUpSide"], "");
  EXPECT_EQ(cdr["SeatUser"].value("Mail", ""), c.seat);
  ASSERT_EQ(cdr["ServeParticipants"].size(), c.legs);
  for (const auto& leg : cdr["ServeParticipants"]) EXPECT_GT(leg["EndedTimestamp"].get<std::int64_t>(), 0);
  if (c.answered) {
    EXPECT_GT(cdr["AcceptTimestamp"].get<std::int64_t>(), 0);
    EXPECT_EQ(cdr["Duration"], cdr["EndedTimestamp"].get<std::int64_t>() - cdr["AcceptTimestamp"].get<std::int64_t>());
    EXPECT_EQ(cdr["ServeParticipants"].back()["EndStatusString"], "error");
  } else {
    EXPECT_EQ(cdr["AcceptTimestamp"], 0);
    EXPECT_EQ(cdr["Duration"], 0);
  }
  EXPECT_EQ(countRows(store, "live_calls"), 0);
  EXPECT_EQ(countRows(store, "push_queue"), 1) << "pushed like any CDR";

  // A second start finds nothing left: still one CDR, one push.
  EXPECT_EQ(InterruptedCallRecovery(store, true).run(diedAtMs + 120000), 0);
  EXPECT_EQ(store.queryCdrs({kApp, 0, diedAtMs, {}, {sid}, 0, 10}).first, 1);
  EXPECT_EQ(countRows(store, "push_queue"), 1);
}

INSTANTIATE_TEST_SUITE_P(States, LiveCallRecovery, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LiveCallJournal, CallsThatEndedNormallyLeaveNoJournalRowAndOneCdr) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = talking(h, a1);
  h.request(a1, "session.hangUp", {{"sessionId", sid}});
  ASSERT_EQ(h.cdrs.size(), 1u);

  TempDir dir;
  boost::asio::io_context io;
  const std::string db = dir.file("tccc.db");
  CdrWriter writer(io, db, nullptr, [&] { return h.now; });
  // Start and answer committed first (a long call), the end in a later batch.
  for (const auto& j : h.journal) writer.journalLiveCall(kApp, j);
  ASSERT_TRUE(writer.storeCdr(kApp, Json{{"SessionId", "marker"}, {"SdkAppId", kApp}, {"StartTimestamp", 1}}));
  ASSERT_TRUE(writer.flush());
  SqliteStore store(db);
  EXPECT_EQ(countRows(store, "live_calls"), 1);
  EXPECT_TRUE(store.lastAliveAtMs().has_value());
  ASSERT_TRUE(writer.storeCdr(kApp, h.cdrs.front()));
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(countRows(store, "live_calls"), 0) << "deleted with the CDR";
  writer.shutdown();
  EXPECT_EQ(InterruptedCallRecovery(store, false).run(h.now), 0);
  EXPECT_EQ(store.findCdr(kApp, sid)->cdr["EndStatusString"], "ok");
}

TEST(LiveCallJournal, AShortCallsStartAnswerAndEndInOneBatchCostOnlyItsCdr) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = talking(h, a1);
  h.request(a1, "session.hangUp", {{"sessionId", sid}});

  TempDir dir;
  boost::asio::io_context io;
  const std::string db = dir.file("tccc.db");
  CdrWriterOptions o;
  o.maxDelay = std::chrono::milliseconds(200);  // all three surely land in one batch
  CdrWriter writer(
      io, db, nullptr, [&] { return h.now; }, o);
  for (const auto& j : h.journal) writer.journalLiveCall(kApp, j);
  ASSERT_TRUE(writer.storeCdr(kApp, h.cdrs.front()));
  ASSERT_TRUE(writer.flush());
  auto stats = writer.stats();
  EXPECT_EQ(stats.liveCallsJournaled, 0u);
  EXPECT_EQ(stats.liveCallsCoalesced, h.journal.size());
  EXPECT_EQ(stats.transactions, 1u);
  SqliteStore store(db);
  EXPECT_EQ(countRows(store, "live_calls"), 0);
  EXPECT_EQ(countRows(store, "cdrs"), 1);
}

TEST(LiveCallJournal, EachTenantsRowsBecomeThatTenantsCdrs) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId o1 = h.login("o1@y.com", kOtherApp);
  std::string mine = talking(h, a1);
  std::string theirs = h.simCall("4009000000");
  h.advance(1000);
  ASSERT_TRUE(h.request(o1, "session.accept", {{"sessionId", theirs}}).value("ok", false));
  h.advance(1000);

  TempDir dir;
  const std::string db = dir.file("tccc.db");
  journalThenDie(db, {{kApp, lastJournaled(h, mine)}, {kOtherApp, lastJournaled(h, theirs)}}, h.now);
  SqliteStore store(db);
  EXPECT_EQ(InterruptedCallRecovery(store, false).run(h.now + 1000), 2);
  EXPECT_TRUE(store.findCdr(kApp, mine));
  EXPECT_FALSE(store.findCdr(kApp, theirs));
  auto other = store.findCdr(kOtherApp, theirs);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->cdr["SdkAppId"], kOtherApp);
  EXPECT_EQ(other->cdr["SeatUser"]["Mail"], "o1@y.com");
  EXPECT_EQ(other->cdr["EndStatusString"], "error");
}

TEST(InterruptedCallRecoveryTest, EndsNoEarlierThanTheRowWasWritten) {
  // The liveness mark can be older than a row written just before the kill.
  Json cdr = InterruptedCallRecovery::closeCdr(
      Json{{"StartTimestamp", 100}, {"AcceptTimestamp", 0}, {"ServeParticipants", Json::array()}}, 90);
  EXPECT_EQ(cdr["EndedTimestamp"], 100);
  EXPECT_EQ(cdr["Duration"], 0);
}

}  // namespace
}  // namespace tccc::server::testing
