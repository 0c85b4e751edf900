// SPDX-License-Identifier: Apache-2.0
// The server's AfterCallStore: wrap-ups and history over SqliteStore, and the CDR push a wrap-up
// causes. A wrap-up is written at once (on the event loop: one small transaction per save, at a
// person's pace). Its push is the session's whole CDR again, same SessionId, with `Disposition` and
// `AgentNotes` (a new X-TCCC-PUSH-UUID: a receiver keeps the latest per SessionId). It is queued
// once the CDR writer has stored the CDRs handed to it so far, so a wrap-up saved moments after the
// hang-up still finds its CDR. Chats have no CDR push; their wrap-up is read by DescribeIMCdrs.
#ifndef TCCC_SERVER_PUSH_AFTERCALLRECORDS_HPP
#define TCCC_SERVER_PUSH_AFTERCALLRECORDS_HPP

#include "AfterCall.hpp"

#include <functional>
#include <memory>

namespace tccc::server {

class CdrPusher;
class SqliteStore;

class AfterCallRecords : public AfterCallStore {
 public:
  /// Runs its argument once the CDRs handed to the CDR writer so far are stored (or at once).
  using AfterCdrsFlushed = std::function<void(std::function<void()>)>;

  AfterCallRecords(SqliteStore& store, CdrPusher* pusher, AfterCdrsFlushed afterCdrsFlushed,
                   std::function<std::int64_t()> clockMs);
  ~AfterCallRecords() override;

  std::optional<FinishedRecord> findFinished(std::int64_t sdkAppId, std::string_view sessionId) override;
  std::vector<FinishedRecord> listFinished(std::int64_t sdkAppId, std::string_view userId, std::int64_t sinceSec,
                                           std::size_t limit) override;
  std::optional<WrapUpRecord> findWrapUp(std::int64_t sdkAppId, std::string_view sessionId) override;
  bool saveWrapUp(const WrapUpRecord& wrapUp) override;

 private:
  void pushUpdate(std::int64_t sdkAppId, const std::string& sessionId);

  SqliteStore& mStore;
  CdrPusher* mPusher;
  AfterCdrsFlushed mAfterCdrsFlushed;
  std::function<std::int64_t()> mClockMs;
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);  // callbacks outliving this do nothing
};

}  // namespace tccc::server

#endif
