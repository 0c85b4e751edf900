// SPDX-License-Identifier: Apache-2.0
#include "rtc/StunMessage.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

namespace tccc::rtc {

namespace {

constexpr std::size_t kHeader = 20;
constexpr std::uint32_t kFingerprintXor = 0x5354554e;

std::uint16_t rd16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t rd32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
void wr16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void wr32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// HMAC-SHA1 over `data` whose header length field is replaced by `length` (RFC 5389 15.4: the
// length counts up to and including MESSAGE-INTEGRITY, even when FINGERPRINT follows).
std::array<std::uint8_t, 20> integrity(const std::uint8_t* data, std::size_t upTo, std::uint16_t length,
                                       std::string_view key) {
  std::vector<std::uint8_t> copy(data, data + upTo);
  wr16(copy.data() + 2, length);
  std::array<std::uint8_t, 20> mac{};
  unsigned int macLen = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), copy.data(), copy.size(), mac.data(), &macLen);
  return mac;
}

}  // namespace

std::uint32_t StunMessage::crc32(const std::uint8_t* data, std::size_t size) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool StunMessage::looksLikeStun(const std::uint8_t* data, std::size_t size) {
  if (size < kHeader || (data[0] & 0xC0) != 0) return false;
  std::uint16_t length = rd16(data + 2);
  return (length & 3) == 0 && kHeader + length == size && rd32(data + 4) == kMagicCookie;
}

std::optional<StunMessage> StunMessage::decode(const std::uint8_t* data, std::size_t size, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<StunMessage> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (!data || size < kHeader) return fail("shorter than a STUN header");
  if ((data[0] & 0xC0) != 0) return fail("the first two bits are not zero");
  if (rd32(data + 4) != kMagicCookie) return fail("no magic cookie");
  std::uint16_t length = rd16(data + 2);
  if ((length & 3) != 0) return fail("the length is not a multiple of 4");
  if (kHeader + length != size) return fail("the length does not match the datagram");
  StunMessage m;
  m.type = rd16(data);
  std::memcpy(m.transactionId.data(), data + 8, 12);
  std::size_t pos = kHeader;
  while (pos < size) {
    if (size - pos < 4) return fail("truncated attribute header");
    std::uint16_t type = rd16(data + pos);
    std::size_t len = rd16(data + pos + 2);
    std::size_t padded = (len + 3) & ~std::size_t(3);
    if (size - pos - 4 < padded) return fail("attribute runs past the end");
    if (m.fingerprintOffset) return fail("attribute after FINGERPRINT");
    // After MESSAGE-INTEGRITY only FINGERPRINT may follow (RFC 5389 15.4); others are ignored.
    if (m.integrityOffset && type != kAttrFingerprint) {
      pos += 4 + padded;
      continue;
    }
    Attribute a;
    a.type = type;
    a.offset = pos;
    a.value.assign(reinterpret_cast<const char*>(data + pos + 4), len);
    if (type == kAttrMessageIntegrity) {
      if (len != 20) return fail("MESSAGE-INTEGRITY is not 20 bytes");
      m.integrityOffset = pos;
    } else if (type == kAttrFingerprint) {
      if (len != 4) return fail("FINGERPRINT is not 4 bytes");
      m.fingerprintOffset = pos;
      std::uint32_t want = crc32(data, pos) ^ kFingerprintXor;
      if (rd32(data + pos + 4) != want) return fail("FINGERPRINT does not match");
    }
    m.attributes.push_back(std::move(a));
    pos += 4 + padded;
  }
  return m;
}

const StunMessage::Attribute* StunMessage::find(std::uint16_t attrType) const {
  for (const auto& a : attributes)
    if (a.type == attrType) return &a;
  return nullptr;
}

std::optional<std::string> StunMessage::username() const {
  const Attribute* a = find(kAttrUsername);
  if (!a) return std::nullopt;
  return a->value;
}

