// SPDX-License-Identifier: Apache-2.0
#include "recording/OpusSilence.hpp"

#include <opus/opus.h>

#include <array>
#include <mutex>
#include <stdexcept>
#include <string>

namespace tccc::server {

namespace {

constexpr std::array<int, 4> kSizes{120, 240, 480, 960};

std::array<std::vector<std::uint8_t>, 4> encodeAll() {
  std::array<std::vector<std::uint8_t>, 4> out;
  int err = 0;
  // Restricted low delay: CELT only, the one mode with 2.5 and 5 ms frames.
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_RESTRICTED_LOWDELAY, &err);
  if (err != OPUS_OK || !enc) throw std::runtime_error("opus_encoder_create failed: " + std::to_string(err));
  std::vector<opus_int16> zeros(960, 0);
  for (std::size_t i = 0; i < kSizes.size(); ++i) {
    opus_encoder_ctl(enc, OPUS_RESET_STATE);
    unsigned char buf[256];
    int n = opus_encode(enc, zeros.data(), kSizes[i], buf, sizeof buf);
    if (n <= 0) {
      opus_encoder_destroy(enc);
      throw std::runtime_error("opus_encode of silence failed: " + std::to_string(n));
    }
    out[i].assign(buf, buf + n);
  }
  opus_encoder_destroy(enc);
  return out;
}

}  // namespace

const std::vector<std::uint8_t>& OpusSilence::packet(int samples) {
  static const std::array<std::vector<std::uint8_t>, 4> kPackets = encodeAll();  // thread-safe init
  for (std::size_t i = 0; i < kSizes.size(); ++i)
    if (kSizes[i] == samples) return kPackets[i];
  throw std::invalid_argument("no Opus silence packet of " + std::to_string(samples) + " samples");
}

}  // namespace tccc::server
