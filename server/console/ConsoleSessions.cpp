// SPDX-License-Identifier: Apache-2.0
#include "console/ConsoleSessions.hpp"

#include "random/SecureRandom.hpp"
#include "random/TokenDigest.hpp"

#include <algorithm>
#include <cctype>

namespace tccc::server {

namespace {

// Anything else cannot be a token we issued: refused before it reaches the database.
bool plausibleToken(std::string_view token) {
  return token.size() == ConsoleSessions::kTokenLength &&
         std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isalnum(c); });
}

}  // namespace

std::string ConsoleSessions::issueLink(ConsoleLinkRepository& links, std::int64_t sdkAppId, std::int64_t nowSec,
                                       std::int64_t ttlSec) {
  links.purgeConsoleLinks(nowSec);
  std::string token = SecureRandom::alphanumeric(kTokenLength);
  links.insertConsoleLink(TokenDigest::of(token), sdkAppId, nowSec, nowSec + ttlSec);
  return token;
}

ConsoleSessions::SignIn ConsoleSessions::signIn(std::string_view link, std::int64_t nowMs) {
  SignIn out;
  if (!plausibleToken(link)) return out;
  const ConsoleLinkUse use = mLinks.useConsoleLink(TokenDigest::of(link), nowMs / 1000);
  out.outcome = use.outcome;
  if (use.outcome != ConsoleLinkUse::Outcome::SignedIn) return out;

  dropExpired(nowMs);
  if (mSessions.size() >= mOptions.maxSessions) {
    auto oldest = std::min_element(mSessions.begin(), mSessions.end(), [](const auto& a, const auto& b) {
      return a.second.lastUsedMs < b.second.lastUsedMs;
    });
    mSessions.erase(oldest);
  }
  out.sessionToken = SecureRandom::alphanumeric(kTokenLength);
  Entry entry{use.sdkAppId, nowMs, nowMs};
  mSessions[TokenDigest::of(out.sessionToken)] = entry;
  out.sdkAppId = use.sdkAppId;
  out.expiresAtMs = expiry(entry);
  return out;
}

std::optional<ConsoleSessions::Session> ConsoleSessions::find(std::string_view token, std::int64_t nowMs) {
  if (!plausibleToken(token)) return std::nullopt;
  auto it = mSessions.find(TokenDigest::of(token));
  if (it == mSessions.end()) return std::nullopt;
  if (nowMs >= expiry(it->second)) {
    mSessions.erase(it);
    return std::nullopt;
  }
  it->second.lastUsedMs = nowMs;
  return Session{it->second.sdkAppId, expiry(it->second)};
}

void ConsoleSessions::signOut(std::string_view token) {
  if (plausibleToken(token)) mSessions.erase(TokenDigest::of(token));
}

std::int64_t ConsoleSessions::expiry(const Entry& entry) const {
  return std::min(entry.lastUsedMs + mOptions.idleMs, entry.openedMs + mOptions.lifetimeMs);
}

void ConsoleSessions::dropExpired(std::int64_t nowMs) {
  for (auto it = mSessions.begin(); it != mSessions.end();)
    it = nowMs >= expiry(it->second) ? mSessions.erase(it) : std::next(it);
}

}  // namespace tccc::server
