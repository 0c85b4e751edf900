// SPDX-License-Identifier: Apache-2.0
// What a simulated caller says, as 20 ms frames of 48 kHz mono PCM: a WAV file played in a loop,
// a built-in voice-like signal (harmonics of a gliding pitch shaped by vowel formants, in syllables,
// words and pauses, so a listener clearly hears "someone talking"), or music on hold.
#ifndef TCCC_SERVER_MEDIA_AUDIOSOURCE_HPP
#define TCCC_SERVER_MEDIA_AUDIOSOURCE_HPP

#include "media/WavFile.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tccc::server::media {

constexpr int kSampleRate = 48000;
constexpr int kFrameSamples = 960;  // 20 ms at 48 kHz

/// WAV files are read by the code the native SDK shares (src/media/WavFile).
using tccc::media::WavFile;

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
