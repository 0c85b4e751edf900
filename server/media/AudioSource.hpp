// SPDX-License-Identifier: Apache-2.0
// What a simulated caller says, as 20 ms frames of 48 kHz mono PCM: a WAV file played in a loop,
// a built-in voice-like signal (harmonics of a gliding pitch shaped by vowel formants, in syllables,
// words and pauses, so a listener clearly hears "someone talking"), or music on hold.
#ifndef TCCC_SERVER_MEDIA_AUDIOSOURCE_HPP
#define TCCC_SERVER_MEDIA_AUDIOSOURCE_HPP

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace tccc::server::media {

constexpr int kSampleRate = 48000;
constexpr int kFrameSamples = 960;  // 20 ms at 48 kHz

/// A WAV file decoded to 48 kHz mono 16-bit PCM.
class WavFile {
 public:
  static constexpr std::size_t kMaxBytes = 64u * 1024 * 1024;
  /// Parses the bytes of a RIFF/WAVE file: PCM 8/16/24/32-bit or 32-bit float, 1-8 channels (mixed
  /// down), 8-192 kHz (resampled). Returns the reason when it cannot.
  static std::variant<std::vector<std::int16_t>, std::string> parse(const std::string& bytes);
  /// Reads and parses a file (at most kMaxBytes).
  static std::variant<std::vector<std::int16_t>, std::string> load(const std::string& path);
};

class AudioSource {
 public:
  virtual ~AudioSource() = default;
  /// The next 20 ms.
  virtual void next(std::array<std::int16_t, kFrameSamples>& frame) = 0;

  /// Loops `samples` (48 kHz mono) forever, with a short pause between rounds.
  static std::unique_ptr<AudioSource> loop(std::vector<std::int16_t> samples);
  /// The built-in voice-like signal (rendered once, shared); `seed` picks where in it a leg starts.
  static std::unique_ptr<AudioSource> syntheticVoice(std::uint32_t seed = 1);
  /// A soft, slow melody for a held call.
  static std::unique_ptr<AudioSource> holdMusic();
};

/// RMS of 16-bit samples, full scale = 1.0.
double rmsOf(const std::int16_t* samples, std::size_t count);

}  // namespace tccc::server::media

#endif
