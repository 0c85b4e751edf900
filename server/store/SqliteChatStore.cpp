// SPDX-License-Identifier: Apache-2.0
// SqliteStore's ChatRepository: chat messages and IM CDRs (schema version 2). Each append is its
// own transaction on the event-loop connection. By default it waits for the disk (synchronous=FULL)
// before it returns; with group commit on (the server's setting) it returns once committed, and
// syncAppended() fsyncs the WAL from a helper thread for every append of a burst at once, while
// ContactCenter holds back the frames that would tell anyone about them (DurableSendQueue).
#include "store/RelaxedSync.hpp"
#include "store/SqliteStore.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace tccc::server {

const char* SqliteStore::chatSchemaV2() {
  // Never edit once released: databases were migrated with this text.
  return R"SQL(
CREATE TABLE chat_messages (
  sdk_app_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  sender_role TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  client_msg_id TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (sdk_app_id, session_id, seq)
);
CREATE UNIQUE INDEX chat_messages_client ON chat_messages(sdk_app_id, session_id, sender_role, client_msg_id)
  WHERE client_msg_id <> '';
CREATE INDEX chat_messages_time ON chat_messages(sdk_app_id, created_ms);
CREATE TABLE im_cdrs (
  sdk_app_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  start_ts INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (sdk_app_id, session_id)
);
CREATE INDEX im_cdrs_time ON im_cdrs(sdk_app_id, start_ts);
)SQL";
}

namespace {

constexpr const char* kMessageColumns =
    "sdk_app_id, session_id, seq, message_id, sender_role, sender_id, sender_name, client_msg_id, type, content, "
    "created_ms";

ChatMessageRecord readMessage(SqliteDatabase::Statement& st) {
  ChatMessageRecord m;
  m.sdkAppId = st.int64(0);
  m.sessionId = st.text(1);
  m.seq = st.int64(2);
  m.messageId = st.text(3);
  m.senderRole = st.text(4);
  m.senderId = st.text(5);
  m.senderName = st.text(6);
  m.clientMsgId = st.text(7);
  m.type = st.text(8);
  m.content = st.text(9);
  m.createdMs = st.int64(10);
  return m;
}

}  // namespace

bool SqliteStore::enableChatGroupCommit() {
  if (mWalFd >= 0) return true;
  if (mPath.empty() || mPath == ":memory:" || mPath.rfind("file:", 0) == 0) return false;
  const std::string wal = mPath + "-wal";
  // SQLite creates the WAL at the first write of a connection and deletes it when the last one
  // closes: an unchanged database opened afresh has none yet, so write its header once.
  if (::access(wal.c_str(), F_OK) != 0) {
    SqliteDatabase::Statement version(mDb, "PRAGMA user_version");
    std::int64_t current = version.step() ? version.int64(0) : 0;
    mDb.exec("PRAGMA user_version=" + std::to_string(current));
  }
  int fd = ::open(wal.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  // The WAL's directory entry must be durable too, or a power cut could lose the file itself.
  std::error_code ec;
  std::string dir = std::filesystem::absolute(mPath, ec).parent_path().string();
  int dirFd = ec ? -1 : ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd < 0 || ::fsync(dirFd) != 0) {
    if (dirFd >= 0) ::close(dirFd);
    ::close(fd);
    return false;
  }
  ::close(dirFd);
  mWalFd = fd;
  return true;
}

std::optional<std::uint64_t> SqliteStore::syncAppended() {
  // Read the count first: every append it includes has committed, so its frames are in the file.
  const std::uint64_t covered = mChatAppended.load();
  if (mWalFd < 0) return covered;  // appends wait for the disk themselves
  if (::fdatasync(mWalFd) != 0) return std::nullopt;
  return covered;
}

ChatMessageRecord SqliteStore::appendChatMessage(const ChatMessageRecord& message) {
  ++mChatAccesses;
  RelaxedSync relaxed(mDb, mWalFd >= 0);
  SqliteDatabase::Transaction tx(mDb);
  if (!message.clientMsgId.empty()) {
    SqliteDatabase::Statement st(mDb, std::string("SELECT ") + kMessageColumns +
                                          " FROM chat_messages WHERE sdk_app_id=? AND session_id=? AND sender_role=? "
                                          "AND client_msg_id=?");
    st.bind(1, message.sdkAppId).bind(2, message.sessionId).bind(3, message.senderRole).bind(4, message.clientMsgId);
    if (st.step()) return readMessage(st);  // a retry: the first copy stands (the transaction rolls back)
  }
  SqliteDatabase::Statement(
      mDb, std::string("INSERT INTO chat_messages(") + kMessageColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, message.sdkAppId)
      .bind(2, message.sessionId)
      .bind(3, message.seq)
      .bind(4, message.messageId)
      .bind(5, message.senderRole)
      .bind(6, message.senderId)
      .bind(7, message.senderName)
      .bind(8, message.clientMsgId)
      .bind(9, message.type)
      .bind(10, message.content)
      .bind(11, message.createdMs)
      .run();
  tx.commit();
  if (mWalFd >= 0) mChatAppended.fetch_add(1);
  return message;
}

