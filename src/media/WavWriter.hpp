// SPDX-License-Identifier: Apache-2.0
// Writes 16-bit PCM to a WAV file as it comes (a call recording), and fixes the RIFF sizes when it
// is closed, so a recording cut short by a crash is still playable up to its last flushed block by
// tools that ignore the sizes. Stops by itself at a size cap instead of filling the disk.
#ifndef TCCC_MEDIA_WAVWRITER_HPP
#define TCCC_MEDIA_WAVWRITER_HPP

#include <cstdint>
#include <fstream>
#include <string>

namespace tccc::media {

class WavWriter {
 public:
  static constexpr std::uint64_t kMaxDataBytes = 1ull << 30;  // 1 GiB: ~1.5 h of 48 kHz stereo

  /// Opens `path` for writing (truncating it). ok() tells whether that worked.
  WavWriter(const std::string& path, int channels, int sampleRate);
  ~WavWriter();
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  bool ok() const { return mOk; }
  /// Appends `frames` frames of interleaved samples; false once the file failed or hit the cap.
  bool write(const std::int16_t* interleaved, std::size_t frames);
  /// Writes the final sizes and closes; idempotent.
  void close();
  std::uint64_t dataBytes() const { return mDataBytes; }

 private:
  void writeHeader(std::uint32_t dataBytes);
  std::ofstream mOut;
  int mChannels;
  int mRate;
  std::uint64_t mDataBytes = 0;
  bool mOk = false;
  bool mClosed = false;
};

}  // namespace tccc::media

#endif
