// SPDX-License-Identifier: Apache-2.0
// One direction of SRTP/SRTCP (AES_CM_128_HMAC_SHA1_80, RFC 3711) over OpenSSL: protect() what we
// send with our key, unprotect() what we receive with the peer's. Packets are changed in place.
// Any number of SSRCs share a session (audio, video, RTX), each with its own rollover counter,
// SRTCP index and replay window. The cipher and HMAC states are built once per session: nothing is
// allocated per packet (except when a new SSRC appears).
#ifndef TCCC_RTC_SRTPSESSION_HPP
#define TCCC_RTC_SRTPSESSION_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <openssl/sha.h>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace tccc::rtc {

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

  /// Packets within this distance below the highest index received are checked for replay; older
  /// ones are refused (per SSRC, for SRTP and SRTCP alike).
  static constexpr std::uint64_t kReplayWindow = 1024;

 private:
  /// Which indices were seen in [highest - kReplayWindow + 1, highest], as a ring of bits.
  struct ReplayWindow {
    std::uint64_t highest = 0;
    std::array<std::uint64_t, kReplayWindow / 64> bits{};
    enum class Check { Fresh, Replay, TooOld };
    Check check(std::uint64_t index) const;
    void accept(std::uint64_t index);  // after check() said Fresh and the packet authenticated
  };
  struct Stream {
    std::uint32_t ssrc = 0;
    bool rtpSeen = false, rtcpSeen = false;
    std::uint32_t roc = 0;
    std::uint16_t highestSeq = 0;  // s_l of RFC 3711 3.3.1
    std::uint32_t rtcpIndex = 0;   // outbound: the next SRTCP index
    ReplayWindow rtpReplay, rtcpReplay;
  };
  /// The keys of SRTP or of SRTCP: an AES-128-CTR context keyed once, HMAC-SHA1 ipad/opad states.
  struct Keys {
    EVP_CIPHER_CTX* cipher = nullptr;
    std::array<std::uint8_t, 14> salt{};
    SHA_CTX inner{}, outer{};
  };

  Stream* find(std::uint32_t ssrc);
  Stream& findOrAdd(std::uint32_t ssrc);
  static bool crypt(Keys& keys, std::uint32_t ssrc, std::uint64_t index, std::uint8_t* data, std::size_t size);
  static void tag(const Keys& keys, const std::uint8_t* data, std::size_t size, const std::uint8_t* suffix,
                  std::uint8_t out[10]);

  Direction mDirection;
  Keys mRtp, mRtcp;
  std::vector<Stream> mStreams;
};

namespace srtp_detail {
/// RFC 3711 4.3.1 with a key derivation rate of 0: `size` bytes of AES-CM keystream under the master
/// key with IV = (master salt XOR label << 48) << 16.
std::vector<std::uint8_t> deriveKey(const std::uint8_t masterKey[16], const std::uint8_t masterSalt[14],
                                    std::uint8_t label, std::size_t size);
/// `size` bytes of AES-128 counter-mode keystream from the 16-byte initial counter `iv`.
std::vector<std::uint8_t> aesCmKeystream(const std::uint8_t key[16], const std::uint8_t iv[16], std::size_t size);
}  // namespace srtp_detail

}  // namespace tccc::rtc

#endif
