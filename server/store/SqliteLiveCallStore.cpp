// SPDX-License-Identifier: Apache-2.0
// SqliteStore's crash journal of live phone calls and the server's liveness mark (docs/reliability.md,
// "Server crash: live calls"). Written by the CDR writer's connection only, read at start-up.
#include "store/SqliteStore.hpp"

namespace tccc::server {

namespace {

// Version 5. One row per live call, keyed by its session id (unique across tenants), replaced when
// the call is answered; one row in server_liveness, rewritten every few seconds while calls are live.
constexpr const char* kLiveCallSchemaV5 = R"SQL(
CREATE TABLE IF NOT EXISTS live_calls (
  session_id TEXT PRIMARY KEY,
  sdk_app_id INTEGER NOT NULL,
  cdr TEXT NOT NULL,
  journaled_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS server_liveness (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  alive_at_ms INTEGER NOT NULL
);
)SQL";

}  // namespace

void SqliteStore::migrateLiveCallsV5() { mDb.exec(kLiveCallSchemaV5); }

void SqliteStore::deleteLiveCall(std::string_view sessionId) {
  SqliteDatabase::Statement(mDb, "DELETE FROM live_calls WHERE session_id=?").bind(1, sessionId).run();
}

void SqliteStore::storeWriteBatch(const CdrWriteBatch& batch) {
  if (batch.cdrs.empty() && batch.liveCalls.empty() && !batch.aliveAtMs) return;
  SqliteDatabase::Transaction tx(mDb);
  // Journal rows first: the writer never puts a call's row and its CDR in one batch (it keeps the
  // CDR alone), but if it did the CDR's delete would still come last and win.
  for (const auto& live : batch.liveCalls)
    SqliteDatabase::Statement(mDb,
                              "INSERT OR REPLACE INTO live_calls(session_id, sdk_app_id, cdr, journaled_at_ms) "
                              "VALUES(?,?,?,?)")
        .bind(1, live.sessionId)
        .bind(2, live.sdkAppId)
        .bind(3, live.cdrText)
        .bind(4, live.journaledAtMs)
        .run();
  for (const auto& item : batch.cdrs) {
    insertCdr(item.record, item.push);
    if (item.endsLiveCall) deleteLiveCall(item.record.sessionId);
  }
  if (batch.aliveAtMs)
    SqliteDatabase::Statement(mDb, "INSERT OR REPLACE INTO server_liveness(id, alive_at_ms) VALUES(1, ?)")
        .bind(1, *batch.aliveAtMs)
        .run();
  tx.commit();
}

std::vector<LiveCallRecord> SqliteStore::listLiveCalls() {
  SqliteDatabase::Statement st(
      mDb, "SELECT sdk_app_id, session_id, cdr, journaled_at_ms FROM live_calls ORDER BY journaled_at_ms, session_id");
  std::vector<LiveCallRecord> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.int64(3)});
  return out;
}

std::optional<std::int64_t> SqliteStore::lastAliveAtMs() {
  SqliteDatabase::Statement st(mDb, "SELECT alive_at_ms FROM server_liveness WHERE id=1");
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

void SqliteStore::closeLiveCalls(const std::vector<CdrBatchItem>& cdrs) {
  SqliteDatabase::Transaction tx(mDb);
  for (const auto& cdr : cdrs) {
    insertCdr(cdr.record, cdr.push);
    deleteLiveCall(cdr.record.sessionId);
  }
  tx.commit();
}

}  // namespace tccc::server
