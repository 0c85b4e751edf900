// SPDX-License-Identifier: Apache-2.0
// DurableSendQueue: frames go straight out until a chat append is pending; then everything queued
// waits, in order, for a sync that covers it; appends made while a sync runs take one more sync; a
// refused sync releases nothing and is retried.
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
  std::atomic<int> syncs{0};

  std::uint64_t appendedCount() const override { return appended.load(); }
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

TEST_F(DurableSendQueueWithCommit, FramesAfterAnAppendWaitForItsSyncAndKeepTheirOrder) {
  commit.appended = 1;         // a chat message was committed, not yet synced
  out.sendText(1, "ack");      // its acknowledgement
  out.sendText(2, "deliver");  // its delivery to the agent
  commit.appended = 2;
  out.sendText(3, "other");  // anything after it waits too, even without an append of its own
  out.close(1, 1000, "");
  EXPECT_TRUE(sender.log.empty());
  EXPECT_EQ(out.held(), 4u);
  // The first sync started when only append 1 existed: it releases the first two frames only.
  commit.complete(1);
  ASSERT_TRUE(runUntil(io, [&] { return sender.log.size() == 2; }));
  EXPECT_EQ(sender.log, (std::vector<std::string>{"1:ack", "2:deliver"}));
  // One more sync covers append 2 and everything behind it.
  commit.complete(2);
  ASSERT_TRUE(runUntil(io, [&] { return out.held() == 0; }));
  EXPECT_EQ(sender.log, (std::vector<std::string>{"1:ack", "2:deliver", "3:other", "1:close:1000"}));
  EXPECT_EQ(commit.syncs.load(), 2);
  out.sendText(4, "later");  // all durable again: straight out
  EXPECT_EQ(sender.log.back(), "4:later");
}

TEST_F(DurableSendQueueWithCommit, ABurstOfAppendsDuringOneSyncNeedsOnlyOneMore) {
  commit.appended = 1;
  out.sendText(1, "m1");
  for (int i = 2; i <= 50; ++i) {  // 49 more messages while the first sync is in flight
    commit.appended = static_cast<std::uint64_t>(i);
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
  commit.appended = 1;
  out.sendText(1, "ack");
  commit.complete(std::nullopt);
  ASSERT_TRUE(runUntil(io, [&] { return commit.syncs.load() == 1; }));
  runUntil(
      io, [] { return false; }, std::chrono::milliseconds(30));
  EXPECT_TRUE(sender.log.empty());  // not on disk: not announced
  commit.complete(1);               // the retry, 100 ms later, succeeds
  ASSERT_TRUE(runUntil(io, [&] { return out.held() == 0; }));
  EXPECT_EQ(sender.log, (std::vector<std::string>{"1:ack"}));
}

TEST(DurableSendQueue, DestroyedWhileASyncRunsIsSafe) {
  boost::asio::io_context io;
  RecordingSender sender;
  GatedCommit commit;
  {
    DurableSendQueue out(io, sender);
    out.attach(&commit);
    commit.appended = 1;
    out.sendText(1, "ack");
    commit.complete(1);  // lets the sync finish while the queue is being destroyed
  }
  io.restart();
  io.run_for(std::chrono::milliseconds(20));  // the sync's completion, if posted, finds nobody
  EXPECT_TRUE(sender.log.empty());
}

}  // namespace
}  // namespace tccc::server
