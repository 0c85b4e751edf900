// SPDX-License-Identifier: Apache-2.0
#include "store/SqliteStore.hpp"

#include <unistd.h>

namespace tccc::server {

namespace {

// Version 1 of the schema. Later versions append migrations in migrate(); never edit this text
// once released, since existing databases were created from it.
constexpr const char* kSchemaV1 = R"SQL(
CREATE TABLE tenants (
  sdk_app_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE credentials (
  secret_id TEXT PRIMARY KEY,
  secret_key TEXT NOT NULL,
  sdk_app_id INTEGER NOT NULL REFERENCES tenants(sdk_app_id),
  created_at INTEGER NOT NULL
);
CREATE TABLE staff (
  sdk_app_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  nick TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  staff_number TEXT NOT NULL DEFAULT '',
  role INTEGER NOT NULL DEFAULT 1,
  modified_at INTEGER NOT NULL,
  PRIMARY KEY (sdk_app_id, user_id)
);
CREATE TABLE skill_groups (
  sdk_app_id INTEGER NOT NULL,
  skill_group_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  skill_group_type INTEGER NOT NULL,
  ring_timeout_sec INTEGER NOT NULL,
  after_call_work_sec INTEGER NOT NULL,
  max_queue_length INTEGER NOT NULL,
  max_wait_sec INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  max_concurrency INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  PRIMARY KEY (sdk_app_id, skill_group_id)
);
CREATE TABLE staff_skill_groups (
  sdk_app_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  skill_group_id INTEGER NOT NULL,
  priority INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (sdk_app_id, user_id, skill_group_id)
);
CREATE TABLE service_numbers (
  number TEXT PRIMARY KEY,
  sdk_app_id INTEGER NOT NULL,
  ivr_prompt TEXT NOT NULL DEFAULT '',
  ivr_options TEXT NOT NULL DEFAULT '[]',
  default_skill_group_id INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE caller_numbers (
  sdk_app_id INTEGER NOT NULL,
  number TEXT NOT NULL,
  skill_group_ids TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (sdk_app_id, number)
);
CREATE TABLE login_tokens (
  token_hash TEXT PRIMARY KEY,
  sdk_app_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  only_once INTEGER NOT NULL,
  consumed_at INTEGER,
  url_fetched_at INTEGER
);
CREATE INDEX login_tokens_expiry ON login_tokens(expires_at);
CREATE TABLE cdrs (
  sdk_app_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  start_ts INTEGER NOT NULL,
  caller TEXT NOT NULL,
  callee TEXT NOT NULL,
  body TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  PRIMARY KEY (sdk_app_id, session_id)
);
CREATE INDEX cdrs_time ON cdrs(sdk_app_id, start_ts);
CREATE TABLE push_queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sdk_app_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  uuid TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX push_queue_due ON push_queue(state, next_attempt_ms);
)SQL";

std::vector<std::int64_t> idsFromJson(const std::string& text) {
  std::vector<std::int64_t> out;
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j)
    if (v.is_number_integer()) out.push_back(v.get<std::int64_t>());
  return out;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path) : mDb(path), mPath(path) {
  mDb.exec("PRAGMA journal_mode=WAL");
  // FULL: a commit is on disk before storeCdr returns; the write volume (CDRs, config) is small.
  mDb.exec("PRAGMA synchronous=FULL");
  mDb.exec("PRAGMA foreign_keys=ON");
  migrate();
}

SqliteStore::~SqliteStore() {
  if (mWalFd >= 0) ::close(mWalFd);
}

void SqliteStore::migrate() {
  SqliteDatabase::Statement version(mDb, "PRAGMA user_version");
  std::int64_t current = version.step() ? version.int64(0) : 0;
  if (current > kSchemaVersion)
    throw StoreError("database schema version " + std::to_string(current) + " is newer than this server (" +
                     std::to_string(kSchemaVersion) + ")");
  if (current < 1) {
    SqliteDatabase::Transaction tx(mDb);
    mDb.exec(kSchemaV1);
    mDb.exec("PRAGMA user_version=1");
    tx.commit();
  }
  if (current < 2) {
    SqliteDatabase::Transaction tx(mDb);
    mDb.exec(chatSchemaV2());
    mDb.exec("PRAGMA user_version=2");
    tx.commit();
  }
  if (current < 3) {
    SqliteDatabase::Transaction tx(mDb);
    migrateRecordingsV3();
    mDb.exec("PRAGMA user_version=3");
    tx.commit();
  }
  if (current < 4) {
    SqliteDatabase::Transaction tx(mDb);
    migrateAsrSwitchesV4();
    mDb.exec("PRAGMA user_version=4");
    tx.commit();
  }
  if (current < 5) {
    SqliteDatabase::Transaction tx(mDb);
    migrateLiveCallsV5();
    mDb.exec("PRAGMA user_version=5");
    tx.commit();
  }
  if (current < 6) {
    SqliteDatabase::Transaction tx(mDb);
    migrateLiveChatsV6();
    mDb.exec("PRAGMA user_version=6");
    tx.commit();
  }
  if (current < 7) {
    SqliteDatabase::Transaction tx(mDb);
    migrateWrapUpsV7();
    mDb.exec("PRAGMA user_version=7");
    tx.commit();
  }
  if (current < 8) {
    SqliteDatabase::Transaction tx(mDb);
    migrateStaffRolesV8();
    mDb.exec("PRAGMA user_version=8");
    tx.commit();
  }
  if (current < 9) {
    SqliteDatabase::Transaction tx(mDb);
    migrateStorageProbeV9();
    mDb.exec("PRAGMA user_version=9");
    tx.commit();
  }
  if (current < 10) {
    SqliteDatabase::Transaction tx(mDb);
    migrateRestartResumeV10();
    mDb.exec("PRAGMA user_version=10");
    tx.commit();
  }
  if (current < 11) {
    SqliteDatabase::Transaction tx(mDb);
    migrateConsoleLinksV11();
    mDb.exec("PRAGMA user_version=11");
    tx.commit();
  }
}

// Until v8 staff roles were numbered the other way round from the cloud API's SeatUserInfo.Role
// (1 agent … 3 administrator), so an agent created through CreateStaff with Role 3 — an ordinary
// agent there — could supervise. v8 numbers them as the cloud API does: 1 and 3 swap.
void SqliteStore::migrateStaffRolesV8() { mDb.exec("UPDATE staff SET role = 4 - role WHERE role IN (1, 3)"); }

// --- tenants ---------------------------------------------------------------------------------

std::vector<TenantRecord> SqliteStore::listTenants() {
  SqliteDatabase::Statement st(
      mDb,
      // Oldest first. created_at is in seconds (as the cloud reports it), so tenants created in the
      // same second are ordered by their first API key's insertion (its rowid): the demo tenant
      // made at first start stays first even when an operator adds one with a lower SdkAppId.
      "SELECT sdk_app_id, name, created_at, recording, asr FROM tenants ORDER BY created_at, "
      "(SELECT MIN(rowid) FROM credentials c WHERE c.sdk_app_id = tenants.sdk_app_id), sdk_app_id");
  std::vector<TenantRecord> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.int64(2), st.int64(3) != 0, st.int64(4) != 0});
  return out;
}

