// SPDX-License-Identifier: Apache-2.0
#include "push/InterruptedCallRecovery.hpp"

#include "push/DurableCdrSink.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tccc::server {

namespace {

std::int64_t intField(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

Json InterruptedCallRecovery::closeCdr(Json cdr, std::int64_t endSec) {
  const std::int64_t end = std::max(endSec, intField(cdr, "StartTimestamp"));
  const std::int64_t accepted = intField(cdr, "AcceptTimestamp");
  cdr["EndedTimestamp"] = end;
  cdr["Duration"] = accepted ? std::max<std::int64_t>(0, end - accepted) : 0;
  cdr["EndStatusString"] = kEndStatus;
  cdr["HungUpSide"] = "";
  // A leg is open when CdrBuilder found it not ended (EndedTimestamp 0): it ended with the call.
  auto legs = cdr.find("ServeParticipants");
  if (legs != cdr.end() && legs->is_array())
    for (auto& leg : *legs) {
      if (!leg.is_object() || intField(leg, "EndedTimestamp") != 0) continue;
      leg["EndedTimestamp"] = std::max(end, intField(leg, "StartTimestamp"));
      leg["EndStatusString"] = kEndStatus;
    }
  return cdr;
}

std::int64_t InterruptedCallRecovery::run(std::int64_t nowMs) {
  auto rows = mJournal.listLiveCalls();
  if (rows.empty()) return 0;
  const std::int64_t aliveAtMs = mJournal.lastAliveAtMs().value_or(0);
  std::vector<CdrBatchItem> cdrs;
  cdrs.reserve(rows.size());
  for (auto& row : rows) {
    // The server was alive at least until the later of its last mark and this row's write.
    const std::int64_t endSec = std::max(aliveAtMs, row.journaledAtMs) / 1000;
    Json soFar = Json::parse(row.cdrText, nullptr, false);
    if (!soFar.is_object()) {
      // Unreadable (should not happen): still a CDR, with what is known, rather than a lost call.
      spdlog::error("live-call journal: unreadable CDR for session {}: {}", row.sessionId, row.cdrText);
      soFar = Json{{"SessionId", row.sessionId}, {"SdkAppId", row.sdkAppId}, {"StartTimestamp", endSec}};
    }
    Json cdr = closeCdr(std::move(soFar), endSec);
    // Keyed by the row: the journal row is deleted by this session id.
    cdr["SessionId"] = row.sessionId;
    cdr["SdkAppId"] = row.sdkAppId;
    auto item = DurableCdrSink::prepare(row.sdkAppId, cdr, nowMs, mWithPush);
    if (!item) continue;
    spdlog::warn("session {} (app {}) was live when the server stopped: its CDR ends at {} with \"{}\"", row.sessionId,
                 row.sdkAppId, cdr["EndedTimestamp"].get<std::int64_t>(), kEndStatus);
    cdrs.push_back(std::move(*item));
  }
  mJournal.closeLiveCalls(cdrs);
  return static_cast<std::int64_t>(cdrs.size());
}

}  // namespace tccc::server
