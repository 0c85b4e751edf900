// SPDX-License-Identifier: Apache-2.0
// One transaction that commits without waiting for the disk (WAL mode: its frames are written, not
// synced): for writes whose durability a later fsync provides (chat group commit) or that may be
// lost in a crash without breaking a promise (the live-chat journal).
#ifndef TCCC_SERVER_STORE_RELAXEDSYNC_HPP
#define TCCC_SERVER_STORE_RELAXEDSYNC_HPP

#include "store/SqliteDatabase.hpp"

namespace tccc::server {

// The setting cannot change inside a transaction, so this wraps the whole of it.
class RelaxedSync {
 public:
  explicit RelaxedSync(SqliteDatabase& db, bool on) : mDb(on ? &db : nullptr) {
    if (mDb) mDb->exec("PRAGMA synchronous=NORMAL");
  }
  ~RelaxedSync() {
    if (!mDb) return;
    try {
      mDb->exec("PRAGMA synchronous=FULL");
    } catch (const std::exception&) {
      // Never fails on an open connection; a destructor must not throw either way.
    }
  }
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;

 private:
  SqliteDatabase* mDb;
};

}  // namespace tccc::server

#endif