std::optional<TenantRecord> SqliteStore::findTenant(std::int64_t sdkAppId) {
  SqliteDatabase::Statement st(mDb,
                               "SELECT sdk_app_id, name, created_at, recording, asr FROM tenants WHERE sdk_app_id=?");
  st.bind(1, sdkAppId);
  if (!st.step()) return std::nullopt;
  return TenantRecord{st.int64(0), st.text(1), st.int64(2), st.int64(3) != 0, st.int64(4) != 0};
}

void SqliteStore::createTenant(const TenantRecord& tenant, const CredentialRecord& credential) {
  SqliteDatabase::Transaction tx(mDb);
  SqliteDatabase::Statement(mDb, "INSERT INTO tenants(sdk_app_id, name, created_at, recording, asr) VALUES(?,?,?,?,?)")
      .bind(1, tenant.sdkAppId)
      .bind(2, tenant.name)
      .bind(3, tenant.createdAt)
      .bind(4, tenant.recording ? 1 : 0)
      .bind(5, tenant.asr ? 1 : 0)
      .run();
  SqliteDatabase::Statement(mDb,
                            "INSERT INTO credentials(secret_id, secret_key, sdk_app_id, created_at) VALUES(?,?,?,?)")
      .bind(1, credential.secretId)
      .bind(2, credential.secretKey)
      .bind(3, tenant.sdkAppId)
      .bind(4, credential.createdAt)
      .run();
  tx.commit();
}

