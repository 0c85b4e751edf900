// SPDX-License-Identifier: Apache-2.0
#include "random/SecureRandom.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace tccc {

namespace {
void fill(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("the system random generator failed");
}

std::uint64_t uniform(std::uint64_t bound) {  // in [0, bound), without modulo bias
  if (bound == 0) return 0;
  std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  while (true) {
    std::uint64_t v = 0;
    fill(reinterpret_cast<unsigned char*>(&v), sizeof v);
    if (v < limit) return v % bound;
  }
}
}  // namespace

std::string SecureRandom::alphanumeric(std::size_t length) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr unsigned kCount = sizeof kChars - 1;   // 62
  constexpr unsigned kLimit = 256 - 256 % kCount;  // 248: bytes below it map without bias
  // One generator call for the whole string (plus one more now and then for rejected bytes):
  // a call per character made a server media leg's two ICE strings cost ~80 µs of CPU.
  std::string out;
  out.reserve(length);
  unsigned char buffer[64];
  while (out.size() < length) {
    const std::size_t want = std::min(sizeof buffer, length - out.size() + (length - out.size()) / 16 + 1);
    fill(buffer, want);
    for (std::size_t i = 0; i < want && out.size() < length; ++i)
      if (buffer[i] < kLimit) out.push_back(kChars[buffer[i] % kCount]);
  }
  return out;
}

std::string SecureRandom::hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  fill(buffer.data(), bytes);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : buffer) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

std::string SecureRandom::uuid() {
  unsigned char b[16];
  fill(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(digits[b[i] >> 4]);
    out.push_back(digits[b[i] & 0xf]);
  }
  return out;
}

std::uint32_t SecureRandom::uint32() {
  std::uint32_t v = 0;
  fill(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

std::uint64_t SecureRandom::uint64() {
  std::uint64_t v = 0;
  fill(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

std::int64_t SecureRandom::between(std::int64_t low, std::int64_t high) {
  if (high <= low) return low;
  return low + static_cast<std::int64_t>(uniform(static_cast<std::uint64_t>(high - low) + 1));
}

}  // namespace tccc
