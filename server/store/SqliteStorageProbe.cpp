// SPDX-License-Identifier: Apache-2.0
// What the disk-fault breaker needs of the store: disk faults reported to it, writes refused while
// it is open, and the probe that closes it (store/StorageBreaker.hpp).
#include "store/SqliteStore.hpp"

namespace tccc::server {

void SqliteStore::migrateStorageProbeV9() {
  // One row, rewritten by each probe. IF NOT EXISTS: tests replay migrations on a newer file.
  mDb.exec("CREATE TABLE IF NOT EXISTS storage_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at_ms INTEGER NOT NULL)");
}

void SqliteStore::setStorageBreaker(StorageBreaker* breaker) {
  mBreaker = breaker;
  if (breaker)
    mDb.onDiskFault([breaker](std::string_view error) { breaker->trip("database", error); });
  else
    mDb.onDiskFault(nullptr);
}

bool SqliteStore::acceptingWrites() const { return !mBreaker || !mBreaker->isOpen(); }

void SqliteStore::proveWritable(const std::string& path, std::int64_t nowMs) {
  SqliteDatabase db(path);
  db.exec("PRAGMA synchronous=FULL");  // the commit below waits for its fsync
  SqliteDatabase::Statement(db, "INSERT OR REPLACE INTO storage_probe(id, at_ms) VALUES(1, ?)").bind(1, nowMs).run();
  // FULL waits (busy timeout) for the other connections' writers and readers, so that every frame
  // of the log, those written before the failure included, is copied into the database file and
  // that file fsynced.
  SqliteDatabase::Statement checkpoint(db, "PRAGMA wal_checkpoint(FULL)");
  if (checkpoint.step() && checkpoint.int64(0) != 0)
    throw StoreError("the write-ahead log could not be checkpointed: the database stayed busy");
}

}  // namespace tccc::server
