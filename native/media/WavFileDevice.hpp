// SPDX-License-Identifier: Apache-2.0
// An audio device made of files, for tests, bots and smoke tests (tccc-agent): it "captures" a WAV
// file (read with the server's parser, src/media/WavFile: PCM 8/16/24/32-bit or float, any channel
// count mixed down, 8-192 kHz resampled to 48 kHz), looped or followed by silence, and records what
// it plays to a 48 kHz mono 16-bit WAV (src/media/WavWriter) whose header is final after close().
// Opening never crashes on a malformed file: it returns the reason.
#ifndef TCCC_NATIVE_MEDIA_WAVFILEDEVICE_HPP
#define TCCC_NATIVE_MEDIA_WAVFILEDEVICE_HPP

#include "media/AudioDevice.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tccc::media {
class WavWriter;
}

namespace tccc::native {

class WavFileDevice final : public AudioDevice {
 public:
  /// Opens the files: `capturePath` is the WAV to capture ("" = capture nothing: silence),
  /// `playoutPath` the WAV to record what is played to ("" = discard it), `loop` starts the capture
  /// over at its end (else silence follows it). Null and `error` set to why when a file cannot be
  /// read, parsed or created.
  static std::unique_ptr<WavFileDevice> open(const std::string& capturePath, const std::string& playoutPath, bool loop,
                                             std::string* error);
  /// Captures `samples` (48 kHz mono) instead of a file: generated signals in tests.
  static std::unique_ptr<WavFileDevice> fromSamples(std::vector<std::int16_t> samples, bool loop,
                                                    const std::string& playoutPath, std::string* error);
  ~WavFileDevice() override;

  bool capture(std::int16_t* frame) override;
  void playout(const std::int16_t* frame) override;

  /// Finalises the recording's header and closes it; idempotent (the destructor calls it).
  void close();
  /// The capture reached its end (never when looping).
  bool captureEnded() const { return !mLoop && mPos >= mSamples.size(); }
  std::uint64_t framesCaptured() const { return mFramesCaptured; }
  std::uint64_t framesPlayed() const { return mFramesPlayed; }

 private:
  WavFileDevice() = default;
  bool openRecording(const std::string& path, std::string* error);

  std::vector<std::int16_t> mSamples;
  std::size_t mPos = 0;
  bool mLoop = false;
  std::unique_ptr<tccc::media::WavWriter> mRecording;
  std::uint64_t mFramesCaptured = 0;
  std::uint64_t mFramesPlayed = 0;
};

}  // namespace tccc::native

#endif
