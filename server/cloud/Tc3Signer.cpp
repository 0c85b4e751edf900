// SPDX-License-Identifier: Apache-2.0
#include "cloud/Tc3Signer.hpp"

#include "http/HeaderText.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace tccc::server {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool isLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "host:port" -> "host"; "[::1]:8080" -> "[::1]"; a bare IPv6 literal is left alone.
std::string stripPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return std::string(close == std::string_view::npos ? host : host.substr(0, close + 1));
  }
  auto colon = host.rfind(':');
  if (colon == std::string_view::npos || host.find(':') != colon) return std::string(host);
  return std::string(host.substr(0, colon));
}

}  // namespace

std::string Tc3Signer::toHex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

std::string Tc3Signer::sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return toHex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string Tc3Signer::hmacSha256(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string Tc3Signer::utcDate(std::int64_t timestamp) {
  std::time_t t = static_cast<std::time_t>(timestamp);
  std::tm tm{};
  // Far-off timestamps (the year beyond an int) have no calendar date: "" matches no credential.
  if (gmtime_r(&t, &tm) == nullptr) return {};
  // Room for any year an int holds; strftime returns 0 (and leaves the buffer undefined) when the
  // text does not fit, so only the length it reports is read.
  char buffer[32];
  return std::string(buffer, std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm));
}

std::string Tc3Signer::canonicalRequest(std::string_view method, std::string_view uri, std::string_view query,
                                        std::string_view canonicalHeaders, std::string_view signedHeaders,
                                        std::string_view payload) {
  std::string out;
  out.append(method).append("\n").append(uri).append("\n").append(query).append("\n");
  out.append(canonicalHeaders).append("\n").append(signedHeaders).append("\n").append(sha256Hex(payload));
  return out;
}

std::string Tc3Signer::stringToSign(std::int64_t timestamp, std::string_view credentialScope,
                                    std::string_view canonicalRequest) {
  std::string out(kAlgorithm);
  out.append("\n").append(std::to_string(timestamp)).append("\n").append(credentialScope).append("\n");
  out.append(sha256Hex(canonicalRequest));
  return out;
}

std::string Tc3Signer::signature(std::string_view secretKey, std::string_view date, std::string_view service,
                                 std::string_view stringToSign) {
  std::string kDate = hmacSha256(std::string("TC3").append(secretKey), date);
  std::string kService = hmacSha256(kDate, service);
  std::string kSigning = hmacSha256(kService, "tc3_request");
  return toHex(hmacSha256(kSigning, stringToSign));
}

std::string Tc3Signer::authorize(std::string_view secretId, std::string_view secretKey, std::string_view service,
                                 std::int64_t timestamp, const std::map<std::string, std::string>& headers,
                                 std::string_view payload) {
  std::string canonicalHeaders;
  std::string signedHeaders;
  for (const auto& [name, value] : headers) {
    canonicalHeaders.append(name).append(":").append(value).append("\n");
    if (!signedHeaders.empty()) signedHeaders.push_back(';');
    signedHeaders.append(name);
  }
  std::string date = utcDate(timestamp);
  std::string scope = date + "/" + std::string(service) + "/tc3_request";
  std::string request = canonicalRequest("POST", "/", "", canonicalHeaders, signedHeaders, payload);
  std::string sig = signature(secretKey, date, service, stringToSign(timestamp, scope, request));
  return std::string(kAlgorithm) + " Credential=" + std::string(secretId) + "/" + scope +
         ", SignedHeaders=" + signedHeaders + ", Signature=" + sig;
}

std::optional<Tc3Authorization> Tc3Signer::parseAuthorization(std::string_view header) {
  header = trimOws(header);
  if (header.size() > 4096) return std::nullopt;
  if (header.substr(0, kAlgorithm.size()) != kAlgorithm) return std::nullopt;
  header.remove_prefix(kAlgorithm.size());
  if (header.empty() || header.front() != ' ') return std::nullopt;

  std::optional<std::string> credential, signedHeaders, signature;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view part = trimOws(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = trimOws(part.substr(0, eq));
    std::string value(trimOws(part.substr(eq + 1)));
    if (key == "Credential")
      credential = value;
    else if (key == "SignedHeaders")
      signedHeaders = value;
    else if (key == "Signature")
      signature = value;
    else
      return std::nullopt;
  }
  if (!credential || !signedHeaders || !signature) return std::nullopt;

  Tc3Authorization auth;
  // Credential = SecretId/Date/Service/tc3_request. The SecretId has no '/', the service may contain
  // anything but '/' (the Node client derives it from the endpoint, e.g. "127" for 127.0.0.1).
  std::vector<std::string> parts;
  std::string_view rest = *credential;
  while (true) {
    auto slash = rest.find('/');
    parts.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (parts.size() != 4 || parts[3] != "tc3_request" || parts[0].empty() || parts[2].empty()) return std::nullopt;
  if (parts[1].size() != 10 || parts[1][4] != '-' || parts[1][7] != '-') return std::nullopt;
  auth.secretId = parts[0];
  auth.date = parts[1];
  auth.service = parts[2];

  std::string_view names = *signedHeaders;
  while (!names.empty()) {
    auto semi = names.find(';');
    std::string name = lower(trimOws(names.substr(0, semi)));
    if (name.empty()) return std::nullopt;
    auth.signedHeaders.push_back(std::move(name));
    names = semi == std::string_view::npos ? std::string_view() : names.substr(semi + 1);
  }
  if (auth.signedHeaders.empty() || auth.signedHeaders.size() > 32) return std::nullopt;
  if (signature->size() != 64 || !isLowerHex(*signature)) return std::nullopt;
  auth.signature = *signature;
  return auth;
}

bool Tc3Signer::constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool Tc3Signer::verify(const Tc3Authorization& auth, std::string_view secretKey, std::int64_t timestamp,
                       std::string_view method, std::string_view uri, std::string_view query,
                       const std::map<std::string, std::string>& requestHeaders, std::string_view payload) {
  if (auth.date != utcDate(timestamp)) return false;
  std::string signedHeaders;
  for (const auto& name : auth.signedHeaders) {
    if (!signedHeaders.empty()) signedHeaders.push_back(';');
    signedHeaders.append(name);
  }
  bool signsHost = false;
  for (const auto& name : auth.signedHeaders) {
    if (requestHeaders.find(name) == requestHeaders.end()) return false;  // signed but not sent
    if (name == "host") signsHost = true;
  }
  std::vector<std::string> hostVariants{requestHeaders.count("host") ? requestHeaders.at("host") : std::string()};
  if (signsHost) {
    std::string bare = stripPort(hostVariants[0]);
    if (bare != hostVariants[0]) hostVariants.push_back(bare);
  }
  const std::string scope = auth.date + "/" + auth.service + "/tc3_request";
  for (bool lowerValues : {true, false}) {
    for (const auto& host : hostVariants) {
      std::string canonicalHeaders;
      for (const auto& name : auth.signedHeaders) {
        std::string_view raw = name == "host" ? std::string_view(host) : std::string_view(requestHeaders.at(name));
        std::string value(trimOws(raw));
        if (lowerValues) value = lower(value);
        canonicalHeaders.append(name).append(":").append(value).append("\n");
      }
      std::string request = canonicalRequest(method, uri, query, canonicalHeaders, signedHeaders, payload);
      std::string expected = signature(secretKey, auth.date, auth.service, stringToSign(timestamp, scope, request));
      if (constantTimeEquals(expected, auth.signature)) return true;
    }
  }
  return false;
}

}  // namespace tccc::server
