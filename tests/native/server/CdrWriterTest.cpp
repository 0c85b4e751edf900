// SPDX-License-Identifier: Apache-2.0
// CdrWriter: CDRs queued from the event loop are group-committed on the writer's own thread and
// connection, reported back on the io_context only after the commit, flushed at shutdown, and
// refused (for the caller to retry) when the writer is shut down or its backlog is full.
#include "IoTestSupport.hpp"
#include "StoreTestSupport.hpp"
#include "push/CdrWriter.hpp"
#include "store/SqliteStore.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <thread>

using namespace tccc::server;
using tccc::server::test::runUntil;
using tccc::server::test::TempDir;

namespace {

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Json cdr(const std::string& sessionId) {
  return {{"SessionId", sessionId}, {"Caller", "13800138000"},      {"Callee", "4008001000"},
          {"Direction", 0},         {"StartTimestamp", 1700000000}, {"EndStatusString", "ok"}};
}

std::int64_t countRows(SqliteStore& store, const char* table) {
  SqliteDatabase::Statement st(store.database(), std::string("SELECT COUNT(*) FROM ") + table);
  return st.step() ? st.int64(0) : -1;
}

}  // namespace

TEST(CdrWriterTest, CdrsFromManyCallsShareFewTransactions) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriterOptions o;
  o.maxDelay = std::chrono::milliseconds(50);  // generous, so a slow test machine still groups them
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs, o);
  constexpr int kCalls = 600;
  for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(writer.storeCdr(1400000001, cdr("s-" + std::to_string(i))));
  ASSERT_TRUE(writer.flush());
  auto stats = writer.stats();
  EXPECT_EQ(stats.accepted, static_cast<std::uint64_t>(kCalls));
  EXPECT_EQ(stats.stored, static_cast<std::uint64_t>(kCalls));
  EXPECT_EQ(stats.queued, 0u);
  // At most 256 per transaction, so at least three; queued together, so only a few.
  EXPECT_GE(stats.transactions, 3u);
  EXPECT_LE(stats.transactions, 8u);
  // Visible through the server's own (reading) connection, as DescribeTelCdr reads them.
  EXPECT_EQ(countRows(store, "cdrs"), kCalls);
  auto one = store.findCdr(1400000001, "s-599");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->cdr["SdkAppId"], 1400000001);
  EXPECT_EQ(one->caller, "13800138000");
  EXPECT_EQ(countRows(store, "push_queue"), 0);  // no push URL, no push jobs
}

TEST(CdrWriterTest, StoredHandlerRunsOnTheIoThreadAfterTheCommit) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs);
  const auto ioThread = std::this_thread::get_id();  // runUntil runs io on this thread
  int reported = 0;
  int missing = 0;
  bool wrongThread = false;
  writer.setStoredHandler([&](const CdrRecord& record) {
    ++reported;
    if (std::this_thread::get_id() != ioThread) wrongThread = true;
    if (!store.findCdr(record.sdkAppId, record.sessionId)) ++missing;
  });
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(writer.storeCdr(7, cdr("h-" + std::to_string(i))));
  EXPECT_EQ(reported, 0);  // nothing is reported from storeCdr itself
  ASSERT_TRUE(runUntil(io, [&] { return reported == 50; }));
  EXPECT_EQ(missing, 0);
  EXPECT_FALSE(wrongThread);
}

TEST(CdrWriterTest, ShutdownFlushesAndAReopenFindsEverything) {
  TempDir dir;
  constexpr int kCalls = 300;
  {
    boost::asio::io_context io;
    SqliteStore store(dir.file("tccc.db"));  // as in the server: schema made by the main connection
    CdrWriterOptions o;
    o.maxDelay = std::chrono::milliseconds(200);  // still lingering when shutdown comes
    CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs, o);
    for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(writer.storeCdr(3, cdr("d-" + std::to_string(i))));
    writer.shutdown();  // no flush first: shutdown itself must commit the queue
    EXPECT_EQ(writer.stats().stored, static_cast<std::uint64_t>(kCalls));
    EXPECT_EQ(writer.stats().lost, 0u);
    EXPECT_FALSE(writer.storeCdr(3, cdr("too-late")));  // refused: the caller keeps and retries it
    writer.shutdown();                                  // idempotent
  }
  SqliteStore reopened(dir.file("tccc.db"));
  EXPECT_EQ(countRows(reopened, "cdrs"), kCalls);
  EXPECT_TRUE(reopened.findCdr(3, "d-0"));
  EXPECT_TRUE(reopened.findCdr(3, "d-299"));
  EXPECT_FALSE(reopened.findCdr(3, "too-late"));
}

