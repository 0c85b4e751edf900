// SPDX-License-Identifier: Apache-2.0
#include "store/StoreDirectory.hpp"

#include "random/SecureRandom.hpp"
#include "random/TokenDigest.hpp"

#include <spdlog/spdlog.h>

namespace tccc::server {

StoreDirectory::StoreDirectory(TenantRepository& tenants, StaffRepository& staff, SkillGroupRepository& groups,
                               NumberRepository& numbers, LoginTokenRepository& tokens)
    : mTenants(tenants), mStaff(staff), mGroups(groups), mNumbers(numbers), mTokens(tokens) {}

std::vector<std::int64_t> StoreDirectory::sdkAppIds() {
  std::vector<std::int64_t> out;
  for (const auto& t : mTenants.listTenants()) out.push_back(t.sdkAppId);
  return out;
}

std::optional<StaffInfo> StoreDirectory::findStaff(std::int64_t sdkAppId, std::string_view userId) {
  auto r = mStaff.findStaff(sdkAppId, userId);
  if (!r) return std::nullopt;
  r->info.role = r->role;
  return r->info;
}

std::vector<StaffInfo> StoreDirectory::listStaff(std::int64_t sdkAppId) {
  std::vector<StaffInfo> out;
  for (auto& r : mStaff.listStaff(sdkAppId)) {
    r.info.role = r.role;
    out.push_back(std::move(r.info));
  }
  return out;
}

std::vector<SkillGroupInfo> StoreDirectory::listSkillGroups(std::int64_t sdkAppId) {
  std::vector<SkillGroupInfo> out;
  for (auto& r : mGroups.listSkillGroups(sdkAppId)) {
    r.info.maxConcurrency = r.maxConcurrency;
    out.push_back(std::move(r.info));
  }
  return out;
}

std::optional<ServiceNumberInfo> StoreDirectory::findServiceNumber(std::string_view number) {
  return mNumbers.findServiceNumber(number);
}

std::vector<CallerNumberInfo> StoreDirectory::listCallerNumbers(std::int64_t sdkAppId) {
  return mNumbers.listCallerNumbers(sdkAppId);
}

std::string StoreDirectory::hashToken(std::string_view token) { return TokenDigest::of(token); }

IssuedLoginToken StoreDirectory::issueLoginToken(std::int64_t sdkAppId, std::string_view userId, bool onlyOnce,
                                                 std::int64_t nowSec, std::int64_t ttlSec) {
  // Expired tokens are useless; drop them now and then so the table stays small.
  if (nowSec - mLastPurge > 3600) {
    mTokens.purgeLoginTokens(nowSec - 86400);
    mLastPurge = nowSec;
  }
  IssuedLoginToken issued;
  issued.token = SecureRandom::hex(16);  // 32 hex characters, like the cloud's tokens
  issued.expiresAt = nowSec + ttlSec;
  LoginTokenRecord record;
  record.tokenHash = hashToken(issued.token);
  record.sdkAppId = sdkAppId;
  record.userId = std::string(userId);
  record.createdAt = nowSec;
  record.expiresAt = issued.expiresAt;
  record.onlyOnce = onlyOnce;
  mTokens.insertLoginToken(record);
  return issued;
}

Error StoreDirectory::verifyLoginToken(std::int64_t sdkAppId, std::string_view userId, std::string_view token,
                                       std::int64_t nowSec) {
  if (token.empty() || token.size() > 256)
    return Error(Errc::HttpTokenError, "the login token is missing or malformed");
  auto record = mTokens.findLoginToken(hashToken(token));
  if (!record) return Error(Errc::HttpTokenError, "unknown login token");
  if (record->sdkAppId != sdkAppId || record->userId != userId)
    return Error(Errc::HttpTokenError, "the login token was issued for another agent");
  if (nowSec >= record->expiresAt) return Error(Errc::HttpTokenError, "the login token has expired");
  if (!mStaff.findStaff(sdkAppId, userId)) return Error(Errc::HttpTokenError, "the agent no longer exists");
  if (record->onlyOnce && !mTokens.consumeLoginToken(record->tokenHash, nowSec))
    return Error(Errc::HttpTokenError, "the one-time login token has been used already");
  return Error();
}

void StoreDirectory::keepResumeToken(std::int64_t sdkAppId, std::string_view userId, std::string_view token,
                                     std::int64_t nowMs) {
  if (!mResumeTokens) return;
  try {
    mResumeTokens->saveResumeToken(sdkAppId, userId, hashToken(token), nowMs);
  } catch (const std::exception& e) {
    // The login goes on; only a resume across a restart is lost (the agent logs in again then).
    spdlog::warn("the resume token of {} could not be kept: {}", userId, e.what());
  }
}

void StoreDirectory::dropResumeToken(std::int64_t sdkAppId, std::string_view userId) {
  if (!mResumeTokens) return;
  try {
    mResumeTokens->deleteResumeToken(sdkAppId, userId);
  } catch (const std::exception& e) {
    spdlog::warn("the resume token of {} could not be dropped: {}", userId, e.what());
  }
}

bool StoreDirectory::keptResumeToken(std::int64_t sdkAppId, std::string_view userId, std::string_view token,
                                     std::int64_t nowMs) {
  if (!mResumeTokens || token.empty() || token.size() > 256) return false;
  try {
    auto kept = mResumeTokens->findResumeToken(sdkAppId, userId);
    return kept && kept->first == hashToken(token) && nowMs - kept->second < kKeptResumeTokenTtlMs;
  } catch (const std::exception&) {
    return false;
  }
}

SdkUrlCheck StoreDirectory::checkSdkUrlFetch(std::string_view token, std::int64_t nowSec) {
  if (token.empty() || token.size() > 256) return SdkUrlCheck::NoToken;
  auto record = mTokens.findLoginToken(hashToken(token));
  if (!record || !record->onlyOnce) return SdkUrlCheck::Ok;
  return mTokens.markLoginTokenUrlFetched(record->tokenHash, nowSec) ? SdkUrlCheck::Ok : SdkUrlCheck::Reused;
}

}  // namespace tccc::server
