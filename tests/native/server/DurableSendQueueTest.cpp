// SPDX-License-Identifier: Apache-2.0
// DurableSendQueue: frames of inputs that read or wrote chat messages wait, in order, for a sync that
// covers every append so far, and so do later frames of the same sockets; other frames go straight
// out; appends made while a sync runs take one more sync; a refused sync releases nothing and is
// retried, or with a storage breaker waits for it to close while sockets held too long are closed.
#include "IoTestSupport.hpp"
#include "signalling/DurableSendQueue.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace tccc::server {
namespace {

using test::runUntil;

class RecordingSender : public WsSender {
 public:
  std::vector<std::string> log;  // "id:text" or "id:close:code"
  bool sendText(ConnectionId id, std::string text) override {
    log.push_back(std::to_string(id) + ":" + text);
    return true;
  }
  bool sendBinary(ConnectionId, std::string) override { return true; }
  void close(ConnectionId id, int code, std::string) override {
    log.push_back(std::to_string(id) + ":close:" + std::to_string(code));
  }
};

/// A group commit whose syncs the test completes one at a time, saying what each one covered (the
/// appends counted when it started) or that the disk refused it.
class GatedCommit : public ChatGroupCommit {
 public:
  std::atomic<std::uint64_t> appended{0};
  std::uint64_t accesses = 0;
  std::atomic<int> syncs{0};

  /// A chat message committed, not yet synced, by the input being handled.
  void append() {
    ++appended;
    ++accesses;
  }
  std::uint64_t appendedCount() const override { return appended.load(); }
  std::uint64_t accessCount() const override { return accesses; }
  std::optional<std::uint64_t> syncAppended() override {
    std::unique_lock<std::mutex> lock(mMutex);
    mCv.wait(lock, [&] { return !mResults.empty(); });
    auto result = mResults.front();
    mResults.pop_front();
    ++syncs;
    return result;
  }
  void complete(std::optional<std::uint64_t> covered) {
    std::lock_guard<std::mutex> lock(mMutex);
    mResults.push_back(covered);
    mCv.notify_all();
  }

