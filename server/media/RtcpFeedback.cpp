// SPDX-License-Identifier: Apache-2.0
#include "media/RtcpFeedback.hpp"

namespace tccc::server::media {

namespace {
constexpr std::uint8_t kRtpFb = 205, kPsFb = 206;
constexpr std::uint8_t kFmtNack = 1, kFmtPli = 1, kFmtFir = 4;
constexpr std::size_t kMaxNacked = 256;  // more than a jitter buffer asks for at once

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
}  // namespace

RtcpFeedback RtcpFeedback::read(const std::uint8_t* data, std::size_t size) {
  RtcpFeedback fb;
  std::size_t at = 0;
  while (at + 4 <= size) {
    const std::uint8_t* p = data + at;
    if ((p[0] >> 6) != 2) break;
    const std::uint8_t fmt = p[0] & 0x1f, type = p[1];
    const std::size_t length = (std::size_t(be16(p + 2)) + 1) * 4;
    if (at + length > size) break;
    if ((type == kRtpFb || type == kPsFb) && length >= 12) {
      const std::uint32_t media = be32(p + 8);
      if (type == kPsFb && fmt == kFmtPli) {
        fb.keyFrameRequested = true;
        fb.mediaSsrcs.push_back(media);
      } else if (type == kPsFb && fmt == kFmtFir) {
        // FCI entries: SSRC, sequence number; the header's media SSRC is unused (RFC 5104 4.3.1).
        for (std::size_t i = 12; i + 8 <= length; i += 8) fb.mediaSsrcs.push_back(be32(p + i));
        fb.keyFrameRequested = true;
      } else if (type == kRtpFb && fmt == kFmtNack) {
        fb.mediaSsrcs.push_back(media);
        for (std::size_t i = 12; i + 4 <= length && fb.nacked.size() < kMaxNacked; i += 4) {
          const std::uint16_t pid = be16(p + i), blp = be16(p + i + 2);
          fb.nacked.push_back(pid);
          for (int bit = 0; bit < 16 && fb.nacked.size() < kMaxNacked; ++bit)
            if (blp & (1u << bit)) fb.nacked.push_back(static_cast<std::uint16_t>(pid + bit + 1));
        }
      }
    }
    at += length;
  }
  return fb;
}

std::vector<std::uint8_t> RtcpFeedback::pli(std::uint32_t senderSsrc, std::uint32_t mediaSsrc) {
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(0x80 | kFmtPli), kPsFb, 0, 2};
  put32(out, senderSsrc);
  put32(out, mediaSsrc);
  return out;
}

}  // namespace tccc::server::media
