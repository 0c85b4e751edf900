// SPDX-License-Identifier: Apache-2.0
#include "recording/RecordingCatalog.hpp"

#include "random/SecureRandom.hpp"
#include "store/SqliteStore.hpp"

#include <spdlog/spdlog.h>

namespace tccc::server {

RecordingCatalog::RecordingCatalog(CdrWriter& writer, const RecordUrlSigner& signer, bool pushEnabled,
                                   std::function<std::int64_t()> clockMs)
    : mWriter(writer), mSigner(signer), mPushEnabled(pushEnabled), mClockMs(std::move(clockMs)) {}

Json RecordingCatalog::pushBody(const RecordingRecord& r, const RecordUrlSigner& signer, std::int64_t nowSec) {
  return Json{{"SdkAppId", r.sdkAppId},
              {"RecordId", r.recordId},
              {"SessionId", r.sessionId},
              {"Timestamp", r.startMs / 1000},
              {"EndpointUser", r.endpointUser},
              {"RecordURL", signer.url(r.recordId, nowSec)},
              // TCCC fills this when recordings are transferred to the customer's own COS bucket;
              // this server keeps them itself.
              {"CustomRecordURL", ""}};
}

void RecordingCatalog::save(const RecordingRecord& recording, std::function<void(bool)> done) {
  std::optional<PushJob> push;
  if (mPushEnabled && recording.state == "complete" && recording.participant != "mix") {
    const std::int64_t nowMs = mClockMs();
    PushJob job;
    job.sdkAppId = recording.sdkAppId;
    job.kind = "record";
    job.uuid = SecureRandom::uuid();
    job.body = protocol::dump(pushBody(recording, mSigner, nowMs / 1000));
    job.nextAttemptAtMs = nowMs;
    push = std::move(job);
  }
  const bool queuesPush = push.has_value();
  CdrWriter::StoreTask task;
  task.write = [recording, push = std::move(push)](SqliteStore& store) { store.saveRecording(recording, push); };
  task.queuesPush = queuesPush;
  task.done = std::move(done);
  if (!mWriter.submit(std::move(task)))
    spdlog::error("recording {} of session {}: the catalogue row ({}) could not be queued", recording.recordId,
                  recording.sessionId, recording.state);
}

void RecordingCatalog::addAsrSentence(const AsrSentence& sentence, std::function<void(bool)> done) {
  CdrWriter::StoreTask task;
  task.write = [sentence](SqliteStore& store) { store.addAsrSentence(sentence); };
  task.done = std::move(done);
  if (!mWriter.submit(std::move(task)))
    spdlog::error("session {}: an ASR sentence could not be queued for storage", sentence.sessionId);
}

}  // namespace tccc::server
