// SPDX-License-Identifier: Apache-2.0
#include "signalling/HandshakeLogin.hpp"

#include "http/HeaderText.hpp"

namespace tccc::server {
namespace {

int base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Unpadded base64url (RFC 4648 §5) only: '=' is not a token character, so it cannot appear in a
// subprotocol, and a lone trailing character (length % 4 == 1) encodes nothing.
std::optional<std::string> decodeBase64Url(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    int v = base64UrlValue(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  // The leftover bits of the last character must be zero (canonical encoding).
  if (count > 0 && (bits & ((1u << count) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

OfferedProtocols parseOfferedProtocols(std::string_view header) {
  OfferedProtocols offered;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = trimOws(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (item == kSubprotocolV1) {
      offered.v1 = true;
    } else if (!offered.login && item.substr(0, kLoginProtocolPrefix.size()) == kLoginProtocolPrefix) {
      offered.login = std::string(item.substr(kLoginProtocolPrefix.size()));
    }
  }
  return offered;
}

std::variant<protocol::Json, Error> decodeHandshakeLogin(std::string_view payload) {
  auto text = decodeBase64Url(payload);
  if (!text) return Error(Errc::Protocol, "the login in the WebSocket handshake is not unpadded base64url");
  protocol::Json data = protocol::parseJson(*text);
  if (data.is_discarded() || !data.is_object())
    return Error(Errc::Protocol, "the login in the WebSocket handshake is not a JSON object");
  return data;
}

}  // namespace tccc::server