TEST(CdrWriterTest, PushJobsAreCommittedWithTheirCdrs) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrPushOptions po;
  po.url = "http://127.0.0.1:1/hook";  // never started: the jobs just wait in the table
  CdrPusher pusher(io, store, po, wallMs);
  CdrWriter writer(io, dir.file("tccc.db"), &pusher, wallMs);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer.storeCdr(5, cdr("p-" + std::to_string(i))));
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(countRows(store, "cdrs"), 10);
  EXPECT_EQ(store.pendingPushCount(), 10);
  auto job = store.nextPendingPush();
  ASSERT_TRUE(job);
  EXPECT_EQ(Json::parse(job->body)["SessionId"], "p-0");  // first in, first pushed
}

TEST(CdrWriterTest, FullBacklogRefusesUntilTheDiskCatchesUp) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriterOptions o;
  o.maxBatch = 4;
  o.maxQueued = 10;
  o.maxDelay = std::chrono::milliseconds(0);
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs, o);
  int accepted = 0;
  int refused = 0;
  {
    // Another connection holds the write lock, so the writer's commit waits (busy timeout) and the
    // queue cannot drain while we add to it.
    SqliteDatabase blocker(dir.file("tccc.db"));
    SqliteDatabase::Transaction hold(blocker);
    for (int i = 0; i < 30; ++i) (writer.storeCdr(1, cdr("b-" + std::to_string(i))) ? accepted : refused)++;
    EXPECT_LE(accepted, 14);  // the bound, plus at most one batch taken by the writer
    EXPECT_GE(accepted, 10);
    EXPECT_GT(refused, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }  // rolled back: the lock is released and the writer proceeds
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(countRows(store, "cdrs"), accepted);  // every accepted CDR stored, none lost
  EXPECT_TRUE(writer.storeCdr(1, cdr("after")));  // room again
  ASSERT_TRUE(writer.flush());
  EXPECT_TRUE(store.findCdr(1, "after"));
}

TEST(CdrWriterTest, NonObjectCdrIsRefusedNotCrashed) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs);
  EXPECT_FALSE(writer.storeCdr(1, Json::array()));
  EXPECT_FALSE(writer.storeCdr(1, Json("text")));
  // A CDR without SessionId is kept under a generated one rather than lost.
  EXPECT_TRUE(writer.storeCdr(1, Json{{"Caller", "1"}, {"Uui", std::string("\xff\xfe bad utf-8")}}));
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(countRows(store, "cdrs"), 1);
  EXPECT_EQ(writer.stats().accepted, 1u);
}

TEST(CdrWriterTest, BadDatabasePathFailsAtConstruction) {
  boost::asio::io_context io;
  EXPECT_THROW(CdrWriter(io, "/nonexistent-dir/for/sure/tccc.db", nullptr, wallMs), StoreError);
}

TEST(CdrWriterTest, FlushDoesNotWaitOutTheLinger) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriterOptions o;
  o.maxDelay = std::chrono::seconds(5);  // a batch would wait this long for company
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs, o);
  ASSERT_TRUE(writer.storeCdr(2, cdr("f-1")));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(writer.flush(std::chrono::seconds(3)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(store.findCdr(2, "f-1"));
  EXPECT_TRUE(writer.flush(std::chrono::milliseconds(1)));  // nothing pending: at once
}

TEST(CdrWriterTest, WhenFlushedAnswersOnTheIoThreadOnceCommitted) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriterOptions o;
  o.maxDelay = std::chrono::seconds(5);  // longer than the wait below: the waiter must cut it short
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs, o);
  const auto ioThread = std::this_thread::get_id();
  std::vector<bool> results;
  bool wrongThread = false;
  bool storedWhenAnswered = false;
  ASSERT_TRUE(writer.storeCdr(2, cdr("w-1")));
  writer.whenFlushed(std::chrono::seconds(3), [&](bool flushed) {
    results.push_back(flushed);
    wrongThread = std::this_thread::get_id() != ioThread;
    storedWhenAnswered = store.findCdr(2, "w-1").has_value();
  });
  EXPECT_TRUE(results.empty());  // never from inside the call while something is pending
  ASSERT_TRUE(runUntil(io, [&] { return !results.empty(); }));
  EXPECT_EQ(results, std::vector<bool>{true});
  EXPECT_FALSE(wrongThread);
  EXPECT_TRUE(storedWhenAnswered);
  // Nothing pending: answered at once. And the first waiter is not answered again later.
  writer.whenFlushed(std::chrono::seconds(3), [&](bool flushed) { results.push_back(flushed); });
  EXPECT_EQ(results, (std::vector<bool>{true, true}));
  runUntil(
      io, [] { return false; }, std::chrono::milliseconds(50));
  EXPECT_EQ(results.size(), 2u);
}

