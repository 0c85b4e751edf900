// SPDX-License-Identifier: Apache-2.0
// Checks a request's data against its method's fields (the generated tables of
// src/protocol/vocabulary.json) and normalises it. The SDK core runs it on API options before
// anything goes on the wire, the server on every request it receives: one rule for both sides, so
// whatever the SDK accepts the server accepts, and the SDK refuses at once, with the same code and
// message, what the server would refuse. Never throws.
#ifndef TCCC_PROTOCOL_VALIDATOR_HPP
#define TCCC_PROTOCOL_VALIDATOR_HPP

#include "protocol/Protocol.hpp"
#include "protocol/Vocabulary.generated.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tccc::protocol {

/// A field the caller names differently: the SDK's `Call.sendDigits` takes `dtmfText` for the wire's
/// `digits`. Error messages use the caller's name.
struct OptionAlias {
  std::string_view field;
  std::string_view option;
};

/// Who hands the data over: an SDK API call (the core adds the `sdkAdds` fields itself afterwards)
/// or a request off the wire (every field as the method lists it).
enum class DataSource : std::uint8_t { Wire, Api };

/// Checks `input` against `method`. On success `output` is an object with exactly the fields the
/// method names that were given, normalised (ids and skill groups as strings, phone numbers without
/// separators, DTMF upper-cased); unknown fields are dropped and `null` counts as absent. An API
/// caller may give ids and phone numbers as integers; on the wire they are strings. On failure
/// the Error (ERR_INVALID_ARGUMENT, or the field's own code) reads "<context>: <field> <why>".
/// `null` input is no data at all. An API's `fixedField` is not an option (the API sets it itself).
Error validateFields(const MethodSpec& method, const Json& input, Json& output, std::string_view context,
                     DataSource source = DataSource::Wire, OptionAlias alias = {}, std::string_view fixedField = {});

/// A phone number as FieldType::Phone normalises it (separators dropped), or nullopt if it is none.
std::optional<std::string> normalisePhoneNumber(std::string_view text);

/// Unicode code points in UTF-8 text (continuation bytes are not counted).
std::size_t countCodePoints(std::string_view text);

/// Whether UTF-8 text holds nothing but white space (ASCII, no-break, U+2000-200B, U+3000).
bool isBlank(std::string_view text);

}  // namespace tccc::protocol

#endif
