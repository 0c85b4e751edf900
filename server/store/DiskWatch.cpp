// SPDX-License-Identifier: Apache-2.0
#include "store/DiskWatch.hpp"

#include "store/StorageBreaker.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>

namespace tccc::server {

namespace {
using Clock = std::chrono::steady_clock;

std::int64_t ticks(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
}  // namespace

struct DiskWatch::State {
  std::string path;
  StorageBreaker& breaker;
  std::chrono::milliseconds every;
  std::chrono::milliseconds stallAfter;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;                      // guarded by mutex
  std::atomic<std::int64_t> writingSince{0};  // steady ms of the write in flight, 0 when none
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> writes{0};  // started; a stall is reported once per write

  State(std::string p, StorageBreaker& b, std::chrono::milliseconds e, std::chrono::milliseconds s)
      : path(std::move(p)), breaker(b), every(e), stallAfter(s) {}

  bool isStopping() {
    std::lock_guard<std::mutex> lock(mutex);
    return stopping;
  }

  /// Waits `d` or until stopping; true when stopping.
  bool sleepFor(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mutex);
    return wake.wait_for(lock, d, [&] { return stopping; });
  }

  /// One write of the current time and its fdatasync; an error text when the disk refused it.
  std::string writeOnce(int fd) {
    const std::int64_t now = ticks(Clock::now());
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(now >> (8 * i));
    const ssize_t n = ::pwrite(fd, bytes, sizeof bytes, 0);
    if (n != static_cast<ssize_t>(sizeof bytes))
      return n < 0 ? std::string("write: ") + std::strerror(errno) : "write: short write";
    if (::fdatasync(fd) != 0) return std::string("fdatasync: ") + std::strerror(errno);
    return "";
  }

  void writerLoop() {
    int fd = -1;
    while (true) {
      // Opening counts as part of the write: on a mount that hangs, open() hangs too.
      ++writes;
      writingSince.store(ticks(Clock::now()));
      if (fd < 0) fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      std::string error = fd < 0 ? std::string("open: ") + std::strerror(errno) : writeOnce(fd);
      writingSince.store(0);
      if (error.empty()) {
        ++completed;
      } else {
        if (isStopping()) break;  // a write that hung past the shutdown reports to no one
        breaker.trip("disk watch", path + ": " + error);
        if (fd >= 0) ::close(fd);
        fd = -1;  // opened afresh next time (the file may have been removed)
      }
      if (sleepFor(every)) break;
    }
    if (fd >= 0) ::close(fd);
  }

  void checkerLoop() {
    std::uint64_t reported = 0;  // the write whose stall was reported
    const auto step = std::min(stallAfter / 4, std::chrono::milliseconds(250));
    while (!sleepFor(step)) {
      const std::int64_t since = writingSince.load();
      const std::uint64_t write = writes.load();
      if (since == 0 || write == reported) continue;
      const std::int64_t waited = ticks(Clock::now()) - since;
      if (waited < stallAfter.count()) continue;
      reported = write;
      breaker.trip("disk watch", "a write to " + path + " has waited " + std::to_string(waited) +
                                     " ms for the disk: the disk is not answering");
    }
  }
};

DiskWatch::DiskWatch(std::string path, StorageBreaker& breaker, std::chrono::milliseconds every,
                     std::chrono::milliseconds stallAfter)
    : mState(std::make_shared<State>(std::move(path), breaker, every, stallAfter)) {
  mWriter = std::thread([state = mState] { state->writerLoop(); });
  mChecker = std::thread([state = mState] { state->checkerLoop(); });
}

DiskWatch::~DiskWatch() {
  {
    std::lock_guard<std::mutex> lock(mState->mutex);
    mState->stopping = true;
  }
  mState->wake.notify_all();
  mChecker.join();
  // A write hanging on the disk would hold up the shutdown: let it finish by itself. Its state is
  // shared; the breaker it may trip then is declared before this object and outlives the process's
  // orderly part (a hung disk also holds up the database's own last commit).
  if (mState->writingSince.load() != 0)
    mWriter.detach();
  else
    mWriter.join();
}

std::uint64_t DiskWatch::completedWrites() const { return mState->completed.load(); }

}  // namespace tccc::server
