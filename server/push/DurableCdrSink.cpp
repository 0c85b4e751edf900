// SPDX-License-Identifier: Apache-2.0
#include "push/DurableCdrSink.hpp"

#include "store/SecureRandom.hpp"

#include <spdlog/spdlog.h>

namespace tccc::server {

DurableCdrSink::DurableCdrSink(CdrRepository& cdrs, CdrPusher* pusher, std::function<std::int64_t()> clockMs)
    : mCdrs(cdrs), mPusher(pusher), mClockMs(std::move(clockMs)) {}

std::optional<CdrBatchItem> DurableCdrSink::prepare(std::int64_t sdkAppId, const Json& cdr, std::int64_t nowMs,
                                                    bool withPush) {
  if (!cdr.is_object()) {
    spdlog::error("storeCdr: the CDR for app {} is not a JSON object; not stored", sdkAppId);
    return std::nullopt;
  }
  CdrBatchItem item;
  CdrRecord& record = item.record;
  record.sdkAppId = sdkAppId;
  record.cdr = cdr;
  record.cdr["SdkAppId"] = sdkAppId;
  if (cdr.contains("SessionId") && cdr["SessionId"].is_string() && !cdr["SessionId"].get<std::string>().empty()) {
    record.sessionId = cdr["SessionId"].get<std::string>();
  } else {
    // Keep the record rather than lose a call; the generated id says where it came from.
    record.sessionId = "cdr-" + SecureRandom::uuid();
    record.cdr["SessionId"] = record.sessionId;
    spdlog::warn("storeCdr: CDR without SessionId for app {}; stored as {}", sdkAppId, record.sessionId);
  }
  record.startTimestamp = cdr.contains("StartTimestamp") && cdr["StartTimestamp"].is_number_integer()
                              ? cdr["StartTimestamp"].get<std::int64_t>()
                              : nowMs / 1000;
  if (cdr.contains("Caller") && cdr["Caller"].is_string()) record.caller = cdr["Caller"];
  if (cdr.contains("Callee") && cdr["Callee"].is_string()) record.callee = cdr["Callee"];
  record.storedAt = nowMs / 1000;

  if (withPush) {
    PushJob job;
    job.sdkAppId = sdkAppId;
    job.kind = "cdr";
    job.uuid = SecureRandom::uuid();
    job.body = protocol::dump(record.cdr);
    job.nextAttemptAtMs = nowMs;
    item.push = std::move(job);
  }
  return item;
}

bool DurableCdrSink::storeCdr(std::int64_t sdkAppId, const Json& cdr) {
  try {
    auto item = prepare(sdkAppId, cdr, mClockMs(), mPusher && mPusher->enabled());
    if (!item) return false;
    mCdrs.storeCdr(item->record, item->push);
    if (item->push) mPusher->kick();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("storeCdr: cannot store the CDR for app {}: {}", sdkAppId, e.what());
    return false;
  }
}

}  // namespace tccc::server
