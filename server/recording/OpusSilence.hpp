// SPDX-License-Identifier: Apache-2.0
// Opus packets of digital silence (48 kHz, mono, CELT), encoded once per process: what the
// recorder writes where no audio was received, and what any Opus decoder decodes as silence.
#ifndef TCCC_SERVER_RECORDING_OPUSSILENCE_HPP
#define TCCC_SERVER_RECORDING_OPUSSILENCE_HPP

#include <cstdint>
#include <vector>

namespace tccc::server {

class OpusSilence {
 public:
  /// A packet of `samples` (120, 240, 480 or 960) samples of silence. Thread-safe.
  static const std::vector<std::uint8_t>& packet(int samples);
};

}  // namespace tccc::server

#endif
