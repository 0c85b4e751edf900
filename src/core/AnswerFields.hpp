// SPDX-License-Identifier: Apache-2.0
// Answers the integrator gets rebuilt field by field from the server's (Agent.getDirectory,
// Agent.getHistory, Call.startOutboundCall, chat messages): which fields, of what kind and bound,
// is a table, and one loop copies them. Code per field, a read and a write each, was 1.1 KB more
// of the wasm (bindings/CMakeLists.txt).
#ifndef TCCC_CORE_ANSWER_FIELDS_HPP
#define TCCC_CORE_ANSWER_FIELDS_HPP

#include "protocol/Protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tccc::core {

using protocol::Json;

/// What a field of an answer may hold, and what the page gets when the server's is absent or unfit.
enum class Pick : std::uint8_t {
  Text,         // a string of at most `max` bytes; otherwise the field is left out
  TextOrEmpty,  // the same; otherwise ""
  Int,          // an integer; otherwise left out
  Count,        // an integer >= 0; otherwise 0
  Bool,         // a boolean; otherwise false
};

struct PickField {
  std::string_view key;
  std::uint16_t max;  // Text, TextOrEmpty: bytes
  Pick kind;
};

/// Copies `fields` of `from` (an object, or anything: then every field is absent) into `to`.
void pickFields(const Json& from, Json& to, const PickField* fields, std::size_t count);

template <std::size_t N>
void pickFields(const Json& from, Json& to, const PickField (&fields)[N]) {
  pickFields(from, to, fields, N);
}

}  // namespace tccc::core

#endif
