// SPDX-License-Identifier: Apache-2.0
// Reading one parameter out of a raw URL query string, and percent-encoding one.
#ifndef TCCC_SERVER_HTTP_QUERYSTRING_HPP
#define TCCC_SERVER_HTTP_QUERYSTRING_HPP

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace tccc::server {

class QueryString {
 public:
  /// The first value of `name`, percent- and '+'-decoded; nullopt if absent or malformed.
  static std::optional<std::string> param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
      auto amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      auto eq = pair.find('=');
      auto key = decode(pair.substr(0, eq));
      if (!key || *key != name) continue;
      return eq == std::string_view::npos ? std::optional<std::string>("") : decode(pair.substr(eq + 1));
    }
    return std::nullopt;
  }

  /// How encode() treats characters outside the always-safe set (letters, digits, '-', '.', '_').
  enum class Style {
    Component,  // RFC 3986: '~' kept, everything else percent-encoded (query and fragment values)
    Form,       // application/x-www-form-urlencoded: '*' kept, space as '+' (e.g. RFC 6749 §2.3.1)
  };

  static std::string encode(std::string_view s, Style style = Style::Component) {
    static const char kHex[] = "0123456789ABCDEF";
    const unsigned char kept = style == Style::Form ? '*' : '~';
    std::string out;
    for (unsigned char c : s) {
      // ASCII letters and digits only: std::isalnum follows the C locale, which may call bytes of
      // UTF-8 text letters and leave them unencoded.
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (alnum || c == '-' || c == '.' || c == '_' || c == kept) {
        out.push_back(static_cast<char>(c));
      } else if (c == ' ' && style == Style::Form) {
        out.push_back('+');
      } else {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
    return out;
  }

  static std::optional<std::string> decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out.push_back(' ');
      } else if (s[i] == '%') {
        if (i + 2 >= s.size()) return std::nullopt;
        int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  }

 private:
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
};

}  // namespace tccc::server

#endif
