// SPDX-License-Identifier: Apache-2.0
// CdrSink over the store: the CDR and its push job are committed in one transaction (synchronous=
// FULL) before storeCdr returns, then the pusher is woken up.
#ifndef TCCC_SERVER_PUSH_DURABLECDRSINK_HPP
#define TCCC_SERVER_PUSH_DURABLECDRSINK_HPP

#include "Interfaces.hpp"
#include "push/CdrPusher.hpp"
#include "store/Repositories.hpp"

#include <functional>

namespace tccc::server {

class DurableCdrSink : public CdrSink {
 public:
  /// `pusher` may be null (no push configured): CDRs are then only stored.
  DurableCdrSink(CdrRepository& cdrs, CdrPusher* pusher, std::function<std::int64_t()> clockMs);

  bool storeCdr(std::int64_t sdkAppId, const Json& cdr) override;

 private:
  CdrRepository& mCdrs;
  CdrPusher* mPusher;
  std::function<std::int64_t()> mClockMs;
};

}  // namespace tccc::server

#endif
