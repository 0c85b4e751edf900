// SPDX-License-Identifier: Apache-2.0
// The server's recording pipeline over a fresh database (store, CDR writer and pusher, catalogue,
// disk writer, stereo exporter, CallRecorder), for tests that drive it from the outside.
#ifndef TCCC_TESTS_SERVER_RECORDING_RECORDINGPIPELINE_HPP
#define TCCC_TESTS_SERVER_RECORDING_RECORDINGPIPELINE_HPP

#include "../IoTestSupport.hpp"
#include "../StoreTestSupport.hpp"
#include "OpusTestSupport.hpp"
#include "push/CdrPusher.hpp"
#include "push/CdrWriter.hpp"
#include "recording/CallRecorder.hpp"
#include "recording/RecordingCatalog.hpp"
#include "store/SqliteStore.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace tccc::server::test {

inline std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The server's recording pipeline over a fresh database, pushing to `receiverPort` with Basic auth.
struct RecordingPipeline {
  explicit RecordingPipeline(unsigned short receiverPort, bool recordingOn = true)
      : store(dir.file("tccc.db")),
        pusher(io, store, pushOptions(receiverPort), wallMs),
        writer(io, dir.file("tccc.db"), &pusher, wallMs),
        signer(std::string(32, 'k'), "https://cc.example", 3600),
        catalog(writer, signer, pusher.enabled(), wallMs),
        recorder(io.get_executor(), catalog, disk, exporter, recorderOptions(recordingOn)) {
    pusher.start();
  }
  static CdrPushOptions pushOptions(unsigned short port) {
    CdrPushOptions o;
    o.url = "http://127.0.0.1:" + std::to_string(port) + "/hook?key=1";
    o.retryBase = std::chrono::milliseconds(20);
    o.auth.kind = PushAuth::Kind::Basic;
    o.auth.user = "crm";
    o.auth.password = "pw";
    return o;
  }
  CallRecorder::Options recorderOptions(bool on) {
    CallRecorder::Options o;
    o.enabled = on;
    o.dir = dir.file("recordings");
    return o;
  }
  /// `count` 20 ms packets of a tone for one participant.
  void talk(CallRecorder::Handle h, ToneEncoder& tone, std::uint32_t& rtp, int count) {
    for (int i = 0; i < count; ++i, rtp += 960) {
      auto p = tone.next();
      recorder.packet(h, p.data(), p.size(), rtp);
    }
  }
  std::vector<RecordingRecord> settled(const std::string& session, std::size_t count) {
    std::vector<RecordingRecord> rows;
    runUntil(
        io,
        [&] {
          rows = store.listRecordings(7, session);
          std::size_t done = 0;
          for (const auto& r : rows) done += r.state != "recording";
          return rows.size() == count && done == count && store.pendingPushCount() == 0;
        },
        std::chrono::seconds(20));
    return rows;
  }

  TempDir dir;
  SqliteStore store;
  boost::asio::io_context io;
  CdrPusher pusher;
  CdrWriter writer;
  RecordUrlSigner signer;
  RecordingCatalog catalog;
  RecordingDiskWriter disk;
  StereoExporter exporter;
  CallRecorder recorder;
};

inline const RecordingRecord* findRecording(const std::vector<RecordingRecord>& rows, const std::string& participant) {
  for (const auto& r : rows)
    if (r.participant == participant) return &r;
  return nullptr;
}

}  // namespace tccc::server::test

#endif
