// SPDX-License-Identifier: Apache-2.0
// CallRecorder: what the media bridge calls to record a call. THIS HEADER IS THE CONTRACT.
//
// One Ogg Opus file per participant (OggOpusRecorder: the received Opus packets as they are, no
// re-encoding; silence where nothing was received or the recording was paused), then, when the
// session ends, a stereo mix (customer left; agent, and a supervisor who barged in, right), the
// catalogue rows and one recording push per participant (action=record). Files live under
// <dir>/<sdkAppId>/<YYYY-MM-DD>/<recordId>.ogg and leave the server only through signed, expiring
// links (RecordingRoute).
//
// Threads:
//  - startParticipant, packet, pause, resume and endSession are for the MEDIA THREAD (they are
//    also safe from several threads: one mutex, never held across I/O). None of them waits for the
//    disk, the database or the network: file writes go to RecordingDiskWriter's thread, the mix to
//    StereoExporter's, and catalogue/push work is posted to the io_context given here (the
//    signalling thread), which hands it to RecordingCatalog.
//  - health() is for any thread (/healthz).
//
// Whether to record at all is decided before startParticipant, on the io thread, when the call
// connects: CaptureSettingsRepository::capturePolicy(sdkAppId, skillGroupId) (also in
// SkillGroupInfo::recording for the routing engine), and enabled() for the server-wide switch.
//
// Failures (disk full, I/O errors, a stalled disk) stop that participant's file, are logged,
// stored with the row (state failed, error) and shown by health(); the call is never affected.
#ifndef TCCC_SERVER_RECORDING_CALLRECORDER_HPP
#define TCCC_SERVER_RECORDING_CALLRECORDER_HPP

#include "recording/OggOpusRecorder.hpp"
#include "recording/RecordingDiskWriter.hpp"
#include "recording/StereoExport.hpp"
#include "store/Repositories.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tccc::server {

class RecordingCatalog;

class CallRecorder {
 public:
  /// Who a file holds. A supervisor's file holds only what it said while barged in (both parties
  /// heard it); the stereo mix sums it into the agent's channel.
  enum class Participant { Customer, Agent, Supervisor };
  /// Identifies one participant's recording; 0 means "not recording" (packet() ignores it).
  using Handle = std::uint64_t;

  struct Options {
    bool enabled = true;                    // the server-wide switch (--recordings)
    std::string dir;                        // --recordings-dir
    bool stereoMix = true;                  // make the stereo mix when a session ends
    std::function<std::int64_t()> clockMs;  // Unix ms; the system clock when empty
  };

  struct Health {
    std::size_t active = 0;       // participant files being written
    std::uint64_t completed = 0;  // files complete on disk (participants and mixes)
    std::uint64_t failed = 0;     // files that failed (disk full, I/O error, …)
    std::size_t failingNow = 0;   // active files that have failed already (their call goes on)
    std::string lastError;        // the latest failure's reason ("" if none)
    std::int64_t lastErrorAtMs = 0;
    std::size_t diskQueueBytes = 0;  // written pages waiting for the disk
  };

  /// `io`: where catalogue work runs (the server's io_context). `catalog`, `disk` and `exporter`
  /// must outlive this object and any work it posted.
  CallRecorder(boost::asio::any_io_executor io, RecordingCatalog& catalog, RecordingDiskWriter& disk,
               StereoExporter& exporter, Options options);
  ~CallRecorder();
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;

  bool enabled() const { return mOptions.enabled; }

  /// Starts recording one participant of a session from now (the file's offset 0 is this moment).
  /// `endpointUser`: the agent's user id, or the customer's number/id. A participant can be started
  /// more than once per session (a transfer brings a second agent): each gets a file of its own.
  /// If the session is paused, the new file starts paused. Returns 0 when recording is off.
  Handle startParticipant(std::int64_t sdkAppId, const std::string& sessionId, Participant participant,
                          const std::string& endpointUser);

  /// One received Opus packet of that participant with its RTP timestamp (48 kHz clock). Unknown
  /// or ended handles are ignored.
  void packet(Handle handle, const std::uint8_t* opus, std::size_t n, std::uint32_t rtpTimestamp48k);

  /// Pauses / resumes every participant file of the session (pauseRecording / resumeRecording).
  void pause(const std::string& sessionId);
  void resume(const std::string& sessionId);

  /// The session is over: every participant file is finished (synced and renamed), then the
  /// catalogue updated, the pushes queued and the stereo mix made. Its handles become invalid.
  void endSession(const std::string& sessionId);

  Health health() const;

  static const char* toString(Participant p) {
    switch (p) {
      case Participant::Customer:
        return "customer";
      case Participant::Agent:
        return "agent";
      case Participant::Supervisor:
        break;
    }
    return "supervisor";
  }

 private:
  struct Track {
    Handle handle = 0;
    RecordingRecord record;
    std::unique_ptr<OggOpusRecorder> recorder;
  };
  struct Session {
    std::int64_t sdkAppId = 0;
    bool paused = false;
    std::vector<Track> tracks;
  };
  struct Ending;

  std::int64_t nowMs() const;
  std::string pathFor(std::int64_t sdkAppId, const std::string& recordId, std::int64_t startMs) const;
  /// io thread: every file of an ended session is finished (or failed): the catalogue, the pushes.
  void sessionFinished(const std::shared_ptr<Ending>& ending);
  /// io thread: the stereo mix, when both sides have a complete file.
  void mix(const std::shared_ptr<Ending>& ending);
  void noteComplete();
  void noteFailure(const std::string& error);
  void post(std::function<void()> work);
  static void postIfAlive(const boost::asio::any_io_executor& io, const std::weak_ptr<bool>& alive,
                          std::function<void()> work);

  boost::asio::any_io_executor mIo;
  RecordingCatalog& mCatalog;
  RecordingDiskWriter& mDisk;
  StereoExporter& mExporter;
  Options mOptions;
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);

  mutable std::mutex mMutex;  // the sessions below (the media thread; health() reads the counters)
  std::map<std::string, Session> mSessions;
  std::map<Handle, std::pair<std::string, std::size_t>> mHandles;  // -> session id, track index
  Handle mLastHandle = 0;
  std::uint64_t mCompleted = 0;
  std::uint64_t mFailed = 0;
  std::string mLastError;
  std::int64_t mLastErrorAtMs = 0;
};

}  // namespace tccc::server

#endif
