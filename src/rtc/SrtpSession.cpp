// SPDX-License-Identifier: Apache-2.0
// SRTP_AES128_CM_SHA1_80 (RFC 3711) with OpenSSL's AES-CTR and SHA-1. Debian's libsrtp2 goes
// through NSS, which creates a PKCS#11 context for every packet; here each session keys one
// EVP_CIPHER_CTX per direction of traffic (SRTP, SRTCP) once and only resets its IV per packet, and
// HMAC-SHA1 starts from SHA-1 states precomputed over key^ipad and key^opad (a struct copy).
// The low-level SHA1_* calls are deprecated in OpenSSL 3 but remain the way to copy a digest state
// without an allocation (EVP_MD_CTX_copy_ex allocates in 3.0).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "rtc/SrtpSession.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace tccc::rtc {

namespace {

constexpr std::size_t kTagSize = 10;       // HMAC-SHA1 truncated to 80 bits
constexpr std::size_t kRtcpIndexSize = 4;  // E flag and 31-bit SRTCP index
constexpr std::uint32_t kEncryptedFlag = 0x80000000u;
constexpr std::uint32_t kMaxRtcpIndex = 0x7FFFFFFFu;
constexpr std::uint64_t kMaxRtpIndex = (std::uint64_t{1} << 48) - 1;

std::uint32_t load32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
void store32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

/// Length of the RTP header (fixed part, CSRCs, extension), or 0 if it does not fit in `size`.
std::size_t rtpHeaderLength(const std::uint8_t* p, std::size_t size) {
  if (size < 12) return 0;
  std::size_t length = 12 + 4 * std::size_t{p[0] & 0x0Fu};
  if (p[0] & 0x10u) {
    if (length + 4 > size) return 0;
    length += 4 + 4 * (std::size_t{p[length + 2]} << 8 | p[length + 3]);
  }
  return length <= size ? length : 0;
}

/// RFC 3711 3.3.1 / Appendix A, as libsrtp does it: the index nearest to the highest one seen. While
/// that is still within the first half of the first cycle, the ROC is taken as 0 (never -1).
std::uint64_t estimateIndex(std::uint64_t highest, std::uint16_t seq) {
  if (highest <= 32768) return seq;
  const std::uint64_t roc = highest >> 16;
  const std::uint32_t sl = static_cast<std::uint32_t>(highest & 0xFFFF);
  std::uint64_t v = roc;
  if (sl < 32768) {
    if (seq > sl + 32768) v = roc - 1;  // roc >= 1 here since highest > 32768 and sl < 32768
  } else {
    if (sl - 32768 > seq) v = roc + 1;
  }
  return v << 16 | seq;
}

EVP_CIPHER_CTX* newCtrContext(const std::uint8_t key[16]) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  static const std::uint8_t zeroIv[16] = {};
  if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, key, zeroIv) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw std::runtime_error("SRTP: cannot set up AES-128-CTR");
  }
  return ctx;
}

}  // namespace

namespace srtp_detail {

std::vector<std::uint8_t> aesCmKeystream(const std::uint8_t key[16], const std::uint8_t iv[16], std::size_t size) {
  std::vector<std::uint8_t> out(size, 0);
  EVP_CIPHER_CTX* ctx = newCtrContext(key);
  int outLength = 0;
  bool ok = EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv) == 1 &&
            EVP_EncryptUpdate(ctx, out.data(), &outLength, out.data(), static_cast<int>(size)) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) throw std::runtime_error("SRTP: AES-128-CTR failed");
  return out;
}

std::vector<std::uint8_t> deriveKey(const std::uint8_t masterKey[16], const std::uint8_t masterSalt[14],
                                    std::uint8_t label, std::size_t size) {
  std::uint8_t iv[16] = {};
  std::memcpy(iv, masterSalt, 14);
  iv[7] ^= label;  // key_id = label || r (48 bits, 0 with a key derivation rate of 0)
  return aesCmKeystream(masterKey, iv, size);
}

}  // namespace srtp_detail

SrtpSession::ReplayWindow::Check SrtpSession::ReplayWindow::check(std::uint64_t index) const {
  if (index > highest) return Check::Fresh;
  if (highest - index >= kReplayWindow) return Check::TooOld;
  const std::uint64_t bit = index % kReplayWindow;
  return (bits[bit / 64] >> (bit % 64)) & 1u ? Check::Replay : Check::Fresh;
}

