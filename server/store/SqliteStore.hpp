// SPDX-License-Identifier: Apache-2.0
// The embedded default store: every repository over one SQLite file in WAL mode with
// synchronous=FULL, so a committed CDR survives a power cut. Chat appends can instead use group
// commit (enableChatGroupCommit): committed without waiting, fsynced in batches off the event loop.
// Each instance is one connection used by one thread: the io_context thread has one, and the
// CdrWriter thread opens its own on the same file (WAL lets the io thread read while the writer
// commits).
#ifndef TCCC_SERVER_STORE_SQLITESTORE_HPP
#define TCCC_SERVER_STORE_SQLITESTORE_HPP

#include "AfterCall.hpp"
#include "chat/ChatRepository.hpp"
#include "store/Repositories.hpp"
#include "store/SqliteDatabase.hpp"
#include "store/StorageBreaker.hpp"

#include <atomic>

namespace tccc::server {

class SqliteStore : public TenantRepository,
                    public StaffRepository,
                    public SkillGroupRepository,
                    public NumberRepository,
                    public LoginTokenRepository,
                    public CdrRepository,
                    public PushQueueRepository,
                    public ChatRepository,
                    public ChatGroupCommit,
                    public CaptureSettingsRepository,
                    public RecordingRepository,
                    public AsrRepository,
                    public LiveCallJournalRepository,
                    public LiveChatJournal,
                    public ResumeTokenRepository,
                    public ConsoleLinkRepository {
 public:
  // 2: chat_messages, im_cdrs; 3: recordings, asr_sentences; 4: asr switches; 5: live_calls, server_liveness;
  // 6: live_chats; 7: wrap_ups; 8: staff roles renumbered; 9: storage_probe; 10: live_chats.resume and
  // agent_resume_tokens; 11: console_links
  static constexpr int kSchemaVersion = 11;

  /// Opens or creates the database and brings its schema up to date.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  SqliteDatabase& database() { return mDb; }

  // The disk-fault breaker (SqliteStorageProbe.cpp, store/StorageBreaker.hpp).
  /// Disk faults this connection meets trip `breaker`; while it is open, acceptingWrites() is false.
  /// Set before use, on the connection's thread; `breaker` outlives the store.
  void setStorageBreaker(StorageBreaker* breaker);
  /// The breaker's probe: a write committed with fsync on a connection of its own, then a full
  /// checkpoint of the write-ahead log with fsync. Throws StoreError while the disk refuses.
  static void proveWritable(const std::string& path, std::int64_t nowMs);

  // After-call work (SqliteAfterCallStore.cpp): wrap-ups, kept apart from the CDRs so that one may
  // come before its CDR is committed, and merged into every CDR read (Disposition, AgentNotes).
  void upsertWrapUp(const WrapUpRecord& wrapUp);
  std::optional<WrapUpRecord> findWrapUp(std::int64_t sdkAppId, std::string_view sessionId);
  std::optional<FinishedRecord> findFinished(std::int64_t sdkAppId, std::string_view sessionId);
  std::vector<FinishedRecord> listFinished(std::int64_t sdkAppId, std::string_view userId, std::int64_t sinceSec,
                                           std::size_t limit);
  /// Queues a push job on its own (a CDR's update after its wrap-up); returns its id.
  std::int64_t queuePush(const PushJob& push);

  // TenantRepository
  std::vector<TenantRecord> listTenants() override;
  std::optional<TenantRecord> findTenant(std::int64_t sdkAppId) override;
  void createTenant(const TenantRecord& tenant, const CredentialRecord& credential) override;
  std::optional<CredentialRecord> findCredential(std::string_view secretId) override;
  std::vector<CredentialRecord> listCredentials(std::int64_t sdkAppId) override;

  // StaffRepository
  std::optional<StaffRecord> findStaff(std::int64_t sdkAppId, std::string_view userId) override;
  std::vector<StaffRecord> listStaff(std::int64_t sdkAppId) override;
  bool insertStaff(const StaffRecord& staff) override;
  bool updateStaff(const StaffRecord& staff) override;
  bool deleteStaff(std::int64_t sdkAppId, std::string_view userId) override;
  void setStaffSkillGroups(std::int64_t sdkAppId, std::string_view userId,
                           const std::map<std::int64_t, int>& skillGroupPriority) override;

  // SkillGroupRepository
  std::vector<SkillGroupRecord> listSkillGroups(std::int64_t sdkAppId) override;
  std::optional<SkillGroupRecord> findSkillGroup(std::int64_t sdkAppId, std::int64_t skillGroupId) override;
  std::int64_t createSkillGroup(const SkillGroupRecord& group) override;

  // NumberRepository
  void upsertServiceNumber(const ServiceNumberInfo& number) override;
  std::optional<ServiceNumberInfo> findServiceNumber(std::string_view number) override;
  std::vector<ServiceNumberInfo> listServiceNumbers(std::int64_t sdkAppId) override;
  void upsertCallerNumber(const CallerNumberInfo& number) override;
  std::vector<CallerNumberInfo> listCallerNumbers(std::int64_t sdkAppId) override;
  bool deleteServiceNumber(std::int64_t sdkAppId, std::string_view number) override;

  // LoginTokenRepository
  void insertLoginToken(const LoginTokenRecord& token) override;
  std::optional<LoginTokenRecord> findLoginToken(std::string_view tokenHash) override;
  bool consumeLoginToken(std::string_view tokenHash, std::int64_t now) override;
  bool markLoginTokenUrlFetched(std::string_view tokenHash, std::int64_t now) override;
  void purgeLoginTokens(std::int64_t before) override;

  // CdrRepository
  std::int64_t storeCdr(const CdrRecord& cdr, const std::optional<PushJob>& push) override;
  std::optional<CdrRecord> findCdr(std::int64_t sdkAppId, std::string_view sessionId) override;
  std::pair<std::int64_t, std::vector<CdrRecord>> queryCdrs(const CdrQuery& query) override;
  /// Every tenant's inbound calls that queued and started at or after `sinceSec` (their CDRs' times,
  /// in ms): what a restart counts again for supervisors' figures of the day.
  std::vector<QueuedCallTimes> queuedCallsSince(std::int64_t sinceSec);
  /// The CDR writer's group commit (SqliteLiveCallStore.cpp), one transaction so one fsync covers
  /// it all, all or nothing: the journal rows written, every CDR with its push job (each deleting
  /// its journal row when endsLiveCall), the liveness mark.
  void storeWriteBatch(const CdrWriteBatch& batch);

  // LiveCallJournalRepository (SqliteLiveCallStore.cpp)
  std::vector<LiveCallRecord> listLiveCalls() override;
  std::optional<std::int64_t> lastAliveAtMs() override;
  void closeLiveCalls(const std::vector<CdrBatchItem>& cdrs) override;

  // PushQueueRepository
  std::optional<PushJob> nextPendingPush() override;
  void reschedulePush(std::int64_t id, int attempts, std::int64_t nextAttemptAtMs, std::string_view lastError) override;
  void completePush(std::int64_t id) override;
  void failPush(std::int64_t id, int attempts, std::string_view lastError) override;
  std::int64_t pendingPushCount() override;

  // ChatRepository (SqliteChatStore.cpp)
  ChatMessageRecord appendChatMessage(const ChatMessageRecord& message) override;
  std::vector<ChatMessageRecord> listChatMessages(std::int64_t sdkAppId, std::string_view sessionId,
                                                  std::int64_t afterSeq, std::int64_t limit) override;
  std::int64_t lastChatSeq(std::int64_t sdkAppId, std::string_view sessionId) override;
  std::pair<std::int64_t, std::vector<ChatMessageRecord>> queryChatMessages(std::int64_t sdkAppId,
                                                                            std::string_view sessionId, bool ascending,
                                                                            std::int64_t offset,
                                                                            std::int64_t limit) override;
  void storeImCdr(const ImCdrRecord& cdr) override;
  void journalLiveChat(const LiveChatRecord& entry) override;
  std::pair<std::int64_t, std::vector<ImCdrRecord>> queryImCdrs(std::int64_t sdkAppId, std::int64_t start,
                                                                std::int64_t end, std::int64_t offset,
                                                                std::int64_t limit) override;

  // LiveChatJournal (SqliteLiveChatStore.cpp)
  std::vector<LiveChatRecord> listLiveChats() override;
  void closeLiveChats(const std::vector<ImCdrRecord>& cdrs) override;

  // CaptureSettingsRepository, RecordingRepository, AsrRepository (SqliteRecordingStore.cpp)
  bool setTenantCapture(std::int64_t sdkAppId, CaptureFeature feature, bool on) override;
  bool setSkillGroupCapture(std::int64_t sdkAppId, std::int64_t skillGroupId, CaptureFeature feature, bool on) override;
  CapturePolicy capturePolicy(std::int64_t sdkAppId, std::int64_t skillGroupId) override;
  std::int64_t saveRecording(const RecordingRecord& recording, const std::optional<PushJob>& push) override;
  std::optional<RecordingRecord> findRecording(std::string_view recordId) override;
  std::vector<RecordingRecord> listRecordings(std::int64_t sdkAppId, std::string_view sessionId) override;
  std::int64_t failUnfinishedRecordings(std::string_view error) override;
  void addAsrSentence(const AsrSentence& sentence) override;
  std::vector<AsrSentence> listAsr(std::int64_t sdkAppId, std::string_view sessionId) override;

  // ResumeTokenRepository (SqliteLiveChatStore.cpp): what a restart keeps of agents' sessions.
  void saveResumeToken(std::int64_t sdkAppId, std::string_view userId, std::string_view tokenHash,
                       std::int64_t issuedMs) override;
  void deleteResumeToken(std::int64_t sdkAppId, std::string_view userId) override;
  std::optional<std::pair<std::string, std::int64_t>> findResumeToken(std::int64_t sdkAppId,
                                                                      std::string_view userId) override;

  // ConsoleLinkRepository (SqliteConsoleLinkStore.cpp)
  void insertConsoleLink(std::string_view tokenDigest, std::int64_t sdkAppId, std::int64_t createdAt,
                         std::int64_t expiresAt) override;
  ConsoleLinkUse useConsoleLink(std::string_view tokenDigest, std::int64_t now) override;
  void purgeConsoleLinks(std::int64_t before) override;

  // ChatGroupCommit (SqliteChatStore.cpp). Off until enableChatGroupCommit(): appends then fsync
  // themselves, as every other write of this store does.
  /// Chat appends stop waiting for the disk; the caller must then hold back what depends on them
  /// until syncAppended() covers them. False (and unchanged) for a database without a WAL file.
  bool enableChatGroupCommit();
  std::uint64_t appendedCount() const override { return mChatAppended.load(); }
  std::uint64_t accessCount() const override { return mChatAccesses; }
  std::optional<std::uint64_t> syncAppended() override;
  bool acceptingWrites() const override;

 private:
  static const char* chatSchemaV2();
  /// Version 3 (SqliteRecordingStore.cpp): recording tables and the recording switches.
  void migrateRecordingsV3();
  /// Version 4 (SqliteRecordingStore.cpp): the speech-recognition switches beside the recording ones.
  void migrateAsrSwitchesV4();
  /// Version 5 (SqliteLiveCallStore.cpp): the live-call journal and the liveness mark.
  void migrateLiveCallsV5();
  void deleteLiveCall(std::string_view sessionId);
  /// Version 6 (SqliteLiveChatStore.cpp): the live-chat journal.
  void migrateLiveChatsV6();
  void migrateWrapUpsV7();
  void migrateStaffRolesV8();
  void migrateStorageProbeV9();
  void migrateRestartResumeV10();
  /// Version 11 (SqliteConsoleLinkStore.cpp): the operator console's sign-in links.
  void migrateConsoleLinksV11();
  void deleteLiveChat(std::int64_t sdkAppId, std::string_view sessionId);
  /// The IM CDR insert without a transaction of its own.
  void insertImCdr(const ImCdrRecord& cdr);
  /// The push-job insert without a transaction of its own; returns its id.
  std::int64_t insertPushJob(const PushJob& push);
  void migrate();
  /// The CDR and push-job inserts without a transaction of their own; returns the push job id (0: none).
  std::int64_t insertCdr(const CdrRecord& cdr, const std::optional<PushJob>& push);
  std::map<std::int64_t, int> readBindings(std::int64_t sdkAppId, std::string_view userId);
  static SkillGroupRecord readSkillGroup(SqliteDatabase::Statement& st);

  SqliteDatabase mDb;
  std::string mPath;
  int mWalFd = -1;  // our own handle on <db>-wal, for fsync off the loop
  std::atomic<std::uint64_t> mChatAppended{0};
  std::uint64_t mChatAccesses = 0;  // chat reads and writes; the event loop's only
  StorageBreaker* mBreaker = nullptr;
};

}  // namespace tccc::server

#endif
