// SPDX-License-Identifier: Apache-2.0
// Notices a disk that stops answering (docs/reliability.md "Disk faults"). A disk that refuses a
// write trips the StorageBreaker through the writer that met the refusal; a disk that hangs (a
// stalled network mount, a dying controller) refuses nothing: the writer just waits, and nothing
// told anyone. So this writes a few bytes with fdatasync to a file beside the database every
// second, on a thread of its own, and a second thread trips the breaker when that write has waited
// longer than `stallAfter`, or at once when it failed. The breaker's probe then closes it when the
// disk answers again, as after any fault; meanwhile writes that somebody waits on are refused
// before they are tried instead of joining the wait.
//
// The cost is one small synced write a second. A write that hangs keeps its thread until the disk
// answers; it outlives this object if need be (the state it touches is shared, not owned).
#ifndef TCCC_SERVER_STORE_DISKWATCH_HPP
#define TCCC_SERVER_STORE_DISKWATCH_HPP

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace tccc::server {

class StorageBreaker;

class DiskWatch {
 public:
  static constexpr std::chrono::milliseconds kDefaultEvery{1000};
  static constexpr std::chrono::milliseconds kDefaultStallAfter{5000};

  /// Starts watching the disk of `path` (a file it rewrites; created 0600 if missing).
  /// `breaker` must outlive this object.
  DiskWatch(std::string path, StorageBreaker& breaker, std::chrono::milliseconds every = kDefaultEvery,
            std::chrono::milliseconds stallAfter = kDefaultStallAfter);
  /// Stops both threads; a write still hanging is left to finish on its own.
  ~DiskWatch();
  DiskWatch(const DiskWatch&) = delete;
  DiskWatch& operator=(const DiskWatch&) = delete;

  /// Watch writes that completed (for tests and /healthz-style figures).
  std::uint64_t completedWrites() const;

 private:
  struct State;
  std::shared_ptr<State> mState;
  std::thread mWriter;
  std::thread mChecker;
};

}  // namespace tccc::server

#endif
