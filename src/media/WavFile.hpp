// SPDX-License-Identifier: Apache-2.0
// Reads a WAV file into 48 kHz mono 16-bit PCM, whatever its common shape: what a simulated caller
// plays (server/media/AudioSource) and what a native agent's WAV device captures
// (native/media/WavFileDevice). The bytes may come from anyone, so every size is checked and a
// file that cannot be read is a reason, never a crash.
#ifndef TCCC_MEDIA_WAVFILE_HPP
#define TCCC_MEDIA_WAVFILE_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace tccc::media {

class WavFile {
 public:
  static constexpr std::uint32_t kSampleRate = 48000;  // what parse() returns
  static constexpr std::size_t kMaxBytes = 64u * 1024 * 1024;
  /// Parses the bytes of a RIFF/WAVE file: PCM 8/16/24/32-bit or 32-bit float, 1-8 channels (mixed
  /// down), 8-192 kHz (resampled). Returns the reason when it cannot.
  static std::variant<std::vector<std::int16_t>, std::string> parse(const std::string& bytes);
  /// Reads and parses a file (at most kMaxBytes).
  static std::variant<std::vector<std::int16_t>, std::string> load(const std::string& path);
};

}  // namespace tccc::media

#endif
