// SPDX-License-Identifier: Apache-2.0
// Signed, expiring links to recordings, like the cloud's temporary RecordURL:
//   <publicBase>/records/<recordId>.ogg?expires=<Unix seconds>&sig=<hex HMAC-SHA256>
// The HMAC covers the record id and the expiry with a server secret that never leaves the server
// (generated at first start into the data directory, or given in the configuration). Whoever
// holds a link may fetch that one recording until it expires; nothing else is exposed.
#ifndef TCCC_SERVER_RECORDING_RECORDURLSIGNER_HPP
#define TCCC_SERVER_RECORDING_RECORDURLSIGNER_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace tccc::server {

class RecordUrlSigner {
 public:
  static constexpr std::int64_t kDefaultTtlSec = 24 * 3600;
  static constexpr std::size_t kMinSecretBytes = 16;

  /// `secret`: at least 16 bytes (throws std::invalid_argument otherwise). `publicBase`: the
  /// server's public URL, without a trailing slash.
  RecordUrlSigner(std::string secret, std::string publicBase, std::int64_t ttlSec = kDefaultTtlSec);

  /// The secret kept in `path`, created there (32 random bytes as hex, mode 0600) if it does not
  /// exist yet. Throws std::runtime_error when it can be neither read nor created.
  static std::string loadOrCreateSecret(const std::string& path);

  /// A new record id: 32 lower-case hex digits from the CSPRNG.
  static std::string newRecordId();
  /// Exactly what newRecordId makes: the only ids the HTTP route looks up.
  static bool validRecordId(std::string_view id);

  /// A link valid for the configured lifetime from `nowSec`.
  std::string url(std::string_view recordId, std::int64_t nowSec) const;
  std::string urlExpiringAt(std::string_view recordId, std::int64_t expiresAtSec) const;
  std::string signature(std::string_view recordId, std::int64_t expiresAtSec) const;

  enum class Check { Ok, Malformed, BadSignature, Expired };
  /// Checks the parts of a link as received (query values still text). The signature is checked
  /// before the expiry, so an expired link reports Expired only when it is genuine.
  Check verify(std::string_view recordId, std::string_view expires, std::string_view sig, std::int64_t nowSec) const;

  std::int64_t ttlSec() const { return mTtlSec; }

 private:
  std::string mSecret;
  std::string mPublicBase;
  std::int64_t mTtlSec;
};

}  // namespace tccc::server

#endif
