// SPDX-License-Identifier: Apache-2.0
// The server's CdrSink: CDR writes off the event loop, with group commit.
//
// storeCdr (io thread) only validates the CDR and queues it. A thread of its own, with its own
// SQLite connection on the same file (WAL, synchronous=FULL), takes whatever is queued (at most
// maxBatch CDRs; after the first one it lingers up to maxDelay for more) and commits those CDRs
// and their push jobs in ONE transaction: one fsync per batch instead of one per call, and the
// event loop never waits for the disk. After the commit it posts back to the io_context, which
// wakes the pusher and tells the optional stored-handler, so nothing is pushed (or reported)
// before it is durable. The push job rows are committed with the CDRs, so pushes still survive a
// restart. A failed commit (disk full, database locked for long) keeps the batch at the head of the
// queue and retries; the queue bound then makes storeCdr refuse, and the contact center keeps
// (and re-offers) the CDRs it could not hand over.
//
// It also keeps the crash journal of live phone calls (docs/reliability.md): journalLiveCall
// (io thread) serialises a call's CDR so far and queues it; the writer writes it in the next
// batch's transaction, and a CDR deletes its call's journal row in its own transaction. Entries of
// a call whose CDR is in the same batch, and older entries of a call journaled again, are never
// written: a short call costs only its CDR. While calls are journaled the writer also stamps the
// server's liveness mark every aliveEvery, in a batch's transaction or in one of its own when idle.
//
// The same thread and connection also take the server's other small records that must not cost
// the event loop an fsync (recording catalogue rows and their pushes, transcript sentences):
// submit() queues a StoreTask, run in a transaction of its own between CDR batches.
#ifndef TCCC_SERVER_PUSH_CDRWRITER_HPP
#define TCCC_SERVER_PUSH_CDRWRITER_HPP

#include "Interfaces.hpp"
#include "push/CdrPusher.hpp"
#include "store/Repositories.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace tccc::server {

class SqliteStore;
class StorageBreaker;

struct CdrWriterOptions {
  std::size_t maxBatch = 256;  // CDRs per transaction at most
  // A batch waits this long at most for more CDRs. A commit costs ~120 µs of CPU (WAL frames and
  // fdatasync) on top of ~30 µs per CDR (bench/load.mjs, 2-core VM): at 500 calls/s a 5 ms linger
  // made batches of ~3 and ~80 µs per CDR, 20 ms makes ~10 and ~45 µs. Nothing waits for the
  // commit but pushes and DescribeTelCdr, for which 20 ms is nothing.
  std::chrono::milliseconds maxDelay{20};
  std::size_t maxQueued = 100000;              // storeCdr refuses (returns false) beyond this backlog
  std::chrono::milliseconds retryDelay{1000};  // after a failed commit
  int shutdownAttempts = 3;                    // commits tried per batch while shutting down
  // While calls are journaled, the liveness mark is rewritten this often at least: a call the
  // server dies in ends, in its recovered CDR, at most this long before the server really died.
  std::chrono::milliseconds aliveEvery{2000};
  // Disk faults of the writer's connection trip it (may be null). A store task failing while it is
  // open is not given up: the disk, not the task, is at fault, and the task waits for its recovery.
  StorageBreaker* breaker = nullptr;
};

class CdrWriter : public CdrSink {
 public:
  /// Runs on the io_context after a CDR's transaction committed. The record carries the CDR as
  /// text (cdrText); its `cdr` is null.
  using StoredHandler = std::function<void(const CdrRecord&)>;

  struct Stats {
    std::uint64_t accepted = 0;      // storeCdr calls that returned true
    std::uint64_t stored = 0;        // CDRs committed
    std::uint64_t transactions = 0;  // successful commits
    std::uint64_t failedCommits = 0;
    std::uint64_t lost = 0;                // given up at shutdown after repeated failures (logged with their JSON)
    std::size_t queued = 0;                // waiting or being committed
    std::size_t tasksQueued = 0;           // StoreTasks waiting or running
    std::uint64_t tasksFailed = 0;         // given up (logged)
    std::uint64_t liveCallsJournaled = 0;  // journal rows written (or replaced)
    std::uint64_t liveCallsCoalesced = 0;  // journal entries never written: superseded, or their CDR came along
    std::uint64_t aliveMarks = 0;          // liveness marks written
  };

  /// A write of something other than a CDR, for the writer thread: `write` gets the writer's own
  /// store and makes its own transaction (one repository call does). Then `done(ok)` runs on the
  /// io_context, after the pusher was woken when `queuesPush`. A `write` that throws is retried
  /// like a CDR batch (after retryDelay, or sooner when CDRs are waiting) and given up, logged,
  /// after kMaxTaskAttempts failures in a row (shutdownAttempts while shutting down).
  static constexpr int kMaxTaskAttempts = 10;
  struct StoreTask {
    std::function<void(SqliteStore&)> write;
    bool queuesPush = false;
    std::function<void(bool ok)> done;  // optional
  };

  /// Opens its own connection to `databasePath` (throws StoreError when that fails) and starts the
  /// writer thread. `pusher` may be null or disabled: CDRs are then only stored.
  CdrWriter(boost::asio::io_context& io, const std::string& databasePath, CdrPusher* pusher,
            std::function<std::int64_t()> clockMs, CdrWriterOptions options = {});
  /// shutdown(), then drops the stored-handler; posted completions that have not run yet do nothing.
  ~CdrWriter() override;
  CdrWriter(const CdrWriter&) = delete;
  CdrWriter& operator=(const CdrWriter&) = delete;

