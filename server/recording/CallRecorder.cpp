// SPDX-License-Identifier: Apache-2.0
#include "recording/CallRecorder.hpp"

#include "recording/RecordUrlSigner.hpp"
#include "recording/RecordingCatalog.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>

namespace tccc::server {

/// One ended session on its way to the catalogue. Filled by the media thread, then completed by
/// the disk writer's callbacks; `pending` counts both, and whoever brings it to zero hands it to
/// the io thread (the atomic orders the writes before that).
struct CallRecorder::Ending {
  std::int64_t sdkAppId = 0;
  std::string sessionId;
  std::vector<RecordingRecord> records;
  std::vector<std::pair<bool, std::string>> results;  // per record: ok, error
  std::atomic<std::size_t> pending{0};
};

namespace {

std::string spansJson(const std::vector<PausedSpan>& spans) {
  Json out = Json::array();
  for (const auto& s : spans) out.push_back({{"StartMs", s.startMs}, {"EndMs", s.endMs}});
  return protocol::dump(out);
}

}  // namespace

CallRecorder::CallRecorder(boost::asio::any_io_executor io, RecordingCatalog& catalog, RecordingDiskWriter& disk,
                           StereoExporter& exporter, Options options)
    : mIo(std::move(io)), mCatalog(catalog), mDisk(disk), mExporter(exporter), mOptions(std::move(options)) {}

CallRecorder::~CallRecorder() { *mAlive = false; }

std::int64_t CallRecorder::nowMs() const {
  if (mOptions.clockMs) return mOptions.clockMs();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void CallRecorder::post(std::function<void()> work) { postIfAlive(mIo, mAlive, std::move(work)); }

void CallRecorder::postIfAlive(const boost::asio::any_io_executor& io, const std::weak_ptr<bool>& alive,
                               std::function<void()> work) {
  // Runs on the io thread, where this object is destroyed too: checked there, `work` may use it.
  boost::asio::post(io, [alive, work = std::move(work)] {
    auto a = alive.lock();
    if (a && *a) work();
  });
}

std::string CallRecorder::pathFor(std::int64_t sdkAppId, const std::string& recordId, std::int64_t startMs) const {
  // A directory per tenant and day keeps directories small and makes retention a matter of
  // deleting old day directories. The file name is the random record id: nothing from outside.
  std::time_t seconds = static_cast<std::time_t>(startMs / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char day[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
  return (std::filesystem::path(mOptions.dir) / std::to_string(sdkAppId) / day / (recordId + ".ogg")).string();
}

CallRecorder::Handle CallRecorder::startParticipant(std::int64_t sdkAppId, const std::string& sessionId,
                                                    Participant participant, const std::string& endpointUser) {
  if (!mOptions.enabled) return 0;
  const std::int64_t start = nowMs();
  Track track;
  track.record.recordId = RecordUrlSigner::newRecordId();
  track.record.sdkAppId = sdkAppId;
  track.record.sessionId = sessionId;
  track.record.participant = toString(participant);
  track.record.endpointUser = endpointUser;
  track.record.path = pathFor(sdkAppId, track.record.recordId, start);
  track.record.startMs = start;
  track.record.state = "recording";
  track.recorder = std::make_unique<OggOpusRecorder>(mDisk, track.record.path, start, mOptions.clockMs);
  RecordingRecord row = track.record;
  Handle handle;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    Session& session = mSessions[sessionId];
    session.sdkAppId = sdkAppId;
    if (session.paused) track.recorder->pause();
    handle = track.handle = ++mLastHandle;
    mHandles[handle] = {sessionId, session.tracks.size()};
    session.tracks.push_back(std::move(track));
  }
  // The row exists while the call runs: a crash leaves a catalogued `.part` file, not an orphan.
  post([this, row] { mCatalog.save(row); });
  return handle;
}

void CallRecorder::packet(Handle handle, const std::uint8_t* opus, std::size_t n, std::uint32_t rtpTimestamp48k) {
  if (handle == 0) return;
  std::lock_guard<std::mutex> lock(mMutex);
  auto it = mHandles.find(handle);
  if (it == mHandles.end()) return;
  auto session = mSessions.find(it->second.first);
  if (session == mSessions.end()) return;
  session->second.tracks[it->second.second].recorder->writePacket(opus, n, rtpTimestamp48k);
}

void CallRecorder::pause(const std::string& sessionId) {
  std::lock_guard<std::mutex> lock(mMutex);
  auto it = mSessions.find(sessionId);
  if (it == mSessions.end()) return;
  it->second.paused = true;
  for (auto& t : it->second.tracks) t.recorder->pause();
}

void CallRecorder::resume(const std::string& sessionId) {
  std::lock_guard<std::mutex> lock(mMutex);
  auto it = mSessions.find(sessionId);
  if (it == mSessions.end()) return;
  it->second.paused = false;
  for (auto& t : it->second.tracks) t.recorder->resume();
}

void CallRecorder::endSession(const std::string& sessionId) {
  Session session;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    auto it = mSessions.find(sessionId);
    if (it == mSessions.end()) return;
    session = std::move(it->second);
    mSessions.erase(it);
    for (const auto& t : session.tracks) mHandles.erase(t.handle);
  }
  auto ending = std::make_shared<Ending>();
  ending->sdkAppId = session.sdkAppId;
  ending->sessionId = sessionId;
  ending->records.resize(session.tracks.size());
  ending->results.resize(session.tracks.size());
  ending->pending = session.tracks.size() + 1;  // + 1: this thread, until every record is filled in
  // Called from the disk writer's thread too, maybe after this object is gone: copies only.
  auto arrive = [this, io = mIo, alive = std::weak_ptr<bool>(mAlive)](const std::shared_ptr<Ending>& e) {
    if (e->pending.fetch_sub(1, std::memory_order_acq_rel) == 1)
      postIfAlive(io, alive, [this, e] { sessionFinished(e); });
  };
  for (std::size_t i = 0; i < session.tracks.size(); ++i) {
    Track& t = session.tracks[i];
    t.recorder->finish([ending, i, arrive](bool ok, const std::string& error) {
      ending->results[i] = {ok, error};
      arrive(ending);
    });
    // After finish(): the duration and the pauses are final (a pause still open was closed).
    RecordingRecord& r = ending->records[i];
    r = t.record;
    r.endMs = r.startMs + t.recorder->durationMs();
    r.pausedSpans = spansJson(t.recorder->pausedSpans());
  }
  arrive(ending);
}

void CallRecorder::sessionFinished(const std::shared_ptr<Ending>& ending) {
  for (std::size_t i = 0; i < ending->records.size(); ++i) {
    RecordingRecord& r = ending->records[i];
    const auto& [ok, error] = ending->results[i];
    r.state = ok ? "complete" : "failed";
    r.error = error;
    if (ok)
      noteComplete();
    else
      noteFailure("recording " + r.recordId + " (" + r.participant + " of session " + r.sessionId + "): " + error);
    mCatalog.save(r);
  }
  if (mOptions.stereoMix) mix(ending);
}

void CallRecorder::mix(const std::shared_ptr<Ending>& ending) {
  StereoExportJob job;
  for (const auto& r : ending->records) {
    if (r.state != "complete") continue;
    (r.participant == "customer" ? job.left : job.right).push_back({r.path, r.startMs});
  }
  // A mix needs both sides; a one-sided call has its participant's file and nothing to add.
  if (job.left.empty() || job.right.empty()) return;
  RecordingRecord mixRow;
  mixRow.recordId = RecordUrlSigner::newRecordId();
  mixRow.sdkAppId = ending->sdkAppId;
  mixRow.sessionId = ending->sessionId;
  mixRow.participant = "mix";
  mixRow.path = pathFor(ending->sdkAppId, mixRow.recordId, ending->records.front().startMs);
  job.outPath = mixRow.path;
  mExporter.submit(std::move(job),
                   [this, mixRow, io = mIo, alive = std::weak_ptr<bool>(mAlive)](const StereoExportResult& res) {
                     postIfAlive(io, alive, [this, mixRow, res]() mutable {
                       mixRow.startMs = res.startMs;
                       mixRow.endMs = res.startMs + res.durationMs;
                       mixRow.state = res.ok ? "complete" : "failed";
                       mixRow.error = res.error;
                       if (res.ok)
                         noteComplete();
                       else
                         noteFailure("stereo mix of session " + mixRow.sessionId + ": " + res.error);
                       mCatalog.save(mixRow);
                     });
                   });
}

void CallRecorder::noteComplete() {
  std::lock_guard<std::mutex> lock(mMutex);
  ++mCompleted;
}

void CallRecorder::noteFailure(const std::string& error) {
  spdlog::error("{}", error);
  std::lock_guard<std::mutex> lock(mMutex);
  ++mFailed;
  mLastError = error;
  mLastErrorAtMs = nowMs();
}

CallRecorder::Health CallRecorder::health() const {
  Health h;
  h.diskQueueBytes = mDisk.stats().queuedBytes;
  std::lock_guard<std::mutex> lock(mMutex);
  h.completed = mCompleted;
  h.failed = mFailed;
  h.lastError = mLastError;
  h.lastErrorAtMs = mLastErrorAtMs;
  for (const auto& [id, session] : mSessions) {
    for (const auto& t : session.tracks) {
      ++h.active;
      // A file that failed mid-call shows here at once, not only when its call ends.
      if (t.recorder->failed()) {
        ++h.failingNow;
        h.lastError = "recording " + t.record.recordId + " (session " + id + "): " + t.recorder->error();
      }
    }
  }
  return h;
}

}  // namespace tccc::server
