// SPDX-License-Identifier: Apache-2.0
// The shapes the method tables of the wire vocabulary are made of (src/protocol/vocabulary.json):
// a field (a name, a type, its limits), a method (its fields and a rule over them). The tables
// themselves are generated; src/protocol/Validator.cpp walks them, on both sides of the wire.
#ifndef TCCC_PROTOCOL_FIELDS_HPP
#define TCCC_PROTOCOL_FIELDS_HPP

#include "errors/Errors.hpp"

#include <cstdint>
#include <string_view>

namespace tccc::protocol {

/// How a field's value is checked and normalised (docs/protocol.md, "Fields and limits").
enum class FieldType : std::uint8_t {
  Id,       // a non-empty string of at most `max` bytes; an integer is taken as its digits
  Decimal,  // a positive integer (a number or a string of digits), normalised to a string
  AppId,    // a positive integer (a number or a string of digits), normalised to a number
  IdList,   // an array of at most `max` Ids, each at most `itemMax` bytes
  Phone,    // separators dropped, then 1 to 32 of 0-9 * # with an optional leading +
  Text,     // a string of at most `max` bytes (may be empty)
  Label,    // a string of at most `max` characters (Unicode code points; may be empty)
  Message,  // a non-blank string of at most `max` characters; too long is `tooLong`
  Count,    // an integer from `min` to `max`
  Bool,
  Enum,       // one of `values`
  Dtmf,       // 1 to `max` of 0-9 * # A-D (a-d are upper-cased)
  Sdp,        // a non-empty string of at most `max` bytes
  Candidate,  // {candidate (at most `max` bytes, "" allowed), sdpMid?, sdpMLineIndex?}
};

/// `max` of a Count field that only has a lower bound: the largest integer a JS number holds exactly.
inline constexpr std::uint32_t kNoUpperBound = 0xFFFFFFFF;
inline constexpr std::int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

// Packed small: the tables are part of the SDK's download.
struct FieldSpec {
  std::string_view name;
  const std::string_view* values;  // Enum: the accepted values
  std::uint32_t max;               // length (bytes, or characters for Label/Message), entries, or value
  std::uint16_t itemMax;           // IdList: bytes per entry
  std::uint8_t min;                // Count: the smallest value
  FieldType type;
  std::uint8_t valueCount;  // Enum
  Errc tooLong;             // the code of a Message over `max`
};

struct FieldUse {
  const FieldSpec* field;
  bool required;
  bool sdkAdds;  // the SDK core adds it (clientRequestId): required on the wire, never an API option
};

/// A rule over two optional fields of a method.
enum class FieldRule : std::uint8_t { None, ExactlyOne, AtLeastOne };

struct MethodSpec {
  std::string_view name;
  const FieldUse* fields;
  const FieldSpec* ruleFields[2];
  const char* ruleMessage;  // what the rule's Error says
  std::uint8_t id;          // the method's enumerator (AgentMethod / CustomerMethod)
  bool idempotent;          // false: carries a clientRequestId, and a repeat gets the first answer
  std::uint8_t fieldCount;
  FieldRule rule;
};

}  // namespace tccc::protocol

#endif
