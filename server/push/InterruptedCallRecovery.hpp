// SPDX-License-Identifier: Apache-2.0
// At start-up, before any call is taken: every phone call the live-call journal still holds was
// live when the server last stopped without ending it (SIGKILL, crash, power cut). Each becomes its
// CDR, ended when the server was last known alive, with EndStatusString "error", stored and queued
// for push like any other CDR, and its journal row deleted in the same transaction
// (docs/reliability.md, "Server crash: live calls").
#ifndef TCCC_SERVER_PUSH_INTERRUPTEDCALLRECOVERY_HPP
#define TCCC_SERVER_PUSH_INTERRUPTEDCALLRECOVERY_HPP

#include "Interfaces.hpp"
#include "store/Repositories.hpp"

#include <cstdint>
#include <string_view>

namespace tccc::server {

class InterruptedCallRecovery {
 public:
  /// The CDR's EndStatusString (and the open legs'): TCCC's "error" (TelCdrInfo EndStatus 0), the
  /// one status of its list for a failure of the platform rather than of either party. Nobody hung
  /// up, so HungUpSide is "".
  static constexpr std::string_view kEndStatus = "error";

  /// `withPush`: the pusher is configured, so each CDR also gets its push job.
  InterruptedCallRecovery(LiveCallJournalRepository& journal, bool withPush) : mJournal(journal), mWithPush(withPush) {}

  /// Recovers every row, every tenant's, in one transaction. Returns how many CDRs it made.
  std::int64_t run(std::int64_t nowMs);

  /// A journaled CDR so far, ended at `endSec` (Unix seconds; never before it started): the call's
  /// end, duration and status, and those of the legs still open.
  static Json closeCdr(Json cdrSoFar, std::int64_t endSec);

 private:
  LiveCallJournalRepository& mJournal;
  bool mWithPush;
};

}  // namespace tccc::server

#endif
