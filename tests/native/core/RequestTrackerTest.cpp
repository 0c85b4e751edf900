// SPDX-License-Identifier: Apache-2.0
#include "core/RequestTracker.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

PendingRequest request(std::int64_t id, std::int64_t deadline, std::uint32_t handle = 1) {
  PendingRequest r;
  r.id = id;
  r.deadlineMs = deadline;
  r.handle = handle;
  r.method = "m" + std::to_string(id);
  return r;
}

TEST(RequestTracker, IdsCountUpFromOne) {
  RequestTracker tracker;
  EXPECT_EQ(tracker.nextId(), 1);
  EXPECT_EQ(tracker.nextId(), 2);
  EXPECT_EQ(tracker.nextId(), 3);
}

TEST(RequestTracker, WrapsFromTheMaximumToOneAndSkipsIdsInUse) {
  RequestTracker tracker;
  tracker.add(request(tracker.nextId(), 100));  // 1
  tracker.add(request(tracker.nextId(), 100));  // 2
  // Continue the same sequence near the top of the range with ids 1 and 2 still pending.
  RequestTracker high(RequestTracker::kMaxId - 2);
  high.add(request(1, 100));
  high.add(request(2, 100));
  EXPECT_EQ(high.nextId(), RequestTracker::kMaxId - 1);
  high.add(request(RequestTracker::kMaxId, 100));
  EXPECT_EQ(high.nextId(), 3);  // skipped kMaxId (pending), wrapped, skipped 1 and 2
  EXPECT_TRUE(high.take(RequestTracker::kMaxId));
  EXPECT_TRUE(high.take(1));
  RequestTracker again(RequestTracker::kMaxId);
  EXPECT_EQ(again.nextId(), 1);  // never 0, never above 2^31-1
  EXPECT_EQ(tracker.nextId(), 3);
}

TEST(RequestTracker, TakeMatchesByIdOnce) {
  RequestTracker tracker;
  tracker.add(request(7, 100, 3));
  EXPECT_TRUE(tracker.contains(7));
  auto taken = tracker.take(7);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->handle, 3u);
  EXPECT_EQ(taken->method, "m7");
  EXPECT_FALSE(tracker.take(7));
  EXPECT_FALSE(tracker.take(8));
  EXPECT_EQ(tracker.size(), 0u);
}

TEST(RequestTracker, ExpireTakesEverythingDueInOrderAndLeavesTheRest) {
  RequestTracker tracker;
  tracker.add(request(1, 300));
  tracker.add(request(2, 100));
  tracker.add(request(3, 200));
  tracker.add(request(4, 100));
  EXPECT_EQ(tracker.nextDeadline(), std::optional<std::int64_t>(100));
  EXPECT_TRUE(tracker.expire(99).empty());
  auto due = tracker.expire(200);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].id, 2);
  EXPECT_EQ(due[1].id, 3);
  EXPECT_EQ(due[2].id, 4);
  EXPECT_EQ(tracker.nextDeadline(), std::optional<std::int64_t>(300));
  EXPECT_EQ(tracker.size(), 1u);
}

TEST(RequestTracker, TakeAllEmptiesTheTracker) {
  RequestTracker tracker;
  tracker.add(request(1, 300));
  tracker.add(request(2, 100));
  auto all = tracker.takeAll();
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(tracker.size(), 0u);
  EXPECT_EQ(tracker.nextDeadline(), std::nullopt);
  EXPECT_TRUE(tracker.takeAll().empty());
}

}  // namespace
}  // namespace tccc::core
