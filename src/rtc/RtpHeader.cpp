// SPDX-License-Identifier: Apache-2.0
#include "rtc/RtpHeader.hpp"

namespace tccc::rtc {

std::optional<RtpHeader> RtpHeader::read(const std::uint8_t* data, std::size_t size) {
  if (!data || size < 12 || (data[0] >> 6) != 2) return std::nullopt;
  RtpHeader h;
  bool padding = data[0] & 0x20;
  bool extension = data[0] & 0x10;
  std::size_t csrcs = data[0] & 0x0F;
  h.marker = data[1] & 0x80;
  h.payloadType = data[1] & 0x7F;
  h.sequence = static_cast<std::uint16_t>(data[2] << 8 | data[3]);
  h.timestamp = static_cast<std::uint32_t>(data[4]) << 24 | static_cast<std::uint32_t>(data[5]) << 16 |
                static_cast<std::uint32_t>(data[6]) << 8 | data[7];
  h.ssrc = static_cast<std::uint32_t>(data[8]) << 24 | static_cast<std::uint32_t>(data[9]) << 16 |
           static_cast<std::uint32_t>(data[10]) << 8 | data[11];
  std::size_t pos = 12 + 4 * csrcs;
  if (pos > size) return std::nullopt;
  if (extension) {
    if (size - pos < 4) return std::nullopt;
    std::size_t words = static_cast<std::size_t>(data[pos + 2] << 8 | data[pos + 3]);
    if (size - pos - 4 < words * 4) return std::nullopt;
    pos += 4 + words * 4;
  }
  std::size_t end = size;
  if (padding) {
    std::size_t pad = data[size - 1];
    if (pad == 0 || pad > end - pos) return std::nullopt;
    end -= pad;
  }
  h.payloadOffset = pos;
  h.payloadSize = end - pos;
  return h;
}

void RtpHeader::write(std::vector<std::uint8_t>& out) const {
  out.push_back(0x80);
  out.push_back(static_cast<std::uint8_t>((marker ? 0x80 : 0) | (payloadType & 0x7F)));
  out.push_back(static_cast<std::uint8_t>(sequence >> 8));
  out.push_back(static_cast<std::uint8_t>(sequence));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(timestamp >> shift));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(ssrc >> shift));
}

}  // namespace tccc::rtc
