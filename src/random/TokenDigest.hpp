// SPDX-License-Identifier: Apache-2.0
// How the server keeps a bearer token it has handed out (a login token, an agent's resume token, a
// chat visitor's token): as its SHA-256 digest, so that a copy of the database or of a journal entry
// lets nobody in. The tokens are 128+ random bits, so an unsalted digest cannot be searched back.
#ifndef TCCC_RANDOM_TOKENDIGEST_HPP
#define TCCC_RANDOM_TOKENDIGEST_HPP

#include <string>
#include <string_view>

namespace tccc {

class TokenDigest {
 public:
  /// SHA-256 of `token`, lower-case hex (64 characters).
  static std::string of(std::string_view token);
  /// Whether `token` is the one `digest` was made of; the comparison takes the same time wherever
  /// the digests differ.
  static bool matches(std::string_view token, std::string_view digest);
};

}  // namespace tccc

#endif