void SrtpSession::ReplayWindow::accept(std::uint64_t index) {
  if (index > highest) {
    if (index - highest >= kReplayWindow) {
      bits.fill(0);
    } else {
      for (std::uint64_t i = highest + 1; i < index; ++i) {
        const std::uint64_t bit = i % kReplayWindow;
        bits[bit / 64] &= ~(std::uint64_t{1} << (bit % 64));
      }
    }
    highest = index;
  }
  const std::uint64_t bit = index % kReplayWindow;
  bits[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

SrtpSession::SrtpSession(Direction direction, const std::array<std::uint8_t, 30>& keyAndSalt) : mDirection(direction) {
  const std::uint8_t* masterKey = keyAndSalt.data();
  const std::uint8_t* masterSalt = keyAndSalt.data() + 16;
  auto setUp = [&](Keys& keys, std::uint8_t firstLabel) {
    auto encryption = srtp_detail::deriveKey(masterKey, masterSalt, firstLabel, 16);
    auto authentication = srtp_detail::deriveKey(masterKey, masterSalt, firstLabel + 1, 20);
    auto salt = srtp_detail::deriveKey(masterKey, masterSalt, firstLabel + 2, 14);
    keys.cipher = newCtrContext(encryption.data());
    std::memcpy(keys.salt.data(), salt.data(), 14);
    std::uint8_t pad[SHA_CBLOCK];
    std::memset(pad, 0x36, sizeof pad);
    for (std::size_t i = 0; i < authentication.size(); ++i) pad[i] ^= authentication[i];
    SHA1_Init(&keys.inner);
    SHA1_Update(&keys.inner, pad, sizeof pad);
    std::memset(pad, 0x5c, sizeof pad);
    for (std::size_t i = 0; i < authentication.size(); ++i) pad[i] ^= authentication[i];
    SHA1_Init(&keys.outer);
    SHA1_Update(&keys.outer, pad, sizeof pad);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(encryption.data(), encryption.size());
    OPENSSL_cleanse(authentication.data(), authentication.size());
    OPENSSL_cleanse(salt.data(), salt.size());
  };
  try {
    setUp(mRtp, 0x00);
    setUp(mRtcp, 0x03);
  } catch (...) {
    EVP_CIPHER_CTX_free(mRtp.cipher);
    EVP_CIPHER_CTX_free(mRtcp.cipher);
    throw;
  }
  mStreams.reserve(4);
}

SrtpSession::~SrtpSession() {
  for (Keys* keys : {&mRtp, &mRtcp}) {
    EVP_CIPHER_CTX_free(keys->cipher);
    OPENSSL_cleanse(&keys->inner, sizeof keys->inner);
    OPENSSL_cleanse(&keys->outer, sizeof keys->outer);
    OPENSSL_cleanse(keys->salt.data(), keys->salt.size());
  }
}

SrtpSession::Stream* SrtpSession::find(std::uint32_t ssrc) {
  for (auto& s : mStreams)
    if (s.ssrc == ssrc) return &s;
  return nullptr;
}

SrtpSession::Stream& SrtpSession::findOrAdd(std::uint32_t ssrc) {
  if (Stream* s = find(ssrc)) return *s;
  mStreams.emplace_back();
  mStreams.back().ssrc = ssrc;
  return mStreams.back();
}

bool SrtpSession::crypt(Keys& keys, std::uint32_t ssrc, std::uint64_t index, std::uint8_t* data, std::size_t size) {
  if (size == 0) return true;
  // IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16), the low 16 bits being the block counter.
  std::uint8_t iv[16];
  std::memcpy(iv, keys.salt.data(), 14);
  iv[14] = iv[15] = 0;
  iv[4] ^= static_cast<std::uint8_t>(ssrc >> 24);
  iv[5] ^= static_cast<std::uint8_t>(ssrc >> 16);
  iv[6] ^= static_cast<std::uint8_t>(ssrc >> 8);
  iv[7] ^= static_cast<std::uint8_t>(ssrc);
  for (int i = 0; i < 6; ++i) iv[13 - i] ^= static_cast<std::uint8_t>(index >> (8 * i));
  int outLength = 0;
  return EVP_EncryptInit_ex(keys.cipher, nullptr, nullptr, nullptr, iv) == 1 &&
         EVP_EncryptUpdate(keys.cipher, data, &outLength, data, static_cast<int>(size)) == 1;
}

void SrtpSession::tag(const Keys& keys, const std::uint8_t* data, std::size_t size, const std::uint8_t* suffix,
                      std::uint8_t out[10]) {
  std::uint8_t digest[SHA_DIGEST_LENGTH];
  SHA_CTX ctx = keys.inner;
  SHA1_Update(&ctx, data, size);
  SHA1_Update(&ctx, suffix, 4);
  SHA1_Final(digest, &ctx);
  ctx = keys.outer;
  SHA1_Update(&ctx, digest, sizeof digest);
  SHA1_Final(digest, &ctx);
  std::memcpy(out, digest, kTagSize);
}

bool SrtpSession::protectRtp(std::vector<std::uint8_t>& packet) {
  if (mDirection != Direction::Outbound) return false;
  const std::size_t size = packet.size();
  const std::size_t headerLength = rtpHeaderLength(packet.data(), size);
  if (headerLength == 0) return false;
  const std::uint16_t seq = static_cast<std::uint16_t>(packet[2] << 8 | packet[3]);
  Stream& stream = findOrAdd(load32(&packet[8]));
  // The sender's packets come in order, but a lower sequence number (a resend) just gets the index
  // the receiver will estimate for it.
  const std::uint64_t index = estimateIndex(stream.rtpReplay.highest, seq);
  if (index > kMaxRtpIndex) return false;  // the ROC would overflow: the key must be renewed
  if (index > stream.rtpReplay.highest) stream.rtpReplay.highest = index;
  if (!crypt(mRtp, stream.ssrc, index, packet.data() + headerLength, size - headerLength)) return false;
  std::uint8_t roc[4];
  store32(roc, static_cast<std::uint32_t>(index >> 16));
  packet.resize(size + kTagSize);
  tag(mRtp, packet.data(), size, roc, packet.data() + size);
  return true;
}

bool SrtpSession::unprotectRtp(std::vector<std::uint8_t>& packet) {
  if (mDirection != Direction::Inbound || packet.size() < 12 + kTagSize) return false;
  const std::size_t size = packet.size() - kTagSize;
  const std::size_t headerLength = rtpHeaderLength(packet.data(), size);
  if (headerLength == 0) return false;
  const std::uint32_t ssrc = load32(&packet[8]);
  const std::uint16_t seq = static_cast<std::uint16_t>(packet[2] << 8 | packet[3]);
  std::uint64_t index = seq;
  if (const Stream* stream = find(ssrc)) {
    index = estimateIndex(stream->rtpReplay.highest, seq);
    if (stream->rtpReplay.check(index) != ReplayWindow::Check::Fresh) return false;
  }
  std::uint8_t roc[4], expected[kTagSize];
  store32(roc, static_cast<std::uint32_t>(index >> 16));
  tag(mRtp, packet.data(), size, roc, expected);
  if (CRYPTO_memcmp(expected, packet.data() + size, kTagSize) != 0) return false;
  if (!crypt(mRtp, ssrc, index, packet.data() + headerLength, size - headerLength)) return false;
  findOrAdd(ssrc).rtpReplay.accept(index);
  packet.resize(size);
  return true;
}

bool SrtpSession::protectRtcp(std::vector<std::uint8_t>& packet) {
  if (mDirection != Direction::Outbound || packet.size() < 8) return false;
  const std::size_t size = packet.size();
  Stream& stream = findOrAdd(load32(&packet[4]));
  if (stream.rtcpIndex > kMaxRtcpIndex) return false;  // the key must be renewed
  const std::uint32_t index = stream.rtcpIndex++;
  if (!crypt(mRtcp, stream.ssrc, index, packet.data() + 8, size - 8)) return false;
  packet.resize(size + kRtcpIndexSize + kTagSize);
  store32(packet.data() + size, kEncryptedFlag | index);
  tag(mRtcp, packet.data(), size, packet.data() + size, packet.data() + size + kRtcpIndexSize);
  return true;
}

bool SrtpSession::unprotectRtcp(std::vector<std::uint8_t>& packet) {
  if (mDirection != Direction::Inbound || packet.size() < 8 + kRtcpIndexSize + kTagSize) return false;
  const std::size_t size = packet.size() - kRtcpIndexSize - kTagSize;  // the RTCP packet itself
  const std::uint32_t ssrc = load32(&packet[4]);
  const std::uint32_t eIndex = load32(&packet[size]);
  const std::uint32_t index = eIndex & kMaxRtcpIndex;
  if (const Stream* stream = find(ssrc))
    if (stream->rtcpReplay.check(index) != ReplayWindow::Check::Fresh) return false;
  std::uint8_t expected[kTagSize];
  tag(mRtcp, packet.data(), size, packet.data() + size, expected);
  if (CRYPTO_memcmp(expected, packet.data() + size + kRtcpIndexSize, kTagSize) != 0) return false;
  if ((eIndex & kEncryptedFlag) && !crypt(mRtcp, ssrc, index, packet.data() + 8, size - 8)) return false;
  findOrAdd(ssrc).rtcpReplay.accept(index);
  packet.resize(size);
  return true;
}

}  // namespace tccc::rtc
