// SPDX-License-Identifier: Apache-2.0
// Unpredictable values from OpenSSL's CSPRNG: secrets, login tokens, push UUIDs and RequestIds on
// the server; ICE credentials, SSRCs and sequence starts on both the server's and the native SDK's
// media legs. Every call throws std::runtime_error if the generator fails: nothing falls back to a
// guessable source.
#ifndef TCCC_RANDOM_SECURERANDOM_HPP
#define TCCC_RANDOM_SECURERANDOM_HPP

#include <cstddef>
#include <cstdint>
#include <string>

namespace tccc {

class SecureRandom {
 public:
  /// `length` characters of [A-Za-z0-9] (also valid ICE ufrag/pwd characters, RFC 8445).
  static std::string alphanumeric(std::size_t length);
  /// `bytes` random bytes as lower-case hex (2 × bytes characters).
  static std::string hex(std::size_t bytes);
  /// A version-4 UUID, lower-case, with dashes.
  static std::string uuid();
  /// Uniform in [low, high].
  static std::int64_t between(std::int64_t low, std::int64_t high);
  /// All 32 or 64 bits random (SSRCs, RTP sequence and timestamp starts, SDP session ids).
  static std::uint32_t uint32();
  static std::uint64_t uint64();
};

}  // namespace tccc

#endif
