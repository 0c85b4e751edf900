// SPDX-License-Identifier: Apache-2.0
// One direction of SRTP/SRTCP (AES_CM_128_HMAC_SHA1_80) over libsrtp2: protect() what we send with
// our key, unprotect() what we receive with the peer's. Packets are changed in place.
#ifndef TCCC_SERVER_MEDIA_SRTPSESSION_HPP
#define TCCC_SERVER_MEDIA_SRTPSESSION_HPP

#include <array>
#include <cstdint>
#include <vector>

typedef struct srtp_ctx_t_ srtp_ctx_t;

namespace tccc::server::media {

class SrtpSession {
 public:
  enum class Direction { Outbound, Inbound };
  /// `keyAndSalt`: 16-byte master key then 14-byte master salt. Throws std::runtime_error.
  SrtpSession(Direction direction, const std::array<std::uint8_t, 30>& keyAndSalt);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  /// RTP -> SRTP in place (the vector grows by the auth tag). False on error.
  bool protectRtp(std::vector<std::uint8_t>& packet);
  /// SRTP -> RTP in place (shrinks). False when authentication fails or it is a replay.
  /// Encrypts and authenticates an RTCP packet in place (for the PLIs we send).
  bool protectRtcp(std::vector<std::uint8_t>& packet);
  bool unprotectRtp(std::vector<std::uint8_t>& packet);
  bool unprotectRtcp(std::vector<std::uint8_t>& packet);

 private:
  srtp_ctx_t* mSession = nullptr;
};

}  // namespace tccc::server::media

#endif