std::optional<StunAddress> StunMessage::xorMappedAddress() const {
  const Attribute* a = find(kAttrXorMappedAddress);
  if (!a || a->value.size() < 8) return std::nullopt;
  const auto* v = reinterpret_cast<const std::uint8_t*>(a->value.data());
  StunAddress out;
  std::uint8_t family = v[1];
  if (family == 0x01 && a->value.size() == 8) {
    out.ipv6 = false;
  } else if (family == 0x02 && a->value.size() == 20) {
    out.ipv6 = true;
  } else {
    return std::nullopt;
  }
  out.port = static_cast<std::uint16_t>(rd16(v + 2) ^ (kMagicCookie >> 16));
  std::uint8_t mask[16];
  wr32(mask, kMagicCookie);
  std::memcpy(mask + 4, transactionId.data(), 12);
  std::size_t n = out.ipv6 ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i) out.ip[i] = v[4 + i] ^ mask[i];
  return out;
}

bool StunMessage::checkIntegrity(const std::uint8_t* data, std::size_t size, std::string_view key) const {
  if (!integrityOffset || integrityOffset + 24 > size) return false;
  auto mac = integrity(data, integrityOffset, static_cast<std::uint16_t>(integrityOffset + 24 - kHeader), key);
  return CRYPTO_memcmp(mac.data(), data + integrityOffset + 4, 20) == 0;
}

// --- Builder ---------------------------------------------------------------------------------

StunMessage::Builder::Builder(std::uint16_t type, const std::array<std::uint8_t, 12>& transactionId) {
  mBytes.resize(kHeader);
  wr16(mBytes.data(), type);
  wr32(mBytes.data() + 4, kMagicCookie);
  std::memcpy(mBytes.data() + 8, transactionId.data(), 12);
}

void StunMessage::Builder::setLength(std::size_t bodyLength) {
  wr16(mBytes.data() + 2, static_cast<std::uint16_t>(bodyLength));
}

StunMessage::Builder& StunMessage::Builder::add(std::uint16_t type, std::string_view value) {
  std::size_t at = mBytes.size();
  std::size_t padded = (value.size() + 3) & ~std::size_t(3);
  mBytes.resize(at + 4 + padded, 0);
  wr16(mBytes.data() + at, type);
  wr16(mBytes.data() + at + 2, static_cast<std::uint16_t>(value.size()));
  std::memcpy(mBytes.data() + at + 4, value.data(), value.size());
  setLength(mBytes.size() - kHeader);
  return *this;
}

StunMessage::Builder& StunMessage::Builder::addXorAddress(std::uint16_t type, const StunAddress& a) {
  std::uint8_t v[20] = {};
  v[1] = a.ipv6 ? 0x02 : 0x01;
  wr16(v + 2, static_cast<std::uint16_t>(a.port ^ (kMagicCookie >> 16)));
  std::uint8_t mask[16];
  wr32(mask, kMagicCookie);
  std::memcpy(mask + 4, mBytes.data() + 8, 12);
  std::size_t n = a.ipv6 ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i) v[4 + i] = a.ip[i] ^ mask[i];
  return add(type, std::string_view(reinterpret_cast<const char*>(v), 4 + n));
}

StunMessage::Builder& StunMessage::Builder::addIntegrity(std::string_view key) {
  std::size_t at = mBytes.size();
  auto mac = integrity(mBytes.data(), at, static_cast<std::uint16_t>(at + 24 - kHeader), key);
  return add(kAttrMessageIntegrity, std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

StunMessage::Builder& StunMessage::Builder::addFingerprint() {
  std::size_t at = mBytes.size();
  setLength(at + 8 - kHeader);
  std::uint8_t v[4];
  wr32(v, crc32(mBytes.data(), at) ^ kFingerprintXor);
  return add(kAttrFingerprint, std::string_view(reinterpret_cast<const char*>(v), 4));
}

std::vector<std::uint8_t> StunMessage::Builder::take() { return std::move(mBytes); }

std::vector<std::uint8_t> StunMessage::bindingSuccess(const std::array<std::uint8_t, 12>& transactionId,
                                                      const StunAddress& mapped, std::string_view key) {
  return Builder(kBindingSuccess, transactionId)
      .addXorAddress(kAttrXorMappedAddress, mapped)
      .addIntegrity(key)
      .addFingerprint()
      .take();
}

std::vector<std::uint8_t> StunMessage::bindingError(const std::array<std::uint8_t, 12>& transactionId, int code,
                                                    std::string_view reason) {
  std::string v(4, '\0');
  v[2] = static_cast<char>(code / 100);
  v[3] = static_cast<char>(code % 100);
  v.append(reason);
  return Builder(kBindingError, transactionId).add(kAttrErrorCode, v).addFingerprint().take();
}

}  // namespace tccc::rtc
