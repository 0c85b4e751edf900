// SPDX-License-Identifier: Apache-2.0
#include "store/SqliteDatabase.hpp"

#include <sqlite3.h>

namespace tccc::server {

SqliteDatabase::SqliteDatabase(const std::string& path) {
  int rc =
      sqlite3_open_v2(path.c_str(), &mDb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = mDb ? sqlite3_errmsg(mDb) : "out of memory";
    if (mDb) sqlite3_close(mDb);
    mDb = nullptr;
    throw StoreError("cannot open database " + path + ": " + message);
  }
  // Another process (a second server on the same data dir, a CLI reading CDRs) may hold a lock
  // briefly; wait for it rather than failing the request.
  sqlite3_busy_timeout(mDb, 5000);
  sqlite3_extended_result_codes(mDb, 1);
}

SqliteDatabase::~SqliteDatabase() {
  for (auto& [sql, stmt] : mIdle) sqlite3_finalize(stmt);
  if (mDb) sqlite3_close_v2(mDb);
}

sqlite3_stmt* SqliteDatabase::acquire(std::string_view sql) {
  if (auto it = mIdle.find(std::string(sql)); it != mIdle.end()) {
    sqlite3_stmt* stmt = it->second;
    mIdle.erase(it);  // in use: a second Statement with the same SQL meanwhile prepares its own
    return stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(mDb, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK)
    fail("prepare");
  ++mPrepared;
  return stmt;
}

void SqliteDatabase::release(sqlite3_stmt* stmt) {
  if (!stmt) return;
  // Reset ends the statement's read or write (a reused SELECT must not pin an old snapshot) and
  // clear_bindings drops copies of bound text; the error a reset may repeat was reported by step.
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  const char* sql = sqlite3_sql(stmt);
  if (sql && mIdle.size() < kMaxCachedStatements && mIdle.emplace(sql, stmt).second) return;
  sqlite3_finalize(stmt);
}

void SqliteDatabase::fail(std::string_view what) const {
  throwError(std::string(what) + ": " + sqlite3_errmsg(mDb), sqlite3_extended_errcode(mDb));
}

void SqliteDatabase::throwError(std::string message, int code) const {
  const int primary = code & 0xff;
  if (primary != SQLITE_IOERR && primary != SQLITE_FULL) throw StoreError(message);
  if (mOnDiskFault) mOnDiskFault(message);
  throw DiskError(message);
}

void SqliteDatabase::exec(std::string_view sql) {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(mDb, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throwError("sql failed: " + message, sqlite3_extended_errcode(mDb));
  }
}

std::int64_t SqliteDatabase::changes() const { return sqlite3_changes(mDb); }
std::int64_t SqliteDatabase::lastInsertRowId() const { return sqlite3_last_insert_rowid(mDb); }

SqliteDatabase::Statement::Statement(SqliteDatabase& db, std::string_view sql) : mDb(db), mStmt(db.acquire(sql)) {}

SqliteDatabase::Statement::~Statement() { mDb.release(mStmt); }

SqliteDatabase::Statement& SqliteDatabase::Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(mStmt, index, value) != SQLITE_OK) mDb.fail("bind");
  return *this;
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(mStmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    mDb.fail("bind");
  return *this;
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bindNull(int index) {
  if (sqlite3_bind_null(mStmt, index) != SQLITE_OK) mDb.fail("bind");
  return *this;
}

bool SqliteDatabase::Statement::step() {
  int rc = sqlite3_step(mStmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  mDb.fail("step");
}

void SqliteDatabase::Statement::run() {
  while (step()) {
  }
}

std::int64_t SqliteDatabase::Statement::int64(int column) const { return sqlite3_column_int64(mStmt, column); }

std::string SqliteDatabase::Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(mStmt, column));
  if (!data) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(mStmt, column)));
}

bool SqliteDatabase::Statement::isNull(int column) const { return sqlite3_column_type(mStmt, column) == SQLITE_NULL; }

SqliteDatabase::Transaction::Transaction(SqliteDatabase& db) : mDb(db) { Statement(mDb, "BEGIN IMMEDIATE").run(); }

SqliteDatabase::Transaction::~Transaction() {
  if (!mDone) {
    try {
      Statement(mDb, "ROLLBACK").run();
    } catch (...) {
      // Nothing more can be done in a destructor; SQLite rolls back on close anyway.
    }
  }
}

void SqliteDatabase::Transaction::commit() {
  Statement(mDb, "COMMIT").run();
  mDone = true;
}

}  // namespace tccc::server
