// SPDX-License-Identifier: Apache-2.0
#include "media/SrtpSession.hpp"

#include <srtp2/srtp.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace tccc::server::media {

namespace {

void initOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (srtp_init() != srtp_err_status_ok) throw std::runtime_error("SRTP: srtp_init failed");
  });
}

}  // namespace

SrtpSession::SrtpSession(Direction direction, const std::array<std::uint8_t, 30>& keyAndSalt) {
  initOnce();
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof policy);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  policy.ssrc.type = direction == Direction::Outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.ssrc.value = 0;
  std::array<std::uint8_t, 30> key = keyAndSalt;
  policy.key = key.data();
  policy.window_size = 1024;
  policy.allow_repeat_tx = 0;
  policy.next = nullptr;
  srtp_err_status_t err = srtp_create(&mSession, &policy);
  if (err != srtp_err_status_ok) throw std::runtime_error("SRTP: srtp_create failed (" + std::to_string(err) + ")");
}

SrtpSession::~SrtpSession() {
  if (mSession) srtp_dealloc(mSession);
}

bool SrtpSession::protectRtp(std::vector<std::uint8_t>& packet) {
  if (packet.size() < 12) return false;
  int len = static_cast<int>(packet.size());
  packet.resize(packet.size() + SRTP_MAX_TRAILER_LEN);
  if (srtp_protect(mSession, packet.data(), &len) != srtp_err_status_ok) {
    packet.resize(static_cast<std::size_t>(len));
    return false;
  }
  packet.resize(static_cast<std::size_t>(len));
  return true;
}

bool SrtpSession::protectRtcp(std::vector<std::uint8_t>& packet) {
  if (packet.size() < 8) return false;
  int len = static_cast<int>(packet.size());
  packet.resize(packet.size() + SRTP_MAX_TRAILER_LEN + 4);  // the tag and the SRTCP index
  if (srtp_protect_rtcp(mSession, packet.data(), &len) != srtp_err_status_ok) {
    packet.resize(static_cast<std::size_t>(len));
    return false;
  }
  packet.resize(static_cast<std::size_t>(len));
  return true;
}

bool SrtpSession::unprotectRtp(std::vector<std::uint8_t>& packet) {
  if (packet.size() < 12 + 10) return false;
  int len = static_cast<int>(packet.size());
  if (srtp_unprotect(mSession, packet.data(), &len) != srtp_err_status_ok) return false;
  packet.resize(static_cast<std::size_t>(len));
  return true;
}

bool SrtpSession::unprotectRtcp(std::vector<std::uint8_t>& packet) {
  if (packet.size() < 8 + 14) return false;
  int len = static_cast<int>(packet.size());
  if (srtp_unprotect_rtcp(mSession, packet.data(), &len) != srtp_err_status_ok) return false;
  packet.resize(static_cast<std::size_t>(len));
  return true;
}

}  // namespace tccc::server::media
