// SPDX-License-Identifier: Apache-2.0
// SqliteStore's recording catalogue, speech-recognition transcripts and the capture switches.
#include "store/SqliteStore.hpp"

namespace tccc::server {

namespace {

// Version 3 of the schema. Written so that it can run over a database that has parts of it
// already (a test that rewinds user_version): the tables only if missing, the columns likewise.
constexpr const char* kRecordingSchemaV3 = R"SQL(
CREATE TABLE IF NOT EXISTS recordings (
  record_id TEXT PRIMARY KEY,
  sdk_app_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  participant TEXT NOT NULL,
  endpoint_user TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL DEFAULT 0,
  paused_spans TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS recordings_session ON recordings(sdk_app_id, session_id);
CREATE INDEX IF NOT EXISTS recordings_state ON recordings(state);
CREATE TABLE IF NOT EXISTS asr_sentences (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sdk_app_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  user TEXT NOT NULL,
  message TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS asr_sentences_session ON asr_sentences(sdk_app_id, session_id, start_ms);
)SQL";

constexpr const char* kRecordingColumns =
    "record_id, sdk_app_id, session_id, participant, endpoint_user, path, start_ms, end_ms, paused_spans, state, "
    "error";

RecordingRecord readRecording(SqliteDatabase::Statement& st) {
  RecordingRecord r;
  r.recordId = st.text(0);
  r.sdkAppId = st.int64(1);
  r.sessionId = st.text(2);
  r.participant = st.text(3);
  r.endpointUser = st.text(4);
  r.path = st.text(5);
  r.startMs = st.int64(6);
  r.endMs = st.int64(7);
  r.pausedSpans = st.text(8);
  r.state = st.text(9);
  r.error = st.text(10);
  return r;
}

bool hasColumn(SqliteDatabase& db, const std::string& table, const std::string& column) {
  SqliteDatabase::Statement st(db, "SELECT 1 FROM pragma_table_info('" + table + "') WHERE name=?");
  st.bind(1, column);
  return st.step();
}

}  // namespace

void SqliteStore::migrateRecordingsV3() {
  mDb.exec(kRecordingSchemaV3);
  // Recording is on unless switched off: existing tenants and skill groups keep recording.
  for (const char* table : {"tenants", "skill_groups"})
    if (!hasColumn(mDb, table, "recording"))
      mDb.exec(std::string("ALTER TABLE ") + table + " ADD COLUMN recording INTEGER NOT NULL DEFAULT 1");
}

// --- capture switches ------------------------------------------------------------------------

void SqliteStore::migrateAsrSwitchesV4() {
  // Speech recognition is on unless switched off, as recording is; the server-wide --asr decides first.
  for (const char* table : {"tenants", "skill_groups"})
    if (!hasColumn(mDb, table, "asr"))
      mDb.exec(std::string("ALTER TABLE ") + table + " ADD COLUMN asr INTEGER NOT NULL DEFAULT 1");
}

namespace {
const char* captureColumn(CaptureFeature feature) { return feature == CaptureFeature::Asr ? "asr" : "recording"; }
}  // namespace

bool SqliteStore::setTenantCapture(std::int64_t sdkAppId, CaptureFeature feature, bool on) {
  SqliteDatabase::Statement(mDb, std::string("UPDATE tenants SET ") + captureColumn(feature) + "=? WHERE sdk_app_id=?")
      .bind(1, on ? 1 : 0)
      .bind(2, sdkAppId)
      .run();
  return mDb.changes() > 0;
}

bool SqliteStore::setSkillGroupCapture(std::int64_t sdkAppId, std::int64_t skillGroupId, CaptureFeature feature,
                                       bool on) {
  SqliteDatabase::Statement(mDb, std::string("UPDATE skill_groups SET ") + captureColumn(feature) +
                                     "=? WHERE sdk_app_id=? AND skill_group_id=?")
      .bind(1, on ? 1 : 0)
      .bind(2, sdkAppId)
      .bind(3, skillGroupId)
      .run();
  return mDb.changes() > 0;
}

CapturePolicy SqliteStore::capturePolicy(std::int64_t sdkAppId, std::int64_t skillGroupId) {
  // One indexed read per leg: asked again for every participant, so a switch made with
  // --set-recording/--set-asr while the server runs applies from the next one on.
  SqliteDatabase::Statement st(mDb,
                               "SELECT t.recording AND COALESCE(g.recording, 1), t.asr AND COALESCE(g.asr, 1) "
                               "FROM tenants t LEFT JOIN skill_groups g "
                               "ON g.sdk_app_id = t.sdk_app_id AND g.skill_group_id = ? WHERE t.sdk_app_id = ?");
  st.bind(1, skillGroupId).bind(2, sdkAppId);
  if (!st.step()) return {};
  return {st.int64(0) != 0, st.int64(1) != 0};
}

// --- recordings --------------------------------------------------------------------------------

std::int64_t SqliteStore::saveRecording(const RecordingRecord& r, const std::optional<PushJob>& push) {
  SqliteDatabase::Transaction tx(mDb);
  SqliteDatabase::Statement(
      mDb, std::string("INSERT OR REPLACE INTO recordings(") + kRecordingColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, r.recordId)
      .bind(2, r.sdkAppId)
      .bind(3, r.sessionId)
      .bind(4, r.participant)
      .bind(5, r.endpointUser)
      .bind(6, r.path)
      .bind(7, r.startMs)
      .bind(8, r.endMs)
      .bind(9, r.pausedSpans)
      .bind(10, r.state)
      .bind(11, r.error)
      .run();
  std::int64_t pushId = push ? insertPushJob(*push) : 0;
  tx.commit();
  return pushId;
}

std::optional<RecordingRecord> SqliteStore::findRecording(std::string_view recordId) {
  SqliteDatabase::Statement st(mDb, std::string("SELECT ") + kRecordingColumns + " FROM recordings WHERE record_id=?");
  st.bind(1, recordId);
  if (!st.step()) return std::nullopt;
  return readRecording(st);
}

std::vector<RecordingRecord> SqliteStore::listRecordings(std::int64_t sdkAppId, std::string_view sessionId) {
  SqliteDatabase::Statement st(mDb, std::string("SELECT ") + kRecordingColumns +
                                        " FROM recordings WHERE sdk_app_id=? AND session_id=? ORDER BY start_ms, "
                                        "rowid");
  st.bind(1, sdkAppId).bind(2, sessionId);
  std::vector<RecordingRecord> out;
  while (st.step()) out.push_back(readRecording(st));
  return out;
}

std::int64_t SqliteStore::failUnfinishedRecordings(std::string_view error) {
  SqliteDatabase::Statement(mDb, "UPDATE recordings SET state='failed', error=? WHERE state='recording'")
      .bind(1, error)
      .run();
  return mDb.changes();
}

// --- speech recognition ------------------------------------------------------------------------

void SqliteStore::addAsrSentence(const AsrSentence& s) {
  SqliteDatabase::Statement(
      mDb, "INSERT INTO asr_sentences(sdk_app_id, session_id, user, message, start_ms, end_ms) VALUES(?,?,?,?,?,?)")
      .bind(1, s.sdkAppId)
      .bind(2, s.sessionId)
      .bind(3, s.user)
      .bind(4, s.message)
      .bind(5, s.startMs)
      .bind(6, s.endMs)
      .run();
}

std::vector<AsrSentence> SqliteStore::listAsr(std::int64_t sdkAppId, std::string_view sessionId) {
  SqliteDatabase::Statement st(mDb,
                               "SELECT sdk_app_id, session_id, user, message, start_ms, end_ms FROM asr_sentences "
                               "WHERE sdk_app_id=? AND session_id=? ORDER BY start_ms, id");
  st.bind(1, sdkAppId).bind(2, sessionId);
  std::vector<AsrSentence> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.int64(4), st.int64(5)});
  return out;
}

}  // namespace tccc::server