 private:
  std::mutex mMutex;
  std::condition_variable mCv;
  std::deque<std::optional<std::uint64_t>> mResults;
};

/// A queue with a group commit attached whose syncs the test completes. The queue goes first, while
/// the commit its sync thread may still use exists.
class DurableSendQueueWithCommit : public ::testing::Test {
 protected:
  DurableSendQueueWithCommit() { out.attach(&commit); }
  boost::asio::io_context io;
  RecordingSender sender;
  GatedCommit commit;
  DurableSendQueue out{io, sender};
};

TEST(DurableSendQueue, WithoutPendingAppendsFramesGoStraightOut) {
  boost::asio::io_context io;
  RecordingSender sender;
  DurableSendQueue out(io, sender);
  out.sendText(1, "a");  // no group commit attached
  GatedCommit commit;
  out.attach(&commit);
  out.sendText(2, "b");
  out.close(2, 4001, "bye");
  EXPECT_EQ(sender.log, (std::vector<std::string>{"1:a", "2:b", "2:close:4001"}));
  EXPECT_EQ(out.held(), 0u);
  EXPECT_EQ(commit.syncs.load(), 0);
}

TEST_F(DurableSendQueueWithCommit, FramesOfAnAppendWaitForItsSyncAndKeepTheirOrderPerSocket) {
  commit.append();  // the input touches chat messages, then its frames are flushed
  {
    DurableSendQueue::InputFrames input(out);  // a chat message from socket 1 to socket 2
    out.sendText(1, "ack");
    out.sendText(2, "deliver");
  }
  {
    DurableSendQueue::InputFrames input(out);  // an input that touches no chat message
    out.sendText(3, "other");                  // another socket: straight out
    out.sendText(1, "event");                  // behind socket 1's held ack
  }
  ++commit.accesses;  // a history read, which may list the unsynced message
  {
    DurableSendQueue::InputFrames input(out);
    out.sendText(4, "history");
  }
  commit.append();
  {
    DurableSendQueue::InputFrames input(out);  // a second message
    out.sendText(2, "deliver2");
  }
  EXPECT_EQ(sender.log, (std::vector<std::string>{"3:other"}));
  EXPECT_EQ(out.held(), 5u);
  // The first sync started when only append 1 existed: it releases what waited for that one.
  commit.complete(1);
  ASSERT_TRUE(runUntil(io, [&] { return sender.log.size() == 5; }));
  EXPECT_EQ(sender.log, (std::vector<std::string>{"3:other", "1:ack", "2:deliver", "1:event", "4:history"}));
  // One more sync covers append 2.
  commit.complete(2);
  ASSERT_TRUE(runUntil(io, [&] { return out.held() == 0; }));
  EXPECT_EQ(sender.log.back(), "2:deliver2");
  EXPECT_EQ(commit.syncs.load(), 2);
  out.sendText(2, "later");  // all durable again: straight out
  EXPECT_EQ(sender.log.back(), "2:later");
}

TEST_F(DurableSendQueueWithCommit, ABurstOfAppendsDuringOneSyncNeedsOnlyOneMore) {
  for (int i = 1; i <= 50; ++i) {  // 49 more messages while the first sync is in flight
    commit.append();
    DurableSendQueue::InputFrames input(out);
    out.sendText(1, "m" + std::to_string(i));
  }
  commit.complete(1);   // the sync that started with the first message
  commit.complete(50);  // and the one that covers the other 49
  ASSERT_TRUE(runUntil(io, [&] { return out.held() == 0; }));
  EXPECT_EQ(sender.log.size(), 50u);
  EXPECT_EQ(sender.log.front(), "1:m1");
  EXPECT_EQ(sender.log.back(), "1:m50");
  EXPECT_EQ(commit.syncs.load(), 2);  // not 50
}

TEST_F(DurableSendQueueWithCommit, ARefusedSyncReleasesNothingAndIsRetried) {
  commit.append();
  {
    DurableSendQueue::InputFrames input(out);
    out.sendText(1, "ack");
  }
  commit.complete(std::nullopt);
  ASSERT_TRUE(runUntil(io, [&] { return commit.syncs.load() == 1; }));
  runUntil(
      io, [] { return false; }, std::chrono::milliseconds(30));
  EXPECT_TRUE(sender.log.empty());  // not on disk: not announced
  commit.complete(1);               // the retry, 100 ms later, succeeds
  ASSERT_TRUE(runUntil(io, [&] { return out.held() == 0; }));
  EXPECT_EQ(sender.log, (std::vector<std::string>{"1:ack"}));
}

/// With a storage breaker: a refused sync trips it, nothing is synced again until its probe has
/// closed it, and sockets whose frames wait longer than the hold limit are closed meanwhile.
class DurableSendQueueWithBreaker : public ::testing::Test {
 protected:
  std::int64_t nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  /// A chat message appended by an input whose frames are `frames`: they wait for its sync.
  void appendWithFrames(DurableSendQueue& out, std::initializer_list<std::pair<ConnectionId, const char*>> frames) {
    commit.append();
    DurableSendQueue::InputFrames input(out);
    for (const auto& [id, text] : frames) out.sendText(id, text);
  }

