// SPDX-License-Identifier: Apache-2.0
// Storage seen by the rest of the server: one small abstract repository per aggregate, so that a
// PostgreSQL (or other) implementation can replace SqliteStore without touching the cloud API,
// the directory or the push worker. All timestamps are Unix seconds unless named …Ms.
#ifndef TCCC_SERVER_STORE_REPOSITORIES_HPP
#define TCCC_SERVER_STORE_REPOSITORIES_HPP

#include "Interfaces.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::server {

struct TenantRecord {
  std::int64_t sdkAppId = 0;
  std::string name;
  std::int64_t createdAt = 0;
  bool recording = true;  // calls of this tenant are recorded (each skill group can still opt out)
  bool asr = true;        // and transcribed live, when the server runs --asr (likewise)
};

/// An API key pair. The SecretKey has to be kept in clear: TC3 verification recomputes the HMAC.
struct CredentialRecord {
  std::string secretId;
  std::string secretKey;
  std::int64_t sdkAppId = 0;
  std::int64_t createdAt = 0;
};

struct StaffRecord {
  StaffInfo info;                                  // info.skillGroupIds is filled from skillGroupPriority on reads
  std::map<std::int64_t, int> skillGroupPriority;  // skill group id -> the agent's priority in it
  int role = 3;                                    // SeatUserInfo.Role: 3 = agent (普通座席)
  std::int64_t modifiedAt = 0;
};

struct SkillGroupRecord {
  SkillGroupInfo info;
  int skillGroupType = 0;  // cloud API: 0 phone, 1 online (im), 3 audio, 4 video
  int maxConcurrency = 1;
  std::int64_t modifiedAt = 0;
};

struct LoginTokenRecord {
  std::string tokenHash;  // SHA-256 hex of the token: the token itself is never stored
  std::int64_t sdkAppId = 0;
  std::string userId;
  std::int64_t createdAt = 0;
  std::int64_t expiresAt = 0;
  bool onlyOnce = false;
  std::optional<std::int64_t> consumedAt;    // set when an OnlyOnce token logged in
  std::optional<std::int64_t> urlFetchedAt;  // set when an OnlyOnce token's SdkURL was fetched
};

struct CdrRecord {
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::int64_t startTimestamp = 0;
  std::string caller;
  std::string callee;
  Json cdr;  // the push form (tccc-facts.md §3.2)
  std::int64_t storedAt = 0;
  /// `cdr` as JSON text when it was serialised already (DurableCdrSink::prepare): stored as it is,
  /// and `cdr` is then left null. Reads fill `cdr` and leave this empty.
  std::string cdrText;
};

struct CdrQuery {
  std::int64_t sdkAppId = 0;
  std::int64_t startTimestamp = 0;      // inclusive, on the CDR's StartTimestamp
  std::int64_t endTimestamp = 0;        // inclusive
  std::vector<std::string> phones;      // Caller or Callee equal to one of these
  std::vector<std::string> sessionIds;  // SessionId equal to one of these
  std::int64_t offset = 0;
  std::int64_t limit = 100;
};

struct PushJob {
  std::int64_t id = 0;
  std::int64_t sdkAppId = 0;
  std::string kind = "cdr";  // the push's `action`
  std::string uuid;          // X-TCCC-PUSH-UUID: the same on every retry
  std::string body;          // exact JSON bytes to POST
  int attempts = 0;
  std::int64_t nextAttemptAtMs = 0;
  std::string lastError;
};

/// One participant's recording of a call (or the stereo mix of a call: participant "mix").
struct RecordingRecord {
  std::string recordId;  // 32 hex digits (RecordUrlSigner::newRecordId)
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::string participant;          // customer | agent | supervisor (what it said barged in) | mix
  std::string endpointUser;         // the agent's or supervisor's user id, or the customer's number/id ("" for mix)
  std::string path;                 // the final file path (`<path>.part` while recording)
  std::int64_t startMs = 0;         // Unix ms of the file's offset 0
  std::int64_t endMs = 0;           // Unix ms of its end (0 while recording)
  std::string pausedSpans = "[]";   // JSON: [{"StartMs":…,"EndMs":…}], ms from the file's start
  std::string state = "recording";  // recording | complete | failed
  std::string error;                // why it failed (or why a complete one is incomplete)
};

/// One final sentence of a call's speech recognition.
struct AsrSentence {
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::string user;  // who spoke: the agent's user id or the customer's id/number
  std::string message;
  std::int64_t startMs = 0;  // Unix ms
  std::int64_t endMs = 0;
};

/// One CDR and, when pushing is configured, its push job: they are committed together.
struct CdrBatchItem {
  CdrRecord record;
  std::optional<PushJob> push;
  /// The call has a row in the live-call journal: it is deleted in the same transaction.
  bool endsLiveCall = false;
};

/// A row of the live-call journal: a phone call in progress and its CDR so far (docs/reliability.md).
struct LiveCallRecord {
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::string cdrText;             // the CDR so far (CdrBuilder::phoneCdr of the live session), JSON
  std::int64_t journaledAtMs = 0;  // when this version was written
};

