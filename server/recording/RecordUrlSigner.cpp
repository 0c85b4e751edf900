// SPDX-License-Identifier: Apache-2.0
#include "recording/RecordUrlSigner.hpp"

#include "cloud/Tc3Signer.hpp"
#include "random/SecureRandom.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tccc::server {

namespace {

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool lowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

RecordUrlSigner::RecordUrlSigner(std::string secret, std::string publicBase, std::int64_t ttlSec)
    : mSecret(std::move(secret)), mPublicBase(std::move(publicBase)), mTtlSec(ttlSec) {
  if (mSecret.size() < kMinSecretBytes)
    throw std::invalid_argument("the record URL secret must be at least 16 characters long");
  if (mTtlSec < 1) throw std::invalid_argument("the record URL lifetime must be at least 1 second");
  while (!mPublicBase.empty() && mPublicBase.back() == '/') mPublicBase.pop_back();
}

std::string RecordUrlSigner::loadOrCreateSecret(const std::string& path) {
  {
    std::ifstream in(path);
    std::string secret;
    if (in && std::getline(in, secret) && secret.size() >= kMinSecretBytes) return secret;
  }
  const std::string secret = SecureRandom::hex(32);
  // Written beside, then renamed: a crash cannot leave a half-written secret behind.
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  const std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  return secret;
}

std::string RecordUrlSigner::newRecordId() { return SecureRandom::hex(16); }

bool RecordUrlSigner::validRecordId(std::string_view id) { return id.size() == 32 && lowerHex(id); }

std::string RecordUrlSigner::signature(std::string_view recordId, std::int64_t expiresAtSec) const {
  // A separator that cannot occur in either part keeps (id, expiry) pairs from colliding.
  std::string message = std::string(recordId) + "\n" + std::to_string(expiresAtSec);
  return Tc3Signer::toHex(Tc3Signer::hmacSha256(mSecret, message));
}

std::string RecordUrlSigner::urlExpiringAt(std::string_view recordId, std::int64_t expiresAtSec) const {
  std::ostringstream out;
  out << mPublicBase << "/records/" << recordId << ".ogg?expires=" << expiresAtSec
      << "&sig=" << signature(recordId, expiresAtSec);
  return out.str();
}

std::string RecordUrlSigner::url(std::string_view recordId, std::int64_t nowSec) const {
  return urlExpiringAt(recordId, nowSec + mTtlSec);
}

RecordUrlSigner::Check RecordUrlSigner::verify(std::string_view recordId, std::string_view expires,
                                               std::string_view sig, std::int64_t nowSec) const {
  if (!validRecordId(recordId) || expires.size() > 12 || !allDigits(expires) || sig.size() != 64 || !lowerHex(sig))
    return Check::Malformed;
  const std::int64_t expiresAt = std::stoll(std::string(expires));
  // The expiry text must be the canonical one that was signed ("0123" is not "123").
  if (std::to_string(expiresAt) != expires) return Check::Malformed;
  if (!Tc3Signer::constantTimeEquals(signature(recordId, expiresAt), sig)) return Check::BadSignature;
  if (nowSec >= expiresAt) return Check::Expired;
  return Check::Ok;
}

}  // namespace tccc::server
