// SPDX-License-Identifier: Apache-2.0
// The seam for after-call work: an agent's wrap-up of a finished session (a disposition code and
// notes, docs/protocol.md "After-call work and history") and the finished sessions its history
// lists. The platform implements it over the store (push/AfterCallRecords); the routing engine
// checks who may do what and reads through it on the event loop.
#ifndef TCCC_SERVER_AFTERCALL_HPP
#define TCCC_SERVER_AFTERCALL_HPP

#include "Interfaces.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::server {

/// One wrap-up: the latest one of a session replaces the one before.
struct WrapUpRecord {
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::string userId;          // the agent who wrote it
  std::string disposition;     // a code of the Disposition enum (vocabulary.json)
  std::string notes;           // at most 1000 characters, may be empty
  std::int64_t updatedAt = 0;  // Unix seconds
};

/// A finished session as stored: its phone CDR (push form, tccc-facts.md §3.2) or its IM CDR
/// (IMCdrInfo), with its wrap-up merged in as `Disposition` and `AgentNotes` when it has one.
struct FinishedRecord {
  std::string sessionId;
  bool chat = false;
  Json cdr;
};

class AfterCallStore {
 public:
  virtual ~AfterCallStore() = default;
  virtual std::optional<FinishedRecord> findFinished(std::int64_t sdkAppId, std::string_view sessionId) = 0;
  /// Finished sessions that started at or after `sinceSec` and whose record names `userId`,
  /// newest first, at most `limit`: candidates, the caller checks what the agent did in each.
  virtual std::vector<FinishedRecord> listFinished(std::int64_t sdkAppId, std::string_view userId,
                                                   std::int64_t sinceSec, std::size_t limit) = 0;
  virtual std::optional<WrapUpRecord> findWrapUp(std::int64_t sdkAppId, std::string_view sessionId) = 0;
  /// Stores the wrap-up, replacing the session's previous one; an updated CDR push follows when
  /// pushing is configured. false if it could not be stored.
  virtual bool saveWrapUp(const WrapUpRecord& wrapUp) = 0;
};

}  // namespace tccc::server

#endif
