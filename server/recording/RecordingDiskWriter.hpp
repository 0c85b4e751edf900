// SPDX-License-Identifier: Apache-2.0
// The one background thread that does every recording's disk I/O, so that the media thread, which
// produces the bytes, never waits for the disk. Recorders hand it finished Ogg pages; it appends
// them to `<path>.part` as they come (so a killed server leaves a playable file up to the last
// page), and on finish syncs the file and renames it to `<path>`: a recording exists under its
// final name only once it is complete on disk.
//
// The queue is bounded (bytes waiting, all files together). A write that would go over the bound
// is refused and its file marked failed ("the disk cannot keep up"): a stalled disk costs the
// recording, never the call. A failing write (ENOSPC, EIO, …) marks its file failed with the
// system's reason; later writes to that file are dropped. Nothing here throws into a caller.
#ifndef TCCC_SERVER_RECORDING_RECORDINGDISKWRITER_HPP
#define TCCC_SERVER_RECORDING_RECORDINGDISKWRITER_HPP

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tccc::server {

class RecordingDiskWriter {
 public:
  struct Options {
    std::size_t maxQueuedBytes = 32 * 1024 * 1024;  // ~2 h of one 64 kbit/s stream: only a stalled disk fills it
  };

  /// One file being written. Shared by its recorder (any thread) and the writer thread.
  class File {
   public:
    explicit File(std::string path) : mPath(std::move(path)) {}
    /// The final path; the file is `<path>.part` until finished.
    const std::string& path() const { return mPath; }
    std::string partPath() const { return mPath + ".part"; }
    bool failed() const { return mFailed.load(); }
    /// Why it failed ("" while it has not).
    std::string error() const;
    std::uint64_t bytesWritten() const { return mBytesWritten.load(); }
    /// Marks it failed (the first reason wins; true for that one); later writes are dropped.
    bool fail(const std::string& why);

   private:
    friend class RecordingDiskWriter;
    const std::string mPath;
    int mFd = -1;  // writer thread only
    std::atomic<bool> mFailed{false};
    std::atomic<std::uint64_t> mBytesWritten{0};
    mutable std::mutex mMutex;
    std::string mError;
  };

  /// Runs on the writer thread once a file is finished: ok and "" when it was renamed to its final
  /// path, otherwise false and why (the `.part` file, if any, is left for an operator).
  using Finished = std::function<void(bool ok, const std::string& error)>;

  struct Stats {
    std::size_t queuedBytes = 0;
    std::uint64_t bytesWritten = 0;
    std::uint64_t filesFailed = 0;
  };

  explicit RecordingDiskWriter(Options options);
  RecordingDiskWriter() : RecordingDiskWriter(Options{}) {}
  /// Writes out everything queued, then stops the thread.
  ~RecordingDiskWriter();
  RecordingDiskWriter(const RecordingDiskWriter&) = delete;
  RecordingDiskWriter& operator=(const RecordingDiskWriter&) = delete;

  /// A new file at `finalPath` (its directory is created if needed); `<finalPath>.part` is created
  /// on the writer thread. Never blocks on the disk.
  std::shared_ptr<File> open(std::string finalPath);
  /// Queues bytes to append. False (and the file failed) when it has failed already or the queue is full.
  bool write(const std::shared_ptr<File>& file, std::vector<std::uint8_t> bytes);
  /// After the writes queued before it: fsync, close, rename to the final path; then `done`.
  void finish(const std::shared_ptr<File>& file, Finished done);

  Stats stats() const;

 private:
  enum class Op { Open, Write, Finish };
  struct Job {
    Op op;
    std::shared_ptr<File> file;
    std::vector<std::uint8_t> bytes;
    Finished done;
  };
  void run();
  void execute(Job& job);
  void push(Job job);

  Options mOptions;
  mutable std::mutex mMutex;
  std::condition_variable mWake;
  std::deque<Job> mQueue;
  std::size_t mQueuedBytes = 0;
  bool mClosing = false;
  std::atomic<std::uint64_t> mBytesWritten{0};
  std::atomic<std::uint64_t> mFilesFailed{0};
  std::thread mThread;
};

}  // namespace tccc::server

#endif
