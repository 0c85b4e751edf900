// SPDX-License-Identifier: Apache-2.0
#include "recording/RecordingDiskWriter.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tccc::server {

namespace {

std::string systemError(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
}

}  // namespace

std::string RecordingDiskWriter::File::error() const {
  std::lock_guard<std::mutex> lock(mMutex);
  return mError;
}

bool RecordingDiskWriter::File::fail(const std::string& why) {
  std::lock_guard<std::mutex> lock(mMutex);
  if (mFailed.load()) return false;
  mError = why;
  mFailed = true;
  return true;
}

RecordingDiskWriter::RecordingDiskWriter(Options options) : mOptions(options) {
  mThread = std::thread([this] { run(); });
}

RecordingDiskWriter::~RecordingDiskWriter() {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mClosing = true;
  }
  mWake.notify_all();
  if (mThread.joinable()) mThread.join();
}

std::shared_ptr<RecordingDiskWriter::File> RecordingDiskWriter::open(std::string finalPath) {
  auto file = std::make_shared<File>(std::move(finalPath));
  push({Op::Open, file, {}, {}});
  return file;
}

bool RecordingDiskWriter::write(const std::shared_ptr<File>& file, std::vector<std::uint8_t> bytes) {
  if (file->failed()) return false;
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    if (mQueuedBytes + bytes.size() > mOptions.maxQueuedBytes) {
      full = true;
    } else {
      mQueuedBytes += bytes.size();
      mQueue.push_back({Op::Write, file, std::move(bytes), {}});
    }
  }
  if (full) {
    if (file->fail("the disk cannot keep up: " + std::to_string(mOptions.maxQueuedBytes) +
                   " bytes of recordings wait to be written; recording stopped"))
      ++mFilesFailed;
    return false;
  }
  mWake.notify_one();
  return true;
}

void RecordingDiskWriter::finish(const std::shared_ptr<File>& file, Finished done) {
  push({Op::Finish, file, {}, std::move(done)});
}

void RecordingDiskWriter::push(Job job) {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mQueue.push_back(std::move(job));
  }
  mWake.notify_one();
}

RecordingDiskWriter::Stats RecordingDiskWriter::stats() const {
  Stats s;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    s.queuedBytes = mQueuedBytes;
  }
  s.bytesWritten = mBytesWritten.load();
  s.filesFailed = mFilesFailed.load();
  return s;
}

void RecordingDiskWriter::run() {
  std::unique_lock<std::mutex> lock(mMutex);
  for (;;) {
    mWake.wait(lock, [&] { return !mQueue.empty() || mClosing; });
    if (mQueue.empty()) return;  // closing and drained
    Job job = std::move(mQueue.front());
    mQueue.pop_front();
    lock.unlock();
    try {
      execute(job);
    } catch (const std::exception& e) {
      if (job.file->fail(std::string("recording writer: ") + e.what())) ++mFilesFailed;
    }
    lock.lock();
    if (job.op == Op::Write) mQueuedBytes -= job.bytes.size();
  }
}

void RecordingDiskWriter::execute(Job& job) {
  File& file = *job.file;
  auto failWith = [&](const std::string& why) {
    if (file.fail(why)) {
      ++mFilesFailed;
      spdlog::error("recording {}: {}", file.path(), why);
    }
  };
  switch (job.op) {
    case Op::Open: {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(file.partPath()).parent_path(), ec);
      // O_EXCL: a recording never overwrites anything; its name is made of a random record id.
      file.mFd = ::open(file.partPath().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (file.mFd < 0) failWith(systemError("cannot create", file.partPath(), errno));
      return;
    }
    case Op::Write: {
      if (file.failed() || file.mFd < 0) return;
      const std::uint8_t* p = job.bytes.data();
      std::size_t left = job.bytes.size();
      while (left > 0) {
        ssize_t n = ::write(file.mFd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          failWith(systemError("cannot write", file.partPath(), n < 0 ? errno : EIO));
          return;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
        file.mBytesWritten += static_cast<std::uint64_t>(n);
        mBytesWritten += static_cast<std::uint64_t>(n);
      }
      return;
    }
    case Op::Finish: {
      if (file.mFd >= 0 && !file.failed()) {
        // On disk before it is announced under its final name: a power cut cannot leave a
        // "complete" recording that is in fact empty.
        if (::fsync(file.mFd) != 0) failWith(systemError("cannot sync", file.partPath(), errno));
      }
      if (file.mFd >= 0 && ::close(file.mFd) != 0 && !file.failed())
        failWith(systemError("cannot close", file.partPath(), errno));
      file.mFd = -1;
      if (!file.failed() && ::rename(file.partPath().c_str(), file.path().c_str()) != 0)
        failWith(systemError("cannot rename", file.partPath(), errno));
      if (job.done) job.done(!file.failed(), file.error());
      return;
    }
  }
}

}  // namespace tccc::server
