// SPDX-License-Identifier: Apache-2.0
// RTP and RTCP datagrams on a media leg (server/media): the RTP header reader (CSRCs, extension,
// padding), the RTCP feedback reader (PLI, FIR, NACK in a compound packet), and SRTP/SRTCP
// unprotect, which reads the same headers from encrypted packets before authenticating them.
#include "media/RtcpFeedback.hpp"
#include "rtc/RtpHeader.hpp"
#include "rtc/SrtpSession.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

using namespace tccc::rtc;
using tccc::server::media::RtcpFeedback;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)classifyPacket(data, size);
  if (auto rtp = RtpHeader::read(data, size)) {
    if (rtp->payloadOffset > size || rtp->payloadSize > size - rtp->payloadOffset) std::abort();
  }
  auto feedback = RtcpFeedback::read(data, size);
  (void)feedback;

  // Long-lived sessions, as on a leg: replay windows and rollover counters carry across packets.
  static const std::array<std::uint8_t, 30> kKey{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                                 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
  static auto inbound = std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, kKey);
  std::vector<std::uint8_t> packet(data, data + size);
  (void)inbound->unprotectRtp(packet);
  packet.assign(data, data + size);
  (void)inbound->unprotectRtcp(packet);
  // Our own packets with the fuzzer's header and payload: protect then unprotect gives them back
  // (fresh sessions on both sides, so that both start from rollover counter 0).
  if (RtpHeader::read(data, size)) {
    packet.assign(data, data + size);
    SrtpSession outbound(SrtpSession::Direction::Outbound, kKey);
    if (outbound.protectRtp(packet)) {
      SrtpSession peer(SrtpSession::Direction::Inbound, kKey);
      if (!peer.unprotectRtp(packet) || packet != std::vector<std::uint8_t>(data, data + size)) std::abort();
    }
  }
  return 0;
}
