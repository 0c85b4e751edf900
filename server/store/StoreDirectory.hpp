// SPDX-License-Identifier: Apache-2.0
// The contact center's view of tenant configuration (Directory) over the repositories, plus the
// login tokens that CreateSDKLoginToken issues and the agent WebSocket login consumes.
#ifndef TCCC_SERVER_STORE_STOREDIRECTORY_HPP
#define TCCC_SERVER_STORE_STOREDIRECTORY_HPP

#include "Interfaces.hpp"
#include "store/Repositories.hpp"

namespace tccc::server {

struct IssuedLoginToken {
  std::string token;
  std::int64_t expiresAt = 0;
};

/// What GET <SdkURL> may do with the token in its query.
enum class SdkUrlCheck { NoToken, Ok, Reused };

class StoreDirectory : public Directory {
 public:
  static constexpr std::int64_t kLoginTokenTtlSec = 30 * 60;

  StoreDirectory(TenantRepository& tenants, StaffRepository& staff, SkillGroupRepository& groups,
                 NumberRepository& numbers, LoginTokenRepository& tokens);

  std::vector<std::int64_t> sdkAppIds() override;
  std::optional<StaffInfo> findStaff(std::int64_t sdkAppId, std::string_view userId) override;
  std::vector<StaffInfo> listStaff(std::int64_t sdkAppId) override;
  std::vector<SkillGroupInfo> listSkillGroups(std::int64_t sdkAppId) override;
  std::optional<ServiceNumberInfo> findServiceNumber(std::string_view number) override;
  std::vector<CallerNumberInfo> listCallerNumbers(std::int64_t sdkAppId) override;
  Error verifyLoginToken(std::int64_t sdkAppId, std::string_view userId, std::string_view token,
                         std::int64_t nowSec) override;

  /// A new login token for one agent (CreateSDKLoginToken). Only its hash is stored.
  IssuedLoginToken issueLoginToken(std::int64_t sdkAppId, std::string_view userId, bool onlyOnce, std::int64_t nowSec,
                                   std::int64_t ttlSec = kLoginTokenTtlSec);

  /// Called when an SdkURL is fetched: an OnlyOnce token's URL serves once ("SDKURL … 请确保只使用一次").
  /// Unknown or expired tokens are not refused here: the SDK itself reports tokenExpired when its
  /// login fails, as with the cloud's SdkURL.
  SdkUrlCheck checkSdkUrlFetch(std::string_view token, std::int64_t nowSec);

  static std::string hashToken(std::string_view token);

  /// Where resume tokens are kept across restarts (null: nowhere, as before). Not owned.
  void setResumeTokens(ResumeTokenRepository* tokens) { mResumeTokens = tokens; }
  /// A kept token resumes a session this long after it was issued at most: a shift, not forever.
  static constexpr std::int64_t kKeptResumeTokenTtlMs = 24LL * 3600 * 1000;
  void keepResumeToken(std::int64_t sdkAppId, std::string_view userId, std::string_view token,
                       std::int64_t nowMs) override;
  void dropResumeToken(std::int64_t sdkAppId, std::string_view userId) override;
  bool keptResumeToken(std::int64_t sdkAppId, std::string_view userId, std::string_view token,
                       std::int64_t nowMs) override;

 private:
  TenantRepository& mTenants;
  StaffRepository& mStaff;
  SkillGroupRepository& mGroups;
  NumberRepository& mNumbers;
  LoginTokenRepository& mTokens;
  ResumeTokenRepository* mResumeTokens = nullptr;
  std::int64_t mLastPurge = 0;
};

}  // namespace tccc::server

#endif
