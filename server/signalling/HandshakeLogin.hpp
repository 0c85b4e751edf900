// SPDX-License-Identifier: Apache-2.0
// The login an agent client may carry in its WebSocket handshake (docs/protocol.md, "Login in the
// handshake"): Sec-WebSocket-Protocol offers "tccc.v1" plus "tccc.login.<base64url of the auth.login
// data>". The server then logs the socket in as it opens, so the login's round trip overlaps the
// page's own start-up (compiling the core) instead of following it.
#ifndef TCCC_SERVER_SIGNALLING_HANDSHAKELOGIN_HPP
#define TCCC_SERVER_SIGNALLING_HANDSHAKELOGIN_HPP

#include "protocol/Protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tccc::server {

/// The subprotocol the server selects when a client offers it.
inline constexpr std::string_view kSubprotocolV1 = "tccc.v1";
/// Prefix of the offered protocol that carries the login.
inline constexpr std::string_view kLoginProtocolPrefix = "tccc.login.";
/// The handshake login is answered as this request id; the client numbers its own requests after it.
inline constexpr std::int64_t kHandshakeLoginId = 1;

struct OfferedProtocols {
  bool v1 = false;                   // "tccc.v1" was offered
  std::optional<std::string> login;  // the payload after "tccc.login." (first one offered)
};

/// Splits a Sec-WebSocket-Protocol header value ("a, b,c") and picks out what tccc understands.
OfferedProtocols parseOfferedProtocols(std::string_view header);

/// The auth.login data carried by a login payload, or why it is unusable (ERR_PROTOCOL): it must be
/// unpadded base64url of a JSON object.
std::variant<protocol::Json, Error> decodeHandshakeLogin(std::string_view payload);

}  // namespace tccc::server

#endif
