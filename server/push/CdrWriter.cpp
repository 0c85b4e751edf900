// SPDX-License-Identifier: Apache-2.0
#include "push/CdrWriter.hpp"

#include "push/DurableCdrSink.hpp"
#include "store/SqliteStore.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace tccc::server {

CdrWriter::CdrWriter(boost::asio::io_context& io, const std::string& databasePath, CdrPusher* pusher,
                     std::function<std::int64_t()> clockMs, CdrWriterOptions options)
    : mIo(io),
      mOptions(options),
      mClockMs(std::move(clockMs)),
      mPushEnabled(pusher && pusher->enabled()),
      // Opened here, not on the thread, so a bad path fails the server's start-up loudly. The
      // connection is then used by the writer thread alone.
      mStore(std::make_unique<SqliteStore>(databasePath)),
      mShared(std::make_shared<Shared>()),
      mSharedWeak(mShared) {
  if (mOptions.maxBatch == 0) mOptions.maxBatch = 1;
  if (mOptions.shutdownAttempts < 1) mOptions.shutdownAttempts = 1;
  mShared->pusher = pusher;
  if (mOptions.breaker) mStore->setStorageBreaker(mOptions.breaker);
  mThread = std::thread([this] { run(); });
}

CdrWriter::~CdrWriter() {
  shutdown();
  mShared.reset();
}

void CdrWriter::setStoredHandler(StoredHandler handler) {
  mHasStoredHandler = static_cast<bool>(handler);
  mShared->onStored = std::move(handler);
}

bool CdrWriter::storeCdr(std::int64_t sdkAppId, const Json& cdr) {
  std::optional<CdrBatchItem> item;
  try {
    item = DurableCdrSink::prepare(sdkAppId, cdr, mClockMs(), mPushEnabled);
  } catch (const std::exception& e) {
    spdlog::error("storeCdr: cannot prepare the CDR for app {}: {}", sdkAppId, e.what());
    return false;
  }
  if (!item) return false;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    if (mClosing) {
      spdlog::warn("storeCdr: the CDR writer is shut down; CDR {} refused", item->record.sessionId);
      return false;
    }
    if (mQueue.size() >= mOptions.maxQueued) {
      spdlog::warn("storeCdr: {} CDRs wait for the disk; CDR {} refused for now", mQueue.size(),
                   item->record.sessionId);
      return false;
    }
    mQueue.push_back(std::move(*item));
    ++mAcceptedSeq;
    ++mStats.accepted;
    // The writer waits for a first CDR, or lingers until the batch is full: only those two need
    // a wake-up. Waking it for every CDR cost two context switches per call under load.
    wake = mQueue.size() == 1 || mQueue.size() >= mOptions.maxBatch;
  }
  if (wake) mWake.notify_one();
  return true;
}

void CdrWriter::journalLiveCall(std::int64_t sdkAppId, Json cdrSoFar) {
  LiveCallEntry entry;
  auto sessionId = cdrSoFar.find("SessionId");
  if (!cdrSoFar.is_object() || sessionId == cdrSoFar.end() || !sessionId->is_string()) return;
  entry.record.sdkAppId = sdkAppId;
  entry.record.sessionId = sessionId->get<std::string>();
  entry.record.journaledAtMs = mClockMs();
  // Serialised here, while the tree just built is still in this core's cache, and freed on the
  // thread that allocated it. Handing the tree to the writer thread to serialise or drop later
  // cost it ~5 % of the server's CPU in bench/load.mjs (mostly walking the cold tree to free it),
  // against ~1 % for this dump.
  entry.record.cdrText = protocol::dump(cdrSoFar);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    if (mClosing || mLiveCalls.size() >= mOptions.maxQueued) {
      spdlog::warn("CDR writer: live call {} not journaled (shut down or backlog full)", entry.record.sessionId);
      return;
    }
    mLiveCalls.push_back(std::move(entry));
    // As storeCdr: only the first item of an idle writer needs a wake-up; otherwise the writer is
    // lingering or committing and takes the entry with its next batch.
    wake = mLiveCalls.size() == 1 && mQueue.empty();
  }
  if (wake) mWake.notify_one();
}

