// SPDX-License-Identifier: Apache-2.0
// STUN (RFC 5389) as far as an ICE-lite endpoint needs it: decode a Binding request, check its
// MESSAGE-INTEGRITY (HMAC-SHA1 keyed with our ice-pwd) and FINGERPRINT, and encode the Binding
// success response with XOR-MAPPED-ADDRESS. Pure functions over bytes: datagrams come from the
// network, so every length is checked and malformed input is rejected, never trusted.
#ifndef TCCC_RTC_STUNMESSAGE_HPP
#define TCCC_RTC_STUNMESSAGE_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::rtc {

/// A transport address (IPv4 or IPv6) in network byte order.
struct StunAddress {
  bool ipv6 = false;
  std::array<std::uint8_t, 16> ip{};  // IPv4 uses the first 4 bytes
  std::uint16_t port = 0;
  bool operator==(const StunAddress& o) const { return ipv6 == o.ipv6 && port == o.port && ip == o.ip; }
};

class StunMessage {
 public:
  static constexpr std::uint32_t kMagicCookie = 0x2112A442;
  static constexpr std::uint16_t kBindingRequest = 0x0001;
  static constexpr std::uint16_t kBindingSuccess = 0x0101;
  static constexpr std::uint16_t kBindingError = 0x0111;
  static constexpr std::uint16_t kBindingIndication = 0x0011;

  static constexpr std::uint16_t kAttrMappedAddress = 0x0001;
  static constexpr std::uint16_t kAttrUsername = 0x0006;
  static constexpr std::uint16_t kAttrMessageIntegrity = 0x0008;
  static constexpr std::uint16_t kAttrErrorCode = 0x0009;
  static constexpr std::uint16_t kAttrXorMappedAddress = 0x0020;
  static constexpr std::uint16_t kAttrPriority = 0x0024;
  static constexpr std::uint16_t kAttrUseCandidate = 0x0025;
  static constexpr std::uint16_t kAttrSoftware = 0x8022;
  static constexpr std::uint16_t kAttrFingerprint = 0x8028;
  static constexpr std::uint16_t kAttrIceControlled = 0x8029;
  static constexpr std::uint16_t kAttrIceControlling = 0x802A;

  struct Attribute {
    std::uint16_t type = 0;
    std::size_t offset = 0;  // of the attribute header inside the message
    std::string value;
  };

  std::uint16_t type = 0;
  std::array<std::uint8_t, 12> transactionId{};
  std::vector<Attribute> attributes;
  std::size_t integrityOffset = 0;    // offset of MESSAGE-INTEGRITY, 0 = absent
  std::size_t fingerprintOffset = 0;  // offset of FINGERPRINT, 0 = absent

  /// True when the datagram looks like STUN (first two bits 0, magic cookie, 4-byte aligned length
  /// that matches the datagram). Cheap: used by the demultiplexer before decode().
  static bool looksLikeStun(const std::uint8_t* data, std::size_t size);

  /// Decodes a whole message; nullopt when it is malformed (bad header, truncated or overlong
  /// attributes, attributes after FINGERPRINT, a FINGERPRINT that does not match).
  static std::optional<StunMessage> decode(const std::uint8_t* data, std::size_t size, std::string* why = nullptr);

  const Attribute* find(std::uint16_t attrType) const;
  std::optional<std::string> username() const;
  std::optional<StunAddress> xorMappedAddress() const;
  bool has(std::uint16_t attrType) const { return find(attrType) != nullptr; }

  /// Checks MESSAGE-INTEGRITY of the raw message `data` (the same bytes decode() saw) with `key`
  /// (short-term credentials: the password itself). False when absent or wrong.
  bool checkIntegrity(const std::uint8_t* data, std::size_t size, std::string_view key) const;

  /// CRC-32 (ISO-HDLC, as in zlib) of `size` bytes.
  static std::uint32_t crc32(const std::uint8_t* data, std::size_t size);

  /// A Binding success response to `request` carrying XOR-MAPPED-ADDRESS `mapped`, MESSAGE-INTEGRITY
  /// keyed with `key` and FINGERPRINT.
  static std::vector<std::uint8_t> bindingSuccess(const std::array<std::uint8_t, 12>& transactionId,
                                                  const StunAddress& mapped, std::string_view key);
  /// A Binding error response (e.g. 400 Bad Request, 401 Unauthorized) with FINGERPRINT only (the
  /// request could not be authenticated, so no integrity).
  static std::vector<std::uint8_t> bindingError(const std::array<std::uint8_t, 12>& transactionId, int code,
                                                std::string_view reason);

  /// Builder used by the encoders and by tests: appends attributes, then seals the message.
  class Builder {
   public:
    Builder(std::uint16_t type, const std::array<std::uint8_t, 12>& transactionId);
    Builder& add(std::uint16_t type, std::string_view value);
    Builder& addXorAddress(std::uint16_t type, const StunAddress& address);
    /// Appends MESSAGE-INTEGRITY keyed with `key` (call after every other attribute but FINGERPRINT).
    Builder& addIntegrity(std::string_view key);
    Builder& addFingerprint();
    std::vector<std::uint8_t> take();

   private:
    void setLength(std::size_t bodyLength);
    std::vector<std::uint8_t> mBytes;
  };
};

}  // namespace tccc::rtc

#endif
