// SPDX-License-Identifier: Apache-2.0
// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
// Errors throw StoreError (DiskError when the disk refused: an I/O error or a full disk); the callers
// at the API boundary turn that into InternalError.
// Prepared statements are kept per connection and reused by SQL text: compiling an INSERT costs
// more than running it (the CDR writer spent a fifth of its time in sqlite3_prepare and the
// BEGIN/COMMIT parser). A connection, and its statements, belong to one thread at a time.
#ifndef TCCC_SERVER_STORE_SQLITEDATABASE_HPP
#define TCCC_SERVER_STORE_SQLITEDATABASE_HPP

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace tccc::server {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A StoreError whose cause is the disk (SQLITE_IOERR_*, SQLITE_FULL), not the statement.
class DiskError : public StoreError {
 public:
  using StoreError::StoreError;
};

class SqliteDatabase {
 public:
  class Statement {
   public:
    Statement(SqliteDatabase& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based as in SQLite; each returns *this so binds can be chained.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bindNull(int index);
    Statement& bind(int index, const std::optional<std::int64_t>& value) {
      return value ? bind(index, *value) : bindNull(index);
    }

    /// Advances; true while a row is available.
    bool step();
    /// Runs a statement that returns no rows.
    void run();

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    bool isNull(int column) const;

   private:
    SqliteDatabase& mDb;
    sqlite3_stmt* mStmt = nullptr;
  };

  /// Prepared statements kept for reuse at most (idle ones; those in use are not counted).
  static constexpr std::size_t kMaxCachedStatements = 64;

  /// BEGIN IMMEDIATE … COMMIT; rolls back when destroyed without commit() (e.g. on an exception).
  class Transaction {
   public:
    explicit Transaction(SqliteDatabase& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    SqliteDatabase& mDb;
    bool mDone = false;
  };

  /// Opens (creating if needed) the database file; ":memory:" for a private in-memory database.
  explicit SqliteDatabase(const std::string& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  /// Runs one or more statements (not cached: schema, pragmas).
  void exec(std::string_view sql);
  std::int64_t changes() const;
  std::int64_t lastInsertRowId() const;
  sqlite3* handle() const { return mDb; }
  /// Called with the error's text, on this connection's thread, before a DiskError is thrown: the
  /// server's StorageBreaker learns of a failing disk from every connection that meets it.
  void onDiskFault(std::function<void(std::string_view error)> handler) { mOnDiskFault = std::move(handler); }
  /// Statements compiled so far (for tests: the cache makes repeated SQL compile once).
  std::uint64_t statementsPrepared() const { return mPrepared; }

 private:
  /// Throws the connection's current error as a StoreError, or a DiskError when the disk caused it.
  [[noreturn]] void fail(std::string_view what) const;
  [[noreturn]] void throwError(std::string message, int code) const;
  /// An idle cached statement for `sql`, or a newly prepared one.
  sqlite3_stmt* acquire(std::string_view sql);
  /// Resets the statement and keeps it for the next use of its SQL (or finalizes it).
  void release(sqlite3_stmt* stmt);

  sqlite3* mDb = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> mIdle;  // by SQL text
  std::uint64_t mPrepared = 0;
  std::function<void(std::string_view)> mOnDiskFault;
};

}  // namespace tccc::server

#endif
