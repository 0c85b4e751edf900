// SPDX-License-Identifier: Apache-2.0
// The io-thread side of recordings: catalogue rows and recording pushes, written by the CDR
// writer's thread (CdrWriter::submit) so the event loop never waits for an fsync.
//
// A participant's recording that becomes complete is saved together with its push job
// (POST <push url>?action=record&version=1, tccc-facts.md §3.2) in one transaction: the push
// goes out with the CDR pusher's authentication, retries, durability and X-TCCC-PUSH-UUID, and
// only once the row says the file is complete. Its RecordURL is a signed link (RecordUrlSigner)
// valid for the configured lifetime from the moment it is queued.
#ifndef TCCC_SERVER_RECORDING_RECORDINGCATALOG_HPP
#define TCCC_SERVER_RECORDING_RECORDINGCATALOG_HPP

#include "push/CdrWriter.hpp"
#include "recording/RecordUrlSigner.hpp"
#include "store/Repositories.hpp"

#include <functional>

namespace tccc::server {

class RecordingCatalog {
 public:
  /// `pushEnabled`: a push URL is configured (CdrPusher::enabled()).
  RecordingCatalog(CdrWriter& writer, const RecordUrlSigner& signer, bool pushEnabled,
                   std::function<std::int64_t()> clockMs);

  /// Saves the row as it is now (insert or replace). A complete customer or agent recording also
  /// queues its push (the stereo mix is not pushed: TCCC pushes one record per party).
  /// `done(ok)` (optional) runs on the io_context once written. Call on the io thread.
  void save(const RecordingRecord& recording, std::function<void(bool)> done = {});

  /// One final ASR sentence for DescribeTelRecordAsr, written the same way.
  void addAsrSentence(const AsrSentence& sentence, std::function<void(bool)> done = {});

  /// The push body: {SdkAppId, RecordId, SessionId, Timestamp, EndpointUser, RecordURL, CustomRecordURL}.
  static Json pushBody(const RecordingRecord& recording, const RecordUrlSigner& signer, std::int64_t nowSec);

 private:
  CdrWriter& mWriter;
  const RecordUrlSigner& mSigner;
  bool mPushEnabled;
  std::function<std::int64_t()> mClockMs;
};

}  // namespace tccc::server

#endif
