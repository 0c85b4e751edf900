// SPDX-License-Identifier: Apache-2.0
// The tickets of the audio WebSocket (media.ws → /ws/media?token=…, docs/protocol.md "Media over
// the WebSocket"): a token is single use, valid 30 s, and bound to the tenant, the agent and the
// session it was issued for. The store is bounded: when it is full the oldest ticket goes, so a
// flood of media.ws requests costs a fixed amount of memory (and only spoils the flooder's own
// oldest tickets, which nobody else can redeem). Sans-I/O: the caller gives the time and, in
// tests, the token source.
#ifndef TCCC_SERVER_ROUTING_MEDIAWSTOKENS_HPP
#define TCCC_SERVER_ROUTING_MEDIAWSTOKENS_HPP

#include "protocol/Vocabulary.generated.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tccc::server::routing {

/// A redeemed ticket whose call still stands: `participant` is on `sessionId`'s media side `side`
/// (media::Side's values: 1 the agent's side; 0 the far side, the callee of an internal call).
struct MediaWsClaim {
  std::string sessionId;
  std::string participant;  // the agent's user id
  std::uint8_t side = 1;
};

/// A redeemed supervisor's ticket (CallMonitor) whose supervisor is still on the call.
struct MonitorClaim {
  std::string sessionId;
  protocol::MonitorMode mode = protocol::MonitorMode::Listen;
  std::string supervisor;  // its user id
};

class MediaWsTokens {
 public:
  /// What a token lets its bearer do: be `userId` of tenant `sdkAppId` on `sessionId`'s audio.
  struct Grant {
    std::int64_t sdkAppId = 0;
    std::string userId;
    std::string sessionId;
  };
  static constexpr std::int64_t kLifetimeMs = 30000;
  static constexpr std::size_t kDefaultCapacity = 4096;

  /// `newToken` makes unpredictable tokens (default: 128 random bits, hex).
  explicit MediaWsTokens(std::size_t capacity = kDefaultCapacity, std::function<std::string()> newToken = {});

  std::string issue(Grant grant, std::int64_t nowMs);
  /// The grant of a valid token, which is used up; nullopt for an unknown, used or expired one.
  std::optional<Grant> redeem(std::string_view token, std::int64_t nowMs);

  /// Tokens that could still be redeemed (or have expired and not been swept yet).
  std::size_t size() const { return mByToken.size(); }
  /// Entries of the issue-order queue (live plus used ones not swept yet): stays within a small
  /// multiple of the capacity.
  std::size_t queued() const { return mOrder.size(); }

 private:
  struct Entry {
    Grant grant;
    std::int64_t expiresMs;
  };
  /// Forgets expired tokens (oldest first) and, while over capacity, the oldest live ones.
  void sweep(std::int64_t nowMs, std::size_t room);

  std::size_t mCapacity;
  std::function<std::string()> mNewToken;
  std::unordered_map<std::string, Entry> mByToken;
  std::deque<std::string> mOrder;  // tokens in issue order; a used one stays until swept
};

}  // namespace tccc::server::routing

#endif