std::optional<CredentialRecord> SqliteStore::findCredential(std::string_view secretId) {
  SqliteDatabase::Statement st(
      mDb, "SELECT secret_id, secret_key, sdk_app_id, created_at FROM credentials WHERE secret_id=?");
  st.bind(1, secretId);
  if (!st.step()) return std::nullopt;
  return CredentialRecord{st.text(0), st.text(1), st.int64(2), st.int64(3)};
}

std::vector<CredentialRecord> SqliteStore::listCredentials(std::int64_t sdkAppId) {
  SqliteDatabase::Statement st(
      mDb,
      "SELECT secret_id, secret_key, sdk_app_id, created_at FROM credentials WHERE sdk_app_id=? ORDER BY created_at");
  st.bind(1, sdkAppId);
  std::vector<CredentialRecord> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.int64(2), st.int64(3)});
  return out;
}

// --- staff -------------------------------------------------------------------------------------

std::map<std::int64_t, int> SqliteStore::readBindings(std::int64_t sdkAppId, std::string_view userId) {
  SqliteDatabase::Statement st(mDb,
                               "SELECT skill_group_id, priority FROM staff_skill_groups WHERE sdk_app_id=? AND "
                               "user_id=? ORDER BY skill_group_id");
  st.bind(1, sdkAppId).bind(2, userId);
  std::map<std::int64_t, int> out;
  while (st.step()) out[st.int64(0)] = static_cast<int>(st.int64(1));
  return out;
}

namespace {
constexpr const char* kStaffColumns = "sdk_app_id, user_id, name, nick, phone, staff_number, role, modified_at";

StaffRecord readStaffRow(SqliteDatabase::Statement& st) {
  StaffRecord r;
  r.info.sdkAppId = st.int64(0);
  r.info.userId = st.text(1);
  r.info.name = st.text(2);
  r.info.nick = st.text(3);
  r.info.phone = st.text(4);
  r.info.staffNumber = st.text(5);
  r.role = static_cast<int>(st.int64(6));
  r.modifiedAt = st.int64(7);
  return r;
}
}  // namespace

std::optional<StaffRecord> SqliteStore::findStaff(std::int64_t sdkAppId, std::string_view userId) {
  SqliteDatabase::Statement st(mDb,
                               std::string("SELECT ") + kStaffColumns + " FROM staff WHERE sdk_app_id=? AND user_id=?");
  st.bind(1, sdkAppId).bind(2, userId);
  if (!st.step()) return std::nullopt;
  StaffRecord r = readStaffRow(st);
  r.skillGroupPriority = readBindings(sdkAppId, r.info.userId);
  for (const auto& [id, priority] : r.skillGroupPriority) r.info.skillGroupIds.push_back(id);
  return r;
}

std::vector<StaffRecord> SqliteStore::listStaff(std::int64_t sdkAppId) {
  SqliteDatabase::Statement st(
      mDb, std::string("SELECT ") + kStaffColumns + " FROM staff WHERE sdk_app_id=? ORDER BY user_id");
  st.bind(1, sdkAppId);
  std::vector<StaffRecord> out;
  while (st.step()) out.push_back(readStaffRow(st));
  // One query for all bindings rather than one per agent.
  SqliteDatabase::Statement b(
      mDb,
      "SELECT user_id, skill_group_id, priority FROM staff_skill_groups WHERE sdk_app_id=? ORDER BY skill_group_id");
  b.bind(1, sdkAppId);
  std::map<std::string, std::map<std::int64_t, int>> bindings;
  while (b.step()) bindings[b.text(0)][b.int64(1)] = static_cast<int>(b.int64(2));
  for (auto& r : out) {
    auto it = bindings.find(r.info.userId);
    if (it == bindings.end()) continue;
    r.skillGroupPriority = it->second;
    for (const auto& [id, priority] : it->second) r.info.skillGroupIds.push_back(id);
  }
  return out;
}