  /// Queues the CDR. False when it is not a JSON object, when the writer is shut down, or when the
  /// backlog is over maxQueued (the caller keeps the CDR and offers it again later).
  bool storeCdr(std::int64_t sdkAppId, const Json& cdr) override;

  /// Queues a live call's CDR so far for the journal (CdrSink). Dropped, logged, when shut down or
  /// when maxQueued entries wait already.
  void journalLiveCall(std::int64_t sdkAppId, Json cdrSoFar) override;

  /// Queues a StoreTask; any thread. False when shut down or when maxQueued tasks wait already.
  bool submit(StoreTask task);

  /// Call on the io thread before the first storeCdr.
  void setStoredHandler(StoredHandler handler);

  /// Blocks until every CDR accepted before this call is committed (or given up), or `timeout`
  /// passes; true when they all are. Cuts the current batch's linger short. Does not run the
  /// io_context: stored-handlers come later. For tests and tools; the server uses whenFlushed.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// flush() without blocking, for the io thread: `done(true)` runs on the io_context once every
  /// CDR accepted before this call is committed (or given up), `done(false)` once `timeout` has
  /// passed first; exactly one of them. Cuts the current batch's linger short. With nothing
  /// pending, `done(true)` runs before this returns.
  void whenFlushed(std::chrono::milliseconds timeout, std::function<void(bool)> done);

  /// Refuses new CDRs, commits everything queued, stops the thread. Idempotent; blocks.
  void shutdown();

  Stats stats() const;

 private:
  struct FlushWaiter {
    std::uint64_t target;  // mFinishedSeq that satisfies it
    std::function<void(bool)> done;
    std::shared_ptr<boost::asio::steady_timer> timeout;
  };
  struct Shared {
    CdrPusher* pusher = nullptr;
    StoredHandler onStored;
    std::vector<FlushWaiter> flushWaiters;  // whenFlushed, oldest first
  };

  /// A journal entry waiting for the writer: the CDR is serialised on the writer thread.
  struct LiveCallEntry {
    LiveCallRecord record;  // the CDR so far already serialised (cdrText)
  };

  void run();
  /// Writer thread, lock not held: the batch's journal rows out of the taken entries (the newest per
  /// call, none for a call whose CDR is in `cdrs`), and which CDRs end a journaled call. Returns how
  /// many entries it left out.
  std::size_t prepareLiveCalls(CdrWriteBatch& batch, std::vector<LiveCallEntry>& entries);
  /// Writer thread: whether this commit should carry a liveness mark.
  bool aliveMarkDue(const CdrWriteBatch& batch) const;
  /// Runs the first queued task (the lock held on entry and exit); false when it must be retried.
  bool runTask(std::unique_lock<std::mutex>& lock, int& failuresInARow);
  void notifyTaskDone(StoreTask task, bool ok);
  bool commit(const CdrWriteBatch& batch);
  void notifyStored(std::vector<CdrBatchItem> batch);
  /// Writer thread, after mFinishedSeq grew: settles the whenFlushed waiters it satisfies, on the io thread.
  void notifyFinished(std::uint64_t finishedSeq);
  /// io thread: removes the waiter (satisfied or timed out) and runs its `done`.
  void settleWaiter(Shared& shared, std::size_t index, bool flushed);

  boost::asio::io_context& mIo;
  CdrWriterOptions mOptions;
  std::function<std::int64_t()> mClockMs;
  bool mPushEnabled;
  // Set by setStoredHandler (before the first CDR): without it and without pushing, a committed
  // batch has nobody to tell and is freed on the writer thread instead of being posted back.
  std::atomic<bool> mHasStoredHandler{false};
  std::unique_ptr<SqliteStore> mStore;  // used by the writer thread only
  // Touched on the io thread only; the writer thread keeps a weak_ptr made in the constructor.
  std::shared_ptr<Shared> mShared;
  std::weak_ptr<Shared> mSharedWeak;

  mutable std::mutex mMutex;
  std::condition_variable mWake;      // the writer: work arrived or closing
  std::condition_variable mProgress;  // flush(): a batch finished
  std::deque<CdrBatchItem> mQueue;
  std::deque<StoreTask> mTasks;
  std::vector<LiveCallEntry> mLiveCalls;  // journal entries waiting, oldest first
  // Writer thread only: the calls with a journal row, and when the next liveness mark is due.
  std::unordered_set<std::string> mJournaled;
  std::chrono::steady_clock::time_point mNextAliveMark{};
  std::size_t mTasksInFlight = 0;
  std::size_t mInFlight = 0;
  bool mClosing = false;
  bool mExited = false;
  int mFlushWaiters = 0;           // flush() and whenFlushed callers waiting: the writer does not linger
  std::uint64_t mAcceptedSeq = 0;  // CDRs accepted so far
  std::uint64_t mFinishedSeq = 0;  // CDRs committed or given up so far (FIFO, so a prefix)
  Stats mStats;
  std::thread mThread;
};

}  // namespace tccc::server

#endif
