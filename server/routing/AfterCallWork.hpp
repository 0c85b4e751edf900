// SPDX-License-Identifier: Apache-2.0
// After-call work and history (docs/protocol.md "After-call work and history"): `session.wrapUp`
// files a disposition code and notes with a finished session's CDR; `agent.history` lists the
// sessions an agent had since a moment (the page's midnight). Both read the session's record:
// the engine's own while it keeps the session (SessionTable, a few minutes after its end), the
// store's (AfterCallStore) after that, so a wrap-up never waits for the CDR writer.
#ifndef TCCC_SERVER_ROUTING_AFTERCALLWORK_HPP
#define TCCC_SERVER_ROUTING_AFTERCALLWORK_HPP

#include "../AfterCall.hpp"
#include "routing/Agent.hpp"
#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"

#include <optional>

namespace tccc::server::routing {

/// A wrap-up is accepted this long after its session ended.
inline constexpr std::int64_t kWrapUpWindowSec = 24 * 3600;
/// How far back `agent.history` reaches, whatever `since` says, and how far by default.
inline constexpr std::int64_t kHistoryMaxBackMs = 48LL * 3600 * 1000;
inline constexpr std::int64_t kHistoryDefaultBackMs = 24LL * 3600 * 1000;
inline constexpr std::int64_t kHistoryDefaultLimit = 100;

/// What one agent did in one finished session, from its record (FinishedRecord::cdr): the history
/// row of `agent.history` ({sessionId, type, direction, peer, startedAt, duration, outcome,
/// disposition?, notes?}), or nullopt when the record does not show this agent in it.
std::optional<Json> historyRow(const FinishedRecord& record, std::string_view userId);
/// When the session ended (Unix seconds), 0 if the record does not say.
std::int64_t endedAtSec(const FinishedRecord& record);

class AfterCallWork {
 public:
  explicit AfterCallWork(RoutingContext& c) : c(c) {}
  void setStore(AfterCallStore* store) { mStore = store; }

  Result wrapUp(Agent& agent, const Json& data, std::int64_t nowMs);
  Result history(Agent& agent, const Json& data, std::int64_t nowMs);

 private:
  /// The session's record: the engine's while it keeps the session, else the store's.
  std::optional<FinishedRecord> record(std::int64_t sdkAppId, const std::string& sessionId, bool& live);

  RoutingContext& c;
  AfterCallStore* mStore = nullptr;
};

}  // namespace tccc::server::routing

#endif
