// SPDX-License-Identifier: Apache-2.0
// One participant's recording: the Opus packets received from them, written unchanged (no
// re-encoding) into an Ogg Opus file (RFC 7845) whose timeline is wall time.
//
// - Offset 0 of the file is the wall-clock start given at construction: silence fills the time
//   until the first packet, gaps in the RTP timestamps (lost packets, DTX, a muted sender) and
//   paused spans. Silence is small Opus packets encoded once from zeros, so decoders see valid
//   packets throughout (and conceal nothing).
// - The stream starts with 80 ms of such silence, which the header's pre-skip (3840) removes on
//   playback: RFC 7845 §4.2 asks for at least that much pre-roll before audio that starts in the
//   middle of an encoder's stream, so the decoder has converged when the real audio begins.
// - Granule positions are 48 kHz sample counts including the pre-skip, as the RFC requires.
// - Pages go to the shared RecordingDiskWriter as they fill and at least once per second of
//   audio, so a SIGKILL leaves a `.part` file that plays up to about then.
//
// All methods are for one thread (the media thread) and never block on the disk. Failures (the
// disk, the writer's full queue) stop the recording and are kept in error(); nothing throws.
#ifndef TCCC_SERVER_RECORDING_OGGOPUSRECORDER_HPP
#define TCCC_SERVER_RECORDING_OGGOPUSRECORDER_HPP

#include "recording/RecordingDiskWriter.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tccc::server {

/// A paused stretch of a recording, in ms from the file's start.
struct PausedSpan {
  std::int64_t startMs = 0;
  std::int64_t endMs = 0;
};

class OggOpusRecorder {
 public:
  static constexpr int kSampleRate = 48000;  // Opus RTP and Ogg Opus granules: always 48 kHz
  static constexpr int kPreSkip = 3840;      // 80 ms
  /// A jump in RTP timestamps larger than this is a new timeline (the sender restarted), not a gap.
  static constexpr std::int64_t kMaxGapSamples = std::int64_t{kSampleRate} * 3600;

  using WallClock = std::function<std::int64_t()>;  // Unix ms

  struct Stats {
    std::uint64_t packets = 0;  // written as received
    std::uint64_t lateOrDuplicate = 0;
    std::uint64_t invalid = 0;         // not an Opus packet: dropped
    std::uint64_t silenceSamples = 0;  // filled in (gaps, pauses, lead-in), after the pre-roll
  };

  /// Creates `<path>.part` (through `writer`) and writes the headers. `startWallMs` is what offset 0
  /// of the file means; `clock` (Unix ms) places the first packet and the pauses on that timeline.
  OggOpusRecorder(RecordingDiskWriter& writer, std::string path, std::int64_t startWallMs, WallClock clock = {});
  ~OggOpusRecorder();
  OggOpusRecorder(const OggOpusRecorder&) = delete;
  OggOpusRecorder& operator=(const OggOpusRecorder&) = delete;

  /// One received Opus packet and its RTP timestamp (48 kHz clock). Invalid packets, late ones
  /// and duplicates are dropped; a gap since the previous packet becomes silence.
  void writePacket(const std::uint8_t* opus, std::size_t n, std::uint32_t rtpTimestamp48k);
  /// From now until resume() the recording is silence (packets are dropped); remembered as a span.
  void pause();
  void resume();
  bool paused() const { return mPausedAtWallMs.has_value(); }
  /// Ends the stream (closing a pause still open) and hands the file to the writer to sync and
  /// rename; `done(ok, error)` runs on the writer thread. Later calls do nothing.
  void finish(RecordingDiskWriter::Finished done);

  bool failed() const { return mFile->failed(); }
  std::string error() const { return mFile->error(); }
  const std::string& path() const { return mFile->path(); }
  std::int64_t startWallMs() const { return mStartWallMs; }
  /// Audio written so far (after the pre-roll), in ms: the file's duration once finished.
  std::int64_t durationMs() const;
  const std::vector<PausedSpan>& pausedSpans() const { return mPausedSpans; }
  const Stats& stats() const { return mStats; }

 private:
  struct Packet {
    std::vector<std::uint8_t> bytes;
    int samples = 0;
  };
  struct OggState;
  std::int64_t nowMs() const;
  /// Position of the audio written (after the pre-roll), in samples, counting the held-back packet.
  std::int64_t positionSamples() const;
  void writeHeaders();
  void fillSilence(std::int64_t samples);
  /// Queues a packet; the previous one goes into the Ogg stream (held back so that finish() can
  /// mark the last one end-of-stream).
  void append(Packet packet);
  void commit(const Packet& packet, bool endOfStream);
  void drainPages(bool force);

  RecordingDiskWriter& mWriter;
  std::shared_ptr<RecordingDiskWriter::File> mFile;
  std::int64_t mStartWallMs;
  WallClock mClock;
  std::unique_ptr<OggState> mOgg;
  std::optional<Packet> mHeld;
  std::int64_t mGranule = 0;          // samples committed to the Ogg stream, pre-roll included
  std::int64_t mLastPageGranule = 0;  // granule of the last page handed to the writer
  std::int64_t mPacketNo = 0;
  bool mStarted = false;                // the first packet has arrived
  std::uint32_t mNextRtpTimestamp = 0;  // what the next packet in sequence would carry
  std::optional<std::int64_t> mPausedAtWallMs;
  std::int64_t mPausedAtPositionMs = 0;
  std::vector<PausedSpan> mPausedSpans;
  bool mFinished = false;
  Stats mStats;
};

}  // namespace tccc::server

#endif
