// SPDX-License-Identifier: Apache-2.0
#include "routing/MediaWsTokens.hpp"

#include "random/SecureRandom.hpp"

#include <algorithm>

namespace tccc::server::routing {

MediaWsTokens::MediaWsTokens(std::size_t capacity, std::function<std::string()> newToken)
    : mCapacity(std::max<std::size_t>(1, capacity)), mNewToken(std::move(newToken)) {
  if (!mNewToken) mNewToken = [] { return "mw-" + SecureRandom::hex(16); };
}

void MediaWsTokens::sweep(std::int64_t nowMs, std::size_t room) {
  while (!mOrder.empty()) {
    auto it = mByToken.find(mOrder.front());
    const bool used = it == mByToken.end();
    // Issue order is expiry order (one lifetime for all), so the front is the first to go.
    if (!used && it->second.expiresMs > nowMs && mByToken.size() + room <= mCapacity) break;
    if (!used) mByToken.erase(it);
    mOrder.pop_front();
  }
  // Used tokens leave their queue entry behind; once they outnumber the live ones, one pass drops
  // them (paid for by the redeems that made them).
  if (mOrder.size() > 2 * mByToken.size() + 64)
    mOrder.erase(
        std::remove_if(mOrder.begin(), mOrder.end(), [this](const std::string& t) { return !mByToken.count(t); }),
        mOrder.end());
}

std::string MediaWsTokens::issue(Grant grant, std::int64_t nowMs) {
  sweep(nowMs, 1);
  std::string token = mNewToken();
  mByToken[token] = Entry{std::move(grant), nowMs + kLifetimeMs};
  mOrder.push_back(token);
  return token;
}

std::optional<MediaWsTokens::Grant> MediaWsTokens::redeem(std::string_view token, std::int64_t nowMs) {
  sweep(nowMs, 0);
  auto it = mByToken.find(std::string(token));
  if (it == mByToken.end() || it->second.expiresMs <= nowMs) return std::nullopt;
  Grant grant = std::move(it->second.grant);
  mByToken.erase(it);
  return grant;
}

}  // namespace tccc::server::routing
