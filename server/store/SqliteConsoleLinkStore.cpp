// SPDX-License-Identifier: Apache-2.0
// SqliteStore's table of the operator console's one-time sign-in links (server/console/). A link is
// written by whichever process issues it (the server at start-up, or a one-shot `--console-link`)
// and used up by the running server, so it lives in the database, as its digest only.
#include "store/SqliteStore.hpp"

namespace tccc::server {

namespace {

constexpr const char* kConsoleLinkSchemaV11 = R"SQL(
CREATE TABLE IF NOT EXISTS console_links (
  token_digest TEXT PRIMARY KEY,
  sdk_app_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX IF NOT EXISTS console_links_expiry ON console_links(expires_at);
)SQL";

}  // namespace

void SqliteStore::migrateConsoleLinksV11() { mDb.exec(kConsoleLinkSchemaV11); }

void SqliteStore::insertConsoleLink(std::string_view tokenDigest, std::int64_t sdkAppId, std::int64_t createdAt,
                                    std::int64_t expiresAt) {
  SqliteDatabase::Statement(
      mDb, "INSERT INTO console_links(token_digest, sdk_app_id, created_at, expires_at) VALUES(?,?,?,?)")
      .bind(1, tokenDigest)
      .bind(2, sdkAppId)
      .bind(3, createdAt)
      .bind(4, expiresAt)
      .run();
}

ConsoleLinkUse SqliteStore::useConsoleLink(std::string_view tokenDigest, std::int64_t now) {
  // The WHERE clause makes this a compare-and-set: of two racing sign-ins only one wins.
  SqliteDatabase::Statement(
      mDb, "UPDATE console_links SET used_at=? WHERE token_digest=? AND used_at IS NULL AND expires_at>=?")
      .bind(1, now)
      .bind(2, tokenDigest)
      .bind(3, now)
      .run();
  const bool won = mDb.changes() == 1;
  SqliteDatabase::Statement st(mDb, "SELECT sdk_app_id, expires_at, used_at FROM console_links WHERE token_digest=?");
  st.bind(1, tokenDigest);
  if (!st.step()) return {ConsoleLinkUse::Outcome::Unknown, 0};
  if (won) return {ConsoleLinkUse::Outcome::SignedIn, st.int64(0)};
  // A link both expired and used reads as used: that is the likelier story for its holder.
  if (!st.isNull(2)) return {ConsoleLinkUse::Outcome::Used, 0};
  return {ConsoleLinkUse::Outcome::Expired, 0};
}

void SqliteStore::purgeConsoleLinks(std::int64_t before) {
  SqliteDatabase::Statement(mDb, "DELETE FROM console_links WHERE expires_at < ?").bind(1, before).run();
}

}  // namespace tccc::server