  boost::asio::io_context io;
  RecordingSender sender;
  GatedCommit commit;
  std::atomic<bool> diskBack{false};
  StorageBreaker breaker{io,
                         [this](std::int64_t) {
                           if (!diskBack) throw std::runtime_error("disk I/O error");
                         },
                         [this] { return nowMs(); }, std::chrono::milliseconds(20)};
};

TEST_F(DurableSendQueueWithBreaker, AFailedSyncOpensTheBreakerAndOnlyItsSocketsWaitThenClose) {
  DurableSendQueue out(io, sender, std::chrono::milliseconds(150));
  out.attach(&commit, &breaker);
  appendWithFrames(out, {{1, "ack"}, {2, "deliver"}});
  commit.complete(std::nullopt);  // the fsync fails
  ASSERT_TRUE(runUntil(io, [&] { return breaker.isOpen(); }));
  EXPECT_EQ(breaker.status().source, "chat sync");
  {
    DurableSendQueue::InputFrames input(out);  // the contact center goes on meanwhile
    out.sendText(3, "call event");
  }
  EXPECT_EQ(sender.log, (std::vector<std::string>{"3:call event"}));
  // Held past the limit while the disk still fails: those sockets are closed, their frames dropped.
  ASSERT_TRUE(runUntil(io, [&] { return sender.log.size() == 3; }));
  EXPECT_EQ(sender.log[1].substr(1), ":close:1013");
  EXPECT_EQ(sender.log[2].substr(1), ":close:1013");
  EXPECT_EQ(out.held(), 0u);
  EXPECT_EQ(commit.syncs.load(), 1);  // not tried again while the breaker is open
  out.sendText(1, "after");           // the socket's id no longer waits for anything
  EXPECT_EQ(sender.log.back(), "1:after");
}

TEST_F(DurableSendQueueWithBreaker, OnceTheProbeClosesTheBreakerTheHeldFramesGoOut) {
  DurableSendQueue out(io, sender, std::chrono::seconds(30));  // never closes a socket here
  out.attach(&commit, &breaker);
  appendWithFrames(out, {{1, "ack"}});
  commit.complete(std::nullopt);
  ASSERT_TRUE(runUntil(io, [&] { return breaker.isOpen(); }));
  diskBack = true;     // the next probe succeeds
  commit.complete(1);  // and so does the sync that follows it
  ASSERT_TRUE(runUntil(io, [&] { return out.held() == 0; }));
  EXPECT_EQ(sender.log, (std::vector<std::string>{"1:ack"}));
  EXPECT_FALSE(breaker.isOpen());
  EXPECT_EQ(commit.syncs.load(), 2);
}

// A disk that hangs: the sync neither succeeds nor fails. Its sockets wait (no breaker is open, and
// a slow disk is not a failing one) until something else, DiskWatch, opens the breaker for the
// stall; then they are closed once held too long, as after a refused sync.
TEST_F(DurableSendQueueWithBreaker, AHangingSyncHoldsItsSocketsUntilTheBreakerOpensThenClosesThem) {
  DurableSendQueue out(io, sender, std::chrono::milliseconds(100));
  out.attach(&commit, &breaker);
  appendWithFrames(out, {{1, "ack"}});
  io.run_for(std::chrono::milliseconds(300));
  io.restart();
  EXPECT_TRUE(sender.log.empty());
  EXPECT_EQ(out.held(), 1u);
  breaker.trip("disk watch", "a write has waited 5000 ms for the disk");
  ASSERT_TRUE(runUntil(io, [&] { return !sender.log.empty(); }));
  EXPECT_EQ(sender.log, (std::vector<std::string>{"1:close:1013"}));
  EXPECT_EQ(out.held(), 0u);
  commit.complete(1);  // the disk answers at last; the sync thread is free to stop
}

TEST(DurableSendQueue, DestroyedWhileASyncRunsIsSafe) {
  boost::asio::io_context io;
  RecordingSender sender;
  GatedCommit commit;
  {
    DurableSendQueue out(io, sender);
    out.attach(&commit);
    commit.append();
    DurableSendQueue::InputFrames input(out);
    out.sendText(1, "ack");
    commit.complete(1);  // lets the sync finish while the queue is being destroyed
  }
  io.restart();
  io.run_for(std::chrono::milliseconds(20));  // the sync's completion, if posted, finds nobody
  EXPECT_TRUE(sender.log.empty());
}

}  // namespace
}  // namespace tccc::server
