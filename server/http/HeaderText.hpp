// SPDX-License-Identifier: Apache-2.0
// Small helpers for HTTP header values, shared by the parsers of Authorization (TC3) and
// Sec-WebSocket-Protocol.
#ifndef TCCC_SERVER_HTTP_HEADERTEXT_HPP
#define TCCC_SERVER_HTTP_HEADERTEXT_HPP

#include <string_view>

namespace tccc::server {

/// Strips RFC 7230 optional whitespace (spaces and tabs) from both ends.
inline std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace tccc::server

#endif
