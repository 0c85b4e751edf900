// SPDX-License-Identifier: Apache-2.0
// SqliteStore: the wrap_ups table (schema version 7) and the finished sessions an agent's history
// reads (AfterCall.hpp).
#include "store/SqliteStore.hpp"

#include <algorithm>

namespace tccc::server {
namespace {

constexpr const char* kWrapUpSchemaV7 = R"SQL(
CREATE TABLE IF NOT EXISTS wrap_ups (
  sdk_app_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  disposition TEXT NOT NULL,
  notes TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (sdk_app_id, session_id)
);
)SQL";

Json parsedObject(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

void mergeWrapUp(Json& cdr, SqliteDatabase::Statement& st, int column) {
  if (st.isNull(column)) return;
  cdr["Disposition"] = st.text(column);
  cdr["AgentNotes"] = st.text(column + 1);
}

constexpr const char* kWrapUpOf =
    "(SELECT disposition FROM wrap_ups w WHERE w.sdk_app_id=t.sdk_app_id AND w.session_id=t.session_id), "
    "(SELECT notes FROM wrap_ups w WHERE w.sdk_app_id=t.sdk_app_id AND w.session_id=t.session_id)";

}  // namespace

void SqliteStore::migrateWrapUpsV7() { mDb.exec(kWrapUpSchemaV7); }

void SqliteStore::upsertWrapUp(const WrapUpRecord& w) {
  SqliteDatabase::Statement(mDb,
                            "INSERT OR REPLACE INTO wrap_ups(sdk_app_id, session_id, user_id, disposition, notes, "
                            "updated_at) VALUES(?,?,?,?,?,?)")
      .bind(1, w.sdkAppId)
      .bind(2, w.sessionId)
      .bind(3, w.userId)
      .bind(4, w.disposition)
      .bind(5, w.notes)
      .bind(6, w.updatedAt)
      .run();
}

std::int64_t SqliteStore::queuePush(const PushJob& push) {
  SqliteDatabase::Transaction tx(mDb);
  std::int64_t id = insertPushJob(push);
  tx.commit();
  return id;
}

std::optional<WrapUpRecord> SqliteStore::findWrapUp(std::int64_t sdkAppId, std::string_view sessionId) {
  SqliteDatabase::Statement st(mDb,
                               "SELECT user_id, disposition, notes, updated_at FROM wrap_ups "
                               "WHERE sdk_app_id=? AND session_id=?");
  st.bind(1, sdkAppId).bind(2, sessionId);
  if (!st.step()) return std::nullopt;
  return WrapUpRecord{sdkAppId, std::string(sessionId), st.text(0), st.text(1), st.text(2), st.int64(3)};
}

std::optional<FinishedRecord> SqliteStore::findFinished(std::int64_t sdkAppId, std::string_view sessionId) {
  for (const bool chat : {false, true}) {
    SqliteDatabase::Statement st(mDb, std::string("SELECT body, ") + kWrapUpOf + " FROM " +
                                          (chat ? "im_cdrs" : "cdrs") + " t WHERE sdk_app_id=? AND session_id=?");
    st.bind(1, sdkAppId).bind(2, sessionId);
    if (!st.step()) continue;
    FinishedRecord r{std::string(sessionId), chat, parsedObject(st.text(0))};
    mergeWrapUp(r.cdr, st, 1);
    return r;
  }
  return std::nullopt;
}

std::vector<FinishedRecord> SqliteStore::listFinished(std::int64_t sdkAppId, std::string_view userId,
                                                      std::int64_t sinceSec, std::size_t limit) {
  // The user id as it is written in the JSON body (quoted, escaped): instr, not LIKE, so that `_`
  // and `%` in an e-mail address are no wildcards.
  const std::string needle = protocol::dump(Json(std::string(userId)));
  std::vector<std::pair<std::int64_t, FinishedRecord>> rows;
  for (const bool chat : {false, true}) {
    SqliteDatabase::Statement st(mDb, std::string("SELECT session_id, start_ts, body, ") + kWrapUpOf + " FROM " +
                                          (chat ? "im_cdrs" : "cdrs") +
                                          " t WHERE sdk_app_id=? AND start_ts>=? AND instr(body, ?)>0 "
                                          "ORDER BY start_ts DESC, session_id LIMIT ?");
    st.bind(1, sdkAppId).bind(2, sinceSec).bind(3, needle).bind(4, static_cast<std::int64_t>(limit));
    while (st.step()) {
      FinishedRecord r{st.text(0), chat, parsedObject(st.text(2))};
      mergeWrapUp(r.cdr, st, 3);
      rows.emplace_back(st.int64(1), std::move(r));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<FinishedRecord> out;
  for (auto& row : rows) {
    if (out.size() == limit) break;
    out.push_back(std::move(row.second));
  }
  return out;
}

}  // namespace tccc::server
