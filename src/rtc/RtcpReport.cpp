// SPDX-License-Identifier: Apache-2.0
#include "rtc/RtcpReport.hpp"

namespace tccc::rtc {

namespace {
constexpr std::uint8_t kSenderReport = 200, kReceiverReport = 201;
constexpr std::size_t kBlockBytes = 24;

std::uint32_t readU32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
}  // namespace

std::optional<double> fractionLostOf(const std::uint8_t* data, std::size_t size, std::uint32_t ssrc) {
  std::optional<double> found;
  std::size_t at = 0;
  while (at + 8 <= size) {
    const std::uint8_t* p = data + at;
    if ((p[0] >> 6) != 2) break;
    const std::size_t length = (static_cast<std::size_t>((p[2] << 8) | p[3]) + 1) * 4;
    if (length > size - at) break;
    // Report blocks follow the header and sender's SSRC (RR), or the sender info too (SR).
    const std::size_t first = p[1] == kSenderReport ? 28 : p[1] == kReceiverReport ? 8 : 0;
    const unsigned count = p[0] & 0x1f;
    for (unsigned i = 0; first && i < count && first + (i + 1) * kBlockBytes <= length; ++i) {
      const std::uint8_t* block = p + first + i * kBlockBytes;
      if (readU32(block) == ssrc) found = block[4] / 256.0;
    }
    at += length;
  }
  return found;
}

}  // namespace tccc::rtc
