// SPDX-License-Identifier: Apache-2.0
// What SqliteStore keeps for a restart after a crash (docs/reliability.md, "Server crash: live chats"
// and "… agents"): the journal of live chats, written on the event-loop connection when a chat
// starts, when an agent accepts it and when it goes back to its group, deleted with the chat's IM
// CDR, read at start-up; and each agent's current resume token, by hash.
#include "store/RelaxedSync.hpp"
#include "store/SqliteStore.hpp"

namespace tccc::server {

namespace {

// Version 6. One row per live chat, keyed like im_cdrs; `body` is the IM CDR so far.
constexpr const char* kLiveChatSchemaV6 = R"SQL(
CREATE TABLE IF NOT EXISTS live_chats (
  sdk_app_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  start_ts INTEGER NOT NULL,
  accepted_ts INTEGER NOT NULL,
  body TEXT NOT NULL,
  journaled_at_ms INTEGER NOT NULL,
  PRIMARY KEY (sdk_app_id, session_id)
);
)SQL";

}  // namespace

void SqliteStore::migrateLiveChatsV6() { mDb.exec(kLiveChatSchemaV6); }

// Version 10: what a chat needs to be resumed after a restart (LiveChatRecord::resume), and agents'
// resume tokens. Like the other migrations it may run again on a file that has it (tests replay them).
void SqliteStore::migrateRestartResumeV10() {
  mDb.exec(
      "CREATE TABLE IF NOT EXISTS agent_resume_tokens (sdk_app_id INTEGER NOT NULL, user_id TEXT NOT NULL, "
      "token_hash TEXT NOT NULL, issued_ms INTEGER NOT NULL, PRIMARY KEY (sdk_app_id, user_id))");
  bool present = false;
  {
    SqliteDatabase::Statement has(mDb, "SELECT COUNT(*) FROM pragma_table_info('live_chats') WHERE name = 'resume'");
    present = has.step() && has.int64(0) > 0;
  }
  if (present) return;
  mDb.exec("ALTER TABLE live_chats ADD COLUMN resume TEXT NOT NULL DEFAULT '{}'");
}

void SqliteStore::journalLiveChat(const LiveChatRecord& entry) {
  // A row lost in a crash only costs that chat its recovered CDR, as before the journal existed, so
  // with group commit on it rides on the next fsync instead of waiting for one on the event loop.
  RelaxedSync relaxed(mDb, mWalFd >= 0);
  SqliteDatabase::Statement(mDb,
                            "INSERT OR REPLACE INTO live_chats(sdk_app_id, session_id, start_ts, accepted_ts, body, "
                            "journaled_at_ms, resume) VALUES(?,?,?,?,?,?,?)")
      .bind(1, entry.soFar.sdkAppId)
      .bind(2, entry.soFar.sessionId)
      .bind(3, entry.soFar.startTimestamp)
      .bind(4, entry.acceptedSec)
      .bind(5, protocol::dump(entry.soFar.cdr))
      .bind(6, entry.journaledAtMs)
      .bind(7, protocol::dump(entry.resume))
      .run();
}

void SqliteStore::saveResumeToken(std::int64_t sdkAppId, std::string_view userId, std::string_view tokenHash,
                                  std::int64_t issuedMs) {
  // One write per login, on the event loop: without waiting for an fsync (a token lost in a crash
  // only means a new login), on the chat group commit's next one when it is on.
  RelaxedSync relaxed(mDb, mWalFd >= 0);
  SqliteDatabase::Statement(mDb,
                            "INSERT OR REPLACE INTO agent_resume_tokens(sdk_app_id, user_id, token_hash, issued_ms) "
                            "VALUES(?,?,?,?)")
      .bind(1, sdkAppId)
      .bind(2, userId)
      .bind(3, tokenHash)
      .bind(4, issuedMs)
      .run();
}

void SqliteStore::deleteResumeToken(std::int64_t sdkAppId, std::string_view userId) {
  RelaxedSync relaxed(mDb, mWalFd >= 0);
  SqliteDatabase::Statement(mDb, "DELETE FROM agent_resume_tokens WHERE sdk_app_id=? AND user_id=?")
      .bind(1, sdkAppId)
      .bind(2, userId)
      .run();
}

std::optional<std::pair<std::string, std::int64_t>> SqliteStore::findResumeToken(std::int64_t sdkAppId,
                                                                                 std::string_view userId) {
  SqliteDatabase::Statement st(
      mDb, "SELECT token_hash, issued_ms FROM agent_resume_tokens WHERE sdk_app_id=? AND user_id=?");
  st.bind(1, sdkAppId).bind(2, userId);
  if (!st.step()) return std::nullopt;
  return std::make_pair(st.text(0), st.int64(1));
}

void SqliteStore::deleteLiveChat(std::int64_t sdkAppId, std::string_view sessionId) {
  SqliteDatabase::Statement(mDb, "DELETE FROM live_chats WHERE sdk_app_id=? AND session_id=?")
      .bind(1, sdkAppId)
      .bind(2, sessionId)
      .run();
}

std::vector<LiveChatRecord> SqliteStore::listLiveChats() {
  SqliteDatabase::Statement st(
      mDb,
      "SELECT l.sdk_app_id, l.session_id, l.start_ts, l.accepted_ts, l.body, l.journaled_at_ms, "
      "(SELECT COALESCE(MAX(m.created_ms), 0) FROM chat_messages m "
      "  WHERE m.sdk_app_id = l.sdk_app_id AND m.session_id = l.session_id), l.resume "
      "FROM live_chats l ORDER BY l.journaled_at_ms, l.session_id");
  std::vector<LiveChatRecord> out;
  while (st.step()) {
    LiveChatRecord r;
    r.soFar.sdkAppId = st.int64(0);
    r.soFar.sessionId = st.text(1);
    r.soFar.startTimestamp = st.int64(2);
    r.acceptedSec = st.int64(3);
    r.soFar.cdr = Json::parse(st.text(4), nullptr, false);
    if (!r.soFar.cdr.is_object()) r.soFar.cdr = Json::object();
    r.journaledAtMs = st.int64(5);
    r.lastMessageMs = st.int64(6);
    r.resume = Json::parse(st.text(7), nullptr, false);
    if (!r.resume.is_object()) r.resume = Json::object();
    out.push_back(std::move(r));
  }
  return out;
}

void SqliteStore::closeLiveChats(const std::vector<ImCdrRecord>& cdrs) {
  SqliteDatabase::Transaction tx(mDb);
  for (const auto& cdr : cdrs) {
    insertImCdr(cdr);
    deleteLiveChat(cdr.sdkAppId, cdr.sessionId);
  }
  tx.commit();
}

}  // namespace tccc::server
