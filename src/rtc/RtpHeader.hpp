// SPDX-License-Identifier: Apache-2.0
// The fixed RTP header (RFC 3550 5.1) plus the parts a receiver must skip to find the payload:
// CSRCs, one header extension and padding. Read from untrusted datagrams, so every length is
// checked; write produces the 12-byte header our own packets use.
#ifndef TCCC_RTC_RTPHEADER_HPP
#define TCCC_RTC_RTPHEADER_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace tccc::rtc {

struct RtpHeader {
  bool marker = false;
  std::uint8_t payloadType = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::size_t payloadOffset = 0;  // read(): where the payload starts
  std::size_t payloadSize = 0;    // read(): payload bytes, padding removed

  /// Parses an (unprotected) RTP packet; nullopt when it is not version 2 or any length is wrong.
  static std::optional<RtpHeader> read(const std::uint8_t* data, std::size_t size);
  /// Appends the 12-byte header (version 2, no padding, extension or CSRC) to `out`.
  void write(std::vector<std::uint8_t>& out) const;
};

/// What a datagram on a WebRTC 5-tuple carries, by its first byte (RFC 7983 section 7), with RTP
/// and RTCP told apart by the payload-type byte (RFC 5761 section 4: 192-223 is RTCP).
enum class PacketKind { Stun, Dtls, Rtp, Rtcp, Unknown };

inline PacketKind classifyPacket(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return PacketKind::Unknown;
  std::uint8_t b = data[0];
  if (b <= 3) return size >= 20 ? PacketKind::Stun : PacketKind::Unknown;
  if (b >= 20 && b <= 63) return size >= 13 ? PacketKind::Dtls : PacketKind::Unknown;
  if (b >= 128 && b <= 191) {
    if (size < 4) return PacketKind::Unknown;  // RTCP headers are 4 bytes at least, RTP 12
    std::uint8_t pt = data[1];
    if (pt >= 192 && pt <= 223) return PacketKind::Rtcp;
    return size >= 12 ? PacketKind::Rtp : PacketKind::Unknown;
  }
  return PacketKind::Unknown;  // 16-19 ZRTP, 64-79 TURN channels: not used here
}

}  // namespace tccc::rtc

#endif