bool CdrWriter::submit(StoreTask task) {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    if (mClosing) {
      spdlog::warn("CDR writer: shut down; a store task was refused");
      return false;
    }
    if (mTasks.size() >= mOptions.maxQueued) {
      spdlog::warn("CDR writer: {} store tasks wait for the disk; one more refused", mTasks.size());
      return false;
    }
    mTasks.push_back(std::move(task));
  }
  mWake.notify_one();
  return true;
}

bool CdrWriter::runTask(std::unique_lock<std::mutex>& lock, int& failuresInARow) {
  StoreTask task = std::move(mTasks.front());
  mTasks.pop_front();
  ++mTasksInFlight;
  lock.unlock();
  bool ok = false;
  std::string error;
  try {
    task.write(*mStore);
    ok = true;
  } catch (const std::exception& e) {
    error = e.what();
  }
  lock.lock();
  --mTasksInFlight;
  if (ok) {
    failuresInARow = 0;
    lock.unlock();
    notifyTaskDone(std::move(task), true);
    lock.lock();
    return true;
  }
  spdlog::error("CDR writer: a store task failed: {}", error);
  if (!mOptions.breaker || !mOptions.breaker->isOpen() || mClosing) ++failuresInARow;
  if (failuresInARow >= (mClosing ? mOptions.shutdownAttempts : kMaxTaskAttempts)) {
    spdlog::error("CDR writer: giving up on a store task after {} attempts", failuresInARow);
    ++mStats.tasksFailed;
    failuresInARow = 0;
    lock.unlock();
    notifyTaskDone(std::move(task), false);
    lock.lock();
    return true;
  }
  mTasks.push_front(std::move(task));
  return false;
}

void CdrWriter::notifyTaskDone(StoreTask task, bool ok) {
  if (!task.done && !(ok && task.queuesPush && mPushEnabled)) return;
  boost::asio::post(mIo, [weak = mSharedWeak, task = std::move(task), ok] {
    auto shared = weak.lock();
    if (!shared) return;
    if (ok && task.queuesPush && shared->pusher) shared->pusher->kick();
    if (task.done) task.done(ok);
  });
}

bool CdrWriter::flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mMutex);
  const std::uint64_t target = mAcceptedSeq;
  if (mFinishedSeq >= target) return true;
  ++mFlushWaiters;  // someone is waiting: the writer stops lingering for more CDRs
  mWake.notify_all();
  bool done =
      mProgress.wait_for(lock, timeout, [&] { return mFinishedSeq >= target || mExited; }) && mFinishedSeq >= target;
  --mFlushWaiters;
  return done;
}

void CdrWriter::whenFlushed(std::chrono::milliseconds timeout, std::function<void(bool)> done) {
  std::uint64_t target = 0;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    if (mFinishedSeq < mAcceptedSeq) {
      target = mAcceptedSeq;
      ++mFlushWaiters;  // the writer stops lingering for more CDRs
    }
  }
  if (target == 0) {
    done(true);
    return;
  }
  mWake.notify_all();
  // Registered before anything the writer posts can run (this is the io thread), so a batch that
  // finishes right now still finds it.
  auto timer = std::make_shared<boost::asio::steady_timer>(mIo, timeout);
  mShared->flushWaiters.push_back({target, std::move(done), timer});
  timer->async_wait([this, weak = mSharedWeak, timer](const boost::system::error_code& ec) {
    auto shared = weak.lock();
    if (ec || !shared) return;  // settled first (the timer was cancelled), or the writer is gone
    auto& waiters = shared->flushWaiters;
    for (std::size_t i = 0; i < waiters.size(); ++i)
      if (waiters[i].timeout == timer) return settleWaiter(*shared, i, false);
  });
}

void CdrWriter::notifyFinished(std::uint64_t finishedSeq) {
  boost::asio::post(mIo, [this, weak = mSharedWeak, finishedSeq] {
    auto shared = weak.lock();
    if (!shared) return;
    for (;;) {
      auto& waiters = shared->flushWaiters;
      auto satisfied =
          std::find_if(waiters.begin(), waiters.end(), [&](const FlushWaiter& w) { return w.target <= finishedSeq; });
      if (satisfied == waiters.end()) return;
      settleWaiter(*shared, static_cast<std::size_t>(satisfied - waiters.begin()), true);
    }
  });
}

