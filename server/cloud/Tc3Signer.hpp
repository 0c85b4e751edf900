// SPDX-License-Identifier: Apache-2.0
// TC3-HMAC-SHA256, the request signature of Tencent Cloud API v3 (tccc-facts.md §2.2), used to verify
// cloud API calls. Pure functions: no clock, no I/O, so the known vectors can be tested exactly.
#ifndef TCCC_SERVER_CLOUD_TC3SIGNER_HPP
#define TCCC_SERVER_CLOUD_TC3SIGNER_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::server {

/// The parts of an `Authorization: TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
struct Tc3Authorization {
  std::string secretId;
  std::string date;     // YYYY-MM-DD (UTC) from the credential scope
  std::string service;  // from the credential scope ("ccc"; the Node client puts its endpoint's first label)
  std::vector<std::string> signedHeaders;  // lower-case names, in the order signed
  std::string signature;                   // lower-case hex
};

class Tc3Signer {
 public:
  static constexpr std::string_view kAlgorithm = "TC3-HMAC-SHA256";

  static std::string sha256Hex(std::string_view data);
  /// Raw (binary) HMAC-SHA256.
  static std::string hmacSha256(std::string_view key, std::string_view message);
  static std::string toHex(std::string_view bytes);
  /// UTC calendar date of a Unix timestamp, "YYYY-MM-DD".
  static std::string utcDate(std::int64_t timestamp);

  static std::string canonicalRequest(std::string_view method, std::string_view uri, std::string_view query,
                                      std::string_view canonicalHeaders, std::string_view signedHeaders,
                                      std::string_view payload);
  static std::string stringToSign(std::int64_t timestamp, std::string_view credentialScope,
                                  std::string_view canonicalRequest);
  /// Hex signature of `stringToSign` with the key derived from SecretKey, date and service.
  static std::string signature(std::string_view secretKey, std::string_view date, std::string_view service,
                               std::string_view stringToSign);

  /// Builds a complete Authorization header value for a POST (what a client does). `headers` maps
  /// lower-case names to the exact values signed; all of them are signed, in name order.
  static std::string authorize(std::string_view secretId, std::string_view secretKey, std::string_view service,
                               std::int64_t timestamp, const std::map<std::string, std::string>& headers,
                               std::string_view payload);

  /// Parses an Authorization header; nullopt when it is not a well-formed TC3 header.
  static std::optional<Tc3Authorization> parseAuthorization(std::string_view header);

  /// Checks a POST request's signature. `requestHeaders` has lower-case names. The host is accepted
  /// with or without its port (the Node client signs the hostname alone but sends host:port), and
  /// header values are tried lower-cased (the documented canonical form) and verbatim.
  static bool verify(const Tc3Authorization& auth, std::string_view secretKey, std::int64_t timestamp,
                     std::string_view method, std::string_view uri, std::string_view query,
                     const std::map<std::string, std::string>& requestHeaders, std::string_view payload);

  /// Constant-time comparison of two strings of equal length (false if lengths differ).
  static bool constantTimeEquals(std::string_view a, std::string_view b);
};

}  // namespace tccc::server

#endif
