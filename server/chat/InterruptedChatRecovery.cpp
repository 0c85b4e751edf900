// SPDX-License-Identifier: Apache-2.0
#include "chat/InterruptedChatRecovery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tccc::server {

ImCdrRecord InterruptedChatRecovery::close(const LiveChatRecord& entry, std::int64_t aliveAtMs) {
  // The chat was alive at least until its last stored message, its entry's write and the server's
  // last liveness mark, whichever is latest; never before it started.
  const std::int64_t lastSeenMs = std::max({aliveAtMs, entry.journaledAtMs, entry.lastMessageMs});
  const std::int64_t endSec = std::max(lastSeenMs / 1000, entry.soFar.startTimestamp);
  ImCdrRecord cdr = entry.soFar;
  if (!cdr.cdr.is_object()) cdr.cdr = Json::object();
  cdr.cdr["Id"] = cdr.sessionId;
  cdr.cdr["SessionId"] = cdr.sessionId;
  cdr.cdr["Timestamp"] = cdr.startTimestamp;
  cdr.cdr["Duration"] = entry.acceptedSec ? std::max<std::int64_t>(0, endSec - entry.acceptedSec) : 0;
  cdr.cdr["EndStatus"] = kEndStatus;
  return cdr;
}

std::int64_t InterruptedChatRecovery::run(std::int64_t aliveAtMs) { return run(mJournal.listLiveChats(), aliveAtMs); }

std::int64_t InterruptedChatRecovery::run(const std::vector<LiveChatRecord>& entries, std::int64_t aliveAtMs) {
  if (entries.empty()) return 0;
  std::vector<ImCdrRecord> cdrs;
  cdrs.reserve(entries.size());
  for (const auto& entry : entries) {
    cdrs.push_back(close(entry, aliveAtMs));
    spdlog::warn("chat {} (app {}) was live when the server stopped: its IM CDR ends with EndStatus {}",
                 entry.soFar.sessionId, entry.soFar.sdkAppId, kEndStatus);
  }
  mJournal.closeLiveChats(cdrs);
  return static_cast<std::int64_t>(cdrs.size());
}

}  // namespace tccc::server
