// SPDX-License-Identifier: Apache-2.0
// The database's circuit breaker (docs/reliability.md "Disk faults").
//
// Any write the disk refuses trips it, from whichever thread met the failure: SQLite reporting an
// I/O error or a full disk on any connection (SqliteDatabase::onDiskFault), or the chat group
// commit's fdatasync failing. While it is open, writes somebody is waiting on are refused at once
// with a clear error instead of being tried against a failing disk (chat messages:
// StorageUnavailable), writes nobody waits on keep their backlog in memory and retry (CDRs, in the
// CdrWriter), and /healthz says so.
//
// Only a probe closes it. Every probeEvery, off the event loop, it commits a small write with fsync
// and then checkpoints the whole write-ahead log into the database file with fsync. That proves the
// disk takes writes again, and that pages written before, whose own fsync may have failed, are on
// disk: Linux reports a failed writeback to fsync once and may then drop the pages' dirty state, so
// a later fsync of the same file succeeding proves nothing about them, while the checkpoint writes
// them afresh.
#ifndef TCCC_SERVER_STORE_STORAGEBREAKER_HPP
#define TCCC_SERVER_STORE_STORAGEBREAKER_HPP

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace tccc::server {

class StorageBreaker {
 public:
  /// Proves the disk takes writes again; throws (any std::exception) when it does not yet. Runs on
  /// the breaker's own thread.
  using Probe = std::function<void(std::int64_t nowMs)>;

  struct Status {
    bool open = false;
    std::int64_t openSinceMs = 0;    // when it last opened (0: never)
    std::string source;              // what met the last failure: "database", "chat sync", …
    std::string lastError;           // its text
    std::int64_t lastErrorAtMs = 0;  //
    std::uint64_t trips = 0;         // failures reported, open or not
    std::uint64_t probesFailed = 0;  // probes the disk refused
    std::int64_t lastRecoveredAtMs = 0;
  };

  StorageBreaker(boost::asio::io_context& io, Probe probe, std::function<std::int64_t()> clockMs,
                 std::chrono::milliseconds probeEvery = std::chrono::seconds(1));
  /// Waits for a probe in flight; its result is dropped.
  ~StorageBreaker();
  StorageBreaker(const StorageBreaker&) = delete;
  StorageBreaker& operator=(const StorageBreaker&) = delete;

  /// A write failed because of the disk. Any thread; opens the breaker and starts probing.
  void trip(std::string_view source, std::string_view error);
  /// Any thread.
  bool isOpen() const { return mOpen.load(std::memory_order_acquire); }
  Status status() const;

 private:
  void scheduleProbe();  // io thread
  void onProbed(std::uint64_t tripsWhenStarted, bool ok, const std::string& error);

  boost::asio::io_context& mIo;
  Probe mProbe;
  std::function<std::int64_t()> mClockMs;
  std::chrono::milliseconds mProbeEvery;
  std::atomic<bool> mOpen{false};
  mutable std::mutex mMutex;  // guards mStatus
  Status mStatus;
  bool mProbing = false;  // io thread: a probe is scheduled or running
  boost::asio::steady_timer mTimer;
  boost::asio::thread_pool mProbeThread{1};  // fsyncs off the event loop
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
};

}  // namespace tccc::server

#endif
