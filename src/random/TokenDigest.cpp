// SPDX-License-Identifier: Apache-2.0
#include "random/TokenDigest.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace tccc {

std::string TokenDigest::of(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * sizeof digest, '0');
  for (std::size_t i = 0; i < sizeof digest; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return out;
}

bool TokenDigest::matches(std::string_view token, std::string_view digest) {
  const std::string actual = of(token);
  return digest.size() == actual.size() && CRYPTO_memcmp(actual.data(), digest.data(), actual.size()) == 0;
}

}  // namespace tccc
