// SPDX-License-Identifier: Apache-2.0
#include "push/DurableCdrSink.hpp"

#include "random/SecureRandom.hpp"

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
  // Stored (and pushed) as JSON text made here, once: the io thread neither deep-copies the CDR
  // nor frees the copy later, and the writer thread binds the text instead of serialising it.
  auto sessionId = cdr.find("SessionId");
  auto appId = cdr.find("SdkAppId");
  const bool hasSessionId =
      sessionId != cdr.end() && sessionId->is_string() && !sessionId->get_ref<const std::string&>().empty();
  if (hasSessionId && appId != cdr.end() && appId->is_number_integer() && appId->get<std::int64_t>() == sdkAppId) {
    record.sessionId = sessionId->get<std::string>();
    record.cdrText = protocol::dump(cdr);  // as the contact center made it: nothing to add
  } else {
    Json copy = cdr;
    copy["SdkAppId"] = sdkAppId;
    if (hasSessionId) {
      record.sessionId = sessionId->get<std::string>();
    } else {
      // Keep the record rather than lose a call; the generated id says where it came from.
      record.sessionId = "cdr-" + SecureRandom::uuid();
      copy["SessionId"] = record.sessionId;
      spdlog::warn("storeCdr: CDR without SessionId for app {}; stored as {}", sdkAppId, record.sessionId);
    }
    record.cdrText = protocol::dump(copy);
  }
  auto start = cdr.find("StartTimestamp");
  record.startTimestamp = start != cdr.end() && start->is_number_integer() ? start->get<std::int64_t>() : nowMs / 1000;
  if (auto caller = cdr.find("Caller"); caller != cdr.end() && caller->is_string())
    record.caller = caller->get<std::string>();
  if (auto callee = cdr.find("Callee"); callee != cdr.end() && callee->is_string())
    record.callee = callee->get<std::string>();
  record.storedAt = nowMs / 1000;

  if (withPush) {
    PushJob job;
    job.sdkAppId = sdkAppId;
    job.kind = "cdr";
    job.uuid = SecureRandom::uuid();
    job.body = record.cdrText;
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