bool SqliteStore::insertStaff(const StaffRecord& staff) {
  SqliteDatabase::Transaction tx(mDb);
  SqliteDatabase::Statement(mDb,
                            std::string("INSERT OR IGNORE INTO staff(") + kStaffColumns + ") VALUES(?,?,?,?,?,?,?,?)")
      .bind(1, staff.info.sdkAppId)
      .bind(2, staff.info.userId)
      .bind(3, staff.info.name)
      .bind(4, staff.info.nick)
      .bind(5, staff.info.phone)
      .bind(6, staff.info.staffNumber)
      .bind(7, staff.role)
      .bind(8, staff.modifiedAt)
      .run();
  if (mDb.changes() == 0) return false;
  for (const auto& [id, priority] : staff.skillGroupPriority)
    SqliteDatabase::Statement(
        mDb, "INSERT INTO staff_skill_groups(sdk_app_id, user_id, skill_group_id, priority) VALUES(?,?,?,?)")
        .bind(1, staff.info.sdkAppId)
        .bind(2, staff.info.userId)
        .bind(3, id)
        .bind(4, priority)
        .run();
  tx.commit();
  return true;
}

bool SqliteStore::updateStaff(const StaffRecord& staff) {
  SqliteDatabase::Statement(mDb,
                            "UPDATE staff SET name=?, nick=?, phone=?, staff_number=?, role=?, modified_at=? "
                            "WHERE sdk_app_id=? AND user_id=?")
      .bind(1, staff.info.name)
      .bind(2, staff.info.nick)
      .bind(3, staff.info.phone)
      .bind(4, staff.info.staffNumber)
      .bind(5, staff.role)
      .bind(6, staff.modifiedAt)
      .bind(7, staff.info.sdkAppId)
      .bind(8, staff.info.userId)
      .run();
  return mDb.changes() > 0;
}

bool SqliteStore::deleteStaff(std::int64_t sdkAppId, std::string_view userId) {
  SqliteDatabase::Transaction tx(mDb);
  SqliteDatabase::Statement(mDb, "DELETE FROM staff WHERE sdk_app_id=? AND user_id=?")
      .bind(1, sdkAppId)
      .bind(2, userId)
      .run();
  bool existed = mDb.changes() > 0;
  SqliteDatabase::Statement(mDb, "DELETE FROM staff_skill_groups WHERE sdk_app_id=? AND user_id=?")
      .bind(1, sdkAppId)
      .bind(2, userId)
      .run();
  tx.commit();
  return existed;
}

void SqliteStore::setStaffSkillGroups(std::int64_t sdkAppId, std::string_view userId,
                                      const std::map<std::int64_t, int>& skillGroupPriority) {
  SqliteDatabase::Transaction tx(mDb);
  SqliteDatabase::Statement(mDb, "DELETE FROM staff_skill_groups WHERE sdk_app_id=? AND user_id=?")
      .bind(1, sdkAppId)
      .bind(2, userId)
      .run();
  for (const auto& [id, priority] : skillGroupPriority)
    SqliteDatabase::Statement(
        mDb, "INSERT INTO staff_skill_groups(sdk_app_id, user_id, skill_group_id, priority) VALUES(?,?,?,?)")
        .bind(1, sdkAppId)
        .bind(2, userId)
        .bind(3, id)
        .bind(4, priority)
        .run();
  tx.commit();
}

// --- skill groups ----------------------------------------------------------------------------

namespace {
constexpr const char* kGroupColumns =
    "sdk_app_id, skill_group_id, name, type, skill_group_type, ring_timeout_sec, after_call_work_sec, "
    "max_queue_length, max_wait_sec, priority, max_concurrency, modified_at, recording, asr";
}

SkillGroupRecord SqliteStore::readSkillGroup(SqliteDatabase::Statement& st) {
  SkillGroupRecord r;
  r.info.sdkAppId = st.int64(0);
  r.info.skillGroupId = st.int64(1);
  r.info.name = st.text(2);
  r.info.type = st.text(3);
  r.skillGroupType = static_cast<int>(st.int64(4));
  r.info.ringTimeoutSec = static_cast<int>(st.int64(5));
  r.info.afterCallWorkSec = static_cast<int>(st.int64(6));
  r.info.maxQueueLength = static_cast<int>(st.int64(7));
  r.info.maxWaitSec = static_cast<int>(st.int64(8));
  r.info.priority = static_cast<int>(st.int64(9));
  r.maxConcurrency = static_cast<int>(st.int64(10));
  r.modifiedAt = st.int64(11);
  r.info.recording = st.int64(12) != 0;
  r.info.asr = st.int64(13) != 0;
  return r;
}