void CdrWriter::settleWaiter(Shared& shared, std::size_t index, bool flushed) {
  FlushWaiter waiter = std::move(shared.flushWaiters[index]);
  shared.flushWaiters.erase(shared.flushWaiters.begin() + static_cast<std::ptrdiff_t>(index));
  waiter.timeout->cancel();
  {
    std::lock_guard<std::mutex> lock(mMutex);
    --mFlushWaiters;
  }
  // Last: `done` may well ask for another flush.
  waiter.done(flushed);
}

void CdrWriter::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mClosing = true;
  }
  mWake.notify_all();
  if (mThread.joinable()) mThread.join();
}

CdrWriter::Stats CdrWriter::stats() const {
  std::lock_guard<std::mutex> lock(mMutex);
  Stats s = mStats;
  s.queued = mQueue.size() + mInFlight;
  s.tasksQueued = mTasks.size() + mTasksInFlight;
  return s;
}

bool CdrWriter::commit(const CdrWriteBatch& batch) {
  try {
    mStore->storeWriteBatch(batch);
    return true;
  } catch (const std::exception& e) {
    spdlog::error("CDR writer: committing {} CDRs and {} live calls failed: {}", batch.cdrs.size(),
                  batch.liveCalls.size(), e.what());
    return false;
  }
}

std::size_t CdrWriter::prepareLiveCalls(CdrWriteBatch& batch, std::vector<LiveCallEntry>& entries) {
  // Calls whose CDR is in this batch: their entries are moot, and their row (if any) goes.
  std::unordered_set<std::string_view> ending;
  for (auto& item : batch.cdrs) {
    item.endsLiveCall = mJournaled.count(item.record.sessionId) > 0;
    if (!entries.empty()) ending.insert(item.record.sessionId);
  }
  // Newest first, so the first entry seen for a call is the one to keep. The views point into the
  // kept records: reserved, so they do not move.
  std::unordered_set<std::string_view> seen;
  std::size_t coalesced = 0;
  batch.liveCalls.reserve(entries.size());
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const std::string& id = it->record.sessionId;
    if (ending.count(id) || seen.count(id)) {
      ++coalesced;
      continue;
    }
    batch.liveCalls.push_back(std::move(it->record));
    seen.insert(batch.liveCalls.back().sessionId);
  }
  return coalesced;
}

bool CdrWriter::aliveMarkDue(const CdrWriteBatch& batch) const {
  if (mJournaled.empty() && batch.liveCalls.empty()) return false;  // no live call would need it
  return std::chrono::steady_clock::now() >= mNextAliveMark;
}

void CdrWriter::notifyStored(std::vector<CdrBatchItem> batch) {
  if (!mPushEnabled && !mHasStoredHandler) return;  // nobody to wake or tell
  // Posting is thread-safe; the handler runs on the io thread like the rest of the server. If the
  // io_context is no longer run (shutdown), the pending push jobs are in the database and the next
  // start resumes them.
  boost::asio::post(mIo, [weak = mSharedWeak, batch = std::move(batch)] {
    auto shared = weak.lock();
    if (!shared) return;
    bool anyPush = false;
    for (const auto& item : batch) anyPush = anyPush || item.push.has_value();
    if (anyPush && shared->pusher) shared->pusher->kick();
    if (shared->onStored)
      for (const auto& item : batch) shared->onStored(item.record);
  });
}

