// SPDX-License-Identifier: Apache-2.0
// Synchronous CdrSink over a repository: the CDR and its push job are committed in one transaction
// (synchronous=FULL) before storeCdr returns, then the pusher is woken up. The server itself uses
// CdrWriter (the same records, group-committed on a thread of its own); this one suits tools and
// tests that want the row to exist the moment storeCdr returns.
#ifndef TCCC_SERVER_PUSH_DURABLECDRSINK_HPP
#define TCCC_SERVER_PUSH_DURABLECDRSINK_HPP

#include "Interfaces.hpp"
#include "push/CdrPusher.hpp"
#include "store/Repositories.hpp"

#include <functional>
#include <optional>

namespace tccc::server {

class DurableCdrSink : public CdrSink {
 public:
  /// `pusher` may be null (no push configured): CDRs are then only stored.
  DurableCdrSink(CdrRepository& cdrs, CdrPusher* pusher, std::function<std::int64_t()> clockMs);

  bool storeCdr(std::int64_t sdkAppId, const Json& cdr) override;

  /// The stored form of one CDR (SdkAppId set, a SessionId made up if missing, index columns
  /// filled) and, with `withPush`, its push job. nullopt (logged) when `cdr` is not a JSON object.
  /// The CDR comes out as text (record.cdrText, also the push body); record.cdr stays null.
  static std::optional<CdrBatchItem> prepare(std::int64_t sdkAppId, const Json& cdr, std::int64_t nowMs, bool withPush);

 private:
  CdrRepository& mCdrs;
  CdrPusher* mPusher;
  std::function<std::int64_t()> mClockMs;
};

}  // namespace tccc::server

#endif