std::vector<SkillGroupRecord> SqliteStore::listSkillGroups(std::int64_t sdkAppId) {
  SqliteDatabase::Statement st(
      mDb, std::string("SELECT ") + kGroupColumns + " FROM skill_groups WHERE sdk_app_id=? ORDER BY skill_group_id");
  st.bind(1, sdkAppId);
  std::vector<SkillGroupRecord> out;
  while (st.step()) out.push_back(readSkillGroup(st));
  return out;
}

std::optional<SkillGroupRecord> SqliteStore::findSkillGroup(std::int64_t sdkAppId, std::int64_t skillGroupId) {
  SqliteDatabase::Statement st(
      mDb, std::string("SELECT ") + kGroupColumns + " FROM skill_groups WHERE sdk_app_id=? AND skill_group_id=?");
  st.bind(1, sdkAppId).bind(2, skillGroupId);
  if (!st.step()) return std::nullopt;
  return readSkillGroup(st);
}

std::int64_t SqliteStore::createSkillGroup(const SkillGroupRecord& group) {
  SqliteDatabase::Transaction tx(mDb);
  std::int64_t id = group.info.skillGroupId;
  if (id == 0) {
    SqliteDatabase::Statement next(mDb,
                                   "SELECT COALESCE(MAX(skill_group_id), 0) + 1 FROM skill_groups WHERE sdk_app_id=?");
    next.bind(1, group.info.sdkAppId);
    next.step();
    id = next.int64(0);
  }
  SqliteDatabase::Statement(
      mDb, std::string("INSERT INTO skill_groups(") + kGroupColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, group.info.sdkAppId)
      .bind(2, id)
      .bind(3, group.info.name)
      .bind(4, group.info.type)
      .bind(5, group.skillGroupType)
      .bind(6, group.info.ringTimeoutSec)
      .bind(7, group.info.afterCallWorkSec)
      .bind(8, group.info.maxQueueLength)
      .bind(9, group.info.maxWaitSec)
      .bind(10, group.info.priority)
      .bind(11, group.maxConcurrency)
      .bind(12, group.modifiedAt)
      .bind(13, group.info.recording ? 1 : 0)
      .bind(14, group.info.asr ? 1 : 0)
      .run();
  tx.commit();
  return id;
}

// --- numbers -----------------------------------------------------------------------------------

void SqliteStore::upsertServiceNumber(const ServiceNumberInfo& number) {
  Json options = Json::array();
  for (const auto& o : number.ivrOptions)
    options.push_back({{"key", o.key}, {"label", o.label}, {"skillGroupId", o.skillGroupId}});
  SqliteDatabase::Statement(
      mDb,
      "INSERT INTO service_numbers(number, sdk_app_id, ivr_prompt, ivr_options, default_skill_group_id) "
      "VALUES(?,?,?,?,?) ON CONFLICT(number) DO UPDATE SET sdk_app_id=excluded.sdk_app_id, "
      "ivr_prompt=excluded.ivr_prompt, ivr_options=excluded.ivr_options, "
      "default_skill_group_id=excluded.default_skill_group_id")
      .bind(1, number.number)
      .bind(2, number.sdkAppId)
      .bind(3, number.ivrPrompt)
      .bind(4, options.dump())
      .bind(5, number.defaultSkillGroupId)
      .run();
}

namespace {
ServiceNumberInfo readServiceNumber(SqliteDatabase::Statement& st) {
  ServiceNumberInfo n;
  n.number = st.text(0);
  n.sdkAppId = st.int64(1);
  n.ivrPrompt = st.text(2);
  Json options = Json::parse(st.text(3), nullptr, false);
  if (options.is_array())
    for (const auto& o : options)
      if (o.is_object())
        n.ivrOptions.push_back({o.value("key", ""), o.value("label", ""), o.value("skillGroupId", std::int64_t{0})});
  n.defaultSkillGroupId = st.int64(4);
  return n;
}
}  // namespace

std::optional<ServiceNumberInfo> SqliteStore::findServiceNumber(std::string_view number) {
  SqliteDatabase::Statement st(
      mDb,
      "SELECT number, sdk_app_id, ivr_prompt, ivr_options, default_skill_group_id FROM service_numbers WHERE number=?");
  st.bind(1, number);
  if (!st.step()) return std::nullopt;
  return readServiceNumber(st);
}

