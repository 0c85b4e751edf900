// SPDX-License-Identifier: Apache-2.0
// The TCCC cloud API (CCC 2020-02-10) on `POST /`: TC3-HMAC-SHA256 verification, tenant scoping by
// SecretId, typed parameter checks and the actions the reference server implements. Responses are
// always HTTP 200 with {"Response": {…, "RequestId"}} or {"Response": {"Error": {Code, Message}, …}},
// which is what the official clients expect.
#ifndef TCCC_SERVER_CLOUD_CLOUDAPI_HPP
#define TCCC_SERVER_CLOUD_CLOUDAPI_HPP

#include "Interfaces.hpp"
#include "chat/ChatRepository.hpp"
#include "cloud/CloudApiError.hpp"
#include "cloud/ParamReader.hpp"
#include "cloud/ServiceNumberActions.hpp"
#include "http/TokenBucket.hpp"
#include "recording/RecordUrlSigner.hpp"
#include "store/Repositories.hpp"
#include "store/StorageBreaker.hpp"
#include "store/StoreDirectory.hpp"

#include <functional>
#include <map>
#include <string>

namespace tccc::server {

struct CloudApiOptions {
  std::string publicUrl = "http://127.0.0.1:8080";  // base of SdkURL, without a trailing slash
  std::int64_t timestampWindowSec = 300;            // |now − X-TC-Timestamp| allowed
  std::int64_t loginTokenTtlSec = StoreDirectory::kLoginTokenTtlSec;
  // Per SecretId and action, like the cloud's "20 requests/s" per-API limits; the HTTP layer adds
  // a per-connection limit on top. 0 disables.
  double actionRatePerSec = 20;
  double actionBurst = 40;
};

class CloudApi {
 public:
  static constexpr const char* kVersion = "2020-02-10";

  CloudApi(TenantRepository& tenants, StaffRepository& staff, SkillGroupRepository& groups, NumberRepository& numbers,
           CdrRepository& cdrs, StoreDirectory& directory, CloudApiOptions options,
           std::function<std::int64_t()> clockSec);

  /// The contact center, once it exists (null: no live sessions, every agent offline).
  void setLiveOps(LiveOps* liveOps) { mLiveOps = liveOps; }
  /// Chat messages and IM CDRs (DescribeChatMessages, DescribeIMCdrs); null: both answer empty lists.
  void setChatRepository(ChatRepository* chats) { mChats = chats; }

  /// Recordings (RecordURL and ServeParticipants[].RecordURL in DescribeTelCdr, as freshly signed
  /// links) and transcripts (DescribeTelRecordAsr). Null: no RecordURL, and no sentences.
  void setRecordings(RecordingRepository* recordings, AsrRepository* asr, const RecordUrlSigner* signer) {
    mRecordings = recordings;
    mAsr = asr;
    mRecordSigner = signer;
  }

  /// The database's breaker (null: none). While it is open, actions that write are refused before
  /// they touch the failing disk (InternalError.DBError); reads go on.
  void setStorageBreaker(const StorageBreaker* breaker) { mBreaker = breaker; }
  /// Handles one `POST /`. Never throws.
  HttpResponse handle(const HttpRequest& request);

  /// One action for a tenant already authenticated some other way (the operator console's session,
  /// server/console/): the same checks, limits and envelope as a signed request, minus the
  /// signature, and never CreateSDKLoginToken. `caller` names the requester in the log.
  HttpResponse handleForTenant(std::int64_t sdkAppId, const std::string& action, const std::string& body,
                               const std::string& caller);

  /// An error envelope, e.g. for RequestLimitExceeded decided by the HTTP layer.
  static HttpResponse errorResponse(const std::string& code, const std::string& message);

  /// The names of the implemented actions (sorted).
  std::vector<std::string> actions() const;

 private:
  struct Call {
    std::int64_t sdkAppId = 0;  // the tenant that owns the SecretId
    const ParamReader& params;
    std::int64_t now = 0;
  };
  using Action = Json (CloudApi::*)(const Call&);
  struct ActionEntry {
    Action run;
    bool writes;  // changes the database: refused while the storage breaker is open
  };

  /// The envelope around `work`, which names the action and tenant as soon as it knows them.
  HttpResponse answer(const std::string& caller,
                      const std::function<Json(std::string& action, std::int64_t& sdkAppId)>& work);
  Json dispatch(const HttpRequest& request, std::string& action, std::int64_t& sdkAppId);
  /// The action's entry, once it exists and the rate limit (per key and action) lets it through.
  const ActionEntry& admit(std::string& action, const std::string& rateKey);
  static Json parseBody(const std::string& body);
  Json perform(const ActionEntry& entry, std::int64_t sdkAppId, const Json& body);
  static CloudApiError storageUnavailable();
  void requireOwnApp(const Call& call, bool required = true);
  void notifyDirectoryChanged(std::int64_t sdkAppId);

  Json createSdkLoginToken(const Call& call);
  Json createStaff(const Call& call);
  Json modifyStaff(const Call& call);
  Json deleteStaff(const Call& call);
  Json describeStaffInfoList(const Call& call);
  Json createSkillGroup(const Call& call);
  Json describeSkillGroupInfoList(const Call& call);
  Json bindStaffSkillGroupList(const Call& call);
  Json unbindStaffSkillGroupList(const Call& call);
  Json describeNumbers(const Call& call);
  Json describeTelCdr(const Call& call);
  Json describeTelRecordAsr(const Call& call);
  /// Adds a CDR's recordings to its TelCdrInfo (see docs/protocol.md, "Recordings").
  void addRecordings(Json& telCdr, std::int64_t sdkAppId, std::int64_t nowSec);
  Json describeTelSession(const Call& call);
  Json describeStaffStatusMetrics(const Call& call);
  Json hangUpCall(const Call& call);
  Json describeImCdrs(const Call& call);
  Json describeChatMessages(const Call& call);
  Json describeServiceNumbers(const Call& call);
  Json modifyServiceNumber(const Call& call);
  Json deleteServiceNumber(const Call& call);

  Json staffJson(const StaffRecord& staff, const std::map<std::int64_t, SkillGroupRecord>& groups) const;
  std::map<std::int64_t, SkillGroupRecord> groupsById(std::int64_t sdkAppId);
  std::map<std::string, std::string> liveStatuses(std::int64_t sdkAppId, const std::vector<std::string>& userIds);

  TenantRepository& mTenants;
  StaffRepository& mStaff;
  SkillGroupRepository& mGroups;
  NumberRepository& mNumbers;
  CdrRepository& mCdrs;
  StoreDirectory& mDirectory;
  CloudApiOptions mOptions;
  std::function<std::int64_t()> mClock;
  LiveOps* mLiveOps = nullptr;
  ChatRepository* mChats = nullptr;
  RecordingRepository* mRecordings = nullptr;
  AsrRepository* mAsr = nullptr;
  const RecordUrlSigner* mRecordSigner = nullptr;
  const StorageBreaker* mBreaker = nullptr;
  ServiceNumberActions mServiceNumbers;
  std::map<std::string, ActionEntry> mActions;
  std::map<std::pair<std::string, std::string>, TokenBucket> mLimits;  // (SecretId, action)
};

}  // namespace tccc::server

#endif