void CdrWriter::run() {
  int failuresInARow = 0;
  int taskFailuresInARow = 0;
  bool gaveUp = false;  // at shutdown: once one batch was given up, the disk is not coming back
  std::unique_lock<std::mutex> lock(mMutex);
  auto hasWork = [&] { return !mQueue.empty() || !mLiveCalls.empty() || !mTasks.empty() || mClosing; };
  for (;;) {
    // With calls journaled, an idle writer still wakes for the liveness mark.
    if (mJournaled.empty())
      mWake.wait(lock, hasWork);
    else
      mWake.wait_until(lock, mNextAliveMark, hasWork);
    const bool aliveDue = !mJournaled.empty() && std::chrono::steady_clock::now() >= mNextAliveMark;
    if (mQueue.empty() && mTasks.empty() && mLiveCalls.empty() && !aliveDue) {
      if (mClosing) break;  // closing and drained
      continue;
    }
    // One task, then one CDR batch: neither kind can starve the other, and a task that keeps
    // failing waits out retryDelay only when no CDRs are waiting.
    if (!mTasks.empty()) {
      const bool ok = runTask(lock, taskFailuresInARow);
      if (!ok && mQueue.empty()) {
        const bool closingBefore = mClosing;
        mWake.wait_for(lock, mOptions.retryDelay, [&] { return mClosing != closingBefore || !mQueue.empty(); });
      }
    }
    if (mQueue.empty() && mLiveCalls.empty() && !aliveDue) continue;
    // Linger briefly so that CDRs finishing together share one fsync (and a call's start, answer
    // and end journal entries coalesce); a full batch or shutdown ends the wait early.
    if (mQueue.size() < mOptions.maxBatch && !mClosing && mOptions.maxDelay.count() > 0)
      mWake.wait_for(lock, mOptions.maxDelay,
                     [&] { return mQueue.size() >= mOptions.maxBatch || mClosing || mFlushWaiters > 0; });

    const std::size_t n = std::min(mQueue.size(), mOptions.maxBatch);
    CdrWriteBatch batch;
    batch.cdrs.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.cdrs.push_back(std::move(mQueue.front()));
      mQueue.pop_front();
    }
    std::vector<LiveCallEntry> liveCalls;
    liveCalls.swap(mLiveCalls);
    mInFlight = n;
    lock.unlock();
    const std::size_t coalesced = prepareLiveCalls(batch, liveCalls);
    if (aliveMarkDue(batch)) batch.aliveAtMs = mClockMs();
    const bool ok = commit(batch);
    lock.lock();
    mInFlight = 0;
    mStats.liveCallsCoalesced += coalesced;

    if (ok) {
      failuresInARow = 0;
      for (const auto& live : batch.liveCalls) mJournaled.insert(live.sessionId);
      for (const auto& item : batch.cdrs)
        if (item.endsLiveCall) mJournaled.erase(item.record.sessionId);
      if (batch.aliveAtMs) {
        mNextAliveMark = std::chrono::steady_clock::now() + mOptions.aliveEvery;
        ++mStats.aliveMarks;
      }
      mStats.liveCallsJournaled += batch.liveCalls.size();
      mFinishedSeq += n;
      mStats.stored += n;
      if (n > 0 || !batch.liveCalls.empty()) ++mStats.transactions;
      mProgress.notify_all();
      if (mFlushWaiters > 0) notifyFinished(mFinishedSeq);
      lock.unlock();
      notifyStored(std::move(batch.cdrs));
      lock.lock();
      continue;
    }

    ++mStats.failedCommits;
    ++failuresInARow;
    if (mClosing && (gaveUp || failuresInARow >= mOptions.shutdownAttempts)) {
      // Nothing left to wait for: put every CDR into the log so an operator can still recover it.
      // The journal entries go: those calls will not get a CDR from the next start either.
      for (const auto& item : batch.cdrs)
        spdlog::error("CDR writer: giving up on CDR (app {}): {}", item.record.sdkAppId, item.record.cdrText);
      if (!batch.liveCalls.empty())
        spdlog::error("CDR writer: giving up on journaling {} live calls", batch.liveCalls.size());
      mFinishedSeq += n;
      mStats.lost += n;
      failuresInARow = 0;
      gaveUp = true;
      mProgress.notify_all();
      if (mFlushWaiters > 0) notifyFinished(mFinishedSeq);
      continue;
    }
    // Back to the head of the queues, in order, and try again after a pause (cut short by shutdown).
    for (auto it = batch.cdrs.rbegin(); it != batch.cdrs.rend(); ++it) mQueue.push_front(std::move(*it));
    std::vector<LiveCallEntry> retry;
    retry.reserve(batch.liveCalls.size() + mLiveCalls.size());
    for (auto it = batch.liveCalls.rbegin(); it != batch.liveCalls.rend(); ++it)  // back to oldest first
      retry.push_back({std::move(*it)});
    for (auto& entry : mLiveCalls) retry.push_back(std::move(entry));
    mLiveCalls.swap(retry);
    const bool closingBefore = mClosing;
    mWake.wait_for(lock, mOptions.retryDelay, [&] { return mClosing != closingBefore; });
  }
  mExited = true;
  mProgress.notify_all();
}

}  // namespace tccc::server