TEST(CdrWriterTest, WhenFlushedGivesUpAfterItsTimeoutWhileTheDiskIsStuck) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriterOptions o;
  o.retryDelay = std::chrono::milliseconds(20);
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs, o);
  std::vector<bool> results;
  {
    // Another connection holds the write lock: the writer cannot commit meanwhile.
    SqliteDatabase blocker(dir.file("tccc.db"));
    SqliteDatabase::Transaction hold(blocker);
    ASSERT_TRUE(writer.storeCdr(4, cdr("stuck")));
    writer.whenFlushed(std::chrono::milliseconds(100), [&](bool flushed) { results.push_back(flushed); });
    ASSERT_TRUE(runUntil(io, [&] { return !results.empty(); }));
    EXPECT_EQ(results, std::vector<bool>{false});
  }  // released: the CDR gets committed after all, and a new waiter sees it
  writer.whenFlushed(std::chrono::seconds(10), [&](bool flushed) { results.push_back(flushed); });
  ASSERT_TRUE(runUntil(io, [&] { return results.size() == 2; }));
  EXPECT_EQ(results, (std::vector<bool>{false, true}));
  EXPECT_TRUE(store.findCdr(4, "stuck"));
}

TEST(CdrWriterTest, StoreTasksRunOnTheWriterAndReportOnTheIoThread) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  boost::asio::io_context io;
  CdrWriterOptions o;
  o.retryDelay = std::chrono::milliseconds(5);
  CdrWriter writer(io, dir.file("tccc.db"), nullptr, wallMs, o);
  const auto ioThread = std::this_thread::get_id();
  std::thread::id writerThread, doneThread;
  std::vector<std::pair<std::string, bool>> done;
  int badAttempts = 0;
  // A task that always fails is retried, then given up. It does not hold up the CDRs; the tasks
  // queued after it wait for it (their order matters: a recording's rows), then run.
  CdrWriter::StoreTask bad;
  bad.write = [&](SqliteStore&) {
    ++badAttempts;
    throw StoreError("disk says no");
  };
  bad.done = [&](bool ok) { done.emplace_back("bad", ok); };
  ASSERT_TRUE(writer.submit(std::move(bad)));
  ASSERT_TRUE(writer.storeCdr(1400000001, cdr("s-1")));
  CdrWriter::StoreTask good;
  good.write = [&](SqliteStore& s) {
    writerThread = std::this_thread::get_id();
    s.addAsrSentence({1400000001, "s-1", "u", "hello", 1, 2});
  };
  good.done = [&](bool ok) {
    doneThread = std::this_thread::get_id();
    done.emplace_back("good", ok);
  };
  ASSERT_TRUE(writer.submit(std::move(good)));
  ASSERT_TRUE(runUntil(io, [&] { return done.size() == 2; }));
  EXPECT_EQ(done[0], (std::pair<std::string, bool>{"bad", false}));
  EXPECT_EQ(done[1], (std::pair<std::string, bool>{"good", true}));
  EXPECT_EQ(badAttempts, CdrWriter::kMaxTaskAttempts);
  EXPECT_NE(writerThread, ioThread);
  EXPECT_EQ(doneThread, ioThread);
  EXPECT_EQ(store.listAsr(1400000001, "s-1").size(), 1u);
  EXPECT_TRUE(store.findCdr(1400000001, "s-1"));
  EXPECT_EQ(writer.stats().tasksFailed, 1u);
  EXPECT_EQ(writer.stats().tasksQueued, 0u);
  writer.shutdown();
  CdrWriter::StoreTask late;
  late.write = [](SqliteStore&) {};
  EXPECT_FALSE(writer.submit(std::move(late)));  // refused once shut down
}
