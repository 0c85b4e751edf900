// SPDX-License-Identifier: Apache-2.0
#include "protocol/Validator.hpp"

#include <cstdint>

namespace tccc::protocol {
namespace {

constexpr std::size_t kMaxSdpMidLength = 64;
constexpr std::int64_t kMaxSdpMLineIndex = 65535;

// What a check found wrong, as the words after the field's name; empty when the value is fine.
using Why = std::string;

std::string number(std::int64_t value) { return std::to_string(value); }

bool isPhoneSeparator(char c) { return c == ' ' || c == '\t' || c == '-' || c == '(' || c == ')' || c == '.'; }
bool isPhoneDigit(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; }

// An integer given as a JSON integer or a string of decimal digits, within [1, 2^53 - 1].
std::optional<std::int64_t> positiveInteger(const Json& value) {
  if (value.is_number_unsigned()) {
    auto v = value.get<std::uint64_t>();
    if (v >= 1 && v <= static_cast<std::uint64_t>(kMaxSafeInteger)) return static_cast<std::int64_t>(v);
    return std::nullopt;
  }
  if (value.is_number_integer()) {
    auto v = value.get<std::int64_t>();
    if (v >= 1 && v <= kMaxSafeInteger) return v;
    return std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > 16) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > kMaxSafeInteger) return std::nullopt;
  return v;
}

// The largest value a Count field takes.
std::int64_t upperBound(const FieldSpec& spec) {
  return spec.max == kNoUpperBound ? kMaxSafeInteger : static_cast<std::int64_t>(spec.max);
}

Why tooLong(std::int64_t max, const char* unit) { return "is longer than " + number(max) + " " + unit; }

// What an API caller may give for a string: the string, or a non-negative integer, taken as its
// digits (JS callers often pass numeric ids and numbers). On the wire it is always a string.
std::optional<std::string> textOf(const Json& value, DataSource source) {
  if (value.is_string()) return value.get_ref<const std::string&>();
  if (source != DataSource::Api) return std::nullopt;
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) return std::to_string(value.get<std::int64_t>());
  return std::nullopt;
}

// An identifier: a non-empty string of at most `max` bytes.
Why checkId(const FieldSpec& spec, const Json& value, Json& out, DataSource source) {
  auto given = textOf(value, source);
  if (!given) return "must be a string";
  std::string text = std::move(*given);
  if (text.empty()) return "must not be empty";
  if (static_cast<std::int64_t>(text.size()) > spec.max) return tooLong(spec.max, "bytes");
  out = std::move(text);
  return {};
}

Why checkIdList(const FieldSpec& spec, const Json& value, Json& out, DataSource source) {
  if (!value.is_array()) return "must be an array of strings";
  if (static_cast<std::int64_t>(value.size()) > spec.max) return "has more than " + number(spec.max) + " entries";
  FieldSpec item{spec.name, nullptr, spec.itemMax, 0, 0, FieldType::Id, 0, Errc::InvalidArgument};
  Json list = Json::array();
  for (const auto& entry : value) {
    Json one;
    if (!checkId(item, entry, one, source).empty())
      return "entries must be non-empty strings of at most " + number(spec.itemMax) + " bytes";
    list.push_back(std::move(one));
  }
  out = std::move(list);
  return {};
}

Why checkPhone(const Json& value, Json& out, DataSource source) {
  auto text = textOf(value, source);
  if (!text) return "must be a string";
  std::string digits;
  for (char c : *text)
    if (!isPhoneSeparator(c)) digits += c;
  const std::size_t length = digits.size();
  if (length == 0 || length > 32) return "must be 1 to 32 characters long";
  for (std::size_t i = 0; i < length; ++i)
    if (!isPhoneDigit(digits[i]) && !(digits[i] == '+' && i == 0 && length > 1))
      return "may only contain 0-9 * # and a leading + (spaces, tabs, - ( ) . are dropped)";
  out = std::move(digits);
  return {};
}