/// What the CDR writer commits in one transaction: CDRs (each deleting its journal row when it has
/// one), journal rows written or replaced, and the server's liveness mark.
struct CdrWriteBatch {
  std::vector<CdrBatchItem> cdrs;
  std::vector<LiveCallRecord> liveCalls;
  std::optional<std::int64_t> aliveAtMs;
};

class TenantRepository {
 public:
  virtual ~TenantRepository() = default;
  virtual std::vector<TenantRecord> listTenants() = 0;
  virtual std::optional<TenantRecord> findTenant(std::int64_t sdkAppId) = 0;
  virtual void createTenant(const TenantRecord& tenant, const CredentialRecord& credential) = 0;
  virtual std::optional<CredentialRecord> findCredential(std::string_view secretId) = 0;
  virtual std::vector<CredentialRecord> listCredentials(std::int64_t sdkAppId) = 0;
};

class StaffRepository {
 public:
  virtual ~StaffRepository() = default;
  virtual std::optional<StaffRecord> findStaff(std::int64_t sdkAppId, std::string_view userId) = 0;
  virtual std::vector<StaffRecord> listStaff(std::int64_t sdkAppId) = 0;
  /// false if a staff member with this user id exists already.
  virtual bool insertStaff(const StaffRecord& staff) = 0;
  /// Updates name, nick, phone, staff number, role and modifiedAt; false if there is no such staff.
  virtual bool updateStaff(const StaffRecord& staff) = 0;
  /// Also removes the skill-group bindings; false if there was no such staff.
  virtual bool deleteStaff(std::int64_t sdkAppId, std::string_view userId) = 0;
  /// Replaces all bindings of one staff member.
  virtual void setStaffSkillGroups(std::int64_t sdkAppId, std::string_view userId,
                                   const std::map<std::int64_t, int>& skillGroupPriority) = 0;
};

class SkillGroupRepository {
 public:
  virtual ~SkillGroupRepository() = default;
  virtual std::vector<SkillGroupRecord> listSkillGroups(std::int64_t sdkAppId) = 0;
  virtual std::optional<SkillGroupRecord> findSkillGroup(std::int64_t sdkAppId, std::int64_t skillGroupId) = 0;
  /// Assigns the next free id when group.info.skillGroupId is 0; returns the id.
  virtual std::int64_t createSkillGroup(const SkillGroupRecord& group) = 0;
};

/// What the media plane makes of a call besides forwarding it.
enum class CaptureFeature { Recording, Asr };

/// The features a call gets: its tenant's switches, then its skill group's.
struct CapturePolicy {
  bool record = false;
  bool transcribe = false;
};

/// Whether calls are recorded and transcribed: per tenant, then per skill group; all default to on
/// (the server's --recordings and --asr switch each feature as a whole).
class CaptureSettingsRepository {
 public:
  virtual ~CaptureSettingsRepository() = default;
  /// false if there is no such tenant.
  virtual bool setTenantCapture(std::int64_t sdkAppId, CaptureFeature feature, bool on) = 0;
  /// false if there is no such skill group.
  virtual bool setSkillGroupCapture(std::int64_t sdkAppId, std::int64_t skillGroupId, CaptureFeature feature,
                                    bool on) = 0;
  /// Each feature is on when the tenant has it and, when skillGroupId is not 0, so does that skill
  /// group (an unknown tenant gets nothing; an unknown skill group follows its tenant).
  virtual CapturePolicy capturePolicy(std::int64_t sdkAppId, std::int64_t skillGroupId) = 0;
};

class NumberRepository {
 public:
  virtual ~NumberRepository() = default;
  virtual void upsertServiceNumber(const ServiceNumberInfo& number) = 0;
  virtual std::optional<ServiceNumberInfo> findServiceNumber(std::string_view number) = 0;
  virtual std::vector<ServiceNumberInfo> listServiceNumbers(std::int64_t sdkAppId) = 0;
  virtual void upsertCallerNumber(const CallerNumberInfo& number) = 0;
  virtual std::vector<CallerNumberInfo> listCallerNumbers(std::int64_t sdkAppId) = 0;
  /// Removes one of the tenant's service numbers; false if the tenant has no such number.
  virtual bool deleteServiceNumber(std::int64_t sdkAppId, std::string_view number) = 0;
};

/// Each agent's current resume token, by hash, so that it outlives a restart (StoreDirectory).
class ResumeTokenRepository {
 public:
  virtual ~ResumeTokenRepository() = default;
  /// Replaces the agent's kept token.
  virtual void saveResumeToken(std::int64_t sdkAppId, std::string_view userId, std::string_view tokenHash,
                               std::int64_t issuedMs) = 0;
  virtual void deleteResumeToken(std::int64_t sdkAppId, std::string_view userId) = 0;
  /// (tokenHash, issuedMs) of the agent's kept token.
  virtual std::optional<std::pair<std::string, std::int64_t>> findResumeToken(std::int64_t sdkAppId,
                                                                              std::string_view userId) = 0;
};

