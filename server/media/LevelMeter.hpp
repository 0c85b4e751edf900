// SPDX-License-Identifier: Apache-2.0
// The level of what a participant says, for the simulator's reports (rmsIn in GET /sim/sessions):
// decodes each Opus frame and keeps the RMS over the last 500 ms (full scale 1.0).
#ifndef TCCC_SERVER_MEDIA_LEVELMETER_HPP
#define TCCC_SERVER_MEDIA_LEVELMETER_HPP

#include <cstddef>
#include <cstdint>
#include <deque>

struct OpusDecoder;

namespace tccc::server::media {

class LevelMeter {
 public:
  LevelMeter();
  ~LevelMeter();
  LevelMeter(const LevelMeter&) = delete;
  LevelMeter& operator=(const LevelMeter&) = delete;

  /// Decodes one Opus packet into the window; false when it does not decode (the level stays).
  bool add(const std::uint8_t* opus, std::size_t size);
  /// `samples` (48 kHz) of silence: time in which the sender sent nothing (Opus DTX sends nothing
  /// while it hears nothing but a comfort-noise update every 400 ms), so that the level falls.
  void addSilence(std::size_t samples);
  /// One packet of a stream with its RTP timestamp (48 kHz): a timestamp that jumped past the
  /// frames in between is DTX (the sender heard nothing), counted as silence first. Every leg
  /// meters through this, whatever carries its packets (RTP, /ws/media).
  bool addPacket(std::uint32_t timestamp, const std::uint8_t* opus, std::size_t size);
  /// RMS over the window.
  double rms() const;

 private:
  static constexpr std::size_t kFrames = 25;  // 500 ms of 20 ms frames
  static constexpr std::size_t kFrameSamples = 960;
  static constexpr std::uint32_t kMaxSilenceTicks = 480000;  // 10 s: longer is a new stream, not a pause
  void push(double sum, std::size_t samples);
  OpusDecoder* mDecoder = nullptr;
  std::deque<double> mSums;  // sum of squares per frame
  std::deque<std::size_t> mCounts;
  double mSum = 0;
  std::size_t mSamples = 0;
  std::uint32_t mLastTimestamp = 0;
  bool mHaveTimestamp = false;
};

}  // namespace tccc::server::media

#endif