Why checkString(const FieldSpec& spec, const Json& value, Json& out) {
  if (!value.is_string()) return "must be a string";
  const std::string& text = value.get_ref<const std::string&>();
  if (text.size() < spec.min) return "must not be empty";
  switch (spec.type) {
    case FieldType::Label:
      if (static_cast<std::int64_t>(countCodePoints(text)) > spec.max) return tooLong(spec.max, "characters");
      break;
    case FieldType::Sdp:
      if (text.empty() || static_cast<std::int64_t>(text.size()) > spec.max)
        return "must be a non-empty string of at most " + number(spec.max) + " bytes";
      break;
    default:  // Text
      if (static_cast<std::int64_t>(text.size()) > spec.max) return tooLong(spec.max, "bytes");
      break;
  }
  out = text;
  return {};
}

Why checkDtmf(const FieldSpec& spec, const Json& value, Json& out) {
  if (!value.is_string()) return "must be a string";
  std::string digits = value.get_ref<const std::string&>();
  if (digits.empty() || static_cast<std::int64_t>(digits.size()) > spec.max)
    return "must be 1 to " + number(spec.max) + " characters long";
  for (char& c : digits) {
    if (c >= 'a' && c <= 'd') c = static_cast<char>(c - 'a' + 'A');  // DTMF letters are case-blind
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')))
      return "may only contain 0-9 * # A-D";
  }
  out = std::move(digits);
  return {};
}

Why checkCount(const FieldSpec& spec, const Json& value, Json& out) {
  bool ok = value.is_number_integer() && !(value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX);
  std::int64_t v = ok ? value.get<std::int64_t>() : 0;
  if (!ok || v < spec.min || v > upperBound(spec)) {
    if (spec.max == kNoUpperBound) return "must be an integer of " + number(spec.min) + " or more";
    return "must be an integer from " + number(spec.min) + " to " + number(spec.max);
  }
  out = v;
  return {};
}

Why checkEnum(const FieldSpec& spec, const Json& value, Json& out) {
  if (value.is_string())
    for (std::uint8_t i = 0; i < spec.valueCount; ++i)
      if (spec.values[i] == value.get_ref<const std::string&>()) {
        out = value;
        return {};
      }
  if (spec.valueCount == 1) return "must be '" + std::string(spec.values[0]) + "'";
  std::string why = "must be one of ";
  for (std::uint8_t i = 0; i < spec.valueCount; ++i) {
    if (i) why += ", ";
    why += spec.values[i];
  }
  return why;
}

// {candidate, sdpMid?, sdpMLineIndex?}: rebuilt, so that nothing but these fields is ever relayed.
Why checkCandidate(const FieldSpec& spec, const Json& value, Json& out) {
  if (!value.is_object()) return "must be an object {candidate, sdpMid?, sdpMLineIndex?}";
  auto text = value.find("candidate");
  // "" is allowed: the end-of-candidates marker.
  if (text == value.end() || !text->is_string() ||
      static_cast<std::int64_t>(text->get_ref<const std::string&>().size()) > spec.max)
    return ".candidate must be a string of at most " + number(spec.max) + " bytes";
  Json candidate = Json::object();
  candidate["candidate"] = *text;
  auto mid = value.find("sdpMid");
  if (mid != value.end() && !mid->is_null()) {
    if (!mid->is_string() || mid->get_ref<const std::string&>().size() > kMaxSdpMidLength)
      return ".sdpMid must be a string of at most 64 bytes";
    candidate["sdpMid"] = *mid;
  }
  auto index = value.find("sdpMLineIndex");
  if (index != value.end() && !index->is_null()) {
    if (!index->is_number_integer() || index->get<std::int64_t>() < 0 || index->get<std::int64_t>() > kMaxSdpMLineIndex)
      return ".sdpMLineIndex must be an integer 0-65535";
    candidate["sdpMLineIndex"] = *index;
  }
  out = std::move(candidate);
  return {};
}