std::vector<ServiceNumberInfo> SqliteStore::listServiceNumbers(std::int64_t sdkAppId) {
  SqliteDatabase::Statement st(
      mDb,
      "SELECT number, sdk_app_id, ivr_prompt, ivr_options, default_skill_group_id FROM service_numbers "
      "WHERE sdk_app_id=? ORDER BY number");
  st.bind(1, sdkAppId);
  std::vector<ServiceNumberInfo> out;
  while (st.step()) out.push_back(readServiceNumber(st));
  return out;
}

void SqliteStore::upsertCallerNumber(const CallerNumberInfo& number) {
  Json ids(number.skillGroupIds);
  SqliteDatabase::Statement(mDb,
                            "INSERT INTO caller_numbers(sdk_app_id, number, skill_group_ids) VALUES(?,?,?) "
                            "ON CONFLICT(sdk_app_id, number) DO UPDATE SET skill_group_ids=excluded.skill_group_ids")
      .bind(1, number.sdkAppId)
      .bind(2, number.number)
      .bind(3, ids.dump())
      .run();
}

std::vector<CallerNumberInfo> SqliteStore::listCallerNumbers(std::int64_t sdkAppId) {
  SqliteDatabase::Statement st(
      mDb, "SELECT sdk_app_id, number, skill_group_ids FROM caller_numbers WHERE sdk_app_id=? ORDER BY number");
  st.bind(1, sdkAppId);
  std::vector<CallerNumberInfo> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), idsFromJson(st.text(2))});
  return out;
}

bool SqliteStore::deleteServiceNumber(std::int64_t sdkAppId, std::string_view number) {
  SqliteDatabase::Statement(mDb, "DELETE FROM service_numbers WHERE sdk_app_id=? AND number=?")
      .bind(1, sdkAppId)
      .bind(2, number)
      .run();
  return mDb.changes() == 1;
}

// --- login tokens ------------------------------------------------------------------------------

void SqliteStore::insertLoginToken(const LoginTokenRecord& token) {
  SqliteDatabase::Statement(
      mDb,
      "INSERT INTO login_tokens(token_hash, sdk_app_id, user_id, created_at, expires_at, only_once, "
      "consumed_at, url_fetched_at) VALUES(?,?,?,?,?,?,?,?)")
      .bind(1, token.tokenHash)
      .bind(2, token.sdkAppId)
      .bind(3, token.userId)
      .bind(4, token.createdAt)
      .bind(5, token.expiresAt)
      .bind(6, token.onlyOnce ? 1 : 0)
      .bind(7, token.consumedAt)
      .bind(8, token.urlFetchedAt)
      .run();
}

std::optional<LoginTokenRecord> SqliteStore::findLoginToken(std::string_view tokenHash) {
  SqliteDatabase::Statement st(
      mDb,
      "SELECT token_hash, sdk_app_id, user_id, created_at, expires_at, only_once, consumed_at, "
      "url_fetched_at FROM login_tokens WHERE token_hash=?");
  st.bind(1, tokenHash);
  if (!st.step()) return std::nullopt;
  LoginTokenRecord r;
  r.tokenHash = st.text(0);
  r.sdkAppId = st.int64(1);
  r.userId = st.text(2);
  r.createdAt = st.int64(3);
  r.expiresAt = st.int64(4);
  r.onlyOnce = st.int64(5) != 0;
  if (!st.isNull(6)) r.consumedAt = st.int64(6);
  if (!st.isNull(7)) r.urlFetchedAt = st.int64(7);
  return r;
}

bool SqliteStore::consumeLoginToken(std::string_view tokenHash, std::int64_t now) {
  // The WHERE clause makes this a compare-and-set: two racing logins cannot both win.
  SqliteDatabase::Statement(mDb, "UPDATE login_tokens SET consumed_at=? WHERE token_hash=? AND consumed_at IS NULL")
      .bind(1, now)
      .bind(2, tokenHash)
      .run();
  return mDb.changes() == 1;
}

bool SqliteStore::markLoginTokenUrlFetched(std::string_view tokenHash, std::int64_t now) {
  SqliteDatabase::Statement(mDb,
                            "UPDATE login_tokens SET url_fetched_at=? WHERE token_hash=? AND url_fetched_at IS NULL")
      .bind(1, now)
      .bind(2, tokenHash)
      .run();
  return mDb.changes() == 1;
}

void SqliteStore::purgeLoginTokens(std::int64_t before) {
  SqliteDatabase::Statement(mDb, "DELETE FROM login_tokens WHERE expires_at < ?").bind(1, before).run();
}

