// SPDX-License-Identifier: Apache-2.0
// StorageBreaker: a disk fault opens it, only a successful probe closes it, a fault during a probe
// makes it probe again; and SqliteStore on a disk that refuses writes (a file-size limit of one
// byte: every write fails with EFBIG, as on a failing disk) trips it, refuses chat messages while it
// is open, and takes them again once the probe has proved the disk. DiskWatch trips it for a disk
// that refuses its write (/dev/full) or stops answering (a FIFO nobody reads: open() waits), and
// never for a disk that takes its writes.
#include "IoTestSupport.hpp"
#include "StoreTestSupport.hpp"
#include "store/DiskWatch.hpp"
#include "store/SqliteStore.hpp"
#include "store/StorageBreaker.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace tccc::server {
namespace {

using test::DiskRefusesWrites;
using test::runUntil;

std::int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class StorageBreakerTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  std::atomic<bool> diskBack{false};
  std::atomic<int> probes{0};
  std::function<void()> duringProbe;  // runs on the probe thread
  StorageBreaker breaker{io,
                         [this](std::int64_t) {
                           ++probes;
                           if (duringProbe) duringProbe();
                           if (!diskBack) throw std::runtime_error("disk I/O error");
                         },
                         steadyMs, std::chrono::milliseconds(10)};
};

TEST_F(StorageBreakerTest, AFaultOpensItAndOnlyASuccessfulProbeClosesIt) {
  EXPECT_FALSE(breaker.isOpen());
  breaker.trip("database", "disk I/O error");
  breaker.trip("database", "database or disk is full");  // while open: counted, no second opening
  EXPECT_TRUE(breaker.isOpen());
  auto s = breaker.status();
  EXPECT_TRUE(s.open);
  EXPECT_GT(s.openSinceMs, 0);
  EXPECT_EQ(s.source, "database");
  EXPECT_EQ(s.lastError, "database or disk is full");
  EXPECT_EQ(s.trips, 2u);
  ASSERT_TRUE(runUntil(io, [&] { return probes.load() >= 3; }));
  EXPECT_TRUE(breaker.isOpen());  // the disk still refuses
  EXPECT_GE(breaker.status().probesFailed, 2u);
  EXPECT_EQ(breaker.status().source, "probe");
  diskBack = true;
  ASSERT_TRUE(runUntil(io, [&] { return !breaker.isOpen(); }));
  s = breaker.status();
  EXPECT_GE(s.lastRecoveredAtMs, s.openSinceMs);
  const int probesWhenClosed = probes.load();
  runUntil(
      io, [] { return false; }, std::chrono::milliseconds(50));
  EXPECT_EQ(probes.load(), probesWhenClosed);  // closed: no more probing
}

TEST_F(StorageBreakerTest, AFaultReportedWhileAProbeRunsIsProbedAgain) {
  diskBack = true;
  std::atomic<bool> once{true};
  duringProbe = [&] {
    if (once.exchange(false)) breaker.trip("chat sync", "fdatasync failed");  // newer than the probe's proof
  };
  breaker.trip("database", "disk I/O error");
  ASSERT_TRUE(runUntil(io, [&] { return !breaker.isOpen(); }));
  EXPECT_EQ(probes.load(), 2);  // the first probe's success did not count
}

ChatMessageRecord message(std::int64_t seq, const std::string& text) {
  ChatMessageRecord m;
  m.sdkAppId = 1400000001;
  m.sessionId = "s-1";
  m.seq = seq;
  m.messageId = "m-" + std::to_string(seq);
  m.senderRole = "visitor";
  m.clientMsgId = "c-" + std::to_string(seq);
  m.content = text;
  m.createdMs = 1;
  return m;
}

TEST(StorageBreakerWithSqlite, AStoreOnADiskThatRefusesWritesTripsItAndRecoversThroughTheProbe) {
  test::TempDir dir;
  const std::string path = dir.file("tccc.db");
  boost::asio::io_context io;
  StorageBreaker breaker(
      io, [&path](std::int64_t now) { SqliteStore::proveWritable(path, now); }, steadyMs,
      std::chrono::milliseconds(10));
  SqliteStore store(path);
  ASSERT_TRUE(store.enableChatGroupCommit());
  store.setStorageBreaker(&breaker);
  store.appendChatMessage(message(1, "before"));
  EXPECT_TRUE(store.acceptingWrites());
  {
    DiskRefusesWrites failing;
    EXPECT_THROW(store.appendChatMessage(message(2, "lost")), DiskError);
    EXPECT_TRUE(breaker.isOpen());
    EXPECT_FALSE(store.acceptingWrites());
    EXPECT_EQ(breaker.status().source, "database");
    EXPECT_THROW(SqliteStore::proveWritable(path, 2), StoreError);
    ASSERT_TRUE(runUntil(io, [&] { return breaker.status().probesFailed >= 1; }));
    EXPECT_TRUE(breaker.isOpen());
    EXPECT_EQ(store.lastChatSeq(1400000001, "s-1"), 1);  // reads still work
  }
  ASSERT_TRUE(runUntil(io, [&] { return !breaker.isOpen(); }));
  EXPECT_TRUE(store.acceptingWrites());
  store.appendChatMessage(message(2, "after"));
  auto rows = store.listChatMessages(1400000001, "s-1", 0, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].content, "after");
  SqliteDatabase::Statement probe(store.database(), "SELECT COUNT(*) FROM storage_probe");
  ASSERT_TRUE(probe.step());
  EXPECT_EQ(probe.int64(0), 1);
}

struct WatchCase {
  const char* name;
  /// The file the watch writes, made in `dir`.
  std::string (*path)(const std::string& dir);
  bool trips;
  const char* error;  // in the breaker's last error
};

class DiskWatchTest : public StorageBreakerTest, public ::testing::WithParamInterface<WatchCase> {};

TEST_P(DiskWatchTest, TripsTheBreakerForADiskThatRefusesOrHangsAndNeverOtherwise) {
  const WatchCase& c = GetParam();
  char dirTemplate[] = "/tmp/tccc-diskwatch-XXXXXX";
  ASSERT_NE(::mkdtemp(dirTemplate), nullptr);
  const std::string dir = dirTemplate;
  const std::string path = c.path(dir);
  int reader = -1;  // opened on the FIFO once it has done its part: a waiting writer goes on
  {
    DiskWatch watch(path, breaker, std::chrono::milliseconds(10), std::chrono::milliseconds(100));
    if (c.trips) {
      ASSERT_TRUE(runUntil(
          io, [&] { return breaker.isOpen(); }, std::chrono::seconds(5)));
      EXPECT_EQ(breaker.status().source, "disk watch");
      EXPECT_NE(breaker.status().lastError.find(c.error), std::string::npos) << breaker.status().lastError;
      reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
    } else {
      ASSERT_TRUE(runUntil(
          io, [&] { return watch.completedWrites() >= 3; }, std::chrono::seconds(5)));
      EXPECT_FALSE(breaker.isOpen());
      EXPECT_EQ(std::filesystem::file_size(path), 8u);
    }
  }
  if (reader >= 0) ::close(reader);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Disks, DiskWatchTest,
    ::testing::Values(WatchCase{"writable", [](const std::string& dir) { return dir + "/disk-watch"; }, false, ""},
                      WatchCase{"full", [](const std::string&) { return std::string("/dev/full"); }, true,
                                "No space left"},
                      WatchCase{"not_answering",
                                [](const std::string& dir) {
                                  const std::string fifo = dir + "/disk-watch";
                                  ::mkfifo(fifo.c_str(), 0600);
                                  return fifo;
                                },
                                true, "not answering"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tccc::server