// Checks one present value; on failure returns the Error for it (its code is ERR_INVALID_ARGUMENT,
// or the field's own for a message over its limit).
Error checkValue(const FieldSpec& spec, const Json& value, Json& out, std::string_view context, std::string_view name,
                 DataSource source) {
  Why why;
  Errc code = Errc::InvalidArgument;
  switch (spec.type) {
    case FieldType::Id:
      why = checkId(spec, value, out, source);
      break;
    case FieldType::Decimal:
    case FieldType::AppId: {
      auto v = positiveInteger(value);
      if (!v)
        why = "must be a positive integer";
      else if (spec.type == FieldType::Decimal)
        out = std::to_string(*v);
      else
        out = *v;
      break;
    }
    case FieldType::IdList:
      why = checkIdList(spec, value, out, source);
      break;
    case FieldType::Phone:
      why = checkPhone(value, out, source);
      break;
    case FieldType::Text:
    case FieldType::Label:
    case FieldType::Sdp:
      why = checkString(spec, value, out);
      break;
    case FieldType::Message: {
      if (!value.is_string()) {
        why = "must be a string";
        break;
      }
      const std::string& text = value.get_ref<const std::string&>();
      if (isBlank(text)) {
        why = "must not be empty";
        break;
      }
      std::size_t chars = countCodePoints(text);
      if (static_cast<std::int64_t>(chars) > spec.max) {
        // "text has 4001 characters; at most 4000 are allowed"
        return Error(spec.tooLong, std::string(context) + ": " + std::string(name) + " has " + number(chars) +
                                       " characters; at most " + number(spec.max) + " are allowed");
      }
      out = text;
      break;
    }
    case FieldType::Count:
      why = checkCount(spec, value, out);
      break;
    case FieldType::Bool:
      if (!value.is_boolean())
        why = "must be a boolean";
      else
        out = value;
      break;
    case FieldType::Enum:
      why = checkEnum(spec, value, out);
      break;
    case FieldType::Dtmf:
      why = checkDtmf(spec, value, out);
      break;
    case FieldType::Candidate:
      why = checkCandidate(spec, value, out);
      break;
  }
  if (why.empty()) return {};
  std::string message(context);
  message += ": ";
  message += name;
  if (why[0] != '.') message += ' ';
  message += why;
  return Error(code, std::move(message));
}

}  // namespace

bool isBlank(std::string_view text) {
  // ASCII white space, and the Unicode spaces people paste: no-break, the typographic ones
  // (U+2000-200B) and the ideographic space of Chinese text.
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      i += 2;
    } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               static_cast<unsigned char>(text[i + 2]) <= 0x8B) {
      i += 3;
    } else if (c == 0xE3 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               static_cast<unsigned char>(text[i + 2]) == 0x80) {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::size_t countCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::optional<std::string> normalisePhoneNumber(std::string_view text) {
  Json out;
  if (!checkPhone(Json(std::string(text)), out, DataSource::Wire).empty()) return std::nullopt;
  return out.get<std::string>();
}

Error validateFields(const MethodSpec& method, const Json& in, Json& output, std::string_view context,
                     DataSource source, OptionAlias alias, std::string_view fixedField) {
  output = Json::object();
  // `null` data is no data, as an absent `data` is on the wire: then its required fields are missing.
  static const Json kNoData = Json::object();
  const Json& input = in.is_null() ? kNoData : in;
  auto invalid = [&](std::string_view what) {
    std::string message(context);
    message += ": ";
    message += what;
    return Error(Errc::InvalidArgument, std::move(message));
  };
  const char* holder = source == DataSource::Api ? "options" : "data";
  if (method.fieldCount == 0) {
    // Methods without fields (Agent.online()) tolerate a missing options object.
    if (!input.is_null() && !input.is_object()) return invalid(std::string(holder) + " must be an object when given");
    return {};
  }
  if (!input.is_object()) return invalid(std::string(holder) + " must be an object");
  for (std::uint8_t i = 0; i < method.fieldCount; ++i) {
    const FieldUse& use = method.fields[i];
    const FieldSpec& spec = *use.field;
    if (source == DataSource::Api && (use.sdkAdds || spec.name == fixedField)) continue;
    std::string_view name = alias.field == spec.name ? alias.option : spec.name;
    auto it = input.find(name);
    if (it == input.end() || it->is_null()) {
      if (use.required) return invalid(std::string(name) + " is required");
      continue;
    }
    Json value;
    if (Error error = checkValue(spec, *it, value, context, name, source)) return error;
    output[std::string(spec.name)] = std::move(value);
  }
  if (method.rule != FieldRule::None) {
    int given = output.contains(method.ruleFields[0]->name) + output.contains(method.ruleFields[1]->name);
    if ((method.rule == FieldRule::ExactlyOne && given != 1) || (method.rule == FieldRule::AtLeastOne && given == 0))
      return invalid(method.ruleMessage);
  }
  return {};
}

}  // namespace tccc::protocol