class LoginTokenRepository {
 public:
  virtual ~LoginTokenRepository() = default;
  virtual void insertLoginToken(const LoginTokenRecord& token) = 0;
  virtual std::optional<LoginTokenRecord> findLoginToken(std::string_view tokenHash) = 0;
  /// Marks an unconsumed token consumed; false if it was consumed already (or is unknown).
  virtual bool consumeLoginToken(std::string_view tokenHash, std::int64_t now) = 0;
  /// Marks a token's SdkURL fetched; false if it had been fetched already (or is unknown).
  virtual bool markLoginTokenUrlFetched(std::string_view tokenHash, std::int64_t now) = 0;
  /// Forgets tokens that expired before `before`.
  virtual void purgeLoginTokens(std::int64_t before) = 0;
};

/// What became of a one-time sign-in link of the operator console (server/console/).
struct ConsoleLinkUse {
  enum class Outcome { SignedIn, Unknown, Expired, Used };
  Outcome outcome = Outcome::Unknown;
  std::int64_t sdkAppId = 0;  // the link's tenant, when SignedIn
};

/// The operator console's one-time sign-in links. Only their digests are kept (src/random/TokenDigest),
/// and in the database, so that a one-shot `--console-link` process can hand one to a running server.
class ConsoleLinkRepository {
 public:
  virtual ~ConsoleLinkRepository() = default;
  virtual void insertConsoleLink(std::string_view tokenDigest, std::int64_t sdkAppId, std::int64_t createdAt,
                                 std::int64_t expiresAt) = 0;
  /// Uses a link up: a compare-and-set, so of two racing sign-ins with one link only one wins.
  virtual ConsoleLinkUse useConsoleLink(std::string_view tokenDigest, std::int64_t now) = 0;
  /// Forgets links that expired before `before`.
  virtual void purgeConsoleLinks(std::int64_t before) = 0;
};

class CdrRepository {
 public:
  virtual ~CdrRepository() = default;
  /// Writes the CDR (replacing one with the same SessionId) and, if given, its push job, in one
  /// durable transaction. Returns the push job's id (0 without one).
  virtual std::int64_t storeCdr(const CdrRecord& cdr, const std::optional<PushJob>& push) = 0;
  virtual std::optional<CdrRecord> findCdr(std::int64_t sdkAppId, std::string_view sessionId) = 0;
  /// Matching CDRs by StartTimestamp, newest first, plus the total count before paging.
  virtual std::pair<std::int64_t, std::vector<CdrRecord>> queryCdrs(const CdrQuery& query) = 0;
};

/// The crash journal of live phone calls, and the last time the server was known alive: a call that
/// was live when the server died becomes a CDR at the next start (push/InterruptedCallRecovery).
class LiveCallJournalRepository {
 public:
  virtual ~LiveCallJournalRepository() = default;
  /// Every journaled call, every tenant's, oldest first.
  virtual std::vector<LiveCallRecord> listLiveCalls() = 0;
  /// The last liveness mark (Unix ms), nullopt when none was ever written.
  virtual std::optional<std::int64_t> lastAliveAtMs() = 0;
  /// Stores the CDRs (and their push jobs) and deletes their calls' journal rows, all in one
  /// transaction: a second recovery finds nothing left to do, and none is done twice.
  virtual void closeLiveCalls(const std::vector<CdrBatchItem>& cdrs) = 0;
};

class PushQueueRepository {
 public:
  virtual ~PushQueueRepository() = default;
  /// The pending job due first (nextAttemptAtMs smallest), due or not.
  virtual std::optional<PushJob> nextPendingPush() = 0;
  virtual void reschedulePush(std::int64_t id, int attempts, std::int64_t nextAttemptAtMs,
                              std::string_view lastError) = 0;
  virtual void completePush(std::int64_t id) = 0;
  /// Gives up on a job; it stays in the table (state 'failed') for an operator to inspect.
  virtual void failPush(std::int64_t id, int attempts, std::string_view lastError) = 0;
  virtual std::int64_t pendingPushCount() = 0;
};

class RecordingRepository {
 public:
  virtual ~RecordingRepository() = default;
  /// Inserts or replaces the recording (by recordId) and, if given, queues its push, in one
  /// durable transaction. Returns the push job's id (0 without one).
  virtual std::int64_t saveRecording(const RecordingRecord& recording, const std::optional<PushJob>& push) = 0;
  virtual std::optional<RecordingRecord> findRecording(std::string_view recordId) = 0;
  /// A call's recordings, oldest first.
  virtual std::vector<RecordingRecord> listRecordings(std::int64_t sdkAppId, std::string_view sessionId) = 0;
  /// At start-up: recordings a previous run left in state `recording` (it stopped mid-call) become
  /// failed with `error`; their `.part` files stay for an operator. Returns how many.
  virtual std::int64_t failUnfinishedRecordings(std::string_view error) = 0;
};

class AsrRepository {
 public:
  virtual ~AsrRepository() = default;
  virtual void addAsrSentence(const AsrSentence& sentence) = 0;
  /// A call's sentences by start time.
  virtual std::vector<AsrSentence> listAsr(std::int64_t sdkAppId, std::string_view sessionId) = 0;
};

}  // namespace tccc::server

#endif