std::vector<ChatMessageRecord> SqliteStore::listChatMessages(std::int64_t sdkAppId, std::string_view sessionId,
                                                             std::int64_t afterSeq, std::int64_t limit) {
  ++mChatAccesses;
  SqliteDatabase::Statement st(mDb, std::string("SELECT ") + kMessageColumns +
                                        " FROM chat_messages WHERE sdk_app_id=? AND session_id=? AND seq>? "
                                        "ORDER BY seq LIMIT ?");
  st.bind(1, sdkAppId).bind(2, sessionId).bind(3, afterSeq).bind(4, limit);
  std::vector<ChatMessageRecord> out;
  while (st.step()) out.push_back(readMessage(st));
  return out;
}

std::int64_t SqliteStore::lastChatSeq(std::int64_t sdkAppId, std::string_view sessionId) {
  ++mChatAccesses;
  SqliteDatabase::Statement st(mDb,
                               "SELECT COALESCE(MAX(seq), 0) FROM chat_messages WHERE sdk_app_id=? AND session_id=?");
  st.bind(1, sdkAppId).bind(2, sessionId);
  st.step();
  return st.int64(0);
}

std::pair<std::int64_t, std::vector<ChatMessageRecord>> SqliteStore::queryChatMessages(
    std::int64_t sdkAppId, std::string_view sessionId, bool ascending, std::int64_t offset, std::int64_t limit) {
  std::string where = " WHERE sdk_app_id=?";
  if (!sessionId.empty()) where += " AND session_id=?";
  SqliteDatabase::Statement count(mDb, "SELECT COUNT(*) FROM chat_messages" + where);
  count.bind(1, sdkAppId);
  if (!sessionId.empty()) count.bind(2, sessionId);
  count.step();
  std::int64_t total = count.int64(0);
  const char* order =
      ascending ? " ORDER BY created_ms, session_id, seq" : " ORDER BY created_ms DESC, session_id, seq DESC";
  SqliteDatabase::Statement st(
      mDb, std::string("SELECT ") + kMessageColumns + " FROM chat_messages" + where + order + " LIMIT ? OFFSET ?");
  int i = 1;
  st.bind(i++, sdkAppId);
  if (!sessionId.empty()) st.bind(i++, sessionId);
  st.bind(i, limit);
  st.bind(i + 1, offset);
  std::vector<ChatMessageRecord> rows;
  while (st.step()) rows.push_back(readMessage(st));
  return {total, std::move(rows)};
}

void SqliteStore::storeImCdr(const ImCdrRecord& cdr) {
  SqliteDatabase::Transaction tx(mDb);
  insertImCdr(cdr);
  deleteLiveChat(cdr.sdkAppId, cdr.sessionId);
  tx.commit();
}

void SqliteStore::insertImCdr(const ImCdrRecord& cdr) {
  SqliteDatabase::Statement(mDb,
                            "INSERT OR REPLACE INTO im_cdrs(sdk_app_id, session_id, start_ts, body) VALUES(?,?,?,?)")
      .bind(1, cdr.sdkAppId)
      .bind(2, cdr.sessionId)
      .bind(3, cdr.startTimestamp)
      .bind(4, protocol::dump(cdr.cdr))
      .run();
}

std::pair<std::int64_t, std::vector<ImCdrRecord>> SqliteStore::queryImCdrs(std::int64_t sdkAppId, std::int64_t start,
                                                                           std::int64_t end, std::int64_t offset,
                                                                           std::int64_t limit) {
  const char* where = " FROM im_cdrs WHERE sdk_app_id=? AND start_ts>=? AND start_ts<=?";
  SqliteDatabase::Statement count(mDb, std::string("SELECT COUNT(*)") + where);
  count.bind(1, sdkAppId).bind(2, start).bind(3, end);
  count.step();
  std::int64_t total = count.int64(0);
  SqliteDatabase::Statement st(mDb,
                               std::string("SELECT sdk_app_id, session_id, start_ts, body, "
                                           "(SELECT disposition FROM wrap_ups w WHERE w.sdk_app_id=im_cdrs.sdk_app_id "
                                           "AND w.session_id=im_cdrs.session_id), "
                                           "(SELECT notes FROM wrap_ups w WHERE w.sdk_app_id=im_cdrs.sdk_app_id "
                                           "AND w.session_id=im_cdrs.session_id)") +
                                   where + " ORDER BY start_ts DESC, session_id LIMIT ? OFFSET ?");
  st.bind(1, sdkAppId).bind(2, start).bind(3, end).bind(4, limit).bind(5, offset);
  std::vector<ImCdrRecord> rows;
  while (st.step()) {
    ImCdrRecord r;
    r.sdkAppId = st.int64(0);
    r.sessionId = st.text(1);
    r.startTimestamp = st.int64(2);
    r.cdr = Json::parse(st.text(3), nullptr, false);
    if (r.cdr.is_discarded()) r.cdr = Json::object();
    if (!st.isNull(4)) {
      r.cdr["Disposition"] = st.text(4);
      r.cdr["AgentNotes"] = st.text(5);
    }
    rows.push_back(std::move(r));
  }
  return {total, std::move(rows)};
}

}  // namespace tccc::server