// --- CDRs --------------------------------------------------------------------------------------

std::int64_t SqliteStore::insertCdr(const CdrRecord& cdr, const std::optional<PushJob>& push) {
  SqliteDatabase::Statement(
      mDb,
      "INSERT OR REPLACE INTO cdrs(sdk_app_id, session_id, start_ts, caller, callee, body, stored_at) "
      "VALUES(?,?,?,?,?,?,?)")
      .bind(1, cdr.sdkAppId)
      .bind(2, cdr.sessionId)
      .bind(3, cdr.startTimestamp)
      .bind(4, cdr.caller)
      .bind(5, cdr.callee)
      // protocol::dump replaces invalid UTF-8 instead of throwing, so one odd caller-supplied
      // string (Uui, IVR input) cannot make a whole batch of CDRs unstorable.
      .bind(6, cdr.cdrText.empty() ? protocol::dump(cdr.cdr) : cdr.cdrText)
      .bind(7, cdr.storedAt)
      .run();
  if (!push) return 0;
  return insertPushJob(*push);
}

std::int64_t SqliteStore::insertPushJob(const PushJob& push) {
  SqliteDatabase::Statement(mDb,
                            "INSERT INTO push_queue(sdk_app_id, kind, uuid, body, attempts, next_attempt_ms) "
                            "VALUES(?,?,?,?,?,?)")
      .bind(1, push.sdkAppId)
      .bind(2, push.kind)
      .bind(3, push.uuid)
      .bind(4, push.body)
      .bind(5, push.attempts)
      .bind(6, push.nextAttemptAtMs)
      .run();
  return mDb.lastInsertRowId();
}

std::int64_t SqliteStore::storeCdr(const CdrRecord& cdr, const std::optional<PushJob>& push) {
  SqliteDatabase::Transaction tx(mDb);
  std::int64_t pushId = insertCdr(cdr, push);
  tx.commit();
  return pushId;
}

namespace {
// A CDR row and its wrap-up, if any (columns 7 and 8).
constexpr const char* kCdrColumns =
    "SELECT sdk_app_id, session_id, start_ts, caller, callee, body, stored_at, "
    "(SELECT disposition FROM wrap_ups w WHERE w.sdk_app_id=cdrs.sdk_app_id AND w.session_id=cdrs.session_id), "
    "(SELECT notes FROM wrap_ups w WHERE w.sdk_app_id=cdrs.sdk_app_id AND w.session_id=cdrs.session_id)";

CdrRecord readCdr(SqliteDatabase::Statement& st) {
  CdrRecord r;
  r.sdkAppId = st.int64(0);
  r.sessionId = st.text(1);
  r.startTimestamp = st.int64(2);
  r.caller = st.text(3);
  r.callee = st.text(4);
  r.cdr = Json::parse(st.text(5), nullptr, false);
  if (r.cdr.is_discarded()) r.cdr = Json::object();
  r.storedAt = st.int64(6);
  if (r.cdr.is_object() && !st.isNull(7)) {
    r.cdr["Disposition"] = st.text(7);
    r.cdr["AgentNotes"] = st.text(8);
  }
  return r;
}
}  // namespace

std::optional<CdrRecord> SqliteStore::findCdr(std::int64_t sdkAppId, std::string_view sessionId) {
  SqliteDatabase::Statement st(mDb, std::string(kCdrColumns) + " FROM cdrs WHERE sdk_app_id=? AND session_id=?");
  st.bind(1, sdkAppId).bind(2, sessionId);
  if (!st.step()) return std::nullopt;
  return readCdr(st);
}

std::vector<QueuedCallTimes> SqliteStore::queuedCallsSince(std::int64_t sinceSec) {
  // Four numbers of each CDR, read by SQLite's JSON functions: a busy day's CDRs are not parsed
  // into trees at start-up. Direction 0 is inbound (tccc-facts.md §3.2); internal calls are 1.
  SqliteDatabase::Statement st(mDb,
                               "SELECT sdk_app_id, json_extract(body, '$.QueuedTimestamp'), "
                               "json_extract(body, '$.AcceptTimestamp'), json_extract(body, '$.EndedTimestamp') "
                               "FROM cdrs WHERE start_ts >= ? AND json_extract(body, '$.Direction') = 0 "
                               "AND json_extract(body, '$.QueuedTimestamp') > 0");
  st.bind(1, sinceSec);
  std::vector<QueuedCallTimes> out;
  while (st.step()) {
    QueuedCallTimes call;
    call.sdkAppId = st.int64(0);
    call.queuedMs = st.int64(1) * 1000;
    call.acceptMs = st.int64(2) * 1000;
    call.endedMs = st.int64(3) * 1000;
    out.push_back(call);
  }
  return out;
}

