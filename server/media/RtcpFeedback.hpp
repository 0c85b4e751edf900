// SPDX-License-Identifier: Apache-2.0
// The RTCP a forwarding server must act on (RFC 4585, RFC 5104): a receiver that lost a key frame
// asks for one (PLI, FIR) and a receiver that lost packets names them (generic NACK). Read from a
// decrypted compound packet that came from the network, so every length is checked; the rest of
// the compound (reports, REMB, transport-cc) is skipped.
#ifndef TCCC_SERVER_MEDIA_RTCPFEEDBACK_HPP
#define TCCC_SERVER_MEDIA_RTCPFEEDBACK_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tccc::server::media {

struct RtcpFeedback {
  bool keyFrameRequested = false;         // a PLI or FIR for any of our streams
  std::vector<std::uint16_t> nacked;      // sequence numbers reported lost (capped)
  std::vector<std::uint32_t> mediaSsrcs;  // the streams they were about

  /// Reads a compound RTCP packet; malformed parts end the reading, what was read stays.
  static RtcpFeedback read(const std::uint8_t* data, std::size_t size);
  /// A Picture Loss Indication from `senderSsrc` about `mediaSsrc` (12 bytes, unprotected).
  static std::vector<std::uint8_t> pli(std::uint32_t senderSsrc, std::uint32_t mediaSsrc);
};

}  // namespace tccc::server::media

#endif
