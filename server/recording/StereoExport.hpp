// SPDX-License-Identifier: Apache-2.0
// After a call: one stereo Ogg Opus file of it, the customer on the left and the agent(s) on the
// right, each placed by its wall-clock start so that the two sides line up as they were heard.
// The participants' files are decoded (libopusfile) and the mix encoded (libopusenc) in pieces
// of 100 ms: memory stays small however long the call. A side with several files (a transferred
// call: two agents) has them summed into its channel.
//
// StereoExporter runs exports on a worker thread of its own, one at a time, so neither the event
// loop nor the media thread ever waits for one.
#ifndef TCCC_SERVER_RECORDING_STEREOEXPORT_HPP
#define TCCC_SERVER_RECORDING_STEREOEXPORT_HPP

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tccc::server {

struct StereoSource {
  std::string path;          // a complete Ogg Opus file
  std::int64_t startMs = 0;  // Unix ms of its offset 0
};

struct StereoExportJob {
  std::vector<StereoSource> left;   // the customer
  std::vector<StereoSource> right;  // the agent(s)
  std::string outPath;              // written as <outPath>.part, renamed when complete
};

struct StereoExportResult {
  bool ok = false;
  std::string error;
  std::int64_t startMs = 0;     // Unix ms of the mix's offset 0: the earliest source's start
  std::int64_t durationMs = 0;  // up to the end of the latest source
};

class StereoExport {
 public:
  /// Does the whole export now, on the calling thread. Never throws.
  static StereoExportResult run(const StereoExportJob& job);
};

class StereoExporter {
 public:
  using Done = std::function<void(const StereoExportResult&)>;  // runs on the exporter's thread

  StereoExporter();
  /// Finishes the exports queued, then stops.
  ~StereoExporter();
  StereoExporter(const StereoExporter&) = delete;
  StereoExporter& operator=(const StereoExporter&) = delete;

  /// Any thread.
  void submit(StereoExportJob job, Done done);

 private:
  void loop();

  std::mutex mMutex;
  std::condition_variable mWake;
  std::deque<std::pair<StereoExportJob, Done>> mQueue;
  bool mClosing = false;
  std::thread mThread;
};

}  // namespace tccc::server

#endif
