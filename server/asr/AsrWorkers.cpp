// SPDX-License-Identifier: Apache-2.0
#include "asr/AsrWorkers.hpp"

#include <spdlog/spdlog.h>

namespace tccc::server::asr {

bool AsrJobQueue::post(std::shared_ptr<AsrJob> job) {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    if (mStopped) return false;
    mJobs.push_back(std::move(job));
  }
  mReady.notify_one();
  return true;
}

std::shared_ptr<AsrJob> AsrJobQueue::next() {
  std::unique_lock<std::mutex> lock(mMutex);
  mReady.wait(lock, [&] { return mStopped || !mJobs.empty(); });
  if (mStopped) return nullptr;
  auto job = std::move(mJobs.front());
  mJobs.pop_front();
  return job;
}

void AsrJobQueue::stop() {
  std::deque<std::shared_ptr<AsrJob>> dropped;  // released outside the lock: a job may own a lot
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mStopped = true;
    dropped.swap(mJobs);
  }
  mReady.notify_all();
}

std::size_t AsrJobQueue::pending() const {
  std::lock_guard<std::mutex> lock(mMutex);
  return mJobs.size();
}

AsrWorkers::AsrWorkers(std::shared_ptr<AsrEngine> engine, std::size_t threads)
    : mEngine(std::move(engine)), mJobs(std::make_shared<AsrJobQueue>()) {
  if (!mEngine) throw AsrError("AsrWorkers needs an engine");
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    mThreads.emplace_back([jobs = mJobs] {
      while (auto job = jobs->next()) {
        try {
          job->runOnWorker();
        } catch (const std::exception& e) {
          spdlog::warn("ASR worker: {}", e.what());  // one stream's problem, not the pool's
        }
      }
    });
  }
}

AsrWorkers::~AsrWorkers() {
  mJobs->stop();
  for (auto& t : mThreads) t.join();
}

}  // namespace tccc::server::asr