std::pair<std::int64_t, std::vector<CdrRecord>> SqliteStore::queryCdrs(const CdrQuery& query) {
  // Filters are built from placeholders only; the values are bound, never spliced in.
  std::string where = " WHERE sdk_app_id=? AND start_ts>=? AND start_ts<=?";
  if (!query.phones.empty()) {
    std::string list;
    for (std::size_t i = 0; i < query.phones.size(); ++i) list += i ? ",?" : "?";
    where += " AND (caller IN (" + list + ") OR callee IN (" + list + "))";
  }
  if (!query.sessionIds.empty()) {
    std::string list;
    for (std::size_t i = 0; i < query.sessionIds.size(); ++i) list += i ? ",?" : "?";
    where += " AND session_id IN (" + list + ")";
  }
  auto bindAll = [&](SqliteDatabase::Statement& st) {
    st.bind(1, query.sdkAppId);
    st.bind(2, query.startTimestamp);
    st.bind(3, query.endTimestamp);
    int i = 4;
    for (int pass = 0; pass < 2 && !query.phones.empty(); ++pass)
      for (const auto& p : query.phones) st.bind(i++, p);
    for (const auto& s : query.sessionIds) st.bind(i++, s);
    return i;
  };
  SqliteDatabase::Statement count(mDb, "SELECT COUNT(*) FROM cdrs" + where);
  bindAll(count);
  count.step();
  std::int64_t total = count.int64(0);

  SqliteDatabase::Statement st(
      mDb, std::string(kCdrColumns) + " FROM cdrs" + where + " ORDER BY start_ts DESC, session_id LIMIT ? OFFSET ?");
  int next = bindAll(st);
  st.bind(next, query.limit).bind(next + 1, query.offset);
  std::vector<CdrRecord> rows;
  while (st.step()) rows.push_back(readCdr(st));
  return {total, std::move(rows)};
}

// --- push queue --------------------------------------------------------------------------------

std::optional<PushJob> SqliteStore::nextPendingPush() {
  SqliteDatabase::Statement st(
      mDb,
      "SELECT id, sdk_app_id, kind, uuid, body, attempts, next_attempt_ms, last_error FROM push_queue "
      "WHERE state='pending' ORDER BY next_attempt_ms, id LIMIT 1");
  if (!st.step()) return std::nullopt;
  PushJob j;
  j.id = st.int64(0);
  j.sdkAppId = st.int64(1);
  j.kind = st.text(2);
  j.uuid = st.text(3);
  j.body = st.text(4);
  j.attempts = static_cast<int>(st.int64(5));
  j.nextAttemptAtMs = st.int64(6);
  j.lastError = st.text(7);
  return j;
}

void SqliteStore::reschedulePush(std::int64_t id, int attempts, std::int64_t nextAttemptAtMs,
                                 std::string_view lastError) {
  SqliteDatabase::Statement(mDb, "UPDATE push_queue SET attempts=?, next_attempt_ms=?, last_error=? WHERE id=?")
      .bind(1, attempts)
      .bind(2, nextAttemptAtMs)
      .bind(3, lastError)
      .bind(4, id)
      .run();
}

void SqliteStore::completePush(std::int64_t id) {
  // Delivered pushes are deleted: the CDR itself stays in `cdrs`, which is the record of truth.
  SqliteDatabase::Statement(mDb, "DELETE FROM push_queue WHERE id=?").bind(1, id).run();
}

void SqliteStore::failPush(std::int64_t id, int attempts, std::string_view lastError) {
  SqliteDatabase::Statement(mDb, "UPDATE push_queue SET state='failed', attempts=?, last_error=? WHERE id=?")
      .bind(1, attempts)
      .bind(2, lastError)
      .bind(3, id)
      .run();
}

std::int64_t SqliteStore::pendingPushCount() {
  SqliteDatabase::Statement st(mDb, "SELECT COUNT(*) FROM push_queue WHERE state='pending'");
  st.step();
  return st.int64(0);
}

}  // namespace tccc::server
