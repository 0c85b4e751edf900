// SPDX-License-Identifier: Apache-2.0
// The threads that do the recognition work of every AsrStream, and the engine they use. A few
// threads serve all streams: a stream with audio waiting is queued once (never twice), runs for at
// most a turn's worth of packets, and queues itself again if more is left, so one busy stream cannot
// starve the others and each stream's audio is handled in order by one thread at a time.
#ifndef TCCC_SERVER_ASR_ASRWORKERS_HPP
#define TCCC_SERVER_ASR_ASRWORKERS_HPP

#include "asr/Recogniser.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tccc::server::asr {

/// What a worker runs: a stream's turn.
class AsrJob {
 public:
  virtual ~AsrJob() = default;
  virtual void runOnWorker() = 0;
};

/// The run queue, shared by the pool and its streams so that either may be destroyed first.
class AsrJobQueue {
 public:
  /// Queues a job; false (nothing queued) once the pool has stopped. Bounded time: a short lock,
  /// safe on the media thread.
  bool post(std::shared_ptr<AsrJob> job);
  /// The next job, waiting for one; nullptr once stopped.
  std::shared_ptr<AsrJob> next();
  void stop();
  std::size_t pending() const;

 private:
  mutable std::mutex mMutex;
  std::condition_variable mReady;
  std::deque<std::shared_ptr<AsrJob>> mJobs;
  bool mStopped = false;
};

class AsrWorkers {
 public:
  /// Starts `threads` (at least 1) threads that make recognisers with `engine`.
  AsrWorkers(std::shared_ptr<AsrEngine> engine, std::size_t threads);
  /// Stops the threads after their current turn. Streams still open stay valid but are no longer
  /// served (their audio is dropped).
  ~AsrWorkers();
  AsrWorkers(const AsrWorkers&) = delete;
  AsrWorkers& operator=(const AsrWorkers&) = delete;

  const std::shared_ptr<AsrEngine>& engine() const { return mEngine; }
  const std::shared_ptr<AsrJobQueue>& jobs() const { return mJobs; }
  std::size_t threadCount() const { return mThreads.size(); }

 private:
  std::shared_ptr<AsrEngine> mEngine;
  std::shared_ptr<AsrJobQueue> mJobs;
  std::vector<std::thread> mThreads;
};

}  // namespace tccc::server::asr

#endif
