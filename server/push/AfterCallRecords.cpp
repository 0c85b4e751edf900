// SPDX-License-Identifier: Apache-2.0
#include "push/AfterCallRecords.hpp"

#include "push/CdrPusher.hpp"
#include "random/SecureRandom.hpp"
#include "store/SqliteStore.hpp"

#include <spdlog/spdlog.h>

namespace tccc::server {

AfterCallRecords::AfterCallRecords(SqliteStore& store, CdrPusher* pusher, AfterCdrsFlushed afterCdrsFlushed,
                                   std::function<std::int64_t()> clockMs)
    : mStore(store), mPusher(pusher), mAfterCdrsFlushed(std::move(afterCdrsFlushed)), mClockMs(std::move(clockMs)) {}

AfterCallRecords::~AfterCallRecords() { *mAlive = false; }

std::optional<FinishedRecord> AfterCallRecords::findFinished(std::int64_t sdkAppId, std::string_view sessionId) {
  return mStore.findFinished(sdkAppId, sessionId);
}

std::vector<FinishedRecord> AfterCallRecords::listFinished(std::int64_t sdkAppId, std::string_view userId,
                                                           std::int64_t sinceSec, std::size_t limit) {
  return mStore.listFinished(sdkAppId, userId, sinceSec, limit);
}

std::optional<WrapUpRecord> AfterCallRecords::findWrapUp(std::int64_t sdkAppId, std::string_view sessionId) {
  return mStore.findWrapUp(sdkAppId, sessionId);
}

bool AfterCallRecords::saveWrapUp(const WrapUpRecord& wrapUp) {
  try {
    mStore.upsertWrapUp(wrapUp);
  } catch (const std::exception& e) {
    spdlog::error("wrap-up of {} (app {}) not stored: {}", wrapUp.sessionId, wrapUp.sdkAppId, e.what());
    return false;
  }
  if (!mPusher || !mPusher->enabled()) return true;
  auto push = [this, alive = std::weak_ptr<bool>(mAlive), app = wrapUp.sdkAppId, id = wrapUp.sessionId] {
    if (auto live = alive.lock(); live && *live) pushUpdate(app, id);
  };
  if (mAfterCdrsFlushed)
    mAfterCdrsFlushed(std::move(push));
  else
    push();
  return true;
}

void AfterCallRecords::pushUpdate(std::int64_t sdkAppId, const std::string& sessionId) {
  try {
    auto record = mStore.findCdr(sdkAppId, sessionId);  // with the latest wrap-up merged in
    if (!record) return;                                // a chat, or a CDR the writer could not store: nothing to push
    PushJob job;
    job.sdkAppId = sdkAppId;
    job.kind = "cdr";
    job.uuid = SecureRandom::uuid();
    job.body = protocol::dump(record->cdr);
    job.nextAttemptAtMs = mClockMs();
    mStore.queuePush(job);
    mPusher->kick();
  } catch (const std::exception& e) {
    spdlog::error("wrap-up push of {} (app {}) not queued: {}", sessionId, sdkAppId, e.what());
  }
}

}  // namespace tccc::server
