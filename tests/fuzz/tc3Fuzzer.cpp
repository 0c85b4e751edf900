// SPDX-License-Identifier: Apache-2.0
// TC3-HMAC-SHA256 on the cloud API's `POST /` (server/cloud/Tc3Signer): the Authorization header
// parser and the verification that rebuilds the canonical request from the request's parts, on
// attacker-chosen text. Also checks that what authorize() signs, parseAuthorization() reads and
// verify() accepts: a client signing with the documented canonical form is never refused.
#include "cloud/Tc3Signer.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

namespace {

using tccc::server::Tc3Signer;

// Keeps the characters a well-behaved client uses in an id, a service or a header name.
std::string token(std::string s) {
  std::string out;
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.') out.push_back(c);
  return out;
}

// A header value in the canonical form: lower case, no surrounding white space, no line breaks.
std::string canonicalValue(std::string s) {
  std::string out;
  for (char c : s)
    if (c >= 0x21 && c <= 0x7e) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::int64_t timestamp = in.ConsumeIntegral<std::int64_t>();
  const std::string header = in.ConsumeRandomLengthString(512);
  const std::string method = in.ConsumeRandomLengthString(16);
  const std::string uri = in.ConsumeRandomLengthString(64);
  const std::string query = in.ConsumeRandomLengthString(64);
  const std::string payload = in.ConsumeRandomLengthString(256);
  const std::string secretId = token(in.ConsumeRandomLengthString(32));
  const std::string service = token(in.ConsumeRandomLengthString(16));
  const std::int64_t signedAt = in.ConsumeIntegralInRange<std::int64_t>(0, 253402300799);  // years 1970-9999
  std::map<std::string, std::string> headers;
  while (headers.size() < 8 && in.remaining_bytes() > 0) {
    std::string name = in.ConsumeRandomLengthString(32);
    headers[name] = in.ConsumeRandomLengthString(64);
  }

  // The date of any timestamp the header carries (CloudApi checks the window, but not first).
  (void)Tc3Signer::utcDate(timestamp);
  if (auto auth = Tc3Signer::parseAuthorization(header)) {
    if (auth->signedHeaders.empty() || auth->signature.size() != 64) std::abort();
    (void)Tc3Signer::verify(*auth, "secret", timestamp, method, uri, query, headers, payload);
  }

  // Sign as a client would, then verify as the server does.
  if (secretId.empty() || service.empty()) return 0;
  std::map<std::string, std::string> clean;
  for (const auto& [name, value] : headers)
    if (auto n = token(name); !n.empty()) clean[n] = canonicalValue(value);
  if (clean.empty()) return 0;
  const std::string signedHeader = Tc3Signer::authorize(secretId, "secret", service, signedAt, clean, payload);
  auto auth = Tc3Signer::parseAuthorization(signedHeader);
  if (clean.size() <= 32 && !auth) std::abort();
  if (auth && !Tc3Signer::verify(*auth, "secret", signedAt, "POST", "/", "", clean, payload)) std::abort();
  return 0;
}
