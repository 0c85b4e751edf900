// SPDX-License-Identifier: Apache-2.0
// Who is signed in to the operator console (web/console/). An operator gets in through a one-time
// link, printed by the server at start-up or by `--console-link`, and leaves with a session cookie
// scoped to one tenant. Neither the link nor the session token is kept in clear: links in the
// database (so another process may issue them), sessions in memory (a restart signs everyone out).
#ifndef TCCC_SERVER_CONSOLE_CONSOLESESSIONS_HPP
#define TCCC_SERVER_CONSOLE_CONSOLESESSIONS_HPP

#include "store/Repositories.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tccc::server {

struct ConsoleSessionOptions {
  std::int64_t idleMs = 2 * 3600 * 1000;       // signed out after this long without a request
  std::int64_t lifetimeMs = 12 * 3600 * 1000;  // and after this long in any case: about a working day
  std::size_t maxSessions = 1000;              // the oldest goes when a new one would pass this
};

class ConsoleSessions {
 public:
  static constexpr std::int64_t kLinkTtlSec = 24 * 3600;
  static constexpr std::size_t kTokenLength = 43;  // alphanumeric: 256 bits

  ConsoleSessions(ConsoleLinkRepository& links, ConsoleSessionOptions options = {})
      : mLinks(links), mOptions(options) {}

  /// A new one-time link's token for `sdkAppId`; only its digest is stored.
  static std::string issueLink(ConsoleLinkRepository& links, std::int64_t sdkAppId, std::int64_t nowSec,
                               std::int64_t ttlSec = kLinkTtlSec);

  struct SignIn {
    ConsoleLinkUse::Outcome outcome = ConsoleLinkUse::Outcome::Unknown;
    std::string sessionToken;  // set when SignedIn: the cookie's value
    std::int64_t sdkAppId = 0;
    std::int64_t expiresAtMs = 0;
  };
  /// Uses up `link` and opens a session for its tenant.
  SignIn signIn(std::string_view link, std::int64_t nowMs);

  struct Session {
    std::int64_t sdkAppId = 0;
    std::int64_t expiresAtMs = 0;  // when it ends unless used again (idle), never past its lifetime
  };
  /// The session `token` names, if it is still open; using it keeps it open.
  std::optional<Session> find(std::string_view token, std::int64_t nowMs);
  void signOut(std::string_view token);
  std::size_t size() const { return mSessions.size(); }
  /// How long a session may last at most: the cookie's Max-Age.
  std::int64_t lifetimeMs() const { return mOptions.lifetimeMs; }

 private:
  struct Entry {
    std::int64_t sdkAppId = 0;
    std::int64_t openedMs = 0;
    std::int64_t lastUsedMs = 0;
  };
  std::int64_t expiry(const Entry& entry) const;
  void dropExpired(std::int64_t nowMs);

  ConsoleLinkRepository& mLinks;
  ConsoleSessionOptions mOptions;
  std::unordered_map<std::string, Entry> mSessions;  // by the token's digest
};

}  // namespace tccc::server

#endif
