// SPDX-License-Identifier: Apache-2.0
// The routing engine's knobs: timings, retention, and the chat limits the server applies.
#ifndef TCCC_SERVER_ROUTING_ENGINEOPTIONS_HPP
#define TCCC_SERVER_ROUTING_ENGINEOPTIONS_HPP

#include "../Interfaces.hpp"

#include <cstddef>
#include <cstdint>

namespace tccc::server::routing {

struct EngineOptions {
  int heartbeatMs = 10000;
  std::int64_t graceMs = 60000;            // a dropped agent keeps status and sessions this long
  std::int64_t endedRetentionMs = 300000;  // ended sessions stay in the snapshot this long
  std::int64_t dedupeMs = 600000;          // clientRequestId memory
  int ivrInputTimeoutSec = 15;             // no key within this -> counts as an invalid attempt
  int maxIvrAttempts = 3;                  // invalid/missing keys before ivrEnd
  int internalRingTimeoutSec = 30;
  int outboundNoAnswerSec = 30;
  int ringTimeoutOverrideSec = 0;  // > 0: every skill group rings an agent this long (demos, tests)
  Json iceServers = Json::array();
  bool serverMedia = true;  // simulated far ends get a server media leg (MediaOpenSimulated & co.)
  // Every call's media terminates at the server (MediaAnchor); false: browsers negotiate with each
  // other through the engine's relay (the --media-mode p2p option, or no media plane at all).
  bool anchorMedia = true;
  std::uint64_t seed = 0;      // session-id generator seed; 0 = random
  int utcOffsetMinutes = 480;  // where the day starts (the supervisor's today figures): Beijing time
  // Chat (im) sessions, docs/protocol.md "Chat".
  std::size_t chatMaxChars = 4000;           // characters (code points) per message
  double chatRatePerSec = 2;                 // messages per second per session and side, sustained
  double chatBurst = 10;                     // … and in a burst
  std::int64_t chatMaxMessages = 10000;      // per session
  std::int64_t chatVisitorGraceMs = 120000;  // a visitor whose socket dropped may resume this long
  std::size_t chatPageBytes = 48000;         // message text per chat.history page (frames stay < 64 KiB)
};

/// Housekeeping bounds (not options: they keep memory bounded whatever the load).
inline constexpr std::int64_t kSweepEveryMs = 30000;
inline constexpr std::size_t kQueueScan = 32;  // how far a freed agent looks past calls it already missed
// Ended sessions and ended views are kept for endedRetentionMs, but never more than this many: at
// 1,000 calls/s five minutes of history would otherwise hold a gigabyte.
inline constexpr std::size_t kMaxEndedSessions = 20000;
inline constexpr std::size_t kMaxEndedViewsPerAgent = 50;

}  // namespace tccc::server::routing

#endif
