// SPDX-License-Identifier: Apache-2.0
// Lookups over the generated error catalogue, shared by the SDK core and the server.
#ifndef TCCC_ERRORS_ERRORS_HPP
#define TCCC_ERRORS_ERRORS_HPP

#include "errors/ErrorCodes.generated.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tccc {

/// The catalogue row of a code; every Errc value has one (a test checks it).
inline const ErrcInfo& errcInfo(Errc code) {
  for (const auto& row : kErrcTable)
    if (row.code == code) return row;
  return kErrcTable[0];  // unreachable for catalogue codes
}

inline std::string_view errcName(Errc code) { return errcInfo(code).name; }
inline std::string_view errcMessage(Errc code) { return errcInfo(code).message; }
inline ErrcKind errcKind(Errc code) { return errcInfo(code).kind; }

/// The Errc for a number read off the wire, if the catalogue knows it.
inline std::optional<Errc> errcFromInt(long long value) {
  for (const auto& row : kErrcTable)
    if (static_cast<long long>(row.code) == value) return row.code;
  return std::nullopt;
}

/// An error as reported to callers: a catalogue code plus a message that says what exactly went
/// wrong (e.g. "sessionId must be a non-empty string"), falling back to the catalogue text.
struct Error {
  Errc code = Errc::None;
  std::string message;

  Error() = default;
  Error(Errc c, std::string detail = {})
      : code(c), message(detail.empty() ? std::string(errcMessage(c)) : std::move(detail)) {}

  explicit operator bool() const { return code != Errc::None; }
};

}  // namespace tccc

#endif
