// SPDX-License-Identifier: Apache-2.0
// Unpredictable identifiers (secrets, login tokens, push UUIDs, RequestIds) from OpenSSL's CSPRNG.
#ifndef TCCC_SERVER_STORE_SECURERANDOM_HPP
#define TCCC_SERVER_STORE_SECURERANDOM_HPP

#include <cstdint>
#include <string>

namespace tccc::server {

class SecureRandom {
 public:
  /// `length` characters of [A-Za-z0-9].
  static std::string alphanumeric(std::size_t length);
  /// `bytes` random bytes as lower-case hex (2 × bytes characters).
  static std::string hex(std::size_t bytes);
  /// A version-4 UUID, lower-case, with dashes.
  static std::string uuid();
  /// Uniform in [low, high].
  static std::int64_t between(std::int64_t low, std::int64_t high);
};

}  // namespace tccc::server

#endif
